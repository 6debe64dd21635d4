//! The outline of a file (document symbols) and its folding ranges.

use super::workspace::Analysis;
use crate::check::Def;
use crate::source::{FileId, Span};
use crate::syntax::ast::{Decl, DeclKind};
use lsp_types::{DocumentSymbol, FoldingRange, FoldingRangeKind, SymbolKind};

fn kind_of_keyword(keyword: &str) -> SymbolKind {
    match keyword {
        "pack" => SymbolKind::PACKAGE,
        "lexicon" => SymbolKind::ARRAY,
        "pattern" => SymbolKind::STRING,
        "schema" => SymbolKind::STRUCT,
        "let" => SymbolKind::VARIABLE,
        "rule" => SymbolKind::EVENT,
        "test" => SymbolKind::METHOD,
        _ => SymbolKind::NULL,
    }
}

#[allow(deprecated)]
fn symbol(
    analysis: &Analysis,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: Span,
    selection: Span,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: analysis.range(range),
        selection_range: analysis.range(selection),
        children,
    }
}

pub fn document_symbols(analysis: &Analysis, file: FileId) -> Vec<DocumentSymbol> {
    analysis
        .file(file)
        .decls
        .iter()
        .filter_map(|d| decl_symbol(analysis, d))
        .collect()
}

fn decl_symbol(analysis: &Analysis, decl: &Decl) -> Option<DocumentSymbol> {
    let pack = &analysis.checked.pack;
    let def_of = |name: &str, span: Span| {
        analysis
            .checked
            .names
            .get(name)
            .filter(|(_, s)| *s == span)
            .map(|(d, _)| *d)
    };
    let s = |name: &str, detail: Option<String>, kind, selection| {
        symbol(
            analysis,
            name.to_string(),
            detail,
            kind,
            decl.span,
            selection,
            None,
        )
    };
    Some(match &decl.kind {
        DeclKind::Pack(p) => s(
            &p.name.text,
            p.title.as_ref().map(|t| t.value.clone()),
            SymbolKind::PACKAGE,
            p.name.span,
        ),
        DeclKind::Lexicon(l) => s(
            &l.name.text,
            Some(format!("{} terms", l.terms.len())),
            SymbolKind::ARRAY,
            l.name.span,
        ),
        DeclKind::Pattern(p) => s(
            &p.name.text,
            Some(format!("re\"{}\"", p.regex)),
            SymbolKind::STRING,
            p.name.span,
        ),
        DeclKind::Let(l) => {
            let ty = match def_of(&l.name.text, l.name.span) {
                Some(Def::Let(i)) => pack.lets.get(i).map(|l| l.ty.to_string()),
                _ => None,
            };
            s(&l.name.text, ty, SymbolKind::VARIABLE, l.name.span)
        }
        DeclKind::Rule(r) => {
            let detail = match def_of(&r.name.text, r.name.span) {
                Some(Def::Rule(i)) => pack.rules.get(i).and_then(|r| r.title.clone()),
                _ => None,
            };
            s(&r.name.text, detail, SymbolKind::EVENT, r.name.span)
        }
        DeclKind::Test(t) => s(&t.name.value, None, SymbolKind::METHOD, t.name.span),
        DeclKind::Schema(schema) => {
            let fields = schema
                .fields
                .iter()
                .map(|f| {
                    symbol(
                        analysis,
                        f.name.text.clone(),
                        Some(analysis.sources.slice(f.ty.span).to_string()),
                        SymbolKind::FIELD,
                        f.name.span.to(f.ty.span),
                        f.name.span,
                        None,
                    )
                })
                .collect();
            symbol(
                analysis,
                schema.name.text.clone(),
                None,
                SymbolKind::STRUCT,
                decl.span,
                schema.name.span,
                Some(fields),
            )
        }
        DeclKind::Broken { keyword, name } => {
            let (label, selection) = match name {
                Some(n) => (n.text.clone(), n.span),
                None => (keyword.clone(), decl.span),
            };
            let label = if label.is_empty() {
                "(declaration)".to_string()
            } else {
                label
            };
            s(
                &label,
                Some(format!("{keyword} (does not parse)")),
                kind_of_keyword(keyword),
                selection,
            )
        }
    })
}

/// A range per declaration that spans lines, and per run of two or more
/// comment lines.
pub fn folding_ranges(analysis: &Analysis, file: FileId) -> Vec<FoldingRange> {
    let mut out = Vec::new();
    for decl in &analysis.file(file).decls {
        let range = analysis.range(decl.span);
        if range.end.line > range.start.line {
            out.push(FoldingRange {
                start_line: range.start.line,
                start_character: None,
                end_line: range.end.line,
                end_character: None,
                kind: Some(FoldingRangeKind::Region),
                collapsed_text: None,
            });
        }
    }
    let text = analysis.text(file);
    let mut run: Option<(u32, u32)> = None;
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let i = i as u32;
        if line.trim_start().starts_with('#') {
            run = Some(match run {
                Some((start, _)) => (start, i),
                None => (i, i),
            });
        } else if let Some((start, end)) = run.take() {
            if end > start {
                out.push(comment_range(start, end));
            }
        }
    }
    if let Some((start, end)) = run {
        if end > start {
            out.push(comment_range(start, end));
        }
    }
    out.sort_by_key(|r| (r.start_line, r.end_line));
    out
}

fn comment_range(start: u32, end: u32) -> FoldingRange {
    FoldingRange {
        start_line: start,
        start_character: None,
        end_line: end,
        end_character: None,
        kind: Some(FoldingRangeKind::Comment),
        collapsed_text: None,
    }
}
