// Builds the npm package into dist/: the TypeScript twice (ES module and CommonJS), the
// three entry files, and the WebAssembly output of scripts/build-wasm.sh (../pkg), so that
// `npm pack` ships everything. Run `scripts/build-wasm.sh` first (the Makefile does).
// Node's entries are then bundled (esbuild), each into one file: Node's ES module loader costs
// per file (a dozen files took about 5 ms, a third of the import, when this was measured).
//
//   node scripts/build.mjs
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, '..', 'pkg');
const dist = join(root, 'dist');
const tsc = join(root, 'node_modules', '.bin', 'tsc');

// Two builds (scripts/build-wasm.sh): the full one for Node, the lean one for browsers.
const node = join(pkg, 'node', 'rolecall_node_bg.wasm');
const web = join(pkg, 'web', 'rolecall_wasm_bg.wasm');
for (const f of [node, web]) {
  if (!existsSync(f)) {
    console.error(`build: ${f} is missing: run scripts/build-wasm.sh first`);
    process.exit(1);
  }
}

// src/wire.ts: the wire types' declarations from the builds' .d.ts (generated, checked in).
execFileSync(process.execPath, [join(root, 'scripts', 'wire-types.mjs')], { stdio: 'inherit' });
rmSync(dist, { recursive: true, force: true });
execFileSync(tsc, ['-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
execFileSync(tsc, ['-p', join(root, 'tsconfig.cjs.json')], { stdio: 'inherit' });
// The package is "type": "module"; the CommonJS build says otherwise for its own folder.
writeFileSync(join(dist, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
cpSync(join(root, 'entries'), dist, { recursive: true });

mkdirSync(join(dist, 'wasm'));
copyFileSync(node, join(dist, 'wasm', 'rolecall_node_bg.wasm'));
// The full build's generated loader: bundled into Node's entries below, then removed. Its
// default `init` is never called in Node (the entries pass the bytes to `initSync`), but it
// names the .wasm by `new URL('rolecall_node_bg.wasm', import.meta.url)`, a file beside the
// loader, not beside the bundled entry: bundlers that follow such URLs into the server's code
// (Next.js's Turbopack) failed with "Can't resolve 'rolecall_node_bg.wasm'", or published the
// full .wasm with the page's assets. The default is removed (`init()` without an argument there
// would fail on `undefined`, and nothing calls it).
const loader = readFileSync(join(pkg, 'node', 'rolecall_node.js'), 'utf8');
const wasmUrl = "new URL('rolecall_node_bg.wasm', import.meta.url)";
if (!loader.includes(wasmUrl)) {
  console.error(`build: ${join(pkg, 'node', 'rolecall_node.js')} no longer has ${wasmUrl}: check what Next.js makes of it`);
  process.exit(1);
}
writeFileSync(join(dist, 'wasm', 'node.js'), loader.replace(wasmUrl, 'undefined'));
copyFileSync(join(pkg, 'node', 'rolecall_node.d.ts'), join(dist, 'wasm', 'node.d.ts'));
copyFileSync(web, join(dist, 'wasm', 'rolecall_wasm_bg.wasm'));
copyFileSync(join(pkg, 'web', 'rolecall_wasm.js'), join(dist, 'wasm', 'web.js'));
copyFileSync(join(pkg, 'web', 'rolecall_wasm.d.ts'), join(dist, 'wasm', 'web.d.ts'));

// Node's entries, one file each (and one copy per process: entries/node.mjs): `rolecall` (dist/node.mjs, dist/node.cjs) with the SDK and the
// generated loader inside, and `rolecall/node` (src/node.ts, bundled as dist/node-enforce.*,
// since dist/node.* is the main entry) importing those, so both share one Evaluator and one
// RolecallError (instanceof holds across them). Browsers and bundlers keep the per-module
// dist/esm. The loader's default `init` (fetching the .wasm by `import.meta.url`) is never called
// in Node: the entries pass the bytes to `initSync`.
const sdkEntry = (file) => ({
  name: 'sdk-entry',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/index\.js$/ }, () => ({ path: `./${file}`, external: true }));
  },
});
// The Node entries' one-copy-per-process key names this version; node.mjs's named exports are
// the SDK index's (read from the built module, so an export added to src/index.ts needs no edit).
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const names = Object.keys(await import(pathToFileURL(join(dist, 'esm', 'index.js')).href)).sort();
for (const main of ['node.mjs', 'node.cjs']) {
  const file = join(dist, main);
  const text = readFileSync(file, 'utf8')
    .replaceAll('__ROLECALL_VERSION__', version)
    .replace('/* __ROLECALL_EXPORTS__ */', `export const { ${names.join(', ')} } = sdk;`);
  writeFileSync(file, text);
}
for (const [format, ext, main, subpath] of [
  ['esm', 'mjs', 'node.mjs', 'esm/node.js'],
  ['cjs', 'cjs', 'node.cjs', 'cjs/node.js'],
]) {
  const common = { bundle: true, platform: 'node', target: 'node18', format, keepNames: true, logLevel: 'warning' };
  const quiet = { logOverride: { 'empty-import-meta': 'silent' } };
  await build({ ...common, ...quiet, entryPoints: [join(dist, main)], outfile: join(dist, main), allowOverwrite: true });
  await build({ ...common, entryPoints: [join(dist, subpath)], outfile: join(dist, `node-enforce.${ext}`), plugins: [sdkEntry(main)] });
  // `rolecall/postgres` likewise; pg and PGlite are the application's (never bundled or imported).
  const pgSub = subpath.replace('node.js', 'postgres.js');
  await build({ ...common, entryPoints: [join(dist, pgSub)], outfile: join(dist, `postgres.${ext}`), plugins: [sdkEntry(main)] });
  // rolecall/filter in Node: its own file, sharing the main entry's RolecallError.
  await build({ ...common, entryPoints: [join(dist, format, 'filter.js')], outfile: join(dist, `filter.${ext}`), plugins: [sdkEntry(main)] });
  // rolecall/decisions likewise.
  await build({ ...common, entryPoints: [join(dist, format, 'decisions.js')], outfile: join(dist, `decisions.${ext}`), plugins: [sdkEntry(main)] });
}

// The generated module must still have the shape src/binding.ts describes.
execFileSync(tsc, ['-p', join(root, 'tsconfig.check.json')], { stdio: 'inherit' });
rmSync(join(dist, 'wasm', 'node.js'));
rmSync(join(dist, 'wasm', 'node.d.ts'));

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const [what, f] of [['Node (full)', 'rolecall_node_bg.wasm'], ['browsers (lean)', 'rolecall_wasm_bg.wasm']]) {
  const bytes = readFileSync(join(dist, 'wasm', f));
  console.log(`build: dist/wasm/${f} (${what}) ${kb(bytes.length)}, ${kb(gzipSync(bytes, { level: 9 }).length)} gzipped`);
}
