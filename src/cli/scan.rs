//! `vigie scan PACK [INPUT...]`: verdicts for JSON Lines records.
//!
//! Every line is either scanned or rejected, and each rejection is reported
//! on stderr as `FILE:LINE: reason`; the summary checks that
//! read = scanned + rejected. Blank lines are not records and are skipped.
//! A failure to write the output (closed pipe, full disk) stops the scan
//! with status 2: output is never silently truncated.
//!
//! When the pack has stream rules, records are scanned in time order:
//! files are checked for order first and, when out of order, read through a
//! sorted index of their lines (memory: a few bytes per line, never the
//! records); standard input goes through a reorder buffer that accepts
//! records up to `--max-delay` out of order and marks later ones `late`.
//! Verdicts come out in the order records are scanned.
//!
//! With several threads, files scanned without stream rules are cut in
//! byte ranges that the workers read themselves (`split.rs`); otherwise
//! one thread reads, the pipeline scans (`scan/pipeline/`) and the main
//! thread writes. Both give the output of `--threads 1`, byte for byte.

use super::split;
use super::{pretty, render_options, ColorChoice};
use crate::scan::pipeline::{order, scan_line, Gather, Line, Outcome, Pipeline, BATCH};
use crate::scan::Scanner;
use crate::{Pack, Record, Verdict};
use clap::{Args, ValueEnum};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Seek, SeekFrom, Write};
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
    /// Worker threads for decoding, matching and rules (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// On standard input, with stream rules: how far out of time order a
    /// record may arrive and still be put in order (`30s`, `10min`, `1h`).
    #[arg(long, default_value = "10min", value_parser = parse_duration)]
    pub max_delay: i64,
    /// The longest line read as a record, in bytes; longer lines are
    /// rejected (and skipped without being held in memory).
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    pub max_line_bytes: usize,
}

fn parse_duration(s: &str) -> Result<i64, String> {
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: i64 = s[..digits]
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (write 30s, 10min, 1h, 1d)"))?;
    let unit = match &s[digits..] {
        "" | "s" => 1,
        "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => {
            return Err(format!(
                "`{s}` is not a duration (write 30s, 10min, 1h, 1d)"
            ))
        }
    };
    Ok(n * unit)
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
    pub late: u64,
    pub untimed: u64,
}

