// Live directory updates: an updated evaluator decides exactly like a fresh one loaded from the
// resulting directory, on every path (the decision cache, prepared subjects made before the
// update, batches); a rejected update changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy, RolecallError } from 'rolecall';
import { examples, fixture, mulberry32, read } from './helpers.mjs';

const NOW = Date.parse('2026-06-01T00:00:00Z');

/** Whole numbers below `n`, seeded (mulberry32), so a failure replays. */
function rng(seed) {
  const next = mulberry32(seed);
  return (n) => (next() * n) | 0;
}

/**
 * Every (subject, action, scope) decided by the updated evaluator, by `can` and by subjects
 * prepared before the updates, against a fresh evaluator on `ev.directory()`.
 */
function compare(policy, ev, prepared, subjects, label) {
  const fresh = new Evaluator(policy, ev.directory());
  const doc = ev.directory();
  const expiring = new Set(doc.api_keys.filter((k) => k.expires_at).map((k) => k.id));
  const mismatches = [];
  for (const subject of subjects) {
    const p = prepared.get(subject);
    for (const action of policy.actions) {
      for (const { id: scope } of doc.scopes) {
        let want;
        try {
          want = fresh.check(subject, action, scope, { now: NOW }).allowed;
        } catch (e) {
          if (e.code === 'missing_resource_attribute') continue;
          throw e;
        }
        const got = ev.can(subject, action, scope, { now: NOW });
        const ids = expiring.has(subject) ? want : p.canIds(ev.actionId(action), ev.scopeId(scope));
        if (got !== want || ids !== want) mismatches.push({ label, subject, action, scope, want, got, ids });
      }
    }
  }
  fresh.free();
  return mismatches;
}

test('random live updates decide exactly like a fresh evaluator on the resulting directory', () => {
  const { cases } = fixture('vectors.json');
  const mismatches = [];
  let updates = 0;
  let rejected = 0;
  for (const c of cases.slice(0, 40)) {
    const next = rng(c.seed);
    const policy = Policy.parse(c.policy);
    const ev = new Evaluator(policy, c.directory);
    const doc = ev.directory();
    const subjects = new Set(['nobody', 'newcomer']);
    for (const a of doc.assignments) subjects.add(a.subject);
    for (const k of doc.api_keys) subjects.add(k.id);
    const prepared = new Map([...subjects].map((s) => [s, ev.prepare(s)]));
    // Warm the cache before any update, so stale bits would show.
    mismatches.push(...compare(policy, ev, prepared, subjects, `seed ${c.seed} before`));
    const removed = { assignments: [], grants: [], keys: [] };
    const pick = (list) => list[next(list.length)];
    const roles = Object.keys(c.policy.roles ?? {});
    for (let step = 0; step < 8; step++) {
      const cur = ev.directory();
      const choice = next(7);
      try {
        if (choice === 0 && cur.assignments.length > 0) {
          removed.assignments.push(ev.removeAssignment(next(cur.assignments.length)));
        } else if (choice === 1 && removed.assignments.length > 0) {
          ev.addAssignment(removed.assignments.pop());
        } else if (choice === 2 && roles.length > 0) {
          ev.addAssignment({ subject: pick([...subjects]), role: pick(roles), scope: pick(cur.scopes).id });
        } else if (choice === 3 && cur.grants.length > 0) {
          removed.grants.push(ev.removeGrant(next(cur.grants.length)));
        } else if (choice === 4 && removed.grants.length > 0) {
          ev.addGrant({ ...removed.grants.pop(), subject: pick([...subjects]) });
        } else if (choice === 5 && cur.api_keys.length > 0) {
          removed.keys.push(ev.removeApiKey(pick(cur.api_keys).id));
        } else if (choice === 6 && removed.keys.length > 0) {
          ev.addApiKey(removed.keys.pop());
        } else {
          continue;
        }
        updates++;
      } catch (e) {
        if (!(e instanceof RolecallError)) throw e;
        // A rejected update changes nothing.
        rejected++;
        assert.deepEqual(ev.directory(), cur, `seed ${c.seed}: ${e.message}`);
      }
      mismatches.push(...compare(policy, ev, prepared, subjects, `seed ${c.seed} step ${step}`));
    }
    ev.free();
  }
  console.log(`live updates: ${updates} applied, ${rejected} rejected; mismatches: ${mismatches.length}`);
  for (const m of mismatches.slice(0, 10)) console.log('mismatch', JSON.stringify(m));
  assert.equal(mismatches.length, 0);
  assert.ok(updates >= 100, `only ${updates} updates`);
  assert.ok(rejected >= 1, 'no update was rejected: the error path went untested');
});

const policy = Policy.parse(read(examples, 'payments', 'policy.yaml'));
const directoryText = read(examples, 'payments', 'directory.yaml');

