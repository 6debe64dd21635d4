//! Cutting a file into top-level declarations before parsing.
//!
//! pest stops at the first error. To keep one broken declaration from
//! hiding the rest of the file, the file is first cut at every line that
//! starts, at column 0, a new declaration; each piece is then parsed alone.
//!
//! A line starts a declaration when its first word is a declaration keyword
//! (`rule`, `lexicon`, ...) at column 0, or at any indentation when every
//! brace opened before it is closed (rules embedded in an indented string);
//! or when it looks like a misspelt keyword (`rul`, `lexicn`) at column 0,
//! so that the misspelling is reported on its own piece. Property keywords
//! (`when`, `score`, ...) and field names (`word:`) do not cut. Strings
//! never span lines, so brace counting needs no state across lines.

use crate::diagnostic::did_you_mean;
use std::ops::Range;

pub const DECLARATION_KEYWORDS: &[&str] = &[
    "pack", "lexicon", "pattern", "schema", "let", "rule", "test",
];

/// Words that may legitimately start a column-0 line inside a declaration.
const INNER_WORDS: &[&str] = &[
    "version",
    "threshold",
    "title",
    "level",
    "tags",
    "ref",
    "note",
    "when",
    "score",
    "ad",
    "ads",
    "expect",
    "and",
    "or",
    "not",
    "has",
    "true",
    "false",
    "fold",
    "raw",
];

/// Byte ranges of the declarations of `text`, in order, covering all of it.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let mut starts = vec![0];
    let mut offset = 0;
    let mut depth: i64 = 0;
    for line in text.split_inclusive('\n') {
        let indented = line.trim_start_matches([' ', '\t']);
        let at_keyword = !std::ptr::eq(indented, line)
            && depth <= 0
            && DECLARATION_KEYWORDS.contains(&first_word(indented));
        if offset > 0 && (starts_declaration(line) || at_keyword) {
            starts.push(offset);
            depth = 0;
        }
        depth += brace_balance(line);
        offset += line.len();
    }
    let mut ranges = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        ranges.push(start..end);
    }
    ranges
}

fn first_word(line: &str) -> &str {
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    &line[..end]
}

/// Braces opened minus braces closed on one line, outside strings and
/// comments.
fn brace_balance(line: &str) -> i64 {
    let mut balance = 0;
    let mut in_string = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_string {
            match c {
                '\\' if !escaped => {
                    escaped = true;
                    continue;
                }
                '"' if !escaped => in_string = false,
                _ => {}
            }
            escaped = false;
            continue;
        }
        match c {
            '#' => break,
            '"' => in_string = true,
            '{' => balance += 1,
            '}' => balance -= 1,
            _ => {}
        }
    }
    balance
}

fn starts_declaration(line: &str) -> bool {
    let word: String = line
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if word.is_empty() || !word.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return false;
    }
    if DECLARATION_KEYWORDS.contains(&word.as_str()) {
        return true;
    }
    if INNER_WORDS.contains(&word.as_str()) {
        return false;
    }
    let rest = line[word.len()..].trim_start();
    if rest.starts_with(':') || rest.starts_with("=>") || rest.starts_with('.') {
        return false;
    }
    did_you_mean(&word, DECLARATION_KEYWORDS.iter().copied()).is_some()
}

#[cfg(test)]
mod tests {
    use super::split;

    fn pieces(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn cuts_at_each_declaration() {
        let text =
            "# head\npack p\n  threshold 10\nrule a {\nwhen x\nscore 1\n}\nlexicon l { \"a\" }\n";
        assert_eq!(
            pieces(text),
            vec![
                "# head\n",
                "pack p\n  threshold 10\n",
                "rule a {\nwhen x\nscore 1\n}\n",
                "lexicon l { \"a\" }\n"
            ]
        );
    }

    #[test]
    fn cuts_indented_declarations_only_outside_braces() {
        let text = "  pack p\n    threshold 10\n  lexicon l {\n    \"pattern\"\n  }\n  rule r { when x score 1 }\n";
        assert_eq!(
            pieces(text),
            vec![
                "  pack p\n    threshold 10\n",
                "  lexicon l {\n    \"pattern\"\n  }\n",
                "  rule r { when x score 1 }\n"
            ]
        );
    }

    #[test]
    fn cuts_at_misspelt_keyword_but_not_at_fields() {
        let text = "schema ad {\nrole: text\n}\nrul r {}\n";
        assert_eq!(
            pieces(text),
            vec!["schema ad {\nrole: text\n}\n", "rul r {}\n"]
        );
    }
}
