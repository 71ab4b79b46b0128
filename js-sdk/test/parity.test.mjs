// Differential parity: random policies, directories and queries from the core's seeded
// generator, decided natively (target/parity/vectors.json, or ROLECALL_PARITY_DIR's) and here
// through WebAssembly in Node. Every decision must be identical (allowed, reason, message,
// sources, missing) or fail with the same error code; `can`, the prepared fast path, the batch
// form and snapshots must agree with it. The comparisons are parity-core.mjs, which the page in
// Chromium runs too (browser-parity.test.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy } from 'rolecall';
import { SnapshotDecisions } from 'rolecall/decisions';
import { fixture } from './helpers.mjs';
import { checkCase, fastPathCase, FAST_PATH_CASES, fixtureQueries, guarded, PREPARED_EVERY, preparedCase, summary, tally } from './parity-core.mjs';

const lib = { Evaluator, Permissions, Policy };
/** At least this many queries (make fuzz raises it with its larger fixture). */
const minimum = Number(process.env.ROLECALL_PARITY_MIN ?? 10_000);

test('WebAssembly decides every generated query exactly as the native build', () => {
  const { cases } = fixture('vectors.json');
  const started = Date.now();
  const t = tally();
  for (const c of cases) guarded(t, c.seed, 'case', () => checkCase(lib, c, t));
  console.log(summary(t, 'node', Date.now() - started));
  for (const m of t.mismatches.slice(0, 10)) console.log('mismatch', JSON.stringify(m));
  assert.equal(t.mismatchCount, 0);
  const held = fixtureQueries(cases);
  assert.equal(t.checks, held, `compared ${t.checks} of the fixture's ${held} queries`);
  assert.ok(t.checks >= minimum, `only ${t.checks} queries (at least ${minimum} expected)`);
});

test('the fast path gives the slow path\'s answer for every subject, action and scope', () => {
  const { cases } = fixture('vectors.json');
  const t = tally();
  for (const c of cases.slice(0, FAST_PATH_CASES)) guarded(t, c.seed, 'fast path', () => fastPathCase(lib, c, t));
  console.log(`fast path: ${t.triples} (subject, action, scope) triples; mismatches: ${t.mismatchCount}`);
  for (const m of t.mismatches.slice(0, 10)) console.log('mismatch', JSON.stringify(m));
  assert.equal(t.mismatchCount, 0);
  assert.ok(t.triples > 0);
});

test('prepared decisions answer as the engine built from the same snapshot', () => {
  const { cases } = fixture('vectors.json');
  const t = tally();
  const started = Date.now();
  cases.forEach((c, i) => {
    if (i % PREPARED_EVERY === 0) guarded(t, c.seed, 'prepared decisions', () => preparedCase({ ...lib, SnapshotDecisions }, c, t));
  });
  console.log(summary(t, 'node, prepared decisions', Date.now() - started));
  for (const m of t.mismatches.slice(0, 10)) console.log('mismatch', JSON.stringify(m));
  assert.equal(t.mismatchCount, 0);
  assert.ok(t.prepared_questions > 10_000, `only ${t.prepared_questions} questions`);
  // Only permissions asked by a spelling other than their canonical name may be left pending.
  assert.ok(t.pending < t.prepared_questions / 10, `${t.pending} of ${t.prepared_questions} pending`);
});
