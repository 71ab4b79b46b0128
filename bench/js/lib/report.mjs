// The markdown report: when and where, the table, the ratios to the Map/Set baseline, how each
// library was made to express our semantics, and issue #7's budgets read off the numbers
// (informational: a benchmark measures, it never fails on a number).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`);
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const fixed = (x, d = 1) => (x === undefined ? '—' : x.toFixed(d));
// Two decimals, or two significant digits for the ratios of the slow libraries (0.0024×).
const ratio = (x) => `${x >= 0.1 ? x.toFixed(2) : x.toPrecision(2)}×`;

export function report(results, { out, here, scale, coldParts }) {
  const ok = results.filter((r) => r.data);
  const base = ok.find((r) => r.contender.name === 'mapset')?.data.perSecond;
  const rows = results.map((r) => row(r, base));
  const expected = JSON.parse(readFileSync(join(out, 'expected.json'), 'utf8'));
  const allowed = [...expected].filter((c) => c === '1').length;
  const directory = JSON.parse(readFileSync(join(out, 'directory.json'), 'utf8'));
  const users = new Set(directory.assignments.map((a) => a.subject)).size;
  return [
    '# rolecall JS benchmark',
    '',
    `- date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `- machine: ${machine()}`,
    `- workload: ${expected.length.toLocaleString('en')} seeded queries (${allowed.toLocaleString('en')} allowed) over ` +
      `${users.toLocaleString('en')} users, ${directory.assignments.length.toLocaleString('en')} assignments, ` +
      `${directory.scopes.length} scopes (bench/src/lib.rs)`,
    `- libraries: ${versions(here)}`,
    `- load average (1, 5, 15 min) at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')} (the machine is shared: numbers vary with it)`,
    '',
    'Each contender and mode runs in its own Node process. Decisions/s: median of up to 5 timed passes over all',
    'the queries, after an untimed warm-up pass (passes stop once 20 s are spent; a contender whose warm-up pass',
    'takes over 5 s is timed on that one pass). A contender whose pass takes under 1 s runs in 3 processes (the',
    'JIT does not optimize every process alike) and the process with the median rate is the one reported; every',
    'process\'s rate is listed under the table. Those processes run in rounds, one process of each such contender',
    'and mode per round, so a slow spell of the machine falls on all of them alike. Mismatches: answers differing from the native engine\'s',
    "(`expected.json`), over every query. Cold start: process start to the first",
    'decision, loading the policy and directory included, median of 5 processes; "after Node" leaves out Node\'s',
    'own start. Retained: JS heap after a full GC plus external memory (WebAssembly, buffers), everything built,',
    'queries not loaded. Bundle: esbuild (minified, browser, ESM) of a one-line entry importing what the',
    'contender uses, gzip -9, with its .wasm.',
    '',
    '| contender | how | decisions/s | × Map/Set | mismatches | passes | cold start ms | after Node ms | per-user setup µs | retained MB | peak RSS MB | bundle gz |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Decisions/s of each process: ${results
      .filter((r) => r.processes?.length > 1)
      .map((r) => `${r.contender.label} ${r.mode.mode} ${r.processes.map((x) => rate(x)).join(' / ')}`)
      .join('; ')}.`,
    '',
    ...budgets(ok, base, scale),
    '',
    ...coldTable(coldParts),
    '## How each library expresses our semantics',
    '',
    'Semantics: a subject may do an action in a scope when one of its assignments, at that scope or at the root',
    '(`org` covers every subtenant, never the other way), is of a role whose permissions, closed by role includes',
    "and level implication, hold the action's required permission. The baselines and every library start from",
    'the same compiled tables (lib/compile.mjs): each role closed into the actions it allows; no library here',
    'knows levels or implication.',
    '',
    '- baseline-mapset: per user its sources (a Set of permissions, a scope); any source at the scope or the root.',
    '- baseline-bitset: one bit per action for every (user, scope), precomputed; integer handles.',
    '- @casl/ability: one Ability per user (built for all users before timing; "per-user setup" is that cost),',
    '  actions asked as (verb, resource); `all`/`manage` where the policy grants on `*`. Condition mode: the',
    '  subject is a resource record with `scope`, a subtenant assignment is a rule with `{ scope }`, a root one a',
    '  rule without. Subject-type mode: the type is "scope/resource", a root assignment gives every scope\'s types.',
    '- accesscontrol: no scopes, so each (role, scope) becomes a role `team0-t3` granting read (view) / update',
    '  (change) on resources named `t3-res0`, for every scope it covers; a user holds its list of those roles.',
    '- casbin: RBAC with domains (`g = _, _, _`, domain = scope); p lines are the roles\' actions, with `*` where',
    '  the policy grants on every resource; the root rule is in the matcher: `g(r.sub, p.sub, r.dom) ||',
    '  g(r.sub, p.sub, "org")` (a deeper tree would need a term per level, or duplicated g lines).',
    '- @cedar-policy/cedar-wasm: one pre-parsed policy per role, `permit(principal, action in [...], resource)',
    '  when { principal has team0 && resource in principal.team0 }`, the resource being the scope with the root as',
    '  parent, each user an entity whose role attributes are sets of scopes; entities travel with every request',
    '  (built once per user and scope before timing), checked with `statefulIsAuthorized`.',
    '- rolecall: the policy and directory texts as they are, through the JS SDK (js-sdk/dist).',
    '',
  ].join('\n');
}

