// The signed-in user's session: the policy (fetched once), their snapshot turned into
// permissions, and the permission store the React tree reads. The page gates from the snapshot's
// prepared decisions first (`rolecall/decisions`: no WebAssembly), while the engine downloads
// and compiles; once it has, the store gets the engine's `Permissions`, which answer the same.
// A new snapshot replaces the permissions in the store (`store.set`): the gated controls
// re-render, nothing else does.

import init, { Permissions, Policy } from 'rolecall';
import { SnapshotDecisions } from 'rolecall/decisions';
import { createPermissionStore } from 'rolecall/react';
import { api, configureApi } from './api.js';

let policyText;
let policyDoc;
/** The engine's policy, once `init()` and the policy are in. */
let policy;
let engine;
let store;
let snapshot;
let me;
let users = [];
let version = 0;
let loading;
const listeners = new Set();

/** The session as React reads it (`useSyncExternalStore(subscribe, current)`). */
let state = { status: 'loading' };
export const current = () => state;
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
function publish(next) {
  state = next;
  for (const l of [...listeners]) l();
}

/** Starts the session: the WebAssembly module, the policy, and the user's permissions if signed in. */
export async function start() {
  try {
    moduleReady(); // downloads and compiles while the page gates from the decisions
    configureApi({ onVersion: versionSeen, onPolicyMismatch: () => window.location.reload() });
    const session = await api('GET', '/api/session');
    users = session.users;
    if (session.subject === null) return publish({ status: 'signed-out', users });
    await loadPolicy();
    await refresh();
  } catch (error) {
    publish({ status: 'error', error });
  }
}

/** The WebAssembly module, loaded once. */
let wasmModule;
const moduleReady = () => (wasmModule ??= init());

/** The policy document now (labels); the engine's policy once the module is in. */
async function loadPolicy() {
  const { hash, policy: text } = await api('GET', '/api/policy');
  policyText = text;
  policyDoc = JSON.parse(text);
  configureApi({ policyHash: hash });
  engine ??= moduleReady().then(() => {
    const parsed = Policy.parse(policyText);
    if (parsed.hash !== hash) throw new Error('the policy the server sent does not match its hash');
    policy = parsed;
    // The engine takes over from the prepared decisions, with the same answers.
    if (store !== undefined) store.set(Permissions.fromSnapshot(policy, snapshot));
  });
  engine.catch((error) => publish({ status: 'error', error }));
}

/** Fetches the user's snapshot again and replaces the permissions in the store. */
export function refresh() {
  loading ??= (async () => {
    try {
      const [who, next] = await Promise.all([api('GET', '/api/me'), api('GET', '/api/me/snapshot?decisions=1')]);
      // The engine refuses it with `policy_mismatch` if the server's policy changed under us;
      // before the engine is in, its own prepared decisions answer.
      const permissions = policy !== undefined ? Permissions.fromSnapshot(policy, next) : SnapshotDecisions.from(next);
      snapshot = next;
      version = who.version;
      const same = state.status === 'ready' && JSON.stringify({ ...who, version: 0 }) === JSON.stringify({ ...me, version: 0 });
      me = who;
      if (store === undefined) store = createPermissionStore(permissions);
      else store.set(permissions);
      // Same user, same tenants: the store update alone re-renders the gated controls.
      if (!same) publish({ status: 'ready', users, me, store, policyDoc });
    } finally {
      loading = undefined;
    }
  })();
  return loading;
}

/** A response said the directory changed: the snapshot is stale. */
function versionSeen(v) {
  if (state.status === 'ready' && v > version && loading === undefined) {
    version = v;
    refresh().catch((error) => publish({ status: 'error', error }));
  }
}

/** DEMO sign-in: become one of the example users. */
export async function signIn(user) {
  await api('POST', '/api/session', { user });
  if (policyDoc === undefined) await loadPolicy();
  await refresh();
}

export async function signOut() {
  await api('DELETE', '/api/session');
  publish({ status: 'signed-out', users });
}
