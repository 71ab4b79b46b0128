// `Evaluator`: the public class that decides for every subject of a directory. It owns the
// binding's evaluator and routes each call: a check to the fast path (fast.ts) when its answer
// is the same, else to the JSON path (json.ts); the server-only methods to server.ts. Every
// check takes `(subject, action, scope, options?)` (docs/api.md).

import { flag, freed, invalid, options as optionsArg, queryLimits, text, time } from './args.js';
import { serverEvaluator, wasm, type NativeEvaluator, type NativePolicy } from './binding.js';
import { call } from './errors.js';
import { FastPath } from './fast.js';
import { JsonPath } from './json.js';
import { pushText, writeParts } from './parts.js';
import { documentText, policyInternals, type Policy } from './policy.js';
import { prepareSubject, type PreparedSubject } from './prepared.js';
import { ServerMethods } from './server.js';
import type {
  AccessRow,
  ApiKey,
  Assignment,
  AssignRequest,
  BulkOptions,
  CheckOptions,
  CopyRequest,
  CustomRole,
  Decision,
  DefineRequest,
  DirectoryDocument,
  DocumentInput,
  EffectiveEntry,
  FilterOptions,
  FromJson,
  Grant,
  ManyOptions,
  Plan,
  Schema,
  Snapshot,
  Target,
  WhoCan,
  WhoCanOptions,
} from './types.js';

/** An evaluator the binding already built (from a snapshot). */
class FromNative {
  constructor(readonly ffi: NativeEvaluator) {}
}

let ffiOf: (e: Evaluator<Schema>) => NativeEvaluator;

/** The binding's evaluator inside an `Evaluator`; not part of the public API. */
export function evaluatorFfi<S extends Schema>(e: Evaluator<S>, path = 'evaluator'): NativeEvaluator {
  if (!(e instanceof Evaluator)) throw invalid(path, `\`${path}\` must be an \`Evaluator\``);
  return ffiOf(e as unknown as Evaluator<Schema>);
}

/**
 * A check's arguments when one of them is not a string (the hot path's three `typeof`s sent it
 * here): the error that names it.
 */
function badQuery(subject: unknown, action: unknown, scope: unknown): never {
  text(subject, 'subject');
  text(action, 'action');
  text(scope, 'scope');
  throw invalid('', 'invalid query');
}

/** A snapshot object without its prepared decisions; anything else as it is. */
function withoutDecisions<T>(snapshot: T): T {
  if (typeof snapshot !== 'object' || snapshot === null || !('decisions' in snapshot)) return snapshot;
  const { decisions: _, ...rest } = snapshot as T & { decisions?: unknown };
  return rest as T;
}

/** Options checked: an object or nothing, and a valid `now` when given. */
function checkOptions<T extends { now?: unknown }>(o: T | undefined): T | undefined {
  if (optionsArg(o) !== undefined) time(o?.now);
  return o;
}

/** Decides for every subject of a directory under a policy. */
export class Evaluator<S extends Schema = Schema> {
  /** The policy it decides under. */
  readonly policy: Policy<S>;
  readonly #ffi: NativeEvaluator;
  readonly #fast: FastPath;
  readonly #json: JsonPath;
  readonly #server: ServerMethods<S>;

  /**
   * Compiles a directory (YAML or JSON text, or the document as an object) for `policy`.
   * @throws {RolecallError} the first problem in the directory, with its path and location.
   */
  constructor(policy: Policy<S> | Policy, directory: DocumentInput) {
    const p = policyInternals(policy);
    this.policy = policy as Policy<S>;
    if (directory === undefined || directory === null) throw invalid('directory', '`directory` is missing');
    const text = typeof directory === 'string' ? documentText(directory, 'directory') : undefined;
    this.#ffi =
      directory instanceof FromNative
        ? directory.ffi
        : fromParts(p.ffi, directory, text);
    this.#fast = new FastPath(this.#ffi, p);
    this.#json = new JsonPath(this.#ffi, this.#fast.cache);
    this.#server = new ServerMethods<S>(this.#ffi, this.#fast.cache);
  }

  /**
   * An evaluator over one subject's snapshot (see `Permissions` for the browser-facing form).
   * @throws {RolecallError} `policy_mismatch` when the snapshot was taken under another policy.
   */
  static fromSnapshot<S extends Schema = Schema>(
    policy: Policy<S> | Policy,
    snapshot: FromJson<Snapshot> | string,
  ): Evaluator<S> {
    const p = policyInternals(policy);
    // Prepared decisions are the page's to read before the engine loads; the engine decides from
    // the rest (and would only skip them), so an object's are not written for it.
    const json = documentText(withoutDecisions(snapshot), 'snapshot');
    return new Evaluator<S>(policy, new FromNative(call(() => wasm().Evaluator.fromSnapshot(p.ffi, json))));
  }

