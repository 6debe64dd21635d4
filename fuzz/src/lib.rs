//! Shared checks of the fuzz targets (`fuzz_targets/*.rs`).
//!
//! Every function here panics when an invariant of `ARCHITECTURE.md` does
//! not hold; libFuzzer turns the panic into a crash report.

pub mod lsp;
pub mod records;
pub mod text;

use std::sync::OnceLock;
use vigie::diagnostic::{render, to_json, Diagnostic, RenderOptions};
use vigie::source::Span;
use vigie::{Pack, Sources};

/// Bugs already reported, that a long run should step over rather than
/// find again and again: `VIGIE_FUZZ_KNOWN=name,...` (see
/// docs/fuzzing.md for the list). Unset, every check panics.
pub fn known(bug: &str) -> bool {
    static KNOWN: OnceLock<Vec<String>> = OnceLock::new();
    KNOWN
        .get_or_init(|| {
            std::env::var("VIGIE_FUZZ_KNOWN")
                .unwrap_or_default()
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .iter()
        .any(|k| k == bug)
}

/// The repository root (this crate lives in `fuzz/`).
pub fn repo() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/..")
}

/// The French pack, loaded once per process.
pub fn fr_pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| {
        Pack::load(format!("{}/rules/fr", repo())).unwrap_or_else(|e| panic!("rules/fr: {e}"))
    })
}

/// `start..end` lies inside `text` and on character boundaries.
pub fn assert_within(text: &str, start: usize, end: usize, what: &str) {
    assert!(
        start <= end && end <= text.len(),
        "{what}: {start}..{end} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: {start}..{end} not on character boundaries"
    );
}

/// A span lies inside its file and on character boundaries.
pub fn assert_span(sources: &Sources, span: Span, what: &str) {
    let text = &sources.get(span.file).text;
    assert_within(text, span.start as usize, span.end as usize, what);
}

/// How many diagnostics of one input are rendered (the first ones and the
/// last): miette finds a span's line by reading the file from its start,
/// so rendering every diagnostic of a mutated 30 KB pack (hundreds) took
/// most of the parse targets' time, all in the same few functions.
const RENDERED: usize = 8;

/// [`check_diagnostic`] on each of `diagnostics`: spans and help for all,
/// rendering for the first [`RENDERED`] and the last.
pub fn check_diagnostics(diagnostics: &[Diagnostic], sources: &Sources, wide: bool) {
    for (i, d) in diagnostics.iter().enumerate() {
        let render = i < RENDERED || i + 1 == diagnostics.len();
        check_diagnostic(d, sources, wide, render);
    }
}

/// Every span of a diagnostic is valid, every error has a help line, and
/// (with `render`) it renders both ways (miette, with `wide` or narrow
/// width, and JSON).
pub fn check_diagnostic(d: &Diagnostic, sources: &Sources, wide: bool, render_it: bool) {
    assert_span(sources, d.primary.span, "primary label");
    for l in &d.secondary {
        assert_span(sources, l.span, "secondary label");
    }
    if let Some(fix) = &d.fix {
        assert_span(sources, fix.span, "fix");
    }
    if d.is_error() {
        assert!(d.help.is_some(), "error {} without help", d.code.as_str());
    }
    if !render_it {
        return;
    }
    let options = if wide {
        RenderOptions::default()
    } else {
        RenderOptions {
            color: true,
            width: 40,
        }
    };
    let _ = render(d, sources, options);
    let _ = to_json(d, sources);
}

/// The error codes of diagnostics, sorted.
fn error_codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_str())
        .collect();
    codes.sort_unstable();
    codes
}

/// One record the compiled packs are run on (all default-schema fields).
const AD: &str = r#"{"id":"f1","title":"Nouvelle en ville, moment de détente","body":"Douche possible, 1h=150 roses, zéro six 39 98 12 34","city":"Lyon","phone":"06 39 98 12 34","posted_at":"2024-03-01T10:00:00Z"}"#;

/// The `parse_check` and `parse_mutate` targets: one input as a rule file
/// (invalid UTF-8 replaced).
pub fn pack_bytes(data: &[u8]) {
    check_pack_source(&String::from_utf8_lossy(data));
}

/// The whole rule-file front end on one text: parse and check, render
/// every diagnostic, format (idempotent, keeping the errors), and, when the
/// text checks, compile it, run its `test` blocks and scan one ad.
pub fn check_pack_source(text: &str) {
    let mut sources = Sources::default();
    sources.add("fuzz.vigie", text);
    let checked = vigie::analyze(&sources, "fuzz");
    // Half of the inputs render wide and plain, half narrow and in colour.
    let wide = text.len() % 2 == 0;
    check_diagnostics(&checked.diagnostics, &sources, wide);

    if let Ok(formatted) = vigie::fmt::format_source(text) {
        let again = match vigie::fmt::format_source(&formatted) {
            Ok(again) => again,
            Err(diags) => panic!(
                "formatted text does not parse: {:?}\n--- formatted:\n{formatted}",
                diags.iter().map(|d| &d.message).collect::<Vec<_>>()
            ),
        };
        assert_eq!(again, formatted, "formatting is not idempotent");
        // Meaning preserved, as far as the checker can tell.
        let mut again_sources = Sources::default();
        again_sources.add("fuzz.vigie", formatted.as_str());
        let before = error_codes(&checked.diagnostics);
        let after = error_codes(&vigie::analyze(&again_sources, "fuzz").diagnostics);
        assert_eq!(
            before, after,
            "formatting changed the errors\n--- formatted:\n{formatted}"
        );
    }

    if checked.has_errors() {
        return;
    }
    let Ok(pack) = Pack::from_checked(sources, checked) else {
        return;
    };
    for outcome in vigie::quality::tests::run_tests(&pack, None) {
        assert_span(pack.sources(), outcome.span, "test");
        for f in &outcome.failures {
            assert_span(pack.sources(), f.span, "test failure");
        }
    }
    let mut scanner = pack.scanner();
    if let Ok(record) = scanner.decode(AD) {
        let verdict = scanner.scan(&record);
        check_evidence(AD, &verdict);
    }
}

/// Every piece of evidence is a span, on character boundaries, of the
/// field it names, as the line holds it (after JSON unescaping).
pub fn check_evidence(line: &str, verdict: &vigie::Verdict) {
    let json: Option<serde_json::Value> = serde_json::from_str(line).ok();
    for rule in &verdict.rules {
        for e in &rule.evidence {
            assert!(e.start <= e.end, "evidence {}..{} reversed", e.start, e.end);
            let Some(text) = json
                .as_ref()
                .and_then(|j| j.get(&e.field))
                .and_then(|v| v.as_str())
            else {
                continue;
            };
            assert_within(text, e.start, e.end, &format!("evidence in {}", e.field));
            assert_eq!(
                &text[e.start..e.end],
                e.text,
                "evidence text is not the span"
            );
        }
    }
}
