// rolecall/vue with real snapshots of the payments example and Vue itself (no DOM: Vue's
// reactivity in an app context, and Vue's server renderer for <Can>). The directive and a
// re-render in a page are tested in Chromium (tests/packaging/apps/vite-vue).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Permissions, Policy } from 'rolecall';
import { Can, createPermissionStore, createRolecall, usePermissions, useCan, useScopesWhere } from 'rolecall/vue';
import { createSSRApp, effectScope, h, ref, watchEffect } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { examples, read } from './helpers.mjs';

const policy = Policy.parse(read(examples, 'payments', 'policy.yaml'));
const evaluator = new Evaluator(policy, read(examples, 'payments', 'directory.yaml'));
const as = (subject) => Permissions.fromSnapshot(policy, evaluator.snapshot(subject));
const action = 'refunds.create';

/** Runs `body` where `inject` sees the plugin's store, and collects what the effects saw. */
function inApp(rolecall, body) {
  const app = createSSRApp({ render: () => null }).use(rolecall);
  const scope = effectScope();
  app.runWithContext(() => scope.run(body));
  return () => scope.stop();
}

test('useCan, usePermissions and useScopesWhere follow a new snapshot and a changed argument', () => {
  const oscar = as('oscar');
  const fiona = as('fiona');
  const rolecall = createRolecall(oscar);
  const where = ref('acme-cl');
  const other = oscar.scopesWhere(action).find((s) => s !== 'acme-cl');
  assert.ok(other, 'oscar may refund in a second scope');
  const seen = { reason: [], subject: [], scopes: [] };
  const stop = inApp(rolecall, () => {
    const refund = useCan(action, where);
    const me = usePermissions();
    const scopes = useScopesWhere(() => action);
    watchEffect(() => seen.reason.push(refund.value.reason), { flush: 'sync' });
    watchEffect(() => seen.subject.push(me.value.subject), { flush: 'sync' });
    watchEffect(() => seen.scopes.push(scopes.value.length), { flush: 'sync' });
  });
  rolecall.store.set(fiona);
  where.value = other;
  stop();
  rolecall.store.set(oscar);
  assert.deepEqual(seen, {
    reason: ['granted', fiona.check(action, 'acme-cl').reason, fiona.check(action, other).reason],
    subject: ['oscar', 'fiona'],
    scopes: [oscar.scopesWhere(action).length, fiona.scopesWhere(action).length],
  });
  assert.notEqual(seen.reason[1], 'granted', 'the example refuses fiona');
});

test('<Can> renders the child, the child disabled with the reason, or the fallback (server rendering)', async () => {
  const fiona = as('fiona');
  const refused = fiona.check(action, 'acme-cl');
  const render = (permissions, props) =>
    renderToString(
      createSSRApp({
        render: () => h(Can, { action, scope: 'acme-cl', ...props }, { default: () => h('button', 'Refund'), fallback: () => 'no' }),
      }).use(createRolecall(permissions)),
    );
  assert.equal(await render(as('oscar'), {}), '<button>Refund</button>');
  const disabled = await render(createPermissionStore(fiona), {});
  assert.match(disabled, /^<button disabled aria-disabled="true" title="([^"]+)" data-rolecall-reason="([^"]+)">Refund<\/button>$/);
  assert.ok(disabled.includes(`data-rolecall-reason="${refused.reason}"`));
  // A slot's nodes come inside Vue's fragment markers.
  assert.equal(await render(fiona, { mode: 'hide' }), '<!--[-->no<!--]-->');
});

test('errors: no store provided, and a misspelt action read from useCan', () => {
  const app = createSSRApp({ render: () => null });
  assert.throws(() => app.runWithContext(() => useCan(action, 'acme-cl')), /no permission store here/);
  inApp(createRolecall(as('oscar')), () => {
    const typo = useCan('refunds.crate', 'acme-cl');
    assert.throws(() => typo.value, { code: 'unknown_action' });
  })();
});
