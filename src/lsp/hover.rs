//! Hover: what the thing under the cursor is. A name shows its declaration
//! (a lexicon's size and first terms, a pattern's regex, a let's type and
//! value, a rule's title, level, score and tags), a built-in its signature
//! and doc, `ad.FIELD` the field's type, any other expression its type.

use super::query::{in_literal_or_comment, name_at, word_at};
use super::workspace::Analysis;
use crate::check::{Def, BUILTINS};
use crate::source::{FileId, Span};
use crate::syntax::ast::DeclKind;
use crate::text::FoldProfile;
use crate::value::format_number;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

/// How many terms of a lexicon a hover lists.
const TERMS_SHOWN: usize = 10;

pub fn hover(analysis: &Analysis, file: FileId, offset: usize) -> Option<Hover> {
    let text = analysis.text(file);
    if in_literal_or_comment(text, offset) {
        return None;
    }
    let (markdown, span) = describe(analysis, file, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(analysis.range(span)),
    })
}

fn describe(analysis: &Analysis, file: FileId, offset: usize) -> Option<(String, Span)> {
    let text = analysis.text(file);
    if let Some((name, span)) = name_at(analysis, file, offset) {
        if let Some(md) = describe_name(analysis, &name) {
            return Some((md, span));
        }
    }
    let (start, end) = word_at(text, offset)?;
    let word = &text[start..end];
    let span = Span::new(file, start, end);
    let before = &text[..start];
    let after = text[end..].trim_start();
    // A built-in function.
    if after.starts_with('(') {
        if let Some(b) = BUILTINS.iter().find(|b| b.name == word) {
            return Some((format!("```vigie\n{}\n```\n\n{}", b.signature, b.doc), span));
        }
    }
    // A field of the record.
    if before.trim_end().ends_with("ad.") || before.ends_with("ad.") {
        let schema = &analysis.checked.pack.schema;
        if let Some(field) = schema.fields.iter().find(|f| f.name == word) {
            return Some((
                format!(
                    "```vigie\nad.{}: {}\n```\n\nfield of the record (schema `{}`)",
                    field.name, field.ty, schema.name
                ),
                span,
            ));
        }
    }
    // A fold profile or a level.
    if FoldProfile::from_name(word).is_some() && in_fold(before) {
        return Some((fold_doc(word).to_string(), span));
    }
    if let Some(doc) = keyword_doc(word) {
        if !before.ends_with('.') {
            return Some((doc.to_string(), span));
        }
    }
    // Any other expression: its type, from the checker.
    let (ty_span, ty) = analysis
        .checked
        .types
        .iter()
        .filter(|(s, _)| s.file == file && s.start as usize <= offset && offset <= s.end as usize)
        .min_by_key(|(s, _)| s.len())?;
    let shown = analysis.sources.slice(*ty_span);
    let shown = if shown.len() > 60 || shown.contains('\n') {
        String::new()
    } else {
        format!("{shown}: ")
    };
    Some((format!("```vigie\n{shown}{ty}\n```"), *ty_span))
}

fn in_fold(before: &str) -> bool {
    match before.rfind("fold(") {
        Some(i) => !before[i..].contains(')'),
        None => false,
    }
}

/// The hover text of a name of the pack.
pub fn describe_name(analysis: &Analysis, name: &str) -> Option<String> {
    let pack = &analysis.checked.pack;
    let (def, span) = *analysis.checked.names.get(name)?;
    let md = match def {
        Def::Lexicon(i) => {
            let lex = pack.lexicons.get(i)?;
            let mut md = format!(
                "```vigie\nlexicon {} fold({})\n```\n\n{} term{}",
                lex.name,
                lex.fold.names().join(", "),
                lex.terms.len(),
                if lex.terms.len() == 1 { "" } else { "s" }
            );
            if !lex.terms.is_empty() {
                md.push_str(": ");
                let shown: Vec<String> = lex
                    .terms
                    .iter()
                    .take(TERMS_SHOWN)
                    .map(|t| format!("`{}{}`", t.text, if t.prefix { "*" } else { "" }))
                    .collect();
                md.push_str(&shown.join(", "));
                if lex.terms.len() > TERMS_SHOWN {
                    md.push_str(&format!(", … ({} more)", lex.terms.len() - TERMS_SHOWN));
                }
            }
            md
        }
        Def::Pattern(i) => {
            let p = pack.patterns.get(i)?;
            format!(
                "```vigie\npattern {}{} = re\"{}\"\n```\n\n{}",
                p.name,
                if p.raw { " raw" } else { "" },
                p.regex,
                if p.raw {
                    "matched against the original text"
                } else {
                    "matched against the folded text (lower case, no accents)"
                }
            )
        }
        Def::Let(i) => {
            let l = pack.lets.get(i)?;
            let value = let_source(analysis, span).unwrap_or_default();
            format!(
                "```vigie\nlet {}: {}\n```\n\n```vigie\n{}\n```",
                l.name, l.ty, value
            )
        }
        Def::Rule(i) => {
            let r = pack.rules.get(i)?;
            let mut md = format!("```vigie\nrule {}\n```\n\n", r.name);
            if let Some(title) = &r.title {
                md.push_str(&format!("**{title}**\n\n"));
            }
            md.push_str(&format!(
                "level `{}` · score {}",
                r.level.as_str(),
                format_number(r.score)
            ));
            if !r.tags.is_empty() {
                md.push_str(&format!(" · tags {}", r.tags.join(", ")));
            }
            if let Some(reference) = &r.reference {
                md.push_str(&format!("\n\nref: {reference}"));
            }
            if let Some(note) = &r.note {
                md.push_str(&format!("\n\nnote: {note}"));
            }
            md
        }
        Def::Broken => {
            let keyword = analysis
                .files
                .get(span.file as usize)
                .and_then(|f| {
                    f.decls.iter().find_map(|d| match &d.kind {
                        DeclKind::Broken {
                            keyword,
                            name: Some(n),
                        } if n.span == span => Some(keyword.clone()),
                        _ => None,
                    })
                })
                .unwrap_or_default();
            format!("```vigie\n{keyword} {name}\n```\n\nthis declaration does not parse yet")
        }
    };
    Some(md)
}

