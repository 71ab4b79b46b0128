// Where the server keeps its directory and its business data: `DATABASE_URL` selects PostgreSQL
// (a `pg` pool); otherwise PGlite (PostgreSQL in process) with its files under `DATA_DIR`
// (default `.data/` beside this package, ignored by git). The directory is rolecall's store
// (rolecall/postgres, its `rolecall_` tables); the payments, refunds, transfers, API keys,
// webhooks, links and invitations are the example's own tables in the same database
// (business/). The first start seeds both (the directory file, the demo data); later starts
// load what the database holds. `DIRECTORY_STORE=memory` keeps both in memory only (lost at
// exit), as the route tests do.

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open } from 'rolecall/postgres';
import { sqlBusiness } from './business/sql.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Opens the store for `policy`, seeded with `seed` (a directory document) on first start.
 * Resolves to `{ store, business, describe, close }`, or `{ store: undefined, business:
 * undefined }` for memory (the app then keeps the demo data in memory).
 */
export async function openStorage(policy, seed, env = process.env) {
  if (env.DIRECTORY_STORE === 'memory') {
    return { store: undefined, business: undefined, describe: 'memory (lost at exit)', close: async () => undefined };
  }
  const onError = (e) => console.error(`directory store: ${e?.message ?? e}`);
  if (env.DATABASE_URL) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: env.DATABASE_URL });
    // An idle connection lost (the database restarted): the next query makes a new one.
    pool.on('error', onError);
    const store = await open({ policy, client: pool, seed, onError });
    const describe = 'PostgreSQL (DATABASE_URL)';
    const business = await sqlBusiness(pool, describe);
    return { store, business, describe, close: async () => { await store.close(); await pool.end(); } };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = env.DATA_DIR ?? join(here, '..', '.data');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(join(dir, 'pglite'));
  const store = await open({ policy, client: db, seed, onError });
  const describe = `PGlite under ${dir}`;
  const business = await sqlBusiness(db, describe);
  return { store, business, describe, close: async () => { await store.close(); await db.close(); } };
}
