// For the entry files only: how a runtime hands its loaded module to the runtime-neutral code.
export { initFailed, setBinding, setInitializer, type Binding } from './binding.js';
