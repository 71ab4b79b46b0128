// A route handler that enforces: the server decides every request itself, whatever the page shows.
import { enforce } from 'rolecall/node';
import { evaluator, userOf } from '../../../lib/rolecall';

export function POST(request) {
  const params = new URL(request.url).searchParams;
  const o = enforce(evaluator, userOf(params), 'refunds.create', params.get('scope'));
  return Response.json(o.allowed ? { ok: true } : o.body, { status: o.status });
}
