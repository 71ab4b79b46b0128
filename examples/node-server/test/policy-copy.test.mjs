// The server's policy is the payments example's (examples/policies/payments) plus one role,
// `account_owner`; its directory adds only that role's holder. Nothing else may drift.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { directoryDoc, policyDoc, repo } from './helpers.mjs';

const original = (f) => YAML.parse(readFileSync(join(repo, 'examples', 'policies', 'payments', f), 'utf8'));

test('the policy is the payments example plus account_owner', () => {
  const { account_owner, ...roles } = policyDoc.roles;
  assert.ok(account_owner, 'account_owner is there');
  assert.deepEqual({ ...policyDoc, roles }, original('policy.yaml'));
});

test('the directory is the payments example plus the account owner', () => {
  const assignments = directoryDoc.assignments.filter((a) => a.role !== 'account_owner');
  assert.deepEqual({ ...directoryDoc, assignments }, original('directory.yaml'));
});
