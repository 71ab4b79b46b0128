// The server's live directory: a sequence of changes decides exactly as a fresh load of the
// directory it describes, whether the SDK applies changes in place (`addAssignment`, ...) or
// the server rebuilds the evaluator (SDKs without live updates). Removing moves the last
// assignment into the freed index, as the core does, so indexes agree in both modes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Policy } from 'rolecall';
import YAML from 'yaml';
import { applyTo, LiveDirectory } from '../src/live.js';
import { directoryDoc, policyText } from './helpers.mjs';

const policy = Policy.parse(policyText);

test(`changes decide as a fresh load (${typeof Evaluator.prototype.addAssignment === 'function' ? 'live updates' : 'rebuild fallback: the SDK has no live updates yet'})`, () => {
  const live = new LiveDirectory(policy, structuredClone(directoryDoc));
  const steps = [
    { add: { subject: 'fiona', role: 'support', scope: 'acme-cl' } },
    { remove: 0 },
    { add: { subject: 'newcomer', role: 'operations', scope: 'acme-mx', context: { country: ['MX'] } } },
    { remove: 3, add: { subject: 'sam', role: 'operations', scope: 'acme-mx' } },
    { remove: live.document().assignments.length - 1 },
  ];
  let expected = structuredClone(directoryDoc);
  for (const step of steps) {
    live.apply(step);
    expected = applyTo(expected, step);
    assert.deepEqual(live.document().assignments, expected.assignments);
    const fresh = new Evaluator(policy, expected);
    assert.deepEqual(live.evaluator.effectivePermissions(), fresh.effectivePermissions());
  }
  assert.equal(live.version, 1 + steps.length);
});

test('a change that fails validation leaves the directory as it was', () => {
  const live = new LiveDirectory(policy, structuredClone(directoryDoc));
  const before = live.document();
  // A second account owner at the organization breaks max_holders.
  assert.throws(() => live.apply({ add: { subject: 'oscar', role: 'account_owner', scope: 'org' } }), { code: 'max_holders_exceeded' });
  assert.throws(() => live.apply({ remove: 999 }), { code: 'unknown_assignment' });
  assert.deepEqual(live.document(), before);
  assert.equal(live.version, 1);
});

test('the YAML directory and its JSON form load to the same decisions', () => {
  const fromYaml = new Evaluator(policy, YAML.stringify(directoryDoc));
  const fromJson = new Evaluator(policy, JSON.stringify(directoryDoc));
  assert.deepEqual(fromYaml.effectivePermissions(), fromJson.effectivePermissions());
});
