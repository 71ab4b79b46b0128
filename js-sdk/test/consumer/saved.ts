// Snapshots and decisions saved as JSON files and imported, as a Vite + TypeScript app does
// (`resolveJsonModule`). The files are written by the real SDK when the test runs
// (test/entries.test.mjs), never by hand. TypeScript widens what it reads from JSON: `"granted"`
// becomes `string` and a `[0, {...}]` pair `(number | {...})[]`, so the SDK's input positions
// take `FromJson<T>` (src/types.ts), the generated type as a JSON import gives it.
import { Permissions, Policy, type Decision, type FromJson, type Snapshot } from 'rolecall';
import type { Schema } from './schema.js';
import withGrant from './snapshot-grant.json';
import withContext from './snapshot-context.json';
import apiKey from './snapshot-key.json';
import allowed from './decision-allowed.json';
import denied from './decision-denied.json';

declare const policyText: string;
const policy = Policy.parse<Schema>(policyText);

const olga = Permissions.fromSnapshot(policy, withGrant);
Permissions.fromSnapshot(policy, withContext).can('refunds.create', 'acme-cl', { context: { country: 'CL' } });
Permissions.fromSnapshot<Schema>(policy, apiKey);

// A saved decision is a `FromJson<Decision>`; a live one is one too.
const saved: FromJson<Decision>[] = [allowed, denied];
saved.push(olga.check('refunds.create', 'org'));
const reasons: string[] = saved.map((d) => d.reason);

// What the SDK itself wrote (`evaluator.snapshot`) still fits, and a wrong shape still fails.
declare const fresh: Snapshot;
Permissions.fromSnapshot(policy, fresh);
// @ts-expect-error: `scopes` is a list of scopes
Permissions.fromSnapshot(policy, { ...withGrant, scopes: 'org' });
void reasons;
