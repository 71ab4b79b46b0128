// Browsers and bundlers: `await init()` once (optionally with the .wasm's URL, bytes, Response or
// module); a load that fails is a RolecallError `init_failed` (src/binding.ts).
import load, * as generated from './wasm/web.js';
import { setInitializer } from './esm/internal.js';

setInitializer(async (input) => {
  await load(input === undefined ? undefined : { module_or_path: input });
  return generated;
});
export * from './esm/index.js';
export { init as default } from './esm/index.js';
