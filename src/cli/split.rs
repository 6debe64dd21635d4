//! `vigie scan` on files, for packs without stream rules, on several
//! threads: each worker reads the parts of the file it scans.
//!
//! # Why
//!
//! The general pipeline (`scan/pipeline/`, driven by `cli/scan.rs`) has
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
//! `start - 1` is itself a newline, only that byte is read; when no
//! newline comes before `end`, no line begins in the range and the worker
//! reads no further, so a line that crosses many ranges is read once by
//! the range where it begins, not once per range). It then reads
//! lines while they begin before `end`; the last one runs past `end` if it
//! must, and the last range has no end, so a file that grows during the
//! scan is read to its end as the one-thread scan reads it. Each worker
//! has its own file handle, scanner and line buffer.
//!
//! A worker numbers the lines of its range from 1 and sends its outcomes
//! to the writer (the calling thread) in chunks of [`CHUNK_LINES`]. The
//! writer writes the range being written as its chunks come, keeps the
//! chunks of later ranges until their turn, and adds to each line number
//! the lines of the ranges before. What waits is bounded in chunks: a
//! worker may send a chunk of a later range only while fewer than
//! `2 × workers + 2` such chunks wait, and a chunk of the range being
//! written only while fewer than two of those are unwritten; the two are
//! counted apart, so the writer never waits on a worker that waits on it.
//!
//! Errors: a read error ends its range; the writer writes the lines before
//! it, in order, then reports it, as the scan in input order does. A file
//! that cannot be opened fails before any of its lines is read. An output
//! error stops the workers at their next chunk; a panic in any thread
//! stops the others (no thread is left waiting) and is raised again.

use super::scan::{Failure, Lines};
use crate::scan::pipeline::{Line, Outcome};
use crate::scan::Scanner;
use crate::Pack;
use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

/// The byte size of a range in `vigie scan`: large enough that seeking and
/// taking a range are rare, small enough that the threads finish a file
/// together (the last range is the only time a worker waits).
pub const RANGE: u64 = 1 << 20;

/// Lines per message from a worker to the writer: a range is sent in
/// chunks of at most this many lines, so that what waits to be written is
/// counted in lines, not in ranges (a range of short broken lines holds
/// half a million rejections).
const CHUNK_LINES: usize = 2048;

/// What the writer gets for each line: where it is, its length (for the
/// progress bar) and its outcome.
pub struct Done<T> {
    /// 1-based, within the range; the writer makes it absolute.
    pub number: u64,
    pub len: usize,
    pub outcome: Outcome<T>,
}

/// Part of a range, read and judged; a range's chunks arrive in order
/// (one worker reads a range, and a channel keeps each sender's order).
struct Chunk<T> {
    range: u64,
    done: Vec<Done<T>>,
    /// How the gate counted it: `true` when sent while an earlier range
    /// was being written.
    held: bool,
    /// On the range's last chunk: the lines it read, blank ones included
    /// (for the numbers after it), or the read error that ended it, after
    /// the lines in `done`.
    last: Option<Result<u64, Failure>>,
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
        let failed = |e| Failure::Input(name.clone(), e);
        let size = std::fs::metadata(path).map_err(failed)?.len();
        let ranges = size.div_ceil(range).max(1);
        let from = Lines { name, input, limit };
        let workers = (threads as u64).clamp(1, ranges) as usize;
        // Each worker its own handle (its own offset), all opened before
        // any line is read: a file that cannot be opened fails whole.
        let files = (0..workers)
            .map(|_| File::open(path))
            .collect::<std::io::Result<Vec<File>>>()
            .map_err(failed)?;
        let next = AtomicU64::new(0);
        let gate = Gate::new(2 * workers + 2);
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::channel::<Chunk<T>>();
            for mut file in files {
                let (tx, next, gate, from) = (tx.clone(), &next, &gate, &from);
                scope.spawn(move || {
                    // A panic here stops the others instead of leaving
                    // them waiting for a writer that waits for this range.
                    let _stop = StopOnPanic(gate);
                    let mut scanner = pack.scanner();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= ranges {
                            return;
                        }
                        let start = index * range;
                        // The last range has no end: see the module doc.
                        let end = if index + 1 == ranges {
                            u64::MAX
                        } else {
                            start + range
                        };
                        let mut send = |done: Vec<Done<T>>, last| match gate.admit(index) {
                            Some(held) => tx
                                .send(Chunk {
                                    range: index,
                                    done,
                                    held,
                                    last,
                                })
                                .is_ok(),
                            None => false,
                        };
                        let read =
                            read_range(&mut file, from, start, end, &mut scanner, judge, &mut send);
                        match read {
                            Ok((lines, done)) => {
                                if !send(done, Some(Ok(lines))) {
                                    return;
                                }
                            }
                            // The scan stopped: nobody is listening.
                            Err((Failure::Stopped, _)) => return,
                            Err((error, done)) => {
                                send(done, Some(Err(error)));
                                return;
                            }
                        }
                    }
                });
            }
            drop(tx);
            let _stop = StopOnPanic(&gate);
            let result = write_in_order(rx, input, &gate, emit);
            // Wakes and stops the workers still waiting for their turn.
            gate.stop();
            result
        })?;
    }
    Ok(())
}

