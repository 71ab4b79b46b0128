// One change to the directory: reading it from the caller (every problem named by its path),
// making it on an evaluator with the core's live updates (validated exactly as loading
// validates), undoing it when the database refuses the write, and the access diff it causes.
// Items (assignments, grants, API keys) are added and removed by id; custom roles are defined
// (added, or replacing the role with their id) or removed, with their assignments on request.

import { Evaluator, RolecallError } from '../index.js';
import type { ApiKey, Assignment, CustomRole, Grant, Schema } from '../types.js';

/** What a change is to: one list of the directory. */
export type ItemKind = 'assignment' | 'grant' | 'api_key' | 'role';

/**
 * A change: remove the item with id `remove`, then add `add` (both: a replacement, atomic).
 * Assignments and grants are removed by their stable id (docs/format.md), API keys by their id.
 * A custom role is defined (`add`: a new role, or a new version of the one with its id) or
 * removed (`remove`: its id; refused with `role_in_use` while assigned, unless
 * `removeAssignments`, which removes its assignments with it), never both at once.
 */
export type Change<S extends Schema = Schema> =
  | { kind: 'assignment'; add?: Assignment<S>; remove?: string }
  | { kind: 'grant'; add?: Grant<S>; remove?: string }
  | { kind: 'api_key'; add?: ApiKey<S>; remove?: string }
  | { kind: 'role'; add?: CustomRole<S>; remove?: string; removeAssignments?: boolean };

/** A change as made: what was removed and what was added (with its id), as the log keeps it. */
export interface Applied {
  kind: ItemKind;
  remove?: string;
  /** The removed item; for a role definition, the version of the role it replaced. */
  removed?: Record<string, unknown>;
  add?: Record<string, unknown>;
  /** Role removal: its assignments are removed with it. */
  removeAssignments?: boolean;
  /** Role removal with `removeAssignments`: the assignments removed (as stored). */
  removedAssignments?: Record<string, unknown>[];
}

/**
 * What one change did to its subject's access at its scope: the actions gained and lost. For a
 * role change, `subject` and `scope` are the role's id and scope, `gained` and `lost` are empty,
 * and `holders` lists each direct holder (an assignment of the role) whose access changed, at
 * the assignment's scope; omitted when the role has more than `HOLDERS_MAX` assignments.
 */
export interface AccessDiff {
  subject: string;
  scope: string;
  gained: string[];
  lost: string[];
  holders?: AccessDiff[];
}

/** A role change lists its holders' gains and losses up to this many assignments. */
export const HOLDERS_MAX = 1000;

const KINDS: readonly ItemKind[] = ['assignment', 'grant', 'api_key', 'role'];

function invalid(path: string, message: string): RolecallError {
  return new RolecallError({ code: 'invalid_value', message, path, origin: 'change' });
}

/** Reads a change, or throws `invalid_value` naming the field. */
export function readChange(change: unknown): Applied {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) {
    throw invalid('', 'a change is an object `{ kind, add?, remove? }`');
  }
  const c = change as Record<string, unknown>;
  const role = c.kind === 'role';
  for (const k of Object.keys(c)) {
    if (k === 'removeAssignments' && role) continue;
    if (k !== 'kind' && k !== 'add' && k !== 'remove') throw invalid(k, `unknown field \`${k}\` (expected kind, add, remove${role ? ', removeAssignments' : ''})`);
  }
  if (!KINDS.includes(c.kind as ItemKind)) throw invalid('kind', "`kind` must be 'assignment', 'grant', 'api_key' or 'role'");
  if (c.remove !== undefined && (typeof c.remove !== 'string' || c.remove.length === 0)) {
    throw invalid('remove', '`remove` is the id of the item to remove');
  }
  if (c.add !== undefined && (typeof c.add !== 'object' || c.add === null || Array.isArray(c.add))) {
    throw invalid('add', '`add` is the item to add, as in the directory format');
  }
  if (c.add === undefined && c.remove === undefined) throw invalid('', 'a change adds an item, removes one, or both');
  const out: Applied = {
    kind: c.kind as ItemKind,
    remove: c.remove as string | undefined,
    add: c.add === undefined ? undefined : structuredClone(c.add as Record<string, unknown>),
  };
  if (!role) return out;
  if (c.add !== undefined && c.remove !== undefined) {
    throw invalid('remove', 'a role change defines a role (`add`, replacing the one with its id) or removes one, not both');
  }
  const id = (c.add as Record<string, unknown> | undefined)?.id;
  if (c.add !== undefined && (typeof id !== 'string' || id.length === 0)) throw invalid('add.id', 'a custom role needs its `id`');
  if (c.removeAssignments !== undefined) {
    if (typeof c.removeAssignments !== 'boolean') throw invalid('removeAssignments', '`removeAssignments` is true or false');
    if (c.remove === undefined) throw invalid('removeAssignments', '`removeAssignments` goes with `remove`');
    out.removeAssignments = c.removeAssignments;
  }
  return out;
}

/** The subject and scope a change is about (its added item's, else its removed item's). */
export function whereOf(a: Applied): { subject: string; scope: string } {
  const item = a.add ?? a.removed ?? {};
  const subject = String(a.kind === 'api_key' || a.kind === 'role' ? item.id : item.subject);
  return { subject, scope: String(item.scope) };
}

/**
 * Makes `a` on the evaluator: remove, then add. Returns it with what was removed and the added
 * item's id. On a validation error the evaluator is as it was and the error is thrown. (Adding
 * an assignment identical to one held changes nothing and returns that one's id.) For a role,
 * the caller passes in `a` what the database holds: `removed`, the role a definition replaces;
 * `removedAssignments`, the role's assignments a removal with `removeAssignments` removes.
 */
