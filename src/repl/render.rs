//! How the REPL prints things: values with their type, evidence underlined
//! in the ad's text, explanations, rule lists, ads and scan summaries.

use super::session::{Ad, Problem, Warnings};
use crate::cli::pretty::snippet;
use crate::diagnostic::{render, Diagnostic, RenderOptions};
use crate::scan::{Evidence, Verdict, WhyLine};
use crate::source::Sources;
use crate::value::{format_number, Type, Value};
use crate::Pack;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

/// Wraps `text` in an ANSI style when colour is on.
pub fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Diagnostics as miette reports, the same as `vigie check` prints.
pub fn diagnostics(sources: &Sources, diags: &[Diagnostic], color: bool) -> String {
    let options = RenderOptions { color, width: 100 };
    let mut out = String::new();
    for d in diags {
        out.push_str(&render(d, sources, options));
    }
    out
}

pub fn warnings(w: &Warnings, color: bool) -> String {
    diagnostics(&w.sources, &w.diagnostics, color)
}

/// A problem: the reports, or `error: message`.
pub fn problem(p: &Problem, color: bool) -> String {
    match p {
        Problem::Message(m) => format!("{} {m}\n", paint(color, "1;31", "error:")),
        Problem::Diagnostics(sources, diags) => diagnostics(sources, diags, color),
    }
}

/// `true : bool`.
pub fn value(v: &Value, ty: &Type, color: bool) -> String {
    let shown = match v {
        Value::Bool(true) => paint(color, "1;32", "true"),
        Value::Bool(false) => paint(color, "1;31", "false"),
        other => other.to_string(),
    };
    format!("{shown} {}\n", paint(color, "2", &format!(": {ty}")))
}

/// Each piece of evidence with its context, underlined, and what matched.
pub fn evidence(pack: &Pack, ad: &crate::Record, evidence: &[Evidence], color: bool) -> String {
    let schema = &pack.checked().schema;
    let mut out = String::new();
    for ev in evidence {
        let Some(text) = schema.field(&ev.field).and_then(|i| ad.text(i)) else {
            let _ = writeln!(out, "  {}: \"{}\"  {}", ev.field, ev.text, ev.via);
            continue;
        };
        let (before, matched, after) = snippet(text, ev.start, ev.end);
        let label = format!("{}: ", ev.field);
        let _ = writeln!(
            out,
            "  {}{}{}{}",
            paint(color, "2", &label),
            before,
            paint(color, "1;4;33", &matched),
            after
        );
        let pad = 2 + label.width() + before.width();
        let _ = writeln!(
            out,
            "{}{} {}",
            " ".repeat(pad),
            paint(color, "33", &"^".repeat(matched.width().max(1))),
            paint(color, "2", &ev.via)
        );
    }
    out
}

/// The explanation of a rule, one line per part of its condition, as
/// `vigie test` prints it.
pub fn why(
    pack: &Pack,
    rule: &str,
    ad: &Ad,
    lines: &[WhyLine],
    fired: bool,
    color: bool,
) -> String {
    let paint_fn = |code: &str, text: &str| paint(color, code, text);
    let mut out = String::new();
    let status = if fired {
        paint(color, "1;32", "fired")
    } else {
        paint(color, "1;31", "did not fire")
    };
    let _ = writeln!(out, "`{rule}` {status} on {}", ad_name(pack, ad));
    for w in lines {
        let _ = writeln!(out, "  {}", crate::cli::test::why_line(w, &paint_fn));
    }
    out
}

/// The ad's id, or where it came from when it has none.
pub fn ad_name(pack: &Pack, ad: &Ad) -> String {
    let id = pack.checked().schema.field("id");
    match id.and_then(|i| ad.record.values.get(i)) {
        Some(Value::Text(t)) if !t.text.is_empty() => {
            format!("ad {} ({})", t.text, ad.label)
        }
        _ => format!("the ad of {}", ad.label),
    }
}

