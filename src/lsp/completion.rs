//! Completion that knows where it is: fields after `ad.`, members after a
//! price or a phone, lexicons and patterns after `has` (and in `hits`,
//! `terms`), fold profiles inside `fold(`, levels after `level`, rules
//! after `expect`, fields in a test ad, declaration keywords at the start
//! of a line, rule properties inside a rule, and in expressions the
//! pack's lets, `ad`, the built-ins (with snippets) and the operators.
//!
//! The context is read from the text before the cursor, so that it works
//! in a declaration that does not parse yet.

use super::query::in_literal_or_comment;
use super::workspace::Analysis;
use crate::check::{member_of, BuiltinKind, Def, Level, BUILTINS};
use crate::repl::lex::{tokens, Kind};
use crate::source::{FileId, Span};
use crate::syntax::chunk;
use crate::text::FoldProfile;
use crate::value::Type;
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionItemLabelDetails, Documentation,
    InsertTextFormat, MarkupContent, MarkupKind,
};

pub fn complete(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    snippets: bool,
) -> Vec<CompletionItem> {
    let text = analysis.text(file);
    let offset = crate::source::floor_char_boundary(text, offset);
    if in_literal_or_comment(text, offset) {
        return Vec::new();
    }
    let before = &text[..offset];
    let word_start = word_start(before);
    let head = &before[..word_start];
    let c = Completer {
        analysis,
        snippets,
        items: Vec::new(),
    };
    c.run(file, text, head, word_start)
}

struct Completer<'a> {
    analysis: &'a Analysis,
    snippets: bool,
    items: Vec<CompletionItem>,
}

/// The declaration piece (by [`chunk::split`]) that holds `offset`, its
/// keyword and the brackets still open at `offset` inside it.
struct Place<'t> {
    keyword: &'t str,
    /// Open brackets, innermost last, with the text before each.
    open: Vec<(char, usize)>,
    piece_start: usize,
}

fn place(text: &str, offset: usize) -> Place<'_> {
    let range = chunk::split(text)
        .into_iter()
        .find(|r| r.start <= offset && offset <= r.end)
        .unwrap_or(0..text.len());
    let piece = &text[range.start..offset];
    let keyword = piece
        .trim_start()
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    let keyword = &text[range.start..][piece.len() - piece.trim_start().len()..][..keyword.len()];
    let mut open = Vec::new();
    for t in tokens(piece) {
        if t.kind != Kind::Punct {
            continue;
        }
        match &piece[t.range.clone()] {
            "{" => open.push(('{', range.start + t.range.start)),
            "[" => open.push(('[', range.start + t.range.start)),
            "(" => open.push(('(', range.start + t.range.start)),
            "}" | "]" | ")" => {
                open.pop();
            }
            _ => {}
        }
    }
    Place {
        keyword,
        open,
        piece_start: range.start,
    }
}

/// The word that ends `text` (after trailing spaces).
fn last_word(text: &str) -> &str {
    let t = text.trim_end();
    &t[word_start(t)..]
}

