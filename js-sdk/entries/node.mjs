// Node, ES module: the same synchronous load (the generated loader is CommonJS), at import.
import { createRequire } from 'node:module';
import { setBinding } from './esm/internal.js';

setBinding(createRequire(import.meta.url)('./wasm/node.cjs'));
export * from './esm/index.js';
export { init as default } from './esm/index.js';
