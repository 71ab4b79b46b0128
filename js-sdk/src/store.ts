// The current subject's permissions as a tiny external store, shared by `rolecall/react` and
// `rolecall/dom`: one object that holds the `Permissions` of the signed-in user, says when they
// change (a new snapshot), and memoizes decisions per (action, scope, context, resource) for the
// current version, so a page with hundreds of gated controls asks the core once per control.

import type { Permissions } from './permissions.js';
import type { BulkOptions, CheckOptions, Decision, Schema, Target } from './types.js';

/** What the store needs of a `Permissions` (a structural type, so tests may pass a fake). */
export type PermissionsLike<S extends Schema = Schema> = Pick<
  Permissions<S>,
  'subject' | 'can' | 'check' | 'scopesWhere' | 'allowedActions'
>;

/** The optional part of one control's check: as `check`'s, without `now` (memoized per version). */
export type GateOptions<S extends Schema = Schema> = Omit<CheckOptions<S>, 'now'>;

/** Past this many memoized answers in one version the memo starts over (a bound, not a tuning). */
const MEMO_LIMIT = 10_000;

/**
 * Holds the current subject's `Permissions` and notifies subscribers when they are replaced.
 * `version` grows by one on each replacement; decisions are memoized per version.
 */
export class PermissionStore<S extends Schema = Schema> {
  #permissions: PermissionsLike<S>;
  #version = 0;
  readonly #listeners = new Set<() => void>();
  readonly #decisions = new Map<string, Decision>();
  readonly #scopes = new Map<string, string[]>();

  constructor(permissions: PermissionsLike<S>) {
    this.#permissions = permissions;
  }

  /** The current permissions. */
  get permissions(): PermissionsLike<S> {
    return this.#permissions;
  }

  /** Grows by one each time the permissions are replaced. */
  get version(): number {
    return this.#version;
  }

  /**
   * Replaces the permissions (a new snapshot arrived) and notifies every subscriber once.
   * Setting the same object again does nothing.
   */
  set(permissions: PermissionsLike<S>): void {
    if (permissions === this.#permissions) return;
    this.#permissions = permissions;
    this.#version += 1;
    this.#decisions.clear();
    this.#scopes.clear();
    for (const listener of [...this.#listeners]) listener();
  }

  /** Calls `listener` after each replacement; returns the function that unsubscribes it. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  /** The version, as `useSyncExternalStore` reads it. */
  getVersion = (): number => this.#version;

  /**
   * The decision for one control, `permissions.check(action, scope, options)` memoized for this
   * version: the same object until the permissions change.
   * @throws {RolecallError} input errors (`unknown_action`, `missing_resource_attribute`, ...):
   * a typo in a page is a bug to see, not a control to hide silently.
   */
  check(action: Target<S>, scope: string, options: GateOptions<S> = {}): Decision {
    const key = gateKey(action, scope, options);
    let d = this.#decisions.get(key);
    if (d === undefined) {
      d = this.#permissions.check(action, scope, options);
      if (this.#decisions.size >= MEMO_LIMIT) this.#decisions.clear();
      this.#decisions.set(key, d);
    }
    return d;
  }

  /** Every reachable scope where the subject may do `action`, memoized for this version. */
  scopesWhere(action: S['action'], options: BulkOptions<S> = {}): string[] {
    const key = `${action}\u0000${stable(options.context)}`;
    let s = this.#scopes.get(key);
    if (s === undefined) {
      s = this.#permissions.scopesWhere(action, options);
      if (this.#scopes.size >= MEMO_LIMIT) this.#scopes.clear();
      this.#scopes.set(key, s);
    }
    return s;
  }
}

/** A store over `permissions` (for `<RolecallProvider store>` and `watch`). */
export function createPermissionStore<S extends Schema>(permissions: PermissionsLike<S>): PermissionStore<S> {
  return new PermissionStore(permissions);
}

/** The memo key of one control: action, scope, and context and resource with sorted keys. */
export function gateKey(action: string, scope: string, o: GateOptions<Schema>): string {
  return `${action}\u0000${scope}\u0000${stable(o.context)}\u0000${stable(o.resource)}`;
}

function stable(o: object | undefined): string {
  if (o === undefined) return '';
  const entries = Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}
