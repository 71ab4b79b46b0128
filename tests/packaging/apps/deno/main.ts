// Deno, from the project's node_modules (the npm package, as `npm install` left it).
import { Evaluator, Policy } from 'rolecall';

const [policy, directory, subject, action, scope] = Deno.args;
const ev = new Evaluator(Policy.parse(Deno.readTextFileSync(policy)), Deno.readTextFileSync(directory));
const d = ev.check(subject, action, scope);
console.log(JSON.stringify({ allowed: d.allowed, reason: d.reason, hash: ev.policy.hash }));
