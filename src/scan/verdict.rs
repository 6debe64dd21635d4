//! Verdicts: what the scanner says about one record, and why.
//!
//! The JSON Lines form (`vigie scan --format jsonl`) is the serde form of
//! [`Verdict`]; it is documented in the README and checked by tests.

use crate::check::Level;
use serde::{Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The record's `id` field (empty when the schema has none).
    pub id: String,
    /// The sum of the scores of the rules that fired.
    #[serde(serialize_with = "number")]
    pub score: f64,
    /// `score >= threshold`.
    pub flagged: bool,
    /// The rules that fired, in pack order.
    pub rules: Vec<FiredRule>,
    /// The ad came after a later one on standard input, beyond
    /// `--max-delay`: its stream rules saw the ads already read, and it does
    /// not count for the ads after it.
    #[serde(skip_serializing_if = "is_false")]
    pub late: bool,
    /// The pack has stream rules and the ad has no time: only the other
    /// rules could judge it.
    #[serde(skip_serializing_if = "is_false")]
    pub untimed: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FiredRule {
    pub rule: String,
    #[serde(serialize_with = "number")]
    pub score: f64,
    pub level: Level,
    pub evidence: Vec<Evidence>,
    /// For stream rules: the ids of the other ads that made the count,
    /// most recent first (at most five per aggregate).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
}

/// A piece of evidence: a span of a field of the original record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Evidence {
    pub field: String,
    /// Byte offsets into the field's text as it was in the record (after
    /// JSON unescaping), on character boundaries.
    pub start: usize,
    pub end: usize,
    /// The original text of the span.
    pub text: String,
    /// What matched: `LEXICON "term"`, a pattern's name, or `"literal"`.
    pub via: String,
}

/// Whole numbers as integers (40, not 40.0), others as they are.
fn number<S: Serializer>(n: &f64, s: S) -> Result<S::Ok, S::Error> {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        s.serialize_i64(*n as i64)
    } else {
        s.serialize_f64(*n)
    }
}
