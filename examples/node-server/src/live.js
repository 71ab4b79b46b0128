// The server's directory, changed while it runs (Team page) without a restart, through the SDK's
// live updates (`evaluator.addAssignment`, `removeAssignment`, `defineRole`): a change is
// validated as loading would validate it, and a failed change changes nothing.
// `version` grows with each change: clients compare it with their snapshot's to know it is stale.

import { Evaluator, RolecallError } from 'rolecall';

export class LiveDirectory {
  #policy;
  #evaluator;
  #version = 1;

  /** `doc`: the directory document as an object. */
  constructor(policy, doc) {
    this.#policy = policy;
    this.#evaluator = new Evaluator(policy, doc);
  }

  /** The policy every evaluator here decides under. */
  get policy() {
    return this.#policy;
  }

  /** The evaluator to decide with now. */
  get evaluator() {
    return this.#evaluator;
  }

  /** Grows by one with each change. */
  get version() {
    return this.#version;
  }

  /** The current directory document. */
  document() {
    return this.#evaluator.directory();
  }

  /** The assignment at `index`, or undefined. */
  assignment(index) {
    return this.document().assignments?.[index];
  }

  /**
   * An evaluator for the directory as it would be after `change` (`{ add?, remove? }`), for a
   * preview and its access diff; the live one is not touched.
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
   * Defines custom `role` on the live evaluator; whether it replaced one.
   * @throws {RolecallError} when the role is invalid; nothing has changed then.
   */
  defineRole(role) {
    const replaced = this.#evaluator.defineRole(role);
    this.#version += 1;
    return replaced;
  }

  /** Policy roles, then custom roles. */
  roleNames(policyRoles) {
    return [...policyRoles, ...(this.document().roles ?? []).map((r) => r.id)];
  }

  /**
   * Applies `{ add?, remove? }` (remove first: a change of role is one request). Returns the index
   * of the added assignment, if any.
   * @throws {RolecallError} when the change is invalid; nothing has changed then.
   */
  apply(change) {
    const e = this.#evaluator;
    // Remove-then-add cannot be undone in place if the add fails (removing moves the last
    // assignment into the freed index), so a change of role is validated on a copy first.
    if (change.remove !== undefined && change.add !== undefined) this.preview(change);
    if (change.remove !== undefined) e.removeAssignment(change.remove);
    const index = change.add === undefined ? undefined : e.addAssignment(change.add);
    this.#version += 1;
    return index;
  }
}

/**
 * A copy of `doc` with the change made, removing as the core does: the last assignment moves
 * into the freed index, so indexes stay dense and match the live evaluator's.
 */
export function applyTo(doc, { add, remove }) {
  const next = structuredClone(doc);
  const list = (next.assignments ??= []);
  if (remove !== undefined) {
    if (!Number.isInteger(remove) || remove < 0 || remove >= list.length) {
      throw new RolecallError({ code: 'unknown_assignment', message: `no assignment at index ${remove}`, path: 'index' });
    }
    const last = list.pop();
    if (remove < list.length) list[remove] = last;
  }
  if (add !== undefined) list.push(add);
  return next;
}
