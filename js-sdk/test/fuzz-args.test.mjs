// A fuzz target for the SDK's argument checks (issue 20): seeded random arguments, well-formed and
// hostile mixed, thrown at every public method and constructor. Every call must answer, or throw a
// `RolecallError` with a code other than `internal`, or let the caller's own exception through (a
// getter or a proxy of the caller's that throws); never a WebAssembly trap, a TypeError, a
// RangeError or a plain Error. `enforce`, given an evaluator (the server's own code, not the
// request's), must answer a status other than 500 whatever the request gives it. After each round, an
// evaluator the fuzzer never touches still decides as before: no call broke the shared instance.
//
// The hand-written cases are in hostile.test.mjs; this finds the combinations nobody wrote down.
//   ROLECALL_FUZZ_CALLS=200000 node --test test/fuzz-args.test.mjs   (default 4000: the Node tests)
//   ROLECALL_FUZZ_SEED=1234 ...                                      (replay a failure's seed)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy, RolecallError, diff, runTestFile } from 'rolecall';
import { enforce } from 'rolecall/node';
import { matcher, matches, prismaWhere, toSql } from 'rolecall/filter';
import { SnapshotDecisions } from 'rolecall/decisions';
import { examples, mulberry32, read } from './helpers.mjs';

const CALLS = Number(process.env.ROLECALL_FUZZ_CALLS ?? 4000);
const SEED = Number(process.env.ROLECALL_FUZZ_SEED ?? Date.now() % 2 ** 31);

const policyText = read(examples, 'payments', 'policy.yaml');
const directoryText = read(examples, 'payments', 'directory.yaml');
const policy = Policy.parse(policyText);
const control = new Evaluator(policy, directoryText);
const document = control.directory();

// Names the fuzzer mixes in, so calls get past the first check often enough to reach the deeper ones.
const subjects = [...new Set(document.assignments.map((a) => a.subject))];
const scopes = document.scopes.map((s) => s.id);
const roles = [...new Set(document.assignments.map((a) => a.role))];
const actions = policy.reference().actions.map((a) => a.name);
const FIELDS = ['subject', 'role', 'scope', 'context', 'expires', 'id', 'actor', 'action', 'now', 'resource', 'country',
  'permissions', 'includes', 'grants', 'label', 'owner', 'removeAssignments', 'assignments', 'scopes', 'roles', 'from', 'to'];

/** The method names of an object's class and its bases (getters left out): new methods are fuzzed too. */
function methodsOf(obj) {
  const out = new Set();
  for (let p = Object.getPrototypeOf(obj); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) {
      if (k !== 'constructor' && k !== 'free' && typeof d.value === 'function') out.add(k);
    }
  }
  return [...out].sort();
}

/** The caller's own exception: it may come through unchanged. */
class Sentinel extends Error {}

function values(r) {
  const pick = (list) => list[Math.floor(r() * list.length)];
  const int = (n) => Math.floor(r() * n);
  const str = () => {
    switch (int(9)) {
      case 0: return '';
      case 1: return 'x'.repeat(int(3) === 0 ? 1 << 20 : 300);
      case 2: return pick(['\ud800', 'a\udc00b', '\ufffd', '\u0000', '💳', 'ü', ' acme-cl', 'ACME-CL']);
      case 3: return pick(subjects) + pick(['', '\ud800', 'x', ' ']);
      case 4: return pick(actions).slice(0, int(12) + 1);
      case 5: return '*';
      default: return pick([...subjects, ...scopes, ...roles, ...actions, 'org', 'CL', 'MX', 'csv', 'json']);
    }
  };
  const num = () => pick([0, 1, -1, 0.5, 23.9, 2 ** 32, 2 ** 32 + 1, 2 ** 53, -0, NaN, Infinity, -Infinity, int(100), 8.64e15, 8.64e15 + 1]);
  const value = (depth) => {
    switch (int(depth > 2 ? 7 : 14)) {
      case 0: return undefined;
      case 1: return null;
      case 2: case 3: return str();
      case 4: return num();
      case 5: return pick([true, false, 10n, Symbol('s'), () => 'org', new Date(NaN), new Date(int(2) ? 0 : 8.64e15), new Date(),
        Object.create(null), { toJSON: () => ({ subject: pick(subjects) }) }, /x/, new Map([['a', 1]]), new Array(10_000).fill('org'), new Array(1000)]);
      case 6: return pick(subjects);
      case 7: case 8: return object(depth + 1);
      case 9: return Array.from({ length: int(4) }, () => value(depth + 1));
      case 10: return Array.from({ length: int(3) }, () => [pick(actions), pick(scopes)]);
      case 11: return Uint32Array.from({ length: int(5) }, () => (int(4) === 0 ? 0xffffffff : int(40)));
      case 12: {
        const o = object(depth + 1);
        Object.defineProperty(o, pick(FIELDS), { enumerable: true, get() { throw new Sentinel('getter'); } });
        return o;
      }
      default: return new Proxy({}, { get() { throw new Sentinel('proxy'); }, ownKeys() { throw new Sentinel('proxy'); } });
    }
  };
  function object(depth) {
    const o = {};
    for (let n = int(5); n > 0; n--) {
      const k = pick(FIELDS);
      o[k] = k === 'subject' || k === 'actor' ? pick([...subjects, str()]) : k === 'role' ? pick([...roles, str()]) : k === 'scope' ? pick([...scopes, str()]) : value(depth);
    }
    if (int(20) === 0) o.self = o;
    return o;
  }
  return { value: () => value(0), pick, int };
}

/** Whether what a call threw is allowed. */
function acceptable(e) {
  if (e instanceof Sentinel) return true;
  return e instanceof RolecallError && typeof e.code === 'string' && e.code !== 'internal';
}