/// What stops a scan.
#[derive(Debug)]
pub enum Failure {
    Input(String, io::Error),
    Output(io::Error),
    /// The scan stopped (after an output error) while input was being read.
    Stopped,
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
    let inputs: Vec<PathBuf> = if args.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.inputs.clone()
    };
    let names: Vec<String> = inputs
        .iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                "<stdin>".to_string()
            } else {
                p.display().to_string()
            }
        })
        .collect();
    // Open every file first: a missing input is a usage error, before any
    // output.
    for (path, name) in inputs.iter().zip(&names) {
        if path.as_os_str() != "-" {
            if let Err(e) = File::open(path) {
                eprintln!("error: cannot open {name}: {e}");
                return 2;
            }
        }
    }
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let all = args.all;
    let paint = color.enabled(terminal);
    let render = move |pack: &Pack, record: &Record, verdict: Verdict| -> Judged {
        let bytes = (verdict.flagged || all).then(|| match format {
            ScanFormat::Jsonl => {
                let mut bytes = serde_json::to_vec(&verdict).unwrap_or_default();
                bytes.push(b'\n');
                bytes
            }
            ScanFormat::Pretty => pretty::verdict(pack, record, &verdict, paint).into_bytes(),
        });
        Judged {
            flagged: verdict.flagged,
            late: verdict.late,
            untimed: verdict.untimed,
            bytes,
        }
    };
    let stream_rules = pack.scanner().has_stream_rules();
    // Files without stream rules: the workers read their own parts of
    // each file (`split.rs`), with no reader thread and no pipeline.
    let split = threads > 1
        && !stream_rules
        && inputs
            .iter()
            .all(|p| p.as_os_str() != "-" && p.metadata().is_ok_and(|m| m.is_file()));
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut counts = Counts::default();
    let time_field = pack
        .checked()
        .schema
        .time_field
        .map(|i| pack.checked().schema.fields[i].name.clone());

    let progress = Progress::new(io::stderr().is_terminal());
    let mut emit =
        |input: usize, number: u64, len: usize, outcome: Outcome<Judged>| -> Result<(), Failure> {
            counts.read += 1;
            progress.bytes(len + 1);
            match outcome {
                Outcome::Rejected(reason) => {
                    counts.rejected += 1;
                    progress.println(&format!("{}:{number}: {reason}", names[input]));
                }
                Outcome::Scanned(judged) => {
                    counts.scanned += 1;
                    counts.flagged += u64::from(judged.flagged);
                    counts.late += u64::from(judged.late);
                    counts.untimed += u64::from(judged.untimed);
                    if let Some(bytes) = judged.bytes {
                        out.write_all(&bytes).map_err(Failure::Output)?;
                    }
                }
            }
            if counts.read % 4096 == 0 {
                progress.update(&counts);
            }
            Ok(())
        };
    let limit = args.max_line_bytes;
    let read = |process: &mut Process| match (&time_field, stream_rules) {
        (Some(field), true) if inputs.iter().all(|p| p.as_os_str() != "-") => {
            scan_files_in_time_order(&inputs, &names, field, limit, process)
        }
        (Some(field), true) => {
            scan_with_reorder(&inputs, &names, field, args.max_delay, limit, process)
        }
        _ => scan_in_input_order(&inputs, &names, limit, process),
    };
    let result = if split {
        let judge = |scanner: &mut Scanner, line: &Line| scan_line(&pack, scanner, line, &render);
        split::scan_files(
            &pack,
            &inputs,
            &names,
            threads,
            split::RANGE,
            limit,
            &judge,
            &mut emit,
        )
    } else if threads <= 1 {
        let mut pipeline = Pipeline::new(&pack, 1, &render);
        read(&mut |batch: &mut Vec<Line>| {
            let result = pipeline.run_batch(batch, &mut |line, outcome| {
                emit(line.input, line.number, line.bytes.len(), outcome)
            });
            spare::keep(batch);
            result
        })
    } else {
        // Three stages, each on a thread of its own, joined by bounded
        // queues: reading (and, with stream rules, ordering) a couple of
        // batches ahead, so that the workers never wait for the disk or
        // for line splitting; the pipeline, whose thread works with the
        // pool's helpers; writing, here, so that writing batch k overlaps
        // scanning batch k + 1 instead of holding the helpers idle.
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Line>>(2);
            let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<Scanned>(2);
            // Written batches go back to the reader, whose lines' buffers
            // it fills again: no allocation per line, and no line freed
            // by another thread than the one that allocated it.
            let (back_tx, back_rx) = std::sync::mpsc::sync_channel::<Vec<Line>>(4);
            let reader = scope.spawn(move || {
                read(&mut |batch: &mut Vec<Line>| {
                    let mut next = Vec::with_capacity(BATCH);
                    while let Ok(mut old) = back_rx.try_recv() {
                        spare::keep(&mut old);
                        next = old;
                    }
                    let full = std::mem::replace(batch, next);
                    tx.send(full).map_err(|_| Failure::Stopped)
                })
            });
            let mut pipeline = Pipeline::new(&pack, threads, &render);
            let scanner = scope.spawn(move || {
                for batch in rx {
                    let outcomes = pipeline.process(&batch);
                    // The writer stopped (an output error): dropping the
                    // receiver stops the reader at its next batch.
                    if done_tx.send((batch, outcomes)).is_err() {
                        break;
                    }
                }
            });
            let mut result = Ok(());
            'write: for (batch, outcomes) in done_rx.iter() {
                for (line, outcome) in batch.iter().zip(outcomes) {
                    if let Err(e) = emit(line.input, line.number, line.bytes.len(), outcome) {
                        result = Err(e);
                        break 'write;
                    }
                }
                // When the reader has enough already, the batch is freed.
                let _ = back_tx.try_send(batch);
            }
            // Unblocks the scanning thread if it is waiting to hand over.
            drop(done_rx);
            scanner
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let read = reader
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            result.and(read)
        })
    };
    progress.finish();
    let result = result.and_then(|()| out.flush().map_err(Failure::Output));
    if let Err(failure) = result {
        match failure {
            Failure::Input(name, e) => eprintln!("error: cannot read {name}: {e}"),
            Failure::Output(e) => {
                eprintln!("error: cannot write the verdicts: {e}; the scan stopped")
            }
            // Only the reader sees it, when an output error came first.
            Failure::Stopped => {}
        }
        summary(&counts, stream_rules);
        return 2;
    }
    summary(&counts, stream_rules);
    u8::from(counts.rejected > 0)
}

