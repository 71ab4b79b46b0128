// Custom roles through the server: a manager is offered only the permissions it holds at the
// tenant, a role beyond them is refused (escalation) whatever the page sent, a created role is
// assignable in its tenant at once and refused elsewhere (role_out_of_scope), and an edit's
// preview lists every holder.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { authFor, request, startServer } from './helpers.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(() => server?.stop());

async function as(subject, method, path, body) {
  return request(server.url, method, path, { headers: await authFor(server.url, subject), body });
}

test('only held permissions are offered; the define permission gates the tenant', async () => {
  const res = await as('olga', 'POST', '/api/roles/options', { scope: 'acme-cl' });
  assert.equal(res.status, 200);
  const offered = res.body.permissions.map((p) => p.permission);
  assert.ok(offered.includes('refunds:manage'), offered.join());
  assert.ok(!offered.includes('api_keys:manage'), 'olga does not hold api_keys:manage');
  assert.equal((await as('oscar', 'POST', '/api/roles/options', { scope: 'acme-cl' })).status, 403);
});

test('create a tenant role, assign it there, not elsewhere; an escalating role is refused', async () => {
  const refund = () => as('fiona', 'POST', '/api/scopes/acme-cl/payments/pay_cl_2/refund');
  assert.equal((await refund()).status, 403);
  const role = { id: 'refund_desk', label: 'Refund desk', scope: 'acme-cl', grants: { refunds: ['manage'] } };
  const preview = await as('olga', 'POST', '/api/roles/preview', { role });
  assert.equal(preview.status, 200);
  assert.equal(preview.body.allowed, true);
  assert.deepEqual(preview.body.diff, []);
  const beyond = await as('olga', 'POST', '/api/roles', { role: { ...role, id: 'key_admin', grants: { api_keys: ['manage'] } } });
  assert.equal(beyond.status, 403);
  assert.equal(beyond.body.error.code, 'escalation');
  const created = await as('olga', 'POST', '/api/roles', { role });
  assert.equal(created.status, 201);

  const o = await as('olga', 'POST', '/api/assignments/options', { subject: 'fiona', scope: 'acme-cl' });
  const decision = o.body.roles.find((r) => r.role === 'refund_desk').decision;
  assert.equal(decision.reason, 'granted');
  const elsewhere = await as('olga', 'POST', '/api/assignments/options', { subject: 'fiona', scope: 'acme-mx' });
  assert.equal(elsewhere.body.roles.find((r) => r.role === 'refund_desk').decision.reason, 'role_out_of_scope');

  const added = await as('olga', 'POST', '/api/assignments', { subject: 'fiona', role: 'refund_desk', scope: 'acme-cl' });
  assert.equal(added.status, 201);
  assert.equal((await refund()).status, 201);

  // An edit's preview names the holder who loses access.
  const edit = await as('olga', 'POST', '/api/roles/preview', { role: { ...role, grants: { refunds: ['view'] } } });
  assert.equal(edit.body.allowed, true);
  assert.deepEqual(edit.body.diff.map((c) => [c.subject, c.lost]), [['fiona', ['refunds:manage']]]);
});

test('a malformed role is a 400, never a crash', async () => {
  for (const role of [null, 'x', { id: 'Bad Id', scope: 'acme-cl', grants: {} }, { id: 'ok', scope: 'acme-cl', grants: { refunds: 'manage' } }]) {
    const res = await as('olga', 'POST', '/api/roles', { role });
    assert.equal(res.status, 400, JSON.stringify(role));
  }
  const unknown = await as('olga', 'POST', '/api/roles/preview', { role: { id: 'x', scope: 'acme-cl', grants: { nope: ['view'] } } });
  assert.equal(unknown.status, 422);
  assert.equal(unknown.body.error.code, 'unknown_resource');
  assert.ok(server.alive());
});
