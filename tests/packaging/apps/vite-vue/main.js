// Vite + Vue: init() with no argument, then rolecall/vue's plugin over the permission store; a
// new snapshot (another user's) set after the first render must re-render the three controls.
import init, { Permissions, Policy } from 'rolecall';
import { createRolecall } from 'rolecall/vue';
import { createApp, nextTick } from 'vue';
import App from './App.vue';
import fixture from '../../out/fixture.json';
import { fail, permissions, query, show } from '../browser/decide.js';

const $ = (id) => document.getElementById(id);
const state = () => ({
  reason: $('live').textContent,
  disabled: [$('refund').disabled, $('can').disabled, $('directive').disabled],
});

init().then(async () => {
  const rolecall = createRolecall(permissions());
  createApp(App, query).use(rolecall).mount('#app');
  await nextTick();
  const before = state();
  rolecall.store.set(Permissions.fromSnapshot(Policy.parse(fixture.policy), fixture.other));
  await nextTick();
  show({ before, after: state(), title: $('directive').title });
}, fail);
