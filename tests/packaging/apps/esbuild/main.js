// esbuild (--bundle --format=esm --platform=browser --loader:.wasm=binary): the .wasm imported
// from `rolecall/rolecall.wasm` as bytes and handed to init().
import init from 'rolecall';
import wasm from 'rolecall/rolecall.wasm';
import { decide, fail, show } from '../browser/decide.js';

init(wasm).then(() => show(decide()), fail);