test('an added assignment allows at once, also through a subject prepared before', () => {
  const ev = new Evaluator(policy, directoryText);
  const zoe = ev.prepare('zoe');
  const [a, s] = [ev.actionId('refunds.create'), ev.scopeId('acme-cl')];
  assert.equal(zoe.canIds(a, s), false);
  assert.equal(ev.can('zoe', 'refunds.create', 'acme-cl'), false);
  const i = ev.addAssignment({ subject: 'zoe', role: 'operations', scope: 'acme-cl' });
  assert.equal(i, ev.directory().assignments.length - 1);
  assert.equal(zoe.canIds(a, s), true);
  assert.equal(zoe.can('refunds.create', 'acme-cl'), true);
  assert.deepEqual(Array.from(zoe.canManyIds(Uint32Array.of(a, s, a, ev.scopeId('org')))), [1, 0]);
  assert.equal(ev.can('zoe', 'refunds.create', 'acme-cl'), true);
  const id = ev.assignmentId(i);
  assert.match(id, /^a_[0-9a-f]{16}$/, 'an id generated from the content');
  // Removed by that id (stable, unlike the index), returned with it.
  assert.deepEqual(ev.removeAssignment(id), { id, subject: 'zoe', role: 'operations', scope: 'acme-cl' });
  assert.equal(ev.assignmentId(i), undefined);
  assert.throws(() => ev.removeAssignment(id), (e) => e.code === 'unknown_assignment' && e.path === 'id');
  assert.equal(zoe.canIds(a, s), false);
  assert.equal(ev.can('zoe', 'refunds.create', 'acme-cl'), false);
});

test('removing an item moves the last one into its index', () => {
  const ev = new Evaluator(policy, directoryText);
  const before = ev.directory().assignments;
  const removed = ev.removeAssignment(0);
  assert.deepEqual(removed, before[0]);
  const after = ev.directory().assignments;
  assert.equal(after.length, before.length - 1);
  assert.deepEqual(after[0], before[before.length - 1]);
});

test('a rejected update throws RolecallError and leaves decisions and the directory unchanged', () => {
  const ev = new Evaluator(policy, directoryText);
  const doc = ev.directory();
  const oscar = ev.prepare('oscar');
  const before = oscar.can('refunds.create', 'acme-cl');
  const cases = [
    [() => ev.addAssignment({ subject: 'zoe', role: 'operatons', scope: 'org' }), 'unknown_role'],
    [() => ev.addAssignment({ subject: 'zoe', role: 'operations', scope: 'nowhere' }), 'unknown_scope'],
    [() => ev.removeAssignment(doc.assignments.length), 'unknown_assignment'],
    [() => ev.removeAssignment(-1), 'unknown_assignment'],
    [() => ev.removeGrant(99), 'unknown_assignment'],
    [() => ev.addApiKey({ id: 'key_ci', owner: 'diego', scope: 'org' }), 'duplicate_id'],
    [() => ev.removeApiKey('no_such_key'), 'unknown_assignment'],
    [() => ev.addGrant({ subject: 'zoe', permission: 'nothing:view', scope: 'org' }), 'unknown_resource'],
  ];
  for (const [f, code] of cases) {
    assert.throws(f, (e) => e instanceof RolecallError && e.code === code, code);
    assert.deepEqual(ev.directory(), doc, code);
    assert.equal(oscar.can('refunds.create', 'acme-cl'), before, code);
  }
  const e = (() => {
    try {
      ev.addAssignment({ subject: 'zoe', role: 'operatons', scope: 'org' });
    } catch (err) {
      return err;
    }
  })();
  assert.equal(e.origin, 'assignment');
  assert.equal(e.help, 'did you mean `operations`?');
});

test('an API key added live reads the clock; removed, it holds nothing', () => {
  const ev = new Evaluator(policy, directoryText);
  const key = { id: 'key_new', owner: 'diego', scope: 'org', permissions: ['webhooks:manage'], expires_at: '2099-01-01T00:00:00Z' };
  const p = ev.prepare('key_new');
  const [a, s] = [ev.actionId('webhooks.create') ?? ev.actionId(policy.actions.find((x) => x.startsWith('webhooks'))), ev.scopeId('org')];
  assert.equal(p.canIds(a, s), false);
  ev.addApiKey(key);
  assert.equal(p.canIds(a, s), true);
  assert.equal(ev.can('key_new', policy.actions[a], 'org', { now: '2100-01-01T00:00:00Z' }), false);
  assert.throws(() => ev.can('key_new', policy.actions[a], 'org', { now: null }), { code: 'missing_time' });
  assert.deepEqual(ev.removeApiKey('key_new'), key);
  assert.equal(p.canIds(a, s), false);
});

test('a snapshot evaluator refuses updates', () => {
  const ev = new Evaluator(policy, directoryText);
  const me = Permissions.fromSnapshot(policy, ev.snapshot('oscar'));
  assert.throws(() => me.evaluator.addAssignment({ subject: 'oscar', role: 'viewer', scope: 'org' }), {
    code: 'invalid_value',
  });
});
