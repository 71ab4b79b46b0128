// The public API by example: what a user of the package relies on, beyond decisions themselves
// (which parity.test.mjs pins): errors, the fast path's routing, snapshots, administration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy, RolecallError, diff, init } from 'rolecall';
import { examples, read } from './helpers.mjs';

const policyText = read(examples, 'payments', 'policy.yaml');
const directoryText = read(examples, 'payments', 'directory.yaml');
const policy = Policy.parse(policyText);
const ev = new Evaluator(policy, directoryText);

test('init resolves at once in Node: the module loaded at import', async () => {
  await init();
});

test('the same policy in YAML and JSON has the same hash', () => {
  assert.equal(Policy.parse(read(examples, 'payments', 'policy.json')).hash, policy.hash);
  assert.match(policy.hash, /^[0-9a-f]{64}$/);
});

test('a policy object is accepted as well as text', () => {
  const p = Policy.parse({ rolecall: 1, resources: { refunds: {} }, actions: { 'refunds.create': { requires: 'refunds:manage' } } });
  assert.deepEqual(p.actions, ['refunds.create']);
});

test('errors are RolecallError with code, path, line, column and help', () => {
  const bad = 'rolecall: 1\nresources: { refunds: {} }\nroles:\n  ops: { includes: [viewr] }\n';
  assert.throws(() => Policy.parse(bad), (e) => {
    assert.ok(e instanceof RolecallError);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'RolecallError');
    assert.equal(e.code, 'unknown_role');
    assert.equal(e.origin, 'policy');
    assert.equal(e.line, 4);
    assert.equal(typeof e.column, 'number');
    assert.match(e.path, /^roles\.ops\.includes/);
    assert.match(e.message, /^policy:4:\d+: unknown role `viewr`/);
    assert.ok(e.stack.includes('RolecallError'));
    return true;
  });
});

test('a directory error names the directory', () => {
  assert.throws(
    () => new Evaluator(policy, 'scopes: [{ id: org }]\nassignments: [{ subject: a, role: nope, scope: org }]\n'),
    (e) => e instanceof RolecallError && e.code === 'unknown_role' && e.origin === 'directory' && e.line === 2,
  );
});

test('input errors are errors, not denials, on both paths', () => {
  const code = (f) => { try { f(); return 'no error'; } catch (e) { return e.code; } };
  assert.equal(code(() => ev.can('oscar', 'refunds.crate', 'org')), 'unknown_action');
  assert.equal(code(() => ev.can('oscar', 'refunds.create', 'nowhere')), 'unknown_scope');
  assert.equal(code(() => ev.prepare('oscar').can('refunds.create', 'nowhere')), 'unknown_scope');
  assert.equal(code(() => ev.can('pedro', 'transfers.approve', 'org')), 'missing_resource_attribute');
  assert.equal(code(() => ev.can('key_legacy', 'webhooks.send_test', 'acme-cl', { now: null })), 'missing_time');
  assert.equal(code(() => ev.check('oscar', 'refunds.create', 'org', { context: { planet: 'mars' } })), 'unknown_dimension');
  const e = (() => { try { ev.can('oscar', 'refunds.crate', 'org'); } catch (x) { return x; } })();
  assert.equal(e.help, 'did you mean `refunds.create`?');
});

test('a scope given as an option (not the call shape) is an input error on every path', () => {
  const wrong = { scope: 'org' };
  for (const f of [() => ev.can('oscar', 'refunds.create', wrong), () => ev.check('oscar', 'refunds.create', wrong), () => ev.prepare('oscar').can('refunds.create', wrong)]) {
    assert.throws(f, (e) => e instanceof RolecallError && e.code === 'invalid_value' && e.path === 'scope');
  }
});

test('an unknown subject holds nothing: false, not an error', () => {
  assert.equal(ev.can('mallory', 'refunds.create', 'org'), false);
  assert.equal(ev.prepare('mallory').can('refunds.create', 'org'), false);
});

test('check explains: reason, tooltip message, sources or missing', () => {
  const d = ev.check('oscar', 'refunds.create', 'acme-cl');
  assert.equal(d.allowed, true);
  assert.equal(d.reason, 'granted');
  assert.equal(d.sources[0].kind, 'assignment');
  assert.deepEqual(d.missing, []);
  const no = ev.check('sam', 'refunds.create', 'acme-cl');
  assert.equal(no.reason, 'out_of_scope');
  assert.deepEqual(no.sources, []);
  assert.equal(typeof no.message, 'string');
  const self = ev.check('pedro', 'transfers.approve', 'org', { resource: { created_by: 'pedro' } });
  assert.equal(self.reason, 'self_approval');
  assert.equal(ev.check('pedro', 'transfers:authorize', 'org').allowed, true);
});

test('the clock is read for expiring API keys, and an explicit time wins', () => {
  // key_legacy expired on 2025-06-30.
  assert.equal(ev.check('key_legacy', 'webhooks.send_test', 'acme-cl').reason, 'expired');
  assert.equal(ev.can('key_legacy', 'webhooks.send_test', 'acme-cl', { now: Date.parse('2025-01-01T00:00:00Z') }), true);
  assert.equal(ev.can('key_legacy', 'webhooks.send_test', 'acme-cl', { now: new Date('2025-01-01T00:00:00Z') }), true);
  assert.equal(ev.can('key_legacy', 'webhooks.send_test', 'acme-cl', { now: '2025-01-01T00:00:00Z' }), true);
  assert.equal(ev.can('key_legacy', 'webhooks.send_test', 'acme-cl'), false);
});

