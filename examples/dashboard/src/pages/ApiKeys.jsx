import { useState } from 'react';
import { api } from '../api.js';
import { Gated } from '../components/Gated.jsx';
import { useTenant } from '../components/tenant.js';
import { useRun } from '../components/toast.jsx';
import { useResource } from '../components/useResource.js';
import { Loading, Page } from './Page.jsx';

export function ApiKeysPage() {
  return (
    <Page title="API keys" subtitle="Secret keys your servers use to call the payments API" view="api_keys.view_section">
      <ApiKeysBody />
    </Page>
  );
}

function ApiKeysBody() {
  const tenant = useTenant();
  const run = useRun();
  const keys = useResource(`/api/scopes/${tenant.id}/api-keys`);
  const [shown, setShown] = useState(null);
  const act = (k, what, label) =>
    run(label, () => api('POST', `/api/scopes/${tenant.id}/api-keys/${k.id}/${what}`)).then((r) => {
      if (r?.secret && what !== 'activate') setShown({ id: k.id, secret: r.secret, rolled: what === 'roll' });
      keys.reload();
    });
  return (
    <div className="card">
      <h2>Secret keys</h2>
      {shown && (
        <div className="callout" data-secret-for={shown.id}>
          {shown.rolled ? 'New secret for' : 'Secret of'} <code>{shown.id}</code>: <code className="secret">{shown.secret}</code>
          <span className="muted"> (made up for the demo; shown once)</span>
        </div>
      )}
      {keys.data === undefined ? (
        <Loading error={keys.error} />
      ) : (
        <table>
          <thead>
            <tr><th>Name</th><th>Tenant</th><th>Secret</th><th>Status</th><th /></tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.id} data-row={k.id}>
                <td>{k.name} <span className={`badge ${k.mode}`}>{k.mode}</span></td>
                <td>{k.scope}</td>
                <td><code>{k.secret}</code></td>
                <td><span className={`status status-${k.active ? 'active' : 'inactive'}`}>{k.active ? 'active' : 'inactive'}</span></td>
                <td className="row-actions">
                  {!k.active && (
                    <Gated action="api_keys.activate" scope={k.scope}>
                      <button className="btn small secondary" onClick={() => act(k, 'activate', `${k.name} activated`)}>Activate</button>
                    </Gated>
                  )}
                  <Gated action="api_keys.view_key" scope={k.scope}>
                    <button className="btn small secondary" onClick={() => act(k, 'reveal', `Secret of ${k.name} revealed`)}>Reveal</button>
                  </Gated>
                  <Gated action="api_keys.roll_secret" scope={k.scope}>
                    <button className="btn small danger" onClick={() => act(k, 'roll', `Secret of ${k.name} rolled`)}>Roll secret</button>
                  </Gated>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
