//! The terminal form of a verdict: the ad, the rules that fired, and each
//! piece of evidence underlined in the ad's own text.

use crate::value::format_number;
use crate::{Pack, Record, Verdict};
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

const CONTEXT: usize = 32;

pub fn verdict(pack: &Pack, record: &Record, v: &Verdict, color: bool) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let pack_info = pack.checked();
    let mut out = String::new();
    let status = if v.flagged {
        paint("1;31", "FLAGGED")
    } else {
        paint("2", "not flagged")
    };
    let _ = writeln!(
        out,
        "{}  score {} / {}  {}",
        paint("1", if v.id.is_empty() { "(no id)" } else { &v.id }),
        format_number(v.score),
        format_number(pack_info.meta.threshold),
        status
    );
    if let Some(title) = pack_info.schema.field("title").and_then(|i| record.text(i)) {
        let _ = writeln!(out, "  {}", one_line(title));
    }
    for fired in &v.rules {
        let rule = pack_info.rules.iter().find(|r| r.name == fired.rule);
        let title = rule.and_then(|r| r.title.as_deref()).unwrap_or("");
        let sign = if fired.score >= 0.0 { "+" } else { "" };
        let _ = writeln!(
            out,
            "  {:>5}  {} ({}){}{}",
            format!("{sign}{}", format_number(fired.score)),
            paint("1", &fired.rule),
            fired.level.as_str(),
            if title.is_empty() { "" } else { " — " },
            title
        );
        for ev in &fired.evidence {
            let Some(text) = pack_info
                .schema
                .field(&ev.field)
                .and_then(|i| record.text(i))
            else {
                continue;
            };
            let (before, matched, after) = snippet(text, ev.start, ev.end);
            let label = format!("{}: ", ev.field);
            let indent = 9 + label.len();
            let _ = writeln!(
                out,
                "         {}{}{}{}",
                paint("2", &label),
                before,
                paint("1;4;33", &matched),
                after
            );
            let pad = indent + before.width();
            let _ = writeln!(
                out,
                "{}{} {}",
                " ".repeat(pad),
                paint("33", &"^".repeat(matched.width().max(1))),
                paint("2", &ev.via)
            );
        }
    }
    out.push('\n');
    out
}

/// The evidence with some context on each side, on one line (shared with
/// the REPL).
pub(crate) fn snippet(text: &str, start: usize, end: usize) -> (String, String, String) {
    let start = crate::source::floor_char_boundary(text, start.min(text.len()));
    let end = crate::source::floor_char_boundary(text, end.clamp(start, text.len()));
    let before: Vec<char> = text[..start].chars().collect();
    let after: Vec<char> = text[end..].chars().collect();
    let mut b: String = before[before.len().saturating_sub(CONTEXT)..]
        .iter()
        .collect();
    if before.len() > CONTEXT {
        b.insert(0, '…');
    }
    let mut a: String = after[..after.len().min(CONTEXT)].iter().collect();
    if after.len() > CONTEXT {
        a.push('…');
    }
    (one_line(&b), one_line(&text[start..end]), one_line(&a))
}

/// Newlines and tabs as spaces, so columns stay aligned.
pub(crate) fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
