//! The bench's end-to-end loop and the `Value` parse, interleaved 1,000
//! lines at a time, for A/B comparisons of two builds on a machine whose
//! speed wanders: run the two builds' binaries one after the other
//! several times and compare their ratios (docs/performance.md).
//!
//! ```sh
//! cargo build --release --example ab_e2e
//! target/release/examples/ab_e2e lex1000.vigie ads.jsonl 3
//! ```
use std::hint::black_box;
use std::io::BufWriter;
use std::time::Instant;

// The loops themselves, shared with the bench.
#[path = "../benches/shared/e2e.rs"]
mod e2e;

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
            let t = Instant::now();
            flagged += e2e::scan_into(&mut scanner, chunk, &mut out);
            vigie += t.elapsed().as_secs_f64();
            let t = Instant::now();
            black_box(e2e::parse_values(chunk));
            value += t.elapsed().as_secs_f64();
        }
    }
    let mb = (bytes.len() * reps) as f64 / 1e6;
    println!(
        "scan {:.0} MB/s  Value parse {:.0} MB/s  ratio {:.3}  flagged {}",
        mb / vigie,
        mb / value,
        value / vigie,
        flagged / reps.max(1) as u64
    );
    Ok(())
}
