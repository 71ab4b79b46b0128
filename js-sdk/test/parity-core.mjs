// Differential parity, the comparisons themselves: one module for every JavaScript runtime. The
// Node test (parity.test.mjs, the Node build) and the page in Chromium (browser/parity.js, the
// lean web build) both run these functions over the native fixture (target/parity/vectors.json,
// written by crates/rolecall/examples/vectors.rs), so both compare exactly the same things.
// Plain JavaScript only (no node: imports): the browser loads this file as it is.
//
// `lib` is the package under test: `{ Evaluator, Permissions, Policy }`.

/** Mismatches kept in full per tally (all are counted). */
export const KEEP = 20;

/** The exhaustive fast-path comparison runs on the first this many cases of a fixture. */
export const FAST_PATH_CASES = 100;

/**
 * The prepared-decision comparison runs on every this many-th case (it asks every question of
 * every subject: about 4,400 per case); `ROLECALL_PREPARED_EVERY=1` (make fuzz) runs it on all.
 */
export const PREPARED_EVERY = Number(globalThis.process?.env?.ROLECALL_PREPARED_EVERY ?? 4);

/** Counters and the first mismatches; tallies of chunks add up with `merge`. */
export function tally() {
  return {
    seeds: 0,
    /** Queries the fixture holds (in the cases seen). */
    queries: 0,
    /** Queries compared: full decision (`check`) and `can`. */
    checks: 0,
    /** Of those, also on the numbers-only path (`prepare(...).can`, `can` with a clock). */
    prepared: 0,
    /** `canMany` batches compared. */
    batches: 0,
    /** Decisions compared through a subject's snapshot (`Permissions.fromSnapshot`). */
    snapshotChecks: 0,
    /** (subject, action, scope) triples: `check` against `can` against `canIds`. */
    triples: 0,
    /** Questions asked of `SnapshotDecisions` and of the engine built from the same snapshot. */
    prepared_questions: 0,
    /** Of those, the ones the prepared decisions left to the engine (`pending`). */
    pending: 0,
    mismatchCount: 0,
    mismatches: [],
  };
}

/** Adds tally `b` into `a`; returns `a`. */
export function merge(a, b) {
  for (const k of Object.keys(a)) if (typeof a[k] === 'number') a[k] += b[k];
  for (const m of b.mismatches) if (a.mismatches.length < KEEP) a.mismatches.push(m);
  return a;
}

/** The queries a fixture holds. */
export function fixtureQueries(cases) {
  let n = 0;
  for (const c of cases) n += c.checks.length;
  return n;
}

/** One line per runtime: `parity: N queries, M snapshot checks, K mismatches (RUNTIME)`. */
export function summary(t, runtime, ms) {
  const time = ms === undefined ? '' : ` in ${(ms / 1000).toFixed(1)} s`;
  return (
    `parity: ${t.checks} queries, ${t.snapshotChecks} snapshot checks, ${t.mismatchCount} mismatches (${runtime}) — ` +
    `${t.seeds} seeds, ${t.prepared} on the prepared path, ${t.batches} canMany batches` +
    `${t.triples > 0 ? `, ${t.triples} fast-path triples` : ''}` +
    `${t.prepared_questions > 0 ? `, ${t.prepared_questions} prepared-decision questions (${t.pending} pending)` : ''}${time}`
  );
}

function miss(t, seed, what, q, want, got) {
  t.mismatchCount++;
  if (t.mismatches.length < KEEP) t.mismatches.push({ seed, what, q, want, got });
}

/** Runs `f`; an exception that is not a `RolecallError` is a mismatch of its own, not a crash. */
export function guarded(t, seed, what, f) {
  try {
    f();
  } catch (e) {
    miss(t, seed, `exception in ${what}`, null, null, String(e?.stack ?? e));
  }
}

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
  return { context: q.context, resource: q.resource, now: q.now ?? null };
}

/**
 * One generated case: every query's full decision (allowed, reason, message, sources, missing)
 * or error code equals the native one; `can` is its `allowed`; the numbers-only path (prepared
 * subject, or `can` with a clock for an expiring key) and `canMany` agree wherever they apply;
 * and each subject's snapshot decides as the server at every scope it reaches.
 */
