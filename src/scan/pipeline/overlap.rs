//! A batch with stream rules on every thread: prepare, observe and judge
//! overlapped, chunk by chunk.
//!
//! # Why
//!
//! Observing (step 2 of the pipeline) must see the records one after
//! another, in order, with one `&mut Stream`. Run between the two parallel
//! steps, as it first was, it left all threads but one idle: with
//! `rules/fr` it is about a third of a record's work, so two threads could
//! not go past 1.5 times one.
//!
//! # How
//!
//! The batch is cut in chunks of [`CHUNK`] lines. Every thread runs the
//! same loop, taking the first of these it can:
//!
//! 1. **observe**: if no one holds the stream (`try_lock`), observe the
//!    chunks that are prepared, from the next one in order, up to the
//!    first that is not;
//! 2. **judge** the next observed chunk;
//! 3. **prepare** the next chunk;
//! 4. otherwise wait until another thread ends a step.
//!
//! Observing comes first since only one thread can do it: the batch
//! cannot end before its last chunk is observed. With two threads, and
//! steps taken as equally long:
//!
//! ```text
//! time       1           2           3           4           5
//! thread A   prepare 0 | observe 0 | observe 1 | observe 2 | judge 2
//! thread B   prepare 1 | prepare 2 | judge 0   | judge 1   | prepare 3
//! ```
//!
//! The loop ends when every chunk is judged. Whoever observes, each record
//! is observed once, in input order, so the verdicts are those of one
//! thread (tested here and in `tests/stream.rs`). One thread alone runs
//! the same loop and never waits: it prepares a chunk, observes it and
//! judges it.
//!
//! A panic in a thread wakes the others, which stop; the pool's scope then
//! raises it on the calling thread.

use super::{read, Line, Outcome, Stage, CHUNK};
use crate::scan::{AggregateValue, Scanner, Stream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

/// A record after step 2: its stage, its aggregate values, and whether it
/// was late.
pub(super) type Observed = (Stage, Vec<AggregateValue>, bool);

/// Runs one batch through the three steps on the calling thread and the
/// pool's (one scanner each); one outcome per line, in order. `judge`
/// turns an observed record into its outcome.
pub(super) fn process<T, J>(
    pool: Option<&rayon::ThreadPool>,
    scanners: &mut [Scanner],
    stream: &mut Stream,
    lines: &[Line],
    judge: J,
) -> Vec<Outcome<T>>
where
    T: Send,
    J: Fn(&mut Scanner, &Observed) -> Outcome<T> + Sync,
{
    let chunks = lines.len().div_ceil(CHUNK);
    let board = Board::new(lines, chunks, stream);
    let threads = scanners.len().min(chunks).max(1);
    match pool {
        Some(pool) if threads > 1 => {
            let (first, helpers) = scanners.split_at_mut(1);
            // `in_place_scope` returns once every job spawned in it is
            // done; a panic in a job is raised here.
            pool.in_place_scope(|scope| {
                let (board, judge) = (&board, &judge);
                for scanner in helpers[..threads - 1].iter_mut() {
                    scope.spawn(move |_| board.work(scanner, judge));
                }
                board.work(&mut first[0], judge);
            });
        }
        _ => board.work(&mut scanners[0], &judge),
    }
    board.outcomes()
}

/// What the threads share while they work on one batch.
struct Board<'a, T> {
    lines: &'a [Line],
    chunks: usize,
    /// The next chunk to prepare (taken with `fetch_add`).
    next_prepare: AtomicUsize,
    prepared: Vec<Mutex<Option<Vec<Stage>>>>,
    /// Held by the thread that observes.
    stream: Mutex<Observer<'a>>,
    observed: Vec<Mutex<Option<Vec<Observed>>>>,
    /// Chunks `0..observed_upto` are observed.
    observed_upto: AtomicUsize,
    /// The next chunk to judge (taken with `compare_exchange`, once it is
    /// observed).
    next_judge: AtomicUsize,
    judged: Vec<Mutex<Option<Vec<Outcome<T>>>>>,
    judged_count: AtomicUsize,
    /// Counts the steps ended, for a thread that waits (see [`wait`]).
    ///
    /// [`wait`]: Board::wait
    steps: Mutex<u64>,
    step_ended: Condvar,
    /// Set when a thread panics: the others stop.
    stopped: AtomicBool,
}

struct Observer<'a> {
    stream: &'a mut Stream,
    /// The next chunk to observe.
    next: usize,
}

