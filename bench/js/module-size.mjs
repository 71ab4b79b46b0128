// Appends "What the browser module holds" to ../results.md (issue #17): the lean (browser)
// build's code by part of the program and its largest functions, from twiggy, on the module as
// wasm-bindgen writes it with the function names kept (before wasm-opt, which strips them, and
// before compression: a part's share of the shipped, gzipped module is roughly its share here).
// Reads the last lean build (scripts/build-wasm.sh builds it second, so cargo's output is it).
//
//   make bench installs twiggy into .tools and runs it; by hand (after make js-sdk):
//   TWIGGY=.tools/bin/twiggy node bench/js/module-size.mjs
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const results = join(repo, 'bench', 'results.md');
const twiggy = process.env.TWIGGY ?? 'twiggy';
// MODULE_RAW and MODULE_SHIPPED: another build's two files (cargo's output, the shipped .wasm),
// to compare builds.
const raw = process.env.MODULE_RAW ?? join(repo, 'target', 'wasm32-unknown-unknown', 'release', 'rolecall_wasm.wasm');
const shipped = process.env.MODULE_SHIPPED ?? join(repo, 'js-sdk', 'dist', 'wasm', 'rolecall_wasm_bg.wasm');

function skip(why) {
  const md = `\n## What the browser module holds (issue #17)\n\nNot measured: ${why}.\n`;
  appendFileSync(results, md);
  process.stdout.write(md);
  process.exit(0);
}
if (!existsSync(raw) || !existsSync(shipped)) skip('no lean build (make js-sdk)');
try {
  execFileSync(twiggy, ['--version'], { stdio: 'ignore' });
} catch {
  skip(`\`${twiggy}\` not found (cargo install twiggy; set TWIGGY)`);
}

const dir = mkdtempSync(join(tmpdir(), 'rolecall-size-'));
let rows;
try {
  execFileSync(join(repo, '.tools', 'bin', 'wasm-bindgen'), ['--target', 'web', '--out-dir', dir, '--out-name', 'm', raw]);
  const csv = execFileSync(twiggy, ['top', '-n', '1000000', '--format', 'csv', join(dir, 'm_bg.wasm')], {
    maxBuffer: 64 << 20,
  }).toString();
  rows = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      // Name,ShallowSize,...: the name is quoted when it holds a comma.
      const m = /^("(?:[^"]|"")*"|[^,]*),(\d+),/.exec(line);
      const name = m[1].startsWith('"') ? m[1].slice(1, -1).replaceAll('""', '"') : m[1];
      return { name, size: Number(m[2]) };
    });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// The first matching part names a function; generic std code is what is left.
const parts = [
  ['constant data (messages, tables)', (n) => n.startsWith('data segment')],
  ["std's sorts", (n) => n.includes('::sort::') || n.includes('rolecall::sorting')],
  [
    'document decoders (serde derives, the located reader)',
    (n) => /Deserialize for|Visitor|DeserializeSeed|rolecall::(de|json|tree)::|serde_core::de/.test(n),
  ],
  ['policy compiler (rolecall::policy)', (n) => n.includes('rolecall::policy::')],
  ['directory and snapshot compiler (rolecall::directory)', (n) => n.includes('rolecall::directory::')],
  ['filter plans (rolecall::filter)', (n) => n.includes('rolecall::filter::')],
  ['evaluator (rolecall::eval, bulk)', (n) => /rolecall::(eval|bulk|bitset)::/.test(n)],
  ['snapshot reader and writer (rolecall::snapshot)', (n) => n.includes('rolecall::snapshot::')],
  ['JSON writer (serde_json, Serialize derives)', (n) => /Serialize for|serde_json|serde_core::ser|zmij|itoa/.test(n)],
  ['hash maps (hashbrown, indexmap, foldhash)', (n) => /hashbrown|indexmap|foldhash|core::hash/.test(n)],
  ['time (RFC 3339)', (n) => n.includes('time::')],
  ['formatting (core::fmt)', (n) => /fmt::|_fmt|Display|Debug/.test(n)],
  ['allocator (dlmalloc)', (n) => /dlmalloc|__rust_(alloc|dealloc|realloc)|__rdl/.test(n)],
  ['binding (wasm-bindgen, rolecall_wasm)', (n) => /wasm_bindgen|rolecall_wasm|__wbg|__wbindgen|js_sys|externref|^evaluator_|^policy_/.test(n)],
  ['rest of the core (rolecall)', (n) => n.includes('rolecall::')],
  ['generic std code (Vec, String, iterators, drops)', () => true],
];
const sizes = new Map(parts.map(([p]) => [p, 0]));
let total = 0;
const code = rows.filter((r) => !r.name.includes('function names') && !r.name.startsWith('custom section'));
for (const { name, size } of code) {
  const [part] = parts.find(([, test]) => test(name));
  sizes.set(part, sizes.get(part) + size);
  total += size;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const bytes = readFileSync(shipped);
const hash = /::h[0-9a-f]{16}$|\[[0-9a-f]{16}\]/g;
const md = [
  '',
  '## What the browser module holds (issue #17: `node bench/js/module-size.mjs`)',
  '',
  `The lean build as shipped (\`dist/wasm/rolecall_wasm_bg.wasm\`, after wasm-opt): ${kb(bytes.length)}, ` +
    `${kb(gzipSync(bytes, { level: 9 }).length)} gzipped. Below, twiggy on the same build before wasm-opt, ` +
    `names kept: ${kb(total)} of code and data, by part (a function goes to the first part it matches).`,
  '',
  '| part | size | share |',
  '| --- | ---: | ---: |',
  ...[...sizes]
    .sort((a, b) => b[1] - a[1])
    .map(([p, s]) => `| ${p} | ${kb(s)} | ${((100 * s) / total).toFixed(1)}% |`),
  '',
  'The largest functions:',
  '',
  '| function | size |',
  '| --- | ---: |',
  ...code
    .filter((r) => !r.name.startsWith('data segment'))
    .sort((a, b) => b.size - a.size)
    .slice(0, 12)
    .map((r) => `| \`${r.name.replace(hash, '').replaceAll('|', '\\|').slice(0, 140)}\` | ${r.size} B |`),
  '',
].join('\n');
appendFileSync(results, md);
process.stdout.write(md);
