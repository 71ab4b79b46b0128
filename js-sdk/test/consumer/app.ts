import { Evaluator, Permissions, Policy, RolecallError, type Decision } from 'rolecall';
import type { Schema } from './schema.js';

declare const policyText: string;
declare const directoryText: string;

const policy = Policy.parse<Schema>(policyText);
const typed = new Evaluator(policy, directoryText);
typed.can('alice', 'refunds.create', 'org', { context: { country: 'CL' } });
typed.can('alice', 'refunds:manage', 'org');
// @ts-expect-error: not an action of the policy
typed.can('alice', 'refunds.crate', 'org');
// @ts-expect-error: not a dimension of the policy
typed.can('alice', 'refunds.create', 'org', { context: { planet: 'mars' } });
// @ts-expect-error: the scope is positional, never an option (docs/api.md)
typed.can('alice', 'refunds.create', { scope: 'org' });
// @ts-expect-error: not a role of the policy
typed.canAssign({ actor: 'a', subject: 'b', role: 'admin', scope: 'org' });
const actions: Schema['action'][] = typed.allowedActions('alice', 'org');

// The codegen's suggested form: the Schema on the evaluator, the policy parsed untyped.
const alsoTyped = new Evaluator<Schema>(Policy.parse(policyText), directoryText);
// @ts-expect-error: not an action of the policy
alsoTyped.prepare('alice').can('refunds.crate', 'org');

const plain = new Evaluator(Policy.parse(policyText), directoryText);
plain.can('alice', 'anything.at_all', 'org', { context: { whatever: 'x' } });
const d: Decision = plain.check('alice', 'x.y', 'org', { now: new Date() });

const perms = Permissions.fromSnapshot<Schema>(policy, typed.snapshot('alice'));
perms.can('transfers.approve', 'org', { resource: { created_by: 'bob' } });
// @ts-expect-error: not an action of the policy
perms.can('transfers.aprove', 'org');
const p: Decision = typed.prepare('alice').check('refunds.create', 'org', { context: { country: 'CL' } });
void p;

try {
  plain.can('a', 'b.c', 'org');
} catch (e) {
  if (e instanceof RolecallError) {
    const where: string = `${e.code} ${e.path} ${e.line ?? ''}:${e.column ?? ''} ${e.help ?? ''}`;
    void where;
  }
}
void actions;
void d;
