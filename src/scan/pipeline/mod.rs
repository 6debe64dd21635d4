//! The scan pipeline: many records, in order, on all cores.
//!
//! # How it works
//!
//! Lines are taken in batches. For each batch:
//!
//! 1. **prepare**, in parallel: UTF-8 check, JSON decoding, the texts of
//!    the pack's sources, folding and matching, and the keys of the stream
//!    aggregates ([`Scanner::prepare`]): everything that depends on one
//!    record only;
//! 2. **observe**, in order: the stream windows see each record in turn and
//!    give the values of `count`/`distinct` ([`Stream::observe`]);
//! 3. **judge**, in parallel: the rules run and each verdict is rendered to
//!    its output bytes;
//! 4. **emit**, in order.
//!
//! Step 2 is the only sequential computation, so the result is the same
//! whatever the number of threads (tested), and stream state is updated in
//! time order. The three steps overlap, chunk by chunk: one thread
//! observes while the others judge or prepare (`overlap.rs`). Without
//! stream rules, steps 1 and 3 run as one.
//!
//! The parallel steps share a batch dynamically: the calling thread and
//! one helper per extra scanner take chunks of 32 lines from a shared
//! counter, and the results are put back in chunk order (see
//! `parallel_map`). The helpers are threads of a pool the pipeline keeps
//! for its whole life: a thread started per batch began every batch with
//! cold caches and an empty allocator heap (fresh pages for the kernel to
//! zero). Writing the results between two chunks of the calling
//! thread's own work, as soon as they are in order, was tried and did not
//! measure faster (docs/performance.md, "What bounds each figure"): the
//! batch is written once it is done. `vigie scan` runs the pipeline on a
//! thread of its own ([`Pipeline::process`]), reads the next batches on
//! another and writes the verdicts on the main thread (`cli/scan.rs`), so
//! reading and writing overlap the work. On files without stream rules it
//! does without the pipeline: its workers read their own parts of the
//! file and call [`scan_line`] (`cli/split.rs`).
//!
//! Ordering by time is the caller's business ([`order`] has the two
//! strategies `vigie scan` uses: index-and-sort for files, a bounded
//! reorder buffer for standard input).

mod overlap;

use super::{Prepared, Record, Scanner, Stream, Verdict};
use crate::Pack;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// One input line, with where it came from.
#[derive(Debug, Clone)]
pub struct Line {
    /// Index of the input (file) it came from, for error messages.
    pub input: usize,
    /// 1-based line number in that input.
    pub number: u64,
    pub bytes: Vec<u8>,
    /// Set when the reader already knows the line cannot be a record (it
    /// is over the size limit): the reason, reported in order.
    pub rejected: Option<String>,
}

/// The result of one line.
pub enum Outcome<T> {
    /// The record was read and judged: what `render` made of its verdict.
    Scanned(T),
    /// The line could not be read as a record.
    Rejected(String),
}

/// Receives each line's outcome, in input order; an error stops the scan.
pub type Emit<'a, T, E> = dyn FnMut(&Line, Outcome<T>) -> Result<(), E> + 'a;

/// Lines per batch: large enough to keep the threads busy, small enough to
/// keep memory flat.
pub const BATCH: usize = 2048;

/// Bytes of line text per batch, whatever the line count: 2,048 lines of
/// 16 MiB (the default line limit) would otherwise be held at once. A
/// batch ends at whichever of [`BATCH`] lines or this many bytes comes
/// first; a single longer line still makes a batch of its own.
pub const BATCH_BYTES: usize = 64 << 20;

/// Counts the bytes of the batch being gathered. The caller pushes lines
/// (one, or several at once when a reorder buffer releases them), asks
/// [`Gather::full`], and empties the batch when the answer is yes.
#[derive(Default)]
pub struct Gather {
    bytes: usize,
    counted: usize,
}

