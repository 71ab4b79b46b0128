// The browser's view: one subject's permissions from the snapshot the server sent. Client-side
// gating is a convenience for the interface (hide or disable a button); the server enforces.

import { Evaluator } from './evaluator.js';
import type { Policy } from './policy.js';
import type { PreparedSubject } from './prepared.js';
import type {
  BulkOptions,
  CheckOptions,
  Decision,
  FilterOptions,
  FromJson,
  ManyOptions,
  Plan,
  Schema,
  Snapshot,
  Target,
} from './types.js';

/**
 * An evaluator bound to the subject of a snapshot: its checks are the evaluator's with the
 * subject left out. It decides exactly as the server does at every scope the subject can reach;
 * any other scope is `out_of_scope`, never `unknown_scope` (the client must not learn which
 * scopes exist).
 */
export class Permissions<S extends Schema = Schema> {
  /** Whose permissions these are. */
  readonly subject: string;
  /** The evaluator over the snapshot. */
  readonly evaluator: Evaluator<S>;
  readonly #prepared: PreparedSubject<S>;

  private constructor(evaluator: Evaluator<S>, subject: string) {
    this.evaluator = evaluator;
    this.subject = subject;
    this.#prepared = evaluator.prepare(subject);
  }

  /**
   * From the snapshot the server took with `evaluator.snapshot(subject)` (object or JSON text).
   * @throws {RolecallError} `policy_mismatch` when it was taken under another policy: fetch a new
   * one (or the new policy).
   */
  static fromSnapshot<S extends Schema = Schema>(
    policy: Policy<S> | Policy,
    snapshot: FromJson<Snapshot> | string,
  ): Permissions<S> {
    const evaluator = Evaluator.fromSnapshot<S>(policy, snapshot);
    const subject = (typeof snapshot === 'string' ? (JSON.parse(snapshot) as Snapshot) : snapshot).subject;
    return new Permissions(evaluator, subject);
  }

  /** May the subject do `action` in `scope`? `evaluator.can` without the subject. */
  can(action: Target<S>, scope: string, options?: CheckOptions<S>): boolean {
    return this.#prepared.can(action, scope, options);
  }

  /** The full decision, with the tooltip message. */
  check(action: Target<S>, scope: string, options?: CheckOptions<S>): Decision {
    return this.evaluator.check(this.subject, action, scope, options);
  }

  /** Many `[action, scope]` pairs in one call: `1` allowed, `0` not. */
  canMany(pairs: ReadonlyArray<readonly [Target<S>, string]>, options?: ManyOptions): Uint8Array {
    return this.evaluator.canMany(this.subject, pairs, options);
  }

  /** Every action the subject may do at `scope`. */
  allowedActions(scope: string, options?: BulkOptions<S>): S['action'][] {
    return this.evaluator.allowedActions(this.subject, scope, options);
  }

  /** Every reachable scope where the subject may do `action`. */
  scopesWhere(action: S['action'], options?: BulkOptions<S>): string[] {
    return this.evaluator.scopesWhere(this.subject, action, options);
  }

  /**
   * The plan of the rows the subject may do `action` on, from the snapshot: filter a list the
   * page already holds with `matches` from `rolecall/filter`. Rows at scopes the snapshot does
   * not hold are never matched.
   */
  filter(action: Target<S>, options?: FilterOptions<S>): Plan {
    return this.evaluator.filter(this.subject, action, options);
  }

  /** The subject, prepared: the numbers-only fast path. */
  get prepared(): PreparedSubject<S> {
    return this.#prepared;
  }

  /** Frees the WebAssembly memory now instead of at garbage collection. */
  free(): void {
    this.evaluator.free();
  }
}
