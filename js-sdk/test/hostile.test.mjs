// Hostile input through the SDK (issue 20): every exported function against wrong types, missing
// arguments, huge and invalid values, unpaired surrogates, and after `free()`. Each is a
// `RolecallError` with a code, never a WebAssembly trap, a TypeError, a RangeError or an answer;
// `canIds`, whose contract is "never throws", answers `false` for anything that is not an id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy, RolecallError, diff, runTestFile } from 'rolecall';
import { enforce } from 'rolecall/node';
import { matcher, matches, prismaWhere, toSql } from 'rolecall/filter';
import { examples, read } from './helpers.mjs';

const policyText = read(examples, 'payments', 'policy.yaml');
const directoryText = read(examples, 'payments', 'directory.yaml');
const policy = Policy.parse(policyText);
const ev = new Evaluator(policy, directoryText);
const ACTION = 'refunds.create';

/** `f` throws a RolecallError with `code` (and never anything else). */
function refuses(f, code, what) {
  assert.throws(f, (e) => {
    assert.ok(e instanceof RolecallError, `${what}: ${e?.constructor?.name} ${e?.message}`);
    assert.equal(e.code, code, `${what}: ${e.message}`);
    return true;
  });
}

const notStrings = [undefined, null, 42, 0, NaN, true, {}, [], ['org'], () => 'org', Symbol('x'), 10n, { toString: () => 'org' }];

test('a check with an argument that is not a string is invalid_value, never a trap (the numeric user id)', () => {
  for (const bad of notStrings) {
    for (const f of ['can', 'check']) {
      refuses(() => ev[f](bad, ACTION, 'acme-cl'), 'invalid_value', `${f}(subject ${String(bad)})`);
      refuses(() => ev[f]('oscar', bad, 'acme-cl'), 'invalid_value', `${f}(action ${String(bad)})`);
      refuses(() => ev[f]('oscar', ACTION, bad), 'invalid_value', `${f}(scope ${String(bad)})`);
    }
    refuses(() => ev.allowedActions(bad, 'org'), 'invalid_value', 'allowedActions subject');
    refuses(() => ev.allowedActions('oscar', bad), 'invalid_value', 'allowedActions scope');
    refuses(() => ev.scopesWhere(bad, ACTION), 'invalid_value', 'scopesWhere subject');
    refuses(() => ev.scopesWhere('oscar', bad), 'invalid_value', 'scopesWhere action');
    refuses(() => ev.snapshot(bad), 'invalid_value', 'snapshot');
    refuses(() => ev.prepare(bad), 'invalid_value', 'prepare');
    refuses(() => ev.canMany(bad, [[ACTION, 'org']]), 'invalid_value', 'canMany subject');
    refuses(() => ev.removeApiKey(bad), 'invalid_value', 'removeApiKey');
  }
  // The evaluator still works afterwards: nothing trapped.
  assert.equal(ev.can('oscar', ACTION, 'acme-cl'), true);
});

test('missing arguments and options that are not objects are invalid_value', () => {
  refuses(() => ev.can(), 'invalid_value', 'can()');
  refuses(() => ev.can('oscar', ACTION), 'invalid_value', 'can without scope');
  refuses(() => ev.check('oscar'), 'invalid_value', 'check without action');
  for (const bad of [null, 42, 'now', [], true]) {
    refuses(() => ev.can('oscar', ACTION, 'org', bad), 'invalid_value', `can options ${String(bad)}`);
    refuses(() => ev.check('oscar', ACTION, 'org', bad), 'invalid_value', `check options ${String(bad)}`);
    refuses(() => ev.allowedActions('oscar', 'org', bad), 'invalid_value', 'allowedActions options');
    refuses(() => ev.canMany('oscar', [[ACTION, 'org']], bad), 'invalid_value', 'canMany options');
  }
  for (const bad of [undefined, null, 42, 'x', [[ACTION]], [null], [[ACTION, 'org', 'x']]]) {
    refuses(() => ev.canMany('oscar', bad), 'invalid_value', `canMany pairs ${JSON.stringify(bad)}`);
  }
  for (const m of ['canAssign', 'canRevoke', 'canCopy', 'addAssignment', 'addGrant', 'addApiKey']) {
    for (const bad of [undefined, null, 42, 'x', [], { big: 10n }]) {
      refuses(() => ev[m](bad), 'invalid_value', `${m}(${typeof bad})`);
    }
  }
  const cyclic = { subject: 'x' };
  cyclic.self = cyclic;
  refuses(() => ev.addAssignment(cyclic), 'invalid_value', 'a cyclic assignment');
  refuses(() => ev.check('oscar', ACTION, 'org', { context: { country: 10n } }), 'invalid_value', 'a BigInt context');
});

