//! `vigie scan` on files, for packs without stream rules, on several
//! threads: each worker reads the parts of the file it scans.
//!
//! # Why
//!
//! The general pipeline (`scan/pipeline.rs`, driven by `cli/scan.rs`) has
//! one thread read the lines and hand them to the workers in batches: every
//! line is written by one core and read by another, and the reader takes
//! its time slices from the workers. A file needs none of that, since a
//! worker can read its own part. The bench compares `--threads 2` with two
//! single-thread processes side by side, one per half of the file (the
//! most two cores can give); through the reader thread it reached 0.85 of
//! that (docs/performance.md).
//!
//! # How
//!
//! A file is cut into ranges of `range` bytes (1 MiB in `vigie scan`), and
//! a line belongs to the range that holds its first byte. Workers take
//! ranges in turn from a shared counter. For the range `start..end`, a
//! worker seeks to `start - 1` and reads to just past the first newline:
//! that is the end of the line that began before `start` (when byte
//! `start - 1` is itself a newline, only that byte is read). It then reads
//! lines while they begin before `end`; the last one runs past `end` if it
//! must, and the last range has no end, so a file that grows during the
//! scan is read to its end as the one-thread scan reads it. Each worker
//! has its own file handle, scanner and line buffer.
//!
//! A worker numbers the lines of its range from 1. The writer (the calling
//! thread) emits the ranges in order, so it knows how many lines came
//! before each and adds that to its numbers. A range that finished early
//! waits for the ones before it; a worker takes no range more than
//! [`AHEAD`] ranges per worker past the next one to be written, so what
//! waits is bounded whatever the speeds. A read error ends the range where
//! it happened: the writer emits the lines before it, in order, then
//! reports it, as the one-thread scan does.

use super::scan::{Failure, Lines};
use crate::scan::pipeline::{Line, Outcome};
use crate::scan::Scanner;
use crate::Pack;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

/// The byte size of a range in `vigie scan`: large enough that seeking and
/// taking a range are rare, small enough that the threads finish a file
/// together (the last range is the only time a worker waits).
pub const RANGE: u64 = 1 << 20;

/// How many ranges per worker may be read past the next one to write.
const AHEAD: u64 = 4;

/// What the writer gets for each line: where it is, its length (for the
/// progress bar) and its outcome.
pub struct Done<T> {
    /// 1-based, within the range; the writer makes it absolute.
    pub number: u64,
    pub len: usize,
    pub outcome: Outcome<T>,
}

/// One range, read and judged.
struct Range<T> {
    index: u64,
    /// Lines read, blank ones included (for the numbers after it).
    lines: u64,
    done: Vec<Done<T>>,
    /// A read error, after the lines in `done`.
    error: Option<Failure>,
}

/// Receives each line in input order: the input's index, the absolute line
/// number, the line's length and its outcome. An error stops the scan.
pub type Emit<'a, T> = dyn FnMut(usize, u64, usize, Outcome<T>) -> Result<(), Failure> + 'a;