/// What a thread did in one turn of its loop.
enum Turn {
    Worked,
    /// Another thread took the step this one went for: look again.
    Retry,
    /// Nothing could be done now; the count of steps ended when the turn
    /// began (a step ended since then may have made something possible).
    Idle(u64),
    Done,
}

impl<'a, T: Send> Board<'a, T> {
    fn new(lines: &'a [Line], chunks: usize, stream: &'a mut Stream) -> Board<'a, T> {
        Board {
            lines,
            chunks,
            next_prepare: AtomicUsize::new(0),
            prepared: slots(chunks),
            stream: Mutex::new(Observer { stream, next: 0 }),
            observed: slots(chunks),
            observed_upto: AtomicUsize::new(0),
            next_judge: AtomicUsize::new(0),
            judged: slots(chunks),
            judged_count: AtomicUsize::new(0),
            steps: Mutex::new(0),
            step_ended: Condvar::new(),
            stopped: AtomicBool::new(false),
        }
    }

    fn chunk(&self, c: usize) -> &'a [Line] {
        &self.lines[c * CHUNK..((c + 1) * CHUNK).min(self.lines.len())]
    }

    /// One thread's loop (see the module's documentation).
    fn work<J>(&self, scanner: &mut Scanner, judge: &J)
    where
        J: Fn(&mut Scanner, &Observed) -> Outcome<T>,
    {
        let _guard = StopOnPanic(self);
        loop {
            match self.turn(scanner, judge) {
                Turn::Worked => self.step_ended(),
                Turn::Retry => {}
                Turn::Idle(steps) => self.wait(steps),
                Turn::Done => return,
            }
        }
    }

    fn turn<J>(&self, scanner: &mut Scanner, judge: &J) -> Turn
    where
        J: Fn(&mut Scanner, &Observed) -> Outcome<T>,
    {
        let steps = *lock(&self.steps);
        if self.stopped.load(Ordering::Acquire)
            || self.judged_count.load(Ordering::Acquire) == self.chunks
        {
            return Turn::Done;
        }
        if self.observe() {
            return Turn::Worked;
        }
        // `observed_upto` is stored (Release) after the chunk is in its
        // slot: once it is read here (Acquire), the slot is filled.
        let j = self.next_judge.load(Ordering::Acquire);
        if j < self.observed_upto.load(Ordering::Acquire) {
            if self
                .next_judge
                .compare_exchange(j, j + 1, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
            {
                return Turn::Retry;
            }
            let observed = lock(&self.observed[j])
                .take()
                .expect("a chunk is observed before it is judged");
            let outcomes = observed.iter().map(|o| judge(scanner, o)).collect();
            *lock(&self.judged[j]) = Some(outcomes);
            self.judged_count.fetch_add(1, Ordering::AcqRel);
            return Turn::Worked;
        }
        if self.next_prepare.load(Ordering::Acquire) < self.chunks {
            let p = self.next_prepare.fetch_add(1, Ordering::AcqRel);
            if p >= self.chunks {
                return Turn::Retry;
            }
            let stages = self.chunk(p).iter().map(|l| read(scanner, l)).collect();
            *lock(&self.prepared[p]) = Some(stages);
            return Turn::Worked;
        }
        Turn::Idle(steps)
    }

    /// Observes the prepared chunks that come next in order, if no other
    /// thread is observing. True if it observed any.
    fn observe(&self) -> bool {
        // Busy, or poisoned: a thread panicked while observing, `stopped`
        // is set, and the stream is left as it is.
        let Ok(mut observer) = self.stream.try_lock() else {
            return false;
        };
        let first = observer.next;
        // After a panic elsewhere, no more records go into the stream.
        while observer.next < self.chunks && !self.stopped.load(Ordering::Acquire) {
            let c = observer.next;
            let Some(stages) = lock(&self.prepared[c]).take() else {
                break;
            };
            let observed = stages
                .into_iter()
                .map(|stage| match stage {
                    Stage::Ready(ready) => {
                        let (aggregates, late) =
                            observer
                                .stream
                                .observe(ready.1.time, &ready.1.id, &ready.1.inputs);
                        (Stage::Ready(ready), aggregates, late)
                    }
                    rejected => (rejected, Vec::new(), false),
                })
                .collect();
            *lock(&self.observed[c]) = Some(observed);
            observer.next += 1;
            self.observed_upto.store(observer.next, Ordering::Release);
            // Let the others judge it while this thread goes on.
            self.step_ended();
        }
        observer.next > first
    }

    fn step_ended(&self) {
        *lock(&self.steps) += 1;
        self.step_ended.notify_all();
    }

    /// Waits until a step ends after the count `seen` (at once if one
    /// already has), or the batch is done or stopped.
    fn wait(&self, seen: u64) {
        let mut steps = lock(&self.steps);
        while *steps == seen
            && !self.stopped.load(Ordering::Acquire)
            && self.judged_count.load(Ordering::Acquire) < self.chunks
        {
            steps = self
                .step_ended
                .wait(steps)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// The outcomes, in order. Every chunk is judged by now (a panic is
    /// raised before this is called): a missing one is a bug, which must
    /// not drop lines from the output unseen.
    fn outcomes(self) -> Vec<Outcome<T>> {
        let mut out = Vec::with_capacity(self.lines.len());
        for slot in self.judged {
            let judged = slot.into_inner().unwrap_or_else(|p| p.into_inner());
            out.extend(judged.expect("every chunk is judged"));
        }
        assert_eq!(out.len(), self.lines.len(), "one outcome per line");
        out
    }
}

/// One empty slot per chunk.
fn slots<V>(chunks: usize) -> Vec<Mutex<Option<V>>> {
    (0..chunks).map(|_| Mutex::new(None)).collect()
}

/// A mutex's guard, whether or not a thread panicked while holding it (a
/// panic stops the batch anyway; see [`StopOnPanic`]).
fn lock<V>(m: &Mutex<V>) -> MutexGuard<'_, V> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Stops the batch when the thread that holds it panics, so that no other
/// thread waits for a step that will never end.
struct StopOnPanic<'b, 'a, T: Send>(&'b Board<'a, T>);

impl<T: Send> Drop for StopOnPanic<'_, '_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stopped.store(true, Ordering::Release);
            self.0.step_ended();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Pipeline;
    use super::*;
    use crate::Pack;
    use proptest::prelude::*;
    use std::sync::mpsc;
    use std::time::Duration;

    const PACK: &str = r#"
pack flux "Flux"
  threshold 10

rule republication {
  when count(by: ad.phone, within: 2h) >= 2
  score 10
}

rule tournee {
  when distinct(ad.city, by: ad.phone, within: 1d) >= 2
  score 10
}
"#;

    fn pack() -> Pack {
        Pack::from_source("flux.vigie", PACK).unwrap()
    }

    /// A line: an ad with one of a few phones and cities, minutes after
    /// the one before (or before it: late), or a line that is not a record.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => (0u8..3, 0u8..3, -30i64..90).prop_map(|(phone, city, minutes)| {
                format!(
                    r#"{{"id":"x","title":"t","body":"b","phone":"06 39 98 00 0{phone}","city":"c{city}","posted_at":{minutes}}}"#
                )
            }),
            1 => Just("{ not json".to_string()),
        ]
    }

    /// Lines with increasing times (each `posted_at` above is a step from
    /// the last), numbered.
    fn batch(steps: Vec<String>) -> Vec<Line> {
        let mut clock = 1_700_000_000i64;
        steps
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                let text = match text.split_once(r#""posted_at":"#) {
                    Some((head, minutes)) => {
                        let minutes: i64 = minutes.trim_end_matches('}').parse().unwrap();
                        clock += minutes * 60;
                        format!(r#"{head}"posted_at":{clock}}}"#)
                    }
                    None => text,
                };
                Line {
                    input: 0,
                    number: i as u64 + 1,
                    bytes: text.into_bytes(),
                    rejected: None,
                }
            })
            .collect()
    }

    /// Three scanners, a stream, and a pool of two helpers: three threads.
    fn three_threads(pack: &Pack) -> (Vec<Scanner>, Stream, rayon::ThreadPool) {
        let scanners = (0..3).map(|_| pack.scanner()).collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        (scanners, Stream::new(pack.checked()), pool)
    }

    /// What a verdict says, to compare runs.
    fn render(
        _: &Pack,
        _: &crate::scan::Record,
        v: crate::scan::Verdict,
    ) -> (f64, bool, Vec<String>) {
        (
            v.score,
            v.late,
            v.rules.into_iter().map(|r| r.rule).collect(),
        )
    }

    fn outcomes(pack: &Pack, threads: usize, batches: &[Vec<Line>]) -> Vec<String> {
        let mut pipeline = Pipeline::new(pack, threads, render);
        let mut out = Vec::new();
        for lines in batches {
            for outcome in pipeline.process(lines) {
                out.push(match outcome {
                    Outcome::Scanned(v) => format!("{v:?}"),
                    Outcome::Rejected(r) => format!("rejected: {r}"),
                });
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Whatever the threads do, the outcomes are those of one
        /// `Scanner::scan` after another, over batches of many chunks.
        #[test]
        fn threads_give_the_verdicts_of_one_scanner_in_order(
            steps in proptest::collection::vec(line(), 0..300),
            cut in 0usize..300,
        ) {
            let pack = pack();
            let lines = batch(steps);
            let cut = cut.min(lines.len());
            let batches = [lines[..cut].to_vec(), lines[cut..].to_vec()];
            let mut scanner = pack.scanner();
            let want: Vec<String> = lines
                .iter()
                .map(|l| match scanner.decode(std::str::from_utf8(&l.bytes).unwrap()) {
                    Ok(record) => format!("{:?}", render(&pack, &record, scanner.scan(&record))),
                    Err(e) => format!("rejected: {}", e.reason),
                })
                .collect();
            prop_assert!(want.iter().any(|o| o.contains("tournee")) || lines.len() < 50);
            for threads in 1..=3 {
                prop_assert_eq!(&outcomes(&pack, threads, &batches), &want, "threads: {}", threads);
            }
        }
    }

    /// Three threads whose steps do overlap (judging is slowed down): each
    /// record is observed once and in order, whoever observed it. Every ad
    /// shares one phone, so the count of the n-th is n and the last ad it
    /// saw is the one before it, with ids all different.
    #[test]
    fn overlapping_steps_observe_each_record_once_in_order() {
        let ads: Vec<String> = (0..640)
            .map(|i| {
                format!(
                    r#"{{"id":"ad{i}","title":"t","body":"b","phone":"06 39 98 00 01","city":"c","posted_at":0}}"#
                )
            })
            .collect();
        let lines = batch(ads);
        let pack = pack();
        let (mut scanners, mut stream, pool) = three_threads(&pack);
        let out = process(
            Some(&pool),
            &mut scanners,
            &mut stream,
            &lines,
            |_, (stage, aggregates, _)| {
                std::thread::sleep(Duration::from_micros(200));
                match stage {
                    Stage::Ready(ready) => Outcome::Scanned((
                        ready.1.id.clone(),
                        aggregates[0].value.clone(),
                        aggregates[0].related.first().map(|id| id.to_string()),
                    )),
                    Stage::Rejected(r) => Outcome::Rejected(r.clone()),
                }
            },
        );
        assert_eq!(out.len(), lines.len());
        for (i, outcome) in out.into_iter().enumerate() {
            let Outcome::Scanned((id, count, before)) = outcome else {
                panic!("line {i} rejected");
            };
            assert_eq!(id, format!("ad{i}"));
            assert_eq!(count, crate::value::Value::Number(i as f64 + 1.0), "ad{i}");
            assert_eq!(before, i.checked_sub(1).map(|b| format!("ad{b}")), "ad{i}");
        }
    }

    /// A panic while judging, in any thread, ends the batch (raised on the
    /// calling thread) instead of leaving the other threads waiting.
    #[test]
    fn a_panic_in_a_step_ends_the_batch() {
        let ad = r#"{"id":"x","title":"t","body":"b","phone":"06 39 98 00 01","city":"c","posted_at":1}"#;
        let lines = batch(vec![ad.to_string(); 500]);
        for bad in [0, 31, 250, 499] {
            let lines = lines.clone();
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                let pack = pack();
                let (mut scanners, mut stream, pool) = three_threads(&pack);
                let judged = AtomicUsize::new(0);
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    process(Some(&pool), &mut scanners, &mut stream, &lines, |_, _| {
                        let n = judged.fetch_add(1, Ordering::Relaxed);
                        assert!(n != bad, "a judge fails");
                        Outcome::Scanned(())
                    })
                }));
                let message = result.err().map(|panic| {
                    panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default()
                });
                let _ = tx.send(message);
            });
            let message = rx
                .recv_timeout(Duration::from_secs(60))
                .expect("the batch ended (no thread left waiting)");
            assert_eq!(message.as_deref(), Some("a judge fails"), "bad: {bad}");
        }
    }
}
