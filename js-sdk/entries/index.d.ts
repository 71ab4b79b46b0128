export * from './esm/index.js';
export { init as default } from './esm/index.js';
