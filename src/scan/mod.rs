//! Scanning records: decode, match, evaluate, verdict.
//!
//! For each record the [`Scanner`]:
//!
//! 1. computes the text of every pack *source* (each distinct text that a
//!    rule tests with `has`/`hits`: usually `ad.title`, `ad.body`, or a
//!    `let` joining them), and runs the [`Matcher`](crate::compile::Matcher)
//!    over it once;
//! 2. for each rule, skips it when its prefilter atoms had no hit at all
//!    (see [`Rule::required`](crate::check::Rule::required)), otherwise
//!    evaluates its condition, collecting evidence;
//! 3. adds up the scores of the rules that fired.

pub mod eval;
pub mod pipeline;
pub mod record;
pub mod stream;
pub mod time;
pub mod verdict;
pub mod why;

pub use record::{decode, Record, RecordError};
pub use stream::{AggregateInput, AggregateValue, Stream};
pub use verdict::{Evidence, FiredRule, Verdict};
pub use why::WhyLine;

use crate::compile::{Compiled, Hit, MatchBuffers};
use crate::value::Value;
use eval::Eval;
use std::sync::Arc;

/// What can be known of a record without the stream: the text of every
/// source, its hits, and the keys of the stream aggregates. Computing it is
/// the expensive, stateless part of a scan, so it can run on any thread;
/// see [`Scanner::prepare`] and [`Scanner::judge`].
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    source_texts: Vec<Value>,
    source_hits: Vec<Vec<Hit>>,
    atom_hit: Vec<bool>,
    /// The keys (and `distinct` values) of the pack's aggregates.
    pub inputs: Vec<AggregateInput>,
    /// The record's time (the schema's time field), if it has one.
    pub time: Option<i64>,
    /// The record's id.
    pub id: String,
}

/// Scans records with one pack. Cheap to create; keeps buffers between
/// records, so reuse one per thread. It also holds the stream state of the
/// pack's aggregates: feed it records in time order (`vigie scan` does).
pub struct Scanner {
    /// Shared by every scanner of the pack. Borrowed, never cloned, per
    /// record: the count of an `Arc` shared by all threads is one cache
    /// line that every clone and drop would pull from the other cores.
    compiled: Arc<Compiled>,
    work: Work,
    /// What [`scan`](Self::scan) prepares each record into: reused, so
    /// that scanning allocates no per-record vectors of its own.
    scratch: Prepared,
    stream: Stream,
    /// What [`decode`](Self::decode) parses lines into, kept between
    /// lines. A `Cell`, since decoding takes `&self`: a scanner is used by
    /// one thread at a time.
    decode_buffers: std::cell::Cell<record::DecodeBuffers>,
}

/// A scanner's per-record buffers (kept apart from `compiled` so that both
/// can be borrowed at once).
struct Work {
    bufs: MatchBuffers,
    source_texts: Vec<Value>,
    source_hits: Vec<Vec<Hit>>,
    atom_hit: Vec<bool>,
}

impl Scanner {
    pub fn new(compiled: Arc<Compiled>) -> Scanner {
        let sources = compiled.pack.sources.len();
        let atoms = compiled.pack.atoms.len();
        let stream = Stream::new(&compiled.pack);
        Scanner {
            compiled,
            work: Work {
                bufs: MatchBuffers::default(),
                source_texts: Vec::with_capacity(sources),
                source_hits: vec![Vec::new(); sources],
                atom_hit: vec![false; atoms],
            },
            scratch: Prepared::default(),
            stream,
            decode_buffers: Default::default(),
        }
    }

    /// Decodes a JSON line against the pack's schema.
    pub fn decode(&self, line: &str) -> Result<Record, RecordError> {
        let mut buffers = self.decode_buffers.take();
        let record = record::decode_with(&self.compiled.pack.schema, line, &mut buffers);
        self.decode_buffers.set(buffers);
        record
    }

    /// True when the pack has stream rules (`count`, `distinct`).
    pub fn has_stream_rules(&self) -> bool {
        !self.compiled.pack.aggregates.is_empty()
    }

    /// The time of a record (the schema's time field).
    pub fn time_of(&self, record: &Record) -> Option<i64> {
        time_of(&self.compiled.pack, record)
    }

    /// Entries held in the stream windows (memory grows with this).
    pub fn stream_entries(&self) -> usize {
        self.stream.entries()
    }

    /// The scanner's own stream windows (what [`Scanner::scan`] observes).
    pub fn stream(&self) -> &Stream {
        &self.stream
    }

    /// Scores one record. Records must come in time order for the stream
    /// rules; one older than a record already scanned is marked `late`.
    pub fn scan(&mut self, record: &Record) -> Verdict {
        let mut prepared = std::mem::take(&mut self.scratch);
        self.prepare_into(record, &mut prepared);
        let (aggregates, late) = if self.has_stream_rules() {
            self.stream
                .observe(prepared.time, &prepared.id, &prepared.inputs)
        } else {
            (Vec::new(), false)
        };
        let verdict = self.judge(record, &prepared, &aggregates, late);
        self.scratch = prepared;
        verdict
    }

    /// The stateless part of a scan (see [`Prepared`]).
    pub fn prepare(&mut self, record: &Record) -> Prepared {
        let mut prepared = Prepared::default();
        self.prepare_into(record, &mut prepared);
        prepared
    }