impl Gather {
    /// Counts the lines pushed since the last call; true when the batch is
    /// full (the count starts again, for the emptied batch).
    pub fn full(&mut self, batch: &[Line]) -> bool {
        let new = batch.get(self.counted..).unwrap_or(&[]);
        self.bytes += new.iter().map(|l| l.bytes.len()).sum::<usize>();
        self.counted = batch.len();
        if batch.len() >= BATCH || self.bytes >= BATCH_BYTES {
            *self = Gather::default();
            true
        } else {
            false
        }
    }
}

/// Runs lines through the pack, in batches, on `threads` threads.
/// `render` turns a verdict (with its record) into output, on the worker
/// thread that made it: a verdict is dropped on the thread that allocated
/// it, not freed by whichever thread writes the output (a free from
/// another thread is slower in the allocator, and moves cache lines
/// between cores). `emit` receives every line's outcome in input order and
/// may stop the scan by returning an error.
pub struct Pipeline<'p, R> {
    pack: &'p Pack,
    scanners: Vec<Scanner>,
    /// The helper threads, one per scanner after the first (`None` with
    /// one scanner, or when the pool could not be started: then everything
    /// runs on the calling thread).
    pool: Option<rayon::ThreadPool>,
    stream: Stream,
    stream_rules: bool,
    render: R,
}

enum Stage {
    Rejected(String),
    Ready(Box<(Record, Prepared)>),
}

impl<'p, T, R> Pipeline<'p, R>
where
    T: Send,
    R: Fn(&Pack, &Record, Verdict) -> T + Sync,
{
    pub fn new(pack: &'p Pack, threads: usize, render: R) -> Pipeline<'p, R> {
        let threads = threads.max(1);
        let scanners: Vec<Scanner> = (0..threads).map(|_| pack.scanner()).collect();
        let stream_rules = scanners[0].has_stream_rules();
        let pool = (threads > 1)
            .then(|| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads - 1)
                    .thread_name(|i| format!("vigie-scan-{}", i + 1))
                    .build()
                    .ok()
            })
            .flatten();
        Pipeline {
            pack,
            pool,
            stream: Stream::new(pack.checked()),
            stream_rules,
            scanners,
            render,
        }
    }

    /// Entries held by the stream windows.
    pub fn stream_entries(&self) -> usize {
        self.stream.entries()
    }

    /// Processes one batch; calls `emit` for each line, in order.
    pub fn run_batch<E>(&mut self, lines: &[Line], emit: &mut Emit<'_, T, E>) -> Result<(), E> {
        for (line, outcome) in lines.iter().zip(self.process(lines)) {
            emit(line, outcome)?;
        }
        Ok(())
    }

    /// Processes one batch: one outcome per line, in order. For a caller
    /// that writes the outcomes on another thread while the next batch is
    /// processed (`vigie scan`). A panic in it (a bug) is raised here and
    /// may leave the stream part-way through the batch: drop the pipeline
    /// then, do not reuse it.
    pub fn process(&mut self, lines: &[Line]) -> Vec<Outcome<T>> {
        let pack = self.pack;
        let render = &self.render;
        let pool = self.pool.as_ref();
        if !self.stream_rules {
            // Stateless: prepare and judge in one parallel pass.
            // `Scanner::scan` prepares into the scanner's reused buffers.
            parallel_map(pool, &mut self.scanners, lines, |scanner, line| {
                scan_line(pack, scanner, line, render)
            })
        } else {
            overlap::process(
                pool,
                &mut self.scanners,
                &mut self.stream,
                lines,
                |scanner, (stage, aggregates, late)| match stage {
                    Stage::Rejected(r) => Outcome::Rejected(r.clone()),
                    Stage::Ready(ready) => {
                        let (record, prepared) = &**ready;
                        let verdict = scanner.judge(record, prepared, aggregates, *late);
                        Outcome::Scanned(render(pack, record, verdict))
                    }
                },
            )
        }
    }
}

/// One line through a pack without stream rules, as [`Pipeline`] does it:
/// for a caller that shares out the lines itself (`vigie scan` on files,
/// whose workers read their own parts of the file).
pub fn scan_line<T>(
    pack: &Pack,
    scanner: &mut Scanner,
    line: &Line,
    render: &impl Fn(&Pack, &Record, Verdict) -> T,
) -> Outcome<T> {
    match decode_line(scanner, line) {
        Err(r) => Outcome::Rejected(r),
        Ok(record) => {
            let verdict = scanner.scan(&record);
            Outcome::Scanned(render(pack, &record, verdict))
        }
    }
}