test('constructors and tools refuse what is not a policy, a document or an evaluator', () => {
  for (const bad of [undefined, null, 42, true, [], () => 1]) {
    refuses(() => Policy.parse(bad), 'invalid_value', `Policy.parse(${String(bad)})`);
    refuses(() => new Evaluator(policy, bad), 'invalid_value', `new Evaluator(policy, ${String(bad)})`);
    refuses(() => new Evaluator(bad, directoryText), 'invalid_value', `new Evaluator(${String(bad)})`);
    refuses(() => Evaluator.fromSnapshot(policy, bad), 'invalid_value', `fromSnapshot(${String(bad)})`);
    refuses(() => diff(bad, ev), 'invalid_value', 'diff before');
    refuses(() => diff(ev, bad), 'invalid_value', 'diff after');
    refuses(() => runTestFile(bad, () => ''), 'invalid_value', 'runTestFile text');
  }
  refuses(() => new Evaluator({}, directoryText), 'invalid_value', 'a plain object as the policy');
  refuses(() => runTestFile('cases: []', 'not a function'), 'invalid_value', 'runTestFile load');
});

test('ids for canIds: anything but an id the evaluator gave is false, never a wrapped or truncated id', () => {
  const p = ev.prepare('oscar');
  const a = ev.actionId(ACTION);
  const s = ev.scopeId('acme-cl');
  assert.equal(p.canIds(a, s), true);
  for (const [x, y] of [[a + 2 ** 32, s], [a, s + 2 ** 32], [a + 0.9, s], [a, s + 0.5], [-1, s], [a, -0], [NaN, s], [Infinity, s], [String(a), s], [a, null], [undefined, undefined], [BigInt(a), s]]) {
    // -0 is the integer 0: the same scope id as 0, which is fine; only check it does not throw.
    if (Object.is(y, -0)) {
      p.canIds(x, y);
      continue;
    }
    assert.equal(p.canIds(x, y), false, `canIds(${String(x)}, ${String(y)})`);
  }
  assert.equal(ev.actionId(42), undefined);
  assert.equal(ev.scopeId(42), undefined);
  for (const bad of [undefined, null, [a, s], new Uint8Array([a, s]), new Float64Array([a, s]), new Uint32Array([a])]) {
    refuses(() => p.canManyIds(bad), 'invalid_value', `canManyIds(${String(bad)})`);
  }
  assert.deepEqual([...p.canManyIds(new Uint32Array([a, s]))], [1]);
});

test('a time that is no instant is invalid_value in can and check alike, never a RangeError or an answer', () => {
  for (const now of [NaN, Infinity, -Infinity, new Date('nonsense'), 8.64e15, -8.64e15, 1e20, {}, true, [], 10n]) {
    const what = `now ${String(now)}`;
    refuses(() => ev.can('oscar', ACTION, 'acme-cl', { now }), 'invalid_value', `can ${what}`);
    refuses(() => ev.check('oscar', ACTION, 'acme-cl', { now }), 'invalid_value', `check ${what}`);
    refuses(() => ev.can('key_legacy', 'webhooks.view_section', 'acme-cl', { now }), 'invalid_value', `key ${what}`);
    refuses(() => ev.canMany('oscar', [[ACTION, 'org']], { now }), 'invalid_value', `canMany ${what}`);
    refuses(() => ev.allowedActions('oscar', 'org', { now }), 'invalid_value', `allowedActions ${what}`);
  }
  refuses(() => ev.check('oscar', ACTION, 'acme-cl', { now: 'yesterday' }), 'invalid_value', 'now as bad text');
  // Valid times still decide: years 0000 to 9999, as a Date, milliseconds or text.
  assert.equal(ev.can('oscar', ACTION, 'acme-cl', { now: new Date('2026-01-01T00:00:00Z') }), true);
  assert.equal(ev.can('oscar', ACTION, 'acme-cl', { now: 253_402_300_799_999 }), true);
  assert.equal(ev.can('oscar', ACTION, 'acme-cl', { now: null }), true);
});

