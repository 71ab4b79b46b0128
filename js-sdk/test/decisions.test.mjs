// `rolecall/decisions`: a page's first decisions from a prepared snapshot, without WebAssembly.
// The exhaustive comparison with the engine is parity.test.mjs (and the page in Chromium); here,
// what it does not reach: what is left `pending` and why, the errors, the form's checks, an
// expiring key over time, and the hand-over to the engine in a permission store.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy, RolecallError } from 'rolecall';
import { SnapshotDecisions } from 'rolecall/decisions';
import { createPermissionStore } from 'rolecall/dom';
import { examples, read, sdk } from './helpers.mjs';

const policy = Policy.parse(read(examples, 'payments', 'policy.yaml'));
const server = new Evaluator(policy, read(examples, 'payments', 'directory.yaml'));

const code = (f) => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof RolecallError, `not a RolecallError: ${e}`);
    return e.code;
  }
  assert.fail('no error');
};

test('a prepared snapshot is a snapshot: the engine builds from it and decides alike', () => {
  const snap = server.snapshot('carla', { decisions: true });
  assert.ok(snap.decisions, 'decisions prepared');
  assert.equal(server.snapshot('carla').decisions, undefined, 'only on request');
  const engine = Permissions.fromSnapshot(policy, snap);
  const sheet = SnapshotDecisions.from(JSON.stringify(snap));
  assert.equal(sheet.subject, 'carla');
  assert.equal(sheet.policyHash, policy.hash);
  for (const scope of ['org', 'acme-cl', 'acme-mx', 'nowhere']) {
    for (const context of [undefined, { country: 'CL' }, { country: 'MX' }, { country: '*' }]) {
      for (const action of ['refunds.create', 'payment_intents.view_export', 'transfers.approve']) {
        const o = { context, resource: { created_by: 'someone' } };
        assert.deepEqual(sheet.check(action, scope, o), engine.check(action, scope, o), `${action} ${scope} ${JSON.stringify(context)}`);
      }
      assert.deepEqual(sheet.allowedActions(scope, { context }), engine.allowedActions(scope, { context }));
    }
  }
  engine.free();
});

test('questions the prepared decisions leave to the engine are pending, and denied', () => {
  const sheet = SnapshotDecisions.from(server.snapshot('oscar', { decisions: true }));
  const pending = (d) => assert.equal(d.reason, 'pending') || assert.equal(d.allowed, false);
  // A time as RFC 3339 text is the engine's to parse (only an expiring key reads it).
  const key = SnapshotDecisions.from(server.snapshot('key_legacy', { decisions: true }));
  pending(key.check('webhooks.edit_endpoint', 'acme-cl', { now: '2025-01-01T00:00:00Z' }));
  // A malformed context or resource: the engine reports it.
  pending(sheet.check('refunds.create', 'acme-cl', { context: { country: 7 } }));
  pending(sheet.check('transfers.approve', 'acme-cl', { resource: { created_by: 7 } }));
  // A permission by a spelling other than its canonical name.
  const spelled = sheet.check('refunds:*', 'acme-cl');
  pending(spelled);
  assert.equal(sheet.answers('refunds:*', 'acme-cl'), false);
  assert.equal(sheet.answers('refunds.create', 'acme-cl'), true);
  assert.equal(sheet.can('refunds:*', 'acme-cl'), false);
  // A pending decision is a fresh object, like every other.
  const d = sheet.check('refunds:*', 'acme-cl');
  d.missing.push('x');
  assert.deepEqual(sheet.check('refunds:*', 'acme-cl').missing, []);
});

