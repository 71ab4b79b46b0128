// The page's side of browser-parity.test.mjs: the lean web build (dist/web.js, no bundler) runs
// the same comparisons as the Node parity test (../parity-core.mjs) over the native fixture,
// fetched from the test's server a chunk of cases at a time (/parity/cases?from=I&to=J) so a
// large fixture never sits in the page whole. Each `run` returns its chunk's tally.
import init, { Evaluator, Permissions, Policy } from '/dist/web.js';
import { SnapshotDecisions } from '/dist/esm/decisions.js';
import { checkCase, fastPathCase, FAST_PATH_CASES, guarded, PREPARED_EVERY, preparedCase, tally } from '../parity-core.mjs';

const lib = { Evaluator, Permissions, Policy, SnapshotDecisions };
const out = document.getElementById('out');

async function run(from, to) {
  const res = await fetch(`/parity/cases?from=${from}&to=${to}`);
  if (!res.ok) throw new Error(`fetching cases ${from}..${to}: ${res.status}`);
  const cases = await res.json();
  const t = tally();
  cases.forEach((c, i) => {
    guarded(t, c.seed, 'case', () => checkCase(lib, c, t));
    if (from + i < FAST_PATH_CASES) guarded(t, c.seed, 'fast path', () => fastPathCase(lib, c, t));
    if ((from + i) % PREPARED_EVERY === 0) guarded(t, c.seed, 'prepared decisions', () => preparedCase(lib, c, t));
  });
  out.textContent = `cases ${from}..${from + cases.length}: ${t.mismatchCount} mismatches`;
  return t;
}

window.parity = {
  ready: init().then(
    () => ((out.textContent = 'ready'), { ok: true }),
    (e) => ((out.textContent = `init failed: ${e}`), { ok: false, error: String(e?.stack ?? e) }),
  ),
  run,
};