test('an unpaired surrogate is invalid_value everywhere: queries, fast path, text and objects', () => {
  for (const lone of ['f\ud800', 'f\udc00', '\ud800', 'a\udc00\ud800b']) {
    refuses(() => ev.can(lone, ACTION, 'acme-cl'), 'invalid_value', 'fast can subject');
    refuses(() => ev.check(lone, ACTION, 'acme-cl'), 'invalid_value', 'check subject');
    refuses(() => ev.prepare(lone), 'invalid_value', 'prepare');
    refuses(() => ev.can('oscar', ACTION, lone), 'invalid_value', 'fast can scope');
    refuses(() => ev.scopeId(lone), 'invalid_value', 'scopeId');
    refuses(() => ev.can('oscar', ACTION + lone, 'org'), 'invalid_value', 'action');
    refuses(() => ev.can('carla', ACTION, 'org', { context: { country: lone } }), 'invalid_value', 'context value');
    refuses(() => ev.snapshot(lone), 'invalid_value', 'snapshot');
    const doc = { scopes: [{ id: 'org' }], assignments: [{ subject: lone, role: 'support', scope: 'org' }] };
    refuses(() => new Evaluator(policy, doc), 'invalid_value', 'directory object');
    refuses(() => new Evaluator(policy, JSON.stringify(doc).replace('"f', '"f')), 'invalid_value', 'directory JSON text with an escape');
    refuses(() => new Evaluator(policy, `scopes: [{ id: org }]\nassignments: [{ subject: "${lone}", role: support, scope: org }]\n`), 'invalid_value', 'directory text');
    refuses(() => Policy.parse(policyText.replace('rolecall: 1', `rolecall: 1\n# ${lone}`)), 'invalid_value', 'policy text');
    refuses(() => ev.addAssignment({ subject: lone, role: 'support', scope: 'org' }), 'invalid_value', 'live update');
  }
  // Escapes written in the text itself (JSON and YAML) are refused alike.
  refuses(() => new Evaluator(policy, '{"scopes":[{"id":"org"}],"assignments":[{"subject":"f\\ud800","role":"support","scope":"org"}]}'), 'invalid_value', 'a JSON escape');
  refuses(() => new Evaluator(policy, 'scopes: [{ id: org }]\nassignments: [{ subject: "f\\ud800", role: support, scope: org }]\n'), 'invalid_value', 'a YAML escape');
  // A pair is text, not a lone surrogate.
  assert.equal(ev.can('f\ud83d\ude00', ACTION, 'acme-cl'), false);
});

test('a megabyte name is refused by its length (limit_exceeded) in milliseconds, without a hint', () => {
  const huge = (c) => Buffer.from(c + 'x'.repeat((1 << 20) - 1)).toString();
  const cases = [
    ['can action', (b) => ev.can('oscar', b, 'acme-cl')],
    ['check action', (b) => ev.check('oscar', b, 'acme-cl')],
    ['can scope', (b) => ev.can('oscar', ACTION, b)],
    ['can subject', (b) => ev.can(b, ACTION, 'acme-cl')],
    ['check permission', (b) => ev.check('oscar', `refunds:${b}`, 'acme-cl')],
    ['scopesWhere action', (b) => ev.scopesWhere('oscar', b)],
    ['allowedActions scope', (b) => ev.allowedActions('oscar', b)],
  ];
  for (const [what, f] of cases) {
    assert.throws(() => f(huge('w'))); // warm up
    const t = performance.now();
    assert.throws(() => f(huge('y')), (e) => e instanceof RolecallError && e.code === 'limit_exceeded' && e.help === undefined, what);
    const ms = performance.now() - t;
    assert.ok(ms < 50, `${what}: ${ms.toFixed(1)} ms`); // measured about 0.2 ms; generous for busy machines
  }
  // Within the limit, an unknown name still gets its hint.
  refuses(() => ev.check('oscar', 'refunds.creat', 'acme-cl'), 'unknown_action', 'a typo');
});

