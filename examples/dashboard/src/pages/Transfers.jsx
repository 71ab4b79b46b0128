import { useState } from 'react';
import { api } from '../api.js';
import { Gated } from '../components/Gated.jsx';
import { useTenant } from '../components/tenant.js';
import { useRun } from '../components/toast.jsx';
import { useResource } from '../components/useResource.js';
import { money } from '../labels.js';
import { Loading, Page, Status } from './Page.jsx';

export function TransfersPage() {
  return (
    <Page title="Transfers" subtitle="Outgoing transfers: one person creates, another approves" view="transfers.view_section">
      <TransfersBody />
    </Page>
  );
}

function TransfersBody() {
  const tenant = useTenant();
  const run = useRun();
  const transfers = useResource(`/api/scopes/${tenant.id}/transfers`);
  const [beneficiary, setBeneficiary] = useState('');
  const [amount, setAmount] = useState('');
  const create = (e) => {
    e.preventDefault();
    run('Transfer created: it now needs approval by someone else', () =>
      api('POST', `/api/scopes/${tenant.id}/transfers`, { beneficiary, amount: Number(amount) }),
    ).then((t) => {
      if (t) {
        setBeneficiary('');
        setAmount('');
      }
      transfers.reload();
    });
  };
  const approve = (t) =>
    run(`Transfer ${t.id} approved`, () => api('POST', `/api/scopes/${tenant.id}/transfers/${t.id}/approve`)).then(transfers.reload);
  return (
    <>
      <form className="card form-row" onSubmit={create} aria-label="New transfer">
        <h2>New transfer</h2>
        <label>
          Beneficiary
          <input value={beneficiary} onChange={(e) => setBeneficiary(e.target.value)} placeholder="Proveedora Austral SpA" required />
        </label>
        <label>
          Amount
          <input value={amount} onChange={(e) => setAmount(e.target.value)} inputMode="decimal" placeholder="150000" required />
        </label>
        <Gated action="transfers.create" hint>
          <button className="btn" type="submit">Create transfer</button>
        </Gated>
      </form>
      <div className="card">
        <h2>Transfers</h2>
        {transfers.data === undefined ? (
          <Loading error={transfers.error} />
        ) : (
          <table>
            <thead>
              <tr><th>Transfer</th><th>Beneficiary</th><th className="num">Amount</th><th>Created by</th><th>Status</th><th /></tr>
            </thead>
            <tbody>
              {transfers.data.map((t) => (
                <tr key={t.id} data-row={t.id}>
                  <td><code>{t.id}</code></td>
                  <td>{t.beneficiary}</td>
                  <td className="num">{money(t.amount, t.currency)}</td>
                  <td>{t.created_by}</td>
                  <td><Status value={t.status} />{t.approved_by && <span className="muted"> by {t.approved_by}</span>}</td>
                  <td className="row-actions">
                    {t.status === 'pending_approval' && (
                      // Maker-checker: the transfer's creator is the resource attribute.
                      <Gated action="transfers.approve" scope={t.scope} resource={{ created_by: t.created_by }}>
                        <button className="btn small" onClick={() => approve(t)}>Approve</button>
                      </Gated>
                    )}
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
