'use strict';
// Node, CommonJS: the WebAssembly module loads synchronously, here, at require.
require('./cjs/internal.js').setBinding(require('./wasm/node.cjs'));
module.exports = require('./cjs/index.js');
