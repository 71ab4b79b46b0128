// Node, `import` and `require` in one app: one copy of the package, so enforce() from
// `require('rolecall/node')` answers an evaluator from `import 'rolecall'` with 403 and 400.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Evaluator, Policy } from 'rolecall';

const require = createRequire(import.meta.url);
const { enforce } = require('rolecall/node');
const [policy, directory, subject, action, scope] = process.argv.slice(2);
const ev = new Evaluator(Policy.parse(readFileSync(policy, 'utf8')), readFileSync(directory, 'utf8'));
const status = (o) => `${o.status} ${o.allowed ? 'granted' : o.body.error.code}`;
console.log(JSON.stringify([
  status(enforce(ev, subject, action, scope)),
  status(enforce(ev, subject, 'no.such_action', scope)),
  status(enforce(ev, subject, action, 'no-such-scope')),
]));