test('after free(): every call is `freed`, cached answers included; a second free() does nothing', () => {
  const e = new Evaluator(policy, directoryText);
  const p = e.prepare('oscar');
  const a = e.actionId(ACTION);
  const s = e.scopeId('acme-cl');
  assert.equal(e.can('oscar', ACTION, 'acme-cl'), true);
  assert.equal(p.canIds(a, s), true);
  e.free();
  e.free();
  const calls = [
    () => e.can('oscar', ACTION, 'acme-cl'),
    () => e.can('nobody', ACTION, 'acme-cl'),
    () => e.check('oscar', ACTION, 'acme-cl'),
    () => p.canIds(a, s),
    () => p.can(ACTION, 'acme-cl'),
    () => p.canManyIds(new Uint32Array([a, s])),
    () => e.canMany('oscar', [[ACTION, 'acme-cl']]),
    () => e.allowedActions('oscar', 'org'),
    () => e.scopesWhere('oscar', ACTION),
    () => e.actionId(ACTION),
    () => e.scopeId('org'),
    () => e.prepare('oscar'),
    () => e.snapshot('oscar'),
    () => e.effectivePermissions(),
    () => e.canAssign({ actor: 'ada', subject: 'x', role: 'support', scope: 'org' }),
    () => e.addAssignment({ subject: 'x', role: 'support', scope: 'org' }),
    () => e.removeAssignment(0),
    () => e.directory(),
    () => diff(e, ev),
  ];
  for (const [i, f] of calls.entries()) refuses(f, 'freed', `call ${i}`);

  const own = Policy.parse(policyText);
  const kept = new Evaluator(own, directoryText);
  own.free();
  own.free();
  refuses(() => new Evaluator(own, directoryText), 'freed', 'an evaluator from a freed policy');
  refuses(() => own.hash, 'freed', 'a freed policy\'s hash');
  assert.equal(kept.can('oscar', ACTION, 'acme-cl'), true, 'evaluators made before keep working');

  const perms = Permissions.fromSnapshot(policy, ev.snapshot('oscar'));
  perms.free();
  refuses(() => perms.can(ACTION, 'acme-cl'), 'freed', 'Permissions after free');
});

test('enforce answers 400 for hostile arguments and a "*" context unless the route opts in', () => {
  for (const bad of [42, {}, ['oscar']]) {
    const o = enforce(ev, bad, ACTION, 'acme-cl');
    assert.equal(o.allowed, false);
    assert.equal(o.status, 400, JSON.stringify(o));
  }
  const e = enforce(ev, 'oscar', ACTION, 42);
  assert.equal(e.status, 400);
  const t = enforce(ev, 'oscar', ACTION, 'acme-cl', { context: { country: 'CL' }, resource: { created_by: 'x\ud800' } });
  assert.equal(t.status, 400);
  // carla's role is for Chile only: "*" would ask "is any value allowed" and answer yes.
  const star = enforce(ev, 'carla', ACTION, 'acme-mx', { context: { country: '*' } });
  assert.equal(star.allowed, false);
  assert.equal(star.status, 400);
  assert.equal(star.body.error.code, 'invalid_value');
  const optedIn = enforce(ev, 'carla', ACTION, 'acme-mx', { context: { country: '*' }, anyContextValue: true });
  assert.equal(optedIn.allowed, true);
  assert.equal(enforce(ev, 'carla', ACTION, 'acme-mx', { context: { country: 'MX' } }).status, 403);
  // Found by fuzz-args.test.mjs: `null` options threw a TypeError; options that are not an
  // object were ignored (a check without the route's context).
  assert.equal(enforce(ev, 'oscar', ACTION, 'acme-cl', null).status, 200);
  for (const bad of [42, 'x', true]) {
    const o = enforce(ev, 'oscar', ACTION, 'acme-cl', bad);
    assert.equal(o.status, 400, `options ${String(bad)}`);
    assert.equal(o.body.error.code, 'invalid_value');
  }
});

test('rolecall/filter refuses rows, columns and plans of another shape (found by fuzz-args.test.mjs)', () => {
  const plan = ev.filter('carla', ACTION);
  const columns = { scope: 'scope', context: { country: 'country' } };
  for (const bad of [null, 42, 'x']) {
    refuses(() => matches(plan, bad, columns), 'invalid_value', `row ${String(bad)}`);
    refuses(() => matcher(plan, bad), 'invalid_value', `matcher columns ${String(bad)}`);
    refuses(() => toSql(plan, bad), 'invalid_value', `toSql columns ${String(bad)}`);
    refuses(() => prismaWhere(plan, bad), 'invalid_value', `prismaWhere columns ${String(bad)}`);
    refuses(() => toSql(plan, { scope: 'scope', scope_tree: bad }), 'invalid_value', `scope_tree ${String(bad)}`);
    refuses(() => matcher(plan, { scope: 'scope', context: bad }), 'invalid_value', `columns.context ${String(bad)}`);
  }
  refuses(() => matcher(plan, {}), 'invalid_value', 'columns without scope');
  refuses(() => matcher({ match: 'where', any_of: [{ context: 42 }] }), 'invalid_value', 'a term whose context is not a list');
});
