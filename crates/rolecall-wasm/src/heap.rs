//! Grows the module's heap in one step ahead of a large input.
//!
//! The allocator of `wasm32-unknown-unknown` (dlmalloc) grows WebAssembly memory only by what
//! each allocation lacks, a page or two at a time, and every `memory.grow` makes V8 account the
//! new buffer and, with a large JavaScript heap, run a full garbage collection: compiling a
//! 300,000-assignment directory grew memory page by page and spent most of 12 s in the
//! collector. One allocation of the expected peak, freed at once, grows memory once; dlmalloc
//! keeps the freed block and serves the compile's allocations from it.
//!
//! The factor is above the compile's own peak: about 3x the JSON text's size since the
//! directory reader keeps assignments compact (it was about 9x, and 12x here, when the
//! documents were kept: at 8x a 300,000-assignment load beside a large JS heap then still ran 10
//! full collections, js-sdk/test/large-load.test.mjs). WebAssembly memory never shrinks, so the
//! reservation is the module's footprint after the load (untouched pages of it are not
//! resident); bench/js/large.mjs measures both.

/// Bytes of heap reserved per byte of input text.
const PER_INPUT_BYTE: usize = 4;
/// Inputs below this size are compiled without reserving (a few grows cost nothing).
const MIN_INPUT: usize = 1 << 20;

/// Reserves heap for compiling an input of `len` bytes (in WebAssembly only, and nothing for
/// small inputs: native allocators need no help). When memory
/// cannot grow that far it reserves nothing: the compile then grows as it goes, or fails with
/// its own error.
pub fn reserve_for_input(len: usize) {
    if !cfg!(target_arch = "wasm32") || len < MIN_INPUT {
        return;
    }
    let mut block: Vec<u8> = Vec::new();
    if block
        .try_reserve_exact(len.saturating_mul(PER_INPUT_BYTE))
        .is_ok()
    {
        std::hint::black_box(&block);
    }
}
