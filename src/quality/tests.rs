//! Running the `test` blocks of a pack.
//!
//! Each test scans its ads in order with a fresh scanner, then checks its
//! expectations. Without `on N`, an expectation is about the last ad of the
//! test (the only one for `ad { ... }`). A failure carries what was
//! expected, what happened, and the evidence or the explanation (which part
//! of the rule's condition was false).

use crate::check::Test;
use crate::scan::record::from_literal;
use crate::scan::{Verdict, WhyLine};
use crate::source::Span;
use crate::syntax::ast::Expectation;
use crate::value::format_number;
use crate::Pack;

/// The result of one test.
#[derive(Debug, Clone)]
pub struct TestOutcome {
    pub name: String,
    /// The `test` declaration.
    pub span: Span,
    pub failures: Vec<TestFailure>,
}

impl TestOutcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct TestFailure {
    /// The expectation as it reads (`expect euphemisme on 2`).
    pub expectation: String,
    pub span: Span,
    /// One sentence: what went wrong.
    pub message: String,
    /// The rules that fired on the ad in question, with their evidence.
    pub fired: Vec<(String, f64, Vec<String>)>,
    /// For a rule that did not fire: each part of its condition.
    pub why: Vec<WhyLine>,
}

/// Runs the pack's tests whose name contains `filter` (all when `None`).
pub fn run_tests(pack: &Pack, filter: Option<&str>) -> Vec<TestOutcome> {
    pack.checked()
        .tests
        .iter()
        .filter(|t| filter.is_none_or(|f| t.name.contains(f)))
        .map(|t| run_test(pack, t))
        .collect()
}

fn run_test(pack: &Pack, test: &Test) -> TestOutcome {
    let mut outcome = TestOutcome {
        name: test.name.clone(),
        span: test.span,
        failures: Vec::new(),
    };
    let schema = &pack.checked().schema;
    let mut scanner = pack.scanner();
    let mut records = Vec::new();
    let mut verdicts: Vec<Verdict> = Vec::new();
    for (i, ad) in test.ads.iter().enumerate() {
        match from_literal(schema, ad, &format!("{}#{}", test.name, i + 1)) {
            Ok(record) => {
                verdicts.push(scanner.scan(&record));
                records.push(record);
            }
            Err((_, reason)) => {
                // The checker reports these; a test cannot run without its ads.
                outcome.failures.push(failure(
                    test.span,
                    "ad",
                    format!("ad {} cannot be read: {reason}", i + 1),
                ));
                return outcome;
            }
        }
    }
    if verdicts.is_empty() {
        outcome.failures.push(failure(
            test.span,
            "ad",
            "the test has no ad: add `ad { body: \"...\" }`".into(),
        ));
        return outcome;
    }
    for (expectation, span) in &test.expectations {
        let last = verdicts.len() - 1;
        let (index, written) = match expectation {
            Expectation::Rule {
                rule,
                on: Some((n, _)),
            } => (
                (*n as usize).wrapping_sub(1),
                format!("expect {} on {n}", rule.text),
            ),
            Expectation::Rule { rule, on: None } => (last, format!("expect {}", rule.text)),
            Expectation::NotRule {
                rule,
                on: Some((n, _)),
            } => (
                (*n as usize).wrapping_sub(1),
                format!("expect not {} on {n}", rule.text),
            ),
            Expectation::NotRule { rule, on: None } => (last, format!("expect not {}", rule.text)),
            Expectation::Nothing => (last, "expect nothing".to_string()),
            Expectation::Score { op, value, .. } => (
                last,
                format!("expect score {} {}", op.as_str(), format_number(*value)),
            ),
        };
        let Some(verdict) = verdicts.get(index) else {
            outcome.failures.push(failure(
                *span,
                &written,
                format!(
                    "there is no ad {} in this test (it has {})",
                    index.wrapping_add(1),
                    verdicts.len()
                ),
            ));
            continue;
        };
        let fired = |name: &str| verdict.rules.iter().any(|r| r.rule == name);
        let which = if verdicts.len() > 1 {
            format!(" on ad {}", index + 1)
        } else {
            String::new()
        };
        let problem = match expectation {
            Expectation::Rule { rule, .. } if !fired(&rule.text) => {
                let why = scanner.why(&records[index], &rule.text).unwrap_or_default();
                let mut f = failure(
                    *span,
                    &written,
                    format!("`{}` did not fire{which}", rule.text),
                );
                f.why = why;
                Some(f)
            }
            Expectation::NotRule { rule, .. } if fired(&rule.text) => Some(failure(
                *span,
                &written,
                format!("`{}` fired{which}", rule.text),
            )),
            Expectation::Nothing if !verdict.rules.is_empty() => Some(failure(
                *span,
                &written,
                format!(
                    "{} rule{} fired{which}",
                    verdict.rules.len(),
                    if verdict.rules.len() == 1 { "" } else { "s" }
                ),
            )),
            Expectation::Score { op, value, .. } if !op.holds(verdict.score.total_cmp(value)) => {
                Some(failure(
                    *span,
                    &written,
                    format!("the score{which} is {}", format_number(verdict.score)),
                ))
            }
            _ => None,
        };
        if let Some(mut f) = problem {
            f.fired = verdict
                .rules
                .iter()
                .map(|r| {
                    let evidence = r
                        .evidence
                        .iter()
                        .map(|e| format!("{}: \"{}\" ({})", e.field, e.text, e.via))
                        .collect();
                    (r.rule.clone(), r.score, evidence)
                })
                .collect();
            outcome.failures.push(f);
        }
    }
    outcome
}

fn failure(span: Span, expectation: &str, message: String) -> TestFailure {
    TestFailure {
        expectation: expectation.to_string(),
        span,
        message,
        fired: Vec::new(),
        why: Vec::new(),
    }
}
