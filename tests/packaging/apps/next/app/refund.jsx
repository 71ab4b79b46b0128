'use client';
// A client component: rolecall/react gates the button with the snapshot the server sent. The
// browser loads the WebAssembly module once (init()), after hydration: the server renders the
// button as loading, as the browser's first render does, so the two match.
import init, { Permissions, Policy } from 'rolecall';
import { Can, RolecallProvider } from 'rolecall/react';
import { useEffect, useState } from 'react';

export default function Refund({ policy, snapshot, scope, user }) {
  const [permissions, setPermissions] = useState(null);
  const [answer, setAnswer] = useState('');
  useEffect(() => {
    let live = true;
    init().then(
      () => live && setPermissions(Permissions.fromSnapshot(Policy.parse(policy), snapshot)),
      (e) => live && setAnswer(`${e.code}: ${e.message}`),
    );
    return () => {
      live = false;
    };
  }, [policy, snapshot]);
  if (permissions === null) {
    return (
      <p>
        <button id="refund" disabled data-state="loading">Refund</button> <output id="answer">{answer}</output>
      </p>
    );
  }
  const refund = async () => {
    const r = await fetch(`/api/refunds?scope=${encodeURIComponent(scope)}&user=${encodeURIComponent(user ?? '')}`, { method: 'POST' });
    setAnswer(String(r.status));
  };
  return (
    <p>
      <RolecallProvider permissions={permissions}>
        <Can action="refunds.create" scope={scope}>
          <button id="refund" data-state="ready" onClick={refund}>Refund</button>
        </Can>
      </RolecallProvider>{' '}
      <output id="answer">{answer}</output>
    </p>
  );
}
