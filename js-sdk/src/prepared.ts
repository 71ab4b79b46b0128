// `PreparedSubject`: one subject bound once, for checks in a render loop. Its checks are the
// evaluator's with the subject left out; by ids (`canIds`) a check is the cache's bit test and
// nothing more, after one call into WebAssembly per scope.

import { invalid, isId } from './args.js';
import type { DecisionCache } from './cache.js';
import type { Evaluator } from './evaluator.js';
import type { FastPath } from './fast.js';
import type { CheckOptions, Decision, ManyOptions, Schema, Target } from './types.js';

let make: <S extends Schema>(e: Evaluator<S>, subject: string, fast: FastPath) => PreparedSubject<S>;

/** For `Evaluator.prepare`; not part of the public API. */
export function prepareSubject<S extends Schema>(e: Evaluator<S>, subject: string, fast: FastPath): PreparedSubject<S> {
  return make(e, subject, fast);
}

/**
 * One subject, prepared once (`evaluator.prepare(subject)`). Same answers as
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
    const c = this.#cache;
    const e = c.subject(this.subject);
    this.#handle = e.handle;
    this.#base = e.base;
    this.#version = c.version;
  }

  /**
   * May the subject do `action` in `scope`? `evaluator.can` without the subject; without
   * `options`, a bit test.
   * @throws {RolecallError} as `Evaluator.can` (an unknown name, an action that needs a resource).
   */
  can(action: Target<S>, scope: string, options?: CheckOptions<S>): boolean {
    if (options === undefined && typeof action === 'string' && typeof scope === 'string') {
      const f = this.#fast;
      const a = f.bit(action);
      const s = f.scopeId(scope);
      if (a !== undefined && s !== undefined) return this.canIds(a, s);
    }
    return this.#evaluator.can(this.subject, action, scope, options);
  }

  /**
   * The full decision: `evaluator.check` without the subject.
   * @throws {RolecallError} as `Evaluator.check`.
   */
  check(action: Target<S>, scope: string, options?: CheckOptions<S>): Decision {
    return this.#evaluator.check(this.subject, action, scope, options);
  }

  /**
   * The tightest loop: ids from `evaluator.actionId` and `evaluator.scopeId`. Throws only
   * `freed`: anything that is not such an id (an unknown id, a float, a negative number, one
   * past 2^32 - 1, not a number at all) is `false`, as is an action that needs a resource.
   */
  canIds(action: number, scope: number): boolean {
    // The binding would truncate a float and wrap a large id onto a real one (`id + 2 ** 32`).
    if (!isId(action) || !isId(scope)) return false;
    const c = this.#cache;
    if (this.#version !== c.version) this.#refresh();
    const base = this.#base;
    if (base < 0) return this.#fast.ffi.canPrepared(this.#handle, action, scope, Date.now());
    return c.allows(base, this.#handle, action, scope);
  }

  /** Many `[action, scope]` pairs in one call: `1` allowed, `0` not. */
  canMany(pairs: ReadonlyArray<readonly [Target<S>, string]>, options?: ManyOptions): Uint8Array {
    return this.#evaluator.canMany(this.subject, pairs, options);
  }

  /**
   * Interleaved `(action id, scope id)` pairs in one call, as `canIds` decides each.
   * @throws {RolecallError} `invalid_value` unless `pairs` is a `Uint32Array` of even length.
   */
  canManyIds(pairs: Uint32Array): Uint8Array {
    if (!(pairs instanceof Uint32Array) || pairs.length % 2 !== 0) {
      throw invalid('pairs', '`pairs` must be a `Uint32Array` of interleaved (action id, scope id) pairs');
    }
    const c = this.#cache;
    if (this.#version !== c.version) this.#refresh();
    const base = this.#base;
    const handle = this.#handle;
    if (base < 0) return this.#fast.ffi.canMany(handle, pairs, Date.now());
    const out = new Uint8Array(pairs.length >>> 1);
    for (let i = 0, j = 0; i < out.length; i++, j += 2) {
      out[i] = c.allows(base, handle, pairs[j], pairs[j + 1]) ? 1 : 0;
    }
    return out;
  }

  static {
    make = (e, subject, fast) => new PreparedSubject(e, subject, fast);
  }
}
