// Node (and Bun, Deno): `import` of the package; YAML read on the server, no init().
import { readFileSync } from 'node:fs';
import { Evaluator, Policy } from 'rolecall';

const [policy, directory, subject, action, scope] = process.argv.slice(2);
const ev = new Evaluator(Policy.parse(readFileSync(policy, 'utf8')), readFileSync(directory, 'utf8'));
const d = ev.check(subject, action, scope);
console.log(JSON.stringify({ allowed: d.allowed, reason: d.reason, hash: ev.policy.hash }));
