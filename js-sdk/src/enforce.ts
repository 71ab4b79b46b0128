// Server-side enforcement (`rolecall/node`): the boundary. Hiding a button in the browser is a
// convenience; these helpers are where a request is actually refused. One framework-neutral
// function, `enforce`, and thin adapters for Express and Fastify on top of it. Deny by default:
// a missing subject, an input error, a throwing resource loader or audit hook never allow.

// From the package's index, not its modules: the bundled Node entries (scripts/build.mjs) turn
// this import into one of the main entry, so both share one Evaluator and one RolecallError.
import { Evaluator, RolecallError } from './index.js';
import type { Decision, QueryContext, Schema, Target } from './types.js';

/** What `enforce` needs to decide one request. */
export interface EnforceRequest<S extends Schema = Schema> {
  /** The authenticated subject; `undefined` when nobody is signed in (401). */
  subject: string | undefined;
  scope: string;
  context?: QueryContext<S>;
  /** Attributes of the resource acted on, for `distinct_from` (maker-checker). */
  resource?: Record<string, string>;
}

/** The JSON body of a refusal: SPEC's reason (or error) code and the same message the page shows. */
export interface RefusalBody {
  error: { code: string; message: string; missing?: string[] };
}

/** The outcome of `enforce`: allowed, or the HTTP status and body to answer with. */
export type EnforceOutcome =
  | { allowed: true; status: 200; decision: Decision }
  | { allowed: false; status: 400 | 401 | 403 | 500; body: RefusalBody; decision?: Decision };

/** One decision, for the audit hook. */
export interface AuditEvent<S extends Schema = Schema> {
  at: Date;
  action: Target<S>;
  subject: string | undefined;
  scope: string;
  allowed: boolean;
  /** The reason code, or the error code of an input error. */
  code: string;
  decision?: Decision;
}

/** An evaluator, or a function returning the current one (for live reloads). */
export type EvaluatorSource<S extends Schema> = Evaluator<S> | (() => Evaluator<S>);

function current<S extends Schema>(source: EvaluatorSource<S>): Evaluator<S> {
  return typeof source === 'function' ? source() : source;
}

/**
 * Decides one request with the full decision (reason and message), never throwing: input errors
 * become 400, denials 403 with SPEC's reason code, anything unexpected 500. Never an allow by
 * accident. A scope the directory does not know is a 403 `out_of_scope`, as the subject's own
 * page decides it from a snapshot, never a 400 that would tell which scope ids exist.
 */
export function enforce<S extends Schema>(
  evaluator: EvaluatorSource<S>,
  action: Target<S>,
  request: EnforceRequest<S>,
  audit?: (event: AuditEvent<S>) => void,
): EnforceOutcome {
  const outcome = decide(evaluator, action, request);
  if (audit) {
    const event: AuditEvent<S> = {
      at: new Date(),
      action,
      subject: request.subject,
      scope: request.scope,
      allowed: outcome.allowed,
      code: outcome.allowed ? 'granted' : outcome.body.error.code,
      decision: outcome.decision,
    };
    try {
      audit(event);
    } catch {
      // An allow that cannot be recorded is not an allow.
      return refuse(500, 'audit_failed', 'The decision could not be recorded');
    }
  }
  return outcome;
}

function decide<S extends Schema>(evaluator: EvaluatorSource<S>, action: Target<S>, r: EnforceRequest<S>): EnforceOutcome {
  if (!r.subject) return refuse(401, 'unauthenticated', 'Sign in first');
  const options = { scope: r.scope, context: r.context, resource: r.resource };
  let ev: Evaluator<S> | undefined;
  try {
    ev = current(evaluator);
    return denyOrAllow(ev.check(r.subject, action, options));
  } catch (e) {
    if (!(e instanceof RolecallError)) return refuse(500, 'internal', 'The permission check failed');
    if (e.code !== 'unknown_scope' || ev === undefined) return refuse(400, e.code, e.message);
  }
  // A scope the directory does not know is refused as the subject's own page would refuse it
  // (from its snapshot: `out_of_scope`), so a response never tells which scope ids exist.
  let own: Evaluator<S> | undefined;
  try {
    own = Evaluator.fromSnapshot(ev.policy, ev.snapshot(r.subject));
    return denyOrAllow(own.check(r.subject, action, options));
  } catch (e) {
    if (e instanceof RolecallError) return refuse(400, e.code, e.message);
    return refuse(500, 'internal', 'The permission check failed');
  } finally {
    // Its WebAssembly memory is not the garbage collector's: one per such request would pile up.
    own?.free();
  }
}

