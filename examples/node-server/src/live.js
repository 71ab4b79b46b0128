// The server's directory, changed while it runs (Team page) without a restart. Two modes, one
// interface: in memory (`new LiveDirectory(policy, doc)`: the SDK's live updates, gone when the
// server stops) or kept in a database (`new LiveDirectory(policy, doc, store)`, a
// `rolecall/postgres` store: every change is written with its change-log row, survives restarts
// and reaches the other server instances). Either way a change is validated as loading would
// validate it, a failed change changes nothing, and assignments are removed by their stable id.
// Custom roles (`defineRole`) too: the SDK's live update in memory, the store's `role` change
// (kept with its history, and known to the next load) with a database.
// `version` grows with each change: clients compare it with their snapshot's to know it is stale.

import { Evaluator, RolecallError } from 'rolecall';

export class LiveDirectory {
  #policy;
  #evaluator;
  #store;
  #version = 1;

  /** `doc`: the directory document as an object; `store`: a `rolecall/postgres` store, or none. */
  constructor(policy, doc, store = undefined) {
    this.#policy = policy;
    this.#store = store;
    if (store === undefined) this.#evaluator = new Evaluator(policy, doc);
  }

  /** The policy every evaluator here decides under. */
  get policy() {
    return this.#policy;
  }

  /** The evaluator to decide with now. */
  get evaluator() {
    return this.#store?.evaluator ?? this.#evaluator;
  }

  /** Grows by one with each change (kept in the database with a store: it never starts over). */
  get version() {
    return this.#store?.version ?? this.#version;
  }

  /** The store, when the directory is kept in a database. */
  get store() {
    return this.#store;
  }

  /** The current directory document (every assignment with its id). */
  document() {
    return this.evaluator.directory();
  }

  /** The assignment with this id, or undefined. */
  assignment(id) {
    return this.document().assignments?.find((a) => a.id === id);
  }

  /**
   * An evaluator for the directory as it would be after `change` (`{ add?, remove? }`, `remove`
   * an assignment id), for a preview and its access diff; the live one is not touched.
   * @throws {RolecallError} when the changed directory is invalid.
   */
  preview(change) {
    return new Evaluator(this.#policy, applyTo(this.document(), change));
  }

  /** An evaluator for the directory with custom `role` defined (added, or replacing its id's). */
  previewRole(role) {
    const doc = structuredClone(this.document());
    const roles = (doc.roles ??= []);
    const at = roles.findIndex((r) => r.id === role.id);
    if (at === -1) roles.push(role);
    else roles[at] = role;
    return new Evaluator(this.#policy, doc);
  }

  /**
   * Defines custom `role` (new, or replacing the one with its id), as `actor`. Resolves to
   * whether it replaced one.
   * @throws {RolecallError} when the role is invalid; nothing has changed then.
   * @throws {StoreError} (`rolecall/postgres`) when the database is unreachable; nothing changed.
   */
  async defineRole(role, actor = undefined) {
    if (this.#store !== undefined) {
      const r = await this.#store.apply({ kind: 'role', add: role }, { actor });
      return r.replaced === true;
    }
    const replaced = this.#evaluator.defineRole(role);
    this.#version += 1;
    return replaced;
  }

  /** Policy roles, then custom roles. */
  roleNames(policyRoles) {
    return [...policyRoles, ...(this.document().roles ?? []).map((r) => r.id)];
  }

  /**
   * Applies `{ add?, remove? }` (remove first: a change of role is one request), as `actor`.
   * Resolves to the added assignment's id, if any.
   * @throws {RolecallError} when the change is invalid; nothing has changed then.
   * @throws {StoreError} (`rolecall/postgres`) when the database is unreachable; nothing changed.
   */
  async apply(change, actor = undefined) {
    if (this.#store !== undefined) {
      const r = await this.#store.apply({ kind: 'assignment', add: change.add, remove: change.remove }, { actor });
      return r.id;
    }
    const e = this.#evaluator;
    // A change of role is validated on a copy first, so a failed add leaves the removal undone.
    if (change.remove !== undefined && change.add !== undefined) this.preview(change);
    if (change.remove !== undefined) e.removeAssignment(change.remove);
    const index = change.add === undefined ? undefined : e.addAssignment(change.add);
    this.#version += 1;
    return index === undefined ? undefined : e.assignmentId(index);
  }
}

/** A copy of `doc` with the change made: the assignment with id `remove` removed, `add` added. */
export function applyTo(doc, { add, remove }) {
  const next = structuredClone(doc);
  let list = (next.assignments ??= []);
  if (remove !== undefined) {
    if (!list.some((a) => a.id === remove)) {
      throw new RolecallError({ code: 'unknown_assignment', message: `no assignment with id \`${remove}\``, path: 'id' });
    }
    list = next.assignments = list.filter((a) => a.id !== remove);
  }
  if (add !== undefined) list.push(add);
  return next;
}
