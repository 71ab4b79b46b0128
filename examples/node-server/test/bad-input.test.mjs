// Bad input never crashes the server and never allows: malformed bodies, wrong types, unknown
// actions, scopes, roles and dimensions, forged identities, a stale policy or directory version.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Policy } from 'rolecall';
import { guard } from 'rolecall/node';
import { Evaluator } from 'rolecall';
import { directoryText, policyText, request, signIn, startServer } from './helpers.mjs';

let server;
let ada; // the administrator: anything that is allowed at all is allowed to her
before(async () => {
  server = await startServer();
  ada = { cookie: await signIn(server.url, 'ada') };
});
after(() => server?.stop());

const cases = [
  ['a body that is not JSON', 'POST', '/api/scopes/org/actions/refunds.create', { raw: '{"context": ' }, 400, 'invalid_json'],
  ['a JSON body that is not an object', 'POST', '/api/scopes/org/actions/refunds.create', { raw: '"refunds"' }, 400],
  ['a context that is not a map of strings', 'POST', '/api/scopes/org/actions/refunds.create', { body: { context: { country: ['CL'] } } }, 400, 'invalid_request'],
  ['a resource that is a list', 'POST', '/api/scopes/org/actions/transfers.approve', { body: { resource: ['ada'] } }, 400, 'invalid_request'],
  ['an unknown action', 'POST', '/api/scopes/org/actions/refunds.crate', {}, 400, 'unknown_action'],
  ['an action name that is not a name', 'POST', '/api/scopes/org/actions/..%2F..%2Fetc', {}, 400, 'unknown_action'],
  // An unknown scope is refused like one the user cannot reach: a response never tells which exist.
  ['an unknown scope', 'POST', '/api/scopes/acme-ar/actions/refunds.create', {}, 403, 'out_of_scope'],
  ['an unknown dimension', 'POST', '/api/scopes/org/actions/refunds.create', { body: { context: { region: 'LATAM' } } }, 400, 'unknown_dimension'],
  ['maker-checker without the creator', 'POST', '/api/scopes/org/actions/transfers.approve', {}, 400, 'missing_resource_attribute'],
  ['a body far too large', 'POST', '/api/scopes/org/actions/refunds.create', { raw: JSON.stringify({ context: { country: 'x'.repeat(100_000) } }) }, 413],
  ['a data route at an unknown scope', 'GET', '/api/scopes/acme-ar/payments', {}, 403, 'out_of_scope'],
  ['an item that does not exist', 'POST', '/api/scopes/org/transfers/tr_999/approve', {}, 404, 'not_found'],
  ['a transfer with a negative amount', 'POST', '/api/scopes/org/transfers', { body: { amount: -5, beneficiary: 'x' } }, 400, 'invalid_request'],
  ['a webhook URL that is not https', 'POST', '/api/scopes/org/webhooks', { body: { url: 'javascript:alert(1)' } }, 400, 'invalid_request'],
  ['an assignment of an unknown role', 'POST', '/api/assignments', { body: { subject: 'fiona', role: 'superuser', scope: 'org' } }, 400, 'unknown_role'],
  // As the guards answer it: no `unknown_scope`, no "did you mean" naming a scope that exists.
  ['an assignment at an unknown scope', 'POST', '/api/assignments', { body: { subject: 'fiona', role: 'support', scope: 'nowhere' } }, 403, 'out_of_scope'],
  ['an assignment with a malformed context', 'POST', '/api/assignments', { body: { subject: 'fiona', role: 'support', scope: 'org', context: { country: 5 } } }, 400, 'invalid_request'],
  ['an assignment without a subject', 'POST', '/api/assignments', { body: { role: 'support', scope: 'org' } }, 400, 'invalid_request'],
  ['revoking an assignment id that does not exist', 'DELETE', '/api/assignments/a_0000000000000000', {}, 404, 'unknown_assignment'],
  ['removing by a position instead of an id', 'POST', '/api/assignments', { body: { remove: 0 } }, 400, 'invalid_request'],
  ['a page decided under another policy', 'GET', '/api/scopes/org/payments', { headers: { 'x-rolecall-policy': 'f'.repeat(64) } }, 409, 'policy_mismatch'],
  ['an unknown API route', 'GET', '/api/nothing/here', {}, 404, 'not_found'],
];

for (const [name, method, path, options, status, code] of cases) {
  test(`${name}: ${status}${code ? ` ${code}` : ''}, not an allow`, async () => {
    const res = await request(server.url, method, path, { ...options, headers: { ...ada, ...options.headers } });
    assert.equal(res.status, status, JSON.stringify(res.body));
    if (code) assert.equal(res.body.error.code, code);
  });
}

test('no identity, a forged cookie or an unknown API key: 401 on every enforced route', async () => {
  for (const headers of [{}, { cookie: 'rolecall_demo_user=%E0%A4%A' }, { authorization: 'Bearer key_nope' }, { authorization: 'Basic YWRhOg==' }]) {
    const res = await request(server.url, 'POST', '/api/scopes/org/actions/refunds.create', { headers });
    assert.equal(res.status, 401, JSON.stringify(headers));
    const data = await request(server.url, 'POST', '/api/scopes/acme-cl/payments/pay_cl_1/refund', { headers });
    assert.equal(data.status, 401);
  }
});

test('sign-in only as an example user', async () => {
  const res = await request(server.url, 'POST', '/api/session', { body: { user: 'key_ci' } });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, 'unknown_user');
});

test('after all of this the server is still up and still decides', async () => {
  assert.ok(server.alive(), server.stderr());
  const res = await request(server.url, 'POST', '/api/scopes/acme-cl/actions/refunds.create', { headers: ada });
  assert.equal(res.status, 200);
  assert.equal(server.stderr(), '');
});

test('a route naming an action the policy lacks is refused when it is defined, not when it is hit', () => {
  const evaluator = new Evaluator(Policy.parse(policyText), directoryText);
  assert.throws(() => guard(evaluator, () => 'ada', 'refunds.crate', () => 'org'), { code: 'unknown_action' });
});
