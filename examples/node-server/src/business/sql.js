// The business data in tables of the database the directory store uses (PostgreSQL through a
// `pg.Pool`, or PGlite): the same calls as the memory store (memory.js), each one statement or
// one transaction. A list is filtered in SQL: the URL's tenant's subtree from the directory's
// scope table (`rolecall_scopes`, a recursive query), the permission plan by `toSql` from
// rolecall/filter, and the page by LIMIT/OFFSET with the count in the same query.

import { toSql } from 'rolecall/filter';
import { COLUMNS, kindOf } from './kinds.js';
import { migrate } from './migrations.js';

/** An item as the API answers it: its fields in order, unset ones left out (`x` the row). */
const docOf = (k) => `json_strip_nulls(json_build_object(${k.fields.map((f) => `'${f}', x.${f}`).join(', ')}))`;

/** Kinds whose rows have a country of their own (the others take their tenant's). */
const OWN_COUNTRY = new Set(['payments', 'refunds']);

/**
 * Opens the business store on `client` (a `pg.Pool` or a PGlite database, which the caller
 * closes): applies the example's migrations (the first one seeds the demo data).
 */
export async function sqlBusiness(client, describe) {
  const db = engine(client);
  await migrate(db);
  const store = withQueries(db, describe);
  store.transaction = (body) => unavailable(() => db.transaction((tx) => body(withQueries(tx, describe))));
  return store;
}

/**
 * Runs a database call; a failure becomes `store_unavailable` (the app answers 503, as the
 * directory store's writes do), with the database's reason.
 */
async function unavailable(f) {
  try {
    return await f();
  } catch (e) {
    if (e?.code === 'store_unavailable') throw e;
    throw Object.assign(new Error(`business data: the database refused or is unreachable (${e?.message ?? e})`), { code: 'store_unavailable', cause: e });
  }
}

/** The store's calls over `q` (the database, or one transaction). */
function withQueries(tx, describe) {
  const q = { query: (sql, params) => unavailable(() => tx.query(sql, params)) };
  const one = async (sql, params) => (await q.query(sql, params)).rows[0];
  return {
    describe,
    async list(kind, { root, plan, offset = 0, limit }) {
      const k = kindOf(kind);
      // $1 the tenant, $2 the limit (null: all), $3 the offset; the plan's arrays after them.
      const where = plan === undefined ? { text: 'TRUE', values: [] } : toSql(plan, { ...COLUMNS, offset: 3 });
      const country = OWN_COUNTRY.has(kind) ? 'coalesce(x.country, t.country)' : 't.country';
      const createdBy = k.fields.includes('created_by') ? 'x.created_by' : 'NULL::text';
      const row = await one(
        `WITH RECURSIVE under (id) AS (
           SELECT id FROM rolecall_scopes WHERE id = $1
           UNION SELECT s.id FROM rolecall_scopes s JOIN under u ON s.doc->>'parent' = u.id
         ), item AS (
           SELECT x.position, x.scope, ${country} AS country, ${createdBy} AS created_by, ${docOf(k)} AS doc
           FROM ${k.table} x LEFT JOIN app_tenants t ON t.id = x.scope
           WHERE x.scope IN (SELECT id FROM under)
         ), allowed AS (SELECT position, doc FROM item WHERE ${where.text})
         SELECT (SELECT count(*) FROM allowed)::int AS total,
           (SELECT coalesce(json_agg(doc ORDER BY position), '[]'::json)
              FROM (SELECT doc, position FROM allowed ORDER BY position LIMIT $2 OFFSET $3) page) AS items`,
        [root, limit ?? null, offset, ...where.values],
      );
      return { total: row.total, items: json(row.items) };
    },
    async get(kind, id) {
      const k = kindOf(kind);
      const row = await one(`SELECT ${docOf(k)} AS doc FROM ${k.table} x WHERE id = $1`, [id]);
      return row === undefined ? undefined : json(row.doc);
    },
    async insert(kind, fields) {
      const k = kindOf(kind);
      const names = k.fields.filter((f) => f !== 'id' && fields[f] !== undefined);
      const values = names.map((f, i) => `$${i + 2}`);
      const row = await one(
        `INSERT INTO ${k.table} AS x (id, ${names.join(', ')})
         VALUES ($1::text || '_' || nextval('app_ids')::text, ${values.join(', ')}) RETURNING ${docOf(k)} AS doc`,
        [k.prefix, ...names.map((f) => fields[f])],
      );
      return json(row.doc);
    },
    async update(kind, id, { set = {}, add = {}, when = {} }) {
      const k = kindOf(kind);
      const params = [id];
      const p = (v) => `$${params.push(v)}`;
      const field = (f) => {
        if (!k.fields.includes(f) || f === 'id') throw new TypeError(`${kind} has no field ${f} to change`);
        return f;
      };
      const sets = [
        ...Object.entries(set).map(([f, v]) => `${field(f)} = ${p(v)}`),
        ...Object.entries(add).map(([f, n]) => `${field(f)} = ${field(f)} + ${p(n)}`),
      ];
      const conds = Object.entries(when).map(([f, v]) => `${field(f)} = ${p(v)}`);
      const row = await one(
        `UPDATE ${k.table} AS x SET ${sets.join(', ')} WHERE ${['id = $1', ...conds].join(' AND ')} RETURNING ${docOf(k)} AS doc`,
        params,
      );
      return row === undefined ? undefined : json(row.doc);
    },
    async remove(kind, id) {
      const k = kindOf(kind);
      const { rows } = await q.query(`DELETE FROM ${k.table} WHERE id = $1 RETURNING id`, [id]);
      return rows.length > 0;
    },
    close: async () => undefined,
  };
}

/** pg answers json as objects; PGlite too, but a text column would be text. */
const json = (v) => (typeof v === 'string' ? JSON.parse(v) : v);

/** A query and a transaction over a `pg.Pool` or a PGlite database. */
function engine(client) {
  if (typeof client.transaction === 'function') return client; // PGlite
  return {
    query: (sql, params) => client.query(sql, params),
    async transaction(body) {
      const c = await client.connect();
      let failed;
      try {
        await c.query('BEGIN');
        const out = await body(c);
        await c.query('COMMIT');
        return out;
      } catch (e) {
        failed = e;
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        c.release(failed === undefined ? undefined : true);
      }
    },
  };
}
