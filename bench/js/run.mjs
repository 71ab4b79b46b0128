// The JS benchmark's driver: runs every contender in every mode, each in its own process
// (lib/harness.mjs), measures bundle sizes, and writes ../results.md (and prints it).
//
//   node run.mjs            (after: cargo run --release -p rolecall-bench --bin workload -- bench/out)
//
// Env: BENCH_OUT (workload folder, default ../out), BENCH_RUNS (timed passes over all queries,
// default 5), BENCH_BUDGET_S (a slow contender stops after the passes that fit, default 20),
// BENCH_COLD_RUNS (cold-start-only processes per contender, default 5), BENCH_PROCESSES
// (processes per fast contender and mode, the median one reported; default 3), BENCH_ONLY (comma-
// separated contender names, for a quick look). It never fails on a number: it measures. It
// exits 1 only when a contender crashed, after writing what it has.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSize } from './lib/bundle.mjs';
import { loadQueries, readWorkload } from './lib/workload.mjs';
import { contenders, sdkDist } from './lib/contenders.mjs';
import { report } from './lib/report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.env.BENCH_OUT ?? join(here, '..', 'out');
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 5);
// Processes per fast contender and mode (a pass over all queries under FAST_PASS_S seconds).
const processes = Number(process.env.BENCH_PROCESSES ?? 3);
const FAST_PASS_S = 1;
const only = process.env.BENCH_ONLY?.split(',');
const say = (s) => process.stderr.write(`bench: ${s}\n`);

if (!existsSync(join(out, 'expected.json'))) {
  say(`no workload in ${out}: run cargo run --release -p rolecall-bench --bin workload -- bench/out`);
  process.exit(1);
}
loadQueries(out); // converts queries.json once, before any contender runs
const { directoryText, policyText } = readWorkload(out);
const first0 = JSON.parse(directoryText).assignments[0];
const firstQuery = [first0.subject, Object.keys(JSON.parse(policyText).actions)[0], first0.scope];

const results = [];
let crashed = false;
// Fast pairs (a pass over all queries under FAST_PASS_S) run in more processes, the process with
// the median rate reported: the JIT does not optimize every process alike. Their later processes
// run in rounds, one process of every fast pair per round, so a slow spell of this shared machine
// falls on every contender alike instead of on whichever ran during it.
const fast = [];
for (const c of contenders.filter((c) => !only || only.includes(c.name))) {
  if (c.name === 'rolecall' && !existsSync(join(sdkDist, 'node.mjs'))) {
    say(`rolecall SKIPPED: the JS SDK is not built (${sdkDist} is missing; build js-sdk first)`);
    results.push({ contender: c, skipped: 'the JS SDK is not built (js-sdk/dist missing)' });
    continue;
  }
  const cold = [];
  for (let i = 0; i < coldRuns; i++) {
    const r = child(c.name, c.modes[0].mode, { BENCH_RUNS: '0' });
    if (r.error) break;
    cold.push(r.data);
  }
  const bundle = await bundleSize(c.bundle, c.wasm ?? []).catch((e) => ({ error: e.message }));
  for (const m of c.modes) {
    say(`${c.label} ${m.label}...`);
    const r = child(c.name, m.mode, {});
    const entry = { contender: c, mode: m, ...r, cold, bundle };
    results.push(entry);
    if (r.data && r.data.queries / r.data.perSecond < FAST_PASS_S) fast.push({ entry, all: [r] });
    if (r.error) crashed = true;
    if (r.data) say(`  ${fmtRate(r.data.perSecond)}/s, ${r.data.mismatches} mismatches, ${r.data.runs} timed passes`);
    else say(`  FAILED: ${r.error}`);
  }
}
for (let round = 1; round < processes; round++) {
  say(`round ${round + 1} of ${processes}: one more process of each fast contender and mode`);
  for (const f of fast) f.all.push(child(f.entry.contender.name, f.entry.mode.mode, {}));
}
for (const { entry, all } of fast) {
  const ok = all.filter((x) => x.data).sort((a, b) => a.data.perSecond - b.data.perSecond);
  const failed = all.find((x) => x.error);
  if (failed) crashed = true;
  // The first process's result is replaced whole: a crash in a later round leaves no rate.
  Object.assign(entry, { data: undefined, error: undefined }, failed ?? ok[ok.length >> 1]);
  entry.processes = ok.map((x) => x.data.perSecond);
}

