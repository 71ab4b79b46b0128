// who-can, the permission reference and the access-review export from JavaScript (issue 18):
// one call shape (`whoCan(action, scope, options?)`), and the same answers as the core's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Policy, RolecallError } from 'rolecall';
import { examples, read } from './helpers.mjs';

const policy = Policy.parse(read(examples, 'payments', 'policy.yaml'));
const ev = new Evaluator(policy, read(examples, 'payments', 'directory.yaml'));
const now = '2026-01-01T00:00:00Z';

test('whoCan(action, scope, { context }) lists exactly the subjects whose check allows', () => {
  const who = ev.whoCan('refunds.create', 'acme-cl', { context: { country: 'CL' }, now });
  assert.deepEqual(who.allowed.map((h) => h.subject), ['ada', 'carla', 'olga', 'oscar']);
  const carla = who.allowed[1];
  assert.deepEqual(carla.sources, [{ kind: 'assignment', index: 6, role: 'operations', scope: 'org', context: 'country: CL' }]);
  for (const s of ['ada', 'bob', 'carla', 'diego', 'fiona', 'olga', 'oscar', 'sam']) {
    const allowed = ev.can(s, 'refunds.create', 'acme-cl', { context: { country: 'CL' }, now });
    assert.equal(who.allowed.some((h) => h.subject === s), allowed, s);
  }
});

test('whoCan lists for review those denied only by a context or an except', () => {
  const refunds = ev.whoCan('refunds.create', 'acme-cl');
  assert.deepEqual(refunds.review.map((h) => [h.subject, h.denied_by]), [['carla', 'context_mismatch']]);
  const roll = ev.whoCan('api_keys.roll_secret', 'acme-cl');
  assert.deepEqual(roll.review.map((h) => [h.subject, h.denied_by]), [['bob', 'except']]);
});

test('whoCan takes a permission, a resource, and fills in the clock for expiring keys', () => {
  const keys = ev.whoCan('webhooks:manage', 'org');
  const ci = keys.allowed.find((h) => h.subject === 'key_ci');
  assert.equal(ci.kind, 'api_key');
  assert.equal(ci.owner, 'diego');
  const approve = ev.whoCan('transfers.approve', 'org', { resource: { created_by: 'pedro' }, now });
  assert.deepEqual(approve.allowed.map((h) => h.subject), ['ada']);
  assert.throws(() => ev.whoCan('refunds.create', 'org', { now: null }), (e) => e instanceof RolecallError && e.code === 'missing_time');
  assert.throws(() => ev.whoCan('refunds.nope', 'org'), (e) => e.code === 'unknown_action');
});

test('policy.reference() is the table rolecall docs prints', () => {
  const r = policy.reference();
  const row = r.actions.find((a) => a.name === 'webhooks.send_test');
  assert.equal(row.allowed_by, 'Product, Developer');
  assert.deepEqual(row.requires, [{ permission: 'webhooks:manage', resource: 'Webhooks', level: 'Manage' }]);
  assert.equal(r.actions.find((a) => a.name === 'users.invite').allowed_by, 'Admin only');
  assert.equal(r.matrix.length, 13);
});

test('accessReport gives CSV text or JSON rows, one per subject, source and permission', () => {
  const csv = ev.accessReport('csv');
  const rows = ev.accessReport('json');
  assert.equal(csv.split('\r\n').length - 2, rows.length);
  assert.ok(rows.some((r) => r.subject === 'olga' && r.permission === 'users:manage' && r.source.kind === 'grant'));
});
