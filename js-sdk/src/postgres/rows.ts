// The SQL of the directory's items: reading one item or a role's holders, writing one change
// (its item rows and its change-log row), loading the whole directory in one snapshot, and
// inserting a list at once (an import). The store (store.ts) decides what to write and when.

import { RolecallError } from '../index.js';
import { whereOf, type AccessDiff, type Applied } from './changes.js';
import type { Tx } from './client.js';
import type { Tables } from './schema.js';

/** The table of a kind's items. */
function tableOf(t: Tables, kind: Applied['kind']): string {
  return { assignment: t.assignments, grant: t.grants, api_key: t.apiKeys, role: t.roles }[kind];
}

/**
 * The item `id` of a list, as stored; `unknown_assignment` (`unknown_role` for a role) when
 * absent, unless `must` is false.
 */
export async function readRow(tx: Tx, t: Tables, kind: Applied['kind'], id: string, must = true): Promise<Record<string, unknown> | undefined> {
  const { rows } = await tx.query(`SELECT doc FROM ${tableOf(t, kind)} WHERE id = $1`, [id]);
  const doc = rows[0]?.doc;
  if (doc === undefined && must) {
    const code = kind === 'role' ? 'unknown_role' : 'unknown_assignment';
    const what = kind === 'role' ? 'custom role' : kind.replace('_', ' ');
    throw new RolecallError({ code, message: `no ${what} with id \`${id}\``, path: 'remove', origin: 'change' });
  }
  return doc === undefined ? undefined : (json(doc) as Record<string, unknown>);
}

/** The assignments of role `id` (the first `limit`), as stored, in directory order. */
export async function readHolders(tx: Tx, t: Tables, id: string, limit?: number): Promise<Record<string, unknown>[]> {
  const { rows } = await tx.query(`SELECT doc FROM ${t.assignments} WHERE role = $1 ORDER BY position LIMIT $2`, [id, limit ?? null]);
  return rows.map((r) => json(r.doc) as Record<string, unknown>);
}

/** The item rows and the change-log row of one change (the caller bumps the version). */
export async function writeChange(tx: Tx, t: Tables, made: Applied, version: number, actor: string | null, diff: AccessDiff): Promise<void> {
  if (made.remove !== undefined) await tx.query(`DELETE FROM ${tableOf(t, made.kind)} WHERE id = $1`, [made.remove]);
  if (made.removedAssignments !== undefined && made.removedAssignments.length > 0) {
    await tx.query(`DELETE FROM ${t.assignments} WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))`, [
      JSON.stringify(made.removedAssignments.map((x) => x.id)),
    ]);
  }
  const a = made.add;
  if (a !== undefined) {
    const doc = JSON.stringify(a);
    if (made.kind === 'role') {
      // A redefinition keeps the role's row (and so its place in the directory).
      await tx.query(
        `INSERT INTO ${t.roles} (id, scope, doc) VALUES ($1, $2, $3::json)
         ON CONFLICT (id) DO UPDATE SET scope = EXCLUDED.scope, doc = EXCLUDED.doc`,
        [a.id, a.scope, doc],
      );
    } else if (made.kind === 'assignment') {
      await tx.query(`INSERT INTO ${t.assignments} (id, subject, role, scope, doc) VALUES ($1, $2, $3, $4, $5::json)`, [a.id, a.subject, a.role, a.scope, doc]);
    } else if (made.kind === 'grant') {
      await tx.query(`INSERT INTO ${t.grants} (id, subject, scope, doc) VALUES ($1, $2, $3, $4::json)`, [a.id, a.subject, a.scope, doc]);
    } else {
      await tx.query(`INSERT INTO ${t.apiKeys} (id, owner, scope, doc) VALUES ($1, $2, $3, $4::json)`, [a.id, a.owner, a.scope, doc]);
    }
  }
  const { subject, scope } = whereOf(made);
  await tx.query(
    `INSERT INTO ${t.changes} (version, actor, subject, scope, change, diff) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`,
    [version, actor, subject, scope, JSON.stringify(made), JSON.stringify(diff)],
  );
}

/**
 * The directory document as JSON text, and the version: one statement, so one snapshot of the
 * database and one round trip. PostgreSQL writes the text: each list is its rows' stored JSON
 * (`doc`) joined by commas, read in `position` order through the position index (migration 3),
 * so no row becomes a JavaScript object and nothing is sorted.
 */
export async function readAll(q: Tx, t: Tables): Promise<{ text: string; version: number }> {
  // An aggregate reads a subquery's rows in the subquery's order: the subquery keeps its ORDER
  // BY (PostgreSQL does not flatten it) and the aggregate runs on its output, not in parallel
  // parts. `string_agg` over json text is several times faster than `json_agg(doc ORDER BY
  // position)`, which sorts the documents (bench/results.md, the directory store).
  // `concat` writes the document once (a chain of `||` would copy the assignments' text at each
  // step) and reads an empty list's NULL as nothing.
  const list = (table: string): string => `(SELECT string_agg(doc::text, ',') FROM (SELECT doc FROM ${table} ORDER BY position) AS ordered)`;
  const { rows } = await q.query(
    `SELECT (SELECT version FROM ${t.state}) AS version,
       concat('{"scopes":[', ${list(t.scopes)}, '],"assignments":[', ${list(t.assignments)},
         '],"grants":[', ${list(t.grants)}, '],"api_keys":[', ${list(t.apiKeys)},
         '],"roles":[', ${list(t.roles)}, ']}') AS doc`,
  );
  return { text: String(rows[0]?.doc), version: Number(rows[0]?.version ?? 0) };
}

/** Inserts `items` (directory-format objects) into `table`, in order, in one statement. */
export async function bulkInsert(tx: Tx, table: string, columns: string[], items: readonly object[]): Promise<void> {
  if (items.length === 0) return;
  const cols = columns.join(', ');
  const values = columns.map((c) => `e->>'${c}'`).join(', ');
  // json (not jsonb) elements keep the text as JSON.stringify wrote it: compact, as loading reads it.
  await tx.query(
    `INSERT INTO ${table} (position, ${cols}, doc)
     SELECT n, ${values}, e FROM json_array_elements($1::json) WITH ORDINALITY AS x(e, n)`,
    [JSON.stringify(items)],
  );
  await tx.query(`SELECT setval(pg_get_serial_sequence('${table}', 'position'), (SELECT max(position) FROM ${table}))`);
}

/** pg and PGlite hand back jsonb as objects; a text column as text. */
export function json(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}
