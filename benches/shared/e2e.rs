//! The end-to-end loop and its `Value` baseline, shared by the bench
//! (`benches/scan.rs`, section `e2e`) and the A/B harness
//! (`examples/ab_e2e.rs`), so that the harness times exactly the bench's
//! per-line work.

use std::io::Write;
use vigie::Scanner;

/// `serde_json::from_str` of each line into a `serde_json::Value` (the
/// baseline): the number of fields read, so the work is not optimised away.
pub fn parse_values(lines: &[&[u8]]) -> u64 {
    let mut n = 0;
    for line in lines {
        if let Ok(text) = std::str::from_utf8(line) {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
                n += v.as_object().map_or(0, |o| o.len()) as u64;
            }
        }
    }
    n
}

/// decode + fold + match + evaluate + write the flagged verdicts as JSON
/// Lines to `out`: what `vigie scan --threads 1` does per record. Returns
/// how many were flagged.
pub fn scan_into(scanner: &mut Scanner, lines: &[&[u8]], out: &mut impl Write) -> u64 {
    let mut flagged = 0;
    for line in lines {
        // As the pipeline checks a line (`scan/pipeline/`).
        let Ok(text) = simdutf8::compat::from_utf8(line) else {
            continue;
        };
        if let Ok(record) = scanner.decode(text) {
            let verdict = scanner.scan(&record);
            if verdict.flagged {
                flagged += 1;
                serde_json::to_writer(&mut *out, &verdict).expect("sink");
                out.write_all(b"\n").expect("sink");
            }
        }
    }
    flagged
}