export function checkCase(lib, c, t) {
  const { Evaluator, Permissions, Policy } = lib;
  t.seeds++;
  t.queries += c.checks.length;
  const policy = Policy.parse(c.policy);
  if (policy.hash !== c.policy_hash) miss(t, c.seed, 'policy hash', null, c.policy_hash, policy.hash);
  const ev = new Evaluator(policy, c.directory);
  try {
    const expiring = new Set((c.directory.api_keys ?? []).filter((k) => k.expires_at).map((k) => k.id));
    const batches = new Map();
    for (const check of c.checks) {
      const q = check.query;
      const target = q.action ?? q.permission;
      const want = expected(check);
      const got = outcome(() => ev.check(q.subject, target, q.scope, optionsOf(q)));
      t.checks++;
      if (!(JSON.stringify(got) === JSON.stringify(want) || deepEqual(got, want))) miss(t, c.seed, 'check', q, want, got);
      // `can` (fast or slow, as the SDK chooses) must be the decision's `allowed`.
      const can = outcome(() => ({ allowed: ev.can(q.subject, target, q.scope, optionsOf(q)) }));
      const canWant = want.error ? want : { allowed: want.decision.allowed };
      const canGot = can.error ? can : { allowed: can.decision.allowed };
      if (!deepEqual(canGot, canWant)) miss(t, c.seed, 'can', q, canWant, canGot);
      // The numbers-only path, wherever it applies.
      const simple = q.action && !q.context && !q.resource && want.decision;
      if (simple && ev.actionId(q.action) !== undefined && ev.scopeId(q.scope) !== undefined) {
        const ms = q.now ? Date.parse(q.now) : undefined;
        if (!expiring.has(q.subject) || ms !== undefined) {
          t.prepared++;
          const fast = expiring.has(q.subject)
            ? ev.can(q.subject, q.action, q.scope, { now: ms })
            : ev.prepare(q.subject).can(q.action, q.scope);
          if (fast !== want.decision.allowed) miss(t, c.seed, 'prepared', q, want.decision.allowed, fast);
          const key = `${q.subject}\u0000${ms ?? ''}`;
          if (!batches.has(key)) batches.set(key, { subject: q.subject, ms, pairs: [], want: [] });
          const b = batches.get(key);
          b.pairs.push([q.action, q.scope]);
          b.want.push(want.decision.allowed ? 1 : 0);
        }
      }
    }
    for (const b of batches.values()) {
      t.batches++;
      const got = Array.from(ev.canMany(b.subject, b.pairs, { now: b.ms ?? null }));
      if (!deepEqual(got, b.want)) miss(t, c.seed, 'canMany', b.subject, b.want, got);
    }
    // A browser with one subject's snapshot decides as the server at every reachable scope.
    for (const snap of c.snapshots) {
      const perms = Permissions.fromSnapshot(policy, snap);
      try {
        const reachable = new Set(snap.scopes.filter((s) => s.reachable !== false).map((s) => s.id));
        for (const check of c.checks) {
          const q = check.query;
          if (q.subject !== snap.subject) continue;
          const want = expected(check);
          const got = outcome(() => perms.check(q.action ?? q.permission, q.scope, optionsOf(q)));
          t.snapshotChecks++;
          if (reachable.has(q.scope)) {
            if (!deepEqual(got, want)) miss(t, c.seed, 'snapshot', q, want, got);
          } else if (got.decision && (got.decision.allowed || got.decision.reason !== 'out_of_scope')) {
            miss(t, c.seed, 'snapshot, unreachable scope', q, 'out_of_scope', got);
          } else if (got.decision && want.decision?.allowed) {
            miss(t, c.seed, 'snapshot, allowed on the server', q, want, got);
          } else if (got.error && !snapshotMayRaise(got.error, want.error)) {
            miss(t, c.seed, 'snapshot error', q, want, got);
          }
        }
      } finally {
        perms.free();
      }
    }
  } finally {
    ev.free();
    policy.free();
  }
}

/**
 * At a scope the snapshot does not reach, the browser must not learn whether it exists: no
 * `unknown_scope`, but the errors that do not depend on the scope still apply.
 */
function snapshotMayRaise(got, native) {
  if (got === 'unknown_action' || got === 'unknown_permission') return got === native;
  return got === 'unknown_dimension' && (native === 'unknown_dimension' || native === 'unknown_scope');
}

/**
 * Every subject of the case (and one unknown), every action without a resource, every scope:
 * the slow path's `allowed`, `can` and the prepared `canIds` give the same answer (`canIds` reads
 * the clock, so it is skipped for an expiring API key).
 */
export function fastPathCase(lib, c, t) {
  const { Evaluator, Policy } = lib;
  const policy = Policy.parse(c.policy);
  const ev = new Evaluator(policy, c.directory);
  try {
    const subjects = new Set(['nobody']);
    for (const a of c.directory.assignments ?? []) subjects.add(a.subject);
    for (const k of c.directory.api_keys ?? []) subjects.add(k.id);
    const now = Date.parse('2026-06-01T00:00:00Z');
    for (const subject of subjects) {
      const prepared = ev.prepare(subject);
      const expiring = (c.directory.api_keys ?? []).some((k) => k.id === subject && k.expires_at);
      for (const action of policy.actions) {
        if (c.policy.actions[action].distinct_from) continue;
        for (const { id: scope } of c.directory.scopes) {
          const slow = ev.check(subject, action, scope, { now }).allowed;
          const viaCan = ev.can(subject, action, scope, { now });
          const viaIds = prepared.canIds(ev.actionId(action), ev.scopeId(scope));
          t.triples++;
          if (viaCan !== slow || (!expiring && viaIds !== slow)) {
            miss(t, c.seed, 'fast path', { subject, action, scope }, slow, { viaCan, viaIds });
          }
        }
      }
    }
  } finally {
    ev.free();
    policy.free();
  }
}

