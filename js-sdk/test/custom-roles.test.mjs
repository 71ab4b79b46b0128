// Custom roles through the SDK: canDefineRole's reasons, defining and deleting roles live (a
// subject prepared before sees the change), diff of a role edit naming every holder, snapshots
// carrying the subject's custom roles, and arguments checked before they reach WebAssembly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diff, Evaluator, Permissions, Policy, RolecallError } from 'rolecall';

const policy = Policy.parse({
  rolecall: 1,
  resources: { users: {}, refunds: {}, payroll: {} },
  actions: {
    'refunds.create': { requires: 'refunds:manage' },
    'payroll.export': { requires: 'payroll:manage' },
  },
  roles: {
    viewer: { grants: { refunds: ['view'] } },
    team_admin: { includes: ['viewer'], grants: { users: ['manage'], refunds: ['manage'] } },
  },
  administration: { assign_requires: 'users:manage' },
});

const directory = {
  scopes: [{ id: 'org' }, { id: 'acme', parent: 'org' }, { id: 'acme-cl', parent: 'acme' }, { id: 'beta', parent: 'org' }],
  roles: [{ id: 'refund_clerk', label: 'Refund clerk', scope: 'acme', includes: ['viewer'], grants: { refunds: ['manage'] } }],
  assignments: [
    { subject: 'mia', role: 'team_admin', scope: 'acme' },
    { subject: 'bob', role: 'team_admin', scope: 'beta' },
    { subject: 'carl', role: 'refund_clerk', scope: 'acme-cl' },
    { subject: 'dora', role: 'refund_clerk', scope: 'acme' },
  ],
};

const desk = { id: 'desk', scope: 'acme', grants: { refunds: ['manage'] } };

test('canDefineRole: the define permission at the role scope, then no escalation', () => {
  const ev = new Evaluator(policy, directory);
  assert.equal(ev.canDefineRole({ actor: 'mia', role: desk }).allowed, true);
  const other = ev.canDefineRole({ actor: 'bob', role: desk });
  assert.deepEqual([other.allowed, other.reason, other.missing], [false, 'missing_permission', ['users:manage']]);
  const more = ev.canDefineRole({ actor: 'mia', role: { ...desk, actions: ['payroll.export'] } });
  assert.deepEqual([more.reason, more.missing], ['escalation', ['payroll.export']]);
  assert.equal(ev.canAssign({ actor: 'bob', subject: 'zoe', role: 'refund_clerk', scope: 'beta' }).reason, 'role_out_of_scope');
  assert.throws(
    () => ev.canDefineRole({ actor: 'mia', role: { ...desk, grants: { refunds: ['nope'] } } }),
    (e) => e instanceof RolecallError && e.code === 'unknown_level' && e.path === 'role.grants.refunds[0]',
  );
  ev.free();
});

test('a role defined live decides at once, also for a subject prepared before', () => {
  const ev = new Evaluator(policy, directory);
  const zoe = ev.prepare('zoe');
  ev.addAssignment({ subject: 'zoe', role: 'viewer', scope: 'org' });
  assert.equal(ev.defineRole({ id: 'payroll_clerk', scope: 'beta', grants: { payroll: ['manage'] } }), false);
  ev.addAssignment({ subject: 'zoe', role: 'payroll_clerk', scope: 'beta' });
  assert.equal(zoe.canIds(ev.actionId('payroll.export'), ev.scopeId('beta')), true);
  assert.equal(ev.can('zoe', 'payroll.export', 'beta'), true);
  // A rejected change changes nothing.
  const before = ev.directory();
  assert.throws(
    () => ev.defineRole({ id: 'payroll_clerk', scope: 'acme' }),
    (e) => e instanceof RolecallError && e.code === 'role_out_of_scope',
  );
  assert.deepEqual(ev.directory(), before);
  // Deleting: refused while assigned, unless the assignments go with it.
  assert.throws(() => ev.removeRole('payroll_clerk'), (e) => e.code === 'role_in_use');
  assert.equal(ev.removeRole('payroll_clerk', { removeAssignments: true }).id, 'payroll_clerk');
  assert.equal(zoe.canIds(ev.actionId('payroll.export'), ev.scopeId('beta')), false);
  assert.equal(ev.can('zoe', 'payroll.export', 'beta'), false);
  assert.throws(() => ev.removeRole('viewer'), (e) => e.code === 'unknown_role');
  ev.free();
});

test('diff of a role edit lists every holder', () => {
  const before = new Evaluator(policy, directory);
  const after = new Evaluator(policy, directory);
  assert.equal(after.defineRole({ id: 'refund_clerk', scope: 'acme', includes: ['viewer'] }), true);
  const changes = diff(before, after).changes;
  const subjects = [...new Set(changes.map((c) => c.subject))].sort();
  assert.deepEqual(subjects, ['carl', 'dora']);
  assert.ok(changes.every((c) => c.gained.length === 0 && c.lost.some((p) => p.startsWith('refunds:manage'))));
  before.free();
  after.free();
});

test('a snapshot carries only the subject’s custom roles and decides as the server', () => {
  const ev = new Evaluator(policy, directory);
  const snap = ev.snapshot('carl');
  assert.deepEqual(snap.roles.map((r) => r.id), ['refund_clerk']);
  // carl reaches acme-cl only: where the role is defined (acme) is not revealed.
  assert.equal(snap.roles[0].scope, '');
  assert.ok(!JSON.stringify(snap).includes('"acme"'));
  assert.equal(ev.snapshot('mia').roles, undefined);
  const client = Permissions.fromSnapshot(policy, JSON.stringify(snap));
  assert.equal(client.can('refunds.create', 'acme-cl'), true);
  assert.equal(client.can('payroll.export', 'acme-cl'), false);
  ev.free();
});

test('bad arguments are invalid_value errors, never traps', () => {
  const ev = new Evaluator(policy, directory);
  for (const bad of [null, 5, 'text', []]) {
    assert.throws(() => ev.canDefineRole(bad), (e) => e instanceof RolecallError && e.code === 'invalid_value');
    assert.throws(() => ev.defineRole(bad), (e) => e instanceof RolecallError && e.code === 'invalid_value');
  }
  assert.throws(() => ev.removeRole(5), (e) => e instanceof RolecallError && e.code === 'invalid_value' && e.path === 'id');
  assert.throws(
    () => ev.removeRole('refund_clerk', { removeAssignments: 'yes' }),
    (e) => e instanceof RolecallError && e.code === 'invalid_value' && e.path === 'options.removeAssignments',
  );
  assert.throws(() => ev.removeRole('refund_clerk', null), (e) => e instanceof RolecallError && e.code === 'invalid_value');
  ev.free();
});
