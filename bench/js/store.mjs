// The directory store's figures (issue #14), against a throwaway PostgreSQL cluster
// (tests/support/postgres.mjs): loading 100k assignments from PostgreSQL into an evaluator
// (budget under 1 s; its query and its WebAssembly part apart, beside the previous load), the propagation delay between two instances (p50, p99; budget p99 under
// 100 ms on loopback), and sustained writes per second through two instances. Prints a
// Markdown section for bench/results.md (scripts/bench.sh appends it).
//
//   node bench/js/store.mjs [assignments=100000]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startPostgres } from '../../tests/support/postgres.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { Evaluator, Policy } = await import(join(repo, 'js-sdk', 'dist', 'node.mjs'));
const { open } = await import(join(repo, 'js-sdk', 'dist', 'postgres.mjs'));

const N = Number(process.argv[2] ?? 100_000);
const policy = Policy.parse(readFileSync(join(repo, 'examples', 'node-server', 'data', 'policy.yaml'), 'utf8'));
// The example directory as a document (the SDK reads YAML; its export is JSON-ready).
const base = new Evaluator(policy, readFileSync(join(repo, 'examples', 'node-server', 'data', 'directory.yaml'), 'utf8')).directory();
const roles = ['support', 'operations', 'product', 'developer', 'finance_accounting'];
const scopes = ['org', 'acme-cl', 'acme-mx'];
const big = {
  ...base,
  assignments: [
    ...base.assignments,
    ...Array.from({ length: N }, (_, i) => ({ subject: `u${i}`, role: roles[i % roles.length], scope: scopes[(i >> 3) % 3] })),
  ],
};

const ms = (t) => t.toFixed(1);
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const median = (xs) => pct(xs, 50);
const log = (s) => process.stderr.write(`store bench: ${s}\n`);

