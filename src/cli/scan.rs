//! `vigie scan PACK [INPUT...]`: verdicts for JSON Lines records.
//!
//! Every line is either scanned or rejected, and each rejection is reported
//! on stderr as `FILE:LINE: reason`; the summary checks that
//! read = scanned + rejected. Blank lines are not records and are skipped.
//! A failure to write the output (closed pipe, full disk) stops the scan
//! with status 2: output is never silently truncated.

use super::{pretty, render_options, ColorChoice};
use crate::{Pack, Record, Scanner, Verdict};
use clap::{Args, ValueEnum};
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// The pack: a directory of .vigie files, or one file.
    pub pack: PathBuf,
    /// JSON Lines files to scan; `-` or nothing reads standard input.
    pub inputs: Vec<PathBuf>,
    /// `pretty` (default on a terminal) or `jsonl` (default otherwise).
    #[arg(long, value_enum)]
    pub format: Option<ScanFormat>,
    /// Also print the ads that were not flagged.
    #[arg(long)]
    pub all: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanFormat {
    Pretty,
    Jsonl,
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub read: u64,
    pub scanned: u64,
    pub rejected: u64,
    pub flagged: u64,
}

pub fn run(args: ScanArgs, color: ColorChoice) -> u8 {
    let stderr_color = color.enabled(io::stderr().is_terminal());
    let pack = match Pack::load(&args.pack) {
        Ok(p) => p,
        Err(e) => {
            eprint!("{}", e.render(render_options(stderr_color)));
            return 2;
        }
    };
    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    let format = args.format.unwrap_or(if terminal {
        ScanFormat::Pretty
    } else {
        ScanFormat::Jsonl
    });
    let mut out = BufWriter::new(stdout.lock());
    let mut writer = VerdictWriter {
        pack: &pack,
        format,
        all: args.all,
        color: color.enabled(terminal),
    };
    let mut scanner = pack.scanner();
    let mut counts = Counts::default();
    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.inputs.clone()
    };
    for input in &inputs {
        let name = if input.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            input.display().to_string()
        };
        let reader: Box<dyn Read> = if input.as_os_str() == "-" {
            Box::new(io::stdin().lock())
        } else {
            match std::fs::File::open(input) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    eprintln!("error: cannot open {name}: {e}");
                    return 2;
                }
            }
        };
        let result = scan_reader(
            reader,
            &name,
            &mut scanner,
            &mut counts,
            &mut |record, verdict| writer.write(&mut out, record, verdict),
        );
        if let Err(e) = result {
            return report_failure(e, &counts);
        }
    }
    if let Err(e) = out.flush() {
        return report_failure(Failure::Output(e), &counts);
    }
    summary(&counts);
    u8::from(counts.rejected > 0)
}

/// What stops a scan.
#[derive(Debug)]
pub enum Failure {
    Input(String, io::Error),
    Output(io::Error),
}

fn report_failure(failure: Failure, counts: &Counts) -> u8 {
    match failure {
        Failure::Input(name, e) => eprintln!("error: cannot read {name}: {e}"),
        Failure::Output(e) => eprintln!("error: cannot write the verdicts: {e}; the scan stopped"),
    }
    summary(counts);
    2
}

fn summary(c: &Counts) {
    eprintln!(
        "{} record{} read: {} scanned, {} rejected; {} flagged",
        c.read,
        if c.read == 1 { "" } else { "s" },
        c.scanned,
        c.rejected,
        c.flagged
    );
}

/// Scans one input, line by line. Each rejected line is reported on stderr
/// with its file and line number.
pub fn scan_reader(
    reader: impl Read,
    name: &str,
    scanner: &mut Scanner,
    counts: &mut Counts,
    emit: &mut dyn FnMut(&Record, &Verdict) -> io::Result<()>,
) -> Result<(), Failure> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| Failure::Input(name.to_string(), e))?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        let bytes = trim_line(&line);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        counts.read += 1;
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                counts.rejected += 1;
                eprintln!(
                    "{name}:{number}: invalid UTF-8 at byte {} of the line",
                    e.valid_up_to() + 1
                );
                continue;
            }
        };
        match scanner.decode(text) {
            Ok(record) => {
                counts.scanned += 1;
                let verdict = scanner.scan(&record);
                if verdict.flagged {
                    counts.flagged += 1;
                }
                emit(&record, &verdict).map_err(Failure::Output)?;
            }
            Err(e) => {
                counts.rejected += 1;
                eprintln!("{name}:{number}: {e}");
            }
        }
    }
}

fn trim_line(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &line[..end]
}

struct VerdictWriter<'p> {
    pack: &'p Pack,
    format: ScanFormat,
    all: bool,
    color: bool,
}

impl VerdictWriter<'_> {
    fn write(
        &mut self,
        out: &mut impl Write,
        record: &Record,
        verdict: &Verdict,
    ) -> io::Result<()> {
        if !verdict.flagged && !self.all {
            return Ok(());
        }
        match self.format {
            ScanFormat::Jsonl => {
                serde_json::to_writer(&mut *out, verdict).map_err(io::Error::other)?;
                out.write_all(b"\n")
            }
            ScanFormat::Pretty => {
                out.write_all(pretty::verdict(self.pack, record, verdict, self.color).as_bytes())
            }
        }
    }
}
