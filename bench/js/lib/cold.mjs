// One cold start of the JS SDK in a fresh process, in parts, for issue #4's budget (import,
// instantiate, load the payments dashboard policy). Prints one JSON line. run.mjs runs each
// kind in several processes and reports the medians.
//
//   node lib/cold.mjs module            read and compile the Node .wasm alone (V8 validates it;
//                                       functions compile later, on first run)
//   node lib/cold.mjs policy FILE       import the SDK, then parse FILE twice: the first parse
//                                       (cold) and the same text again (the code compiled)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sdkDist } from './contenders.mjs';

const [kind, file] = process.argv.slice(2);
if (kind === 'module') {
  const t = performance.now();
  const module = new WebAssembly.Module(readFileSync(join(sdkDist, 'wasm', 'rolecall_node_bg.wasm')));
  const ms = performance.now() - t;
  console.log(JSON.stringify({ ms, exports: WebAssembly.Module.exports(module).length }));
} else if (kind === 'policy' && file) {
  const text = readFileSync(file, 'utf8');
  const t0 = performance.now();
  const sdk = await import(new URL('node.mjs', `file://${sdkDist}/`).href);
  const t1 = performance.now();
  const policy = sdk.Policy.parse(text);
  const t2 = performance.now();
  const again = sdk.Policy.parse(text);
  const t3 = performance.now();
  // Both parses really happened and agree.
  if (again.hash !== policy.hash) throw new Error('the same text parsed to two hashes');
  console.log(JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, secondMs: t3 - t2, actions: policy.actions.length }));
} else {
  throw new Error('usage: cold.mjs module | cold.mjs policy FILE');
}