/// `score 120 / 60 FLAGGED — euphemisme +25, ...`
pub fn verdict_line(pack: &Pack, v: &Verdict, color: bool) -> String {
    let threshold = pack.checked().meta.threshold;
    let status = if v.flagged {
        paint(color, "1;31", "FLAGGED")
    } else {
        paint(color, "2", "not flagged")
    };
    let mut line = format!(
        "score {} / {}  {status}",
        format_number(v.score),
        format_number(threshold)
    );
    if v.rules.is_empty() {
        line.push_str(" — no rule fired");
    } else {
        let fired: Vec<String> = v
            .rules
            .iter()
            .map(|r| format!("{} {}", r.rule, signed(r.score)))
            .collect();
        let _ = write!(line, " — {}", fired.join(", "));
    }
    line
}

pub fn signed(n: f64) -> String {
    if n >= 0.0 {
        format!("+{}", format_number(n))
    } else {
        format_number(n)
    }
}

/// The fields of the ad, one a line.
pub fn ad_fields(pack: &Pack, ad: &Ad, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint(color, "1", &ad_name(pack, ad)));
    for (field, value) in pack.checked().schema.fields.iter().zip(&ad.record.values) {
        if value.is_missing() {
            continue;
        }
        let _ = writeln!(
            out,
            "  {} {value}",
            paint(color, "2", &format!("{}:", field.name))
        );
    }
    out
}

/// The rules of the pack; with an ad, whether each fired on it.
pub fn rules(
    pack: &Pack,
    verdict: Option<&Verdict>,
    typed: &dyn Fn(crate::source::Span) -> Option<String>,
    color: bool,
) -> String {
    let info = pack.checked();
    let mut out = String::new();
    let n = info.rules.len();
    let _ = writeln!(
        out,
        "{n} rule{} in pack {}, threshold {}",
        if n == 1 { "" } else { "s" },
        info.meta.name,
        format_number(info.meta.threshold)
    );
    let width = info.rules.iter().map(|r| r.name.width()).max().unwrap_or(0);
    for r in &info.rules {
        let mark = match verdict {
            Some(v) if v.rules.iter().any(|f| f.rule == r.name) => paint(color, "32", "✓ "),
            Some(_) => paint(color, "31", "✗ "),
            None => String::new(),
        };
        let line = format!(
            "  {mark}{:width$}  {:>4}  {:6}  {}",
            r.name,
            signed(r.score),
            r.level.as_str(),
            r.title.as_deref().unwrap_or("")
        );
        let mut line = line.trim_end().to_string();
        if let Some(at) = typed(r.span) {
            let _ = write!(line, "  {}", paint(color, "2", &format!("[{at}]")));
        }
        let _ = writeln!(out, "{line}");
    }
    if let Some(v) = verdict {
        let _ = writeln!(out, "{}", verdict_line(pack, v, color));
    }
    out
}

/// What `:scan FILE` found.
#[derive(Debug, Default)]
pub struct ScanSummary {
    pub read: usize,
    pub scanned: usize,
    pub rejected: Vec<String>,
    /// Flagged ads: (score, id, rules that fired).
    pub flagged: Vec<(f64, String, Vec<String>)>,
}

/// The summary line (as `vigie scan` prints it), the rejected records,
/// and the ten highest-scoring flagged ads.
pub fn scan_summary(s: &ScanSummary, color: bool) -> String {
    let mut out = String::new();
    for r in s.rejected.iter().take(5) {
        let _ = writeln!(out, "{r}");
    }
    if s.rejected.len() > 5 {
        let _ = writeln!(out, "... and {} more rejected", s.rejected.len() - 5);
    }
    let _ = writeln!(
        out,
        "{} records read: {} scanned, {} rejected; {} flagged",
        s.read,
        s.scanned,
        s.rejected.len(),
        s.flagged.len()
    );
    if !s.flagged.is_empty() {
        let mut top: Vec<&(f64, String, Vec<String>)> = s.flagged.iter().collect();
        top.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let shown = top.len().min(10);
        let _ = writeln!(
            out,
            "top {shown} flagged{}:",
            if shown < top.len() {
                format!(" of {}", top.len())
            } else {
                String::new()
            }
        );
        let width = top
            .iter()
            .take(shown)
            .map(|t| t.1.width())
            .max()
            .unwrap_or(0);
        for (score, id, fired) in top.into_iter().take(shown) {
            let _ = writeln!(
                out,
                "  {}  {:>4}  {}",
                paint(color, "1", &format!("{id:width$}")),
                format_number(*score),
                fired.join(", ")
            );
        }
    }
    out
}
