// Differential parity: random policies, directories and queries from the core's seeded
// generator, decided natively (target/parity/vectors.json) and here through WebAssembly. Every
// decision must be identical (allowed, reason, message, sources, missing) or fail with the same
// error code; `can`, the prepared fast path, the batch form and snapshots must agree with it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy } from 'rolecall';
import { fixture } from './helpers.mjs';

const norm = (d) => ({ ...d, sources: d.sources ?? [], missing: d.missing ?? [] });

function outcome(f) {
  try {
    return { decision: norm(f()) };
  } catch (e) {
    if (e?.name !== 'RolecallError') throw e;
    return { error: e.code };
  }
}

function expected(check) {
  return check.error !== undefined ? { error: check.error } : { decision: norm(check.decision) };
}

function optionsOf(q) {
  return { scope: q.scope, context: q.context, resource: q.resource, now: q.now ?? null };
}

test('WebAssembly decides every generated query exactly as the native build', () => {
  const { cases } = fixture('vectors.json');
  const mismatches = [];
  const miss = (seed, what, q, want, got) => mismatches.push({ seed, what, q, want, got });
  let checks = 0;
  let fast = 0;
  let snapshotChecks = 0;
  for (const c of cases) {
    const policy = Policy.parse(c.policy);
    if (policy.hash !== c.policy_hash) miss(c.seed, 'policy hash', null, c.policy_hash, policy.hash);
    const ev = new Evaluator(policy, c.directory);
    const expiring = new Set((c.directory.api_keys ?? []).filter((k) => k.expires_at).map((k) => k.id));
    const batches = new Map();
    for (const check of c.checks) {
      const q = check.query;
      const target = q.action ?? q.permission;
      const want = expected(check);
      const got = outcome(() => ev.check(q.subject, target, optionsOf(q)));
      checks++;
      if (!(JSON.stringify(got) === JSON.stringify(want) || deepEq(got, want))) miss(c.seed, 'check', q, want, got);
      // `can` (fast or slow, as the SDK chooses) must be the decision's `allowed`.
      const can = outcome(() => ({ allowed: ev.can(q.subject, target, optionsOf(q)) }));
      const canWant = want.error ? want : { allowed: want.decision.allowed };
      const canGot = can.error ? can : { allowed: can.decision.allowed };
      if (!deepEq(canGot, canWant)) miss(c.seed, 'can', q, canWant, canGot);
      // The numbers-only path, wherever it applies.
      const simple = q.action && !q.context && !q.resource && want.decision;
      if (simple && ev.actionId(q.action) !== undefined && ev.scopeId(q.scope) !== undefined) {
        const ms = q.now ? Date.parse(q.now) : undefined;
        if (!expiring.has(q.subject) || ms !== undefined) {
          fast++;
          const got = expiring.has(q.subject)
            ? ev.can(q.subject, q.action, { scope: q.scope, now: ms })
            : ev.prepare(q.subject).can(q.action, q.scope);
          if (got !== want.decision.allowed) miss(c.seed, 'prepared', q, want.decision.allowed, got);
          const key = `${q.subject}\u0000${ms ?? ''}`;
          if (!batches.has(key)) batches.set(key, { subject: q.subject, ms, pairs: [], want: [] });
          const b = batches.get(key);
          b.pairs.push([q.action, q.scope]);
          b.want.push(want.decision.allowed ? 1 : 0);
        }
      }
    }
    for (const b of batches.values()) {
      const got = Array.from(ev.canMany(b.subject, b.pairs, { now: b.ms ?? null }));
      if (!deepEq(got, b.want)) miss(c.seed, 'canMany', b.subject, b.want, got);
    }
    // A browser with one subject's snapshot decides as the server at every reachable scope.
    for (const snap of c.snapshots) {
      const perms = Permissions.fromSnapshot(policy, snap);
      const reachable = new Set(snap.scopes.filter((s) => s.reachable !== false).map((s) => s.id));
      for (const check of c.checks.filter((x) => x.query.subject === snap.subject)) {
        const q = check.query;
        const want = expected(check);
        const got = outcome(() => perms.check(q.action ?? q.permission, optionsOf(q)));
        snapshotChecks++;
        if (reachable.has(q.scope)) {
          if (!deepEq(got, want)) miss(c.seed, 'snapshot', q, want, got);
        } else if (got.decision && (got.decision.allowed || got.decision.reason !== 'out_of_scope')) {
          miss(c.seed, 'snapshot, unreachable scope', q, 'out_of_scope', got);
        } else if (got.decision && want.decision?.allowed) {
          miss(c.seed, 'snapshot, allowed on the server', q, want, got);
        } else if (got.error && !snapshotMayRaise(got.error, want.error)) {
          miss(c.seed, 'snapshot error', q, want, got);
        }
      }
      perms.free();
    }
    ev.free();
    policy.free();
  }
  console.log(
    `parity: ${cases.length} seeds, ${checks} checks, ${fast} on the prepared path, ` +
      `${snapshotChecks} from snapshots; mismatches: ${mismatches.length}`,
  );
  for (const m of mismatches.slice(0, 10)) console.log('mismatch', JSON.stringify(m));
  assert.equal(mismatches.length, 0);
  assert.ok(checks >= 10_000, `only ${checks} checks`);
});

/**
 * At a scope the snapshot does not reach, the browser must not learn whether it exists: no
 * `unknown_scope`, but the errors that do not depend on the scope still apply.
 */
function snapshotMayRaise(got, native) {
  if (got === 'unknown_action' || got === 'unknown_permission') return got === native;
  return got === 'unknown_dimension' && (native === 'unknown_dimension' || native === 'unknown_scope');
}

test('the fast path gives the slow path\'s answer for every subject, action and scope', () => {
  const { cases } = fixture('vectors.json');
  let compared = 0;
  const mismatches = [];
  for (const c of cases.slice(0, 100)) {
    const policy = Policy.parse(c.policy);
    const ev = new Evaluator(policy, c.directory);
    const subjects = new Set(['nobody']);
    for (const a of c.directory.assignments ?? []) subjects.add(a.subject);
    for (const k of c.directory.api_keys ?? []) subjects.add(k.id);
    const now = Date.parse('2026-06-01T00:00:00Z');
    for (const subject of subjects) {
      const prepared = ev.prepare(subject);
      for (const action of policy.actions) {
        if (c.policy.actions[action].distinct_from) continue;
        for (const { id: scope } of c.directory.scopes) {
          const slow = ev.check(subject, action, { scope, now }).allowed;
          const viaCan = ev.can(subject, action, { scope, now });
          const viaIds = prepared.canIds(ev.actionId(action), ev.scopeId(scope));
          const expiring = (c.directory.api_keys ?? []).some((k) => k.id === subject && k.expires_at);
          compared++;
          if (viaCan !== slow || (!expiring && viaIds !== slow)) {
            mismatches.push({ seed: c.seed, subject, action, scope, slow, viaCan, viaIds });
          }
        }
      }
    }
  }
  console.log(`fast path: ${compared} (subject, action, scope) triples; mismatches: ${mismatches.length}`);
  for (const m of mismatches.slice(0, 10)) console.log('mismatch', JSON.stringify(m));
  assert.equal(mismatches.length, 0);
});

function deepEq(a, b) {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
