// Starts the example server: `node src/main.js` (or `npm start`).
//   PORT        the port (default 3000; 0 picks a free one)
//   HOST        the address to bind (default 127.0.0.1: loopback only)
//   POLICY      the policy file (default data/policy.yaml)
//   DIRECTORY   the directory file (default data/directory.yaml)
//   DASHBOARD   the built dashboard to serve (default ../dashboard/dist)
//   AUDIT=1     print one line per decision
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.js';

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const { app } = createApp({
  policyText: readFileSync(env.POLICY ?? join(here, '..', 'data', 'policy.yaml'), 'utf8'),
  directoryText: readFileSync(env.DIRECTORY ?? join(here, '..', 'data', 'directory.yaml'), 'utf8'),
  dashboardDir: env.DASHBOARD ?? join(here, '..', '..', 'dashboard', 'dist'),
  logAudit: env.AUDIT === '1',
});

const host = env.HOST ?? '127.0.0.1';
const port = Number(env.PORT ?? 3000);
const server = app.listen(port, host, () => {
  const { port: actual } = server.address();
  const shown = host.includes(':') ? `[${host}]` : host;
  // Tests and scripts/demo.sh read this line.
  console.log(`rolecall example server listening on http://${shown}:${actual}/`);
});
server.on('error', (e) => {
  console.error(`cannot listen on ${host}:${port}: ${e.message}`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
