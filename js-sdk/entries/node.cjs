'use strict';
// Node, CommonJS: the WebAssembly module loads synchronously, here, at require. The build
// (scripts/build.mjs) bundles this file with the SDK and the generated loader into one.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const generated = require('./wasm/node.js');

generated.initSync({ module: readFileSync(join(__dirname, 'wasm', 'rolecall_node_bg.wasm')) });
require('./cjs/internal.js').setBinding(generated);
module.exports = require('./cjs/index.js');
