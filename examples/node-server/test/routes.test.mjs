// Every route of the dashboard's API is enforced: for each one, a user it allows and users it
// refuses, with the SPEC reason code the refusal carries. Items are decided at their own scope
// and with their own attributes (a payment's country, a transfer's creator), read on the server.
// Run twice: with the business data in memory (DIRECTORY_STORE=memory, lists filtered by
// `matcher`) and in tables of a fresh PGlite database (lists filtered in SQL by `toSql`).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { authFor, request, startServer } from './helpers.mjs';

/** PGlite's first start initializes a database (WebAssembly PostgreSQL): slow on a busy machine. */
const START_MS = 90_000;

const modes = [
  ['in memory', () => ({ env: {}, done: () => undefined })],
  [
    'in PGlite tables (lists filtered in SQL)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'rolecall-routes-'));
      return { env: { DATA_DIR: dir }, done: () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
];

for (const [mode, setup] of modes) {
  describe(`business data ${mode}`, () => {
    let server;
    let cleanup;
    before(async () => {
      const { env, done } = setup();
      cleanup = done;
      server = await startServer(env, { timeoutMs: START_MS });
    });
    after(async () => {
      await server?.stop();
      cleanup?.();
    });

    async function as(subject, method, path, body) {
      return request(server.url, method, path, { headers: await authFor(server.url, subject), body });
    }

    // [route, subject, expected status, expected code (refusals)]
    const table = [
      ['GET /api/scopes/acme-cl/payments', 'fiona', 200],
      // A list holds what the user may see of it (issue 15): possibly nothing, never a refusal.
      ['GET /api/scopes/acme-cl/payments', 'sam', 200],
      ['GET /api/scopes/org/payments', 'carla', 200],
      ['GET /api/scopes/acme-cl/payments', 'carla', 200],
      ['POST /api/scopes/acme-cl/payments/pay_cl_1/refund', 'fiona', 403, 'missing_permission'],
      ['POST /api/scopes/org/payments/pay_mx_1/refund', 'carla', 403, 'context_mismatch'],
      ['POST /api/scopes/acme-cl/payments/pay_cl_1/refund', 'carla', 201],
      ['POST /api/scopes/acme-mx/payments/pay_mx_1/refund', 'sam', 201],
      ['POST /api/scopes/acme-mx/refunds/re_mx_1/cancel', 'fiona', 403, 'missing_permission'],
      ['POST /api/scopes/acme-mx/refunds/re_mx_1/cancel', 'sam', 200],
      ['GET /api/scopes/org/transfers', 'priya', 200],
      ['POST /api/scopes/acme-cl/transfers', 'pedro', 403, 'missing_permission', { amount: 10, beneficiary: 'X' }],
      ['POST /api/scopes/acme-cl/transfers', 'mario', 201, undefined, { amount: 10, beneficiary: 'X' }],
      ['POST /api/scopes/acme-cl/transfers/tr_1/approve', 'paula', 403, 'self_approval'],
      ['POST /api/scopes/acme-cl/transfers/tr_2/approve', 'paula', 403, 'missing_permission'],
      ['POST /api/scopes/acme-cl/transfers/tr_1/approve', 'key_treasury', 403, 'forbidden'],
      ['POST /api/scopes/acme-cl/transfers/tr_1/approve', 'pedro', 200],
      ['GET /api/scopes/acme-cl/api-keys', 'fiona', 403, 'missing_permission'],
      ['POST /api/scopes/acme-cl/api-keys/ak_cl_live/roll', 'bob', 403, 'missing_permission'],
      ['POST /api/scopes/acme-cl/api-keys/ak_cl_live/reveal', 'bob', 403, 'missing_permission'],
      ['POST /api/scopes/acme-cl/api-keys/ak_cl_live/roll', 'diego', 200],
      ['POST /api/scopes/acme-cl/api-keys/ak_cl_test/activate', 'diego', 200],
      ['POST /api/scopes/acme-cl/webhooks', 'priya', 403, 'missing_permission', { url: 'https://x.example/h' }],
      ['POST /api/scopes/acme-cl/webhooks', 'diego', 201, undefined, { url: 'https://x.example/h' }],
      ['POST /api/scopes/acme-cl/webhooks/we_cl_1/test', 'fiona', 403, 'missing_permission'],
      ['POST /api/scopes/acme-cl/webhooks/we_cl_1/test', 'priya', 200],
      ['POST /api/scopes/acme-cl/webhooks/we_cl_1/test', 'key_ci', 200],
      ['POST /api/scopes/acme-cl/webhooks/we_cl_1/test', 'key_legacy', 403, 'expired'],
      ['PATCH /api/scopes/acme-cl/links/ln_cl_1', 'fiona', 403, 'missing_permission', { active: false }],
      ['PATCH /api/scopes/acme-cl/links/ln_cl_1', 'oscar', 200, undefined, { active: false }],
      ['DELETE /api/scopes/acme-cl/links/ln_cl_2', 'priya', 403, 'missing_permission'],
      ['DELETE /api/scopes/acme-cl/links/ln_cl_2', 'oscar', 204],
      ['GET /api/scopes/acme-mx/team', 'sam', 200],
      ['POST /api/scopes/org/team/invite', 'oscar', 403, 'missing_permission', { email: 'new@acme.example' }],
      ['POST /api/scopes/org/team/invite', 'olga', 201, undefined, { email: 'new@acme.example' }],
    ];

    for (const [route, subject, status, code, body] of table) {
      test(`${route} as ${subject}: ${status}${code ? ` ${code}` : ''}`, async () => {
        const [method, path] = route.split(' ');
        const res = await as(subject, method, path, body);
        assert.equal(res.status, status, JSON.stringify(res.body));
        if (code !== undefined) {
          assert.equal(res.body.error.code, code);
          assert.equal(typeof res.body.error.message, 'string');
        }
      });
    }

    test('a transfer created by ada cannot be approved by ada (maker-checker from the stored creator)', async () => {
      const created = await as('ada', 'POST', '/api/scopes/org/transfers', { amount: 99, beneficiary: 'Self Dealing Ltd' });
      assert.equal(created.status, 201);
      assert.equal(created.body.created_by, 'ada');
      const approve = await as('ada', 'POST', `/api/scopes/org/transfers/${created.body.id}/approve`, { created_by: 'someone_else' });
      assert.equal(approve.status, 403);
      assert.equal(approve.body.error.code, 'self_approval');
      assert.equal(approve.body.error.message, 'A transfer is approved by someone other than the person who created it');
    });

    test('an item outside the URL\'s tenant is not found there', async () => {
      const res = await as('ada', 'POST', '/api/scopes/acme-mx/payments/pay_cl_2/refund');
      assert.equal(res.status, 404);
    });

    test('concurrent refunds of one payment make one refund; the others are 409 with its status', async () => {
      const auth = await authFor(server.url, 'ada');
      const results = await Promise.all(
        Array.from({ length: 8 }, () => request(server.url, 'POST', '/api/scopes/acme-cl/payments/pay_cl_2/refund', { headers: auth })),
      );
      assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409, 409, 409]);
      assert.equal(results.find((r) => r.status === 409).body.error.message, 'Payment pay_cl_2 is refunded');
      const refunds = (await as('ada', 'GET', '/api/scopes/acme-cl/refunds')).body.filter((r) => r.payment === 'pay_cl_2');
      assert.equal(refunds.length, 1);
    });

    test('lists hold only the items of the tenant\'s subtree', async () => {
      const mx = await as('sam', 'GET', '/api/scopes/acme-mx/payments');
      assert.deepEqual([...new Set(mx.body.map((p) => p.scope))], ['acme-mx']);
    });

    test('at the group level each list holds exactly what the user may see: Carla the Chilean payments, Sam the Mexican, Fiona all', async () => {
      const ids = async (subject, path) => {
        const res = await as(subject, 'GET', path);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body.map((x) => x.id);
      };
      assert.deepEqual(await ids('carla', '/api/scopes/org/payments'), ['pay_cl_1', 'pay_cl_2', 'pay_cl_3']);
      assert.deepEqual(await ids('sam', '/api/scopes/org/payments'), ['pay_mx_1', 'pay_mx_2']);
      assert.deepEqual(await ids('fiona', '/api/scopes/org/payments'), ['pay_cl_1', 'pay_cl_2', 'pay_cl_3', 'pay_mx_1', 'pay_mx_2']);
      assert.deepEqual(await ids('sam', '/api/scopes/acme-cl/payments'), []);
      assert.deepEqual(await ids('priya', '/api/scopes/org/transfers'), []);
      // Other tests add refunds: Carla's are every Chilean one and no other.
      const refunds = (await as('carla', 'GET', '/api/scopes/org/refunds')).body;
      assert.ok(refunds.some((r) => r.id === 're_cl_1'));
      assert.deepEqual([...new Set(refunds.map((r) => r.country))], ['CL']);
      // Each item keeps what the page gates its buttons with: its scope and country.
      const [first] = (await as('carla', 'GET', '/api/scopes/org/payments')).body;
      assert.deepEqual([first.scope, first.country], ['acme-cl', 'CL']);
    });

    test('lists are paginated, with the total in X-Total-Count, and refuse a bad page', async () => {
      const page = await as('fiona', 'GET', '/api/scopes/org/payments?offset=1&limit=2');
      assert.equal(page.status, 200);
      assert.deepEqual(page.body.map((p) => p.id), ['pay_cl_2', 'pay_cl_3']);
      assert.equal(page.headers.get('x-total-count'), '5');
      for (const q of ['limit=0', 'limit=201', 'offset=-1', 'offset=x', 'limit=1.5']) {
        const res = await as('fiona', 'GET', `/api/scopes/org/payments?${q}`);
        assert.equal(res.status, 400, q);
        assert.equal(res.body.error.code, 'invalid_request', q);
      }
    });
  });
}
