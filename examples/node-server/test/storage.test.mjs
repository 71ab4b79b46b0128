// The server with its directory and its business data in a database (rolecall/postgres, and
// the example's own tables): a role given, a custom role created on the Team page and assigned,
// and a refund made survive `kill -9` and a restart, on PGlite (the default, files under
// DATA_DIR) and on PostgreSQL (DATABASE_URL, a throwaway cluster); two servers on one PostgreSQL agree within the bound, and
// 20 concurrent assignments of the one-holder account_owner role through both leave exactly one;
// with PostgreSQL down, the business routes answer 503 and decisions go on.
// About 15 s (four server starts with PGlite or pg, one PostgreSQL cluster).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { startPostgres } from '../../../tests/support/postgres.mjs';
import { authFor, request, startServer } from './helpers.mjs';

/** PGlite's first start initializes a database (WebAssembly PostgreSQL): slow on a busy machine. */
const START_MS = 90_000;

/** The propagation bound the README promises: NOTIFY, else the 1 s timer. */
const BOUND_MS = 1500;

async function as(server, subject, method, path, body) {
  return request(server.url, method, path, { headers: await authFor(server.url, subject), body });
}

const refund = (server) => as(server, 'fiona', 'POST', '/api/scopes/acme-cl/payments/pay_cl_2/refund');

/** Gives fiona Support at acme-cl through `server` (as olga, the team lead). */
async function giveFionaSupport(server) {
  assert.equal((await refund(server)).status, 403, 'refused before');
  const saved = await as(server, 'olga', 'POST', '/api/assignments', { subject: 'fiona', role: 'support', scope: 'acme-cl' });
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  return saved.body;
}

const marioRefund = (server) => as(server, 'mario', 'POST', '/api/scopes/acme-cl/payments/pay_cl_1/refund');

/** olga creates a custom role for acme-cl and gives it to mario, through `server`. */
async function giveMarioRefundDesk(server) {
  assert.equal((await marioRefund(server)).status, 403, 'refused before');
  // Mario (transfers only) needs to see payments and to refund them.
  const role = { id: 'refund_desk', label: 'Refund desk', scope: 'acme-cl', grants: { payment_intents: ['view'], refunds: ['manage'] } };
  const created = await as(server, 'olga', 'POST', '/api/roles', { role });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const given = await as(server, 'olga', 'POST', '/api/assignments', { subject: 'mario', role: 'refund_desk', scope: 'acme-cl' });
  assert.equal(given.status, 201, JSON.stringify(given.body));
  assert.equal((await marioRefund(server)).status, 201);
  return given.body;
}

/**
 * Gives a role and a new custom role, kills the server with SIGKILL, restarts it on the same
 * database: both still there (the load knows the custom role its assignment names).
 */
async function survivesKill9(env) {
  const first = await startServer(env, { timeoutMs: START_MS });
  let second;
  try {
    const saved = await giveFionaSupport(first);
    const made = await refund(first);
    assert.equal(made.status, 201);
    const desk = await giveMarioRefundDesk(first);
    await first.crash();
    second = await startServer(env, { timeoutMs: START_MS });
    // The business data is in the database too: the refund made before the crash, and its
    // payment's new status, are there after it (read through the lists' SQL filter).
    const refunds = await as(second, 'fiona', 'GET', '/api/scopes/acme-cl/refunds');
    assert.deepEqual(refunds.body.find((x) => x.id === made.body.id), made.body, 'the refund survived kill -9 and restart');
    const payments = await as(second, 'carla', 'GET', '/api/scopes/org/payments');
    assert.deepEqual(payments.body.map((p) => [p.id, p.status]), [['pay_cl_1', 'refunded'], ['pay_cl_2', 'refunded'], ['pay_cl_3', 'refunded']]);
    assert.equal(payments.headers.get('x-total-count'), '3');
    // Allowed (not 403: the role survived), but the payment is refunded already (409).
    assert.equal((await refund(second)).status, 409, 'the role survived; the payment is refunded');
    const cancelled = await as(second, 'fiona', 'POST', `/api/scopes/acme-cl/refunds/${made.body.id}/cancel`);
    assert.equal(cancelled.status, 200, 'the role survived kill -9 and restart');
    // The payment is refundable again, by mario's custom role.
    const desk2 = await as(second, 'mario', 'POST', '/api/scopes/acme-cl/payments/pay_cl_2/refund');
    assert.equal(desk2.status, 201, 'the custom role and its assignment survived');
    assert.notEqual(desk2.body.id, made.body.id, 'the ids made after the restart are new ones');
    const options = await as(second, 'olga', 'POST', '/api/roles/options', { scope: 'acme-cl' });
    assert.deepEqual(options.body.roles.map((r) => r.id), ['refund_desk']);
    const me = await as(second, 'fiona', 'GET', '/api/me');
    assert.equal(me.body.version, desk.version, 'the directory version persists: it does not start over at 1');
    // The Team page's history: who gave it, and what it changed; the role's creation too.
    const history = await as(second, 'olga', 'GET', '/api/assignments/history?scope=acme-cl');
    assert.equal(history.status, 200);
    const given = history.body.changes.find((c) => c.change.add?.id === saved.id);
    assert.equal(given.actor, 'olga');
    const created = history.body.changes.find((c) => c.change.kind === 'role');
    assert.deepEqual([created.actor, created.subject, created.change.add.grants], ['olga', 'refund_desk', { payment_intents: ['view'], refunds: ['manage'] }]);
    // Removed by its id on the restarted server.
    const revoked = await as(second, 'olga', 'DELETE', `/api/assignments/${saved.id}`);
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.equal((await refund(second)).status, 403);
  } finally {
    await first.stop();
    await second?.stop();
  }
}