/// Step 1 for one line.
fn read(scanner: &mut Scanner, line: &Line) -> Stage {
    match decode_line(scanner, line) {
        Ok(record) => {
            let prepared = scanner.prepare(&record);
            Stage::Ready(Box::new((record, prepared)))
        }
        Err(reason) => Stage::Rejected(reason),
    }
}

/// A line's record, or why it is not one.
fn decode_line(scanner: &Scanner, line: &Line) -> Result<Record, String> {
    if let Some(reason) = &line.rejected {
        return Err(reason.clone());
    }
    // simdutf8: the same check as `std::str::from_utf8` (and the same
    // position on error) several times faster on text with accents, where
    // the standard library's ASCII shortcut keeps stopping.
    let text = simdutf8::compat::from_utf8(&line.bytes)
        .map_err(|e| format!("invalid UTF-8 at byte {} of the line", e.valid_up_to() + 1))?;
    scanner.decode(text).map_err(|e| e.reason)
}

/// Lines a worker takes at a time: small enough that the threads finish a
/// batch together (ads differ in length and in work), large enough that
/// taking one is rare.
const CHUNK: usize = 32;

/// Maps `items` with one scanner per thread (the calling thread and the
/// pool's), keeping the order. Runs inline without a pool, with one
/// scanner, or with few items.
///
/// Work is shared dynamically: the calling thread and the helpers take the
/// next chunk of [`CHUNK`] items from a shared counter until none is left,
/// so a thread that drew long ads does not hold the others up (static
/// halves left one core idle while the other finished). Each chunk's
/// results go back to their place, so the output is in input order
/// whatever the threads did.
fn parallel_map<I, O, F>(
    pool: Option<&rayon::ThreadPool>,
    scanners: &mut [Scanner],
    items: &[I],
    f: F,
) -> Vec<O>
where
    I: Sync,
    O: Send,
    F: Fn(&mut Scanner, &I) -> O + Sync,
{
    let threads = scanners.len().min(items.len().div_ceil(CHUNK)).max(1);
    let pool = match pool {
        Some(pool) if threads > 1 => pool,
        _ => {
            let scanner = &mut scanners[0];
            return items.iter().map(|i| f(scanner, i)).collect();
        }
    };
    let next = AtomicUsize::new(0);
    let chunks = items.len().div_ceil(CHUNK);
    let work = |scanner: &mut Scanner| {
        let mut done: Vec<(usize, Vec<O>)> = Vec::new();
        loop {
            let c = next.fetch_add(1, Ordering::Relaxed);
            if c >= chunks {
                return done;
            }
            let part = &items[c * CHUNK..((c + 1) * CHUNK).min(items.len())];
            done.push((c, part.iter().map(|i| f(scanner, i)).collect()));
        }
    };
    let (first, helpers) = scanners.split_at_mut(1);
    let helped: Mutex<Vec<(usize, Vec<O>)>> = Mutex::new(Vec::new());
    // `in_place_scope` runs the closure on this thread and returns once
    // every job spawned in it is done; a panic in a job is raised here.
    let mut parts = pool.in_place_scope(|scope| {
        let (work, helped) = (&work, &helped);
        for scanner in helpers[..threads - 1].iter_mut() {
            scope.spawn(move |_| {
                let parts = work(scanner);
                helped
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .extend(parts);
            });
        }
        work(&mut first[0])
    });
    parts.extend(
        helped
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner()),
    );
    parts.sort_unstable_by_key(|(c, _)| *c);
    let mut out = Vec::with_capacity(items.len());
    for (_, part) in parts {
        out.extend(part);
    }
    out
}

/// Putting lines in time order for the stream rules.
pub mod order {
    use super::Line;
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
    use std::collections::BinaryHeap;
    use std::fmt;

