// rolecall/react without a browser (react-dom/server): the clear error without a provider, what
// <Can> renders in each mode, and decisions memoized per (action, scope) per permissions version.
// Run with --preserve-symlinks: `rolecall` is linked from ../../js-sdk and must use this React.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { Evaluator, Permissions, Policy } from 'rolecall';
import { Can, RolecallProvider, createPermissionStore, useCan, useScopesWhere } from 'rolecall/react';

const data = join(import.meta.dirname, '..', '..', 'node-server', 'data');
const policy = Policy.parse(readFileSync(join(data, 'policy.yaml'), 'utf8'));
const evaluator = new Evaluator(policy, readFileSync(join(data, 'directory.yaml'), 'utf8'));
const as = (subject) => Permissions.fromSnapshot(policy, evaluator.snapshot(subject));

test('a hook outside <RolecallProvider> fails with an error that says what to do', () => {
  const Probe = () => useCan('refunds.create', 'org').message;
  assert.throws(() => renderToStaticMarkup(h(Probe)), /useCan\(\) was called outside <RolecallProvider>; wrap the app in <RolecallProvider permissions=/);
});

test('<Can mode="disable"> renders the child disabled, with the reason as title and as its description', () => {
  const html = renderToStaticMarkup(
    h(RolecallProvider, { permissions: as('fiona') }, h(Can, { action: 'refunds.create', scope: 'org' }, h('button', null, 'Refund'))),
  );
  assert.match(html, /<button disabled="" aria-disabled="true" title="Requires Manage on Refunds" aria-describedby="([^"]+)" data-rolecall-reason="missing_permission">Refund<\/button>/);
  const id = /aria-describedby="([^"]+)"/.exec(html)[1];
  assert.match(html, new RegExp(`<span id="${id}" style="[^"]*clip:rect\\(0, 0, 0, 0\\)[^"]*" data-rolecall-description="">Requires Manage on Refunds</span>`));
});

test('<Can> keeps an aria-describedby the child already has', () => {
  const html = renderToStaticMarkup(
    h(RolecallProvider, { permissions: as('fiona') }, h(Can, { action: 'refunds.create', scope: 'org' }, h('button', { 'aria-describedby': 'help' }, 'Refund'))),
  );
  assert.match(html, /aria-describedby="help [^"]+"/);
});

test('<Can mode="hide"> renders the fallback; allowed, the child exactly as written', () => {
  const hidden = renderToStaticMarkup(
    h(RolecallProvider, { permissions: as('fiona') }, h(Can, { action: 'links.delete', scope: 'org', mode: 'hide', fallback: 'no' }, h('button', null, 'Delete'))),
  );
  assert.equal(hidden, 'no');
  const shown = renderToStaticMarkup(
    h(RolecallProvider, { permissions: as('oscar') }, h(Can, { action: 'links.delete', scope: 'org', mode: 'hide' }, h('button', null, 'Delete'))),
  );
  assert.equal(shown, '<button>Delete</button>');
});

test('<Can> with a function child gets the decision (context and maker-checker resource)', () => {
  const html = renderToStaticMarkup(
    h(
      RolecallProvider,
      { permissions: as('carla') },
      h(Can, { action: 'refunds.create', scope: 'acme-cl', context: { country: 'MX' } }, (d) => d.reason),
      ' ',
      h(Can, { action: 'refunds.create', scope: 'acme-cl', context: { country: 'CL' } }, (d) => d.reason),
    ),
  );
  assert.equal(html, 'context_mismatch granted');
});

test('useScopesWhere lists the reachable scopes where an action is allowed (a tenant switcher)', () => {
  const Probe = () => useScopesWhere('refunds.create').join(',');
  assert.equal(renderToStaticMarkup(h(RolecallProvider, { permissions: as('sam') }, h(Probe))), 'acme-mx');
  assert.equal(renderToStaticMarkup(h(RolecallProvider, { permissions: as('oscar') }, h(Probe))), 'org,acme-cl,acme-mx');
});

test('the store decides each (action, scope) once per version, and again after set()', () => {
  let calls = 0;
  const counting = (p) => ({ ...p, subject: p.subject, check: (a, s, o) => (calls++, p.check(a, s, o)), scopesWhere: (a, o) => p.scopesWhere(a, o), allowedActions: (s, o) => p.allowedActions(s, o) });
  const store = createPermissionStore(counting(as('fiona')));
  const first = store.check('refunds.create', 'org');
  assert.equal(store.check('refunds.create', 'org'), first, 'the same object');
  store.check('refunds.create', 'org', { context: { country: 'CL' } });
  assert.equal(calls, 2);
  let notified = 0;
  const off = store.subscribe(() => notified++);
  store.set(counting(as('oscar')));
  assert.equal(store.version, 1);
  assert.equal(notified, 1);
  assert.equal(store.check('refunds.create', 'org').allowed, true);
  assert.equal(calls, 3);
  off();
  store.set(counting(as('fiona')));
  assert.equal(notified, 1, 'unsubscribed');
});

test('a misspelt action is an error, not a hidden button', () => {
  const html = () =>
    renderToStaticMarkup(h(RolecallProvider, { permissions: as('ada') }, h(Can, { action: 'refunds.crate', scope: 'org' }, h('button', null, 'x'))));
  assert.throws(html, { code: 'unknown_action' });
});
