// One cold load of a large directory through the JS SDK, in a fresh process: import, parse the
// policy, then time `new Evaluator(policy, directoryText)` (the JIT is as cold as a server's
// first load). Prints one JSON line. Run by run.mjs for issue #7's "directory of 100k
// assignments loaded in under 300 ms in WASM".
//
//   node lib/load.mjs POLICY.json DIRECTORY.json
import { readFileSync } from 'node:fs';
import { sdkDist } from './contenders.mjs';

const [policyFile, directoryFile] = process.argv.slice(2);
const sdk = await import(new URL('node.mjs', `file://${sdkDist}/`).href);
const policy = sdk.Policy.parse(readFileSync(policyFile, 'utf8'));
const text = readFileSync(directoryFile, 'utf8');
const t = performance.now();
const evaluator = new sdk.Evaluator(policy, text);
const ms = performance.now() - t;
const assignments = JSON.parse(text).assignments.length;
// One decision, so the load cannot be optimized away and is known to work.
const a = JSON.parse(text).assignments[0];
const allowed = evaluator.can(a.subject, Object.keys(JSON.parse(readFileSync(policyFile, 'utf8')).actions)[0], a.scope);
console.log(JSON.stringify({ ms, assignments, bytes: text.length, allowed }));