  // --- Checks: (subject, action, scope, options?) ---------------------------------------------

  /**
   * May `subject` do `action` (or hold a permission, `resource:level`) in `scope`? Without
   * `context` or `resource` in `options` this is the fast path.
   * @throws {RolecallError} input errors: `unknown_action`, `unknown_scope`, `missing_time`, ...
   */
  can(subject: string, action: Target<S>, scope: string, options?: CheckOptions<S>): boolean {
    // The hot path's whole validation: three `typeof`s. A name first met is checked (Unicode,
    // length) once, where it is interned; an unknown one goes to the JSON path, which the core
    // checks.
    if (typeof subject !== 'string' || typeof action !== 'string' || typeof scope !== 'string') {
      badQuery(subject, action, scope);
    }
    if (options === undefined) {
      const fast = this.#fast.can(subject, action, scope, undefined);
      if (fast !== undefined) return fast;
    } else if (checkOptions(options) && options.context === undefined && options.resource === undefined) {
      const fast = this.#fast.can(subject, action, scope, options.now);
      if (fast !== undefined) return fast;
    }
    this.#alive();
    return this.#json.can(subject, action, scope, options);
  }

  /**
   * The full decision: allowed, the reason, a tooltip message, the granting sources or what is
   * missing.
   * @throws {RolecallError} input errors, as `can`.
   */
  check(subject: string, action: Target<S>, scope: string, options?: CheckOptions<S>): Decision {
    if (typeof subject !== 'string' || typeof action !== 'string' || typeof scope !== 'string') {
      badQuery(subject, action, scope);
    }
    this.#alive();
    return this.#json.check(subject, action, scope, checkOptions(options));
  }