fn summary(c: &Counts, stream_rules: bool) {
    let mut line = format!(
        "{} record{} read: {} scanned, {} rejected; {} flagged",
        c.read,
        if c.read == 1 { "" } else { "s" },
        c.scanned,
        c.rejected,
        c.flagged
    );
    if stream_rules && (c.late > 0 || c.untimed > 0) {
        line.push_str(&format!(
            "; {} late, {} without a time (stream rules could not judge them)",
            c.late, c.untimed
        ));
    }
    eprintln!("{line}");
}

/// What the writer needs of a verdict: the counts, and its output (`None`
/// when it is not written). The verdict itself is dropped on the worker
/// that made it.
struct Judged {
    flagged: bool,
    late: bool,
    untimed: bool,
    bytes: Option<Vec<u8>>,
}

/// A batch and its outcomes, from the scanning thread to the writer.
type Scanned = (Vec<Line>, Vec<Outcome<Judged>>);

/// Takes a batch of lines, leaving the vector empty for the next one.
type Process<'a> = dyn FnMut(&mut Vec<Line>) -> Result<(), Failure> + 'a;

fn open(path: &PathBuf) -> io::Result<Box<dyn Read>> {
    if path.as_os_str() == "-" {
        Ok(Box::new(io::stdin().lock()))
    } else {
        Ok(Box::new(File::open(path)?))
    }
}

/// Line buffers kept for the next lines, per thread (the thread that reads).
mod spare {
    use crate::scan::pipeline::{Line, BATCH};
    use std::cell::RefCell;

    /// Buffers larger than this are freed rather than kept: one long line
    /// must not hold its memory for the rest of the scan.
    const MAX_KEPT: usize = 64 << 10;

    thread_local! {
        static SPARE: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
    }

    /// A buffer for the next line (empty; with capacity when one is kept).
    pub fn take() -> Vec<u8> {
        SPARE.with(|s| s.borrow_mut().pop()).unwrap_or_default()
    }

    /// Empties `batch`, keeping its lines' buffers for [`take`] (up to a few
    /// batches' worth).
    pub fn keep(batch: &mut Vec<Line>) {
        SPARE.with(|s| {
            let mut spare = s.borrow_mut();
            for line in batch.drain(..) {
                let mut bytes = line.bytes;
                if bytes.capacity() <= MAX_KEPT && spare.len() < 4 * BATCH {
                    bytes.clear();
                    spare.push(bytes);
                }
            }
        });
    }
}

/// Reads one line into `buf` (cleared), keeping at most `limit` bytes of
/// it: a longer line is consumed to its end but not held. Returns the bytes
/// consumed (0 at the end of input) and the line's full length.
pub(super) fn read_line_limited(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<(usize, usize)> {
    buf.clear();
    let mut consumed = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((consumed, consumed));
        }
        let (chunk, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let room = (limit + 1).saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let n = chunk.len();
        reader.consume(n);
        consumed += n;
        if done {
            return Ok((consumed, consumed));
        }
    }
}

/// Reads the lines of one input, calling `each` with every non-blank line.
fn for_each_line(
    reader: impl Read,
    name: &str,
    input: usize,
    limit: usize,
    each: &mut dyn FnMut(Line) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut number = 0u64;
    let from = Lines { name, input, limit };
    from.read(&mut reader, u64::MAX, &mut number, &mut spare::take, each)
        .map(drop)
}

/// Where lines come from: the input (for its name in errors and its index
/// in [`Line`]), and the line length limit.
pub(super) struct Lines<'n> {
    pub name: &'n str,
    pub input: usize,
    pub limit: usize,
}

