// The example application's own tables (its business data, beside rolecall's directory tables in
// the same database) and the versioned migrations that create them, recorded in
// `app_migrations`. Migration 1 also seeds the demo data (demo.js) in the same transaction, so
// the first start of an empty database begins where the in-memory demo does, and a later start
// keeps what was written. Never edit a migration that has shipped: add the next one.

import { seedData, tenants } from '../demo.js';
import { KINDS } from './kinds.js';

/** The migrations, in order (migration N is `[N - 1]`), each a list of statements. */
export const MIGRATIONS = [
  [
    // The tenants' display names and countries: a list's filter reads an item's country from
    // its tenant when the item has none of its own.
    `CREATE TABLE app_tenants (id text PRIMARY KEY, name text NOT NULL, country text)`,
    `CREATE TABLE app_payments (
       position bigserial, id text PRIMARY KEY, scope text NOT NULL, country text,
       amount numeric NOT NULL, currency text NOT NULL, customer text NOT NULL, status text NOT NULL)`,
    `CREATE TABLE app_refunds (
       position bigserial, id text PRIMARY KEY, scope text NOT NULL, country text,
       payment text NOT NULL REFERENCES app_payments (id), amount numeric NOT NULL, currency text NOT NULL,
       status text NOT NULL, created_by text)`,
    `CREATE TABLE app_transfers (
       position bigserial, id text PRIMARY KEY, scope text NOT NULL, amount numeric NOT NULL,
       currency text NOT NULL, beneficiary text NOT NULL, created_by text NOT NULL, status text NOT NULL,
       approved_by text)`,
    `CREATE TABLE app_api_keys (
       position bigserial, id text PRIMARY KEY, scope text NOT NULL, name text NOT NULL, mode text NOT NULL,
       last4 text NOT NULL, active boolean NOT NULL, rolled integer NOT NULL DEFAULT 0)`,
    `CREATE TABLE app_webhooks (
       position bigserial, id text PRIMARY KEY, scope text NOT NULL, url text NOT NULL,
       events text[] NOT NULL, tests integer NOT NULL DEFAULT 0)`,
    `CREATE TABLE app_links (position bigserial, id text PRIMARY KEY, scope text NOT NULL, name text NOT NULL, active boolean NOT NULL)`,
    `CREATE TABLE app_invitations (position bigserial, id text PRIMARY KEY, scope text NOT NULL, email text NOT NULL, invited_by text NOT NULL)`,
    ...Object.values(KINDS).map((k) => `CREATE INDEX ${k.table}_scope ON ${k.table} (scope)`),
    // The numbers of the ids the server makes (`tr_101`, ...), after the demo's.
    `CREATE SEQUENCE app_ids START 101`,
  ],
];

/** Applies the migrations this database lacks; migration 1 seeds the demo data. */
export async function migrate(db) {
  await db.query(`CREATE TABLE IF NOT EXISTS app_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  for (let v = 1; v <= MIGRATIONS.length; v++) {
    await db.transaction(async (tx) => {
      // One migrator at a time (servers starting together); the others then see it applied.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('app_migrations'))`);
      const done = await tx.query('SELECT 1 FROM app_migrations WHERE version = $1', [v]);
      if (done.rows.length > 0) return;
      for (const statement of MIGRATIONS[v - 1]) await tx.query(statement);
      if (v === 1) await seed(tx);
      await tx.query('INSERT INTO app_migrations (version) VALUES ($1)', [v]);
    });
  }
}

/** The demo data (demo.js), in the tables migration 1 created. */
async function seed(tx) {
  for (const [id, t] of Object.entries(tenants)) {
    await tx.query('INSERT INTO app_tenants (id, name, country) VALUES ($1, $2, $3)', [id, t.name, t.country ?? null]);
  }
  const data = seedData();
  for (const [kind, k] of Object.entries(KINDS)) {
    for (const item of data[kind]) {
      const fields = k.fields.filter((f) => item[f] !== undefined);
      const values = fields.map((f, i) => `$${i + 1}`).join(', ');
      await tx.query(`INSERT INTO ${k.table} (${fields.join(', ')}) VALUES (${values})`, fields.map((f) => item[f]));
    }
  }
}