test('input errors are the engine\'s codes, in the engine\'s order', () => {
  const sheet = SnapshotDecisions.from(server.snapshot('carla', { decisions: true }));
  const engine = Permissions.fromSnapshot(policy, server.snapshot('carla'));
  for (const [action, scope, o] of [
    ['refunds.nope', 'acme-cl', undefined],
    ['refunds.create', 'acme-cl', { context: { planet: 'mars' } }],
    ['refunds.nope', 'nowhere', { context: { planet: 'mars' } }],
    ['refunds.create', 'nowhere', { context: { planet: 'mars' } }],
    ['transfers.approve', 'acme-cl', {}],
    ['x'.repeat(300), 'acme-cl', undefined],
    ['refunds.create', 'y'.repeat(300), undefined],
    ['refunds.create', 'acme-cl', { context: { country: 'z'.repeat(300) } }],
    [7, 'acme-cl', undefined],
    ['refunds.create', null, undefined],
    ['refunds.create', 'acme-cl', []],
    ['refunds.create', 'acme-cl', { now: Number.NaN }],
    ['refunds.\ud800', 'acme-cl', undefined],
  ]) {
    assert.equal(code(() => sheet.check(action, scope, o)), code(() => engine.check(action, scope, o)), `${String(action).slice(0, 20)} ${String(scope).slice(0, 20)}`);
  }
  assert.equal(code(() => sheet.scopesWhere('refunds.nope')), code(() => engine.scopesWhere('refunds.nope')));
  engine.free();
});

test('an expiring API key: its decisions before and after the instant, and no time', () => {
  const snap = server.snapshot('key_legacy', { decisions: true });
  const sheet = SnapshotDecisions.from(snap);
  const engine = Permissions.fromSnapshot(policy, snap);
  const at = Date.parse('2025-06-30T00:00:00Z');
  assert.equal(snap.decisions.expires.at_ms, at);
  for (const now of [at - 1, at, at + 1, new Date(at - 1), undefined]) {
    for (const action of ['webhooks.edit_endpoint', 'payment_intents.view_export']) {
      assert.deepEqual(sheet.check(action, 'acme-cl', { now }), engine.check(action, 'acme-cl', { now }), `${action} at ${now}`);
    }
    assert.deepEqual(sheet.allowedActions('acme-cl', { now }), engine.allowedActions('acme-cl', { now }));
  }
  assert.equal(code(() => sheet.check('webhooks.edit_endpoint', 'acme-cl', { now: null })), 'missing_time');
  engine.free();
});

test('a resource attribute is read from the resource\'s own properties only', () => {
  // As if the policy's `distinct_from` were `toString`: an empty resource does not give it.
  const snap = server.snapshot('pedro', { decisions: true });
  snap.decisions.distinct_from = snap.decisions.distinct_from.map(([column]) => [column, 'toString']);
  const sheet = SnapshotDecisions.from(snap);
  assert.equal(code(() => sheet.check('transfers.approve', 'acme-cl', { resource: {} })), 'missing_resource_attribute');
  assert.equal(sheet.check('transfers.approve', 'acme-cl', { resource: { toString: 'pedro' } }).reason, 'self_approval');
});

test('a snapshot without prepared decisions, or with a damaged form, is refused', () => {
  const plain = server.snapshot('oscar');
  assert.equal(code(() => SnapshotDecisions.from(plain)), 'invalid_value');
  assert.equal(code(() => SnapshotDecisions.from('{')), 'invalid_value');
  assert.equal(code(() => SnapshotDecisions.from(null)), 'invalid_value');
  const damaged = server.snapshot('oscar', { decisions: true });
  delete damaged.decisions.rows;
  assert.equal(code(() => SnapshotDecisions.from(damaged)), 'invalid_value');
  assert.equal(code(() => server.snapshot('oscar', { decisions: 'yes' })), 'invalid_value');
});

test('a permission store gates from the prepared decisions, then from the engine', () => {
  const snap = server.snapshot('carla', { decisions: true });
  const store = createPermissionStore(SnapshotDecisions.from(snap));
  const o = { context: { country: 'CL' } };
  const first = store.check('refunds.create', 'acme-cl', o);
  let notified = 0;
  store.subscribe(() => notified++);
  const engine = Permissions.fromSnapshot(policy, snap);
  store.set(engine);
  assert.equal(notified, 1);
  assert.deepEqual(store.check('refunds.create', 'acme-cl', o), first);
  engine.free();
});

test('bundled for a browser, the module holds no WebAssembly and stays small', async () => {
  const { build } = await import('esbuild');
  const out = await build({
    stdin: { contents: "export { SnapshotDecisions } from 'rolecall/decisions';", resolveDir: sdk, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const text = out.outputFiles[0].text;
  assert.doesNotMatch(text, /\.wasm|WebAssembly/);
  const gz = gzipSync(text, { level: 9 }).length;
  assert.ok(gz < 8 * 1024, `${gz} bytes gzipped`);
});
