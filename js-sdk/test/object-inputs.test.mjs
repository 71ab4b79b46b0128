// Objects given where text is accepted (a policy, a directory, a snapshot) cross as their
// `JSON.stringify` text (issue 13: reading them with serde-wasm-bindgen was slower, measured in
// bench/results.md "Object inputs"), so a malformed object is refused with the same code and
// path as the same document given as text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy, RolecallError } from 'rolecall';
import { examples, read } from './helpers.mjs';

const policy = Policy.parse(read(examples, 'payments', 'policy.yaml'));
const evaluator = new Evaluator(policy, read(examples, 'payments', 'directory.yaml'));

/** The error `f(input)` throws, as `{ code, path, origin }`. */
function refusal(f, input) {
  try {
    f(input);
  } catch (e) {
    assert.ok(e instanceof RolecallError, String(e));
    return { code: e.code, path: e.path, origin: e.origin };
  }
  assert.fail(`accepted ${JSON.stringify(input)}`);
}

test('a malformed policy, directory or snapshot object is refused as the same text is', () => {
  const directory = evaluator.directory();
  const snapshot = evaluator.snapshot('olga');
  const cases = [
    [(d) => Policy.parse(d), { rolecall: 1, resources: { refunds: {} }, roles: { ops: { includes: ['viewr'] } } }],
    [(d) => Policy.parse(d), { rolecall: 1, resorces: {} }],
    [(d) => new Evaluator(policy, d), { ...directory, assignments: [{ subject: 'zoe', role: 'nope', scope: 'org' }] }],
    [(d) => new Evaluator(policy, d), { ...directory, assignments: [{ subject: 'zoe', role: 'support' }] }],
    [(d) => new Evaluator(policy, d), { ...directory, scopes: [{ id: 'org', parent: 'org' }] }],
    [(d) => Permissions.fromSnapshot(policy, d), { ...snapshot, assignments: [[snapshot.assignments[0][1], 0]] }],
    [(d) => Permissions.fromSnapshot(policy, d), { ...snapshot, policy_hash: 'stale' }],
  ];
  for (const [f, doc] of cases) {
    const asObject = refusal(f, doc);
    assert.deepEqual(asObject, refusal(f, JSON.stringify(doc)), JSON.stringify(doc).slice(0, 120));
    assert.notEqual(asObject.code, 'internal');
  }
});
