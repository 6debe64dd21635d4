//! Questions about a place in a pack: which name is under the cursor, and
//! where a name occurs. Shared by hover, navigation, rename and tokens.

use super::workspace::Analysis;
use crate::repl::lex::{tokens, Kind};
use crate::source::{FileId, Span};
use crate::syntax::ast::DeclKind;

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The identifier at `offset` (or just before it): its byte range.
pub fn word_at(text: &str, offset: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let mut start = offset;
    while start > 0 && is_ident(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = offset;
    while end < bytes.len() && is_ident(bytes[end]) {
        end += 1;
    }
    (start < end && !bytes[start].is_ascii_digit()).then_some((start, end))
}

fn contains(span: Span, file: FileId, offset: usize) -> bool {
    span.file == file && span.start as usize <= offset && offset <= span.end as usize
}

/// Whether `offset` is inside a string, a regex literal or a comment of
/// `text` (the end of an unterminated string counts as inside).
pub fn in_literal_or_comment(text: &str, offset: usize) -> bool {
    tokens(text).iter().any(|t| {
        let (s, e) = (t.range.start, t.range.end);
        match t.kind {
            Kind::Comment => s < offset && offset <= e,
            Kind::String | Kind::Regex => {
                let body = if t.kind == Kind::Regex { s + 3 } else { s + 1 };
                let closed = e > body && text[s..e].ends_with('"');
                s < offset && (offset < e || (offset == e && !closed))
            }
            _ => false,
        }
    })
}

/// The pack name (lexicon, pattern, let, rule) written at `offset`: a use
/// the checker saw, a definition, or a word in a declaration that did not
/// parse. Returns the name and the span of that occurrence.
pub fn name_at(analysis: &Analysis, file: FileId, offset: usize) -> Option<(String, Span)> {
    let checked = &analysis.checked;
    if let Some((name, span)) = checked
        .uses
        .iter()
        .find(|(_, span)| contains(*span, file, offset))
    {
        return Some((name.clone(), *span));
    }
    if let Some((name, (_, span))) = checked
        .names
        .iter()
        .find(|(_, (_, span))| contains(*span, file, offset))
    {
        return Some((name.clone(), *span));
    }
    // A name written in a declaration that does not parse.
    let text = analysis.text(file);
    let (start, end) = word_at(text, offset)?;
    let broken = analysis
        .file(file)
        .decls
        .iter()
        .any(|d| matches!(d.kind, DeclKind::Broken { .. }) && contains(d.span, file, offset));
    let word = &text[start..end];
    if broken && checked.names.contains_key(word) && !text[..start].ends_with('.') {
        return Some((word.to_string(), Span::new(file, start, end)));
    }
    None
}

/// Every place `name` is written in the pack: its definition (first),
/// every use the checker saw, and the words in declarations that did not
/// parse. Sorted by file and offset after the definition; no duplicates.
pub fn occurrences(analysis: &Analysis, name: &str, with_definition: bool) -> Vec<Span> {
    let checked = &analysis.checked;
    let mut spans: Vec<Span> = checked
        .uses
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, s)| *s)
        .collect();
    for (i, file) in analysis.files.iter().enumerate() {
        let text = analysis.text(i as FileId);
        for decl in &file.decls {
            if !matches!(decl.kind, DeclKind::Broken { .. }) {
                continue;
            }
            let piece = &text[decl.span.range()];
            for t in tokens(piece) {
                if t.kind == Kind::Ident
                    && &piece[t.range.clone()] == name
                    && !piece[..t.range.start].ends_with('.')
                {
                    let start = decl.span.start as usize + t.range.start;
                    spans.push(Span::new(i as FileId, start, start + name.len()));
                }
            }
        }
    }
    let definition = checked.names.get(name).map(|(_, span)| *span);
    spans.retain(|s| Some(*s) != definition);
    spans.sort_by_key(|s| (s.file, s.start));
    spans.dedup();
    if with_definition {
        if let Some(def) = definition {
            spans.insert(0, def);
        }
    }
    spans
}
