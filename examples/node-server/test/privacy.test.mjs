// Snapshot privacy (SPEC 5): a user's snapshot, and what /api/me says, name no other subject and
// no scope that user cannot reach; and nobody can ask for someone else's snapshot.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiKeys, directoryDoc, request, signIn, startServer, users } from './helpers.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(() => server?.stop());

/** Every string (keys and values) anywhere in a JSON value. */
function strings(x, out = new Set()) {
  if (typeof x === 'string') out.add(x);
  else if (Array.isArray(x)) x.forEach((v) => strings(v, out));
  else if (x !== null && typeof x === 'object') for (const [k, v] of Object.entries(x)) (out.add(k), strings(v, out));
  return out;
}

/** The scopes `user` reaches, computed here from the directory: the subtrees of their sources. */
function reachable(user) {
  const parent = new Map(directoryDoc.scopes.map((s) => [s.id, s.parent]));
  const roots = [...directoryDoc.assignments, ...directoryDoc.grants].filter((a) => a.subject === user).map((a) => a.scope);
  return new Set(
    directoryDoc.scopes
      .map((s) => s.id)
      .filter((id) => {
        for (let s = id; s !== undefined; s = parent.get(s)) if (roots.includes(s)) return true;
        return false;
      }),
  );
}

const everyone = [...users, ...apiKeys];

for (const user of users) {
  test(`${user}'s snapshot names no other subject and only the scopes ${user} reaches`, async () => {
    const cookie = await signIn(server.url, user);
    const snap = await request(server.url, 'GET', '/api/me/snapshot', { headers: { cookie } });
    assert.equal(snap.status, 200);
    assert.equal(snap.body.subject, user);
    const seen = strings(snap.body);
    assert.deepEqual(everyone.filter((s) => s !== user && seen.has(s)), [], 'other subjects in the snapshot');
    const allowed = reachable(user);
    assert.deepEqual(snap.body.scopes.map((s) => s.id).filter((id) => !allowed.has(id)), [], 'unreachable scopes listed');
    const otherScopes = directoryDoc.scopes.map((s) => s.id).filter((id) => !allowed.has(id));
    assert.deepEqual(otherScopes.filter((id) => seen.has(id)), [], 'unreachable scope ids anywhere in the snapshot');

    const me = await request(server.url, 'GET', '/api/me', { headers: { cookie } });
    assert.deepEqual(me.body.tenants.map((t) => t.id).filter((id) => !allowed.has(id)), [], '/api/me lists unreachable tenants');
  });
}

test('sam, restricted to acme-mx, sees only acme-mx: not even the id of the organization', async () => {
  const cookie = await signIn(server.url, 'sam');
  const snap = await request(server.url, 'GET', '/api/me/snapshot', { headers: { cookie } });
  assert.deepEqual(snap.body.scopes.map((s) => s.id), ['acme-mx']);
  assert.ok(!JSON.stringify(snap.body).includes('"org"'));
});

test('the snapshot is always the signed-in user\'s: a query parameter cannot pick another', async () => {
  const cookie = await signIn(server.url, 'fiona');
  const snap = await request(server.url, 'GET', '/api/me/snapshot?subject=ada', { headers: { cookie } });
  assert.equal(snap.body.subject, 'fiona');
});

test('without a sign-in there is no snapshot (401), and a forged cookie is nobody', async () => {
  const none = await request(server.url, 'GET', '/api/me/snapshot');
  assert.equal(none.status, 401);
  assert.equal(none.body.error.code, 'unauthenticated');
  const forged = await request(server.url, 'GET', '/api/me/snapshot', { headers: { cookie: 'rolecall_demo_user=key_ci' } });
  assert.equal(forged.status, 401);
  const unknown = await request(server.url, 'GET', '/api/me/snapshot', { headers: { cookie: 'rolecall_demo_user=mallory' } });
  assert.equal(unknown.status, 401);
});
