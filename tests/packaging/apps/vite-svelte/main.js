// Vite + Svelte: init() with no argument, then rolecall/svelte over the permission store; a new
// snapshot (another user's) set after the first render must re-render the control.
import init, { Permissions, Policy } from 'rolecall';
import { createPermissionStore } from 'rolecall/svelte';
import { flushSync, mount } from 'svelte';
import App from './App.svelte';
import fixture from '../../out/fixture.json';
import { fail, permissions, query, show } from '../browser/decide.js';

init().then(() => {
  const store = createPermissionStore(permissions());
  mount(App, { target: document.getElementById('app'), props: { store, ...query } });
  flushSync();
  const live = () => document.getElementById('live').textContent;
  const before = live();
  store.set(Permissions.fromSnapshot(Policy.parse(fixture.policy), fixture.other));
  flushSync();
  show({ before, after: live(), disabled: document.getElementById('refund').disabled });
}, fail);
