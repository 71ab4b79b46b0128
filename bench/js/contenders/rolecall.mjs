// rolecall: the Rust core compiled to WebAssembly, through the JS SDK (js-sdk/dist), given the
// policy and directory texts as they are (compiling them is part of its cold start). Modes:
//   can          evaluator.can(subject, action, scope): names, the everyday call;
//   prepared     evaluator.prepare(subject) once per user, then .can(action, scope) by names;
//   ids          prepared subjects and evaluator.actionId/scopeId once, then .canIds(a, s):
//                integers only across the boundary (the render-loop path);
//   batch-ids    one prepared.canManyIds(pairs) call per subject with all its queries;
//   batch-names  one evaluator.canMany(subject, [[action, scope], ...]) call per subject.
// The batch modes group the million queries by subject before timing (a dashboard asks for
// one user's page at a time); timing covers the calls, not putting answers back in order.

// The cold start's parts, for issue #7's budget on import + instantiate + load policy.
const t0 = performance.now();
const sdk = await import(new URL('../../../js-sdk/dist/node.mjs', import.meta.url).href);
const importMs = performance.now() - t0;

export function setup({ policyText, directoryText }, mode) {
  const t1 = performance.now();
  const policy = sdk.Policy.parse(policyText);
  const t2 = performance.now();
  const evaluator = new sdk.Evaluator(policy, directoryText);
  const info = { importMs, policyMs: t2 - t1, directoryMs: performance.now() - t2 };
  const first = (subject, action, scope) => evaluator.can(subject, action, scope);
  const prepared = new Map();
  const prepare = (subject) => {
    let p = prepared.get(subject);
    if (p === undefined) prepared.set(subject, (p = evaluator.prepare(subject)));
    return p;
  };
  const prepareAll = (users) => {
    for (const u of users) prepare(u);
    return users.length;
  };
  switch (mode) {
    case 'can':
      return { first, info, check: (subject, action, scope) => evaluator.can(subject, action, scope) };
    case 'prepared': {
      const handles = { subject: prepare, action: (a) => a, scope: (s) => s };
      return { first, info, prepareAll, handles, checkIds: (p, a, s) => p.can(a, s) };
    }
    case 'ids': {
      const handles = { subject: prepare, action: (a) => evaluator.actionId(a), scope: (s) => evaluator.scopeId(s) };
      return { first, info, prepareAll, handles, checkIds: (p, a, s) => p.canIds(a, s) };
    }
    case 'batch-ids':
    case 'batch-names':
      return { first, info, prepareAll, batch: (queries) => batch(evaluator, prepare, queries, mode === 'batch-ids') };
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

function batch(evaluator, prepare, { subjects, actions, scopes, q }, byIds) {
  const groups = subjects.map((name) => ({ name, prepared: prepare(name), at: [], pairs: [] }));
  for (let i = 0, j = 0; j < q.length; i++, j += 3) {
    const g = groups[q[j]];
    g.at.push(i);
    g.pairs.push(actions[q[j + 1]], scopes[q[j + 2]]);
  }
  for (const g of groups) {
    const p = g.pairs;
    g.pairs = byIds
      ? Uint32Array.from(p, (x, k) => (k % 2 === 0 ? evaluator.actionId(x) : evaluator.scopeId(x)))
      : Array.from({ length: p.length / 2 }, (_, k) => [p[2 * k], p[2 * k + 1]]);
  }
  const results = new Array(groups.length);
  return {
    run: byIds
      ? () => groups.forEach((g, k) => (results[k] = g.prepared.canManyIds(g.pairs)))
      : () => groups.forEach((g, k) => (results[k] = evaluator.canMany(g.name, g.pairs))),
    scatter: (out) => groups.forEach((g, k) => g.at.forEach((i, m) => (out[i] = results[k][m]))),
  };
}