/// The writer's side of [`scan_files`]: the chunks of the range being
/// written as they come, the others kept until their turn, with absolute
/// line numbers.
fn write_in_order<T>(
    rx: mpsc::Receiver<Chunk<T>>,
    input: usize,
    gate: &Gate,
    emit: &mut Emit<'_, T>,
) -> Result<(), Failure> {
    let mut waiting: BTreeMap<u64, VecDeque<Chunk<T>>> = BTreeMap::new();
    let mut writing = 0u64;
    let mut before = 0u64;
    for chunk in rx {
        waiting.entry(chunk.range).or_default().push_back(chunk);
        while let Some(chunk) = waiting.get_mut(&writing).and_then(VecDeque::pop_front) {
            for done in chunk.done {
                emit(input, before + done.number, done.len, done.outcome)?;
            }
            // Counted until written, so that the bound holds what waits.
            gate.release(chunk.held);
            match chunk.last {
                None => {}
                Some(Err(error)) => return Err(error),
                Some(Ok(lines)) => {
                    waiting.remove(&writing);
                    before += lines;
                    writing += 1;
                    gate.advance(writing);
                }
            }
        }
    }
    Ok(())
}

/// Reads and judges the lines that begin in `start..end` of `file` (see
/// the module doc), handing every [`CHUNK_LINES`] outcomes to `send`
/// (false: the scan stopped). Returns the lines read and the outcomes not
/// sent yet, or the error that ended the range with the outcomes before
/// it ([`Failure::Stopped`] when `send` said stop).
#[allow(clippy::type_complexity)]
fn read_range<T>(
    file: &mut File,
    from: &Lines,
    start: u64,
    end: u64,
    scanner: &mut Scanner,
    judge: &(dyn Fn(&mut Scanner, &Line) -> Outcome<T> + Sync),
    send: &mut dyn FnMut(Vec<Done<T>>, Option<Result<u64, Failure>>) -> bool,
) -> Result<(u64, Vec<Done<T>>), (Failure, Vec<Done<T>>)> {
    let input_error = |e| Failure::Input(from.name.to_string(), e);
    let skip = start.saturating_sub(1);
    if let Err(e) = file.seek(SeekFrom::Start(skip)) {
        return Err((input_error(e), Vec::new()));
    }
    let mut reader = BufReader::with_capacity(1 << 16, &*file);
    let mut at = skip;
    if start > 0 {
        // The end of the line that began before `start`: read, not kept,
        // and no further than `end`: a line that runs past it leaves this
        // range no line of its own, and reading to its end would make a
        // 100 MB line cost each of the hundred ranges it crosses.
        let mut rest = Vec::new();
        let mut bounded = (&mut reader).take(end - skip);
        match super::scan::read_line_limited(&mut bounded, &mut rest, 0) {
            Ok((n, _)) => at += n as u64,
            Err(e) => return Err((input_error(e), Vec::new())),
        }
    }
    let mut done = Vec::new();
    if at >= end {
        return Ok((0, done));
    }
    // One buffer for all the lines of the range: each line is judged as
    // soon as it is read, and its buffer handed back.
    let spare = std::cell::Cell::new(Vec::new());
    let mut number = 0u64;
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
            if done.len() >= CHUNK_LINES && !send(std::mem::take(&mut done), None) {
                return Err(Failure::Stopped);
            }
            Ok(())
        },
    );
    match read {
        Ok(_) => Ok((number, done)),
        Err(error) => Err((error, done)),
    }
}

/// Holds back a worker whose chunks would pile up unwritten: at most
/// `cap` chunks of later ranges wait for their turn, and at most
/// [`CURRENT`] chunks of the range being written are on their way to the
/// writer. The two are counted apart so that the range being written is
/// never held back by later ones: the writer always gets what it waits
/// for, and every chunk counted is one the writer will write.
struct Gate {
    state: Mutex<GateState>,
    moved: Condvar,
    cap: usize,
}

/// Chunks of the range being written that may be unwritten at once.
const CURRENT: usize = 2;

struct GateState {
    /// The range being written.
    writing: u64,
    /// Chunks of later ranges sent and not yet written.
    held: usize,
    /// Chunks of the range being written sent and not yet written.
    current: usize,
    stopped: bool,
}

