// `rolecall/rolecall.wasm`: the lean build's .wasm, for `init()` where the bundler or runtime does
// not find it by URL. What an import gives depends on the loader for .wasm files: bytes
// (esbuild's `binary`), a URL (`file`), or a WebAssembly.Module (Workers, Deno); `init()` takes each.
declare const wasm: string | ArrayBufferView | object;
export default wasm;