impl Lines<'_> {
    /// Reads lines from `reader`, calling `each` with every non-blank one,
    /// until the input ends or `budget` bytes are consumed (the line that
    /// crosses it is read to its end). `number` counts every line, blank or
    /// not; `buffer` gives the buffer for the next line. Returns the bytes
    /// consumed.
    pub fn read(
        &self,
        reader: &mut impl BufRead,
        budget: u64,
        number: &mut u64,
        buffer: &mut dyn FnMut() -> Vec<u8>,
        each: &mut dyn FnMut(Line) -> Result<(), Failure>,
    ) -> Result<u64, Failure> {
        let mut consumed = 0u64;
        while consumed < budget {
            let mut bytes = buffer();
            let (n, full) = read_line_limited(reader, &mut bytes, self.limit)
                .map_err(|e| Failure::Input(self.name.to_string(), e))?;
            if n == 0 {
                break;
            }
            consumed += n as u64;
            *number += 1;
            if bytes.len() > self.limit {
                each(too_long(self.input, *number, full, self.limit))?;
                continue;
            }
            trim_line(&mut bytes);
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            each(Line {
                input: self.input,
                number: *number,
                bytes,
                rejected: None,
            })?;
        }
        Ok(consumed)
    }
}

fn too_long(input: usize, number: u64, full: usize, limit: usize) -> Line {
    Line {
        input,
        number,
        bytes: Vec::new(),
        rejected: Some(format!(
            "the line is {} bytes long, over the limit of {limit} bytes (raise it with --max-line-bytes)",
            full
        )),
    }
}

fn trim_line(line: &mut Vec<u8>) {
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
}

/// No stream rules: every input in turn, in batches.
fn scan_in_input_order(
    inputs: &[PathBuf],
    names: &[String],
    limit: usize,
    process: &mut Process,
) -> Result<(), Failure> {
    let mut batch = Vec::with_capacity(BATCH);
    let mut gather = Gather::default();
    for (i, (path, name)) in inputs.iter().zip(names).enumerate() {
        let read = open(path)
            .map_err(|e| Failure::Input(name.clone(), e))
            .and_then(|reader| {
                for_each_line(reader, name, i, limit, &mut |line| {
                    batch.push(line);
                    if gather.full(&batch) {
                        process(&mut batch)?;
                    }
                    Ok(())
                })
            });
        if let Err(error) = read {
            // The lines read before an input error are scanned and
            // written before it is reported (`split.rs` does the same).
            if matches!(error, Failure::Input(..)) {
                process(&mut batch)?;
            }
            return Err(error);
        }
    }
    process(&mut batch)
}

/// Stream rules, standard input: a reorder buffer of `max_delay`.
fn scan_with_reorder(
    inputs: &[PathBuf],
    names: &[String],
    field: &str,
    max_delay: i64,
    limit: usize,
    process: &mut Process,
) -> Result<(), Failure> {
    let mut reorder = order::Reorder::new(max_delay);
    let mut ready = Vec::with_capacity(BATCH);
    let mut gather = Gather::default();
    let mut result = Ok(());
    for (i, (path, name)) in inputs.iter().zip(names).enumerate() {
        result = open(path)
            .map_err(|e| Failure::Input(name.clone(), e))
            .and_then(|reader| {
                for_each_line(reader, name, i, limit, &mut |line| {
                    let time = order::quick_time(&line.bytes, field);
                    reorder.push(time, line, &mut ready);
                    if gather.full(&ready) {
                        process(&mut ready)?;
                    }
                    Ok(())
                })
            });
        if result.is_err() {
            break;
        }
    }
    // After an input error too, the lines already read (those the reorder
    // buffer holds) are scanned and written before the error is reported.
    if let Err(Failure::Output(_) | Failure::Stopped) = result {
        return result;
    }
    reorder.finish(&mut ready);
    while !ready.is_empty() {
        let rest = ready.split_off(ready.len().min(BATCH));
        process(&mut ready)?;
        ready = rest;
    }
    result
}

/// One line's place in a file, for reading the files in time order.
struct Place {
    time: Option<i64>,
    input: usize,
    number: u64,
    offset: u64,
    len: usize,
}

