// What every browser app does with the package: the server's policy (its toJSON()) and the
// signed-in user's snapshot, one decision, shown in <pre id="out"> for the test to read.
import { Permissions, Policy } from 'rolecall';
import fixture from '../../out/fixture.json';

export function decide() {
  const policy = Policy.parse(fixture.policy);
  const me = Permissions.fromSnapshot(policy, fixture.snapshot);
  const d = me.check(fixture.action, fixture.scope);
  return { allowed: d.allowed, reason: d.reason, hash: policy.hash };
}

export function permissions() {
  return Permissions.fromSnapshot(Policy.parse(fixture.policy), fixture.snapshot);
}

export const query = { action: fixture.action, scope: fixture.scope };

export function show(result) {
  const pre = document.createElement('pre');
  pre.id = 'out';
  pre.textContent = JSON.stringify(result);
  document.body.append(pre);
}

export function fail(e) {
  show({ error: e?.code ?? String(e), message: String(e?.message ?? e) });
}
