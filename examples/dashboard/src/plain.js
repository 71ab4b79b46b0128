// rolecall/dom on a page without a framework: load the policy and the user's snapshot, then
// `watch` the marked buttons. Changing the tenant only changes `data-rolecall-scope` (and the
// country context): `watch` sees the attribute change and gates the buttons again.
import init, { Permissions, Policy } from 'rolecall';
import { createPermissionStore, watch } from 'rolecall/dom';
import './styles.css';

const get = async (path) => {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
};

async function main() {
  await init();
  const session = await get('/api/session');
  const who = document.getElementById('who');
  if (session.subject === null) {
    who.innerHTML = 'Not signed in: <a href="/">choose a demo user</a> first.';
    return;
  }
  const { policy: text } = await get('/api/policy');
  const policy = Policy.parse(text);
  const [me, snapshot] = await Promise.all([get('/api/me'), get('/api/me/snapshot')]);
  const store = createPermissionStore(Permissions.fromSnapshot(policy, snapshot));
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
