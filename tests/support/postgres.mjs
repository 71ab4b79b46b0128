// A throwaway PostgreSQL server for tests and benchmarks: a fresh cluster in a temporary folder,
// listening on a free loopback port only, removed when stopped (or when the process exits).
//
//   import { startPostgres } from '../../tests/support/postgres.mjs';
//   const pg = await startPostgres();      // { url, port, dir, stop() }
//   ... new pg.Client({ connectionString: pg.url }) ...
//   await pg.stop();
//
// Run alone (`node tests/support/postgres.mjs`) it prints the URL and keeps the server until
// interrupted. Needs Debian's postgresql server binaries (`scripts/bootstrap.sh postgres`).
// PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user
// (runuser). Durability settings are off (fsync, full_page_writes): the cluster is for tests,
// and crashing PostgreSQL itself is not what they test.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The newest installed server's bin folder (/usr/lib/postgresql/N/bin), or a clear error. */
export function postgresBin() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) {
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: ' +
        'run scripts/bootstrap.sh postgres (Debian package postgresql)',
    );
  }
  return join(root, versions[0], 'bin');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const asRoot = process.getuid?.() === 0;

/** Runs a server binary, as the postgres user when we are root. */
function run(bin, args) {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${bin} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  }
  return r.stdout;
}

/**
 * Starts a cluster and returns { url, port, dir, stop }. `stop()` shuts it down immediately and
 * removes its folder; it is also done at process exit if the caller forgets.
 */
export async function startPostgres({ database = 'rolecall' } = {}) {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const user = asRoot ? 'postgres' : userInfo().username;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', stopSync);
    stopSync();
  };
  const stopSync = () => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, 'stop', '-m', 'immediate', '-w']);
      } catch {
        // already gone: the folder is removed below either way
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stopSync);
  try {
    run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', user, '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    const opts = [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${dir}`,
      '-c fsync=off -c full_page_writes=off -c synchronous_commit=off',
      '-c max_connections=200',
    ].join(' ');
    run(join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    run(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, database]);
    const url = `postgres://${user}@127.0.0.1:${port}/${database}`;
    return { url, port, dir, stop, log: () => readFileSync(join(dir, 'server.log'), 'utf8') };
  } catch (err) {
    await stop();
    throw err;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pg = await startPostgres();
  console.log(pg.url);
  const end = () => pg.stop().then(() => process.exit(0));
  process.on('SIGINT', end);
  process.on('SIGTERM', end);
  setInterval(() => {}, 1 << 30);
}
