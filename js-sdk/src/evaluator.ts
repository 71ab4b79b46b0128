// Decisions from JavaScript. Two paths:
// - the fast path (`can` without context or resource, `PreparedSubject`): names are interned in JS
//   `Map`s once, and the answer is a bit of the decision cache (cache.ts), filled by one call into
//   WebAssembly per subject and scope; an expiring API key calls in with integers and the clock;
// - the slow path (everything else): one JSON query in, one JSON decision out.
// Both decide with the same core; the fast path is taken only where its answer is the same.
// Live directory updates go through the core and invalidate the cache.

import { serverEvaluator, wasm, type NativeEvaluator } from './binding.js';
import { DecisionCache, type CachedSubject } from './cache.js';
import { call, RolecallError } from './errors.js';
import { documentText, policyInternals, type Policy } from './policy.js';
import { decision, queryJson, timeMillis, timeText } from './query.js';
import type {
  ApiKey,
  Assignment,
  AssignRequest,
  BulkOptions,
  CopyRequest,
  Decision,
  DirectoryDocument,
  DocumentInput,
  EffectiveEntry,
  Grant,
  QueryOptions,
  Schema,
  Snapshot,
  Target,
  Time,
} from './types.js';

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
  readonly #cache: DecisionCache;
  readonly #fast: FastPath;
  readonly #scopes = new Map<string, number>();

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
    this.#cache = new DecisionCache(this.#ffi, p.needsResource.length, this.#ffi.scopeIds().length);
    this.#fast = {
      ffi: this.#ffi,
      cache: this.#cache,
      actionIds: this.#actionIds,
      needsResource: this.#needsResource,
      scope: (id) => this.#scopeHandle(id),
    };
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
      const scope = this.#scopes.get(options.scope) ?? this.#scopeHandle(options.scope);
      if (a !== undefined && scope !== undefined && this.#needsResource[a] === 0) {
        const c = this.#cache;
        const s = c.subject(subject);
        const base = s.base;
        if (base >= 0) {
          if (options.now === undefined) {
            // `cache.allows`, written out: the everyday check in a render loop.
            if (scope < c.slots) {
              const at = base + scope * c.stride;
              const t = c.arena;
              if ((t[at + c.filledAt] & c.filledBit) !== 0) return ((t[at + (a >>> 5)] >>> (a & 31)) & 1) === 1;
            }
            return c.miss(base, s.handle, a, scope);
          }
          // Time text goes to the slow path, which reports it when it is malformed.
          if (typeof options.now !== 'string') return c.allows(base, s.handle, a, scope);
        } else {
          const now = this.#millis(s, options.now);
          if (now !== undefined) return this.#ffi.canPrepared(s.handle, a, scope, now);
        }
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

  /** A subject prepared once, for checks in a render loop: bit tests, mostly in JavaScript. */
  prepare(subject: string): PreparedSubject<S> {
    return makePrepared(this, subject, this.#fast);
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
    const s = this.#cache.subject(subject);
    const base = s.base;
    if (base < 0 || typeof options.now === 'string') {
      const now = this.#millis(s, options.now);
      const ids = now === undefined ? undefined : this.#intern(pairs);
      if (ids !== undefined && now !== undefined) return this.#ffi.canMany(s.handle, ids, now);
    }
    const out = new Uint8Array(pairs.length);
    for (let i = 0; i < pairs.length; i++) {
      const [action, scope] = pairs[i];
      const a = this.#actionIds.get(action);
      const sc = this.#scopeHandle(scope);
      // A time given as text reaches here only when it did not parse: the slow path reports it.
      const fast =
        base >= 0 && typeof options.now !== 'string' && a !== undefined && sc !== undefined && this.#needsResource[a] === 0;
      out[i] = (fast ? this.#cache.allows(base, s.handle, a, sc) : this.can(subject, action, { scope, now: options.now }))
        ? 1
        : 0;
    }
    return out;
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
    return JSON.parse(call(() => serverEvaluator(this.#ffi, 'effectivePermissions').effectivePermissions())) as EffectiveEntry[];
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
    return decision(call(() => serverEvaluator(this.#ffi, 'canAssign').canAssign(r)));
  }

  /**
   * May `actor` remove that assignment? Mirrors `canAssign`.
   * @throws {RolecallError} as `canAssign`, and `unknown_assignment`.
   */
  canRevoke(request: AssignRequest<S>): Decision {
    const r = JSON.stringify(request);
    return decision(call(() => serverEvaluator(this.#ffi, 'canRevoke').canRevoke(r)));
  }

  /**
   * May `actor` replace `to`'s assignments with copies of `from`'s?
   * @throws {RolecallError} as `canAssign`.
   */
  canCopy(request: CopyRequest): Decision {
    const r = JSON.stringify(request);
    return decision(call(() => serverEvaluator(this.#ffi, 'canCopy').canCopy(r)));
  }

  /** An action's id for `PreparedSubject.canIds`, `undefined` when the policy has no such action. */
  actionId(action: S['action']): number | undefined {
    return this.#actionIds.get(action);
  }

  /** A scope's id for `PreparedSubject.canIds`, `undefined` when the directory has no such scope. */
  scopeId(scope: string): number | undefined {
    return this.#scopeHandle(scope);
  }

  /**
   * Adds an assignment to the directory, validated as loading would validate it. Every decision
   * from then on (prepared subjects included) sees it.
   * @returns its index in the directory's `assignments`.
   * @throws {RolecallError} `unknown_role`, `unknown_scope`, `scope_kind_not_allowed`,
   * `max_holders_exceeded`, `exclusive_roles`, ...; the evaluator is then unchanged.
   */
  addAssignment(assignment: Assignment<S>): number {
    const text = JSON.stringify(assignment);
    return this.#update(() => serverEvaluator(this.#ffi, 'addAssignment').addAssignment(text));
  }

  /**
   * Removes the assignment at `index`; the last assignment takes its index.
   * @returns the removed assignment.
   * @throws {RolecallError} `unknown_assignment` for an index out of range.
   */
  removeAssignment(index: number): Assignment<S> {
    const i = indexOf(index);
    return JSON.parse(this.#update(() => serverEvaluator(this.#ffi, 'removeAssignment').removeAssignment(i))) as Assignment<S>;
  }

  /**
   * Adds a direct grant (a permission or one action, to one subject at a scope).
   * @returns its index in the directory's `grants`.
   * @throws {RolecallError} the validation error; the evaluator is then unchanged.
   */
  addGrant(grant: Grant<S>): number {
    const text = JSON.stringify(grant);
    return this.#update(() => serverEvaluator(this.#ffi, 'addGrant').addGrant(text));
  }

  /**
   * Removes the direct grant at `index`; the last grant takes its index.
   * @returns the removed grant.
   * @throws {RolecallError} `unknown_assignment` for an index out of range.
   */
  removeGrant(index: number): Grant<S> {
    const i = indexOf(index);
    return JSON.parse(this.#update(() => serverEvaluator(this.#ffi, 'removeGrant').removeGrant(i))) as Grant<S>;
  }

  /**
   * Adds an API key.
   * @throws {RolecallError} `duplicate_id` for an existing key, `invalid_value` when the id holds
   * assignments or grants or the owner is a key, other validation errors; nothing changes then.
   */
  addApiKey(key: ApiKey<S>): void {
    const text = JSON.stringify(key);
    this.#update(() => serverEvaluator(this.#ffi, 'addApiKey').addApiKey(text));
  }

  /**
   * Removes the API key `id`; the id then holds nothing.
   * @returns the removed key.
   * @throws {RolecallError} `unknown_assignment` when there is no such key.
   */
  removeApiKey(id: string): ApiKey<S> {
    return JSON.parse(this.#update(() => serverEvaluator(this.#ffi, 'removeApiKey').removeApiKey(id))) as ApiKey<S>;
  }

  /** The directory document as it is now, after every update (for saving, or a fresh load). */
  directory(): DirectoryDocument<S> {
    return JSON.parse(call(() => serverEvaluator(this.#ffi, 'directory').directory())) as DirectoryDocument<S>;
  }

  /** Frees the WebAssembly memory now instead of at garbage collection. */
  free(): void {
    this.#ffi.free();
  }

  /** A live update: the core changes the directory (or nothing, on error); the caches start over. */
  #update<T>(f: () => T): T {
    try {
      return call(f);
    } finally {
      // Also after an error: the core promises nothing changed, and starting over costs little.
      this.#cache.invalidate();
    }
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

  /** The fast path's time (NaN: none), or `undefined` when only the slow path can decide. */
  #millis(subject: CachedSubject, now: Time | undefined): number | undefined {
    // The clock is read only for an expiring API key (no bits): nothing else depends on time.
    const expiring = subject.base < 0;
    if (now === undefined) return expiring ? Date.now() : NaN;
    if (now === null) return expiring ? undefined : NaN;
    return timeMillis(now);
  }

  #now(subject: string, now: Time | undefined): string | undefined {
    if (now === undefined) {
      return this.#cache.isExpiring(subject) ? new Date().toISOString() : undefined;
    }
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
  cache: DecisionCache;
  actionIds: Map<string, number>;
  needsResource: Uint8Array;
  scope: (id: string) => number | undefined;
}

let makePrepared: <S extends Schema>(e: Evaluator<S>, subject: string, fast: FastPath) => PreparedSubject<S>;

/** An index for the binding: a whole number, or `unknown_assignment` here rather than a wrapped one. */
function indexOf(index: number): number {
  if (Number.isInteger(index) && index >= 0 && index <= 0xffff_ffff) return index;
  throw new RolecallError({
    code: 'unknown_assignment',
    message: `no item at index ${String(index)}`,
    path: 'index',
  });
}

/**
 * One subject, prepared once (`evaluator.prepare(subject)`): a check is a bit test in the
 * decision cache, after one call into WebAssembly per scope. Same answers as
 * `evaluator.can(subject, ...)`, including after live updates.
 */
export class PreparedSubject<S extends Schema = Schema> {
  /** The subject. */
  readonly subject: string;
  readonly #evaluator: Evaluator<S>;
  readonly #fast: FastPath;
  readonly #cache: DecisionCache;
  // Copied out of the cache entry (one object less to reach per check), valid at #version.
  #version = -1;
  #handle = 0;
  #base = -1;

  private constructor(e: Evaluator<S>, subject: string, fast: FastPath) {
    this.subject = subject;
    this.#evaluator = e;
    this.#fast = fast;
    this.#cache = fast.cache;
    this.#refresh();
  }

  /** After a live update or an eviction: the handle and the table may have changed. */
  #refresh(): void {
    const e = this.#cache.subject(this.subject);
    this.#handle = e.handle;
    this.#base = e.base;
    this.#version = this.#cache.version;
  }

  /**
   * May the subject do `action` in `scope`?
   * @throws {RolecallError} as `Evaluator.can` (an unknown name, an action that needs a resource).
   */
  can(action: Target<S>, scope: string): boolean {
    const f = this.#fast;
    const a = f.actionIds.get(action);
    const s = f.scope(scope);
    if (a !== undefined && s !== undefined && f.needsResource[a] === 0) return this.canIds(a, s);
    return this.#evaluator.can(this.subject, action, { scope });
  }

  /**
   * The tightest loop: ids from `evaluator.actionId` and `evaluator.scopeId`. Never throws: an
   * unknown id, or an action that needs a resource, is `false`.
   */
  canIds(action: number, scope: number): boolean {
    const c = this.#cache;
    if (this.#version !== c.version) this.#refresh();
    const base = this.#base;
    if (base < 0) return this.#fast.ffi.canPrepared(this.#handle, action, scope, Date.now());
    // `cache.allows`, written out: this is the render loop's call.
    const a = action >>> 0;
    const s = scope >>> 0;
    if (a < c.actions && s < c.slots) {
      const at = base + s * c.stride;
      const t = c.arena;
      if ((t[at + c.filledAt] & c.filledBit) !== 0) return ((t[at + (a >>> 5)] >>> (a & 31)) & 1) === 1;
    }
    return c.miss(base, this.#handle, action, scope);
  }

  /** Many `[action, scope]` pairs in one call: `1` allowed, `0` not. */
  canMany(pairs: ReadonlyArray<readonly [Target<S>, string]>): Uint8Array {
    return this.#evaluator.canMany(this.subject, pairs);
  }

  /** Interleaved `(action id, scope id)` pairs in one call, as `canIds` decides each. */
  canManyIds(pairs: Uint32Array): Uint8Array {
    if (this.#version !== this.#cache.version) this.#refresh();
    const base = this.#base;
    const handle = this.#handle;
    if (base < 0) return this.#fast.ffi.canMany(handle, pairs, Date.now());
    const cache = this.#cache;
    const out = new Uint8Array(pairs.length >>> 1);
    for (let i = 0, j = 0; i < out.length; i++, j += 2) {
      out[i] = cache.allows(base, handle, pairs[j], pairs[j + 1]) ? 1 : 0;
    }
    return out;
  }

  static {
    makePrepared = (e, subject, fast) => new PreparedSubject(e, subject, fast);
  }
}
