//! Rendering diagnostics: miette's graphical reports for people, JSON for
//! machines.

use super::{Diagnostic, Label, Severity};
use crate::source::{SourceFile, Sources};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};
use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    pub color: bool,
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
        }
    }
}

/// Renders one diagnostic as miette's graphical report.
pub fn render(diag: &Diagnostic, sources: &Sources, options: RenderOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    let report = Report::new(diag, sources);
    let mut out = String::new();
    // Rendering into a String cannot fail but for a bug in miette; fall back
    // to the one-line form rather than lose the diagnostic.
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("{}: {}\n", diag.code, diag.message);
    }
    out
}

/// Renders every diagnostic, then a one-line count.
pub fn render_all(diags: &[Diagnostic], sources: &Sources, options: RenderOptions) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&render(d, sources, options));
        out.push('\n');
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    out.push_str(&format!(
        "{} error{}, {} warning{}\n",
        errors,
        if errors == 1 { "" } else { "s" },
        warnings,
        if warnings == 1 { "" } else { "s" }
    ));
    out
}

/// The JSON form of a diagnostic, as `vigie check --format json` prints it.
pub fn to_json(diag: &Diagnostic, sources: &Sources) -> serde_json::Value {
    let label_json = |label: &Label| {
        let file = sources.get(label.span.file);
        let (line, column) = file.line_col(label.span.start as usize);
        let (end_line, end_column) = file.line_col(label.span.end as usize);
        serde_json::json!({
            "file": file.name,
            "start": label.span.start,
            "end": label.span.end,
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
            "message": label.message,
        })
    };
    serde_json::json!({
        "code": diag.code.as_str(),
        "severity": diag.severity,
        "message": diag.message,
        "primary": label_json(&diag.primary),
        "secondary": diag.secondary.iter().map(label_json).collect::<Vec<_>>(),
        "help": diag.help,
        "fix": diag.fix.as_ref().map(|f| serde_json::json!({
            "title": f.title,
            "replacement": f.replacement,
            "start": f.span.start,
            "end": f.span.end,
        })),
    })
}

/// A diagnostic bound to its source, in the shape miette wants. Labels in
/// other files than the primary one become related notes, each with its
/// own source, so a duplicate across two files shows both places.
struct Report<'a> {
    diag: &'a Diagnostic,
    source: Window,
    labels: Vec<LabeledSpan>,
    related: Vec<Note>,
}

struct Note {
    message: String,
    source: Window,
    label: LabeledSpan,
}

/// Files larger than this are shown through a window of a few lines around
/// the labels: miette reads a source from its start for each label, which
/// costs seconds per diagnostic on a 50 MB generated pack.
const LARGE_FILE: usize = 1 << 20;

/// The file as miette's source: the whole text (shared, not copied), or for
/// a large file the lines around `spans`, with the file's real line numbers.
fn named(file: &SourceFile, spans: &[(usize, usize)]) -> Window {
    let text = &file.text;
    if text.len() <= LARGE_FILE || spans.is_empty() {
        return Window {
            name: file.name.clone(),
            text: Arc::clone(text),
            offset: 0,
            first_line: 0,
        };
    }
    let (low, high) = char_range(
        text,
        spans.iter().map(|s| s.0).min().unwrap_or(0),
        spans.iter().map(|s| s.1).max().unwrap_or(0),
    );
    let mut start = low;
    for _ in 0..3 {
        let before = crate::source::floor_char_boundary(text, start.saturating_sub(1));
        start = text[..before].rfind('\n').map_or(0, |i| i + 1);
    }
    let mut end = high;
    for _ in 0..3 {
        end = text[end.min(text.len())..]
            .find('\n')
            .map_or(text.len(), |i| end + i + 1);
    }
    let start = crate::source::floor_char_boundary(text, start);
    let end = crate::source::floor_char_boundary(text, end.min(text.len())).max(start);
    Window {
        name: file.name.clone(),
        text: Arc::from(&text[start..end]),
        offset: start,
        first_line: text[..start].bytes().filter(|&b| b == b'\n').count(),
    }
}

/// A source for miette: `text` is the file from byte `offset` (line
/// `first_line`, 0-based) on.
struct Window {
    name: String,
    text: Arc<str>,
    offset: usize,
    first_line: usize,
}