/// Scans `paths` (regular files) in order with `threads` workers, each
/// judging lines with `judge` and its own scanner; calls `emit` for every
/// line read, in input order.
#[allow(clippy::too_many_arguments)]
pub fn scan_files<T: Send>(
    pack: &Pack,
    paths: &[PathBuf],
    names: &[String],
    threads: usize,
    range: u64,
    limit: usize,
    judge: &(dyn Fn(&mut Scanner, &Line) -> Outcome<T> + Sync),
    emit: &mut Emit<'_, T>,
) -> Result<(), Failure> {
    let range = range.max(1);
    for (input, (path, name)) in paths.iter().zip(names).enumerate() {
        let size = std::fs::metadata(path)
            .map_err(|e| Failure::Input(name.clone(), e))?
            .len();
        let ranges = size.div_ceil(range).max(1);
        let from = Lines { name, input, limit };
        let workers = (threads as u64).clamp(1, ranges) as usize;
        let next = AtomicU64::new(0);
        let gate = Gate::new(AHEAD * workers as u64);
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::channel::<Range<T>>();
            for _ in 0..workers {
                let (tx, next, gate, from) = (tx.clone(), &next, &gate, &from);
                scope.spawn(move || {
                    let mut scanner = pack.scanner();
                    let mut file = File::open(path);
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= ranges || !gate.wait_until_near(index) {
                            return;
                        }
                        let start = index * range;
                        // The last range has no end: see the module doc.
                        let end = if index + 1 == ranges {
                            u64::MAX
                        } else {
                            start + range
                        };
                        let done = match &mut file {
                            Ok(file) => read_range(file, from, start, end, &mut scanner, judge),
                            Err(e) => Range {
                                index,
                                lines: 0,
                                done: Vec::new(),
                                error: Some(Failure::Input(
                                    name.clone(),
                                    std::io::Error::new(e.kind(), e.to_string()),
                                )),
                            },
                        };
                        if tx.send(Range { index, ..done }).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            let result = write_in_order(rx, input, &gate, emit);
            // Wakes and stops the workers still waiting for their turn.
            gate.stop();
            result
        })?;
    }
    Ok(())
}

/// The writer's side of [`scan_files`]: each range once the ones before it
/// are written, with absolute line numbers.
fn write_in_order<T>(
    rx: mpsc::Receiver<Range<T>>,
    input: usize,
    gate: &Gate,
    emit: &mut Emit<'_, T>,
) -> Result<(), Failure> {
    let mut waiting: BTreeMap<u64, Range<T>> = BTreeMap::new();
    let mut want = 0u64;
    let mut before = 0u64;
    for range in rx {
        waiting.insert(range.index, range);
        while let Some(range) = waiting.remove(&want) {
            for done in range.done {
                emit(input, before + done.number, done.len, done.outcome)?;
            }
            if let Some(error) = range.error {
                return Err(error);
            }
            before += range.lines;
            want += 1;
            gate.written(want);
        }
    }
    Ok(())
}

/// Reads and judges the lines that begin in `start..end` of `file` (see
/// the module doc). `index` is left for the caller to set.
fn read_range<T>(
    file: &mut File,
    from: &Lines,
    start: u64,
    end: u64,
    scanner: &mut Scanner,
    judge: &(dyn Fn(&mut Scanner, &Line) -> Outcome<T> + Sync),
) -> Range<T> {
    let mut range = Range {
        index: 0,
        lines: 0,
        done: Vec::new(),
        error: None,
    };
    let skip = start.saturating_sub(1);
    let mut reader = match file.seek(SeekFrom::Start(skip)) {
        Ok(_) => BufReader::with_capacity(1 << 16, &*file),
        Err(e) => {
            range.error = Some(Failure::Input(from.name.to_string(), e));
            return range;
        }
    };
    let mut at = skip;
    if start > 0 {
        // The end of the line that began before `start`: read, not kept.
        let mut rest = Vec::new();
        match super::scan::read_line_limited(&mut reader, &mut rest, 0) {
            Ok((n, _)) => at += n as u64,
            Err(e) => {
                range.error = Some(Failure::Input(from.name.to_string(), e));
                return range;
            }
        }
    }
    if at >= end {
        return range;
    }
    // One buffer for all the lines of the range: each line is judged as
    // soon as it is read, and its buffer handed back.
    let spare = std::cell::Cell::new(Vec::new());
    let mut number = 0u64;
    let done = &mut range.done;
    let read = from.read(
        &mut reader,
        end - at,
        &mut number,
        &mut || spare.take(),
        &mut |line| {
            let outcome = judge(scanner, &line);
            done.push(Done {
                number: line.number,
                len: line.bytes.len(),
                outcome,
            });
            spare.set(line.bytes);
            Ok(())
        },
    );
    range.lines = number;
    if let Err(error) = read {
        range.error = Some(error);
    }
    range
}

/// Holds a worker back while its range is too far ahead of the writer.
struct Gate {
    /// Ranges written so far, and whether the scan has stopped.
    state: Mutex<(u64, bool)>,
    moved: Condvar,
    ahead: u64,
}

impl Gate {
    fn new(ahead: u64) -> Gate {
        Gate {
            state: Mutex::new((0, false)),
            moved: Condvar::new(),
            ahead: ahead.max(1),
        }
    }

    /// Waits until range `index` is near enough to the writer; false when
    /// the scan has stopped.
    fn wait_until_near(&self, index: u64) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        while !state.1 && index >= state.0 + self.ahead {
            state = self.moved.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        !state.1
    }

    fn written(&self, ranges: u64) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).0 = ranges;
        self.moved.notify_all();
    }

    fn stop(&self) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).1 = true;
        self.moved.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What a line came out as, for comparing the two readers.
    type Seen = (usize, u64, usize, Result<Vec<u8>, String>);

    /// The lines as the one-thread scan reads them (`for_each_line`).
    fn read_whole(path: &std::path::Path, limit: usize) -> Vec<Seen> {
        let mut seen = Vec::new();
        let file = File::open(path).unwrap();
        let from = Lines {
            name: "f",
            input: 0,
            limit,
        };
        let mut reader = BufReader::new(file);
        let mut number = 0;
        from.read(
            &mut reader,
            u64::MAX,
            &mut number,
            &mut Vec::new,
            &mut |line| {
                seen.push(seen_of(0, line.number, &line));
                Ok(())
            },
        )
        .unwrap();
        seen
    }

    fn seen_of(input: usize, number: u64, line: &Line) -> Seen {
        let what = match &line.rejected {
            Some(reason) => Err(reason.clone()),
            None => Ok(line.bytes.clone()),
        };
        (input, number, line.bytes.len(), what)
    }

    /// Lines of every kind the reader treats apart: records, blank and
    /// white lines, CRLF ends, lines over the limit (12 bytes), and a last
    /// line with or without its newline.
    fn content() -> impl Strategy<Value = Vec<u8>> {
        let line = prop_oneof![
            "[a-z]{0,11}".prop_map(|s| format!("{s}\n")),
            "[a-z]{0,11}".prop_map(|s| format!("{s}\r\n")),
            Just("\n".to_string()),
            Just("  \t\n".to_string()),
            "[a-z]{13,40}".prop_map(|s| format!("{s}\n")),
            Just("é\n".to_string()),
        ];
        (proptest::collection::vec(line, 0..40), "[a-z]{0,3}")
            .prop_map(|(lines, last)| (lines.concat() + &last).into_bytes())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Cut into ranges of any size (one byte and up), read by one to
        /// three workers, a file gives the lines of the one-thread reader:
        /// the same numbers, bytes and rejections, in the same order.
        #[test]
        fn ranges_read_the_lines_of_the_whole_file(
            bytes in content(),
            range in 1u64..48,
            threads in 1usize..4,
        ) {
            let dir = std::env::temp_dir().join(format!("vigie-split-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("{range}-{threads}.jsonl"));
            std::fs::write(&path, &bytes).unwrap();
            let pack = Pack::from_source("p.vigie", "rule r {\n  when ad.body has \"x\"\n  score 10\n}\n").unwrap();
            let judge = |_: &mut Scanner, line: &Line| Outcome::Scanned(seen_of(0, 0, line));
            let mut got: Vec<Seen> = Vec::new();
            scan_files(
                &pack,
                std::slice::from_ref(&path),
                &["f".to_string()],
                threads,
                range,
                12,
                &judge,
                &mut |input, number, len, outcome| {
                    if let Outcome::Scanned((_, _, l, what)) = outcome {
                        assert_eq!(l, len);
                        got.push((input, number, len, what));
                    }
                    Ok(())
                },
            )
            .map_err(|_| TestCaseError::fail("read failed"))?;
            let want = read_whole(&path, 12);
            let _ = std::fs::remove_file(&path);
            prop_assert_eq!(got, want);
        }
    }
}
