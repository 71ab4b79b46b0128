// Starts the example server: `node src/main.js` (or `npm start`).
//   PORT          the port (default 3000; 0 picks a free one)
//   HOST          the address to bind (default 127.0.0.1: loopback only)
//   POLICY        the policy file (default data/policy.yaml)
//   DIRECTORY     the directory file that seeds an empty database (default data/directory.yaml)
//   DATABASE_URL  keep the directory in this PostgreSQL database (rolecall/postgres)
//   DATA_DIR      else in PGlite (PostgreSQL in process) under this folder (default .data/)
//   DIRECTORY_STORE=memory  keep it in memory only (lost at exit)
//   (the business data, payments to invitations, lives in the same database, or in memory)
//   DASHBOARD     the built dashboard to serve (default ../dashboard/dist)
//   AUDIT=1       print one line per decision
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Policy } from 'rolecall';
import YAML from 'yaml';
import { createApp } from './app.js';
import { openStorage } from './storage.js';

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const policyText = readFileSync(env.POLICY ?? join(here, '..', 'data', 'policy.yaml'), 'utf8');
const directoryText = readFileSync(env.DIRECTORY ?? join(here, '..', 'data', 'directory.yaml'), 'utf8');
let storage;
try {
  storage = await openStorage(Policy.parse(policyText), YAML.parse(directoryText), env);
} catch (e) {
  console.error(`cannot open the directory store: ${e.message}`);
  process.exit(1);
}
const { app } = createApp({
  policyText,
  directoryText,
  store: storage.store,
  business: storage.business,
  dashboardDir: env.DASHBOARD ?? join(here, '..', '..', 'dashboard', 'dist'),
  logAudit: env.AUDIT === '1',
});

const host = env.HOST ?? '127.0.0.1';
const port = Number(env.PORT ?? 3000);
const server = app.listen(port, host, () => {
  const { port: actual } = server.address();
  const shown = host.includes(':') ? `[${host}]` : host;
  console.log(`directory: ${storage.describe}`);
  // Tests and scripts/demo.sh read this line.
  console.log(`rolecall example server listening on http://${shown}:${actual}/`);
});
server.on('error', (e) => {
  console.error(`cannot listen on ${host}:${port}: ${e.message}`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => storage.close().finally(() => process.exit(0))));
}
