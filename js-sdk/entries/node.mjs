// Node, ES module: the WebAssembly module loads synchronously, here, at import. The build
// (scripts/build.mjs) bundles this file with the SDK and the generated loader into one, and
// writes the export list below from the SDK's index (so a new export needs no edit here).
// One copy per process (the dual-package hazard): the first of this file and node.cjs to load
// keeps its SDK, with its WebAssembly instance, on globalThis under a symbol naming this
// version; the other re-exports that one. So `import` and `require` of `rolecall` and
// `rolecall/node`, in any mix, share one Evaluator, one RolecallError and one instance.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as generated from './wasm/node.js';
import * as own from './esm/index.js';
import { setBinding } from './esm/internal.js';

const key = Symbol.for('rolecall.node@__ROLECALL_VERSION__');

// The .wasm beside this file, read from disk by its path. Not `new URL('./wasm/...',
// import.meta.url)`: bundlers rewrite that into an asset's URL, and Next.js's Turbopack makes it,
// for server rendering, a site-relative URL (`/_next/static/media/...`) that `readFileSync`
// cannot read. A bundled server keeps `import.meta.url` as this file's own URL.
const wasmPath = join(dirname(fileURLToPath(import.meta.url)), 'wasm', 'rolecall_node_bg.wasm');

function load() {
  generated.initSync({ module: readFileSync(wasmPath) });
  setBinding(generated);
  const sdk = { ...own, default: own.init };
  Object.defineProperty(sdk, '__esModule', { value: true });
  return Object.freeze(sdk);
}

const sdk = (globalThis[key] ??= load());
/* __ROLECALL_EXPORTS__ */
export default sdk.default;
