// rolecall/filter's SQL against real databases (issue 15): on a throwaway PostgreSQL (the cluster
// of tests/support/postgres.mjs) and on PGlite, `toSql` and `kyselyWhere` return exactly the rows
// whose check allows, for every example user and list action of the example server, for every
// example policy with random rows, and for the native generator's random policies
// (target/parity/vectors.json); with scope ids listed and through a closure table of the tree.
// The CLI's `rolecall filter --sql` writes the same text as `toSql`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import pg from 'pg';
import { Evaluator, Policy } from 'rolecall';
import { kyselyWhere, toSql } from 'rolecall/filter';
import { startPostgres } from '../support/postgres.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = join(repo, 'examples', 'policies');
const read = (...p) => readFileSync(join(...p), 'utf8');
const now = '2026-01-01T00:00:00Z';

// Kysely compiles to PostgreSQL here and the text runs on both databases (no Kysely driver).
const kysely = new Kysely({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

let server;
let client;
let lite;
/** Both databases, as `query(text, values) -> rows`. */
const dbs = [];

before(async () => {
  server = await startPostgres();
  client = new pg.Client({ connectionString: server.url });
  await client.connect();
  lite = new PGlite();
  dbs.push({ name: 'postgresql', query: async (t, v) => (await client.query(t, v)).rows });
  dbs.push({ name: 'pglite', query: async (t, v) => (await lite.query(t, v)).rows });
});

after(async () => {
  await client?.end();
  await lite?.close();
  await server?.stop();
});

/** The table `items` (id, scope_id, a column per dimension and per attribute) and the closure table `tree`. */
async function load(db, rows, dimensions, attributes, scopes) {
  const cols = [...dimensions.map((d) => `, "dim_${d}" text`), ...attributes.map((a) => `, "attr_${a}" text`)].join('');
  await db.query('DROP TABLE IF EXISTS items');
  await db.query('DROP TABLE IF EXISTS tree');
  await db.query(`CREATE TABLE items (id integer PRIMARY KEY, scope_id text NOT NULL${cols})`);
  await db.query('CREATE TABLE tree (ancestor text NOT NULL, descendant text NOT NULL)');
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const names = ['id', 'scope_id', ...dimensions.map((d) => `"dim_${d}"`), ...attributes.map((a) => `"attr_${a}"`)];
    const values = [];
    const tuples = chunk.map((r, j) => {
      const vals = [i + j, r.scope, ...dimensions.map((d) => r.context[d] ?? null), ...attributes.map((a) => r.resource[a] ?? null)];
      values.push(...vals);
      return `(${vals.map((_, k) => `$${values.length - vals.length + k + 1}`).join(', ')})`;
    });
    await db.query(`INSERT INTO items (${names.join(', ')}) VALUES ${tuples.join(', ')}`, values);
  }
  const parent = new Map(scopes.map((s) => [s.id, s.parent]));
  const pairs = [];
  for (const s of scopes) for (let a = s.id; a !== undefined; a = parent.get(a)) pairs.push([a, s.id]);
  for (let i = 0; i < pairs.length; i += 200) {
    const chunk = pairs.slice(i, i + 200);
    await db.query(`INSERT INTO tree VALUES ${chunk.map((_, j) => `($${2 * j + 1}, $${2 * j + 2})`).join(', ')}`, chunk.flat());
  }
}

/** Random rows: every scope, each dimension absent, `*`, unlisted or listed, and each attribute. */
function randomRows(doc, dimensions, attributes, subjects, n, seed) {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const values = {};
  for (const d of dimensions) {
    const listed = [...doc.assignments, ...doc.grants].flatMap((x) => [x.context?.[d] ?? []].flat());
    values[d] = [undefined, '*', 'unlisted', ...new Set(listed)];
  }
  return Array.from({ length: n }, () => {
    const context = {};
    for (const d of dimensions) {
      const v = pick(values[d]);
      if (v !== undefined) context[d] = v;
    }
    const resource = {};
    for (const at of attributes) {
      const who = pick([undefined, 'someone_else', ...subjects]);
      if (who !== undefined) resource[at] = who;
    }
    return { scope: pick(doc.scopes).id, context, resource };
  });
}

/**
 * For every subject and action: each database's answer for `toSql` (ids listed, and through the
 * closure table) and for `kyselyWhere` is exactly the rows whose check allows. One query per
 * subject holds every action's conditions as columns (`offset` numbers their parameters), so the
 * test costs one round trip per subject, not per plan.
 */
async function agree(what, ev, rows, dimensions, attributes, subjects, actions) {
  const doc = ev.directory();
  const columns = {
    scope: 'items.scope_id',
    context: Object.fromEntries(dimensions.map((d) => [d, `dim_${d}`])),
    resource: Object.fromEntries(attributes.map((a) => [a, `attr_${a}`])),
  };
  const tree = { ...columns, scope_tree: { table: 'tree', ancestor: 'ancestor', descendant: 'descendant' } };
  const variants = [columns, tree];
  let n = 0;
  for (const db of dbs) {
    await load(db, rows, dimensions, attributes, doc.scopes);
    for (const s of subjects) {
      const plans = actions.map((action) => ev.filter(s, action, { now }));
      const expected = actions.map((action) => rows.map((r) => allows(ev, s, action, r)));
      const conds = [];
      const values = [];
      for (const plan of plans) {
        for (const c of variants) {
          const sql = toSql(plan, { ...c, offset: values.length });
          conds.push(sql.text);
          values.push(...sql.values);
        }
      }
      const got = await db.query(`SELECT id, ${conds.map((c, i) => `${c} AS c${i}`).join(', ')} FROM items ORDER BY id`, values);
      const k = kysely
        .selectFrom('items')
        .select('id')
        .select((eb) => plans.flatMap((plan, i) => variants.map((c, j) => kyselyWhere(plan, c)(eb).as(`k${2 * i + j}`))))
        .orderBy('id')
        .compile();
      const viaKysely = await db.query(k.sql, k.parameters);
      actions.forEach((action, i) => {
        variants.forEach((c, j) => {
          const col = 2 * i + j;
          const v = c.scope_tree ? ' (tree)' : '';
          assert.deepEqual(got.map((r) => r[`c${col}`] === true), expected[i], `${what} ${db.name}: ${s} ${action}${v}: ${conds[col]}`);
          assert.deepEqual(viaKysely.map((r) => r[`k${col}`] === true), expected[i], `${what} ${db.name} (kysely): ${s} ${action}${v}`);
          n++;
        });
      });
    }
  }
  return n;
}

/** Whether a row's check allows: a missing attribute the action needs denies. */
function allows(ev, subject, action, row) {
  try {
    return ev.can(subject, action, row.scope, { context: row.context, resource: row.resource, now });
  } catch (e) {
    if (e.code === 'missing_resource_attribute') return false;
    throw e;
  }
}

const attributesOf = (policy) => [...new Set(policy.reference().actions.flatMap((a) => (a.distinct_from ? [a.distinct_from] : [])))];

const subjectsOf = (doc) => [
  ...new Set([...doc.assignments, ...doc.grants].map((a) => a.subject).concat(doc.api_keys.flatMap((k) => [k.id, k.owner]))),
  'nobody',
];
const dimensionsOf = (doc) => [...new Set([...doc.assignments, ...doc.grants].flatMap((a) => Object.keys(a.context ?? {})))];

test('the example server: every user and list action, over its own data', async () => {
  const { seedData, demoUsers, tenants } = await import('../../examples/node-server/src/demo.js');
  const dataDir = join(repo, 'examples', 'node-server', 'data');
  const ev = new Evaluator(Policy.parse(read(dataDir, 'policy.yaml')), read(dataDir, 'directory.yaml'));
  const data = seedData();
  const lists = {
    'payment_intents.view_export': [...data.payments, ...data.refunds],
    'transfers.view_section': data.transfers,
    'webhooks.view_section': data.webhooks,
    'links.view_section': data.links,
    'api_keys.view_section': data.apiKeys,
  };
  const users = [...demoUsers.map((u) => u.id), 'key_ci', 'nobody'];
  let n = 0;
  for (const [action, items] of Object.entries(lists)) {
    const rows = items.map((x) => ({
      scope: x.scope,
      context: { country: x.country ?? tenants[x.scope]?.country },
      resource: x.created_by === undefined ? {} : { created_by: x.created_by },
    }));
    for (const r of rows) if (r.context.country === undefined) delete r.context.country;
    n += await agree(`node-server ${action}`, ev, rows, ['country'], attributesOf(ev.policy), users, [action]);
  }
  // The issue's acceptance: at the group level Carla sees the three Chilean payments, Sam the two
  // Mexican, Fiona all five.
  const rows = data.payments.map((p) => ({ scope: p.scope, context: { country: p.country }, resource: {} }));
  await load(dbs[0], rows, ['country'], [], ev.directory().scopes);
  for (const [user, ids] of [['carla', [0, 1, 2]], ['sam', [3, 4]], ['fiona', [0, 1, 2, 3, 4]], ['nobody', []]]) {
    const sql = toSql(ev.filter(user, 'payment_intents.view_export', { now }), { scope: 'scope_id', context: { country: 'dim_country' } });
    const got = (await dbs[0].query(`SELECT id FROM items WHERE ${sql.text} ORDER BY id`, sql.values)).map((r) => r.id);
    assert.deepEqual(got, ids, user);
  }
  assert.ok(n > 100, `only ${n} queries`);
  ev.free();
});

test('every example policy, with random rows', async () => {
  const dirs = readdirSync(examples).filter((d) => existsSync(join(examples, d, 'directory.yaml')));
  let n = 0;
  for (const dir of dirs) {
    const policy = Policy.parse(read(examples, dir, 'policy.yaml'));
    const ev = new Evaluator(policy, read(examples, dir, 'directory.yaml'));
    const doc = ev.directory();
    const dimensions = dimensionsOf(doc);
    const subjects = subjectsOf(doc);
    const actions = policy.reference().actions.map((a) => a.name);
    const attributes = attributesOf(policy);
    const rows = randomRows(doc, dimensions, attributes, subjects, 120, dir.length * 7919);
    n += await agree(dir, ev, rows, dimensions, attributes, subjects, actions);
    ev.free();
  }
  assert.ok(n > 500, `only ${n} queries`);
});

test("the native generator's random policies and directories, with random rows", async () => {
  const vectors = join(process.env.ROLECALL_PARITY_DIR ?? join(repo, 'target', 'parity'), 'vectors.json');
  assert.ok(existsSync(vectors), `${vectors} is missing: make js-fixtures`);
  const { cases } = JSON.parse(readFileSync(vectors, 'utf8'));
  let n = 0;
  for (const c of cases.slice(0, 12)) {
    const policy = Policy.parse(c.policy);
    const ev = new Evaluator(policy, c.directory);
    const doc = ev.directory();
    const dimensions = dimensionsOf(doc);
    const subjects = subjectsOf(doc);
    const actions = policy.reference().actions.map((a) => a.name);
    const attributes = attributesOf(policy);
    const rows = randomRows(doc, dimensions, attributes, subjects, 60, Number(c.seed) + 1);
    n += await agree(`seed ${c.seed}`, ev, rows, dimensions, attributes, subjects, actions);
    ev.free();
  }
  assert.ok(n > 200, `only ${n} queries`);
});

test('rolecall filter --sql writes the text and values toSql writes', () => {
  const dir = join(examples, 'payments');
  const ev = new Evaluator(Policy.parse(read(dir, 'policy.yaml')), read(dir, 'directory.yaml'));
  const columns = { scope: 'p.scope_id', context: { country: 'country' }, resource: { created_by: 'created_by' }, offset: 2 };
  for (const [subject, action] of [['carla', 'refunds.create'], ['sam', 'refunds.create'], ['pedro', 'transfers.approve'], ['ada', 'refunds.create'], ['nobody', 'refunds.create']]) {
    const args = ['filter', join(dir, 'policy.yaml'), '-d', join(dir, 'directory.yaml'),
      '-s', subject, '-a', action, '--now', now, '--sql', '--columns', JSON.stringify(columns), '--json'];
    // The CLI make test built (ROLECALL_BIN), else cargo builds it here.
    const [cmd, argv] = process.env.ROLECALL_BIN ? [process.env.ROLECALL_BIN, args] : ['cargo', ['run', '-q', '-p', 'rolecall-cli', '--', ...args]];
    const out = execFileSync(cmd, argv, { cwd: repo, encoding: 'utf8' });
    const { plan, sql } = JSON.parse(out);
    assert.deepEqual(plan, ev.filter(subject, action, { now }), `${subject} ${action}`);
    assert.deepEqual(sql, toSql(plan, columns), `${subject} ${action}`);
  }
  ev.free();
});