function denyOrAllow(decision: Decision): EnforceOutcome {
  if (decision.allowed) return { allowed: true, status: 200, decision };
  return {
    allowed: false,
    status: 403,
    decision,
    body: { error: { code: decision.reason, message: decision.message, missing: decision.missing } },
  };
}

function refuse(status: 400 | 401 | 403 | 500, code: string, message: string): EnforceOutcome {
  return { allowed: false, status, body: { error: { code, message } } };
}

/** How a guard reads a request. Any function may be async (e.g. loading the resource). */
export interface GuardOptions<S extends Schema, Req> {
  subject: (req: Req) => string | undefined | Promise<string | undefined>;
  scope: (req: Req) => string | undefined | Promise<string | undefined>;
  context?: (req: Req) => QueryContext<S> | undefined | Promise<QueryContext<S> | undefined>;
  resource?: (req: Req) => Record<string, string> | undefined | Promise<Record<string, string> | undefined>;
  audit?: (event: AuditEvent<S>) => void;
}

/** Reads a request into an `EnforceRequest`; a throwing reader becomes a 400, never an allow. */
async function read<S extends Schema, Req>(o: GuardOptions<S, Req>, req: Req): Promise<EnforceRequest<S> | EnforceOutcome> {
  try {
    const scope = await o.scope(req);
    if (!scope) return refuse(400, 'unknown_scope', 'The request names no scope');
    return {
      subject: await o.subject(req),
      scope,
      context: o.context ? await o.context(req) : undefined,
      resource: o.resource ? await o.resource(req) : undefined,
    };
  } catch {
    return refuse(400, 'invalid_request', 'The request could not be read');
  }
}

function isOutcome(x: unknown): x is EnforceOutcome {
  return typeof x === 'object' && x !== null && 'status' in x;
}

/** Refuses at definition time a route naming an action the policy does not have. */
function checkAction<S extends Schema>(evaluator: EvaluatorSource<S>, action: Target<S>): void {
  const isPermission = String(action).includes(':');
  if (!isPermission && current(evaluator).actionId(action as S['action']) === undefined) {
    throw new RolecallError({ code: 'unknown_action', message: `unknown action \`${String(action)}\` in a route definition`, path: 'action' });
  }
}

/** The request and response shapes the Express adapter uses (no dependency on Express). */
export interface ExpressLike {
  status(code: number): { json(body: unknown): unknown };
  locals?: Record<string, unknown>;
}

/**
 * Express middleware: `app.post('/refunds', guard(evaluator, 'refunds.create', options), handler)`.
 * Allowed requests continue with the decision in `res.locals.rolecall`; others are answered with
 * the status and a JSON body `{ error: { code, message, missing } }`.
 * @throws {RolecallError} `unknown_action` at definition time, for an action the policy lacks.
 */
export function guard<S extends Schema, Req = unknown>(
  evaluator: EvaluatorSource<S>,
  action: Target<S>,
  options: GuardOptions<S, Req>,
): (req: Req, res: ExpressLike, next: (err?: unknown) => void) => void {
  checkAction(evaluator, action);
  return (req, res, next) => {
    read(options, req)
      .then((r) => {
        const outcome = isOutcome(r) ? r : enforce(evaluator, action, r, options.audit);
        if (outcome.allowed) {
          if (res.locals) res.locals.rolecall = outcome.decision;
          next();
        } else {
          res.status(outcome.status).json(outcome.body);
        }
      })
      .catch(() => res.status(500).json({ error: { code: 'internal', message: 'The permission check failed' } }));
  };
}

/** The reply shape the Fastify adapter uses. */
export interface FastifyReplyLike {
  code(status: number): { send(body: unknown): unknown };
}

/**
 * A Fastify `preHandler`: `{ preHandler: fastifyGuard(evaluator, 'refunds.create', options) }`.
 * A refusal is sent and the reply returned, as Fastify documents for an async hook that
 * answers early.
 * @throws {RolecallError} `unknown_action` at definition time.
 */
export function fastifyGuard<S extends Schema, Req = unknown>(
  evaluator: EvaluatorSource<S>,
  action: Target<S>,
  options: GuardOptions<S, Req>,
): (req: Req, reply: FastifyReplyLike) => Promise<unknown> {
  checkAction(evaluator, action);
  return async (req, reply) => {
    const r = await read(options, req);
    const outcome = isOutcome(r) ? r : enforce(evaluator, action, r, options.audit);
    if (!outcome.allowed) return reply.code(outcome.status).send(outcome.body);
    return undefined;
  };
}
