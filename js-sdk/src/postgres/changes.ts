// One change to the directory: reading it from the caller (every problem named by its path),
// making it on an evaluator with the core's live updates (validated exactly as loading
// validates), undoing it when the database refuses the write, and the access diff it causes.

import { Evaluator, RolecallError } from '../index.js';
import type { ApiKey, Assignment, Grant, Schema } from '../types.js';

/** What a change is to: one list of the directory. */
export type ItemKind = 'assignment' | 'grant' | 'api_key';

/**
 * A change: remove the item with id `remove`, then add `add` (both: a replacement, atomic).
 * Assignments and grants are removed by their stable id (docs/format.md), API keys by their id.
 */
export type Change<S extends Schema = Schema> =
  | { kind: 'assignment'; add?: Assignment<S>; remove?: string }
  | { kind: 'grant'; add?: Grant<S>; remove?: string }
  | { kind: 'api_key'; add?: ApiKey<S>; remove?: string };

/** A change as made: what was removed and what was added (with its id), as the log keeps it. */
export interface Applied {
  kind: ItemKind;
  remove?: string;
  removed?: Record<string, unknown>;
  add?: Record<string, unknown>;
}

/** What one change did to its subject's access at its scope: the actions gained and lost. */
export interface AccessDiff {
  subject: string;
  scope: string;
  gained: string[];
  lost: string[];
}

const KINDS: readonly ItemKind[] = ['assignment', 'grant', 'api_key'];

function invalid(path: string, message: string): RolecallError {
  return new RolecallError({ code: 'invalid_value', message, path, origin: 'change' });
}

/** Reads a change, or throws `invalid_value` naming the field. */
export function readChange(change: unknown): Applied {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) {
    throw invalid('', 'a change is an object `{ kind, add?, remove? }`');
  }
  const c = change as Record<string, unknown>;
  for (const k of Object.keys(c)) {
    if (k !== 'kind' && k !== 'add' && k !== 'remove') throw invalid(k, `unknown field \`${k}\` (expected kind, add, remove)`);
  }
  if (!KINDS.includes(c.kind as ItemKind)) throw invalid('kind', "`kind` must be 'assignment', 'grant' or 'api_key'");
  if (c.remove !== undefined && (typeof c.remove !== 'string' || c.remove.length === 0)) {
    throw invalid('remove', '`remove` is the id of the item to remove');
  }
  if (c.add !== undefined && (typeof c.add !== 'object' || c.add === null || Array.isArray(c.add))) {
    throw invalid('add', '`add` is the item to add, as in the directory format');
  }
  if (c.add === undefined && c.remove === undefined) throw invalid('', 'a change adds an item, removes one, or both');
  return {
    kind: c.kind as ItemKind,
    remove: c.remove as string | undefined,
    add: c.add === undefined ? undefined : structuredClone(c.add as Record<string, unknown>),
  };
}

/** The subject and scope a change is about (its added item's, else its removed item's). */
export function whereOf(a: Applied): { subject: string; scope: string } {
  const item = a.add ?? a.removed ?? {};
  const subject = String(a.kind === 'api_key' ? item.id : item.subject);
  return { subject, scope: String(item.scope) };
}

/**
 * Makes `a` on the evaluator: remove, then add. Returns it with what was removed and the added
 * item's id. On a validation error the evaluator is as it was and the error is thrown. (Adding
 * an assignment identical to one held changes nothing and returns that one's id.)
 */
export function makeChange(e: Evaluator, a: Applied): Applied {
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
  if (made.add !== undefined) remove(e, made.kind, String(made.add.id));
  if (made.removed !== undefined) add(e, made.kind, made.removed);
}

/** Replays a logged change (it was valid when made, after the same earlier changes). */
export function replayChange(e: Evaluator, logged: Applied): void {
  if (logged.remove !== undefined) remove(e, logged.kind, logged.remove);
  if (logged.add !== undefined) add(e, logged.kind, logged.add);
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

/** The actions `subject` may do at `scope` (in the item's context, when it has one). */
export function actionsAt(e: Evaluator, a: Applied): string[] {
  const { subject, scope } = whereOf(a);
  const ctx = (a.add ?? a.removed)?.context as Record<string, string | string[]> | undefined;
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

/** The actions gained and lost between two lists. */
export function diffOf(a: Applied, before: string[], after: string[]): AccessDiff {
  const { subject, scope } = whereOf(a);
  const b = new Set(before);
  const n = new Set(after);
  return { subject, scope, gained: after.filter((x) => !b.has(x)), lost: before.filter((x) => !n.has(x)) };
}