impl Gate {
    fn new(cap: usize) -> Gate {
        Gate {
            state: Mutex::new(GateState {
                writing: 0,
                held: 0,
                current: 0,
                stopped: false,
            }),
            moved: Condvar::new(),
            cap: cap.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until a chunk of `range` may be sent, and counts it: `true`
    /// when it is counted among the held ones (a later range), `false`
    /// among the current ones; `None` when the scan has stopped.
    fn admit(&self, range: u64) -> Option<bool> {
        let mut state = self.lock();
        loop {
            if state.stopped {
                return None;
            }
            if range == state.writing && state.current < CURRENT {
                state.current += 1;
                return Some(false);
            }
            if range != state.writing && state.held < self.cap {
                state.held += 1;
                return Some(true);
            }
            state = self.moved.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// A chunk was written (`held`: as [`admit`](Self::admit) counted it).
    fn release(&self, held: bool) {
        let mut state = self.lock();
        if held {
            state.held = state.held.saturating_sub(1);
        } else {
            state.current = state.current.saturating_sub(1);
        }
        drop(state);
        self.moved.notify_all();
    }

    /// The writer moved on to range `writing`.
    fn advance(&self, writing: u64) {
        self.lock().writing = writing;
        self.moved.notify_all();
    }

    fn stop(&self) {
        self.lock().stopped = true;
        self.moved.notify_all();
    }
}

/// Stops the gate when the thread that holds it panics, so that no other
/// thread waits forever for what the panicking one would have done;
/// `thread::scope` then raises the panic in the caller.
struct StopOnPanic<'g>(&'g Gate);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
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

    fn pack() -> Pack {
        Pack::from_source(
            "p.vigie",
            "rule r {\n  when ad.body has \"x\"\n  score 10\n}\n",
        )
        .unwrap()
    }

    /// A temporary file of `lines` short lines (their numbers), removed
    /// when the returned path is dropped.
    fn short_lines(lines: usize) -> tempfile::TempPath {
        let text: String = (1..=lines).map(|i| format!("{i}\n")).collect();
        temporary(text.as_bytes())
    }

    fn temporary(bytes: &[u8]) -> tempfile::TempPath {
        let path = tempfile::NamedTempFile::new().unwrap().into_temp_path();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Runs `scan` on a thread of its own and says whether it panicked,
    /// failing the test if it has not ended within a minute (a deadlock).
    fn ends(scan: impl FnOnce() + Send + 'static) -> bool {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(scan)).is_err();
            let _ = tx.send(panicked);
        });
        rx.recv_timeout(std::time::Duration::from_secs(60))
            .expect("the scan did not end: a thread waits forever")
    }

    /// A panic in a worker or in the writer is raised, with many ranges
    /// and workers waiting at the gate, instead of leaving them waiting.
    #[test]
    fn a_panic_in_any_thread_ends_the_scan() {
        let file = short_lines(100_000);
        for in_worker in [true, false] {
            let path = file.to_path_buf();
            let panicked = ends(move || {
                let judge = |_: &mut Scanner, line: &Line| {
                    // One range only: the other workers go on.
                    assert!(!(in_worker && line.bytes == b"700"), "a worker fails");
                    Outcome::Scanned(())
                };
                let mut seen = 0;
                let _ = scan_files(
                    &pack(),
                    &[path],
                    &["f".to_string()],
                    3,
                    64,
                    100,
                    &judge,
                    &mut |_, _, _, _| {
                        seen += 1;
                        assert!(in_worker || seen < 5000, "the writer fails");
                        Ok(())
                    },
                );
            });
            assert!(panicked, "in_worker: {in_worker}");
        }
    }

    /// What waits to be written stays within the gate's bound (the held
    /// chunks, the current ones, one chunk in the making per worker) even
    /// when the writer is slow and a range holds many chunks.
    #[test]
    fn a_slow_writer_holds_the_workers_back() {
        let file = short_lines(300_000);
        let path = file.to_path_buf();
        let made = AtomicU64::new(0);
        let judge = |_: &mut Scanner, _: &Line| {
            made.fetch_add(1, Ordering::Relaxed);
            Outcome::Scanned(())
        };
        let workers = 2;
        let bound = ((2 * workers + 2) + CURRENT + workers) * CHUNK_LINES;
        let (mut written, mut most) = (0u64, 0u64);
        scan_files(
            &pack(),
            &[path],
            &["f".to_string()],
            workers,
            64 << 10,
            100,
            &judge,
            &mut |_, number, _, _| {
                written += 1;
                assert_eq!(number, written, "lines out of order");
                if written % 4096 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                most = most.max(made.load(Ordering::Relaxed) - written);
                Ok(())
            },
        )
        .map_err(|_| "read failed")
        .unwrap();
        assert_eq!(written, 300_000);
        assert!(
            most <= bound as u64,
            "{most} outcomes waited (bound {bound})"
        );
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
            let file = temporary(&bytes);
            let path = file.to_path_buf();
            let pack = pack();
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
            prop_assert_eq!(got, want);
        }
    }
}