function row(r, base) {
  const c = r.contender;
  if (r.skipped) return `| ${c.label} | skipped: ${r.skipped} | | | | | | | | | | |`;
  const how = r.mode.label;
  if (r.error) return `| ${c.label} | ${how} | failed: ${r.error.replace(/\|/g, '/')} | | | | | | | | | |`;
  const d = r.data;
  const cold = r.cold?.length ? median(r.cold.map((x) => x.coldStartMs)) : undefined;
  const after = r.cold?.length ? median(r.cold.map((x) => x.coldStartMs - x.nodeStartMs)) : undefined;
  const mism = d.unstable ? `${d.mismatches} (differs between passes)` : `${d.mismatches}`;
  const bundle = r.bundle?.error ? 'failed' : c.name === 'bitset' || c.name === 'mapset' ? `${kb(r.bundle.gzBytes)} (ours)` : kb(r.bundle.gzBytes);
  return `| ${c.label} | ${how} | ${rate(d.perSecond)} | ${base ? ratio(d.perSecond / base) : '—'} | ${mism} | ${d.runs} | ${fixed(cold, 0)} | ${fixed(after, 0)} | ${fixed(d.perUser?.usPerUser)} | ${fixed(d.retainedMb)} | ${fixed(d.peakRssMb, 0)} | ${bundle} |`;
}

/** Issue #4's cold start in parts: fresh processes, medians of eleven (run.mjs, lib/cold.mjs). */
function coldTable(parts) {
  if (!parts?.json) return [];
  const ms = (x) => (x === undefined ? '—' : `${fixed(x)} ms`);
  const line = (what, p) => `| ${what} | ${ms(p?.importMs)} | ${ms(p?.firstMs)} | ${ms(p?.secondMs)} |`;
  return [
    '## Node cold start, in parts (issue #4: import, instantiate, load the payments policy)',
    '',
    `Fresh processes, median of 11 each. Compiling the Node .wasm alone (read + \`new WebAssembly.Module\`: V8`,
    `validates it; each function is compiled on its first run): ${ms(parts.module?.ms)}.`,
    '',
    '| examples/policies/payments | import (instantiate included) | first Policy.parse | same text again |',
    '| --- | ---: | ---: | ---: |',
    line('policy.json', parts.json),
    line('policy.yaml', parts.yaml),
    '',
  ];
}

/** Issue #7's budgets, read off this run. */
function budgets(ok, base, scale) {
  const get = (name, mode) => ok.find((r) => r.contender.name === name && (!mode || r.mode.mode === mode));
  const rc = (mode) => get('rolecall', mode)?.data.perSecond;
  const casl = Math.max(...ok.filter((r) => r.contender.name === 'casl').map((r) => r.data.perSecond));
  const bitset = get('bitset')?.data.perSecond;
  if (!rc('can')) return ['Budgets (issue #7): rolecall was not measured in this run.'];
  const line = (what, got, want) => `| ${what} | ${got} | ${want} |`;
  const wasm = get('rolecall')?.bundle;
  const cold = get('rolecall')?.cold ?? [];
  const part = (k) => median(cold.map((c) => c.info?.[k] ?? NaN));
  return [
    '## Budgets (issue #7), read off this run',
    '',
    '| budget | measured | target |',
    '| --- | --- | --- |',
    line('check by names vs the fastest CASL mode', ratio(rc('can') / casl), '≥ 5×'),
    line('check by names vs Map/Set', ratio(rc('can') / base), '≥ 0.5×'),
    line('prepared check (integer handles) vs bitset', ratio(rc('ids') / bitset), '≥ 0.5×'),
    line('batch check', `${rate(rc('batch-ids'))}/s`, '≥ 20 M/s'),
    line('.wasm, gzipped', wasm?.wasmGzBytes ? kb(wasm.wasmGzBytes) : '—', '< 100 KB'),
    line(
      'Node cold start: import + instantiate, load policy',
      `${fixed(part('importMs'))} + ${fixed(part('policyMs'))} ms (then the directory: ${fixed(part('directoryMs'))} ms)`,
      '< 5 ms',
    ),
    line(
      `directory of ${scale ? scale.assignments.toLocaleString('en-US') : '100k'} assignments loaded in WASM (Node, cold process, median of 3)`,
      scale ? `${fixed(scale.ms, 0)} ms` : '—',
      '< 300 ms',
    ),
  ];
}

function machine() {
  let cpu = 'unknown CPU';
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {}
  const gb = Math.round(os.totalmem() / 2 ** 30);
  return `${os.availableParallelism()} cores (nproc), ${cpu}, ${gb} GB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function versions(here) {
  const v = (p) => {
    try {
      return JSON.parse(readFileSync(join(here, 'node_modules', p, 'package.json'), 'utf8')).version;
    } catch {
      return '?';
    }
  };
  return ['@casl/ability', 'accesscontrol', 'casbin', '@cedar-policy/cedar-wasm', 'esbuild'].map((p) => `${p} ${v(p)}`).join(', ');
}
