// Node (and Bun): `require` of the package.
const { readFileSync } = require('node:fs');
const { Evaluator, Policy } = require('rolecall');

const [policy, directory, subject, action, scope] = process.argv.slice(2);
const ev = new Evaluator(Policy.parse(readFileSync(policy, 'utf8')), readFileSync(directory, 'utf8'));
const d = ev.check(subject, action, scope);
console.log(JSON.stringify({ allowed: d.allowed, reason: d.reason, hash: ev.policy.hash }));