const server = await startPostgres();
const pools = [];
const pool = () => {
  const p = new pg.Pool({ connectionString: server.url, max: 8 });
  pools.push(p);
  return p;
};
const out = [];
try {
  // 1. Import once, then load into fresh instances. A load is one query (PostgreSQL writes the
  // directory text) and then the evaluator built from that text in WebAssembly: the pool's
  // `query` is timed to split the two. Alternating with each load, the previous load (before
  // this stop: `json_agg(doc ORDER BY position)`, which sorts the documents, in a REPEATABLE READ
  // transaction), timed the same way, for the ratio on the same machine at the same moment.
  let t = performance.now();
  const writer = await open({ policy, client: pool(), seed: big, pollMs: 0 });
  const importMs = performance.now() - t;
  log(`imported ${big.assignments.length} assignments in ${ms(importMs)} ms`);
  await writer.close();
  const timed = pool();
  const query = timed.query.bind(timed);
  let lastQueryMs = 0;
  let loadQuery = '';
  timed.query = async (...args) => {
    const start = performance.now();
    const r = await query(...args);
    if (String(args[0]).startsWith('SELECT (SELECT version')) {
      lastQueryMs = performance.now() - start;
      loadQuery = String(args[0]);
    }
    return r;
  };
  const reader = await open({ policy, client: timed, pollMs: 0 });
  const list = (table) => `(SELECT coalesce(json_agg(doc ORDER BY position), '[]'::json) FROM ${table})`;
  const previous = `SELECT json_build_object('scopes', ${list('rolecall_scopes')}, 'assignments', ${list('rolecall_assignments')},
    'grants', ${list('rolecall_grants')}, 'api_keys', ${list('rolecall_api_keys')}, 'roles', ${list('rolecall_roles')})::text AS doc`;
  const now = { total: [], sql: [], js: [] };
  const before = { total: [], sql: [], js: [] };
  let textBytes = 0;
  // The first load of a process is slower (WebAssembly tiering up): one uncounted.
  t = performance.now();
  await reader.reload();
  const firstMs = performance.now() - t;
  for (let i = 0; i < 7; i++) {
    t = performance.now();
    await reader.reload();
    const total = performance.now() - t;
    now.total.push(total);
    now.sql.push(lastQueryMs);
    now.js.push(total - lastQueryMs);
    const c = await timed.connect();
    try {
      t = performance.now();
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const { rows } = await c.query(previous);
      await c.query('COMMIT');
      const sqlMs = performance.now() - t;
      textBytes = rows[0].doc.length;
      const e = new Evaluator(policy, rows[0].doc);
      // As `reload` does, which frees the evaluator it replaces.
      e.free();
      const totalMs = performance.now() - t;
      before.total.push(totalMs);
      before.sql.push(sqlMs);
      before.js.push(totalMs - sqlMs);
    } finally {
      c.release();
    }
  }
  await reader.close();
  // The server's part alone (EXPLAIN ANALYZE: no transfer), and moving that many bytes alone.
  const server = async (q) => {
    const { rows } = await timed.query(`EXPLAIN (ANALYZE, TIMING OFF) ${q}`);
    return Number(/Execution Time: ([\d.]+)/.exec(rows.at(-1)['QUERY PLAN'])?.[1]);
  };
  const onServer = { now: [], before: [], bytes: [] };
  for (let i = 0; i < 7; i++) {
    onServer.now.push(await server(loadQuery));
    onServer.before.push(await server(previous));
    t = performance.now();
    await timed.query(`SELECT repeat('x', $1) AS doc`, [textBytes]);
    onServer.bytes.push(performance.now() - t);
  }
  const storedBytes = (await timed.query(`SELECT sum(length(doc::text))::int AS n FROM rolecall_assignments`)).rows[0].n;
  log(`load: ${now.total.map(ms).join(', ')} ms (query ${now.sql.map(ms).join(', ')})`);
  log(`previous load: ${before.total.map(ms).join(', ')} ms (query ${before.sql.map(ms).join(', ')})`);
  // 2. Propagation: 300 sequential writes on one instance, seen by the other.
  const seen = new Map();
  const a = await open({ policy, client: pool() });
  const b = await open({ policy, client: pool(), onChange: (v) => seen.set(v, performance.now()) });
  const delays = [];
  for (let i = 0; i < 300; i++) {
    const sent = new Map();
    const r = await a.apply({ kind: 'assignment', add: { subject: `p${i}`, role: 'support', scope: 'acme-cl' } }, { actor: 'bench' });
    const committed = performance.now();
    sent.set(r.version, committed);
    while (!seen.has(r.version)) await new Promise((res) => setImmediate(res));
    delays.push(Math.max(0, seen.get(r.version) - committed));
  }
  log(`propagation p50 ${ms(median(delays))} ms, p99 ${ms(pct(delays, 99))} ms`);

  // 3. Sustained writes: 4 writers on each instance for 5 s (add, then remove by id).
  const until = performance.now() + 5000;
  let writes = 0;
  const worker = async (store, w) => {
    for (let i = 0; performance.now() < until; i++) {
      const r = await store.apply({ kind: 'assignment', add: { subject: `w${w}_${i}`, role: 'product', scope: 'acme-mx' } });
      await store.apply({ kind: 'assignment', remove: r.id });
      writes += 2;
    }
  };
  t = performance.now();
  await Promise.all([0, 1, 2, 3].flatMap((w) => [worker(a, w), worker(b, w + 4)]));
  const perS = writes / ((performance.now() - t) / 1000);
  log(`${writes} writes, ${perS.toFixed(0)}/s`);
  await a.close();
  await b.close();

  out.push(
    '## Directory store (issue #14: `rolecall/postgres`, `node bench/js/store.mjs`)',
    '',
    `A throwaway PostgreSQL cluster on loopback (tests/support/postgres.mjs, fsync off), the example server's`,
    `policy, ${big.assignments.length} assignments (each with its stored id; ${(storedBytes / 1e6).toFixed(1)} MB of stored assignment JSON, the previous`,
    `load's text ${(textBytes / 1e6).toFixed(1)} MB with json_agg's separators). Two store instances are two pools in one`,
    `Node process. Load average (1, 5, 15 min) at the end: ${loadavg().map((x) => x.toFixed(2)).join(', ')} (a shared machine).`,
    '',
    '| measure | figure | budget |',
    '| --- | --- | --- |',
    `| load ${big.assignments.length} assignments from PostgreSQL into an evaluator (\`reload\`), median of 7 | ${ms(median(now.total))} ms (min ${ms(Math.min(...now.total))}) | < 1000 ms |`,
    `| of which the one query (PostgreSQL writes the directory text: \`string_agg\` in position order) | ${ms(median(now.sql))} ms | |`,
    `| of which the evaluator built from that text (WebAssembly; and the one it replaces freed) | ${ms(median(now.js))} ms | |`,
    `| the load's query on the server alone (\`EXPLAIN ANALYZE\`), median of 7 | ${ms(median(onServer.now))} ms | |`,
    `| the previous load's query on the server alone | ${ms(median(onServer.before))} ms | |`,
    `| moving as many bytes alone (\`SELECT repeat('x', n)\`), median of 7 | ${ms(median(onServer.bytes))} ms | |`,
    `| the first load of the process (not counted above) | ${ms(firstMs)} ms | |`,
    `| the previous load, alternating with it: total | ${ms(median(before.total))} ms | |`,
    `| of which its query (\`json_agg(doc ORDER BY position)\` in a REPEATABLE READ transaction) | ${ms(median(before.sql))} ms | |`,
    `| of which the evaluator built from its text (and freed) | ${ms(median(before.js))} ms | |`,
    `| import the same document (\`import\`, one transaction) | ${ms(importMs)} ms | |`,
    `| propagation delay, commit on one instance to applied on the other (300 writes): p50 | ${ms(median(delays))} ms | |`,
    `| propagation delay: p99 | ${ms(pct(delays, 99))} ms | < 100 ms |`,
    `| sustained writes, 4 writers on each of two instances, 5 s | ${perS.toFixed(0)} writes/s | |`,
    '',
  );
} finally {
  for (const p of pools) await p.end().catch(() => undefined);
  await server.stop();
}
console.log(out.join('\n'));
