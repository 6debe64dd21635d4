//! A small tokenizer for what is typed at the prompt: enough to colour it,
//! to know whether brackets are still open (multi-line input), and to find
//! the word under the cursor (completion). It never fails: anything it does
//! not know is punctuation, and the parser reports real mistakes.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Space,
    Comment,
    /// `"..."`, possibly unterminated (strings never span lines).
    String,
    /// `re"..."`.
    Regex,
    /// `12`, `1.5`.
    Number,
    /// A number with a unit glued to it: `30min`, `2h`, `150€`.
    Quantity,
    /// A word of the language (`rule`, `and`, `has`, `when`, ...).
    Keyword,
    /// A built-in function (`len`, `hits`, ...).
    Builtin,
    Ident,
    /// `:why` at the start of the input.
    Command,
    Punct,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub range: Range<usize>,
}

/// Words coloured as keywords: declarations, rule properties, operators,
/// test words and `ad`.
pub const KEYWORDS: &[&str] = &[
    "pack",
    "lexicon",
    "pattern",
    "schema",
    "let",
    "rule",
    "test",
    "version",
    "threshold",
    "fold",
    "raw",
    "title",
    "level",
    "tags",
    "ref",
    "note",
    "when",
    "score",
    "and",
    "or",
    "not",
    "has",
    "true",
    "false",
    "null",
    "ad",
    "ads",
    "expect",
    "nothing",
    "on",
];

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Cuts `text` into tokens covering all of it.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let first_code = text.len() - text.trim_start().len();
    while let Some(&(start, c)) = chars.peek() {
        let kind;
        if c.is_whitespace() {
            while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                chars.next();
            }
            kind = Kind::Space;
        } else if c == '#' {
            while chars.peek().is_some_and(|(_, c)| *c != '\n') {
                chars.next();
            }
            kind = Kind::Comment;
        } else if c == '"' {
            chars.next();
            string_body(&mut chars);
            kind = Kind::String;
        } else if c == ':' && start == first_code {
            chars.next();
            while chars.peek().is_some_and(|(_, c)| is_ident_char(*c)) {
                chars.next();
            }
            kind = Kind::Command;
        } else if c.is_ascii_digit() {
            while chars.peek().is_some_and(|(_, c)| c.is_ascii_digit()) {
                chars.next();
            }
            // A fraction only when a digit follows the dot.
            let rest = &text[chars.peek().map_or(text.len(), |(i, _)| *i)..];
            if rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
                chars.next();
                while chars.peek().is_some_and(|(_, c)| c.is_ascii_digit()) {
                    chars.next();
                }
            }
            let mut unit = false;
            while chars
                .peek()
                .is_some_and(|(_, c)| is_ident_start(*c) || matches!(c, '€' | '$' | '£'))
            {
                unit = true;
                chars.next();
            }
            kind = if unit { Kind::Quantity } else { Kind::Number };
        } else if is_ident_start(c) {
            while chars.peek().is_some_and(|(_, c)| is_ident_char(*c)) {
                chars.next();
            }
            let end = chars.peek().map_or(text.len(), |(i, _)| *i);
            let word = &text[start..end];
            if word == "re" && text[end..].starts_with('"') {
                chars.next();
                string_body(&mut chars);
                kind = Kind::Regex;
            } else if text[..start].ends_with('.') {
                // A field or member: `ad.title` is not the keyword `title`.
                kind = Kind::Ident;
            } else if KEYWORDS.contains(&word) {
                kind = Kind::Keyword;
            } else if crate::check::BUILTINS.iter().any(|b| b.name == word)
                && text[end..].trim_start().starts_with('(')
            {
                kind = Kind::Builtin;
            } else {
                kind = Kind::Ident;
            }
        } else {
            chars.next();
            kind = Kind::Punct;
        }
        let end = chars.peek().map_or(text.len(), |(i, _)| *i);
        out.push(Token {
            kind,
            range: start..end,
        });
    }
    out
}

/// Consumes a string body after its opening quote, through the closing
/// quote or to the end of the line.
fn string_body(chars: &mut std::iter::Peekable<std::str::CharIndices>) {
    let mut escaped = false;
    while let Some(&(_, c)) = chars.peek() {
        if c == '\n' {
            return;
        }
        chars.next();
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            return;
        }
    }
}

/// How many brackets (`{`, `[`, `(`) are open at the end of `text`, outside
/// strings and comments. Input is complete when this is 0.
pub fn open_brackets(text: &str) -> usize {
    let mut depth: usize = 0;
    for t in tokens(text) {
        if t.kind == Kind::Punct {
            match &text[t.range] {
                "{" | "[" | "(" => depth += 1,
                "}" | "]" | ")" => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        tokens(text)
            .into_iter()
            .filter(|t| t.kind != Kind::Space)
            .map(|t| (t.kind, &text[t.range]))
            .collect()
    }

    #[test]
    fn tokens_cover_the_text() {
        let text = "rule r { when ad.body has re\"a\\\"b\" and 30min > 2 # c\n score 1.5 }é";
        let joined: String = tokens(text)
            .iter()
            .map(|t| &text[t.range.clone()])
            .collect();
        assert_eq!(joined, text);
        assert_eq!(
            kinds(":why x has \"a{\" len(ad.title) 150€ 12"),
            vec![
                (Kind::Command, ":why"),
                (Kind::Ident, "x"),
                (Kind::Keyword, "has"),
                (Kind::String, "\"a{\""),
                (Kind::Builtin, "len"),
                (Kind::Punct, "("),
                (Kind::Keyword, "ad"),
                (Kind::Punct, "."),
                (Kind::Ident, "title"),
                (Kind::Punct, ")"),
                (Kind::Quantity, "150€"),
                (Kind::Number, "12"),
            ]
        );
    }

    #[test]
    fn counts_open_brackets_outside_strings() {
        assert_eq!(open_brackets("lexicon x {"), 1);
        assert_eq!(open_brackets("lexicon x { \"}\" # }"), 1);
        assert_eq!(open_brackets("lexicon x { \"a\" }"), 0);
        assert_eq!(open_brackets("any([1, 2], x => (x > 1"), 2);
        assert_eq!(open_brackets("}"), 0);
    }
}
