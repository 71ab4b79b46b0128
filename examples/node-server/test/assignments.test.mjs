// Team administration through the server: the role options come from canAssign (first failure
// wins), a change is previewed with its access diff, applied without a restart, and takes effect
// at once for enforcement and for the affected user's next snapshot.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { authFor, request, startServer } from './helpers.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(() => server?.stop());

async function as(subject, method, path, body, headers = {}) {
  return request(server.url, method, path, { headers: { ...(await authFor(server.url, subject)), ...headers }, body });
}
async function options(actor, subject, scope, context) {
  const res = await as(actor, 'POST', '/api/assignments/options', { subject, scope, context });
  assert.equal(res.status, 200);
  return Object.fromEntries(res.body.roles.map((r) => [r.role, r.decision]));
}

test('role options carry canAssign\'s reason: not assignable, escalation, granted', async () => {
  const o = await options('olga', 'fiona', 'org');
  assert.equal(o.administrator.reason, 'not_assignable');
  assert.equal(o.developer.reason, 'escalation');
  assert.match(o.developer.message, /Manage on API Keys/);
  assert.equal(o.support.reason, 'granted');
  assert.equal(o.account_owner.reason, 'escalation');
});

test('one owner only, owners only at the organization, and never both halves of a transfer', async () => {
  assert.equal((await options('ada', 'oscar', 'org')).account_owner.reason, 'max_holders_reached');
  assert.equal((await options('ada', 'oscar', 'acme-cl')).account_owner.reason, 'scope_kind_not_allowed');
  assert.equal((await options('ada', 'paula', 'org')).payment_approver.reason, 'exclusive_roles');
  // Without the permission to assign there, nothing about the scope is answered: the guard's 403.
  const oscar = await as('oscar', 'POST', '/api/assignments/options', { subject: 'fiona', scope: 'org' });
  assert.equal(oscar.status, 403);
  assert.equal(oscar.body.error.code, 'missing_permission');
});

test('a context qualifier narrows what must be held: Chile only is within carla\'s reach to give', async () => {
  // carla may not assign at all (no users:manage): refused as a guard refuses; olga may, with or
  // without the qualifier.
  const carla = await as('carla', 'POST', '/api/assignments/options', { subject: 'fiona', scope: 'acme-cl', context: { country: ['CL'] } });
  assert.equal(carla.status, 403);
  assert.equal(carla.body.error.code, 'missing_permission');
  assert.equal((await options('olga', 'fiona', 'acme-cl', { country: ['CL'] })).operations.reason, 'granted');
});

test('preview, save, enforce at once, revoke: the live directory end to end', async () => {
  const refund = () => as('fiona', 'POST', '/api/scopes/acme-cl/payments/pay_cl_2/refund');
  assert.equal((await refund()).status, 403);

  const add = { subject: 'fiona', role: 'support', scope: 'acme-cl' };
  const preview = await as('olga', 'POST', '/api/assignments/preview', { add });
  assert.equal(preview.status, 200);
  assert.equal(preview.body.allowed, true);
  assert.deepEqual(preview.body.diff, [{ subject: 'fiona', scope: 'acme-cl', gained: ['refunds:manage', 'refunds:view'], lost: [] }]);

  const saved = await as('olga', 'POST', '/api/assignments', add);
  assert.equal(saved.status, 201);
  assert.deepEqual(saved.body.diff, preview.body.diff);
  const version = saved.body.version;
  assert.equal(saved.headers.get('x-rolecall-version'), String(version));

  // Enforced at once, and fiona's next snapshot holds the new assignment.
  const done = await refund();
  assert.equal(done.status, 201, JSON.stringify(done.body));
  const snap = await as('fiona', 'GET', '/api/me/snapshot');
  assert.match(saved.body.id, /^a_[0-9a-f]{16}$/);
  assert.ok(snap.body.assignments.some(([, a]) => a.id === saved.body.id && a.role === 'support'));

  // Revoked by its id: stable, whatever else changed meanwhile (here: another assignment removed).
  const team = await as('olga', 'GET', '/api/scopes/org/team');
  const oscars = team.body.assignments.find((a) => a.subject === 'oscar');
  assert.equal((await as('olga', 'DELETE', `/api/assignments/${oscars.id}`)).status, 200);
  const revoked = await as('olga', 'DELETE', `/api/assignments/${saved.body.id}`);
  assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
  assert.deepEqual(revoked.body.diff, [{ subject: 'fiona', scope: 'acme-cl', gained: [], lost: ['refunds:manage', 'refunds:view'] }]);
  const again = await as('fiona', 'POST', '/api/scopes/acme-cl/payments/pay_cl_1/refund');
  assert.equal(again.status, 403);
  assert.equal(again.body.error.code, 'missing_permission');
});

test('changing a role is one request: revoke then assign, with the diff of both', async () => {
  const team = await as('olga', 'GET', '/api/scopes/acme-mx/team');
  const sams = team.body.assignments.find((a) => a.subject === 'sam');
  const change = { remove: sams.id, add: { subject: 'sam', role: 'operations', scope: 'acme-mx' } };
  const headers = { 'x-rolecall-version': String(team.body.version) };
  const preview = await as('olga', 'POST', '/api/assignments/preview', change, headers);
  assert.deepEqual(preview.body.checks.map((c) => [c.op, c.decision.reason]), [['remove', 'granted'], ['add', 'granted']]);
  assert.deepEqual(preview.body.diff, [{ subject: 'sam', scope: 'acme-mx', gained: ['links:manage'], lost: [] }]);
  const saved = await as('olga', 'POST', '/api/assignments', change, headers);
  assert.equal(saved.status, 201);
  const edit = await as('sam', 'PATCH', '/api/scopes/acme-mx/links/ln_mx_1', { active: false });
  assert.equal(edit.status, 200);
});

test('a refused change changes nothing: no new version, the same access', async () => {
  const before = await as('olga', 'GET', '/api/me');
  const res = await as('olga', 'POST', '/api/assignments', { subject: 'olga', role: 'developer', scope: 'org' });
  assert.equal(res.status, 403);
  assert.equal(res.body.error.code, 'escalation');
  const after = await as('olga', 'GET', '/api/me');
  assert.equal(after.body.version, before.body.version);
  const roll = await as('olga', 'POST', '/api/scopes/org/api-keys/ak_org_live/roll');
  assert.equal(roll.status, 403);
});

test('an invalid change (a role on an API key id) is refused whole, never half applied', async () => {
  const before = await as('ada', 'GET', '/api/me');
  const res = await as('ada', 'POST', '/api/assignments', { subject: 'key_ci', role: 'support', scope: 'org' });
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.equal(res.body.error.code, 'invalid_value');
  const after = await as('ada', 'GET', '/api/me');
  assert.equal(after.body.version, before.body.version);
});
