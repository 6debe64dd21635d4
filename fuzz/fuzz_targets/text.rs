//! Ad text through folding and the extractors: see `vigie_fuzz::text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vigie_fuzz::text::run(data));