test('PGlite (the default): a role given and a refund made survive kill -9 and restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-server-'));
  try {
    await survivesKill9({ DATA_DIR: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

let postgres;
before(async () => {
  postgres = await startPostgres();
});
after(() => postgres?.stop());

test('PostgreSQL: a role given and a refund made survive kill -9 and restart', async () => {
  const db = 'crash';
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  await survivesKill9({ DATABASE_URL: postgres.url.replace(/\/[^/]*$/, `/${db}`) });
});

test('PostgreSQL: two servers agree within the bound; a max_holders race through both has one winner', async () => {
  const env = { DATABASE_URL: postgres.url };
  const a = await startServer(env, { timeoutMs: START_MS });
  const b = await startServer(env, { timeoutMs: START_MS });
  try {
    await giveFionaSupport(a);
    const start = performance.now();
    while ((await refund(b)).status !== 201) {
      assert.ok(performance.now() - start < BOUND_MS, `server b enforces the role given through a within ${BOUND_MS} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    // Free the one account_owner seat (ada's), then 20 people race for it through both servers.
    const team = await as(a, 'ada', 'GET', '/api/scopes/org/team');
    const owner = team.body.assignments.find((x) => x.role === 'account_owner');
    assert.equal((await as(a, 'ada', 'DELETE', `/api/assignments/${owner.id}`)).status, 200);
    const auth = await authFor(a.url, 'ada');
    const attempts = Array.from({ length: 20 }, (_, i) =>
      request((i % 2 ? a : b).url, 'POST', '/api/assignments', {
        headers: auth,
        body: { subject: `racer${i}`, role: 'account_owner', scope: 'org' },
      }),
    );
    const results = await Promise.all(attempts);
    const won = results.filter((r) => r.status === 201);
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => [r.status, r.body?.error?.code])));
    for (const r of results.filter((x) => x.status !== 201)) {
      assert.ok(['max_holders_exceeded', 'max_holders_reached'].includes(r.body.error.code), JSON.stringify(r.body));
    }
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const { rows } = await client.query("SELECT count(*)::int AS n FROM rolecall_assignments WHERE role = 'account_owner'");
    await client.end();
    assert.equal(rows[0].n, 1);
  } finally {
    await a.stop();
    await b.stop();
  }
});

test('PostgreSQL down: the business routes answer 503 store_unavailable; decisions go on', async () => {
  const own = await startPostgres();
  let server;
  try {
    server = await startServer({ DATABASE_URL: own.url }, { timeoutMs: START_MS });
    assert.equal((await as(server, 'carla', 'GET', '/api/scopes/org/payments')).status, 200);
    await own.stop();
    const list = await as(server, 'carla', 'GET', '/api/scopes/org/payments');
    assert.equal(list.status, 503, JSON.stringify(list.body));
    assert.equal(list.body.error.code, 'store_unavailable');
    const refund = await as(server, 'carla', 'POST', '/api/scopes/acme-cl/payments/pay_cl_1/refund');
    assert.equal(refund.status, 503);
    // Refused at the tenant before the database is asked: still the refusal, not a 503.
    const refused = await as(server, 'sam', 'POST', '/api/scopes/acme-cl/payments/pay_cl_1/refund');
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    const decided = await as(server, 'carla', 'POST', '/api/scopes/acme-cl/actions/refunds.create', { context: { country: 'CL' } });
    assert.equal(decided.status, 200, 'decisions go on from the directory in memory');
    assert.ok(server.alive());
  } finally {
    await server?.stop();
    await own.stop();
  }
});
