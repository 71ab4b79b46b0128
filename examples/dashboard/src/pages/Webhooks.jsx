import { useState } from 'react';
import { api } from '../api.js';
import { Gated } from '../components/Gated.jsx';
import { useTenant } from '../components/tenant.js';
import { useRun } from '../components/toast.jsx';
import { useResource } from '../components/useResource.js';
import { Loading, Page } from './Page.jsx';

export function WebhooksPage() {
  return (
    <Page title="Webhooks" subtitle="Endpoints notified of payment events" view="webhooks.view_section">
      <WebhooksBody />
    </Page>
  );
}

function WebhooksBody() {
  const tenant = useTenant();
  const run = useRun();
  const hooks = useResource(`/api/scopes/${tenant.id}/webhooks`);
  const [url, setUrl] = useState('');
  const create = (e) => {
    e.preventDefault();
    run('Endpoint added', () => api('POST', `/api/scopes/${tenant.id}/webhooks`, { url })).then((w) => {
      if (w) setUrl('');
      hooks.reload();
    });
  };
  const test = (w) => run(`Test event delivered to ${w.url}`, () => api('POST', `/api/scopes/${tenant.id}/webhooks/${w.id}/test`)).then(hooks.reload);
  return (
    <>
      <form className="card form-row" onSubmit={create} aria-label="New endpoint">
        <h2>Add an endpoint</h2>
        <label className="grow">
          Endpoint URL
          <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/webhooks" required />
        </label>
        <Gated action="webhooks.create_endpoint" hint>
          <button className="btn" type="submit">Add endpoint</button>
        </Gated>
      </form>
      <div className="card">
        <h2>Endpoints</h2>
        {hooks.data === undefined ? (
          <Loading error={hooks.error} />
        ) : (
          <table>
            <thead>
              <tr><th>URL</th><th>Tenant</th><th>Events</th><th className="num">Tests sent</th><th /></tr>
            </thead>
            <tbody>
              {hooks.data.map((w) => (
                <tr key={w.id} data-row={w.id}>
                  <td><code>{w.url}</code></td>
                  <td>{w.scope}</td>
                  <td>{w.events.join(', ')}</td>
                  <td className="num">{w.tests}</td>
                  <td className="row-actions">
                    <Gated action="webhooks.send_test" scope={w.scope}>
                      <button className="btn small secondary" onClick={() => test(w)}>Send test</button>
                    </Gated>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
