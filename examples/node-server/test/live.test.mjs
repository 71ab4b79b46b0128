// The server's live directory (in memory): a sequence of changes decides exactly as a fresh load
// of the directory it describes. Assignments are removed by their stable id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Policy } from 'rolecall';
import YAML from 'yaml';
import { applyTo, LiveDirectory } from '../src/live.js';
import { directoryDoc, policyText } from './helpers.mjs';

const policy = Policy.parse(policyText);

test('changes decide as a fresh load', async () => {
  const live = new LiveDirectory(policy, structuredClone(directoryDoc));
  const ids = live.document().assignments.map((a) => a.id);
  const steps = [
    { add: { subject: 'fiona', role: 'support', scope: 'acme-cl' } },
    { remove: ids[0] },
    { add: { subject: 'newcomer', role: 'operations', scope: 'acme-mx', context: { country: ['MX'] } } },
    { remove: ids[3], add: { subject: 'sam', role: 'operations', scope: 'acme-mx' } },
    { remove: ids.at(-1) },
  ];
  let expected = live.document();
  for (const step of steps) {
    await live.apply(step);
    expected = applyTo(expected, step);
    const byId = (list) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));
    assert.deepEqual(byId(live.document().assignments), byId(expected.assignments.map((a) => ({ id: live.document().assignments.find((x) => x.subject === a.subject && x.role === a.role && x.scope === a.scope)?.id, ...a }))));
    const fresh = new Evaluator(policy, expected);
    assert.deepEqual(live.evaluator.effectivePermissions(), fresh.effectivePermissions());
  }
  assert.equal(live.version, 1 + steps.length);
});

test('a change that fails validation leaves the directory as it was', async () => {
  const live = new LiveDirectory(policy, structuredClone(directoryDoc));
  const before = live.document();
  // A second account owner at the organization breaks max_holders.
  await assert.rejects(live.apply({ add: { subject: 'oscar', role: 'account_owner', scope: 'org' } }), { code: 'max_holders_exceeded' });
  await assert.rejects(live.apply({ remove: 'a_missing' }), { code: 'unknown_assignment' });
  assert.deepEqual(live.document(), before);
  assert.equal(live.version, 1);
});

test('the YAML directory and its JSON form load to the same decisions', () => {
  const fromYaml = new Evaluator(policy, YAML.stringify(directoryDoc));
  const fromJson = new Evaluator(policy, JSON.stringify(directoryDoc));
  assert.deepEqual(fromYaml.effectivePermissions(), fromJson.effectivePermissions());
});
