//! The bench's end-to-end loop and the `Value` parse, interleaved 1,000
//! lines at a time, for A/B comparisons of two builds on a machine whose
//! speed wanders: run the two builds' binaries one after the other
//! several times and compare their ratios (docs/performance.md).
//!
//! ```sh
//! cargo build --release --example ab_e2e
//! target/release/examples/ab_e2e lex1000.vigie ads.jsonl 3
//! ```
use std::io::{BufWriter, Write};
use std::time::Instant;

// The allocator `vigie scan` uses, as in benches/scan.rs.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, pack, corpus, reps] = &args[..] else {
        return Err("usage: ab_e2e PACK CORPUS.jsonl REPS".into());
    };
    let pack = vigie::Pack::load(pack)?;
    let bytes = std::fs::read(corpus)?;
    let reps: usize = reps.parse()?;
    let lines: Vec<&[u8]> = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let mut scanner = pack.scanner();
    let mut out = BufWriter::with_capacity(1 << 16, std::io::sink());
    let (mut vigie, mut value, mut flagged) = (0.0, 0.0, 0);
    for _ in 0..reps {
        for chunk in lines.chunks(1000) {
            // What benches/scan.rs's `scan_lines` does per line.
            let t = Instant::now();
            for line in chunk {
                let Ok(text) = simdutf8::compat::from_utf8(line) else {
                    continue;
                };
                if let Ok(record) = scanner.decode(text) {
                    let verdict = scanner.scan(&record);
                    if verdict.flagged {
                        flagged += 1;
                        serde_json::to_writer(&mut out, &verdict)?;
                        out.write_all(b"\n")?;
                    }
                }
            }
            vigie += t.elapsed().as_secs_f64();
            let t = Instant::now();
            let mut fields = 0;
            // What benches/scan.rs's `parse_values` does per line.
            for line in chunk {
                if let Ok(text) = std::str::from_utf8(line) {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
                        fields += v.as_object().map_or(0, |o| o.len());
                    }
                }
            }
            value += t.elapsed().as_secs_f64();
            std::hint::black_box(fields);
        }
    }
    let mb = (bytes.len() * reps) as f64 / 1e6;
    println!(
        "scan {:.0} MB/s  Value parse {:.0} MB/s  ratio {:.3}  flagged {}",
        mb / vigie,
        mb / value,
        value / vigie,
        flagged / reps.max(1)
    );
    Ok(())
}
