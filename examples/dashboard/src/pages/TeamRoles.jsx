import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { useTenant } from '../components/tenant.js';
import { useRun } from '../components/toast.jsx';
import { permissionLabel } from '../labels.js';

/** `Refund desk` → `refund_desk`: a custom role's id from its name. */
const idOf = (label) => label.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').replace(/^(?=[0-9])/, 'r_');

/** `['refunds:manage', 'links:view']` → `{ refunds: ['manage'], links: ['view'] }`. */
function grantsOf(permissions) {
  const grants = {};
  for (const p of permissions) {
    const [resource, level] = p.split(':');
    (grants[resource] ??= []).push(level);
  }
  return grants;
}

/**
 * Create a role for this tenant by ticking permissions: only those the user holds here are
 * offered (the server's list), the preview shows canDefineRole's answer and who it affects, and
 * the server decides again on Create.
 */
export function CreateRole({ policyDoc, onCreated }) {
  const tenant = useTenant();
  const run = useRun();
  const [offered, setOffered] = useState(null);
  const [picked, setPicked] = useState([]);
  const [label, setLabel] = useState('');
  const [preview, setPreview] = useState(null);
  useEffect(() => {
    let live = true;
    setOffered(null);
    setPicked([]);
    setPreview(null);
    api('POST', '/api/roles/options', { scope: tenant.id }).then(
      (r) => live && setOffered(r.permissions),
      (e) => live && setOffered({ error: e }),
    );
    return () => {
      live = false;
    };
  }, [tenant.id]);
  const role = { id: idOf(label), label: label.trim(), scope: tenant.id, grants: grantsOf(picked) };
  const ready = role.id !== '' && picked.length > 0;
  const toggle = (p) => {
    setPreview(null);
    setPicked((cur) => (cur.includes(p) ? cur.filter((x) => x !== p) : [...cur, p]));
  };
  const showPreview = () =>
    api('POST', '/api/roles/preview', { role }).then(setPreview, (e) => setPreview({ error: e }));
  const create = () =>
    run(`Role ${role.label} created`, () => api('POST', '/api/roles', { role })).then((r) => {
      if (!r) return;
      setPicked([]);
      setLabel('');
      setPreview(null);
      onCreated(role.id);
    });
  if (offered === null) return <div className="card"><p className="muted">Checking which permissions you may give…</p></div>;
  if (offered.error) return null; // not a manager here: the server said so, nothing to offer
  return (
    <div className="card" aria-label="Create a role">
      <h2>Create a role for {tenant.name ?? tenant.id}</h2>
      <p className="muted">
        Tick what the role gives. Only permissions you hold here are offered: <code>canDefineRole</code> refuses a role
        beyond them on the server.
      </p>
      <div className="form-row">
        <label className="grow">Role name
          <input value={label} onChange={(e) => { setLabel(e.target.value); setPreview(null); }} placeholder="Refund desk" aria-label="Role name" />
        </label>
      </div>
      <ul className="permissions" aria-label="Permissions to give">
        {offered.map(({ permission }) => (
          <li key={permission}>
            <label>
              <input type="checkbox" checked={picked.includes(permission)} onChange={() => toggle(permission)} data-permission={permission} />
              {' '}{permissionLabel(policyDoc, permission)}
            </label>
          </li>
        ))}
      </ul>
      {preview?.error && <p className="error-text" data-code={preview.error.code}>{preview.error.message}</p>}
      {preview?.decision && (
        <div aria-label="Role preview">
          <p className={preview.allowed ? 'check ok' : 'check denied'} data-reason={preview.decision.reason}>
            Define: {preview.allowed ? 'allowed' : preview.decision.message} <code>{preview.decision.reason}</code>
          </p>
          {preview.diff && (
            <p className="muted" data-affected={preview.diff.length}>
              {preview.diff.length === 0
                ? 'Nobody holds this role yet: no one’s access changes until you assign it.'
                : `Changes access for ${[...new Set(preview.diff.map((d) => d.subject))].join(', ')}.`}
            </p>
          )}
        </div>
      )}
      <div className="buttons">
        <button className="btn secondary" onClick={showPreview} disabled={!ready}>Preview</button>
        <button className="btn" onClick={create} disabled={!ready || !preview?.allowed}>Create role</button>
      </div>
    </div>
  );
}
