// The JSON path: every check the fast path declines (context, resource, a time as text, the
// full decision, the bulk forms) as one JSON query in; a decision comes back as a plain object
// (serde-wasm-bindgen; JSON text in the lean browser build, to keep it small), a list as JSON text (JSON.parse is faster there: bench/results.md,
// "Boundary"). Its only work outside the core: building that JSON and filling in the clock.

import { json, queryLimits } from './args.js';
import type { NativeEvaluator } from './binding.js';
import type { DecisionCache } from './cache.js';
import { call } from './errors.js';
import type { BulkOptions, CheckOptions, Decision, FilterOptions, Plan, Time } from './types.js';

/** One evaluator's JSON path. */
export class JsonPath {
  readonly #ffi: NativeEvaluator;
  readonly #cache: DecisionCache;

  constructor(ffi: NativeEvaluator, cache: DecisionCache) {
    this.#ffi = ffi;
    this.#cache = cache;
  }

  can(subject: string, target: string, scope: string, o: CheckOptions = {}): boolean {
    const q = this.#query(subject, target, scope, o);
    return call(() => this.#ffi.can(q));
  }

  check(subject: string, target: string, scope: string, o: CheckOptions = {}): Decision {
    const q = this.#query(subject, target, scope, o);
    const d = call(() => this.#ffi.check(q));
    return typeof d === 'string' ? (JSON.parse(d) as Decision) : d;
  }

  allowedActions(subject: string, scope: string, o: BulkOptions = {}): string[] {
    queryLimits(subject, undefined, scope);
    const r = json({ subject, scope, context: o.context, now: this.#now(subject, o.now) }, 'options');
    return JSON.parse(call(() => this.#ffi.allowedActions(r))) as string[];
  }

  scopesWhere(subject: string, action: string, o: BulkOptions = {}): string[] {
    queryLimits(subject, action, undefined);
    const r = json({ subject, action, context: o.context, now: this.#now(subject, o.now) }, 'options');
    return JSON.parse(call(() => this.#ffi.scopesWhere(r))) as string[];
  }

  filter(subject: string, target: string, o: FilterOptions = {}): Plan {
    queryLimits(subject, target, undefined);
    const isPermission = target.includes(':');
    const r = json(
      {
        subject,
        action: isPermission ? undefined : target,
        permission: isPermission ? target : undefined,
        context: o.context,
        now: this.#now(subject, o.now),
      },
      'options',
    );
    return JSON.parse(call(() => this.#ffi.filter(r))) as Plan;
  }

  /** The query JSON. `target` with a `:` is a permission (names never contain one). */
  #query(subject: string, target: string, scope: string, o: CheckOptions): string {
    queryLimits(subject, target, scope);
    const isPermission = target.includes(':');
    return json(
      {
        subject,
        action: isPermission ? undefined : target,
        permission: isPermission ? target : undefined,
        scope,
        context: o.context,
        resource: o.resource,
        now: this.#now(subject, o.now),
      },
      'options',
    );
  }

  /** RFC 3339 text; the clock only for an expiring API key (nothing else depends on time). */
  #now(subject: string, now: Time | undefined): string | undefined {
    if (now === undefined) return this.#cache.isExpiring(subject) ? new Date().toISOString() : undefined;
    if (now === null) return undefined;
    if (typeof now === 'string') return now;
    return (typeof now === 'number' ? new Date(now) : now).toISOString();
  }
}