/// The value of the `let` whose name is at `name_span`, as written.
fn let_source(analysis: &Analysis, name_span: Span) -> Option<String> {
    let file = analysis.files.get(name_span.file as usize)?;
    file.decls.iter().find_map(|d| match &d.kind {
        DeclKind::Let(l) if l.name.span == name_span => {
            Some(analysis.sources.slice(l.value.span).to_string())
        }
        _ => None,
    })
}

fn fold_doc(profile: &str) -> &'static str {
    match profile {
        "case" => "`case`: upper and lower case are the same (`MASSAGE` = `massage`)",
        "accents" => "`accents`: diacritics are removed (`évasion` = `evasion`), `œ` → `oe`, `ß` → `ss`",
        "leet" => "`leet`: look-alikes in words are read as letters (`M4ss4ge` = `massage`)",
        "spacing" => "`spacing`: letters written one by one are joined (`m.a.s.s.a.g.e` = `massage`)",
        "emoji" => "`emoji`: emoji that stand for words become the word (🌹 → `rose`), keycaps become digits",
        _ => "",
    }
}

/// A line about each word of the language.
pub fn keyword_doc(word: &str) -> Option<&'static str> {
    Some(match word {
        "pack" => "`pack NAME \"Title\"`: the pack's name, title, `version` and `threshold`",
        "lexicon" => "`lexicon NAME fold(...) { \"term\" ... }`: words and phrases matched at word boundaries after folding",
        "pattern" => "`pattern NAME [raw] = re\"...\"`: a regular expression (regex crate dialect, linear time)",
        "schema" => "`schema NAME { field: type ... }`: the record's fields (replaces the default ad schema)",
        "let" => "`let NAME = EXPRESSION`: a named value, computed at most once per record",
        "rule" => "`rule NAME { title level tags ref note when score }`: an indicator",
        "test" => "`test \"NAME\" { ad {...} expect ... }`: a test of the pack, run by `vigie test`",
        "has" => "`TEXT has LEXICON | PATTERN | \"literal\"`: true when the text contains a hit",
        "and" => "`a and b`: both conditions",
        "or" => "`a or b`: either condition",
        "not" => "`not a`: the condition is false",
        "when" => "`when CONDITION`: when the rule fires (required)",
        "score" => "`score N`: what the rule adds to the ad's score when it fires (may be negative)",
        "level" => "`level low | medium | high`: how strong the evidence is (default `medium`)",
        "title" => "`title \"...\"`: one line for the analyst, shown in reports",
        "tags" => "`tags a, b`: names for grouping rules",
        "ref" => "`ref \"...\"`: a reference (a law article, a report)",
        "note" => "`note \"...\"`: why this weight",
        "threshold" => "`threshold N`: an ad is flagged when its score reaches N",
        "version" => "`version \"...\"`: the pack's version",
        "fold" => "`fold(case, accents, leet, spacing, emoji)`: what folding removes before matching (default `case, accents`)",
        "raw" => "`raw`: the pattern sees the original text (case, accents) instead of the folded text",
        "expect" => "`expect RULE [on N]`, `expect not RULE`, `expect nothing`, `expect score OP N`",
        "ad" => "`ad`: the record being scanned; `ad.FIELD` reads a field",
        "low" | "medium" | "high" => "a rule's level: how strong its evidence is (shown, does not change the score)",
        _ => return None,
    })
}
