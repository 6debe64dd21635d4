//! Code actions (a diagnostic's fix, removing an unused declaration),
//! formatting (`vigie fmt`), and the code lens that runs a test.

use super::workspace::Analysis;
use crate::diagnostic::Code;
use crate::quality::tests::{run_tests, TestOutcome};
use crate::source::{FileId, Span};
use crate::syntax::ast::DeclKind;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeLens, Command, Range, TextEdit, Url,
    WorkspaceEdit,
};
use serde_json::{json, Value};
use std::collections::HashMap;

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

pub fn code_actions(analysis: &Analysis, file: FileId, range: Range) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in &analysis.checked.diagnostics {
        if d.primary.span.file != file || !overlaps(analysis.range(d.primary.span), range) {
            continue;
        }
        let lsp_diag = super::diagnostics::to_lsp(analysis, d);
        if let Some(fix) = &d.fix {
            out.push(action(
                format!("{} ({})", capitalize(&fix.title), d.code),
                analysis.file(fix.span.file).uri.clone(),
                vec![TextEdit::new(
                    analysis.range(fix.span),
                    fix.replacement.clone(),
                )],
                lsp_diag.clone(),
                true,
            ));
        }
        if d.code == Code::UnusedDeclaration {
            if let Some((kind, name, span)) = declaration_named_at(analysis, d.primary.span) {
                let removal = whole_lines(analysis.text(file), span);
                out.push(action(
                    format!("Remove unused {kind} `{name}`"),
                    analysis.file(file).uri.clone(),
                    vec![TextEdit::new(
                        analysis.range(Span::new(file, removal.0, removal.1)),
                        String::new(),
                    )],
                    lsp_diag,
                    false,
                ));
            }
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn action(
    title: String,
    uri: Url,
    edits: Vec<TextEdit>,
    diagnostic: lsp_types::Diagnostic,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri, edits)])),
            ..Default::default()
        }),
        is_preferred: Some(preferred),
        ..Default::default()
    })
}

/// The lexicon, pattern or let whose name is at `name_span`: its kind,
/// name and whole declaration.
fn declaration_named_at(analysis: &Analysis, name_span: Span) -> Option<(&str, String, Span)> {
    let file = analysis.files.get(name_span.file as usize)?;
    file.decls.iter().find_map(|d| {
        let (kind, name) = match &d.kind {
            DeclKind::Lexicon(x) => ("lexicon", &x.name),
            DeclKind::Pattern(x) => ("pattern", &x.name),
            DeclKind::Let(x) => ("let", &x.name),
            _ => return None,
        };
        (name.span == name_span).then(|| (kind, name.text.clone(), d.span))
    })
}

/// The lines `span` covers, with their new line, and one blank line after
/// them when they sit between two blank lines (or a blank line and the
/// start of the file), so that no double blank line is left.
fn whole_lines(text: &str, span: Span) -> (usize, usize) {
    let start = text[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let mut end = text[span.end as usize..]
        .find('\n')
        .map_or(text.len(), |i| span.end as usize + i + 1);
    let blank_before = start == 0 || text[..start - 1].ends_with('\n');
    let rest = &text[end..];
    if blank_before {
        if let Some(i) = rest.find('\n') {
            if rest[..i].trim().is_empty() {
                end += i + 1;
            }
        }
    }
    (start, end)
}

/// Formatting: the whole file as `vigie fmt` writes it, or `None` when it
/// does not parse.
pub fn format(analysis: &Analysis, file: FileId) -> Option<Vec<TextEdit>> {
    let text = analysis.text(file);
    let formatted = crate::fmt::format_source(text).ok()?;
    if formatted == text {
        return Some(Vec::new());
    }
    Some(vec![TextEdit::new(
        analysis.range(Span::new(file, 0, text.len())),
        formatted,
    )])
}

/// The last result of each test run from the editor: (pack folder, test
/// name) → outcome summary.
pub type TestResults = HashMap<(std::path::PathBuf, String), TestSummary>;

#[derive(Debug, Clone)]
pub struct TestSummary {
    pub passed: bool,
    pub message: String,
}

pub const RUN_TEST: &str = "vigie.runTest";
pub const RUN_TESTS: &str = "vigie.runTests";
pub const EXPLAIN: &str = "vigie.explain";

/// A lens above each test: "▶ Run test", or the last result.
pub fn code_lenses(analysis: &Analysis, file: FileId, results: &TestResults) -> Vec<CodeLens> {
    let uri = &analysis.file(file).uri;
    analysis
        .file(file)
        .decls
        .iter()
        .filter_map(|d| match &d.kind {
            DeclKind::Test(t) => Some((d.span, t.name.value.clone())),
            _ => None,
        })
        .map(|(span, name)| {
            let title = match results.get(&(analysis.dir.clone(), name.clone())) {
                None => "▶ Run test".to_string(),
                Some(r) if r.passed => "✓ passed · ▶ run again".to_string(),
                Some(r) => format!("✗ failed: {} · ▶ run again", first_line(&r.message)),
            };
            let start = analysis.range(span).start;
            CodeLens {
                range: Range::new(start, start),
                command: Some(Command {
                    title,
                    command: RUN_TEST.to_string(),
                    arguments: Some(vec![json!(uri), json!(name)]),
                }),
                data: None,
            }
        })
        .collect()
}

fn first_line(s: &str) -> &str {
    let line = s.lines().next().unwrap_or("");
    match line.char_indices().nth(80) {
        Some((i, _)) => &line[..i],
        None => line,
    }
}

/// Runs the tests named `name` (all when `None`) of the pack: the JSON
/// result of the command, and a summary per test.
pub fn run(
    analysis: &Analysis,
    name: Option<&str>,
) -> Result<(Value, Vec<(String, TestSummary)>), String> {
    if analysis.checked.has_errors() {
        let errors = analysis
            .checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .count();
        return Err(format!(
            "the pack has {errors} error(s): fix them before running tests"
        ));
    }
    let pack = crate::Pack::from_checked(analysis.sources.clone(), analysis.checked.clone())
        .map_err(|e| e.to_string())?;
    let outcomes: Vec<TestOutcome> = run_tests(&pack, name)
        .into_iter()
        .filter(|o| name.is_none_or(|n| o.name == n))
        .collect();
    if outcomes.is_empty() {
        return Err(match name {
            Some(n) => format!("no test named \"{n}\" in this pack"),
            None => "this pack has no test".to_string(),
        });
    }
    let mut summaries = Vec::new();
    let mut json_tests = Vec::new();
    for o in &outcomes {
        let failures: Vec<Value> = o
            .failures
            .iter()
            .map(|f| json!({ "expectation": f.expectation, "message": f.message }))
            .collect();
        let message = o
            .failures
            .iter()
            .map(|f| format!("{}: {}", f.expectation, f.message))
            .collect::<Vec<_>>()
            .join("\n");
        json_tests.push(json!({
            "name": o.name,
            "passed": o.passed(),
            "location": analysis.location(o.span),
            "failures": failures,
        }));
        summaries.push((
            o.name.clone(),
            TestSummary {
                passed: o.passed(),
                message,
            },
        ));
    }
    let passed = outcomes.iter().filter(|o| o.passed()).count();
    Ok((
        json!({
            "passed": passed,
            "failed": outcomes.len() - passed,
            "tests": json_tests,
        }),
        summaries,
    ))
}