    /// [`prepare`](Self::prepare) into `out`, reusing its buffers. The
    /// scanner's own buffers are swapped with `out`'s, so whichever
    /// vectors go round keep their capacity.
    pub fn prepare_into(&mut self, record: &Record, out: &mut Prepared) {
        let Scanner { compiled, work, .. } = self;
        let compiled: &Compiled = compiled;
        let pack = &compiled.pack;
        work.match_sources(compiled, record);
        let inputs = &mut out.inputs;
        inputs.clear();
        if !pack.aggregates.is_empty() {
            let mut eval = Eval::new(
                compiled,
                record,
                &work.source_texts,
                &work.source_hits,
                &mut work.bufs,
            );
            for a in &pack.aggregates {
                let key = eval.value(&a.key);
                let value = a
                    .distinct
                    .as_ref()
                    .map_or(Value::Missing, |d| eval.value(d));
                inputs.push(AggregateInput { key, value });
            }
        }
        std::mem::swap(&mut out.source_texts, &mut work.source_texts);
        std::mem::swap(&mut out.source_hits, &mut work.source_hits);
        out.atom_hit.clone_from(&work.atom_hit);
        out.time = time_of(pack, record);
        record_id(pack, record, &mut out.id);
    }

    /// The rules' verdict on a prepared record, given its aggregate values
    /// (from a [`Stream`], in time order).
    pub fn judge(
        &mut self,
        record: &Record,
        prepared: &Prepared,
        aggregates: &[AggregateValue],
        late: bool,
    ) -> Verdict {
        let compiled: &Compiled = &self.compiled;
        let pack = &compiled.pack;
        let mut score = 0.0;
        let mut fired = Vec::new();
        {
            let mut eval = Eval::new(
                compiled,
                record,
                &prepared.source_texts,
                &prepared.source_hits,
                &mut self.work.bufs,
            );
            eval.aggregates = aggregates;
            for rule in &pack.rules {
                if let Some(required) = &rule.required {
                    if !required.iter().any(|&a| prepared.atom_hit[a]) {
                        continue;
                    }
                }
                eval.evidence.clear();
                eval.related.clear();
                if eval.cond(&rule.when) {
                    score += rule.score;
                    fired.push(FiredRule {
                        rule: rule.name.clone(),
                        score: rule.score,
                        level: rule.level,
                        evidence: eval.take_evidence(),
                        related: std::mem::take(&mut eval.related),
                    });
                }
            }
        }
        Verdict {
            id: prepared.id.clone(),
            score,
            flagged: score >= pack.meta.threshold,
            rules: fired,
            late,
            untimed: !pack.aggregates.is_empty() && prepared.time.is_none(),
        }
    }

    /// Evaluates one checked expression on `record` (the REPL's `ad.body has
    /// x`), with the evidence it found. The expression must come from this
    /// scanner's pack (see [`crate::analyze_expr`]). Stream aggregates have
    /// no value here: an expression alone is not part of a stream.
    pub fn eval(&mut self, record: &Record, ir: &crate::check::Ir) -> (Value, Vec<Evidence>) {
        let Scanner { compiled, work, .. } = self;
        work.match_sources(compiled, record);
        let mut eval = Eval::new(
            compiled,
            record,
            &work.source_texts,
            &work.source_hits,
            &mut work.bufs,
        );
        let value = eval.value(ir);
        (value, eval.take_evidence())
    }
}

impl Work {
    /// Step 1: every source's text, and its hits.
    fn match_sources(&mut self, compiled: &Compiled, record: &Record) {
        let pack = &compiled.pack;
        self.atom_hit.iter_mut().for_each(|h| *h = false);
        self.source_texts.clear();
        self.source_hits.resize_with(pack.sources.len(), Vec::new);
        // Sources are evaluated like any expression (they may be lets or
        // concatenations), without evidence.
        let empty_hits: Vec<Vec<Hit>> = Vec::new();
        {
            let mut eval = Eval::new(compiled, record, &[], &empty_hits, &mut self.bufs);
            for source in &pack.sources {
                let text = eval.value(source);
                self.source_texts.push(text);
            }
        }
        for (i, text) in self.source_texts.iter().enumerate() {
            let hits = &mut self.source_hits[i];
            hits.clear();
            if let Value::Text(t) = text {
                compiled.matcher.scan(&t.text, &mut self.bufs, hits);
                for h in hits.iter() {
                    self.atom_hit[h.atom] = true;
                }
            }
        }
    }
}

/// The time of a record (the schema's time field).
fn time_of(pack: &crate::check::CheckedPack, record: &Record) -> Option<i64> {
    let field = pack.schema.time_field?;
    match record.values.get(field) {
        Some(Value::Time(t)) => Some(*t),
        _ => None,
    }
}

/// The value of the record's `id` field, as text, into `out`.
fn record_id(pack: &crate::check::CheckedPack, record: &Record, out: &mut String) {
    out.clear();
    match pack.schema.field("id").and_then(|i| record.values.get(i)) {
        Some(Value::Text(t)) => out.push_str(&t.text),
        Some(Value::Missing) | None => {}
        Some(other) => {
            use std::fmt::Write;
            let _ = write!(out, "{other}");
        }
    }
}
