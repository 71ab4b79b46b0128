// A Cloudflare Worker (workerd): the `workerd` export condition's entry imports the .wasm as a
// module, so there is no init() and no setup. One request, one enforced decision.
import { Evaluator, Policy } from 'rolecall';
import { enforce } from 'rolecall/node';
import fixture from '../../out/fixture.json';

const evaluator = new Evaluator(Policy.parse(fixture.policy), fixture.directory);

export default {
  fetch(request) {
    const url = new URL(request.url);
    const o = enforce(evaluator, url.searchParams.get('user') ?? undefined, fixture.action, url.searchParams.get('scope'));
    return Response.json({ status: o.status, code: o.allowed ? 'granted' : o.body.error.code });
  },
};
