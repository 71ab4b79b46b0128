// The Fastify guard as js-sdk/README.md documents it, type-checked under --strict: the readers
// get the route's request type (its Params declared as Fastify's own documentation does).
import Fastify from 'fastify';
import { Evaluator, Policy } from 'rolecall';
import { fastifyGuard } from 'rolecall/node';

declare const policyText: string;
declare const directoryText: string;

const evaluator = new Evaluator(Policy.parse(policyText), directoryText);
const app = Fastify();
app.post<{ Params: { scope: string } }>(
  '/api/:scope/refunds',
  { preHandler: fastifyGuard(evaluator, (req) => req.headers['x-user'] as string | undefined, 'refunds.create', (req) => req.params.scope) },
  async () => ({ ok: true }),
);
// A typo in a reader is an error: the readers get Fastify's request type for the route.
app.post<{ Params: { scope: string } }>(
  '/api/:scope/transfers',
  // @ts-expect-error: `scop` is not a parameter of the route
  { preHandler: fastifyGuard(evaluator, (req) => req.headers['x-user'] as string | undefined, 'transfers.approve', (req) => req.params.scop) },
  async () => ({ ok: true }),
);
