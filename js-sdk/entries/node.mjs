// Node, ES module: the WebAssembly module loads synchronously, here, at import. The build
// (scripts/build.mjs) bundles this file with the SDK and the generated loader into one.
import { readFileSync } from 'node:fs';
import * as generated from './wasm/node.js';
import { setBinding } from './esm/internal.js';

generated.initSync({ module: readFileSync(new URL('./wasm/rolecall_node_bg.wasm', import.meta.url)) });
setBinding(generated);
export * from './esm/index.js';
export { init as default } from './esm/index.js';
