// The permission reference and the access-review download (issue 18): the reference is the
// policy's (the same rows as `rolecall docs`), public like the policy; the access review is a
// download only for those allowed to change the team's permissions there, holds only what was
// given in that scope and below, and is the native `rolecall report`'s bytes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { authFor, directoryFile, nativeCli, policyFile, request, startServer } from './helpers.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(() => server?.stop());

async function as(subject, path) {
  return request(server.url, 'GET', path, { headers: await authFor(server.url, subject) });
}

test('the reference lists every action with the roles that allow it, as the product table does', async () => {
  const r = await request(server.url, 'GET', '/api/reference');
  assert.equal(r.status, 200);
  const row = (name) => r.body.actions.find((a) => a.name === name);
  assert.equal(row('refunds.create').allowed_by, 'Operations, Support');
  assert.equal(row('users.invite').allowed_by, 'Admin only');
  assert.equal(row('webhooks.send_test').allowed_by, 'Product, Developer');
  assert.ok(r.body.roles.some((x) => x.name === 'administrator' && !x.assignable));
});

test('someone allowed to change permissions downloads the access review as CSV', async () => {
  const r = await as('olga', '/api/scopes/org/access-review?format=csv');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.equal(r.headers.get('content-disposition'), 'attachment; filename="access-review-org.csv"');
  const lines = r.body.split('\r\n');
  assert.equal(lines[0], 'subject,kind,scope,permission,source,context');
  assert.ok(lines.some((l) => /^carla,user,org,refunds:manage,role operations \(assignment \d+\),country: CL$/.test(l)), r.body);
});

test('the CSV at the root is what `rolecall report` writes for the same files', async () => {
  const r = await as('olga', '/api/scopes/org/access-review');
  const native = spawnSync(nativeCli(), ['report', policyFile, '-d', directoryFile], { encoding: 'utf8' });
  assert.equal(native.status, 0, native.stderr);
  assert.equal(r.body, native.stdout);
});

test('a tenant\'s review holds only what was given there and below', async () => {
  const r = await as('olga', '/api/scopes/acme-cl/access-review?format=json');
  assert.equal(r.status, 200);
  assert.ok(r.body.length > 0);
  assert.ok(r.body.every((row) => row.scope === 'acme-cl'), JSON.stringify(r.body.slice(0, 3)));
  assert.ok(r.body.some((row) => row.subject === 'bob' && row.permission === 'api_keys:view'));
});

test('the access review is refused to those who may not change permissions', async () => {
  const r = await as('oscar', '/api/scopes/org/access-review');
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'missing_permission');
  const anonymous = await request(server.url, 'GET', '/api/scopes/org/access-review');
  assert.equal(anonymous.status, 401);
});

test('an unknown format is a bad request', async () => {
  const r = await as('olga', '/api/scopes/org/access-review?format=xlsx');
  assert.equal(r.status, 400);
});
