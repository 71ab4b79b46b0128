export * from './cjs/index.js';
export { init as default } from './cjs/index.js';