impl miette::SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let local = SourceSpan::new(span.offset().saturating_sub(self.offset).into(), span.len());
        let inner = self.text.as_bytes().read_span(&local, before, after)?;
        let inner_span = inner.span();
        // miette counts the column of the header (`file:line:column`) in
        // bytes; count characters, as the JSON output does and as editors
        // read it (`é` before the span would otherwise add one).
        let at = local.offset().min(self.text.len());
        let column = self
            .text
            .get(at - inner.column().min(at)..at)
            .map_or(inner.column(), |before| before.chars().count());
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new((inner_span.offset() + self.offset).into(), inner_span.len()),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

fn span_of(label: &Label, text: &str) -> SourceSpan {
    let (start, end) = char_range(text, label.span.start as usize, label.span.end as usize);
    SourceSpan::from(start..end)
}

/// A byte range clamped to the text and widened to character boundaries:
/// rendering must never slice inside a character, whatever a label says.
fn char_range(text: &str, start: usize, end: usize) -> (usize, usize) {
    let start = crate::source::floor_char_boundary(text, start.min(text.len()));
    let mut end = end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    (start, end)
}

fn text_of(message: &str) -> Option<String> {
    (!message.is_empty()).then(|| message.to_string())
}

impl<'a> Report<'a> {
    fn new(diag: &'a Diagnostic, sources: &Sources) -> Report<'a> {
        let primary_file = sources.get(diag.primary.span.file);
        if let Some(report) = Report::excerpt(diag, primary_file) {
            return report;
        }
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            text_of(&diag.primary.message),
            span_of(&diag.primary, &primary_file.text),
        )];
        let mut related = Vec::new();
        let same_file: Vec<(usize, usize)> = std::iter::once(&diag.primary)
            .chain(diag.secondary.iter())
            .filter(|l| l.span.file == diag.primary.span.file)
            .map(|l| (l.span.start as usize, l.span.end as usize))
            .collect();
        for label in &diag.secondary {
            let file = sources.get(label.span.file);
            if label.span.file == diag.primary.span.file {
                labels.push(LabeledSpan::new_with_span(
                    text_of(&label.message),
                    span_of(label, &file.text),
                ));
            } else {
                related.push(Note {
                    message: label.message.clone(),
                    source: named(
                        file,
                        &[(label.span.start as usize, label.span.end as usize)],
                    ),
                    label: LabeledSpan::new_primary_with_span(
                        text_of(&label.message),
                        span_of(label, &file.text),
                    ),
                });
            }
        }
        Report {
            diag,
            source: named(primary_file, &same_file),
            labels,
            related,
        }
    }
}

/// Lines longer than this are shown as an excerpt around the label, so a
/// generated one-line pack does not flood the terminal.
const LONG_LINE: usize = 400;
const CONTEXT: usize = 60;

impl<'a> Report<'a> {
    /// A report on an excerpt of a very long line: the source shown is a
    /// window around the primary label, named with the real line and column.
    fn excerpt(diag: &'a Diagnostic, file: &SourceFile) -> Option<Report<'a>> {
        let text = &file.text;
        let (start, end) = char_range(
            text,
            diag.primary.span.start as usize,
            diag.primary.span.end as usize,
        );
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        if line_end - line_start <= LONG_LINE {
            return None;
        }
        let from =
            crate::source::floor_char_boundary(text, start.saturating_sub(CONTEXT).max(line_start));
        let label_end =
            crate::source::floor_char_boundary(text, end.min(start + CONTEXT)).max(start);
        let to = crate::source::floor_char_boundary(text, (label_end + CONTEXT).min(line_end));
        let mut shown = String::new();
        if from > line_start {
            shown.push('…');
        }
        let offset = shown.len();
        shown.push_str(&text[from..to]);
        if to < line_end {
            shown.push('…');
        }
        let (line, col) = file.line_col(start);
        let name = format!("{}:{line}:{col} (excerpt of a long line)", file.name);
        let span = SourceSpan::from(offset + start - from..offset + label_end.max(start) - from);
        Some(Report {
            diag,
            source: Window {
                name,
                text: Arc::from(shown),
                offset: 0,
                first_line: 0,
            },
            labels: vec![LabeledSpan::new_primary_with_span(
                text_of(&diag.primary.message),
                span,
            )],
            related: Vec::new(),
        })
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|n| n as &dyn miette::Diagnostic),
        ))
    }
}

impl fmt::Debug for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            f.write_str("see also")
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for Note {}

impl miette::Diagnostic for Note {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.label.clone())))
    }
}
