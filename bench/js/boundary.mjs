// The boundary's cost from JS, in one process: a full `check`, `allowedActions`, a 1,000-entry
// effective report and `canAssign`, each a median of several timed runs, through the SDK built
// in a given dist/ (so an older build can be measured beside the current one: issue #13 compared
// JSON text out with serde-wasm-bindgen objects out). Prints one JSON line of µs per call.
//
//   node bench/js/boundary.mjs [path/to/js-sdk/dist]     (default: ../../js-sdk/dist)
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, '..', '..', 'js-sdk', 'dist'));
const { Evaluator, Policy } = await import(pathToFileURL(join(dist, 'node.mjs')).href);

const RUNS = Number(process.env.BOUNDARY_RUNS ?? 9);
const policyText = readFileSync(join(here, '..', '..', 'examples', 'policies', 'payments', 'policy.yaml'), 'utf8');

// 50 scopes (org and 49 subtenants) and 20 subjects holding a role at org: 1,000 entries.
const scopes = [{ id: 'org', kind: 'organization' }];
for (let i = 0; i < 49; i++) scopes.push({ id: `t${i}`, parent: 'org', kind: 'subtenant' });
const roles = ['operations', 'finance_accounting', 'product', 'developer', 'support'];
const assignments = [{ subject: 'olga', role: 'operations', scope: 'org' }];
for (let i = 0; i < 19; i++) assignments.push({ subject: `u${i}`, role: roles[i % roles.length], scope: 'org' });
const directory = JSON.stringify({
  scopes,
  assignments,
  grants: [{ subject: 'olga', permission: 'users:manage', scope: 'org' }],
});
const evaluator = new Evaluator(Policy.parse(policyText), directory);
const entries = evaluator.effectivePermissions().length;

/** Median µs per call of `f`, over RUNS runs of `n` calls (after one warm-up run). */
function time(n, f) {
  const runs = [];
  for (let r = 0; r <= RUNS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) f(i);
    const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
    if (r > 0) runs.push(us);
  }
  runs.sort((a, b) => a - b);
  return Number(runs[Math.floor(runs.length / 2)].toFixed(2));
}

const result = {
  dist,
  entries,
  check_us: time(20000, (i) => evaluator.check(i % 2 ? 'olga' : 'u1', 'refunds.create', 't3')),
  allowed_actions_us: time(5000, () => evaluator.allowedActions('olga', 't3')),
  effective_1k_us: time(50, () => evaluator.effectivePermissions()),
  can_assign_us: time(5000, () =>
    evaluator.canAssign({ actor: 'olga', subject: 'u2', role: 'support', scope: 't4' }),
  ),
};
console.log(JSON.stringify(result));
