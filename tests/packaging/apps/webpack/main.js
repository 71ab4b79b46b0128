// webpack 5: init() with no argument; webpack emits the .wasm it finds through
// `new URL(..., import.meta.url)` in the package's loader.
import init from 'rolecall';
import { decide, fail, show } from '../browser/decide.js';

init().then(() => show(decide()), fail);