const describe = (v) => {
  try {
    if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…(${v.length})` : v);
    if (typeof v === 'bigint' || typeof v === 'symbol' || typeof v === 'function') return String(v);
    return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : typeof x === 'string' && x.length > 40 ? `${x.slice(0, 40)}…` : x)) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
};

test(`random arguments to every public method answer or throw a RolecallError (seed ${SEED}, ${CALLS} calls)`, () => {
  const r = mulberry32(SEED);
  const { value, pick, int } = values(r);
  const snapshotOf = (s) => control.snapshot(s);
  // What the fuzzer calls on: a live evaluator it may change, one freed, a browser-side view.
  let live = new Evaluator(policy, directoryText);
  const freed = new Evaluator(policy, directoryText);
  freed.free();
  let perms = Permissions.fromSnapshot(policy, snapshotOf(pick(subjects)));
  const freedPolicy = Policy.parse(policyText);
  freedPolicy.free();
  const args = (n) => Array.from({ length: int(n + 2) }, value);
  const evaluatorMethods = methodsOf(live);
  const preparedMethods = methodsOf(live.prepare(pick(subjects)));
  const permissionsMethods = methodsOf(perms);
  const policyMethods = methodsOf(policy);
  const sheets = subjects.map((s) => SnapshotDecisions.from(control.snapshot(s, { decisions: true })));
  const sheetMethods = methodsOf(sheets[0]);
  const preparedOf = (s) => control.snapshot(s, { decisions: true });
  assert.ok(sheetMethods.includes('scopesWhere'));
  assert.ok(evaluatorMethods.includes('canAssign') && preparedMethods.includes('canIds') && policyMethods.includes('reference'));
  const plan = () => (int(2) ? control.filter(pick(subjects), pick(actions)) : value());
  const calls = [
    () => ['Policy.parse', () => Policy.parse(int(3) ? value() : policyText.slice(0, int(policyText.length)))],
    () => ['new Evaluator', () => new Evaluator(pick([policy, freedPolicy, value()]), int(2) ? value() : directoryText.slice(0, int(directoryText.length)))],
    () => ['Evaluator.fromSnapshot', () => Evaluator.fromSnapshot(pick([policy, value()]), int(2) ? snapshotOf(pick(subjects)) : value())],
    () => ['Permissions.fromSnapshot', () => Permissions.fromSnapshot(pick([policy, value()]), int(2) ? { ...snapshotOf(pick(subjects)), [pick(FIELDS)]: value() } : value())],
    () => ['diff', () => diff(pick([live, control, freed, value()]), pick([live, control, value()]))],
    () => ['runTestFile', () => runTestFile(value(), pick([() => policyText, () => { throw new Sentinel('load'); }, value()]))],
    () => ['enforce', () => enforce(pick([live, freed, () => live]), value(), pick([pick(actions), value()]), pick([pick(scopes), value()]), value())],
    () => ['filter', () => pick([() => matches(plan(), value(), value()), () => matcher(plan(), value())(value()), () => toSql(plan(), value()), () => prismaWhere(plan(), value())])()],
    () => {
      const target = pick([live, live, freed]);
      const m = pick(evaluatorMethods);
      const a = int(2) ? [pick(subjects), pick(actions), pick(scopes), value()] : args(3);
      return [`evaluator.${m}`, () => target[m](...a)];
    },
    () => {
      const p = live.prepare(pick(subjects));
      const m = pick(preparedMethods);
      return [`prepared.${m}`, () => (m === 'canIds' ? p.canIds(value(), value()) : p[m](...args(2)))];
    },
    () => {
      const m = pick(permissionsMethods);
      return [`permissions.${m}`, () => perms[m](...(int(2) ? [pick(actions), pick(scopes), value()] : args(2)))];
    },
    () => ['SnapshotDecisions.from', () => {
      const p = preparedOf(pick(subjects));
      const inner = Object.keys(p.decisions);
      return SnapshotDecisions.from(pick([
        () => ({ ...p, [pick(FIELDS)]: value() }),
        () => ({ ...p, decisions: { ...p.decisions, [pick(inner)]: value() } }),
        () => ({ ...p, decisions: { ...p.decisions, [pick(inner)]: [value(), value()] } }),
        value,
      ])());
    }],
    () => {
      const m = pick(sheetMethods);
      return [`decisions.${m}`, () => pick(sheets)[m](...(int(2) ? [pick(actions), pick(scopes), value()] : args(2)))];
    },
    () => {
      const m = pick(policyMethods);
      return [`policy.${m}`, () => pick([policy, freedPolicy])[m](...args(2))];
    },
  ];
  for (let i = 0; i < CALLS; i++) {
    const [name, call] = pick(calls)();
    let outcome;
    try {
      outcome = call();
    } catch (e) {
      assert.ok(acceptable(e), `seed ${SEED}, call ${i}: ${name} threw ${e?.constructor?.name}: ${e?.message}\n${e?.stack}`);
    }
    if (name === 'enforce' && outcome !== undefined) {
      assert.notEqual(outcome.status, 500, `seed ${SEED}, call ${i}: enforce answered 500: ${describe(outcome.body)}`);
    }
    // Now and then, start again from a fresh evaluator and snapshot, and check that nothing broke.
    if (i % 500 === 499) {
      live.free();
      live = new Evaluator(policy, directoryText);
      perms.free();
      perms = Permissions.fromSnapshot(policy, snapshotOf(pick(subjects)));
      assert.equal(control.can('oscar', 'refunds.create', 'acme-cl'), true, `seed ${SEED}: the control evaluator changed its answer`);
    }
  }
  assert.deepEqual(control.directory(), document, `seed ${SEED}: the control evaluator's directory changed`);
  live.free();
  perms.free();
});
