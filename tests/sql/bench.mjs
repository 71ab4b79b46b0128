// The benchmark of issue 15, printed as a Markdown section for bench/results.md (scripts/bench.sh
// appends it): building a plan from JavaScript for a subject whose sources reach 10 and 1,000
// scopes, and a page of a 100,000-row list on a throwaway PostgreSQL filtered by the plan's SQL,
// against fetching every row and checking each. It measures; it never fails on a number.
//
//   node tests/sql/bench.mjs > section.md
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Evaluator, Policy } from 'rolecall';
import { toSql } from 'rolecall/filter';
import { startPostgres } from '../support/postgres.mjs';

const POLICY = `
rolecall: 1
dimensions: [country]
resources: { payments: {} }
actions: { payments.view: { requires: payments:view } }
roles: { viewer: { grants: { payments: [view] } } }
`;

/**
 * org, a region under it with `n` subtenants: `wide` views Chile's payments in the region (one
 * source, `n + 1` scopes listed), `every` views each subtenant (`n` sources), `tenth` one in ten.
 */
function directory(n) {
  const lines = ['scopes:', '  - { id: org }', '  - { id: region, parent: org }'];
  for (let i = 0; i < n; i++) lines.push(`  - { id: t${i}, parent: region }`);
  lines.push('assignments:', '  - { subject: wide, role: viewer, scope: region, context: { country: CL } }');
  for (let i = 0; i < n; i++) lines.push(`  - { subject: every, role: viewer, scope: t${i} }`);
  for (let i = 0; i < n; i += 10) lines.push(`  - { subject: tenth, role: viewer, scope: t${i} }`);
  return lines.join('\n');
}

/** The median of `runs` timings of `f`, in milliseconds. */
async function median(runs, f) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const ms = (x) => (x < 0.1 ? `${(x * 1000).toFixed(1)} µs` : `${x.toFixed(2)} ms`);
const policy = Policy.parse(POLICY);
const out = ['## Lists filtered by permission (issue 15: `node tests/sql/bench.mjs`)', ''];

out.push('Building a plan from JavaScript (`evaluator.filter`, through WebAssembly, the plan parsed):', '');
out.push('| subject | reachable scopes | median per plan |', '| --- | ---: | ---: |');
for (const n of [10, 1000]) {
  const ev = new Evaluator(policy, directory(n));
  for (const [who, what] of [['wide', 'one source over a region (for Chile)'], ['every', 'one source per subtenant']]) {
    const reach = ev.filter(who, 'payments.view').any_of[0].scopes.ids.length;
    for (let i = 0; i < 200; i++) ev.filter(who, 'payments.view');
    const t = await median(2000, () => ev.filter(who, 'payments.view'));
    out.push(`| ${what} | ${reach} | ${ms(t)} |`);
  }
  ev.free();
}

const ROWS = 100_000;
const N = 1000;
const server = await startPostgres();
const client = new pg.Client({ connectionString: server.url });
await client.connect();
try {
  await client.query('CREATE TABLE payments (id integer PRIMARY KEY, scope_id text NOT NULL, country text, amount integer NOT NULL)');
  await client.query(
    `INSERT INTO payments SELECT i, 't' || (i % ${N}), (ARRAY['CL','MX','AR','CO'])[1 + (i / ${N}) % 4], i % 97 FROM generate_series(0, ${ROWS - 1}) AS i`,
  );
  await client.query('CREATE INDEX ON payments (scope_id)');
  await client.query('CREATE INDEX ON payments (country)');
  await client.query('ANALYZE payments');
  const ev = new Evaluator(policy, directory(N));
  out.push('', `A page of 50 from ${ROWS.toLocaleString('en')} payments over ${N.toLocaleString('en')} subtenants on PostgreSQL ${(await client.query('SHOW server_version')).rows[0].server_version} (loopback, indexes on scope and country), median of 15:`, '');
  out.push('| subject | rows allowed | plan + SQL + query (page and count) | fetch all, check each in JS, then page |', '| --- | ---: | ---: | ---: |');
  const columns = { scope: 'scope_id', context: { country: 'country' } };
  for (const [who, what] of [['wide', 'Chile, in the region'], ['tenth', 'one subtenant in ten']]) {
    let allowed = 0;
    const filtered = await median(15, async () => {
      const sql = toSql(ev.filter(who, 'payments.view'), columns);
      const page = await client.query(`SELECT id, scope_id, country, amount FROM payments WHERE ${sql.text} ORDER BY id LIMIT 50`, sql.values);
      const count = await client.query(`SELECT count(*)::int AS n FROM payments WHERE ${sql.text}`, sql.values);
      allowed = count.rows[0].n;
      if (page.rows.length !== Math.min(50, allowed)) throw new Error('short page');
    });
    let checked = 0;
    const naive = await median(15, async () => {
      const all = await client.query('SELECT id, scope_id, country, amount FROM payments ORDER BY id');
      const ok = all.rows.filter((r) => ev.can(who, 'payments.view', r.scope_id, { context: { country: r.country } }));
      checked = ok.length;
      ok.slice(0, 50);
    });
    if (checked !== allowed) throw new Error(`${who}: SQL found ${allowed} rows, the checks ${checked}`);
    out.push(`| ${what} | ${allowed.toLocaleString('en')} | ${ms(filtered)} | ${ms(naive)} |`);
  }
  ev.free();
} finally {
  await client.end();
  await server.stop();
}
console.log(out.join('\n'));
