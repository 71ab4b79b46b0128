// Decisions from JavaScript. Two paths:
// - the fast path (`can` without context or resource, `PreparedSubject`): names are interned in JS
//   `Map`s once, and the call into WebAssembly carries integers only;
// - the slow path (everything else): one JSON query in, one JSON decision out.
// Both decide with the same core; the fast path is taken only where its answer is the same.

import { wasm, type NativeEvaluator } from './binding.js';
import { call } from './errors.js';
import { documentText, policyInternals, type Policy } from './policy.js';
import { decision, queryJson, timeMillis, timeText } from './query.js';
import type {
  AssignRequest,
  BulkOptions,
  CopyRequest,
  Decision,
  DocumentInput,
  EffectiveEntry,
  QueryOptions,
  Schema,
  Snapshot,
  Target,
  Time,
} from './types.js';

/** Subject handles are cached, unknown subjects too; past this many the cache starts over. */
const SUBJECT_CACHE_LIMIT = 10_000;

/** An evaluator the binding already built (from a snapshot). */
class FromNative {
  constructor(readonly ffi: NativeEvaluator) {}
}

let ffiOf: (e: Evaluator<Schema>) => NativeEvaluator;

/** The binding's evaluator inside an `Evaluator`; not part of the public API. */
export function evaluatorFfi<S extends Schema>(e: Evaluator<S>): NativeEvaluator {
  return ffiOf(e as unknown as Evaluator<Schema>);
}

/** Decides for every subject of a directory under a policy. */
export class Evaluator<S extends Schema = Schema> {
  /** The policy it decides under. */
  readonly policy: Policy<S>;
  readonly #ffi: NativeEvaluator;
  readonly #actionIds: Map<string, number>;
  readonly #needsResource: Uint8Array;
  readonly #expiring: Set<number>;
  readonly #scopes = new Map<string, number>();
  readonly #subjects = new Map<string, number>();

  /**
   * Compiles a directory (YAML or JSON text, or the document as an object) for `policy`.
   * @throws {RolecallError} the first problem in the directory, with its path and location.
   */
  constructor(policy: Policy<S> | Policy, directory: DocumentInput) {
    const p = policyInternals(policy);
    this.policy = policy as Policy<S>;
    this.#ffi =
      directory instanceof FromNative
        ? directory.ffi
        : call(() => new (wasm().Evaluator)(p.ffi, documentText(directory)));
    this.#actionIds = p.actionIds;
    this.#needsResource = p.needsResource;
    this.#expiring = new Set(this.#ffi.expiringSubjects());
  }

  /**
   * An evaluator over one subject's snapshot (see `Permissions` for the browser-facing form).
   * @throws {RolecallError} `policy_mismatch` when the snapshot was taken under another policy.
   */
  static fromSnapshot<S extends Schema = Schema>(
    policy: Policy<S> | Policy,
    snapshot: Snapshot | string,
  ): Evaluator<S> {
    const p = policyInternals(policy);
    const text = documentText(snapshot);
    return new Evaluator<S>(policy, new FromNative(call(() => wasm().Evaluator.fromSnapshot(p.ffi, text))));
  }

