'use strict';
// Node, CommonJS: the WebAssembly module loads synchronously, here, at require. The build
// (scripts/build.mjs) bundles this file with the SDK and the generated loader into one.
// One copy per process: see node.mjs (the same symbol, so the same SDK object either way).
const key = Symbol.for('rolecall.node@__ROLECALL_VERSION__');

function load() {
  const { readFileSync } = require('node:fs');
  const { join } = require('node:path');
  const generated = require('./wasm/node.js');
  generated.initSync({ module: readFileSync(join(__dirname, 'wasm', 'rolecall_node_bg.wasm')) });
  require('./cjs/internal.js').setBinding(generated);
  const own = require('./cjs/index.js');
  // `default` and `__esModule`: `import init from 'rolecall'` compiled to CommonJS calls `init`.
  const sdk = { ...own, default: own.init };
  Object.defineProperty(sdk, '__esModule', { value: true });
  return Object.freeze(sdk);
}

module.exports = globalThis[key] ??= load();
