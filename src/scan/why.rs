//! Why a rule fired or not: each part of its condition with its value.
//!
//! The checker keeps each rule's condition as a [`Why`] tree (its
//! `and`/`or`/`not` structure as written). Here every node is evaluated on
//! one record, so `vigie test` and the REPL can show which part was false.

use super::eval::Eval;
use super::{Evidence, Record, Scanner};
use crate::check::Why;
use crate::value::Value;

/// One line of an explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct WhyLine {
    /// Nesting depth (0 for the whole condition).
    pub depth: usize,
    /// The part as written, or `all of` / `any of` / `not`.
    pub text: String,
    pub value: Value,
    /// What matched, when the part tested a text.
    pub evidence: Vec<Evidence>,
}

impl WhyLine {
    /// True when the part holds (a bool that is true).
    pub fn holds(&self) -> bool {
        self.value.as_bool()
    }
}

impl Scanner {
    /// Explains the condition of rule `name` on `record`; `None` when the
    /// pack has no such rule.
    pub fn why(&mut self, record: &Record, name: &str) -> Option<Vec<WhyLine>> {
        let Scanner { compiled, work, .. } = self;
        let rule = compiled.pack.rules.iter().find(|r| r.name == name)?;
        work.match_sources(compiled, record);
        let mut eval = Eval::new(
            compiled,
            record,
            &work.source_texts,
            &work.source_hits,
            &mut work.bufs,
        );
        let mut lines = Vec::new();
        walk(&rule.why, 0, &mut eval, &mut lines);
        Some(lines)
    }
}

fn walk(why: &Why, depth: usize, eval: &mut Eval, out: &mut Vec<WhyLine>) -> bool {
    let at = out.len();
    let (text, holds) = match why {
        Why::All(parts) | Why::Any(parts) => {
            let all = matches!(why, Why::All(_));
            out.push(WhyLine {
                depth,
                text: if all { "all of" } else { "any of" }.to_string(),
                value: Value::Bool(false),
                evidence: Vec::new(),
            });
            // Every part is evaluated (no short cut), so the reader sees all.
            let values: Vec<bool> = parts
                .iter()
                .map(|p| walk(p, depth + 1, eval, out))
                .collect();
            let holds = if all {
                values.iter().all(|v| *v)
            } else {
                values.iter().any(|v| *v)
            };
            out[at].value = Value::Bool(holds);
            return holds;
        }
        Why::Not(inner) => {
            out.push(WhyLine {
                depth,
                text: "not".to_string(),
                value: Value::Bool(false),
                evidence: Vec::new(),
            });
            let holds = !walk(inner, depth + 1, eval, out);
            out[at].value = Value::Bool(holds);
            return holds;
        }
        Why::Leaf { text, ir } => {
            eval.evidence.clear();
            let value = eval.value(ir);
            (text.clone(), value)
        }
    };
    let evidence = eval.take_evidence();
    let result = holds.as_bool();
    out.push(WhyLine {
        depth,
        text,
        value: holds,
        evidence,
    });
    result
}
