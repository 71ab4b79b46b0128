// rolecall/svelte: Svelte's store contract over the permission store, with real snapshots of the
// payments example: the value at subscription, a new one after `store.set`, none after unsubscribing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy } from 'rolecall';
import { can, createPermissionStore, decision, permissions, scopesWhere } from 'rolecall/svelte';
import { examples, read } from './helpers.mjs';

const policy = Policy.parse(read(examples, 'payments', 'policy.yaml'));
const evaluator = new Evaluator(policy, read(examples, 'payments', 'directory.yaml'));
const as = (subject) => Permissions.fromSnapshot(policy, evaluator.snapshot(subject));

test('each store gives its value at subscription and again after a new snapshot', () => {
  const store = createPermissionStore(as('oscar'));
  const seen = { can: [], reason: [], scopes: [], subject: [] };
  const offs = [
    can(store, 'refunds.create', 'acme-cl').subscribe((v) => seen.can.push(v)),
    decision(store, 'refunds.create', 'acme-cl').subscribe((d) => seen.reason.push(d.reason)),
    scopesWhere(store, 'refunds.create').subscribe((s) => seen.scopes.push(s.includes('acme-cl'))),
    permissions(store).subscribe((p) => seen.subject.push(p.subject)),
  ];
  const fiona = as('fiona');
  const expected = fiona.check('refunds.create', 'acme-cl');
  assert.equal(expected.allowed, false, 'the example refuses fiona');
  store.set(fiona);
  for (const off of offs) off();
  store.set(as('oscar'));
  assert.deepEqual(seen, {
    can: [true, false],
    reason: ['granted', expected.reason],
    scopes: [true, false],
    subject: ['oscar', 'fiona'],
  });
});

test('a misspelt action is an error at subscription, not a hidden control', () => {
  const store = createPermissionStore(as('oscar'));
  assert.throws(() => can(store, 'refunds.crate', 'acme-cl').subscribe(() => {}), { code: 'unknown_action' });
});
