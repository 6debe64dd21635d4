//! JSON Lines through the French pack: see `vigie_fuzz::records`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vigie_fuzz::records::run(data));
