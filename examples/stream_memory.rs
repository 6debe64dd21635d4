//! What the stream windows hold as a stream grows, from inside: the ads
//! read, the (ad, group) pairs and the groups the windows hold, their heap
//! estimate ([`vigie::scan::Stream::heap_bytes`]) and the process's RSS,
//! every `--every` ads. One thread, the library's `Scanner::scan`.
//!
//! ```sh
//! cargo build --release --example gen_corpus --example stream_memory
//! target/release/examples/gen_corpus ads --ads 4000000 --per-day 89285 --seed 1 \
//!   | target/release/examples/stream_memory rules/fr --every 500000
//! ```
//!
//! Under each line, one per window (the pack's aggregates in order): its
//! ads, its groups (and how many hold more than one ad), and its heap in
//! three parts: the queues of entries and keys, the hash tables of
//! groups, and the groups' own queues and `distinct` tables.
//!
//! Where `benches/stream_trace.sh` shows the process's memory over time,
//! this tells whether it follows what the windows hold (`groups` and
//! `heap MB` growing with it) or something else (RSS growing alone: the
//! allocator, or state outside the windows).

use std::io::BufRead;
use std::process::ExitCode;

const USAGE: &str = "usage: stream_memory PACK [--every N] < ads.jsonl";

fn rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(pack_path), mut every) = (args.next(), 500_000u64) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    while let Some(flag) = args.next() {
        match (flag.as_str(), args.next().and_then(|v| v.parse().ok())) {
            ("--every", Some(n)) if n > 0 => every = n,
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let pack = match vigie::Pack::load(std::path::Path::new(&pack_path)) {
        Ok(pack) => pack,
        Err(e) => {
            eprintln!("{pack_path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut scanner = pack.scanner();
    println!("ads read\tpairs\tgroups\theap MB\tRSS MB");
    let mb = |bytes: usize| bytes as f64 / 1048576.0;
    let report = |n: u64, scanner: &vigie::scan::Scanner| {
        let stream = scanner.stream();
        println!(
            "{n}\t{}\t{}\t{:.1}\t{:.1}",
            stream.entries(),
            stream.groups(),
            mb(stream.heap_bytes()),
            rss_mb().unwrap_or(f64::NAN)
        );
        // Where the heap goes, window by window (the pack's aggregates in
        // order): a part growing while its ads and groups stay flat is
        // the one to look at.
        for (i, w) in stream.memory().iter().enumerate() {
            println!(
                "  window {i}: {} ads, {} groups ({} of many); MB: queues {:.1}, tables {:.1}, groups {:.1}",
                w.ads,
                w.groups,
                w.many,
                mb(w.queue_bytes),
                mb(w.table_bytes),
                mb(w.group_bytes)
            );
        }
    };
    let (mut read, mut rejected) = (0u64, 0u64);
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else {
            eprintln!("stdin: not UTF-8 or unreadable after {read} lines");
            return ExitCode::from(2);
        };
        read += 1;
        match scanner.decode(&line) {
            Ok(record) => {
                scanner.scan(&record);
            }
            Err(_) => rejected += 1,
        }
        if read % every == 0 {
            report(read, &scanner);
        }
    }
    report(read, &scanner);
    eprintln!("{read} lines read, {rejected} rejected");
    ExitCode::SUCCESS
}
