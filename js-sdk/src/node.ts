// `rolecall/node`: server-side enforcement, the boundary. Hiding a button in the browser is a
// convenience; these helpers are where a request is actually refused. One framework-neutral
// function, `enforce(evaluator, subject, action, scope, options?)` (a check's arguments after
// the evaluator), and guards for Express and Fastify that read the same arguments from the
// request. Deny by default: a missing subject, an input error, a throwing resource loader or
// audit hook never allow.

// From the package's index, not its modules: the bundled Node entries (scripts/build.mjs) turn
// this import into one of the main entry, so both share one Evaluator and one RolecallError.
import { Evaluator, RolecallError } from './index.js';
import type { Decision, QueryContext, Schema, Target } from './types.js';

/** The optional part of `enforce`: the check's (no `now`: a request is decided now), and an audit hook. */
export interface EnforceOptions<S extends Schema = Schema> {
  context?: QueryContext<S>;
  /** Attributes of the resource acted on, for `distinct_from` (maker-checker). */
  resource?: Record<string, string>;
  /** Called with every decision; if it throws, the request is refused (500). */
  audit?: (event: AuditEvent<S>) => void;
  /**
   * Accept `"*"` as a context value. Off by default: `"*"` asks "is any value allowed?", a
   * question for a page, not for enforcement, and a request that sends it would be allowed by
   * an assignment for any one value. With it off, a `"*"` is refused (400 `invalid_value`).
   */
  anyContextValue?: boolean;
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
 * accident. `subject` is `undefined` when nobody is signed in (401). A scope the directory does
 * not know is a 403 `out_of_scope`, as the subject's own page decides it from a snapshot, never a
 * 400 that would tell which scope ids exist.
 */
export function enforce<S extends Schema>(
  evaluator: EvaluatorSource<S>,
  subject: string | undefined,
  action: Target<S>,
  scope: string,
  options: EnforceOptions<S> = {},
): EnforceOutcome {
  // Options that are not an object (`null`) are the server's mistake: a 500, never a TypeError.
  if (typeof options !== 'object' || options === null) return refuse(500, 'internal', 'The permission check failed');
  const outcome = decide(evaluator, subject, action, scope, options);
  if (options.audit) {
    const event: AuditEvent<S> = {
      at: new Date(),
      action,
      subject,
      scope,
      allowed: outcome.allowed,
      code: outcome.allowed ? 'granted' : outcome.body.error.code,
      decision: outcome.decision,
    };
    try {
      options.audit(event);
    } catch {
      // An allow that cannot be recorded is not an allow.
      return refuse(500, 'audit_failed', 'The decision could not be recorded');
    }
  }
  return outcome;
}

function decide<S extends Schema>(
  evaluator: EvaluatorSource<S>,
  subject: string | undefined,
  action: Target<S>,
  scope: string,
  o: EnforceOptions<S>,
): EnforceOutcome {
  if (subject === undefined || subject === null || subject === '') {
    return refuse(401, 'unauthenticated', 'Sign in first');
  }
  if (o.anyContextValue !== true && hasAnyValue(o.context)) {
    return refuse(400, 'invalid_value', 'A context value of `*` is not accepted here');
  }
  const options = { context: o.context, resource: o.resource };
  let ev: Evaluator<S> | undefined;
  try {
    ev = current(evaluator);
    return denyOrAllow(ev.check(subject, action, scope, options));
  } catch (e) {
    if (!(e instanceof RolecallError)) return refuse(500, 'internal', 'The permission check failed');
    if (e.code !== 'unknown_scope' || ev === undefined) return refuse(400, e.code, e.message);
  }
  // A scope the directory does not know is refused as the subject's own page would refuse it
  // (from its snapshot: `out_of_scope`), so a response never tells which scope ids exist.
  let own: Evaluator<S> | undefined;
  try {
    own = Evaluator.fromSnapshot(ev.policy, ev.snapshot(subject));
    return denyOrAllow(own.check(subject, action, scope, options));
  } catch (e) {
    if (e instanceof RolecallError) return refuse(400, e.code, e.message);
    return refuse(500, 'internal', 'The permission check failed');
  } finally {
    // Its WebAssembly memory is not the garbage collector's: one per such request would pile up.
    own?.free();
  }
}

/** Whether a context gives `"*"` for some dimension (anything else is the check's to judge). */
function hasAnyValue(context: unknown): boolean {
  if (typeof context !== 'object' || context === null) return false;
  return Object.values(context).some((v) => v === '*');
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

/** A value a guard reads from the request; it may be async (e.g. loading the resource). */
export type RequestReader<Req, T> = (req: Req) => T | undefined | Promise<T | undefined>;

/** The optional part of a guard: `enforce`'s options, each read from the request. */
export interface GuardOptions<S extends Schema, Req> {
  context?: RequestReader<Req, QueryContext<S>>;
  resource?: RequestReader<Req, Record<string, string>>;
  audit?: (event: AuditEvent<S>) => void;
  /** As `enforce`'s: accept a `"*"` context value (off by default). */
  anyContextValue?: boolean;
}

/**
 * What a guard decides for each request: `enforce`, with the subject, the scope and the options
 * read from the request. No scope, or a throwing reader, is a 400: never an allow. The action is
 * checked once, here, when the route is defined.
 */
function requestEnforcer<S extends Schema, Req>(
  evaluator: EvaluatorSource<S>,
  subjectOf: RequestReader<Req, string>,
  action: Target<S>,
  scopeOf: RequestReader<Req, string>,
  o: GuardOptions<S, Req>,
): (req: Req) => Promise<EnforceOutcome> {
  checkAction(evaluator, action);
  return async (req) => {
    let subject: string | undefined;
    let scope: string | undefined;
    let options: EnforceOptions<S>;
    try {
      scope = await scopeOf(req);
      if (!scope) return refuse(400, 'unknown_scope', 'The request names no scope');
      subject = await subjectOf(req);
      options = {
        context: o.context ? await o.context(req) : undefined,
        resource: o.resource ? await o.resource(req) : undefined,
        audit: o.audit,
        anyContextValue: o.anyContextValue,
      };
    } catch {
      return refuse(400, 'invalid_request', 'The request could not be read');
    }
    return enforce(evaluator, subject, action, scope, options);
  };
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
 * Express middleware: `enforce` with the subject, the scope and the options read from each
 * request, e.g. `guard(evaluator, (req) => req.user?.id, 'refunds.create', (req) => req.params.scope)`.
 * Allowed requests continue with the decision in `res.locals.rolecall`; others are answered with
 * the status and a JSON body `{ error: { code, message, missing } }`.
 * @throws {RolecallError} `unknown_action` at definition time, for an action the policy lacks.
 */
export function guard<S extends Schema, Req = any>(
  evaluator: EvaluatorSource<S>,
  subject: RequestReader<Req, string>,
  action: Target<S>,
  scope: RequestReader<Req, string>,
  options: GuardOptions<S, Req> = {},
): (req: Req, res: ExpressLike, next: (err?: unknown) => void) => void {
  const outcomeOf = requestEnforcer(evaluator, subject, action, scope, options);
  return (req, res, next) => {
    outcomeOf(req)
      .then((outcome) => {
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
 * A Fastify `preHandler`, with `guard`'s arguments:
 * `{ preHandler: fastifyGuard(evaluator, (req) => req.user?.id, 'refunds.create', (req) => req.params.scope) }`.
 * A refusal is sent and the reply returned, as Fastify documents for an async hook that
 * answers early.
 * @throws {RolecallError} `unknown_action` at definition time.
 */
export function fastifyGuard<S extends Schema, Req = any>(
  evaluator: EvaluatorSource<S>,
  subject: RequestReader<Req, string>,
  action: Target<S>,
  scope: RequestReader<Req, string>,
  options: GuardOptions<S, Req> = {},
): (req: Req, reply: FastifyReplyLike) => Promise<unknown> {
  const outcomeOf = requestEnforcer(evaluator, subject, action, scope, options);
  return async (req, reply) => {
    const outcome = await outcomeOf(req);
    if (!outcome.allowed) return reply.code(outcome.status).send(outcome.body);
    return undefined;
  };
}
