// The server's evaluator (the full build, in Node): the payments example's policy and directory
// in YAML, read once per server process. The test copies them into data/.
import 'server-only';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Evaluator, Policy } from 'rolecall';

const data = (file) => readFileSync(join(process.cwd(), 'data', file), 'utf8');

export const evaluator = new Evaluator(Policy.parse(data('policy.yaml')), data('directory.yaml'));

/** The signed-in user. A stand-in for the app's session: the `user` search parameter. */
export function userOf(searchParams) {
  return searchParams.get('user') ?? undefined;
}
