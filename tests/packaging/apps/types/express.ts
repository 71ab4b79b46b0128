// README.md's and docs/api.md's Express guards, as written there, type-checked under --strict.
import express from 'express';
import { Evaluator, Policy } from 'rolecall';
import { enforce, guard } from 'rolecall/node';

declare global {
  namespace Express {
    // What an authentication middleware (passport, a session) adds.
    interface Request {
      user?: { id: string };
      // What the application's `loadTransfer` sets before the guard (docs/api.md).
      item: { created_by: string };
    }
  }
}
declare const policyText: string;
declare const directoryText: string;
declare function createRefund(body: unknown): unknown;
declare const loadTransfer: express.RequestHandler<{ scope: string; id: string }>;
declare const approve: express.RequestHandler;
declare const log: (event: unknown) => void;

const evaluator = new Evaluator(Policy.parse(policyText), directoryText);
const app = express();

// README.md
app.post('/api/:scope/refunds',
  guard(evaluator, (req) => req.user?.id, 'refunds.create', (req) => req.params.scope),
  (req, res) => res.json(createRefund(req.body)));

// docs/api.md
app.post('/api/scopes/:scope/transfers/:id/approve',
  loadTransfer,
  guard(evaluator, (req) => req.user?.id, 'transfers.approve', (req) => req.params.scope, {
    resource: (req) => ({ created_by: req.item.created_by }),
  }),
  approve);

// Where Express gives the request type, the readers get it (a typo is an error).
app.use(guard(evaluator, (req) => req.user?.id, 'refunds.create', (req) => String(req.query.scope)));
// @ts-expect-error: `usr` is not on Express's Request
app.use(guard(evaluator, (req) => req.usr?.id, 'refunds.create', (req) => String(req.query.scope)));

app.get('/api/:scope/transfers/:id', (req, res) => {
  const transfer = { created_by: 'bob' };
  const outcome = enforce(evaluator, req.user?.id, 'transfers.approve', req.params.scope, {
    resource: { created_by: transfer.created_by },
    audit: log,
  });
  if (!outcome.allowed) return res.status(outcome.status).json(outcome.body);
  return res.json(outcome.decision);
});
