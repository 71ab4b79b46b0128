// `rolecall/node`: server-side enforcement refuses by default and answers with SPEC's codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy } from 'rolecall';
import { enforce, fastifyGuard, guard } from 'rolecall/node';
import { examples, read } from './helpers.mjs';

const policy = Policy.parse(read(examples, 'payments', 'policy.yaml'));
const ev = new Evaluator(policy, read(examples, 'payments', 'directory.yaml'));

test('an allowed request carries the decision', () => {
  const o = enforce(ev, 'oscar', 'refunds.create', 'acme-cl');
  assert.equal(o.allowed, true);
  assert.equal(o.status, 200);
  assert.equal(o.decision.reason, 'granted');
});

test('a denied request is 403 with the reason code and the tooltip message', () => {
  const o = enforce(ev, 'sam', 'refunds.create', 'acme-cl');
  assert.equal(o.status, 403);
  assert.equal(o.body.error.code, 'out_of_scope');
  assert.equal(o.body.error.message, ev.check('sam', 'refunds.create', 'acme-cl').message);
});

test('nobody signed in is 401, never an allow', () => {
  assert.equal(enforce(ev, undefined, 'refunds.create', 'org').status, 401);
});

test('an input error is 400 with its code', () => {
  const o = enforce(ev, 'oscar', 'refunds.nope', 'org');
  assert.equal(o.status, 400);
  assert.equal(o.body.error.code, 'unknown_action');
});

test('an unknown scope is refused as the page refuses it, never telling which scopes exist', () => {
  const page = Permissions.fromSnapshot(ev.policy, ev.snapshot('oscar'));
  for (const subject of ['oscar', 'sam', 'nobody']) {
    const o = enforce(ev, subject, 'refunds.create', 'mars');
    assert.equal(o.status, 403);
    assert.equal(o.body.error.code, 'out_of_scope');
    assert.equal(JSON.stringify(o.body).includes('acme'), false, JSON.stringify(o.body));
  }
  const o = enforce(ev, 'oscar', 'refunds.create', 'mars');
  assert.equal(o.body.error.message, page.check('refunds.create', 'mars').message);
});

test('an audit hook sees every decision, and a failing one refuses', () => {
  const seen = [];
  enforce(ev, 'oscar', 'refunds.create', 'org', { audit: (e) => seen.push(e.code) });
  enforce(ev, 'sam', 'refunds.create', 'org', { audit: (e) => seen.push(e.code) });
  assert.deepEqual(seen, ['granted', 'out_of_scope']);
  const failing = () => {
    throw new Error('disk full');
  };
  const o = enforce(ev, 'oscar', 'refunds.create', 'org', { audit: failing });
  assert.equal(o.status, 500);
});

test('a route naming an unknown action fails when it is defined', () => {
  assert.throws(() => guard(ev, () => 'x', 'refunds.destroy', () => 'org'), { code: 'unknown_action' });
});

test('the Express guard answers 403 with the body, or calls next', async () => {
  const g = guard(ev, (r) => r.user, 'refunds.create', (r) => r.scope);
  const run = (req) =>
    new Promise((resolve) => {
      const res = { locals: {}, status: (s) => ({ json: (b) => resolve({ s, b }) }) };
      g(req, res, () => resolve({ s: 'next', d: res.locals.rolecall }));
    });
  assert.equal((await run({ user: 'oscar', scope: 'acme-cl' })).s, 'next');
  const denied = await run({ user: 'sam', scope: 'acme-cl' });
  assert.equal(denied.s, 403);
  assert.equal(denied.b.error.code, 'out_of_scope');
  assert.equal((await run({ user: 'oscar' })).s, 400);
});

test('a guard reads its options from the request: maker-checker on the resource it loads', async () => {
  const g = fastifyGuard(ev, (r) => r.user, 'transfers.approve', () => 'org', {
    resource: async (r) => ({ created_by: r.createdBy }),
  });
  const reply = { code: (s) => ({ send: (b) => ({ s, b }) }) };
  assert.equal(await g({ user: 'pedro', createdBy: 'paula' }, reply), undefined);
  assert.equal((await g({ user: 'pedro', createdBy: 'pedro' }, reply)).b.error.code, 'self_approval');
});
