// Workers and edge runtimes (export conditions `workerd`, `worker`, `edge-light`): the lean
// build's .wasm imported as a module (a WebAssembly.Module there), instantiated synchronously
// at import, so no `init()` and no fetch of a relative URL (which those runtimes refuse).
import wasmModule from './wasm/rolecall_wasm_bg.wasm';
import * as generated from './wasm/web.js';
import { setBinding } from './esm/internal.js';

generated.initSync({ module: wasmModule });
setBinding(generated);
export * from './esm/index.js';
export { init as default } from './esm/index.js';
