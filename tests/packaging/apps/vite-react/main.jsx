// Vite + React: init() with no argument (Vite resolves the .wasm's URL), then rolecall/react.
import init from 'rolecall';
import { RolecallProvider, useCan } from 'rolecall/react';
import { createRoot } from 'react-dom/client';
import { fail, permissions, query } from '../browser/decide.js';

function Out() {
  const d = useCan(query.action, query.scope);
  return <pre id="out">{JSON.stringify({ allowed: d.allowed, reason: d.reason })}</pre>;
}

init().then(
  () => createRoot(document.getElementById('root')).render(
    <RolecallProvider permissions={permissions()}>
      <Out />
    </RolecallProvider>,
  ),
  fail,
);
