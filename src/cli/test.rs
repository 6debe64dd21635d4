//! `vigie test PACK`: runs the pack's `test` blocks.
//!
//! Exit status: 0 when every test passes, 1 when one fails, 2 when the pack
//! does not load. The last line is `N passed, N failed`.

use super::{render_options, ColorChoice};
use crate::quality::tests::{run_tests, TestFailure, TestOutcome};
use crate::scan::WhyLine;
use crate::value::format_number;
use crate::Pack;
use clap::{Args, ValueEnum};
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct TestArgs {
    /// The pack: a directory of .vigie files, or one file.
    pub pack: PathBuf,
    /// Run only the tests whose name contains this text.
    #[arg(long)]
    pub filter: Option<String>,
    /// `pretty`, `json`, or `junit` (JUnit XML for CI systems).
    #[arg(long, value_enum, default_value_t = TestFormat::Pretty)]
    pub format: TestFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestFormat {
    Pretty,
    Json,
    Junit,
}

pub fn run(args: TestArgs, color: ColorChoice) -> u8 {
    let pack = match Pack::load(&args.pack) {
        Ok(p) => p,
        Err(e) => {
            eprint!(
                "{}",
                e.render(render_options(
                    color.enabled(std::io::stderr().is_terminal())
                ))
            );
            return 2;
        }
    };
    let outcomes = run_tests(&pack, args.filter.as_deref());
    let failed = outcomes.iter().filter(|o| !o.passed()).count();
    let out = match args.format {
        TestFormat::Pretty => pretty(
            &pack,
            &outcomes,
            color.enabled(std::io::stdout().is_terminal()),
        ),
        TestFormat::Json => json(&pack, &outcomes),
        TestFormat::Junit => junit(&pack, &outcomes),
    };
    print!("{out}");
    u8::from(failed > 0)
}

fn location(pack: &Pack, outcome_span: crate::source::Span) -> (String, usize) {
    let file = pack.sources().get(outcome_span.file);
    (
        file.name.clone(),
        file.line_col(outcome_span.start as usize).0,
    )
}

/// The human report.
pub fn pretty(pack: &Pack, outcomes: &[TestOutcome], color: bool) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    for o in outcomes {
        let (file, line) = location(pack, o.span);
        let mark = if o.passed() {
            paint("32", "✓")
        } else {
            paint("1;31", "✗")
        };
        let _ = writeln!(
            out,
            "{mark} {}  {}",
            o.name,
            paint("2", &format!("{file}:{line}"))
        );
        for f in &o.failures {
            write_failure(&mut out, pack, f, &paint);
        }
    }
    let passed = outcomes.iter().filter(|o| o.passed()).count();
    if outcomes.is_empty() {
        out.push_str("no test ran\n");
    }
    let _ = writeln!(out, "{passed} passed, {} failed", outcomes.len() - passed);
    out
}

fn write_failure(
    out: &mut String,
    pack: &Pack,
    f: &TestFailure,
    paint: &dyn Fn(&str, &str) -> String,
) {
    let (_, line) = location(pack, f.span);
    let _ = writeln!(
        out,
        "    {} {}",
        paint("1", &format!("{} (line {line}):", f.expectation)),
        f.message
    );
    if !f.why.is_empty() {
        let _ = writeln!(out, "      why:");
        for w in &f.why {
            let _ = writeln!(out, "        {}", why_line(w, paint));
        }
    }
    if f.fired.is_empty() && f.why.is_empty() {
        let _ = writeln!(out, "      no rule fired");
    }
    for (rule, score, evidence) in &f.fired {
        let sign = if *score >= 0.0 { "+" } else { "" };
        let _ = writeln!(out, "      fired {rule} ({sign}{})", format_number(*score));
        for e in evidence {
            let _ = writeln!(out, "        {e}");
        }
    }
}

/// One line of a "why": indentation, ✓/✗, the part as written, and its
/// value or what it matched.
pub fn why_line(w: &WhyLine, paint: &dyn Fn(&str, &str) -> String) -> String {
    let mark = match &w.value {
        crate::value::Value::Bool(true) => paint("32", "✓"),
        crate::value::Value::Bool(false) => paint("31", "✗"),
        _ => "=".to_string(),
    };
    let mut line = format!("{}{mark} {}", "  ".repeat(w.depth), w.text);
    if !matches!(w.value, crate::value::Value::Bool(_)) {
        let _ = write!(line, "  → {}", w.value);
    }
    if !w.evidence.is_empty() {
        let found: Vec<String> = w
            .evidence
            .iter()
            .map(|e| format!("\"{}\"", e.text))
            .collect();
        let _ = write!(
            line,
            "  {}",
            paint("2", &format!("(found {})", found.join(", ")))
        );
    }
    line
}

fn json(pack: &Pack, outcomes: &[TestOutcome]) -> String {
    let tests: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            let (file, line) = location(pack, o.span);
            serde_json::json!({
                "name": o.name,
                "file": file,
                "line": line,
                "passed": o.passed(),
                "failures": o.failures.iter().map(|f| serde_json::json!({
                    "expectation": f.expectation,
                    "line": location(pack, f.span).1,
                    "message": f.message,
                    "fired": f.fired.iter().map(|(rule, score, evidence)| serde_json::json!({
                        "rule": rule, "score": score, "evidence": evidence,
                    })).collect::<Vec<_>>(),
                    "why": f.why.iter().map(|w| serde_json::json!({
                        "depth": w.depth, "part": w.text, "value": w.value.to_string(),
                        "evidence": w.evidence.iter().map(|e| &e.text).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let passed = outcomes.iter().filter(|o| o.passed()).count();
    format!(
        "{}\n",
        serde_json::json!({
            "pack": pack.checked().meta.name,
            "passed": passed,
            "failed": outcomes.len() - passed,
            "tests": tests,
        })
    )
}

fn junit(pack: &Pack, outcomes: &[TestOutcome]) -> String {
    let name = &pack.checked().meta.name;
    let failed = outcomes.iter().filter(|o| !o.passed()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"vigie\" tests=\"{}\" failures=\"{failed}\">",
        outcomes.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\">",
        xml(name),
        outcomes.len()
    );
    for o in outcomes {
        let (file, line) = location(pack, o.span);
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{line}\"",
            xml(&o.name),
            xml(name),
            xml(&file)
        );
        if o.passed() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        for f in &o.failures {
            let mut body = String::new();
            write_failure(&mut body, pack, f, &|_, t| t.to_string());
            let _ = writeln!(
                out,
                "      <failure message=\"{}\">{}</failure>",
                xml(&format!("{}: {}", f.expectation, f.message)),
                xml(&body)
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
