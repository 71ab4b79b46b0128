// Appends "Large directories" to ../results.md: time and peak memory of compiling directories of
// 100,000 and 1,000,000 assignments in WebAssembly through the SDK, from text and from a JS
// object, each in a fresh process (issue #20: "loading a million assignments from text or an
// object within 3x the text's size in peak memory"). The directories are the payments policy's
// shape at scale: 1,000 subtenants, one assignment per subject, a seeded random role and scope.
//
//   node large.mjs [--child POLICY DIRECTORY text|object]     (the child measures one load)
//
// Env: BENCH_LARGE_SIZES (default "100000,1000000").
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sdkDist } from './lib/contenders.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');

if (process.argv[2] === '--child') {
  const [policyFile, directoryFile, mode] = process.argv.slice(3);
  const sdk = await import(new URL('node.mjs', `file://${sdkDist}/`).href);
  const policy = sdk.Policy.parse(readFileSync(policyFile, 'utf8'));
  let input = readFileSync(directoryFile, 'utf8');
  const bytes = Buffer.byteLength(input);
  if (mode === 'object') input = JSON.parse(input);
  globalThis.gc?.();
  const rssBefore = process.resourceUsage().maxRSS * 1024;
  const t = performance.now();
  const evaluator = new sdk.Evaluator(policy, input);
  const ms = performance.now() - t;
  const allowed = evaluator.can('u0', 'api_keys.view_section', 'org');
  console.log(JSON.stringify({ ms, bytes, rssBefore, peak: process.resourceUsage().maxRSS * 1024, allowed }));
  process.exit(0);
}

// A seeded generator (mulberry32), so every run loads the same directories.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const roles = ['operations', 'finance_accounting', 'support', 'product', 'developer'];
function directory(n) {
  const r = rng(n);
  const scopes = [{ id: 'org', kind: 'organization' }];
  for (let i = 0; i < 1000; i++) scopes.push({ id: `t${i}`, parent: 'org', kind: 'subtenant' });
  const assignments = new Array(n);
  for (let i = 0; i < n; i++) {
    assignments[i] = { subject: `u${i}`, role: roles[Math.floor(r() * roles.length)], scope: `t${Math.floor(r() * 1000)}` };
  }
  return { scopes, assignments };
}

const out = join(repo, 'bench', 'out');
mkdirSync(out, { recursive: true });
const policyFile = join(repo, 'examples', 'policies', 'payments', 'policy.yaml');
const sizes = (process.env.BENCH_LARGE_SIZES ?? '100000,1000000').split(',').map(Number);
const mb = (b) => `${(b / 1048576).toFixed(0)} MB`;
const rows = [];
for (const n of sizes) {
  const file = join(out, `directory-large-${n}.json`);
  writeFileSync(file, JSON.stringify(directory(n)));
  for (const mode of ['text', 'object']) {
    const p = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', policyFile, file, mode], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (p.status !== 0) {
      process.stderr.write(`large: ${n} ${mode} FAILED: ${p.stderr}\n`);
      rows.push(`| ${n.toLocaleString('en')} | ${mode} | failed | | | |`);
      continue;
    }
    const m = JSON.parse(p.stdout.trim().split('\n').pop());
    const grew = m.peak - m.rssBefore;
    process.stderr.write(`large: ${n} from ${mode}: ${(m.ms / 1000).toFixed(2)} s, peak ${mb(m.peak)}\n`);
    rows.push(
      `| ${n.toLocaleString('en')} | ${mode} | ${mb(m.bytes)} | ${(m.ms / 1000).toFixed(2)} s (${((m.ms * 1000) / n).toFixed(1)} µs each) | ${mb(m.peak)} (+${mb(grew)}) | ${(grew / m.bytes).toFixed(1)}x |`,
    );
  }
}
const md = [
  '',
  '## Large directories (issue #20: `node bench/js/large.mjs`, fresh process each)',
  '',
  'The payments policy; 1,000 subtenants; one assignment per subject (seeded random role and',
  'scope). Peak is the process\'s maximum resident size; the growth is what the load added to it',
  '(the text or object already in memory, the copy into WebAssembly, the compile), and its ratio',
  "to the JSON text's size is what issue #20's budget (3x) is about.",
  '',
  '| assignments | input | JSON text | compile | peak RSS (growth) | growth / text |',
  '| ---: | --- | ---: | ---: | ---: | ---: |',
  ...rows,
  '',
].join('\n');
appendFileSync(join(repo, 'bench', 'results.md'), md);
process.stdout.write(md);