export function makeChange(e: Evaluator, a: Applied): Applied {
  if (a.kind === 'role') return makeRole(e, a);
  const applied: Applied = { kind: a.kind };
  if (a.remove !== undefined) {
    applied.remove = a.remove;
    applied.removed = remove(e, a.kind, a.remove);
  }
  if (a.add === undefined) return applied;
  try {
    applied.add = { ...a.add, id: add(e, a.kind, a.add) };
    return applied;
  } catch (err) {
    if (applied.removed !== undefined) add(e, a.kind, applied.removed);
    throw err;
  }
}

/** Undoes `made` (the database refused it): remove what was added, add back what was removed. */
export function undoChange(e: Evaluator, made: Applied): void {
  if (made.kind === 'role') {
    if (made.add !== undefined && made.removed !== undefined) e.defineRole(made.removed as unknown as CustomRole);
    else if (made.add !== undefined) e.removeRole(String(made.add.id));
    else if (made.removed !== undefined) {
      e.defineRole(made.removed as unknown as CustomRole);
      for (const x of made.removedAssignments ?? []) e.addAssignment(x as unknown as Assignment);
    }
    return;
  }
  if (made.add !== undefined) remove(e, made.kind, String(made.add.id));
  if (made.removed !== undefined) add(e, made.kind, made.removed);
}

/** Replays a logged change (it was valid when made, after the same earlier changes). */
export function replayChange(e: Evaluator, logged: Applied): void {
  if (logged.kind === 'role') {
    if (logged.remove !== undefined) e.removeRole(logged.remove, { removeAssignments: logged.removeAssignments === true });
    if (logged.add !== undefined) e.defineRole(logged.add as unknown as CustomRole);
    return;
  }
  if (logged.remove !== undefined) remove(e, logged.kind, logged.remove);
  if (logged.add !== undefined) add(e, logged.kind, logged.add);
}

/** `makeChange` for a role: define it (replacing its id's) or remove it. */
function makeRole(e: Evaluator, a: Applied): Applied {
  if (a.add !== undefined) {
    e.defineRole(a.add as unknown as CustomRole);
    return { kind: 'role', add: a.add, ...(a.removed === undefined ? {} : { removed: a.removed }) };
  }
  const id = a.remove ?? '';
  const removeAssignments = a.removeAssignments === true;
  const removed = e.removeRole(id, { removeAssignments }) as unknown as Record<string, unknown>;
  return {
    kind: 'role',
    remove: id,
    removed,
    ...(removeAssignments ? { removeAssignments, removedAssignments: a.removedAssignments ?? [] } : {}),
  };
}

function remove(e: Evaluator, kind: ItemKind, id: string): Record<string, unknown> {
  const removed =
    kind === 'assignment' ? e.removeAssignment(id) : kind === 'grant' ? e.removeGrant(id) : e.removeApiKey(id);
  return removed as unknown as Record<string, unknown>;
}

function add(e: Evaluator, kind: ItemKind, item: Record<string, unknown>): string {
  if (kind === 'api_key') {
    e.addApiKey(item as unknown as ApiKey);
    return String(item.id);
  }
  if (kind === 'assignment') return e.assignmentId(e.addAssignment(item as unknown as Assignment)) ?? '';
  return e.grantId(e.addGrant(item as unknown as Grant)) ?? '';
}

/**
 * What the subjects `a` touches may do, one list each: the item's subject at its scope; for a
 * role, each of `holders` (the role's assignments) at the assignment's scope, none beyond
 * `HOLDERS_MAX`.
 */
export function accessOf(e: Evaluator, a: Applied, holders: readonly Record<string, unknown>[] = []): string[][] {
  if (a.kind !== 'role') {
    const { subject, scope } = whereOf(a);
    return [actionsAt(e, subject, scope, (a.add ?? a.removed)?.context)];
  }
  if (holders.length > HOLDERS_MAX) return [];
  return holders.map((h) => actionsAt(e, String(h.subject), String(h.scope), h.context));
}

/** The actions `subject` may do at `scope` (in the item's context, when it has one). */
function actionsAt(e: Evaluator, subject: string, scope: string, itemContext: unknown): string[] {
  const ctx = itemContext as Record<string, string | string[]> | undefined;
  const context = ctx === undefined ? undefined : Object.fromEntries(
    Object.entries(ctx).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)]),
  );
  try {
    return e.allowedActions(subject, scope, context === undefined ? undefined : { context });
  } catch {
    // The scope is gone (after an import): nothing there.
    return [];
  }
}

/** The access diff of `a` from `accessOf` before and after it (`holders` as given to it). */
export function diffOf(a: Applied, before: string[][], after: string[][], holders: readonly Record<string, unknown>[] = []): AccessDiff {
  const { subject, scope } = whereOf(a);
  if (a.kind !== 'role') return { subject, scope, ...gainedLost(before[0] ?? [], after[0] ?? []) };
  const out: AccessDiff = { subject, scope, gained: [], lost: [] };
  if (holders.length > HOLDERS_MAX) return out;
  out.holders = holders
    .map((h, i) => ({ subject: String(h.subject), scope: String(h.scope), ...gainedLost(before[i] ?? [], after[i] ?? []) }))
    .filter((d) => d.gained.length > 0 || d.lost.length > 0);
  return out;
}

function gainedLost(before: string[], after: string[]): { gained: string[]; lost: string[] } {
  const b = new Set(before);
  const n = new Set(after);
  return { gained: after.filter((x) => !b.has(x)), lost: before.filter((x) => !n.has(x)) };
}
