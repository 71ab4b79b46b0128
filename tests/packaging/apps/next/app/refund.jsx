'use client';
// A client component: rolecall/react gates the button with the snapshot the server sent. The
// module waits for the WebAssembly module (top-level await): in the browser, before the page
// hydrates; on the server, the `node` condition's full build is already loaded. So the server's
// HTML already shows the decision, and the browser's first render, deciding the same with the
// lean build, matches it (no hydration mismatch).
import init, { Permissions, Policy } from 'rolecall';
import { Can, RolecallProvider } from 'rolecall/react';
import { useEffect, useMemo, useState } from 'react';

await init();

export default function Refund({ policy, snapshot, scope, user }) {
  const permissions = useMemo(() => Permissions.fromSnapshot(Policy.parse(policy), snapshot), [policy, snapshot]);
  const [answer, setAnswer] = useState('');
  const refund = async () => {
    const r = await fetch(`/api/refunds?scope=${encodeURIComponent(scope)}&user=${encodeURIComponent(user)}`, { method: 'POST' });
    setAnswer(String(r.status));
  };
  return (
    <p>
      <RolecallProvider permissions={permissions}>
        <Can action="refunds.create" scope={scope}>
          <button id="refund" onClick={refund}>Refund</button>
        </Can>
      </RolecallProvider>{' '}
      <output id="answer" data-hydrated={useHydrated()}>{answer}</output>
    </p>
  );
}

/** Whether React has hydrated this component (the test waits for it before clicking). */
function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return String(hydrated);
}
