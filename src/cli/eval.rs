//! `vigie eval PACK LABELLED.jsonl`: precision and recall on labelled ads.

use super::{render_options, ColorChoice};
use crate::quality::eval::{evaluate, EvalReport, Labels};
use crate::Pack;
use clap::{Args, ValueEnum};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, IsTerminal};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// The pack: a directory of .vigie files, or one file.
    pub pack: PathBuf,
    /// A JSON Lines file of ads with a label field.
    pub labelled: PathBuf,
    /// The field that holds the label.
    #[arg(long, default_value = "label")]
    pub label_field: String,
    /// The label value of the ads that should be flagged.
    #[arg(long, default_value = "suspect")]
    pub positive: String,
    /// `pretty` (tables) or `json`.
    #[arg(long, value_enum)]
    pub format: Option<EvalFormat>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvalFormat {
    Pretty,
    Json,
}

pub fn run(args: EvalArgs, color: ColorChoice) -> u8 {
    let pack = match Pack::load(&args.pack) {
        Ok(p) => p,
        Err(e) => {
            eprint!(
                "{}",
                e.render(render_options(
                    color.enabled(std::io::stderr().is_terminal())
                ))
            );
            return 2;
        }
    };
    let file = match std::fs::File::open(&args.labelled) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot open {}: {e}", args.labelled.display());
            return 2;
        }
    };
    let name = args.labelled.display().to_string();
    let lines = BufReader::new(file)
        .split(b'\n')
        .enumerate()
        .map(|(i, line)| {
            let line = line
                .map_err(|e| format!("cannot read: {e}"))
                .and_then(|bytes| {
                    String::from_utf8(bytes).map_err(|e| {
                        format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to() + 1)
                    })
                })
                .map(|s| s.trim_end_matches('\r').to_string());
            (i as u64 + 1, line)
        });
    let labels = Labels {
        field: args.label_field.clone(),
        positive: args.positive.clone(),
    };
    let report = evaluate(&pack, lines, &labels, |line, reason| {
        eprintln!("{name}:{line}: {reason}")
    });
    let format = args.format.unwrap_or(EvalFormat::Pretty);
    match format {
        EvalFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ),
        EvalFormat::Pretty => print!("{}", pretty(&report, &labels)),
    }
    eprintln!(
        "{} records read: {} scanned, {} rejected; {} unlabelled",
        report.read, report.scanned, report.rejected, report.unlabelled
    );
    u8::from(report.rejected > 0)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("—".to_string(), |v| format!("{:.1}%", v * 100.0))
}

/// The tables an analyst reads.
pub fn pretty(r: &EvalReport, labels: &Labels) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} labelled ads: {} {}, {} other{}",
        r.positives + r.negatives,
        r.positives,
        labels.positive,
        r.negatives,
        if r.unlabelled > 0 {
            format!(
                " ({} without a `{}` were left out)",
                r.unlabelled, labels.field
            )
        } else {
            String::new()
        }
    );
    out.push('\n');
    let width = r
        .rules
        .iter()
        .map(|s| s.rule.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        out,
        "{:<width$}  {:>6}  {:>6}  {:>9}  {:>7}",
        "rule", "fired", "tp", "precision", "recall"
    );
    for s in &r.rules {
        let _ = writeln!(
            out,
            "{:<width$}  {:>6}  {:>6}  {:>9}  {:>7}",
            s.rule,
            s.fired,
            s.true_positives,
            pct(s.precision),
            pct(s.recall)
        );
    }
    out.push('\n');
    let c = &r.confusion;
    let _ = writeln!(
        out,
        "at the pack's threshold ({}):",
        crate::value::format_number(r.threshold)
    );
    let _ = writeln!(out, "                 flagged  not flagged");
    let _ = writeln!(
        out,
        "  {:<13} {:>8}  {:>11}",
        labels.positive, c.true_positives, c.false_negatives
    );
    let _ = writeln!(
        out,
        "  {:<13} {:>8}  {:>11}",
        "other", c.false_positives, c.true_negatives
    );
    let _ = writeln!(
        out,
        "  precision {}, recall {}, F1 {}",
        pct(r.precision),
        pct(r.recall),
        pct(r.f1)
    );
    out.push('\n');
    let _ = writeln!(
        out,
        "threshold  flagged     tp     fp     fn  precision   recall       F1"
    );
    for t in &r.thresholds {
        let mark = if t.threshold == r.threshold {
            " ◀"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{:>9}  {:>7}  {:>5}  {:>5}  {:>5}  {:>9}  {:>7}  {:>7}{mark}",
            crate::value::format_number(t.threshold),
            t.flagged,
            t.confusion.true_positives,
            t.confusion.false_positives,
            t.confusion.false_negatives,
            pct(t.precision),
            pct(t.recall),
            pct(t.f1)
        );
    }
    out
}
