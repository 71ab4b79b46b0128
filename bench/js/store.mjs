// The directory store's figures (issue #14), against a throwaway PostgreSQL cluster
// (tests/support/postgres.mjs): loading 100k assignments from PostgreSQL into an evaluator
// (budget under 1 s), the propagation delay between two instances (p50, p99; budget p99 under
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
  // 1. Import once, then load into fresh instances.
  let t = performance.now();
  const writer = await open({ policy, client: pool(), seed: big, pollMs: 0 });
  const importMs = performance.now() - t;
  log(`imported ${big.assignments.length} assignments in ${ms(importMs)} ms`);
  const loads = [];
  for (let i = 0; i < 5; i++) {
    const s = await open({ policy, client: pool(), pollMs: 0 });
    t = performance.now();
    await s.reload();
    loads.push(performance.now() - t);
    await s.close();
  }
  log(`load: ${loads.map(ms).join(', ')} ms`);
  // Of which the database's part: the one query a load makes (every list as JSON text).
  const reads = [];
  const list = (t) => `(SELECT coalesce(json_agg(doc ORDER BY position), '[]'::json) FROM ${t})`;
  const probe = pool();
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    await probe.query(`SELECT json_build_object('scopes', ${list('rolecall_scopes')}, 'assignments', ${list('rolecall_assignments')}, 'grants', ${list('rolecall_grants')}, 'api_keys', ${list('rolecall_api_keys')})::text AS doc`);
    reads.push(performance.now() - t);
  }
  log(`of which SQL: ${reads.map(ms).join(', ')} ms`);
  await writer.close();

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
    `policy, ${big.assignments.length} assignments (each with its stored id). Two store instances are two pools in one`,
    `Node process. Load average (1, 5, 15 min) at the end: ${loadavg().map((x) => x.toFixed(2)).join(', ')} (a shared machine).`,
    '',
    '| measure | figure | budget |',
    '| --- | --- | --- |',
    `| load ${big.assignments.length} assignments from PostgreSQL into an evaluator (\`reload\`), median of 5 | ${ms(median(loads))} ms (min ${ms(Math.min(...loads))}) | < 1000 ms |`,
    `| of which the database's part: the one query of a load (every list as JSON text), median of 5 | ${ms(median(reads))} ms | |`,
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
