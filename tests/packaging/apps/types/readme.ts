// README.md's first example (Node and the browser), type-checked under --strict, with the
// default import of `init` that the browser part uses.
import init, { Evaluator, Permissions, Policy, RolecallError, type Decision } from 'rolecall';
import wasm from 'rolecall/rolecall.wasm';
import { SnapshotDecisions } from 'rolecall/decisions';

declare const policyText: string;
declare const directoryText: string;
declare const button: { disabled: boolean };

export async function main(): Promise<void> {
  const evaluator = new Evaluator(Policy.parse(policyText), directoryText); // Node: no init()
  const message: string = evaluator.check('bob', 'refunds.create', 'acme-cl').message;
  evaluator.can('bob', 'transfers.approve', 'org', { resource: { created_by: 'bob' } });

  // the server sends the policy as JSON and the user's snapshot
  const res = { json: (body: unknown) => JSON.stringify(body) };
  const sent = res.json({ policy: evaluator.policy.toJSON(), snapshot: evaluator.snapshot('bob') });

  // a page's first decisions, before the engine loads (taken with { decisions: true })
  const prepared = evaluator.snapshot('bob', { decisions: true });
  const first = SnapshotDecisions.from(JSON.parse(JSON.stringify(prepared)));
  const early: boolean = first.can('refunds.create', 'acme-cl');
  const pending: boolean = first.check('refunds.create', 'acme-cl').reason === 'pending';
  console.log(early, pending, first.answers('refunds.create', 'acme-cl'), first.scopesWhere('refunds.create'));

  // in the browser
  await init();
  await init(wasm); // esbuild's recipe (docs/environments.md)
  const { policy, snapshot } = JSON.parse(sent);
  const me = Permissions.fromSnapshot(Policy.parse(policy), snapshot);
  button.disabled = !me.can('refunds.create', 'acme-cl');
  const d: Decision = me.check('refunds.create', 'acme-cl');
  try {
    Policy.parse('rolecall: 1');
  } catch (e) {
    if (e instanceof RolecallError) console.log(e.code, e.help, message, d.reason);
  }
}
