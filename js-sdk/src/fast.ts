// The fast path: a check with no context and no resource, answered by a bit of the decision
// cache (cache.ts) once its names are interned in JavaScript `Map`s; an expiring API key calls
// in with integers and the clock instead. It declines (`undefined`) what only the JSON path
// answers alike: an unknown name (which the JSON path reports), an action that needs a
// resource, a time given as text (which the JSON path parses or reports).

import { freed, wellFormedText } from './args.js';
import type { NativeEvaluator } from './binding.js';
import { DecisionCache } from './cache.js';
import type { PolicyInternals } from './policy.js';
import type { Time } from './types.js';

/** One evaluator's fast path: its interned names and its decision cache. */
export class FastPath {
  readonly ffi: NativeEvaluator;
  readonly cache: DecisionCache;
  readonly #actionIds: Map<string, number>;
  readonly #needsResource: Uint8Array;
  /** Known scopes only: an unknown one goes to the JSON path, which reports it. */
  readonly #scopes = new Map<string, number>();

  constructor(ffi: NativeEvaluator, policy: PolicyInternals) {
    this.ffi = ffi;
    this.#actionIds = policy.actionIds;
    this.#needsResource = policy.needsResource;
    this.cache = new DecisionCache(ffi, policy.needsResource.length, ffi.scopeIds().length);
  }

  /** An action's id, `undefined` when the policy has no such action. */
  actionId(action: string): number | undefined {
    return this.#actionIds.get(action);
  }

  /** The action's bit in a scope's bitset (its id), `undefined` when bits cannot answer it. */
  bit(action: string): number | undefined {
    const a = this.#actionIds.get(action);
    return a !== undefined && this.#needsResource[a] === 0 ? a : undefined;
  }

  /** A scope's handle, `undefined` when the directory has no such scope. */
  scopeId(scope: string): number | undefined {
    let h = this.#scopes.get(scope);
    // Not a string (say, the `{ scope }` of an old call shape, from JavaScript): the binding
    // would read it as garbage; the JSON path reports it, located.
    // Longer than any id: unknown (the JSON path refuses it by its length, without a copy).
    if (h === undefined && typeof scope === 'string' && scope.length <= 256) {
      if (this.cache.freed) throw freed();
      h = this.ffi.scopeHandle(wellFormedText(scope, 'scope'));
      if (h !== undefined) this.#scopes.set(scope, h);
    }
    return h;
  }

  /** After the evaluator's `free()`: nothing is answered from here again. */
  free(): void {
    this.#scopes.clear();
    this.cache.free();
  }

  /** May `subject` do `action` (a name) at `scope`; `undefined`: ask the JSON path. */
  can(subject: string, action: string, scope: string, now: Time | undefined): boolean | undefined {
    const a = this.bit(action);
    const sc = this.scopeId(scope);
    if (a === undefined || sc === undefined || typeof now === 'string') return undefined;
    const s = this.cache.subject(subject);
    if (s.base >= 0) return this.cache.allows(s.base, s.handle, a, sc);
    const ms = clock(now);
    return ms === undefined ? undefined : this.ffi.canPrepared(s.handle, a, sc, ms);
  }

  /** Many `[action, scope]` pairs: `1` allowed, `0` not; `json` decides a pair bits cannot. */
  canMany(
    subject: string,
    pairs: ReadonlyArray<readonly [string, string]>,
    now: Time | undefined,
    json: (action: string, scope: string) => boolean,
  ): Uint8Array {
    const s = this.cache.subject(subject);
    const bits = typeof now !== 'string';
    if (s.base < 0 && bits) {
      const ms = clock(now);
      const ids = ms === undefined ? undefined : this.#intern(pairs);
      if (ms !== undefined && ids !== undefined) return this.ffi.canMany(s.handle, ids, ms);
    }
    const out = new Uint8Array(pairs.length);
    for (let i = 0; i < pairs.length; i++) {
      const [action, scope] = pairs[i];
      const a = s.base >= 0 && bits ? this.bit(action) : undefined;
      const sc = a === undefined ? undefined : this.scopeId(scope);
      const allowed = a !== undefined && sc !== undefined ? this.cache.allows(s.base, s.handle, a, sc) : json(action, scope);
      out[i] = allowed ? 1 : 0;
    }
    return out;
  }

  /** Interleaved handles for the core, or `undefined` when one pair needs the JSON path. */
  #intern(pairs: ReadonlyArray<readonly [string, string]>): Uint32Array | undefined {
    const ids = new Uint32Array(pairs.length * 2);
    let i = 0;
    for (const [action, scope] of pairs) {
      const a = this.bit(action);
      const s = this.scopeId(scope);
      if (a === undefined || s === undefined) return undefined;
      ids[i++] = a;
      ids[i++] = s;
    }
    return ids;
  }
}

/**
 * An expiring key's time in milliseconds: the clock when none is given; `undefined` for `null`
 * (no time: the JSON path reports `missing_time`). Nothing else depends on time.
 */
function clock(now: Date | number | null | undefined): number | undefined {
  if (now === undefined) return Date.now();
  if (now === null) return undefined;
  return typeof now === 'number' ? now : now.getTime();
}