  /**
   * May `subject` do `action` (or hold a permission, `resource:level`) in `options.scope`?
   * Without `context` or `resource` this is the fast path.
   * @throws {RolecallError} input errors: `unknown_action`, `unknown_scope`, `missing_time`, ...
   */
  can(subject: string, action: Target<S>, options: QueryOptions<S>): boolean {
    if (options.context === undefined && options.resource === undefined) {
      const a = this.#actionIds.get(action);
      const scope = this.#scopeHandle(options.scope);
      if (a !== undefined && scope !== undefined && this.#needsResource[a] === 0) {
        const s = this.#subjectHandle(subject);
        const now = this.#millis(s, options.now);
        if (now !== undefined) return this.#ffi.canPrepared(s, a, scope, now);
      }
    }
    const q = this.#query(subject, action, options);
    return call(() => this.#ffi.can(q));
  }

  /**
   * The full decision: allowed, the reason, a tooltip message, the granting sources or what is
   * missing.
   * @throws {RolecallError} input errors, as `can`.
   */
  check(subject: string, action: Target<S>, options: QueryOptions<S>): Decision {
    const q = this.#query(subject, action, options);
    return decision(call(() => this.#ffi.check(q)));
  }

  /** A subject prepared once, for checks in a render loop: integers across the boundary. */
  prepare(subject: string): PreparedSubject<S> {
    const h = this.#subjectHandle(subject);
    return makePrepared(this, subject, h, this.#expiring.has(h), {
      ffi: this.#ffi,
      actionIds: this.#actionIds,
      needsResource: this.#needsResource,
      scope: (id) => this.#scopeHandle(id),
    });
  }

  /**
   * Many `[action, scope]` pairs for one subject in one call: `1` allowed, `0` not.
   * @throws {RolecallError} as `can`, for the first pair with an unknown name.
   */
  canMany(
    subject: string,
    pairs: ReadonlyArray<readonly [Target<S>, string]>,
    options: { now?: Time } = {},
  ): Uint8Array {
    const s = this.#subjectHandle(subject);
    const now = this.#millis(s, options.now);
    const ids = now === undefined ? undefined : this.#intern(pairs);
    if (ids === undefined || now === undefined) {
      return Uint8Array.from(pairs, ([a, scope]) =>
        this.can(subject, a, { scope, now: options.now }) ? 1 : 0,
      );
    }
    return this.#ffi.canMany(s, ids, now);
  }

  /**
   * Every action `subject` may do at `scope`, in declared order. `distinct_from` is not checked
   * (there is no resource): the check on the real resource decides.
   * @throws {RolecallError} `unknown_scope`, `unknown_dimension`, `missing_time`.
   */
  allowedActions(subject: string, scope: string, options: BulkOptions<S> = {}): S['action'][] {
    const r = this.#bulk(subject, { scope }, options);
    return JSON.parse(call(() => this.#ffi.allowedActions(r))) as S['action'][];
  }

  /**
   * Every scope where `subject` may do `action`, in tree order.
   * @throws {RolecallError} `unknown_action`, `unknown_dimension`, `missing_time`.
   */
  scopesWhere(subject: string, action: S['action'], options: BulkOptions<S> = {}): string[] {
    const r = this.#bulk(subject, { action }, options);
    return JSON.parse(call(() => this.#ffi.scopesWhere(r))) as string[];
  }

  /** What every subject holds at every scope where it holds something (an access review). */
  effectivePermissions(): EffectiveEntry[] {
    return JSON.parse(call(() => this.#ffi.effectivePermissions())) as EffectiveEntry[];
  }

  /**
   * What a browser needs to decide for one subject, and nothing about anyone else (SPEC 5).
   * Send it as JSON; the browser builds `Permissions.fromSnapshot(policy, snapshot)`.
   */
  snapshot(subject: string): Snapshot {
    return JSON.parse(call(() => this.#ffi.snapshot(subject))) as Snapshot;
  }

  /**
   * May `actor` give `subject` the `role` at `scope`? First failure wins: `not_assignable`,
   * `scope_kind_not_allowed`, `missing_permission`, `escalation`, `max_holders_reached`,
   * `exclusive_roles`.
   * @throws {RolecallError} `unknown_role`, `unknown_scope`, `unknown_dimension`.
   */
  canAssign(request: AssignRequest<S>): Decision {
    const r = JSON.stringify(request);
    return decision(call(() => this.#ffi.canAssign(r)));
  }

  /**
   * May `actor` remove that assignment? Mirrors `canAssign`.
   * @throws {RolecallError} as `canAssign`, and `unknown_assignment`.
   */
  canRevoke(request: AssignRequest<S>): Decision {
    const r = JSON.stringify(request);
    return decision(call(() => this.#ffi.canRevoke(r)));
  }

  /**
   * May `actor` replace `to`'s assignments with copies of `from`'s?
   * @throws {RolecallError} as `canAssign`.
   */
  canCopy(request: CopyRequest): Decision {
    const r = JSON.stringify(request);
    return decision(call(() => this.#ffi.canCopy(r)));
  }

  /** An action's id for `PreparedSubject.canIds`, `undefined` when the policy has no such action. */
  actionId(action: S['action']): number | undefined {
    return this.#actionIds.get(action);
  }

  /** A scope's id for `PreparedSubject.canIds`, `undefined` when the directory has no such scope. */
  scopeId(scope: string): number | undefined {
    return this.#scopeHandle(scope);
  }

  /** Frees the WebAssembly memory now instead of at garbage collection. */
  free(): void {
    this.#ffi.free();
  }

  #subjectHandle(subject: string): number {
    let h = this.#subjects.get(subject);
    if (h === undefined) {
      h = this.#ffi.subjectHandle(subject);
      if (this.#subjects.size >= SUBJECT_CACHE_LIMIT) this.#subjects.clear();
      this.#subjects.set(subject, h);
    }
    return h;
  }

  /** Known scopes only are cached: an unknown one goes to the slow path, which reports it. */
  #scopeHandle(scope: string): number | undefined {
    let h = this.#scopes.get(scope);
    if (h === undefined) {
      h = this.#ffi.scopeHandle(scope);
      if (h !== undefined) this.#scopes.set(scope, h);
    }
    return h;
  }

  #isExpiring(subject: string): boolean {
    return this.#expiring.size !== 0 && this.#expiring.has(this.#subjectHandle(subject));
  }

  /** The fast path's time (NaN: none), or `undefined` when only the slow path can decide. */
  #millis(subject: number, now: Time | undefined): number | undefined {
    if (now === undefined) {
      // The clock is read only for an expiring API key: nothing else depends on time.
      return this.#expiring.size !== 0 && this.#expiring.has(subject) ? Date.now() : NaN;
    }
    if (now === null) return this.#expiring.has(subject) ? undefined : NaN;
    return timeMillis(now);
  }

  #now(subject: string, now: Time | undefined): string | undefined {
    if (now === undefined) return this.#isExpiring(subject) ? new Date().toISOString() : undefined;
    return timeText(now);
  }

  #query(subject: string, target: string, o: QueryOptions<S>): string {
    return queryJson(subject, target, o.scope, o.context, o.resource, this.#now(subject, o.now));
  }

  #bulk(subject: string, what: { scope?: string; action?: string }, o: BulkOptions<S>): string {
    return JSON.stringify({ subject, ...what, context: o.context, now: this.#now(subject, o.now) });
  }

  /** Handles for pairs, or `undefined` when one needs the slow path (unknown, or a resource). */
  #intern(pairs: ReadonlyArray<readonly [string, string]>): Uint32Array | undefined {
    const ids = new Uint32Array(pairs.length * 2);
    let i = 0;
    for (const [action, scope] of pairs) {
      const a = this.#actionIds.get(action);
      const s = this.#scopeHandle(scope);
      if (a === undefined || s === undefined || this.#needsResource[a] !== 0) return undefined;
      ids[i++] = a;
      ids[i++] = s;
    }
    return ids;
  }

  static {
    ffiOf = (e) => e.#ffi;
  }
}

/** What a prepared subject reads from its evaluator. */
interface FastPath {
  ffi: NativeEvaluator;
  actionIds: Map<string, number>;
  needsResource: Uint8Array;
  scope: (id: string) => number | undefined;
}

let makePrepared: <S extends Schema>(
  e: Evaluator<S>,
  subject: string,
  handle: number,
  expiring: boolean,
  fast: FastPath,
) => PreparedSubject<S>;

/**
 * One subject, prepared once (`evaluator.prepare(subject)`): each check is two `Map` lookups and
 * one call into WebAssembly with integers only. Same answers as `evaluator.can(subject, ...)`.
 */
export class PreparedSubject<S extends Schema = Schema> {
  /** The subject. */
  readonly subject: string;
  readonly #evaluator: Evaluator<S>;
  readonly #handle: number;
  readonly #expiring: boolean;
  readonly #fast: FastPath;

  private constructor(e: Evaluator<S>, subject: string, handle: number, expiring: boolean, fast: FastPath) {
    this.subject = subject;
    this.#evaluator = e;
    this.#handle = handle;
    this.#expiring = expiring;
    this.#fast = fast;
  }

  /**
   * May the subject do `action` in `scope`?
   * @throws {RolecallError} as `Evaluator.can` (an unknown name, an action that needs a resource).
   */
  can(action: Target<S>, scope: string): boolean {
    const f = this.#fast;
    const a = f.actionIds.get(action);
    const s = f.scope(scope);
    if (a !== undefined && s !== undefined && f.needsResource[a] === 0) {
      return f.ffi.canPrepared(this.#handle, a, s, this.#expiring ? Date.now() : NaN);
    }
    return this.#evaluator.can(this.subject, action, { scope });
  }

  /**
   * The tightest loop: ids from `evaluator.actionId` and `evaluator.scopeId`. Never throws: an
   * unknown id, or an action that needs a resource, is `false`.
   */
  canIds(action: number, scope: number): boolean {
    return this.#fast.ffi.canPrepared(this.#handle, action, scope, this.#expiring ? Date.now() : NaN);
  }

  /** Many `[action, scope]` pairs in one call: `1` allowed, `0` not. */
  canMany(pairs: ReadonlyArray<readonly [Target<S>, string]>): Uint8Array {
    return this.#evaluator.canMany(this.subject, pairs);
  }

  /** Interleaved `(action id, scope id)` pairs in one call, as `canIds` decides each. */
  canManyIds(pairs: Uint32Array): Uint8Array {
    return this.#fast.ffi.canMany(this.#handle, pairs, this.#expiring ? Date.now() : NaN);
  }

  static {
    makePrepared = (e, subject, handle, expiring, fast) =>
      new PreparedSubject(e, subject, handle, expiring, fast);
  }
}
