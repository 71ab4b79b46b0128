// The HTTP probe (issue 20): every route, by every example user and API key and by nobody, with
// forged, missing and malformed input. Never a 5xx, never a "did you mean" hint that names a
// scope, and every allow of the generic decision route is one the native CLI also allows
// (checked in one `rolecall test` run).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { apiKeys, authFor, directoryFile, nativeCli, policyFile, request, startServer, users } from './helpers.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(() => server?.stop());

const scopes = ['org', 'acme-cl', 'acme-mx', 'acme-c', '*', 'x'.repeat(300), '%ED%A0%80'];
const routes = [
  ['GET', '/payments'],
  ['POST', '/payments/pay_cl_1/refund'],
  ['GET', '/refunds'],
  ['POST', '/refunds/re_1/cancel'],
  ['GET', '/transfers'],
  ['POST', '/transfers'],
  ['POST', '/transfers/tr_1/approve'],
  ['GET', '/api-keys'],
  ['POST', '/api-keys/ak_org_live/reveal'],
  ['GET', '/webhooks'],
  ['POST', '/webhooks'],
  ['POST', '/webhooks/we_1/test'],
  ['GET', '/links'],
  ['PATCH', '/links/ln_cl_1'],
  ['GET', '/team'],
  ['POST', '/team/invite'],
  ['POST', '/actions/refunds.create'],
  ['POST', '/actions/transfers.approve'],
  ['POST', `/actions/${'a'.repeat(200)}.${'b'.repeat(200)}`],
  ['POST', '/actions/refunds:manage'],
];
const bodies = [
  undefined,
  { context: { country: '*' } },
  { context: { country: 'MX' }, resource: { created_by: 'someone_else' } },
  { context: { country: 42 }, resource: { created_by: ['x'] } },
  { context: { ['d'.repeat(200)]: '\ud800' } },
  { amount: '1e999', beneficiary: 'x'.repeat(5000), url: 'https://example.com/\ud800', active: 'yes', name: {}, email: 42 },
  null,
];
const teamProbes = [
  ['POST', '/api/assignments/options', { subject: 'fiona', scope: 'acme-ar' }],
  ['POST', '/api/assignments/options', { subject: 'fiona', scope: 'acme-c' }],
  ['POST', '/api/assignments/options', { subject: 42, scope: 'org' }],
  ['POST', '/api/assignments/options', { subject: 'fiona', scope: 'org', context: { country: '*' } }],
  ['POST', '/api/assignments/preview', { add: { subject: 'fiona', role: 'support', scope: 'acme-ar' } }],
  ['POST', '/api/assignments', { subject: 'fiona', role: 'support', scope: 'acme-c' }],
  ['POST', '/api/assignments', { subject: 'f\ud800', role: 'support', scope: 'org' }],
  ['POST', '/api/assignments', { subject: 'x'.repeat(300), role: 'support', scope: 'org' }],
  ['POST', '/api/assignments', { subject: 'fiona', role: 'r'.repeat(300), scope: 'org' }],
  ['POST', '/api/assignments', { remove: 1.5 }],
  ['POST', '/api/assignments', { remove: -1 }],
  ['DELETE', '/api/assignments/99999999999999999999', undefined],
];

