//! Generates benchmark inputs for Vigie: a corpus of invented French
//! classified ads (JSON Lines, default schema) and rule packs.
//!
//! ```sh
//! # 200 MB of ads, and the list of planted patterns
//! cargo run --release --example gen_corpus -- ads --mb 200 --out ads.jsonl --truth truth.jsonl
//! # exactly 10,000 ads to stdout, another seed, with labels for `vigie eval`
//! cargo run --release --example gen_corpus -- ads --ads 10000 --seed 7 --labels
//! # a pack of one lexicon of 1,000 terms and one rule
//! cargo run --release --example gen_corpus -- pack --terms 1000 --out lex1000.vigie
//! # the same terms, one per line (for the peers' scripts)
//! cargo run --release --example gen_corpus -- terms --terms 1000 --out terms.txt
//! # a pack of about 5,000 lines (lexicons, patterns, rules, tests)
//! cargo run --release --example gen_corpus -- big-pack --lines 5000 --out gros.vigie
//! ```
//!
//! Everything is deterministic: the same arguments give the same bytes.
//! See `docs/performance.md` and the module docs of `corpus.rs` for what
//! the ads contain.

mod corpus;
mod packs;
mod words;

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

const USAGE: &str = "\
usage: gen_corpus ads (--mb N | --ads N) [--seed S] [--per-day N] [--suspect-pct P]
                      [--labels] [--out FILE] [--truth FILE]
       gen_corpus pack --terms N [--seed S] [--out FILE]
       gen_corpus terms --terms N [--seed S] [--out FILE]
       gen_corpus big-pack --lines N [--seed S] [--out FILE]

  ads       invented French ads, JSON Lines in posted_at order (1 MB = 10^6 bytes)
  --truth   writes the planted patterns (tours, reposts, templates, look-alikes)
            and the isolated suspicious ads, one JSON object per line
  pack      a .vigie pack: one lexicon of N terms, one rule
  terms     the same N terms, one per line
  big-pack  a .vigie pack of about N lines (what an editor re-checks)";

struct Args {
    command: String,
    mb: Option<f64>,
    ads: Option<u64>,
    terms: usize,
    lines: usize,
    seed: u64,
    per_day: Option<u32>,
    suspect_pct: Option<f64>,
    labels: bool,
    out: Option<String>,
    truth: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut argv = std::env::args().skip(1);
    let command = argv.next().ok_or("missing command")?;
    let mut a = Args {
        command,
        mb: None,
        ads: None,
        terms: 1000,
        lines: 5000,
        seed: 1,
        per_day: None,
        suspect_pct: None,
        labels: false,
        out: None,
        truth: None,
    };
    while let Some(flag) = argv.next() {
        if flag == "--labels" {
            a.labels = true;
            continue;
        }
        let value = argv.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--mb" => a.mb = Some(num(&flag, &value)?),
            "--ads" => a.ads = Some(num(&flag, &value)?),
            "--terms" => a.terms = num(&flag, &value)?,
            "--lines" => a.lines = num(&flag, &value)?,
            "--seed" => a.seed = num(&flag, &value)?,
            "--per-day" => a.per_day = Some(num(&flag, &value)?),
            "--suspect-pct" => a.suspect_pct = Some(num(&flag, &value)?),
            "--out" => a.out = Some(value),
            "--truth" => a.truth = Some(value),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(a)
}

fn num<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("bad value for {flag}: {value}"))
}

fn output(path: &Option<String>) -> io::Result<Box<dyn Write>> {
    Ok(match path.as_deref() {
        None | Some("-") => Box::new(BufWriter::with_capacity(1 << 16, io::stdout().lock())),
        Some(p) => Box::new(BufWriter::with_capacity(1 << 16, std::fs::File::create(p)?)),
    })
}

fn run(a: Args) -> Result<(), String> {
    let io_err = |e: io::Error| e.to_string();
    match a.command.as_str() {
        "ads" => {
            let mut cfg = corpus::Config {
                seed: a.seed,
                labels: a.labels,
                ..corpus::Config::default()
            };
            if let Some(p) = a.per_day {
                cfg.per_day = p;
            }
            if let Some(p) = a.suspect_pct {
                cfg.suspect_rate = p / 100.0;
            }
            let (max_ads, max_bytes) = match (a.ads, a.mb) {
                (Some(n), None) => (n, u64::MAX),
                (None, Some(mb)) => (u64::MAX, (mb * 1e6) as u64),
                _ => return Err("give one of --ads N or --mb N".into()),
            };
            let mut out = output(&a.out).map_err(io_err)?;
            let mut truth = match &a.truth {
                Some(_) => Some(output(&a.truth).map_err(io_err)?),
                None => None,
            };
            let mut g = corpus::Generator::new(cfg);
            let mut buf = Vec::with_capacity(1 << 17);
            while g.stats.ads < max_ads && g.stats.bytes < max_bytes {
                g.next_into(&mut buf);
                if buf.len() >= 1 << 16 {
                    out.write_all(&buf).map_err(io_err)?;
                    buf.clear();
                }
                if let Some(t) = truth.as_mut() {
                    for line in g.take_truth() {
                        writeln!(t, "{line}").map_err(io_err)?;
                    }
                }
            }
            out.write_all(&buf).map_err(io_err)?;
            out.flush().map_err(io_err)?;
            let rest = g.finish();
            if let Some(t) = truth.as_mut() {
                for line in rest {
                    writeln!(t, "{line}").map_err(io_err)?;
                }
                t.flush().map_err(io_err)?;
            }
            let s = &g.stats;
            eprintln!(
                "{} ads, {:.1} MB: {} suspicious ({:.1} %), {} planted in {} events (generator v{})",
                s.ads,
                s.bytes as f64 / 1e6,
                s.suspect,
                100.0 * s.suspect as f64 / s.ads.max(1) as f64,
                s.planted,
                s.events,
                corpus::VERSION
            );
        }
        "pack" | "terms" | "big-pack" => {
            let text = match a.command.as_str() {
                "pack" => packs::lexicon_pack(a.terms, a.seed),
                "terms" => {
                    let mut t = packs::lexicon_terms(a.terms, a.seed).join("\n");
                    t.push('\n');
                    t
                }
                _ => packs::large_pack(a.lines, a.seed),
            };
            let mut out = output(&a.out).map_err(io_err)?;
            out.write_all(text.as_bytes()).map_err(io_err)?;
            out.flush().map_err(io_err)?;
        }
        other => return Err(format!("unknown command {other}")),
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gen_corpus: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::from(1)
        }
    }
}