    /// The time of a JSON line, reading only its time field (the rest is
    /// skipped, not built). `None` for a line without a readable time.
    pub fn quick_time(bytes: &[u8], field: &str) -> Option<i64> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        TimeOnly(field).deserialize(&mut de).ok().flatten()
    }

    struct TimeOnly<'f>(&'f str);

    impl<'de> DeserializeSeed<'de> for TimeOnly<'_> {
        type Value = Option<i64>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<i64>, D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de> Visitor<'de> for TimeOnly<'_> {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<i64>, A::Error> {
            let mut time = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<str>>()? {
                if key == self.0 {
                    let v: serde_json::Value = map.next_value()?;
                    time = match v {
                        serde_json::Value::String(s) => crate::scan::time::parse_rfc3339(&s),
                        serde_json::Value::Number(n) => n.as_i64(),
                        _ => None,
                    };
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(time)
        }
    }

    /// A bounded reorder buffer for a stream read live: a line is released
    /// once a line more than `max_delay` seconds newer has been seen (or at
    /// the end), so lines up to `max_delay` out of order come out sorted.
    pub struct Reorder {
        max_delay: i64,
        newest: Option<i64>,
        heap: BinaryHeap<Pending>,
        arrivals: u64,
    }

    struct Pending {
        time: i64,
        arrival: u64,
        line: Line,
    }

    impl PartialEq for Pending {
        fn eq(&self, other: &Self) -> bool {
            (self.time, self.arrival) == (other.time, other.arrival)
        }
    }
    impl Eq for Pending {}
    impl PartialOrd for Pending {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Pending {
        // A min-heap on (time, arrival).
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            (other.time, other.arrival).cmp(&(self.time, self.arrival))
        }
    }

    impl Reorder {
        pub fn new(max_delay: i64) -> Reorder {
            Reorder {
                max_delay,
                newest: None,
                heap: BinaryHeap::new(),
                arrivals: 0,
            }
        }

        /// Adds a line; returns the lines now ready, in order. A line
        /// without a time is ready at once.
        pub fn push(&mut self, time: Option<i64>, line: Line, out: &mut Vec<Line>) {
            let Some(t) = time else {
                out.push(line);
                return;
            };
            self.arrivals += 1;
            self.newest = Some(self.newest.map_or(t, |n| n.max(t)));
            self.heap.push(Pending {
                time: t,
                arrival: self.arrivals,
                line,
            });
            let newest = self.newest.unwrap_or(t);
            while self
                .heap
                .peek()
                .is_some_and(|p| newest.saturating_sub(p.time) > self.max_delay)
            {
                if let Some(p) = self.heap.pop() {
                    out.push(p.line);
                }
            }
        }

        /// Lines held in the buffer.
        pub fn len(&self) -> usize {
            self.heap.len()
        }

        pub fn is_empty(&self) -> bool {
            self.heap.is_empty()
        }

        /// Everything left, in order.
        pub fn finish(&mut self, out: &mut Vec<Line>) {
            while let Some(p) = self.heap.pop() {
                out.push(p.line);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(len: usize) -> Line {
        Line {
            input: 0,
            number: 1,
            bytes: vec![b'x'; len],
            rejected: None,
        }
    }

    #[test]
    fn a_batch_ends_at_its_line_count_or_its_byte_budget() {
        let mut gather = Gather::default();
        let mut batch = Vec::new();
        // Small lines: full at BATCH lines.
        let mut pushed = 0;
        loop {
            batch.push(line(10));
            pushed += 1;
            if gather.full(&batch) {
                break;
            }
        }
        assert_eq!(pushed, BATCH);
        batch.clear();
        // 16 MiB lines: full at the fourth (64 MiB), not at the 2,048th.
        let big = 16 << 20;
        let mut pushed = 0;
        loop {
            batch.push(line(big));
            pushed += 1;
            if gather.full(&batch) {
                break;
            }
        }
        assert_eq!(pushed, BATCH_BYTES / big);
        batch.clear();
        // Several lines released at once (a reorder buffer) all count.
        batch.extend([line(BATCH_BYTES / 2), line(BATCH_BYTES / 2)]);
        assert!(gather.full(&batch));
    }
}
