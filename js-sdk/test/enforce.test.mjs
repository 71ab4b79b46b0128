// `rolecall/node`: server-side enforcement refuses by default and answers with SPEC's codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy } from 'rolecall';
import { enforce, guard } from 'rolecall/node';
import { examples, read } from './helpers.mjs';

const policy = Policy.parse(read(examples, 'payments', 'policy.yaml'));
const ev = new Evaluator(policy, read(examples, 'payments', 'directory.yaml'));

test('an allowed request carries the decision', () => {
  const o = enforce(ev, 'refunds.create', { subject: 'oscar', scope: 'acme-cl' });
  assert.equal(o.allowed, true);
  assert.equal(o.status, 200);
  assert.equal(o.decision.reason, 'granted');
});

test('a denied request is 403 with the reason code and the tooltip message', () => {
  const o = enforce(ev, 'refunds.create', { subject: 'sam', scope: 'acme-cl' });
  assert.equal(o.status, 403);
  assert.equal(o.body.error.code, 'out_of_scope');
  assert.equal(o.body.error.message, ev.check('sam', 'refunds.create', { scope: 'acme-cl' }).message);
});

test('nobody signed in is 401, never an allow', () => {
  assert.equal(enforce(ev, 'refunds.create', { subject: undefined, scope: 'org' }).status, 401);
});

test('an input error is 400 with its code', () => {
  const o = enforce(ev, 'refunds.nope', { subject: 'oscar', scope: 'org' });
  assert.equal(o.status, 400);
  assert.equal(o.body.error.code, 'unknown_action');
});

test('an unknown scope is refused as the page refuses it, never telling which scopes exist', () => {
  const page = Permissions.fromSnapshot(ev.policy, ev.snapshot('oscar'));
  for (const subject of ['oscar', 'sam', 'nobody']) {
    const o = enforce(ev, 'refunds.create', { subject, scope: 'mars' });
    assert.equal(o.status, 403);
    assert.equal(o.body.error.code, 'out_of_scope');
    assert.equal(JSON.stringify(o.body).includes('acme'), false, JSON.stringify(o.body));
  }
  const o = enforce(ev, 'refunds.create', { subject: 'oscar', scope: 'mars' });
  assert.equal(o.body.error.message, page.check('refunds.create', { scope: 'mars' }).message);
});

test('an audit hook sees every decision, and a failing one refuses', () => {
  const seen = [];
  enforce(ev, 'refunds.create', { subject: 'oscar', scope: 'org' }, (e) => seen.push(e.code));
  enforce(ev, 'refunds.create', { subject: 'sam', scope: 'org' }, (e) => seen.push(e.code));
  assert.deepEqual(seen, ['granted', 'out_of_scope']);
  const o = enforce(ev, 'refunds.create', { subject: 'oscar', scope: 'org' }, () => {
    throw new Error('disk full');
  });
  assert.equal(o.status, 500);
});

test('a route naming an unknown action fails when it is defined', () => {
  assert.throws(() => guard(ev, 'refunds.destroy', { subject: () => 'x', scope: () => 'org' }), { code: 'unknown_action' });
});

test('the Express guard answers 403 with the body, or calls next', async () => {
  const g = guard(ev, 'refunds.create', { subject: (r) => r.user, scope: (r) => r.scope });
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
