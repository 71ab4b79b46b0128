import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { useRun } from '../components/toast.jsx';
import { contextText, permissionLabel, roleLabel } from '../labels.js';

/** The change's checks and its access diff, then Save. */
export function Preview({ change, name, policyDoc, onDone, onCancel }) {
  const run = useRun();
  const [preview, setPreview] = useState(null);
  const body = { add: change.add, remove: change.remove };
  const headers = change.remove === undefined ? {} : { 'x-rolecall-version': String(change.version) };
  useEffect(() => {
    let live = true;
    setPreview(null);
    api('POST', '/api/assignments/preview', body, headers).then(
      (p) => live && setPreview(p),
      (e) => live && setPreview({ error: e }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [change]);
  const save = () => run('Saved: access updated', () => api('POST', '/api/assignments', body, headers)).then((r) => r && onDone());
  const what = [
    change.remove !== undefined && 'remove an assignment',
    change.add && `give ${name(change.add.subject)} the role ${roleLabel(change.add.role)} at ${change.add.scope}${change.add.context ? ` (${contextText(change.add.context)})` : ''}`,
  ].filter(Boolean).join(', then ');
  return (
    <div className="card preview" aria-label="Access change preview">
      <h2>Review the change</h2>
      <p>You are about to {what}.</p>
      {preview === null && <p className="muted">Computing the change in access…</p>}
      {preview?.error && <p className="error-text" data-code={preview.error.code}>{preview.error.message}</p>}
      {preview?.checks?.map((c) => (
        <p key={c.op} className={c.decision.allowed ? 'check ok' : 'check denied'} data-check={c.op} data-reason={c.decision.reason}>
          {c.op === 'add' ? 'Assign' : 'Revoke'}: {c.decision.allowed ? 'allowed' : c.decision.message} <code>{c.decision.reason}</code>
        </p>
      ))}
      {preview?.diff && (
        <table className="diff" aria-label="Access diff">
          <thead><tr><th>Who</th><th>Where</th><th>Gains</th><th>Loses</th></tr></thead>
          <tbody>
            {preview.diff.length === 0 && <tr><td colSpan={4} className="muted">No change in access.</td></tr>}
            {preview.diff.map((d) => (
              <tr key={`${d.subject}@${d.scope}`} data-diff={`${d.subject}@${d.scope}`}>
                <td>{name(d.subject)}</td>
                <td>{d.scope}</td>
                <td>{d.gained.map((p) => <div key={p} className="gain" data-permission={p}>+ {permissionLabel(policyDoc, p)}</div>)}</td>
                <td>{d.lost.map((p) => <div key={p} className="loss" data-permission={p}>− {permissionLabel(policyDoc, p)}</div>)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="buttons">
        <button className="btn" onClick={save} disabled={!preview?.allowed}>Save</button>
        <button className="btn secondary" onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}
