// Appends "Prepared snapshots" to ../results.md (issue #17): what the server pays to prepare a
// subject's decisions (`evaluator.snapshot(subject, { decisions: true })`) against a plain
// snapshot, and what the page downloads, over the payments policy and a tree of one
// organization with N subtenants, for three subjects: one at a single subtenant (sam), an
// administrator at the root (ada), and an operator at the root limited to three countries
// (carla: 6 context classes). Median of BENCH_RUNS (default 15) calls each, in one Node process
// (the full build), after a warm-up call.
//
//   node prepared.mjs           (needs js-sdk/dist)
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { sdkDist } from './lib/contenders.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const results = join(repo, 'bench', 'results.md');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const sdk = await import(new URL('node.mjs', `file://${sdkDist}/`).href);
const policy = sdk.Policy.parse(readFileSync(join(repo, 'examples', 'policies', 'payments', 'policy.yaml'), 'utf8'));

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
function time(f) {
  f();
  const ts = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    out = f();
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), out };
}
const kb = (s) => `${(s.length / 1024).toFixed(1)} KB (${(gzipSync(s, { level: 9 }).length / 1024).toFixed(1)} KB gz)`;

const rows = [];
for (const n of [10, 1000, 10000]) {
  const scopes = [{ id: 'org', kind: 'tenant' }];
  for (let i = 0; i < n; i++) scopes.push({ id: `sub-${i}`, parent: 'org', kind: 'subtenant' });
  const assignments = [
    { subject: 'ada', role: 'administrator', scope: 'org' },
    { subject: 'carla', role: 'operations', scope: 'org', context: { country: ['CL', 'MX', 'AR'] } },
    { subject: 'sam', role: 'support', scope: 'sub-7' },
  ];
  const ev = new sdk.Evaluator(policy, { scopes, assignments });
  for (const subject of ['sam', 'ada', 'carla']) {
    const plain = time(() => JSON.stringify(ev.snapshot(subject)));
    const prepared = time(() => JSON.stringify(ev.snapshot(subject, { decisions: true })));
    const d = JSON.parse(prepared.out).decisions;
    if (!d.complete) throw new Error(`${subject} at ${n} subtenants: partial`);
    rows.push(
      `| ${n.toLocaleString('en-US')} | ${subject} | ${plain.ms.toFixed(2)} ms | ${prepared.ms.toFixed(2)} ms | ${kb(plain.out)} | ${kb(prepared.out)} | ${d.targets.length} x ${d.classes.reduce((c, [, v]) => c * (v.length + 3), 1)} classes, ${d.table.length} decisions, ${d.rows.length} rows |`,
    );
  }
  ev.free();
}

const md = [
  '',
  '## Prepared snapshots (issue #17: `node bench/js/prepared.mjs`)',
  '',
  `What a server pays per subject for \`snapshot(subject, { decisions: true })\` (the page then decides with \`rolecall/decisions\`,`,
  `no WebAssembly) against a plain snapshot, through the SDK in Node; median of ${runs} calls, the JSON text included.`,
  'The decisions are asked once per kind of scope (the scopes the same sources and forbid rules cover), so a',
  "subject's cost follows its context classes and kinds of scope, not the tree's size; the page's download follows the scopes it reaches.",
  '',
  '| subtenants | subject | plain snapshot | prepared | plain size | prepared size | prepared |',
  '| ---: | --- | ---: | ---: | ---: | ---: | --- |',
  ...rows,
  '',
].join('\n');
appendFileSync(results, md);
process.stdout.write(md);
