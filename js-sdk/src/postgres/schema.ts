// The store's tables and the versioned migrations that create them. Every table name starts
// with the store's prefix (`rolecall_` by default). `migrate` applies the migrations not yet
// recorded in `<prefix>migrations`, each in its own transaction, under an advisory lock so that
// instances starting together apply each one once.

import { RolecallError } from '../index.js';
import type { Sql } from './client.js';

/** The table names for a prefix. */
export interface Tables {
  migrations: string;
  state: string;
  scopes: string;
  assignments: string;
  grants: string;
  apiKeys: string;
  roles: string;
  changes: string;
  /** The NOTIFY channel. */
  channel: string;
}

/** The names under `prefix`: lower-case letters, digits and `_`, as SQL identifiers allow unquoted. */
export function tablesOf(prefix: string): Tables {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) {
    throw new RolecallError({
      code: 'invalid_value',
      path: 'prefix',
      message: '`prefix` must be lower-case letters, digits and `_` (at most 41), starting with a letter or `_`',
    });
  }
  return {
    migrations: `${prefix}migrations`,
    state: `${prefix}state`,
    scopes: `${prefix}scopes`,
    assignments: `${prefix}assignments`,
    grants: `${prefix}grants`,
    apiKeys: `${prefix}api_keys`,
    roles: `${prefix}roles`,
    changes: `${prefix}changes`,
    channel: `${prefix}changes`,
  };
}

/**
 * The migrations, in order (migration N is `[N - 1]`); never edit one that has shipped, add the
 * next. Items are kept as their directory-format JSON (`doc`, type json: stored as text, so
 * loading aggregates it without re-serializing, unlike jsonb), with the columns queries filter
 * on beside it; `position` keeps directory order across reloads (a redefined role keeps its row).
 */
export function migrations(t: Tables): string[] {
  return [
    `CREATE TABLE ${t.state} (
       singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
       version bigint NOT NULL
     );
     INSERT INTO ${t.state} (version) VALUES (0);
     CREATE TABLE ${t.scopes} (
       position bigserial,
       id text PRIMARY KEY,
       doc json NOT NULL
     );
     CREATE TABLE ${t.assignments} (
       position bigserial,
       id text PRIMARY KEY,
       subject text NOT NULL,
       role text NOT NULL,
       scope text NOT NULL,
       doc json NOT NULL
     );
     CREATE INDEX ${t.assignments}_subject ON ${t.assignments} (subject);
     CREATE TABLE ${t.grants} (
       position bigserial,
       id text PRIMARY KEY,
       subject text NOT NULL,
       scope text NOT NULL,
       doc json NOT NULL
     );
     CREATE TABLE ${t.apiKeys} (
       position bigserial,
       id text PRIMARY KEY,
       owner text NOT NULL,
       scope text NOT NULL,
       doc json NOT NULL
     );
     CREATE TABLE ${t.changes} (
       version bigint PRIMARY KEY,
       at timestamptz NOT NULL DEFAULT now(),
       actor text,
       subject text,
       scope text,
       change jsonb NOT NULL,
       diff jsonb NOT NULL
     );
     CREATE INDEX ${t.changes}_subject ON ${t.changes} (subject, version);
     CREATE INDEX ${t.changes}_scope ON ${t.changes} (scope, version);`,
    // 2: custom roles (issue #21), and the index a role's holders are found by.
    `CREATE TABLE ${t.roles} (
       position bigserial,
       id text PRIMARY KEY,
       scope text NOT NULL,
       doc json NOT NULL
     );
     CREATE INDEX ${t.assignments}_role ON ${t.assignments} (role);`,
    // 3: loading reads each list in position order through these, instead of sorting it.
    [t.scopes, t.assignments, t.grants, t.apiKeys, t.roles].map((x) => `CREATE INDEX ${x}_position ON ${x} (position)`).join(';\n'),
  ];
}

/** Applies the migrations this database lacks. */
export async function migrate(sql: Sql, t: Tables): Promise<void> {
  await sql.query(`CREATE TABLE IF NOT EXISTS ${t.migrations} (
    version integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const all = migrations(t);
  for (let v = 1; v <= all.length; v++) {
    await sql.transaction(async (tx) => {
      // One migrator at a time per prefix; the others wait, then see it applied.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [t.migrations]);
      const done = await tx.query(`SELECT 1 FROM ${t.migrations} WHERE version = $1`, [v]);
      if (done.rows.length > 0) return;
      for (const statement of splitStatements(all[v - 1] ?? '')) await tx.query(statement);
      await tx.query(`INSERT INTO ${t.migrations} (version) VALUES ($1)`, [v]);
    });
  }
}

/** The statements of a migration (they hold no `;` inside literals). */
function splitStatements(text: string): string[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
