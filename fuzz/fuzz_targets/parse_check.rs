//! Arbitrary bytes as a rule file: parse and check (`vigie::analyze`),
//! render every diagnostic (miette and JSON), format (idempotent, errors
//! kept), and when the file checks: compile, run its tests, scan an ad.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vigie_fuzz::pack_bytes(data));