/// Where the identifier that ends `text` starts: just after the last
/// character that cannot be part of one. That character may be several
/// bytes long ("dé", "voilà "), so the index steps over all of it.
fn word_start(text: &str) -> usize {
    text.char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

impl<'a> Completer<'a> {
    fn run(
        mut self,
        file: FileId,
        text: &str,
        head: &str,
        word_start: usize,
    ) -> Vec<CompletionItem> {
        let place = place(text, word_start);
        // After a dot: fields or members.
        if let Some(object) = head.strip_suffix('.') {
            self.members(file, text, object, word_start - 1, &place);
            return self.items;
        }
        let line_head = &head[head.rfind('\n').map_or(0, |i| i + 1)..];
        let at_line_start = line_head.trim().is_empty();
        let innermost = place.open.last().copied();
        // Inside fold(...).
        if let Some(('(', at)) = innermost {
            if text[..at].trim_end().ends_with("fold") {
                let written = &text[at..word_start];
                for name in FoldProfile::NAMES {
                    if !written.contains(name) {
                        self.push(name, CompletionItemKind::ENUM_MEMBER, "fold profile", None);
                    }
                }
                return self.items;
            }
        }
        let prev = last_word(head);
        let prev_is_word = !prev.is_empty() && head.trim_end().ends_with(prev);
        if prev_is_word && prev == "has" {
            self.atoms();
            self.push_snippet(
                "\"…\"",
                "\"$1\"",
                CompletionItemKind::TEXT,
                "a literal text",
            );
            return self.items;
        }
        if let Some(('(', at)) = innermost {
            let func = last_word(&text[..at]);
            if matches!(func, "hits" | "terms") && text[at..word_start].contains(',') {
                self.atoms();
                return self.items;
            }
        }
        if prev_is_word && prev == "level" && place.keyword == "rule" {
            for level in Level::NAMES {
                self.push(level, CompletionItemKind::ENUM_MEMBER, "level", None);
            }
            return self.items;
        }
        if place.keyword == "test" {
            self.test_context(head, at_line_start, prev, prev_is_word, &place, text);
            return self.items;
        }
        if at_line_start && place.open.is_empty() {
            if place.keyword == "pack" && line_head.starts_with(char::is_whitespace) {
                self.push(
                    "version",
                    CompletionItemKind::KEYWORD,
                    "pack property",
                    None,
                );
                self.push(
                    "threshold",
                    CompletionItemKind::KEYWORD,
                    "pack property",
                    None,
                );
            }
            self.declarations();
            return self.items;
        }
        if place.keyword == "rule" && place.open.len() == 1 && at_line_start {
            self.properties(text, &place, word_start);
            return self.items;
        }
        if matches!(place.keyword, "lexicon" | "schema" | "pack" | "pattern") {
            if place.keyword == "schema" && head.trim_end().ends_with(':') {
                for ty in [
                    "text",
                    "number",
                    "bool",
                    "money",
                    "duration",
                    "time",
                    "phone",
                    "price",
                    "list<text>",
                ] {
                    self.push(ty, CompletionItemKind::TYPE_PARAMETER, "type", None);
                }
            }
            return self.items;
        }
        self.expression(word_start);
        self.items
    }

    fn push(&mut self, label: &str, kind: CompletionItemKind, detail: &str, doc: Option<String>) {
        self.items.push(CompletionItem {
            label: label.to_string(),
            kind: Some(kind),
            detail: Some(detail.to_string()),
            documentation: doc.map(markdown),
            ..Default::default()
        });
    }

    fn push_snippet(&mut self, label: &str, snippet: &str, kind: CompletionItemKind, detail: &str) {
        let (insert, format) = if self.snippets {
            (snippet.to_string(), InsertTextFormat::SNIPPET)
        } else {
            (plain(snippet), InsertTextFormat::PLAIN_TEXT)
        };
        self.items.push(CompletionItem {
            label: label.to_string(),
            kind: Some(kind),
            detail: Some(detail.to_string()),
            insert_text: Some(insert),
            insert_text_format: Some(format),
            ..Default::default()
        });
    }

    /// The pack's names of some kind, sorted.
    fn names(&self, keep: impl Fn(Def) -> bool) -> Vec<(&'a str, Def, Span)> {
        let analysis: &'a Analysis = self.analysis;
        let mut names: Vec<(&'a str, Def, Span)> = analysis
            .checked
            .names
            .iter()
            .filter(|(_, (d, _))| keep(*d))
            .map(|(n, (d, s))| (n.as_str(), *d, *s))
            .collect();
        names.sort_by_key(|(n, _, _)| *n);
        names
    }

    fn atoms(&mut self) {
        for (name, def, _) in self.names(|d| matches!(d, Def::Lexicon(_) | Def::Pattern(_))) {
            let (kind, detail) = match def {
                Def::Lexicon(i) => (
                    CompletionItemKind::ENUM,
                    format!(
                        "lexicon, {} terms",
                        self.analysis
                            .checked
                            .pack
                            .lexicons
                            .get(i)
                            .map_or(0, |l| l.terms.len())
                    ),
                ),
                _ => (CompletionItemKind::CONSTANT, "pattern".to_string()),
            };
            let doc = super::hover::describe_name(self.analysis, name);
            self.push(name, kind, &detail, doc);
        }
    }

    fn members(&mut self, file: FileId, text: &str, object: &str, dot: usize, place: &Place) {
        let schema = &self.analysis.checked.pack.schema;
        let word = last_word(object);
        if word == "ad" && object.ends_with("ad") {
            for f in &schema.fields {
                let item = CompletionItem {
                    label: f.name.clone(),
                    kind: Some(CompletionItemKind::FIELD),
                    detail: Some(f.ty.to_string()),
                    label_details: Some(CompletionItemLabelDetails {
                        detail: None,
                        description: Some(f.ty.to_string()),
                    }),
                    ..Default::default()
                };
                self.items.push(item);
            }
            return;
        }
        // The type of the expression before the dot, as the checker saw it.
        let ty = self
            .analysis
            .checked
            .types
            .iter()
            .filter(|(s, _)| s.file == file && s.end as usize == dot)
            .min_by_key(|(s, _)| s.len())
            .map(|(_, t)| t.clone())
            .or_else(|| guess_type(self.analysis, text, object, place));
        let Some(ty) = ty else {
            return;
        };
        if let Err(fields) = member_of(ty.base(), "") {
            for name in fields {
                if let Ok((_, fty)) = member_of(ty.base(), name) {
                    self.push(name, CompletionItemKind::FIELD, &fty.to_string(), None);
                }
            }
        }
    }

    fn declarations(&mut self) {
        let decls: &[(&str, &str, &str)] = &[
            ("rule", "rule ${1:name} {\n  title \"$2\"\n  level ${3|low,medium,high|}\n  when $4\n  score ${5:10}\n}", "an indicator"),
            ("lexicon", "lexicon ${1:name} {\n  \"$2\"\n}", "words and phrases"),
            ("pattern", "pattern ${1:name} = re\"$2\"", "a regular expression"),
            ("let", "let ${1:name} = $2", "a named value"),
            ("test", "test \"${1:name}\" {\n  ad { title: \"$2\", body: \"$3\" }\n  expect ${4:rule}\n}", "a test"),
            ("schema", "schema ${1:ad} {\n  ${2:id}: ${3:text}\n}", "the record's fields"),
            ("pack", "pack ${1:name} \"${2:Title}\"\n  version \"${3:0.1.0}\"\n  threshold ${4:50}", "the pack"),
        ];
        for (label, snippet, detail) in decls {
            self.push_snippet(label, snippet, CompletionItemKind::KEYWORD, detail);
        }
    }

    fn properties(&mut self, text: &str, place: &Place, offset: usize) {
        let written = &text[place.piece_start..offset];
        let props: &[(&str, &str)] = &[
            ("title", "title \"$1\""),
            ("level", "level ${1|low,medium,high|}"),
            ("tags", "tags $1"),
            ("ref", "ref \"$1\""),
            ("note", "note \"$1\""),
            ("when", "when $1"),
            ("score", "score ${1:10}"),
        ];
        let words: Vec<&str> = tokens(written)
            .into_iter()
            .filter(|t| t.kind == Kind::Keyword)
            .map(|t| &written[t.range])
            .collect();
        for (label, snippet) in props {
            if !words.contains(label) {
                self.push_snippet(
                    label,
                    snippet,
                    CompletionItemKind::PROPERTY,
                    "rule property",
                );
            }
        }
    }

    fn test_context(
        &mut self,
        head: &str,
        at_line_start: bool,
        prev: &str,
        prev_is_word: bool,
        place: &Place,
        text: &str,
    ) {
        let head_trim = head.trim_end();
        if prev_is_word
            && (prev == "expect"
                || (prev == "not"
                    && last_word(head_trim.strip_suffix("not").unwrap_or("")) == "expect"))
        {
            for (name, _, _) in self.names(|d| matches!(d, Def::Rule(_))) {
                let doc = super::hover::describe_name(self.analysis, name);
                self.push(name, CompletionItemKind::FUNCTION, "rule", doc);
            }
            if prev == "expect" {
                self.push(
                    "not",
                    CompletionItemKind::KEYWORD,
                    "the rule does not fire",
                    None,
                );
                self.push(
                    "nothing",
                    CompletionItemKind::KEYWORD,
                    "no rule fires",
                    None,
                );
                self.push_snippet(
                    "score",
                    "score ${1|>=,<,==,>|} ${2:60}",
                    CompletionItemKind::KEYWORD,
                    "the ad's score",
                );
            }
            return;
        }
        // A field of a test ad.
        if let Some(('{', at)) = place.open.last().copied() {
            if place.open.len() >= 2 && (head_trim.ends_with('{') || head_trim.ends_with(',')) {
                let _ = text;
                let _ = at;
                let fields: Vec<(String, Type)> = self
                    .analysis
                    .checked
                    .pack
                    .schema
                    .fields
                    .iter()
                    .map(|f| (f.name.clone(), f.ty.clone()))
                    .collect();
                for (name, ty) in fields {
                    let snippet = if *ty.base() == Type::Text {
                        format!("{name}: \"$1\"")
                    } else {
                        format!("{name}: $1")
                    };
                    self.push_snippet(&name, &snippet, CompletionItemKind::FIELD, &ty.to_string());
                }
                return;
            }
        }
        if at_line_start && place.open.len() == 1 {
            self.push_snippet(
                "ad",
                "ad { ${1:body}: \"$2\" }",
                CompletionItemKind::KEYWORD,
                "one test ad",
            );
            self.push_snippet(
                "ads",
                "ads [\n  { ${1:body}: \"$2\" }\n]",
                CompletionItemKind::KEYWORD,
                "several test ads, in order",
            );
            self.push_snippet(
                "expect",
                "expect ${1:rule}",
                CompletionItemKind::KEYWORD,
                "an expectation",
            );
        } else if at_line_start && place.open.is_empty() {
            self.declarations();
        }
    }

    fn expression(&mut self, offset: usize) {
        let _ = offset;
        for (name, def, _) in self.names(|d| matches!(d, Def::Let(_))) {
            let detail = match def {
                Def::Let(i) => format!(
                    "let: {}",
                    self.analysis
                        .checked
                        .pack
                        .lets
                        .get(i)
                        .map_or(Type::Error, |l| l.ty.clone())
                ),
                _ => String::new(),
            };
            let doc = super::hover::describe_name(self.analysis, name);
            self.push(name, CompletionItemKind::VARIABLE, &detail, doc);
        }
        self.push("ad", CompletionItemKind::VARIABLE, "the record", None);
        for b in BUILTINS {
            let snippet = builtin_snippet(b.name, b.kind);
            let (insert, format) = if self.snippets {
                (snippet, InsertTextFormat::SNIPPET)
            } else {
                (format!("{}(", b.name), InsertTextFormat::PLAIN_TEXT)
            };
            self.items.push(CompletionItem {
                label: b.name.to_string(),
                kind: Some(CompletionItemKind::FUNCTION),
                detail: Some(b.signature.to_string()),
                documentation: Some(markdown(b.doc.to_string())),
                insert_text: Some(insert),
                insert_text_format: Some(format),
                ..Default::default()
            });
        }
        for kw in ["and", "or", "not", "has", "true", "false", "null"] {
            self.push(kw, CompletionItemKind::KEYWORD, "keyword", None);
        }
    }
}

/// A guess at the type of a lambda variable in a declaration that does not
/// parse: `any(prices(...), p => p.` makes `p` a price.
fn guess_type(analysis: &Analysis, text: &str, object: &str, place: &Place) -> Option<Type> {
    let var = last_word(object);
    let before_var = object.strip_suffix(var)?;
    if last_word(before_var) == "ad" && before_var.trim_end().ends_with("ad.") {
        let field = &analysis.checked.pack.schema.fields;
        return field.iter().find(|f| f.name == var).map(|f| f.ty.clone());
    }
    let piece = text.get(place.piece_start..object.len())?;
    let arrow = piece.rfind(&format!("{var} =>"))?;
    let quant = piece[..arrow]
        .rfind("any(")
        .max(piece[..arrow].rfind("all("))?;
    let list = &piece[quant..arrow];
    if list.contains("prices(") {
        Some(Type::Price)
    } else if list.contains("phones(") {
        Some(Type::Phone)
    } else {
        None
    }
}

fn builtin_snippet(name: &str, kind: BuiltinKind) -> String {
    match (name, kind) {
        (_, BuiltinKind::Quantifier) => format!("{name}(${{1:list}}, ${{2:x}} => $3)"),
        (_, BuiltinKind::Hits) => format!("{name}(${{1:text}}, ${{2:lexicon}})"),
        ("count", _) => "count(by: ${1:ad.phone}, within: ${2:7d})".to_string(),
        ("distinct", _) => {
            "distinct(${1:ad.city}, by: ${2:ad.phone}, within: ${3:14d})".to_string()
        }
        ("min" | "max", _) => format!("{name}(${{1:a}}, ${{2:b}})"),
        ("exists", _) => "exists(${1:value})".to_string(),
        ("len", _) => "len(${1:text})".to_string(),
        _ => format!("{name}(${{1:text}})"),
    }
}

/// A snippet without its placeholders, for clients without snippets.
fn plain(snippet: &str) -> String {
    let mut out = String::new();
    let mut chars = snippet.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'{') {
            chars.next();
            let mut inner = String::new();
            for c in chars.by_ref() {
                if c == '}' {
                    break;
                }
                inner.push(c);
            }
            if let Some((_, default)) = inner.split_once(':') {
                out.push_str(default);
            } else if let Some(choices) = inner.split_once('|') {
                out.push_str(choices.1.split([',', '|']).next().unwrap_or(""));
            }
        } else {
            while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                chars.next();
            }
        }
    }
    out
}

fn markdown(value: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    })
}
