//! The language server on random sessions: see `vigie_fuzz::lsp`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vigie_fuzz::lsp::run_bytes(data));
