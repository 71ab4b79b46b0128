// `rolecall/svelte`: the permission store (the one `rolecall/react` and `rolecall/dom` use) as
// Svelte stores, so `$decision` and `$me` update when a new snapshot is set. Each follows
// Svelte's store contract (`subscribe(run)` calls `run` at once and after each change, and
// returns the unsubscriber), which Svelte 3 to 5 accept; no dependency on Svelte.

import type { GateOptions, PermissionStore, PermissionsLike } from './store.js';
import type { BulkOptions, Decision, Schema, Target } from './types.js';

export { PermissionStore, createPermissionStore, type GateOptions, type PermissionsLike } from './store.js';

/** Svelte's readable store contract. */
export interface Readable<T> {
  subscribe(run: (value: T) => void): () => void;
}

/** A readable of whatever `read` gives from the store, re-read after each replacement. */
function readable<S extends Schema, T>(store: PermissionStore<S>, read: (s: PermissionStore<S>) => T): Readable<T> {
  return {
    subscribe(run) {
      run(read(store));
      return store.subscribe(() => run(read(store)));
    },
  };
}

/**
 * The decision for one control, `store.check(action, scope, options)` (memoized per snapshot):
 * `{#if $refund.allowed}` / `title={$refund.message}`.
 * @throws {RolecallError} at subscription, input errors such as a misspelt action.
 */
export function decision<S extends Schema = Schema>(
  store: PermissionStore<S>,
  action: Target<S>,
  scope: string,
  options?: GateOptions<S>,
): Readable<Decision> {
  return readable(store, (s) => s.check(action, scope, options));
}

/** Whether one control is allowed: `disabled={!$canRefund}`. */
export function can<S extends Schema = Schema>(
  store: PermissionStore<S>,
  action: Target<S>,
  scope: string,
  options?: GateOptions<S>,
): Readable<boolean> {
  return readable(store, (s) => s.check(action, scope, options).allowed);
}

/** The reachable scopes where `action` is allowed (a tenant switcher). */
export function scopesWhere<S extends Schema = Schema>(
  store: PermissionStore<S>,
  action: S['action'],
  options?: BulkOptions<S>,
): Readable<string[]> {
  return readable(store, (s) => s.scopesWhere(action, options));
}

/** The current permissions themselves (`$me.can(...)` in markup re-runs on a new snapshot). */
export function permissions<S extends Schema = Schema>(store: PermissionStore<S>): Readable<PermissionsLike<S>> {
  return readable(store, (s) => s.permissions);
}
