// Runs one contender in one mode, in this process, and prints one JSON line of results. The
// driver (run.mjs) starts one process per contender and mode, so cold start and peak memory
// are each contender's own, and no timed loop's call site ever sees two implementations.
//
//   node --expose-gc lib/harness.mjs CONTENDER MODE OUT_DIR SUBJECT ACTION SCOPE
//
// SUBJECT ACTION SCOPE is the first decision, the end of the cold start.
//
// A contender module (contenders/*.mjs) exports `setup({ policyText, directoryText }, mode)`,
// returning:
//   first(subject, action, scope)  a check by names, used once for the cold start;
//   check(subject, action, scope)  the timed check by names (mode kind "names"), or
//   handles + checkIds(s, a, sc)   name -> handle functions and the timed check on handles
//                                  (kind "ids": the queries are translated before timing; a
//                                  handle is whatever a caller would hold: an integer, an
//                                  object, or the name itself), or
//   batch(q)                       { run(), scatter(out) }: run() is timed, scatter() is not;
//   prepareAll(users)              optional per-user setup (objects for every user), timed;
//   info                           optional notes for the report.
import { performance } from 'node:perf_hooks';
import { loadExpected, loadQueries, readWorkload } from './workload.mjs';

// BENCH_RUNS=0: measure the cold start only.
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
// Timed passes stop once they have spent this long (at least one is always made).
const BUDGET_MS = Number(process.env.BENCH_BUDGET_S ?? 20) * 1000;
// A first pass longer than this is the measurement itself: the JIT is warm long before its end,
// and more passes of a contender this slow would not fit in make bench's time.
const SLOW_MS = 5000;

// Node's own start, before any of our code runs: part of every contender's cold start.
const nodeStartMs = performance.now();
const [, , name, mode, outDir, ...firstQuery] = process.argv;
if (firstQuery.length !== 3) throw new Error('usage: harness.mjs CONTENDER MODE OUT_DIR SUBJECT ACTION SCOPE');
const contender = await import(`../contenders/${name}.mjs`);
const impl = await contender.setup(readWorkload(outDir), mode);
const firstAnswer = impl.first(...firstQuery);
// performance.now() counts from the process's start: this is start to first decision.
const coldStartMs = performance.now();

if (RUNS === 0) {
  // A cold-start-only process: the driver runs several and takes the median.
  console.log(JSON.stringify({ coldStartMs, nodeStartMs, firstAnswer, info: impl.info }));
  process.exit(0);
}

let perUser;
if (impl.prepareAll) {
  const { assignments } = JSON.parse(readWorkload(outDir).directoryText);
  const users = [...new Set(assignments.map((a) => a.subject))];
  const t = performance.now();
  const count = impl.prepareAll(users);
  perUser = { count, totalMs: performance.now() - t };
  perUser.usPerUser = (perUser.totalMs * 1000) / count;
}
// What the contender holds once ready for every user, before the queries are loaded: the JS
// heap after a full collection plus memory outside it (WebAssembly memories, buffers).
globalThis.gc?.();
const mem = process.memoryUsage();
const retainedMb = (mem.heapUsed + mem.external) / 2 ** 20;
const queries = loadQueries(outDir);

const n = queries.q.length / 3;
const out = new Uint8Array(n);
const kind = impl.check ? 'names' : impl.checkIds ? 'ids' : 'batch';
const run = makeRun(kind);
const expected = loadExpected(outDir);
// The first pass warms the JIT up and gives the mismatch count, over every query.
const warmMs = run();
const mismatches = countMismatches(out, expected);
const rates = [];
let unstable = false;
if (warmMs > SLOW_MS) rates.push(n / (warmMs / 1000));
for (let spent = 0; warmMs <= SLOW_MS && rates.length < RUNS && spent < BUDGET_MS; ) {
  const ms = run();
  spent += ms;
  rates.push(n / (ms / 1000));
  unstable ||= countMismatches(out, expected) !== mismatches;
}
const sorted = [...rates].sort((x, y) => x - y);
console.log(
  JSON.stringify({
    name,
    mode,
    kind,
    queries: n,
    runs: rates.length,
    perSecond: sorted[Math.floor(sorted.length / 2)],
    rates,
    mismatches,
    unstable,
    firstAnswer,
    coldStartMs,
    nodeStartMs,
    perUser,
    retainedMb,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    info: impl.info,
  }),
);

function makeRun(kind) {
  const { subjects, actions, scopes, q } = queries;
  if (kind === 'names') {
    const check = impl.check;
    return () => {
      const t = performance.now();
      for (let i = 0, j = 0; i < n; i++, j += 3) {
        out[i] = check(subjects[q[j]], actions[q[j + 1]], scopes[q[j + 2]]) ? 1 : 0;
      }
      return performance.now() - t;
    };
  }
  if (kind === 'ids') {
    // Names become the contender's handles once, as a render loop would hold them.
    const h = impl.handles;
    const tables = [subjects.map(h.subject), actions.map(h.action), scopes.map(h.scope)];
    // A plain array: a handle may be an object (a prepared subject) or a name.
    const ids = Array.from(q, (x, j) => tables[j % 3][x]);
    const check = impl.checkIds;
    return () => {
      const t = performance.now();
      for (let i = 0, j = 0; i < n; i++, j += 3) {
        out[i] = check(ids[j], ids[j + 1], ids[j + 2]) ? 1 : 0;
      }
      return performance.now() - t;
    };
  }
  const b = impl.batch(queries);
  return () => {
    const t = performance.now();
    b.run();
    const ms = performance.now() - t;
    b.scatter(out);
    return ms;
  };
}

function countMismatches(got, want) {
  let m = 0;
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) m++;
  return m;
}
