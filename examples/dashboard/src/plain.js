// rolecall/dom on a page without a framework: load the user's snapshot with its prepared
// decisions and `watch` the marked buttons at once (`rolecall/decisions`: no WebAssembly yet);
// then load the engine and the policy and hand the store the engine's `Permissions`, which
// answer the same. Changing the tenant only changes `data-rolecall-scope` (and the country
// context): `watch` sees the attribute change and gates the buttons again.
import init, { Permissions, Policy } from 'rolecall';
import { SnapshotDecisions } from 'rolecall/decisions';
import { createPermissionStore, watch } from 'rolecall/dom';
import './styles.css';

const get = async (path) => {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
};

async function main() {
  const engine = init(); // downloads and compiles while the page gates from the decisions
  const session = await get('/api/session');
  const who = document.getElementById('who');
  if (session.subject === null) {
    who.innerHTML = 'Not signed in: <a href="/">choose a demo user</a> first.';
    return;
  }
  const [me, snapshot] = await Promise.all([get('/api/me'), get('/api/me/snapshot?decisions=1')]);
  const store = createPermissionStore(SnapshotDecisions.from(snapshot));
  document.body.dataset.rolecall = 'decisions';
  (async () => {
    const [, { policy: text }] = await Promise.all([engine, get('/api/policy')]);
    store.set(Permissions.fromSnapshot(Policy.parse(text), snapshot));
    document.body.dataset.rolecall = 'engine';
  })().catch((e) => (who.textContent = `The permissions engine did not load: ${e.message}`));
  who.textContent = `Signed in as ${me.name} (${me.subject}).`;

  const quick = document.getElementById('quick');
  const select = document.getElementById('tenant');
  for (const t of me.tenants) select.add(new Option(t.name ?? t.id, t.id));
  const setTenant = (id) => {
    const t = me.tenants.find((x) => x.id === id);
    quick.setAttribute('data-rolecall-scope', t.id);
    for (const b of quick.querySelectorAll('[data-rolecall-action]')) {
      if (t.country) b.setAttribute('data-rolecall-context-country', t.country);
      else b.removeAttribute('data-rolecall-context-country');
    }
  };
  setTenant(me.tenants[0].id);
  select.addEventListener('change', () => setTenant(select.value));
  watch(quick, store);

  const result = document.getElementById('result');
  quick.addEventListener('click', async (e) => {
    const button = e.target.closest('[data-rolecall-action]');
    if (button === null) return;
    e.preventDefault();
    const scope = quick.getAttribute('data-rolecall-scope');
    const country = button.getAttribute('data-rolecall-context-country');
    const res = await fetch(`/api/scopes/${scope}/actions/${button.getAttribute('data-rolecall-action')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(country ? { context: { country } } : {}),
    });
    const body = await res.json();
    result.textContent = res.ok ? `The server allowed it: ${body.message}` : `The server refused: ${body.error.message} (${body.error.code})`;
    result.dataset.code = res.ok ? 'granted' : body.error.code;
  });
}

main().catch((e) => {
  document.getElementById('who').textContent = `Could not start: ${e.message}`;
});
