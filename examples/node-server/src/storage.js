// Where the server keeps its directory: `DATABASE_URL` selects PostgreSQL (a `pg` pool);
// otherwise PGlite (PostgreSQL in process) with its files under `DATA_DIR` (default `.data/`
// beside this package, ignored by git). The first start seeds the database from the directory
// file; later starts load what the database holds. `DIRECTORY_STORE=memory` keeps the directory
// in memory only (lost at exit), as the route tests do.

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open } from 'rolecall/postgres';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Opens the store for `policy`, seeded with `seed` (a directory document) on first start.
 * Resolves to `{ store, describe, close }`, or `{ store: undefined }` for memory.
 */
export async function openStorage(policy, seed, env = process.env) {
  if (env.DIRECTORY_STORE === 'memory') return { store: undefined, describe: 'memory (lost at exit)', close: async () => undefined };
  const onError = (e) => console.error(`directory store: ${e?.message ?? e}`);
  if (env.DATABASE_URL) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: env.DATABASE_URL });
    // An idle connection lost (the database restarted): the next query makes a new one.
    pool.on('error', onError);
    const store = await open({ policy, client: pool, seed, onError });
    return { store, describe: 'PostgreSQL (DATABASE_URL)', close: async () => { await store.close(); await pool.end(); } };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = env.DATA_DIR ?? join(here, '..', '.data');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(join(dir, 'pglite'));
  const store = await open({ policy, client: db, seed, onError });
  return { store, describe: `PGlite under ${dir}`, close: async () => { await store.close(); await db.close(); } };
}
