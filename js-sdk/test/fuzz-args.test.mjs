// A fuzz of the SDK's argument checks (issues 20 and 13): a seeded generator of hostile
// arguments (wrong types, huge values, NaN, unpaired surrogates, cycles, near-valid documents,
// freed objects) thrown at every public method of Policy, Evaluator, PreparedSubject and
// Permissions, and at diff, runTestFile and enforce. Each call must answer or throw a
// `RolecallError` with a code: never a WebAssembly trap, a TypeError or a RangeError. A short
// run is part of the Node tests; ROLECALL_FUZZ_CALLS=1000000 (and ROLECALL_FUZZ_SEED) runs
// longer. A failure prints the seed and the call, to replay it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy, RolecallError, diff, runTestFile } from 'rolecall';
import { enforce } from 'rolecall/node';
import { examples, read } from './helpers.mjs';

const CALLS = Number(process.env.ROLECALL_FUZZ_CALLS ?? 2000);
const SEED = Number(process.env.ROLECALL_FUZZ_SEED ?? 13);
const policyText = read(examples, 'payments', 'policy.yaml');
const directoryText = read(examples, 'payments', 'directory.yaml');

/** mulberry32: the same sequence for the same seed. */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['oscar', 'olga', 'key_ci', 'org', 'acme-cl', 'refunds.create', 'refunds:manage', 'operations', 'country', 'CL', 'users.invite', '*'];
const FIELDS = ['subject', 'role', 'scope', 'actor', 'action', 'permission', 'context', 'resource', 'now', 'id', 'owner', 'from', 'to', 'except', 'grants', 'includes', 'assignments', 'scopes', 'policy_hash', 'rolecall_snapshot', 'api_key'];

/** One hostile value; `depth` bounds nesting. */
function value(r, depth = 0) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  switch (Math.floor(r() * 14)) {
    case 0: return pick([undefined, null, true, false]);
    case 1: return pick([NaN, Infinity, -Infinity, -0, 0, -1, 1.5, 2 ** 32, 2 ** 53, Number.MAX_VALUE, 4294967295]);
    case 2: return pick([10n, Symbol('x'), () => 'org', new Date(NaN), new Date(0), /x/, new Map([['a', 1]]), new Uint32Array(3)]);
    case 3: return pick(['', '\uD800', 'a\uDFFFb', 'org\u0000', ' ', 'x'.repeat(20_000), '💥'.repeat(1000), '{', '[]', 'null']);
    case 4: case 5: case 6: return pick(NAMES);
    case 7: { const o = {}; o.self = o; return o; }
    case 8: return { toString: () => 'org', toJSON: () => ({ subject: 'oscar' }) };
    case 9: return depth > 2 ? [] : Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    case 10: return depth > 2 ? {} : Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, () => [pick(FIELDS), value(r, depth + 1)]));
    case 11: return depth > 2 ? [] : [pick(NAMES), pick(NAMES)];
    case 12: return pick([new Array(10_000).fill('org'), new Array(100_000), Object.create(null)]);
    default: return pick(NAMES);
  }
}

/** The method names of an object's class (and its bases), getters left out. */
function methods(obj) {
  const out = new Set();
  for (let p = Object.getPrototypeOf(obj); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) {
      if (k !== 'constructor' && typeof d.value === 'function') out.add(k);
    }
  }
  return [...out].sort();
}

const describe = (v) => {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...(${v.length})` : v);
  if (Array.isArray(v) && v.length > 8) return `[${v.length} items]`;
  if (typeof v === 'bigint' || typeof v === 'symbol' || typeof v === 'function') return String(v);
  try { return JSON.stringify(v)?.slice(0, 80) ?? String(v); } catch { return Object.prototype.toString.call(v); }
};

test(`${CALLS} calls with hostile arguments answer or throw a RolecallError with a code (seed ${SEED})`, () => {
  const r = rng(SEED);
  const fresh = () => {
    const policy = Policy.parse(policyText);
    const evaluator = new Evaluator(policy, directoryText);
    return { policy, evaluator, prepared: evaluator.prepare('oscar'), permissions: Permissions.fromSnapshot(policy, evaluator.snapshot('olga')) };
  };
  let live = fresh();
  const statics = {
    'Policy.parse': (...a) => Policy.parse(...a),
    'new Evaluator': (...a) => new Evaluator(r() < 0.7 ? live.policy : a.shift(), ...a),
    'Evaluator.fromSnapshot': (...a) => Evaluator.fromSnapshot(r() < 0.7 ? live.policy : a.shift(), ...a),
    'Permissions.fromSnapshot': (...a) => Permissions.fromSnapshot(r() < 0.7 ? live.policy : a.shift(), ...a),
    diff: (...a) => diff(r() < 0.7 ? live.evaluator : a.shift(), ...a),
    runTestFile: (...a) => runTestFile(...a),
    enforce: (...a) => enforce(r() < 0.7 ? live.evaluator : a.shift(), ...a),
  };
  const targets = ['policy', 'evaluator', 'prepared', 'permissions'];
  const names = Object.fromEntries(targets.map((t) => [t, methods(live[t])]));
  const counts = { answered: 0, refused: 0 };
  for (let i = 0; i < CALLS; i++) {
    // Now and then everything is freed (calls then meet freed objects), or rebuilt.
    if (r() < 0.002) for (const t of targets) live[t].free?.();
    if (r() < 0.004) live = fresh();
    const args = Array.from({ length: Math.floor(r() * 5) }, () => value(r));
    let name;
    let call;
    if (r() < 0.15) {
      name = Object.keys(statics)[Math.floor(r() * Object.keys(statics).length)];
      call = () => statics[name](...args);
    } else {
      const t = targets[Math.floor(r() * targets.length)];
      const m = names[t][Math.floor(r() * names[t].length)];
      if (m === 'free') continue;
      name = `${t}.${m}`;
      call = () => live[t][m](...args);
    }
    try {
      call();
      counts.answered++;
    } catch (e) {
      if (!(e instanceof RolecallError) || typeof e.code !== 'string' || e.code === 'internal') {
        const where = `call ${i} (seed ${SEED}): ${name}(${args.map(describe).join(', ')})`;
        assert.fail(`${where} threw ${e?.constructor?.name} ${e?.code ?? ''}: ${e?.message}`);
      }
      counts.refused++;
    }
  }
  // Both outcomes happen, or the generator is too tame (or too wild) to test anything.
  assert.ok(counts.answered > CALLS / 50 && counts.refused > CALLS / 50, JSON.stringify(counts));
});