/// Stream rules, files: a first pass reads each line's time only. A single
/// file already in order is then read again as a stream; otherwise lines
/// are read in the order of a sorted index of their places.
fn scan_files_in_time_order(
    inputs: &[PathBuf],
    names: &[String],
    field: &str,
    limit: usize,
    process: &mut Process,
) -> Result<(), Failure> {
    let mut places: Vec<Place> = Vec::new();
    let mut sorted = true;
    let mut last: Option<i64> = None;
    for (i, (path, name)) in inputs.iter().zip(names).enumerate() {
        let file = File::open(path).map_err(|e| Failure::Input(name.clone(), e))?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut offset = 0u64;
        let mut number = 0u64;
        let mut bytes = Vec::new();
        loop {
            let (n, full) = read_line_limited(&mut reader, &mut bytes, limit)
                .map_err(|e| Failure::Input(name.clone(), e))?;
            if n == 0 {
                break;
            }
            number += 1;
            let start = offset;
            offset += n as u64;
            if bytes.len() > limit {
                places.push(Place {
                    time: None,
                    input: i,
                    number,
                    offset: start,
                    len: full,
                });
                continue;
            }
            trim_line(&mut bytes);
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let time = order::quick_time(&bytes, field);
            if let (Some(t), Some(l)) = (time, last) {
                sorted &= t >= l;
            }
            last = time.or(last);
            places.push(Place {
                time,
                input: i,
                number,
                offset: start,
                len: bytes.len(),
            });
        }
    }
    if sorted && inputs.len() == 1 {
        drop(places);
        return scan_in_input_order(inputs, names, limit, process);
    }
    // Sort the places (stably; a line without a time keeps the time of the
    // line before it in its file, so it stays where it was).
    let mut keyed: Vec<(i64, usize)> = Vec::with_capacity(places.len());
    let mut previous: Option<(usize, i64)> = None;
    for (k, p) in places.iter().enumerate() {
        let t = match (p.time, previous) {
            (Some(t), _) => t,
            (None, Some((input, t))) if input == p.input => t,
            (None, _) => i64::MIN,
        };
        previous = Some((p.input, t));
        keyed.push((t, k));
    }
    keyed.sort();
    let mut files: Vec<File> = Vec::with_capacity(inputs.len());
    for (path, name) in inputs.iter().zip(names) {
        files.push(File::open(path).map_err(|e| Failure::Input(name.clone(), e))?);
    }
    let mut batch = Vec::with_capacity(BATCH);
    let mut gather = Gather::default();
    for (_, k) in keyed {
        let p = &places[k];
        if p.len > limit {
            batch.push(too_long(p.input, p.number, p.len, limit));
            if gather.full(&batch) {
                process(&mut batch)?;
            }
            continue;
        }
        let file = &mut files[p.input];
        let mut bytes = spare::take();
        bytes.resize(p.len, 0);
        if let Err(e) = file
            .seek(SeekFrom::Start(p.offset))
            .and_then(|_| file.read_exact(&mut bytes))
        {
            // The file changed since it was indexed: the lines read so far
            // are scanned and written, then the error is reported.
            process(&mut batch)?;
            return Err(Failure::Input(names[p.input].clone(), e));
        }
        batch.push(Line {
            input: p.input,
            number: p.number,
            bytes,
            rejected: None,
        });
        if gather.full(&batch) {
            process(&mut batch)?;
        }
    }
    process(&mut batch)
}

/// The progress bar on a terminal's stderr: records, MB/s, flagged. Does
/// nothing when stderr is not a terminal.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    bytes: std::cell::Cell<u64>,
    started: std::time::Instant,
}

impl Progress {
    fn new(terminal: bool) -> Progress {
        let bar = terminal.then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            bytes: std::cell::Cell::new(0),
            started: std::time::Instant::now(),
        }
    }

    fn bytes(&self, n: usize) {
        self.bytes.set(self.bytes.get() + n as u64);
    }

    fn update(&self, c: &Counts) {
        if let Some(bar) = &self.bar {
            let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "{} records, {:.1} MB/s, {} flagged, {} rejected",
                c.read,
                self.bytes.get() as f64 / 1e6 / seconds,
                c.flagged,
                c.rejected
            ));
        }
    }

    /// Prints a line above the bar (or plainly without one).
    fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
