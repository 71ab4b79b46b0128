// Object inputs against text (issue #13): a directory of 1,000 and of 100,000 assignments, a
// live update (`addAssignment`) and a `canAssign` request, each given to the binding as the JS
// object itself (serde-wasm-bindgen, the feature `object-inputs`) and as the SDK gives it today,
// `JSON.stringify` text read by the core's JSON reader. Both arms call the same raw module, so
// the only difference is how the value crosses. Pairs alternate (object, then text), each a
// median of timed runs; prints one JSON line per pair, then the medians of the pairs.
//
// Needs a Node build with the feature (it is never shipped):
//   wasm-pack build crates/rolecall-wasm --release --target web --out-dir ../../target/object-inputs \
//     --out-name rolecall_node --no-pack -- --features object-inputs
//   node bench/js/object-inputs.mjs [target/object-inputs]
// Env: BOUNDARY_PAIRS (default 5), BOUNDARY_RUNS (timed runs per arm, default 7).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const pkg = resolve(process.argv[2] ?? join(repo, 'target', 'object-inputs'));
const wasm = await import(pathToFileURL(join(pkg, 'rolecall_node.js')).href);
wasm.initSync({ module: readFileSync(join(pkg, 'rolecall_node_bg.wasm')) });
if (typeof wasm.Evaluator.fromDirectoryObject !== 'function') {
  console.error(`object-inputs: ${pkg} was built without the feature object-inputs`);
  process.exit(1);
}

const PAIRS = Number(process.env.BOUNDARY_PAIRS ?? 5);
const RUNS = Number(process.env.BOUNDARY_RUNS ?? 7);
const policy = wasm.Policy.parse(readFileSync(join(repo, 'examples', 'policies', 'payments', 'policy.yaml'), 'utf8'));

// The payments policy's shape at scale, as bench/js/large.mjs: 1,000 subtenants, one assignment
// per subject, a seeded role and scope.
function directory(n) {
  let seed = n;
  const r = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const roles = ['operations', 'finance_accounting', 'support', 'product', 'developer'];
  const scopes = [{ id: 'org', kind: 'organization' }];
  for (let i = 0; i < 1000; i++) scopes.push({ id: `t${i}`, parent: 'org', kind: 'subtenant' });
  const assignments = [{ subject: 'olga', role: 'operations', scope: 'org' }];
  for (let i = 1; i < n; i++) {
    assignments.push({ subject: `u${i}`, role: roles[Math.floor(r() * roles.length)], scope: `t${Math.floor(r() * 1000)}` });
  }
  return { scopes, assignments, grants: [{ subject: 'olga', permission: 'users:manage', scope: 'org' }] };
}
const small = directory(1000);
const large = directory(100000);
const live = new wasm.Evaluator(policy, JSON.stringify(small));
const item = { subject: 'zoe', role: 'support', scope: 't7', context: { country: ['CL'] } };
const request = { actor: 'olga', subject: 'u2', role: 'support', scope: 't4' };

/** Median µs per call of `f` over RUNS runs of `n` calls, after one warm-up run. */
function time(n, f) {
  const runs = [];
  for (let r = 0; r <= RUNS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) f();
    if (r > 0) runs.push(Number(process.hrtime.bigint() - t0) / 1000 / n);
  }
  return median(runs);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = (ev) => ev.free();

const cases = {
  directory_1k_us: [3, () => load(wasm.Evaluator.fromDirectoryObject(policy, small)), () => load(new wasm.Evaluator(policy, JSON.stringify(small)))],
  directory_100k_us: [1, () => load(wasm.Evaluator.fromDirectoryObject(policy, large)), () => load(new wasm.Evaluator(policy, JSON.stringify(large)))],
  // Add then remove (the removal is the same in both arms), so the directory keeps its size.
  add_assignment_us: [2000, () => live.removeAssignment(live.addAssignmentObject(item)), () => live.removeAssignment(live.addAssignment(JSON.stringify(item)))],
  can_assign_us: [5000, () => live.canAssignObject(request), () => live.canAssign(JSON.stringify(request))],
};

// The two arms must agree before they are timed.
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
if (!same(live.canAssignObject(request), live.canAssign(JSON.stringify(request)))) throw new Error('canAssign: the arms disagree');
const bad = { actor: 'olga', subject: 'u2', role: 'nope', scope: 't4' };
const error = (f) => { try { f(); } catch (e) { return { code: e.code, path: e.path }; } return null; };
if (!same(error(() => live.canAssignObject(bad)), error(() => live.canAssign(JSON.stringify(bad))))) throw new Error('canAssign errors differ');

const pairs = [];
for (let p = 0; p < PAIRS; p++) {
  const pair = {};
  for (const [name, [n, asObject, asText]] of Object.entries(cases)) {
    pair[name] = { object: Number(time(n, asObject).toFixed(2)), text: Number(time(n, asText).toFixed(2)) };
  }
  pairs.push(pair);
  console.log(JSON.stringify({ pair: p + 1, ...pair }));
}
const summary = {};
for (const name of Object.keys(cases)) {
  summary[name] = {
    object: Number(median(pairs.map((x) => x[name].object)).toFixed(2)),
    text: Number(median(pairs.map((x) => x[name].text)).toFixed(2)),
    object_faster_in: pairs.filter((x) => x[name].object < x[name].text).length,
  };
}
console.log(JSON.stringify({ median: summary, pairs: PAIRS, runs: RUNS }));