test('prepared subjects, ids and batches agree with can', () => {
  const p = ev.prepare('oscar');
  const pairs = [];
  for (const action of policy.actions) {
    if (action === 'transfers.approve') continue;
    for (const scope of ['org', 'acme-cl', 'acme-mx']) pairs.push([action, scope]);
  }
  const batch = ev.canMany('oscar', pairs);
  const ids = new Uint32Array(pairs.flatMap(([a, s]) => [ev.actionId(a), ev.scopeId(s)]));
  const byIds = p.canManyIds(ids);
  pairs.forEach(([a, s], i) => {
    const want = ev.check('oscar', a, s).allowed;
    assert.equal(p.can(a, s), want, `${a} ${s}`);
    assert.equal(p.canIds(ev.actionId(a), ev.scopeId(s)), want, `${a} ${s}`);
    assert.equal(batch[i], want ? 1 : 0);
    assert.equal(byIds[i], want ? 1 : 0);
  });
  assert.equal(p.canIds(9999, 0), false);
  assert.equal(ev.actionId('nope.nothing'), undefined);
  // A malformed time is refused by the batch as by a single check.
  assert.throws(() => ev.canMany('oscar', pairs, { now: 'yesterday' }), RolecallError);
  assert.throws(() => ev.can('oscar', pairs[0][0], pairs[0][1], { now: 'yesterday' }), RolecallError);
});

test('bulk forms: allowed actions, scopes where, effective permissions', () => {
  const actions = ev.allowedActions('sam', 'acme-mx');
  assert.ok(actions.includes('refunds.create'));
  assert.deepEqual(ev.allowedActions('sam', 'acme-cl'), []);
  assert.deepEqual(ev.scopesWhere('sam', 'refunds.create'), ['acme-mx']);
  const carla = ev.allowedActions('carla', 'org', { context: { country: 'CL' } });
  assert.ok(carla.includes('refunds.create'));
  const report = ev.effectivePermissions();
  assert.ok(report.some((e) => e.subject === 'oscar' && e.scope === 'org' && e.held.includes('refunds:manage')));
});

test('administration: assign, revoke and copy decisions', () => {
  const d = ev.canAssign({ actor: 'olga', subject: 'zoe', role: 'administrator', scope: 'org' });
  assert.equal(d.allowed, false);
  assert.equal(d.reason, 'not_assignable');
  assert.throws(() => ev.canAssign({ actor: 'olga', subject: 'zoe', role: 'nope', scope: 'org' }), (e) => e.code === 'unknown_role');
  assert.throws(() => ev.canRevoke({ actor: 'olga', subject: 'zoe', role: 'support', scope: 'org' }), (e) => e.code === 'unknown_assignment');
  assert.equal(typeof ev.canCopy({ actor: 'olga', from: 'oscar', to: 'zoe' }).allowed, 'boolean');
});

test('diff lists what each subject gains and loses', () => {
  const after = new Evaluator(policy, directoryText.replace('{ subject: sam, role: support, scope: acme-mx }', '{ subject: sam, role: support, scope: org }'));
  const changes = diff(ev, after).changes;
  assert.ok(changes.length > 0);
  assert.ok(changes.every((c) => c.subject === 'sam' && c.lost.length === 0));
  assert.deepEqual(diff(ev, ev).changes, []);
});

test('a browser decides from a snapshot; a stale one is policy_mismatch', () => {
  const snap = ev.snapshot('sam');
  assert.equal(snap.policy_hash, policy.hash);
  assert.equal(JSON.stringify(snap).includes('oscar'), false, 'a snapshot reveals no one else');
  const perms = Permissions.fromSnapshot(policy, JSON.stringify(snap));
  assert.equal(perms.subject, 'sam');
  assert.equal(perms.can('refunds.create', 'acme-mx'), true);
  assert.equal(perms.can('refunds.create', 'acme-cl'), false);
  // An unknown scope is out_of_scope from a snapshot: the client must not learn which exist.
  assert.equal(perms.check('refunds.create', 'atlantis').reason, 'out_of_scope');
  const newer = Policy.parse(policyText.replace('Refund a Payment', 'Refund a payment'));
  assert.notEqual(newer.hash, policy.hash);
  assert.throws(() => Permissions.fromSnapshot(newer, snap), (e) => e instanceof RolecallError && e.code === 'policy_mismatch');
});

test('a malformed snapshot is refused with a located error', () => {
  assert.throws(() => Permissions.fromSnapshot(policy, '{"rolecall_snapshot": 1,\n "nope": 2}'), (e) => e.code === 'unknown_field' && e.origin === 'snapshot' && e.line === 2 && e.path === 'nope');
  assert.throws(() => Permissions.fromSnapshot(policy, '{"rolecall_snapshot": 1,\n "subject": }'), (e) => e.code === 'syntax' && e.origin === 'snapshot' && e.line === 2);
});