/**
 * Structural equality as `assert.deepStrictEqual` decides it for JSON-like values: same
 * prototype, same own enumerable keys (in any order), `Object.is` for primitives.
 */
export function deepEqual(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !deepEqual(a[k], b[k])) return false;
  return true;
}

/**
 * Every subject's prepared decisions (`SnapshotDecisions`, no WebAssembly) against the engine
 * built from the same snapshot (`Permissions.fromSnapshot`): every target (the policy's actions
 * and permissions by canonical name), at every scope of the snapshot and one it does not hold,
 * with no context, with `"*"`, an unlisted value and every value the case's queries use for each
 * dimension, and for an action with `distinct_from` the subject's own resource, another's and
 * none; at two instants for an expiring API key. `check` (decision or error code), `can`,
 * `allowedActions` and `scopesWhere` must agree wherever the prepared decisions answer; a
 * `pending` answer is counted, and must be denied.
 */
export function preparedCase(lib, c, t) {
  const { Permissions, Policy, SnapshotDecisions } = lib;
  // The text in declared order, as the server's: `allowedActions` lists in that order.
  const policy = Policy.parse(c.policy_text ?? c.policy);
  try {
    const values = new Map();
    for (const check of c.checks) {
      for (const [k, v] of Object.entries(check.query.context ?? {})) {
        if (!values.has(k)) values.set(k, new Set(['*', 'unlisted-value']));
        values.get(k).add(v);
      }
    }
    const contexts = [undefined];
    for (const [k, vs] of values) for (const v of vs) contexts.push({ [k]: v });
    const [d0, d1] = [...values.keys()];
    if (d1 !== undefined) contexts.push({ [d0]: '*', [d1]: '*' }, { [d0]: [...values.get(d0)].at(-1), [d1]: [...values.get(d1)].at(-1) });
    contexts.push({ 'no-such-dimension': 'x' });
    for (const snap of c.snapshots) {
      const sheet = SnapshotDecisions.from(snap);
      const perms = Permissions.fromSnapshot(policy, snap);
      try {
        const d = snap.decisions;
        const attr = new Map(d.distinct_from);
        const scopes = [...snap.scopes.map((s) => s.id), 'not-a-scope-here'];
        const expires = d.expires?.at_ms;
        const times = expires === undefined ? [undefined] : [expires - 1, expires];
        for (const now of times) {
          for (const context of contexts) {
            for (const [col, target] of d.targets.entries()) {
              const resources = attr.has(col)
                ? [undefined, { [attr.get(col)]: snap.subject }, { [attr.get(col)]: 'someone-else' }]
                : [undefined];
              for (const scope of scopes) {
                for (const resource of resources) {
                  const o = { context, resource, now };
                  const q = { subject: snap.subject, target, scope, ...o };
                  t.prepared_questions++;
                  const got = outcome(() => sheet.check(target, scope, o));
                  if (got.decision?.reason === 'pending') {
                    t.pending++;
                    if (got.decision.allowed) miss(t, c.seed, 'pending allowed', q, false, true);
                    continue;
                  }
                  const want = outcome(() => perms.check(target, scope, o));
                  if (!deepEqual(got, want)) miss(t, c.seed, 'prepared check', q, want, got);
                  const can = outcome(() => ({ allowed: sheet.can(target, scope, o) }));
                  const canWant = want.error ? want : { allowed: want.decision.allowed };
                  const canGot = can.error ? can : { allowed: can.decision.allowed };
                  if (!deepEqual(canGot, canWant)) miss(t, c.seed, 'prepared can', q, canWant, canGot);
                }
              }
            }
            for (const scope of scopes) {
              const want = outcome(() => ({ list: perms.allowedActions(scope, { context, now }) }));
              const got = outcome(() => ({ list: sheet.allowedActions(scope, { context, now }) }));
              t.prepared_questions++;
              if (!deepEqual(got, want)) miss(t, c.seed, 'prepared allowedActions', { subject: snap.subject, scope, context, now }, want, got);
            }
            for (const action of d.targets.slice(0, d.actions)) {
              const want = outcome(() => ({ list: perms.scopesWhere(action, { context, now }) }));
              const got = outcome(() => ({ list: sheet.scopesWhere(action, { context, now }) }));
              t.prepared_questions++;
              if (!deepEqual(got, want)) miss(t, c.seed, 'prepared scopesWhere', { subject: snap.subject, action, context, now }, want, got);
            }
          }
        }
      } finally {
        perms.free();
      }
    }
  } finally {
    policy.free();
  }
}