/** Every response: never a 5xx, never a hint naming what exists. */
function sane(res, what) {
  assert.ok(res.status < 500, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.doesNotMatch(JSON.stringify(res.body ?? ''), /did you mean/, what);
}

test('every route, by every subject and by nobody, with forged and malformed input: no 5xx, no hint', async () => {
  const allowed = [];
  for (const subject of [undefined, ...users, ...apiKeys]) {
    const headers = subject === undefined ? {} : await authFor(server.url, subject);
    for (const scope of scopes) {
      const probes = [];
      for (const [method, path] of routes) {
        // GET has no body: once.
        for (const body of method === 'GET' ? [undefined] : bodies) probes.push([method, path, body]);
      }
      // Sixteen requests at a time: the server answers each alone or among others the same.
      for (let i = 0; i < probes.length; i += 16) {
        await Promise.all(
          probes.slice(i, i + 16).map(async ([method, path, body]) => {
            const url = `/api/scopes/${scope}${path}`;
            const res = await request(server.url, method, url, { headers, body });
            const what = `${subject ?? 'nobody'} ${method} ${url} ${JSON.stringify(body)}`;
            sane(res, what);
            if (subject === undefined) assert.ok([400, 401, 404].includes(res.status), what);
            // A scope that does not exist is never told apart from one out of reach.
            if (scope === 'acme-c' && subject !== undefined) {
              assert.ok([400, 403, 404].includes(res.status), what);
              if (res.status === 400) assert.notEqual(res.body.error.code, 'unknown_scope', what);
            }
            // The business routes take the context from the server's data and ignore the body's;
            // the generic decision route takes it from the request, and refuses "*".
            if (path.startsWith('/actions/') && body?.context?.country === '*') {
              assert.notEqual(res.status, 200, `"*" is refused: ${what}`);
            }
            const action = /^\/actions\/([a-z_]+\.[a-z_]+)$/.exec(path)?.[1];
            if (action !== undefined && res.status === 200 && subject !== undefined) {
              allowed.push({ subject, action, scope, context: body?.context, resource: body?.resource });
            }
          }),
        );
      }
    }
    for (const [method, path, body] of teamProbes) {
      const res = await request(server.url, method, path, { headers: { ...headers, 'x-rolecall-version': '1' }, body });
      const what = `${subject ?? 'nobody'} ${method} ${path} ${JSON.stringify(body)}`;
      sane(res, what);
      assert.notEqual(res.body?.error?.code, 'unknown_scope', what);
      if (subject === undefined) assert.equal(res.status, 401, what);
    }
  }
  assert.ok(server.alive(), server.stderr());
  assert.ok(allowed.length > 0);

  // Every allow, decided again by the native CLI in one policy test file.
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-probe-'));
  try {
    const now = new Date().toISOString();
    const cases = allowed.map((q) => ({
      query: { ...q, ...(apiKeys.includes(q.subject) ? { now } : {}) },
      expect: 'allow',
    }));
    const file = join(dir, 'probe.json');
    writeFileSync(file, JSON.stringify({ policy: policyFile, directory: directoryFile, cases }));
    const run = spawnSync(nativeCli(), ['test', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`^${cases.length} passed, 0 failed$`, 'm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the team endpoints answer an unknown scope exactly as a scope out of reach', async () => {
  const headers = await authFor(server.url, 'sam'); // support in acme-mx: administers nothing
  const unknown = await request(server.url, 'POST', '/api/assignments/options', { headers, body: { subject: 'fiona', scope: 'acme-c' } });
  const outOfReach = await request(server.url, 'POST', '/api/assignments/options', { headers, body: { subject: 'fiona', scope: 'acme-cl' } });
  assert.equal(unknown.status, 403);
  assert.equal(outOfReach.status, 403);
  const admin = await authFor(server.url, 'olga');
  const add = await request(server.url, 'POST', '/api/assignments', { headers: admin, body: { subject: 'fiona', role: 'support', scope: 'acme-c' } });
  assert.equal(add.status, 403);
  assert.equal(add.body.error.code, 'out_of_scope');
  assert.equal(add.body.error.message.includes('acme-cl'), false);
});

test('adding the same assignment twice (or twenty times at once) keeps one copy', async () => {
  const headers = await authFor(server.url, 'olga');
  const add = { subject: 'fiona', role: 'support', scope: 'acme-mx' };
  const results = await Promise.all(Array.from({ length: 20 }, () => request(server.url, 'POST', '/api/assignments', { headers, body: add })));
  for (const r of results) assert.ok(r.status < 300, JSON.stringify(r.body));
  assert.equal(new Set(results.map((r) => r.body.index)).size, 1);
  const team = await request(server.url, 'GET', '/api/scopes/acme-mx/team', { headers });
  assert.equal(team.body.assignments.filter((a) => a.subject === 'fiona' && a.role === 'support' && a.scope === 'acme-mx').length, 1);
});
