// Shared by the server tests: start the real server (a child process, real HTTP on loopback),
// sign in as an example user, and read the example policy and directory.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repo = join(root, '..', '..');
export const policyFile = join(root, 'data', 'policy.yaml');
export const directoryFile = join(root, 'data', 'directory.yaml');
export const policyText = readFileSync(policyFile, 'utf8');
export const directoryText = readFileSync(directoryFile, 'utf8');
export const policyDoc = YAML.parse(policyText);
export const directoryDoc = YAML.parse(directoryText);

export const actions = Object.keys(policyDoc.actions);
export const scopes = directoryDoc.scopes.map((s) => s.id);
export const apiKeys = directoryDoc.api_keys.map((k) => k.id);
export const users = [...new Set([...directoryDoc.assignments, ...directoryDoc.grants].map((a) => a.subject))];

/**
 * Starts `node src/main.js` on a free loopback port. Resolves to `{ url, stop, alive }` once it
 * prints its URL; `alive()` tells whether the process is still running (it must never crash).
 */
export function startServer(env = {}, { timeoutMs = 15_000 } = {}) {
  const child = spawn(process.execPath, [join(root, 'src', 'main.js')], {
    // The directory in memory unless the test asks for a database (DATABASE_URL, DATA_DIR).
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DASHBOARD: join(root, 'no-dashboard'),
      ...(env.DATABASE_URL || env.DATA_DIR ? {} : { DIRECTORY_STORE: 'memory' }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited = false;
  let stderr = '';
  child.on('exit', () => {
    exited = true;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in ${timeoutMs / 1000} s: ${stderr}`)), timeoutMs);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+?)\/?\s/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          alive: () => !exited,
          stderr: () => stderr,
          /** `kill -9`: no shutdown code runs (what a crash or an OOM kill does). */
          crash: () =>
            new Promise((done) => {
              if (exited) return done();
              child.once('exit', done);
              child.kill('SIGKILL');
            }),
          stop: () =>
            new Promise((done) => {
              if (exited) return done();
              child.once('exit', done);
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening: ${stderr}`));
    });
  });
}

/** The cookie of a demo sign-in as `user`. */
export async function signIn(url, user) {
  const res = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  if (!res.ok) throw new Error(`sign-in as ${user}: HTTP ${res.status}`);
  return res.headers.get('set-cookie').split(';')[0];
}

/** Headers that authenticate `subject`: a demo cookie for a user, a bearer for an API key. */
export async function authFor(url, subject) {
  if (apiKeys.includes(subject)) return { authorization: `Bearer ${subject}` };
  return { cookie: await signIn(url, subject) };
}

/** `fetch` returning `{ status, body, headers }` (body parsed as JSON when it is JSON). */
export async function request(url, method, path, { body, headers = {}, raw } = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  let parsed;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * The native `rolecall` CLI (ROLECALL_BIN, or rolecall built here with cargo into
 * $CARGO_TARGET_DIR, by default the repository's target/).
 * Throws with what is missing when it can be neither found nor built.
 */
export function nativeCli() {
  if (process.env.ROLECALL_BIN) return process.env.ROLECALL_BIN;
  const bin = join(process.env.CARGO_TARGET_DIR ?? join(repo, 'target'), 'debug', 'rolecall');
  const build = spawnSync('cargo', ['build', '-q', '-p', 'rolecall-cli'], {
    cwd: repo,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { CARGO_BUILD_JOBS: '1', ...process.env },
  });
  if (build.error !== undefined && !existsSync(bin)) {
    throw new Error(`the native CLI is needed: install Rust (cargo) or set ROLECALL_BIN (${build.error.message})`);
  }
  if (build.status !== 0 && build.error === undefined) throw new Error('cargo build -p rolecall-cli failed');
  return bin;
}
