// Browser bundle size of what each contender ships: esbuild bundles a one-line entry that
// imports what the contender uses (minified, ES module, browser platform), and the output is
// gzipped (level 9). A WebAssembly contender's .wasm is loaded at run time, not bundled, so
// its gzipped size is added.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** Gzipped bytes of the bundle with its .wasm, and of the .wasm alone; `wasm` lists .wasm files to add. */
export async function bundleSize(entry, wasm = []) {
  const r = await build({
    stdin: { contents: entry, resolveDir: here, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    outdir: join(here, '.bundle'),
    // casbin's browser path never reads files, but its sources import node builtins.
    external: ['fs', 'path', 'node:*'],
    // A .wasm imported by the JS (Cedar's ES module build) becomes a separate asset file.
    loader: { '.wasm': 'file' },
    logLevel: 'silent',
  });
  const emitted = r.outputFiles.map((f) => ({ path: f.path, gz: gz(f.contents) }));
  const added = wasm.map((w) => ({ path: w, gz: gz(readFileSync(w)) }));
  const all = [...emitted, ...added];
  const sum = (fs) => fs.reduce((n, f) => n + f.gz, 0);
  return { gzBytes: sum(all), wasmGzBytes: sum(all.filter((f) => f.path.endsWith('.wasm'))) };
}