  /** A subject prepared once, for checks in a render loop: its checks without the subject. */
  prepare(subject: string): PreparedSubject<S> {
    this.#alive();
    return prepareSubject(this, text(subject, 'subject'), this.#fast);
  }

  /**
   * Many `[action, scope]` pairs for one subject in one call: `1` allowed, `0` not.
   * @throws {RolecallError} as `can`, for the first pair with an unknown name.
   */
  canMany(subject: string, pairs: ReadonlyArray<readonly [Target<S>, string]>, options: ManyOptions = {}): Uint8Array {
    text(subject, 'subject');
    if (!Array.isArray(pairs)) throw invalid('pairs', '`pairs` must be an array of `[action, scope]` pairs');
    for (let i = 0; i < pairs.length; i++) {
      const p: unknown = pairs[i];
      if (!Array.isArray(p) || p.length !== 2) throw invalid(`pairs[${i}]`, 'each pair is `[action, scope]`');
    }
    const now = checkOptions(options)?.now;
    this.#alive();
    return this.#fast.canMany(subject, pairs, now, (action, scope) => this.can(subject, action, scope, { now }));
  }

  /**
   * Every action `subject` may do at `scope`, in declared order. `distinct_from` is not checked
   * (there is no resource): the check on the real resource decides.
   * @throws {RolecallError} `unknown_scope`, `unknown_dimension`, `missing_time`.
   */
  allowedActions(subject: string, scope: string, options?: BulkOptions<S>): S['action'][] {
    text(subject, 'subject');
    text(scope, 'scope');
    this.#alive();
    return this.#json.allowedActions(subject, scope, checkOptions(options)) as S['action'][];
  }

  /**
   * Every scope where `subject` may do `action`, in tree order.
   * @throws {RolecallError} `unknown_action`, `unknown_dimension`, `missing_time`.
   */
  scopesWhere(subject: string, action: S['action'], options?: BulkOptions<S>): string[] {
    text(subject, 'subject');
    text(action, 'action');
    this.#alive();
    return this.#json.scopesWhere(subject, action, checkOptions(options));
  }

  /**
   * The plan of the rows `subject` may do `action` on (or hold a permission on): exactly the
   * rows whose check allows, as data (docs/filter.md). `rolecall/filter` turns it into SQL, a
   * Prisma or Kysely `where`, or tests rows in memory (`matches`). `context` fixes dimensions
   * for every row; `now` defaults to the clock for an expiring API key.
   * @throws {RolecallError} `unknown_action`, `unknown_permission`, `unknown_dimension`,
   * `missing_time`, `limit_exceeded`.
   */
  filter(subject: string, action: Target<S>, options?: FilterOptions<S>): Plan {
    text(subject, 'subject');
    text(action, 'action');
    this.#alive();
    return this.#json.filter(subject, action, checkOptions(options));
  }

  /** An action's id for `PreparedSubject.canIds`, `undefined` when the policy has no such action. */
  actionId(action: S['action']): number | undefined {
    this.#alive();
    return this.#fast.actionId(action);
  }

  /** A scope's id for `PreparedSubject.canIds`, `undefined` when the directory has no such scope. */
  scopeId(scope: string): number | undefined {
    this.#alive();
    return this.#fast.scopeId(scope);
  }

  /**
   * What a browser needs to decide for one subject, and nothing about anyone else (SPEC 5).
   * Send it as JSON; the browser builds `Permissions.fromSnapshot(policy, snapshot)`.
   * With `{ decisions: true }` (server build), it also carries the subject's decisions, taken
   * by the evaluator the page will build from it: the page answers from them with
   * `SnapshotDecisions` (`rolecall/decisions`) before its WebAssembly has loaded
   * (docs/gating.md, "First decisions before the engine loads").
   */
  snapshot(subject: string, options?: { decisions?: boolean }): Snapshot {
    const s = text(subject, 'subject');
    const decisions = flag(optionsArg(options)?.decisions, 'options.decisions');
    this.#alive();
    const ffi = decisions ? serverEvaluator(this.#ffi, 'snapshot with decisions') : undefined;
    return JSON.parse(call(() => (ffi ? ffi.preparedSnapshot(s) : this.#ffi.snapshot(s)))) as Snapshot;
  }

  // --- Server only (the full build): administration, access review, live updates -------------

  /** What every subject holds at every scope where it holds something (an access review). */
  effectivePermissions(): EffectiveEntry[] {
    this.#alive();
    return this.#server.effectivePermissions();
  }

  /**
   * May `actor` give `subject` the `role` at `scope`? First failure wins: `not_assignable`,
   * `role_out_of_scope` (a custom role outside the subtree it is defined at),
   * `scope_kind_not_allowed`, `missing_permission`, `escalation`, `max_holders_reached`,
   * `exclusive_roles`.
   * @throws {RolecallError} `unknown_role`, `unknown_scope`, `unknown_dimension`.
   */
  canAssign(request: AssignRequest<S>): Decision {
    this.#alive();
    return this.#server.canAssign(request);
  }

  /**
   * May `actor` remove that assignment? Mirrors `canAssign`.
   * @throws {RolecallError} as `canAssign`, and `unknown_assignment`.
   */
  canRevoke(request: AssignRequest<S>): Decision {
    this.#alive();
    return this.#server.canRevoke(request);
  }

  /**
   * May `actor` replace `to`'s assignments with copies of `from`'s?
   * @throws {RolecallError} as `canAssign`.
   */
  canCopy(request: CopyRequest): Decision {
    this.#alive();
    return this.#server.canCopy(request);
  }

  /**
   * May `actor` define `role` (a new custom role, or a new version of one with the same id)?
   * First failure wins: `missing_permission` (the actor lacks the policy's
   * `administration.define_roles_requires`, by default `assign_requires`, at the role's scope),
   * then `escalation` (the role would give something the actor does not hold there).
   * @throws {RolecallError} the role's own errors at `role...`: `unknown_resource`,
   * `unknown_level`, `unknown_action`, `unknown_role`, `unknown_scope`, `duplicate_id`,
   * `role_out_of_scope`, `cycle`.
   */
  canDefineRole(request: DefineRequest<S>): Decision {
    this.#alive();
    return this.#server.canDefineRole(request);
  }

  /**
   * Defines a custom role, or replaces the one with its id (every holder's access changes at
   * once: preview with `diff`). Validated as loading the directory would validate it; recompiles
   * the directory.
   * @returns whether a role was replaced.
   * @throws {RolecallError} the validation error (`role_out_of_scope` when a changed scope would
   * leave an assignment outside it, ...); the evaluator is then unchanged.
   */
  defineRole(role: CustomRole<S>): boolean {
    this.#alive();
    return this.#server.defineRole(role);
  }

  /**
   * Deletes custom role `id`. A role still assigned is refused (`role_in_use`) unless
   * `removeAssignments` is true; a role another custom role includes is refused either way.
   * @returns the deleted role.
   * @throws {RolecallError} `unknown_role`, `role_in_use`.
   */
  removeRole(id: string, options?: { removeAssignments?: boolean }): CustomRole<S> {
    this.#alive();
    return this.#server.removeRole(id, options);
  }

  /**
   * Adds an assignment to the directory, validated as loading would validate it. Every decision
   * from then on (prepared subjects included) sees it.
   * @returns its index in the directory's `assignments`.
   * @throws {RolecallError} `unknown_role`, `unknown_scope`, `scope_kind_not_allowed`,
   * `max_holders_exceeded`, `exclusive_roles`, ...; the evaluator is then unchanged.
   */
  addAssignment(assignment: Assignment<S>): number {
    this.#alive();
    return this.#server.addAssignment(assignment);
  }

  /**
   * Removes an assignment: by its `id` (stable; use it whenever anyone else may change the
   * directory), or at `index` (the last assignment then takes that index).
   * @returns the removed assignment.
   * @throws {RolecallError} `unknown_assignment` for an unknown id or an index out of range.
   */
  removeAssignment(ref: number | string): Assignment<S> {
    this.#alive();
    return this.#server.removeAssignment(ref);
  }

  /**
   * The id of the assignment at `index` (given, or generated when it was loaded or added: see
   * docs/format.md), or undefined for an index out of range.
   */
  assignmentId(index: number): string | undefined {
    this.#alive();
    return this.#server.assignmentId(index);
  }

  /** The id of the direct grant at `index`, or undefined. */
  grantId(index: number): string | undefined {
    this.#alive();
    return this.#server.grantId(index);
  }

  /**
   * Adds a direct grant (a permission or one action, to one subject at a scope).
   * @returns its index in the directory's `grants`.
   * @throws {RolecallError} the validation error; the evaluator is then unchanged.
   */
  addGrant(grant: Grant<S>): number {
    this.#alive();
    return this.#server.addGrant(grant);
  }

  /**
   * Removes a direct grant by its `id`, or at `index` (the last grant then takes that index).
   * @returns the removed grant.
   * @throws {RolecallError} `unknown_assignment` for an unknown id or an index out of range.
   */
  removeGrant(ref: number | string): Grant<S> {
    this.#alive();
    return this.#server.removeGrant(ref);
  }

  /**
   * Adds an API key.
   * @throws {RolecallError} `duplicate_id` for an existing key, `invalid_value` when the id holds
   * assignments or grants or the owner is a key, other validation errors; nothing changes then.
   */
  addApiKey(key: ApiKey<S>): void {
    this.#alive();
    this.#server.addApiKey(key);
  }

  /**
   * Removes the API key `id`; the id then holds nothing.
   * @returns the removed key.
   * @throws {RolecallError} `unknown_assignment` when there is no such key.
   */
  removeApiKey(id: string): ApiKey<S> {
    this.#alive();
    return this.#server.removeApiKey(id);
  }

  /**
   * Who may do `action` (or hold a permission) in `scope`: every subject whose check allows
   * there, each with the sources that allow it (for an API key: the key, then its owner's), and,
   * for review, those denied only by a context or an `except`. The options are a check's; `now`
   * defaults to the clock. Without `resource`, `distinct_from` is left to the real check.
   * Server build only.
   * @throws {RolecallError} input errors, as `check`; `not_available` in the browser build.
   */
  whoCan(action: Target<S>, scope: string, options?: WhoCanOptions<S>): WhoCan {
    text(action, 'action');
    text(scope, 'scope');
    queryLimits('', action, scope);
    this.#alive();
    return this.#server.whoCan(action, scope, checkOptions(options));
  }

  /**
   * The access-review export: one row per subject, source and permission it grants, with the
   * scope the source was given at and its context; `csv` as text (the same bytes as `rolecall
   * report`), `json` as rows. Server build only.
   * @throws {RolecallError} `not_available` in the browser build.
   */
  accessReport(format: 'csv'): string;
  accessReport(format: 'json'): AccessRow[];
  accessReport(format: 'csv' | 'json'): string | AccessRow[] {
    if (format !== 'csv' && format !== 'json') throw invalid('format', "`format` must be 'csv' or 'json'");
    this.#alive();
    return format === 'csv' ? this.#server.accessReport('csv') : this.#server.accessReport('json');
  }

  /** The directory document as it is now, after every update (for saving, or a fresh load). */
  directory(): DirectoryDocument<S> {
    this.#alive();
    return this.#server.directory();
  }

  /**
   * Frees the WebAssembly memory now instead of at garbage collection. From then on every call
   * on it (and on its prepared subjects) throws `freed`, cached answers included; freeing twice
   * does nothing.
   */
  free(): void {
    if (this.#fast.cache.freed) return;
    this.#fast.free();
    this.#ffi.free();
  }

  /** `freed` after `free()`. */
  #alive(): void {
    if (this.#fast.cache.freed) throw freed();
  }

  static {
    ffiOf = (e) => {
      e.#alive();
      return e.#ffi;
    };
  }
}

/**
 * A directory written into WebAssembly memory in parts (parts.ts: its `text` as UTF-8 when it
 * was given as text, else the object as its JSON text), then compiled.
 */
function fromParts(policy: NativePolicy, directory: unknown, text: string | undefined): NativeEvaluator {
  const parts = new (wasm().TextParts)();
  let taken = false;
  try {
    if (text !== undefined) pushText(parts, text);
    else writeParts(directory, 'directory', parts);
    taken = true; // fromParts takes `parts`, whatever it answers
    return call(() => wasm().Evaluator.fromParts(policy, parts));
  } finally {
    if (!taken) parts.free();
  }
}
