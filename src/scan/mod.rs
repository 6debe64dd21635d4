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
pub mod record;
pub mod time;
pub mod verdict;
pub mod why;

pub use record::{decode, Record, RecordError};
pub use verdict::{Evidence, FiredRule, Verdict};
pub use why::WhyLine;

use crate::compile::{Compiled, Hit, MatchBuffers};
use crate::value::Value;
use eval::Eval;
use std::sync::Arc;

/// Scans records with one pack. Cheap to create; keeps buffers between
/// records, so reuse one per thread.
pub struct Scanner {
    compiled: Arc<Compiled>,
    bufs: MatchBuffers,
    source_texts: Vec<Value>,
    source_hits: Vec<Vec<Hit>>,
    atom_hit: Vec<bool>,
}

impl Scanner {
    pub fn new(compiled: Arc<Compiled>) -> Scanner {
        let sources = compiled.pack.sources.len();
        let atoms = compiled.pack.atoms.len();
        Scanner {
            compiled,
            bufs: MatchBuffers::default(),
            source_texts: Vec::with_capacity(sources),
            source_hits: vec![Vec::new(); sources],
            atom_hit: vec![false; atoms],
        }
    }

    /// Decodes a JSON line against the pack's schema.
    pub fn decode(&self, line: &str) -> Result<Record, RecordError> {
        record::decode(&self.compiled.pack.schema, line)
    }

    /// Scores one record.
    pub fn scan(&mut self, record: &Record) -> Verdict {
        let compiled = Arc::clone(&self.compiled);
        let pack = &compiled.pack;
        self.match_sources(record);
        let mut score = 0.0;
        let mut fired = Vec::new();
        {
            let mut eval = Eval::new(
                &compiled,
                record,
                &self.source_texts,
                &self.source_hits,
                &mut self.bufs,
            );
            for rule in &pack.rules {
                if let Some(required) = &rule.required {
                    if !required.iter().any(|&a| self.atom_hit[a]) {
                        continue;
                    }
                }
                eval.evidence.clear();
                if eval.cond(&rule.when) {
                    score += rule.score;
                    fired.push(FiredRule {
                        rule: rule.name.clone(),
                        score: rule.score,
                        level: rule.level,
                        evidence: std::mem::take(&mut eval.evidence),
                    });
                }
            }
        }
        Verdict {
            id: record_id(pack, record),
            score,
            flagged: score >= pack.meta.threshold,
            rules: fired,
        }
    }

    /// Evaluates one checked expression on `record` (the REPL's `ad.body has
    /// x`), with the evidence it found. The expression must come from this
    /// scanner's pack (see [`crate::analyze_expr`]).
    pub fn eval(&mut self, record: &Record, ir: &crate::check::Ir) -> (Value, Vec<Evidence>) {
        let compiled = Arc::clone(&self.compiled);
        self.match_sources(record);
        let mut eval = Eval::new(
            &compiled,
            record,
            &self.source_texts,
            &self.source_hits,
            &mut self.bufs,
        );
        let value = eval.value(ir);
        (value, std::mem::take(&mut eval.evidence))
    }

    /// Step 1: every source's text, and its hits.
    pub(crate) fn match_sources(&mut self, record: &Record) {
        let compiled = Arc::clone(&self.compiled);
        let pack = &compiled.pack;
        self.atom_hit.iter_mut().for_each(|h| *h = false);
        self.source_texts.clear();
        // Sources are evaluated like any expression (they may be lets or
        // concatenations), without evidence.
        let empty_hits: Vec<Vec<Hit>> = Vec::new();
        {
            let mut eval = Eval::new(&compiled, record, &[], &empty_hits, &mut self.bufs);
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

/// The value of the record's `id` field, as text.
fn record_id(pack: &crate::check::CheckedPack, record: &Record) -> String {
    pack.schema
        .field("id")
        .and_then(|i| record.values.get(i))
        .map(|v| match v {
            Value::Text(t) => t.text.to_string(),
            Value::Missing => String::new(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}
