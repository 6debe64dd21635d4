//! Measuring a pack on labelled ads: per-rule precision and recall, the
//! confusion matrix at the pack's threshold, and the trade-off at every
//! threshold that changes the result.
//!
//! An ad is *positive* when its label equals the positive value
//! (`suspect`), negative for any other label, and *unlabelled* when the
//! label field is missing or not a string: unlabelled ads are counted and
//! reported, never guessed.

use crate::scan::record::decode_value;
use crate::Pack;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RuleStats {
    pub rule: String,
    /// Labelled ads the rule fired on.
    pub fired: u64,
    /// Of those, the positives.
    pub true_positives: u64,
    /// `true_positives / fired`; `None` when it never fired.
    pub precision: Option<f64>,
    /// `true_positives / positives`; `None` when there is no positive.
    pub recall: Option<f64>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
pub struct Confusion {
    pub true_positives: u64,
    pub false_positives: u64,
    pub false_negatives: u64,
    pub true_negatives: u64,
}

impl Confusion {
    pub fn precision(&self) -> Option<f64> {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    pub fn recall(&self) -> Option<f64> {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    pub fn f1(&self) -> Option<f64> {
        let (p, r) = (self.precision()?, self.recall()?);
        (p + r > 0.0).then(|| 2.0 * p * r / (p + r))
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ThresholdRow {
    pub threshold: f64,
    pub flagged: u64,
    #[serde(flatten)]
    pub confusion: Confusion,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct EvalReport {
    pub threshold: f64,
    /// Records read = scanned + rejected.
    pub read: u64,
    pub scanned: u64,
    pub rejected: u64,
    /// Scanned records without a usable label (not in the figures).
    pub unlabelled: u64,
    pub positives: u64,
    pub negatives: u64,
    pub rules: Vec<RuleStats>,
    /// At the pack's threshold.
    pub confusion: Confusion,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
    /// One row per distinct positive score, ascending.
    pub thresholds: Vec<ThresholdRow>,
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// How to read labels.
#[derive(Debug, Clone)]
pub struct Labels {
    pub field: String,
    pub positive: String,
}

/// Evaluates `pack` on JSON Lines text. `reject(line, reason)` is called for
/// each record that cannot be read.
pub fn evaluate(
    pack: &Pack,
    lines: impl IntoIterator<Item = (u64, Result<String, String>)>,
    labels: &Labels,
    mut reject: impl FnMut(u64, &str),
) -> EvalReport {
    let checked = pack.checked();
    let mut report = EvalReport {
        threshold: checked.meta.threshold,
        ..EvalReport::default()
    };
    let mut scanner = pack.scanner();
    let mut scored: Vec<(f64, bool)> = Vec::new();
    let mut rule_counts = vec![(0u64, 0u64); checked.rules.len()];
    for (number, line) in lines {
        let line = match line {
            Ok(l) if l.trim().is_empty() => continue,
            Ok(l) => l,
            Err(reason) => {
                report.read += 1;
                report.rejected += 1;
                reject(number, &reason);
                continue;
            }
        };
        report.read += 1;
        let json: serde_json::Value = match serde_json::from_str(&line) {
            Ok(j) => j,
            Err(e) => {
                report.rejected += 1;
                reject(number, &format!("invalid JSON: {e}"));
                continue;
            }
        };
        let record = match decode_value(&checked.schema, &json) {
            Ok(r) => r,
            Err(e) => {
                report.rejected += 1;
                reject(number, &e.reason);
                continue;
            }
        };
        report.scanned += 1;
        let Some(label) = json.get(&labels.field).and_then(|l| l.as_str()) else {
            report.unlabelled += 1;
            continue;
        };
        let positive = label == labels.positive;
        if positive {
            report.positives += 1;
        } else {
            report.negatives += 1;
        }
        let verdict = scanner.scan(&record);
        for fired in &verdict.rules {
            if let Some(i) = checked.rules.iter().position(|r| r.name == fired.rule) {
                rule_counts[i].0 += 1;
                if positive {
                    rule_counts[i].1 += 1;
                }
            }
        }
        scored.push((verdict.score, positive));
    }
    report.rules = checked
        .rules
        .iter()
        .zip(&rule_counts)
        .map(|(rule, &(fired, tp))| RuleStats {
            rule: rule.name.clone(),
            fired,
            true_positives: tp,
            precision: ratio(tp, fired),
            recall: ratio(tp, report.positives),
        })
        .collect();
    let at = |threshold: f64| {
        let mut c = Confusion::default();
        for &(score, positive) in &scored {
            match (score >= threshold, positive) {
                (true, true) => c.true_positives += 1,
                (true, false) => c.false_positives += 1,
                (false, true) => c.false_negatives += 1,
                (false, false) => c.true_negatives += 1,
            }
        }
        c
    };
    report.confusion = at(report.threshold);
    report.precision = report.confusion.precision();
    report.recall = report.confusion.recall();
    report.f1 = report.confusion.f1();
    let mut cuts: Vec<f64> = scored
        .iter()
        .map(|&(s, _)| s)
        .filter(|s| *s > 0.0)
        .collect();
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    report.thresholds = cuts
        .into_iter()
        .map(|t| {
            let c = at(t);
            ThresholdRow {
                threshold: t,
                flagged: c.true_positives + c.false_positives,
                confusion: c,
                precision: c.precision(),
                recall: c.recall(),
                f1: c.f1(),
            }
        })
        .collect();
    report
}