// Scale: the workload's directory five times over (users renamed), 100k assignments, loaded
// cold through the SDK in fresh processes; the median of three.
let scale;
if (!only || only.includes('rolecall')) {
  const d = JSON.parse(directoryText);
  const big = { ...d, assignments: [] };
  for (let k = 0; big.assignments.length < 100_000; k++) {
    for (const a of d.assignments) big.assignments.push({ ...a, subject: `${a.subject}_${k}` });
  }
  const file = join(out, 'directory-100k.json');
  writeFileSync(file, JSON.stringify(big));
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const p = spawnSync(process.execPath, [join(here, 'lib', 'load.mjs'), join(out, 'policy.json'), file], { encoding: 'utf8' });
    if (p.status === 0) runs.push(JSON.parse(p.stdout.trim().split('\n').pop()));
    else say(`large directory load FAILED: ${p.stderr}`);
  }
  if (runs.length) scale = { assignments: runs[0].assignments, bytes: runs[0].bytes, ms: runs.map((r) => r.ms).sort((a, b) => a - b)[runs.length >> 1] };
  if (scale) say(`100k-assignment directory in WASM: ${scale.ms.toFixed(0)} ms`);
}

// Cold start in parts (issue #4: import, instantiate, load the payments dashboard policy), each
// kind in fresh processes, the median of eleven: the .wasm's compile alone, and the import with
// the payments policy's first and second parse, as JSON and as YAML.
let coldParts;
if (!only || only.includes('rolecall')) {
  const payments = join(here, '..', '..', 'examples', 'policies', 'payments');
  const medians = (args) => {
    const runs = [];
    for (let i = 0; i < 11; i++) {
      const p = spawnSync(process.execPath, [join(here, 'lib', 'cold.mjs'), ...args], { encoding: 'utf8' });
      if (p.status === 0) runs.push(JSON.parse(p.stdout.trim().split('\n').pop()));
      else say(`cold start (${args.join(' ')}) FAILED: ${p.stderr}`);
    }
    if (!runs.length) return undefined;
    const med = (k) => runs.map((r) => r[k]).sort((x, y) => x - y)[runs.length >> 1];
    return Object.fromEntries(Object.keys(runs[0]).map((k) => [k, med(k)]));
  };
  coldParts = {
    module: medians(['module']),
    json: medians(['policy', join(payments, 'policy.json')]),
    yaml: medians(['policy', join(payments, 'policy.yaml')]),
  };
  say(`cold start parts: ${JSON.stringify(coldParts)}`);
}

const md = report(results, { out, here, scale, coldParts });
writeFileSync(join(here, '..', 'results.md'), md);
process.stdout.write(md);
process.exit(crashed ? 1 : 0);

/** One harness process; its last stdout line is its JSON result. */
function child(name, mode, env) {
  const p = spawnSync(process.execPath, ['--expose-gc', join(here, 'lib', 'harness.mjs'), name, mode, out, ...firstQuery], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    timeout: 30 * 60 * 1000,
  });
  const last = p.stdout?.trim().split('\n').pop();
  if (p.status !== 0 || !last) {
    const why = p.error?.message ?? p.stderr.trim().split('\n').slice(0, 4).join(' / ');
    return { error: `exit ${p.status ?? p.signal}: ${why}` };
  }
  return { data: JSON.parse(last) };
}

function fmtRate(x) {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`;
}

