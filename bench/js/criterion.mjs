// Appends the Rust criterion results to ../results.md as a short table: the median time of one
// iteration and, where the benchmark declares a throughput, of one element (one check, one
// assignment loaded). Reads target/criterion/**/new/{benchmark,estimates}.json.
//
//   node criterion.mjs [--since EPOCH_MS]     (only benchmarks run since then)
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const target = process.env.CARGO_TARGET_DIR ?? join(here, '..', '..', 'target');
const root = join(target, 'criterion');
const i = process.argv.indexOf('--since');
const since = i > 0 ? Number(process.argv[i + 1]) : 0;

const time = (ns) =>
  ns < 1e3 ? `${ns.toFixed(1)} ns` : ns < 1e6 ? `${(ns / 1e3).toFixed(2)} µs` : ns < 1e9 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1e9).toFixed(2)} s`;

function* walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.name === 'benchmark.json' && dir.endsWith('/new')) yield dir;
  }
}

const rows = [];
if (existsSync(root)) {
  for (const dir of walk(root)) {
    const est = join(dir, 'estimates.json');
    if (!existsSync(est) || statSync(est).mtimeMs < since) continue;
    const b = JSON.parse(readFileSync(join(dir, 'benchmark.json'), 'utf8'));
    const ns = JSON.parse(readFileSync(est, 'utf8')).median.point_estimate;
    const n = b.throughput?.Elements ?? b.throughput?.Bytes;
    const each = b.throughput?.Elements ? `${time(ns / n)} per element (${n.toLocaleString('en')})` : '';
    rows.push({ id: b.full_id, line: `| ${b.full_id} | ${time(ns)} | ${each} |` });
  }
}
rows.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
const md = [
  '',
  '## Rust core (criterion, `cargo bench -p rolecall-bench`)',
  '',
  rows.length ? '| benchmark | median per iteration | per element |' : 'No criterion results found.',
  ...(rows.length ? ['| --- | ---: | --- |', ...rows.map((r) => r.line)] : []),
  '',
].join('\n');
appendFileSync(join(here, '..', 'results.md'), md);
process.stdout.write(md);
