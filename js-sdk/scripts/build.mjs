// Builds the npm package into dist/: the TypeScript twice (ES module and CommonJS), the
// three entry files, and the WebAssembly output of scripts/build-wasm.sh (../pkg), so that
// `npm pack` ships everything. Run `scripts/build-wasm.sh` first (the Makefile does).
//
//   node scripts/build.mjs
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, '..', 'pkg');
const dist = join(root, 'dist');
const tsc = join(root, 'node_modules', '.bin', 'tsc');

const node = join(pkg, 'node', 'rolecall_wasm_bg.wasm');
const web = join(pkg, 'web', 'rolecall_wasm_bg.wasm');
for (const f of [node, web]) {
  if (!existsSync(f)) {
    console.error(`build: ${f} is missing: run scripts/build-wasm.sh first`);
    process.exit(1);
  }
}
// wasm-bindgen writes the same .wasm for both targets; only the loaders differ. One copy ships.
const wasm = readFileSync(node);
if (!wasm.equals(readFileSync(web))) {
  console.error('build: pkg/node and pkg/web hold different .wasm files; rebuild with scripts/build-wasm.sh');
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });
execFileSync(tsc, ['-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
execFileSync(tsc, ['-p', join(root, 'tsconfig.cjs.json')], { stdio: 'inherit' });
// The package is "type": "module"; the CommonJS build says otherwise for its own folder.
writeFileSync(join(dist, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
cpSync(join(root, 'entries'), dist, { recursive: true });

mkdirSync(join(dist, 'wasm'));
writeFileSync(join(dist, 'wasm', 'rolecall_wasm_bg.wasm'), wasm);
copyFileSync(join(pkg, 'node', 'rolecall_wasm.js'), join(dist, 'wasm', 'node.cjs'));
copyFileSync(join(pkg, 'web', 'rolecall_wasm.js'), join(dist, 'wasm', 'web.js'));
copyFileSync(join(pkg, 'web', 'rolecall_wasm.d.ts'), join(dist, 'wasm', 'web.d.ts'));

// The generated module must still have the shape src/binding.ts describes.
execFileSync(tsc, ['-p', join(root, 'tsconfig.check.json')], { stdio: 'inherit' });

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(
  `build: dist/wasm/rolecall_wasm_bg.wasm ${kb(statSync(join(dist, 'wasm', 'rolecall_wasm_bg.wasm')).size)}` +
    `, ${kb(gzipSync(wasm, { level: 9 }).length)} gzipped`,
);
