//! The line editor's helper: colours, completion, hints, and multi-line
//! input (a line that leaves a bracket open is not finished).

use super::commands::COMMANDS;
use super::lex::{self, Kind, KEYWORDS};
use super::session::Session;
use crate::check::{Def, BUILTINS};
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::borrow::Cow;

/// The names completion offers, taken from the session after each input.
#[derive(Debug, Clone, Default)]
pub struct Vocab {
    /// Lexicons, patterns, lets and rules of the session's pack.
    pub names: Vec<String>,
    pub rules: Vec<String>,
    /// The fields of the schema (`ad.FIELD`).
    pub fields: Vec<String>,
}

impl Vocab {
    pub fn of(session: &Session) -> Vocab {
        let mut names: Vec<String> = session
            .names()
            .iter()
            .filter(|(_, (d, _))| !matches!(d, Def::Broken))
            .map(|(n, _)| n.clone())
            .collect();
        names.sort();
        let rules = session
            .pack()
            .checked()
            .rules
            .iter()
            .map(|r| r.name.clone())
            .collect();
        let fields = session
            .pack()
            .checked()
            .schema
            .fields
            .iter()
            .map(|f| f.name.clone())
            .collect();
        Vocab {
            names,
            rules,
            fields,
        }
    }
}

/// What to complete at the cursor.
#[derive(Debug, PartialEq)]
pub enum Completion {
    /// Replace from this byte offset with one of the words.
    Words(usize, Vec<String>),
    /// A file name (arguments of `:load`, `:scan`, `:ad`).
    File,
    None,
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The start of the identifier that ends at `pos`.
fn word_start(line: &str, pos: usize) -> usize {
    line[..pos]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_ident_char(*c))
        .last()
        .map_or(pos, |(i, _)| i)
}

/// Completion candidates at `pos` in `line`.
pub fn complete_at(vocab: &Vocab, line: &str, pos: usize) -> Completion {
    let before = &line[..pos];
    // Nothing to complete inside a string or a comment.
    if lex::tokens(before)
        .last()
        .is_some_and(|t| matches!(t.kind, Kind::String | Kind::Regex | Kind::Comment))
    {
        return Completion::None;
    }
    let lead = before.len() - before.trim_start().len();
    let head = &before[lead..];
    let start = word_start(line, pos);
    let word = &line[start..pos];
    let matching = |words: &mut dyn Iterator<Item = &str>| -> Vec<String> {
        let mut out: Vec<String> = words
            .filter(|w| w.starts_with(word))
            .map(str::to_string)
            .collect();
        out.sort();
        out.dedup();
        out
    };
    if head.starts_with(':') {
        match head.find(char::is_whitespace) {
            None => {
                let mut names = COMMANDS
                    .iter()
                    .map(|(n, _, _)| *n)
                    .filter(|n| n.starts_with(head))
                    .map(str::to_string)
                    .collect::<Vec<_>>();
                names.sort();
                return Completion::Words(lead, names);
            }
            Some(end) => match &head[..end] {
                ":load" | ":l" | ":scan" | ":s" => return Completion::File,
                ":ad" => {
                    let args = head[end..].trim_start();
                    if !args.starts_with('{') {
                        return Completion::File;
                    }
                    // Inside `:ad { ... }`: field names.
                    if before[..start].trim_end().ends_with(['{', ',', '"'])
                        || before[..start]
                            .trim_end()
                            .ends_with(|c: char| c.is_alphanumeric())
                    {
                        return Completion::Words(
                            start,
                            matching(&mut vocab.fields.iter().map(String::as_str)),
                        );
                    }
                    return Completion::None;
                }
                ":why" | ":w" => {
                    return Completion::Words(
                        start,
                        matching(&mut vocab.rules.iter().map(String::as_str)),
                    )
                }
                ":type" | ":t" => {}
                _ => return Completion::None,
            },
        }
    }
    // `ad.FIELD`
    if let Some(base) = before[..start].strip_suffix('.') {
        let base_start = word_start(base, base.len());
        if &base[base_start..] == "ad" {
            return Completion::Words(
                start,
                matching(&mut vocab.fields.iter().map(String::as_str)),
            );
        }
        return Completion::None;
    }
    if word.is_empty() || word.starts_with(|c: char| c.is_ascii_digit()) {
        return Completion::None;
    }
    let mut words = KEYWORDS
        .iter()
        .copied()
        .chain(BUILTINS.iter().map(|b| b.name))
        .chain(vocab.names.iter().map(String::as_str));
    Completion::Words(start, matching(&mut words))
}

/// A hint shown dimmed after the cursor: the rest of the only possible
/// completion (Right arrow accepts it), a command's arguments, or a
/// built-in function's signature.
pub struct ReplHint {
    display: String,
    completion: Option<String>,
}

impl Hint for ReplHint {
    fn display(&self) -> &str {
        &self.display
    }

    fn completion(&self) -> Option<&str> {
        self.completion.as_deref()
    }
}

pub fn hint_at(vocab: &Vocab, line: &str, pos: usize) -> Option<ReplHint> {
    if pos < line.len() || line.trim().is_empty() {
        return None;
    }
    let trimmed = line.trim_start();
    if let Some((name, args, doc)) = COMMANDS.iter().find(|(n, _, _)| *n == trimmed) {
        let _ = name;
        let display = if args.is_empty() {
            format!("  {doc}")
        } else {
            format!(" {args}  {doc}")
        };
        return Some(ReplHint {
            display,
            completion: None,
        });
    }
    // A built-in's signature after `name(`.
    if let Some(call) = line.strip_suffix('(') {
        let start = word_start(call, call.len());
        if let Some(b) = BUILTINS.iter().find(|b| b.name == &call[start..]) {
            let sig = b.signature.split_once('(').map_or(b.signature, |(_, s)| s);
            return Some(ReplHint {
                display: sig.to_string(),
                completion: None,
            });
        }
    }
    if let Completion::Words(start, words) = complete_at(vocab, line, pos) {
        let typed = &line[start..pos];
        if let [only] = words.as_slice() {
            if only.len() > typed.len() && !typed.is_empty() {
                let rest = only[typed.len()..].to_string();
                return Some(ReplHint {
                    display: rest.clone(),
                    completion: Some(rest),
                });
            }
        }
    }
    None
}

/// `text` with ANSI colours; the same characters otherwise (so the line
/// editor's cursor stays where it should).
pub fn colorize(text: &str, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() * 2);
    for t in lex::tokens(text) {
        let piece = &text[t.range.clone()];
        let style = match t.kind {
            Kind::Keyword => Some("35"),
            Kind::String | Kind::Regex => Some("32"),
            Kind::Number => Some("33"),
            Kind::Quantity => Some("36"),
            Kind::Comment => Some("2"),
            Kind::Command => Some("1;36"),
            Kind::Builtin => Some("34"),
            Kind::Space | Kind::Ident | Kind::Punct => None,
        };
        match style {
            Some(code) => {
                out.push_str("\x1b[");
                out.push_str(code);
                out.push('m');
                out.push_str(piece);
                out.push_str("\x1b[0m");
            }
            None => out.push_str(piece),
        }
    }
    out
}

/// The REPL's helper for rustyline.
pub struct ReplHelper {
    pub vocab: Vocab,
    pub color: bool,
    files: FilenameCompleter,
}

impl ReplHelper {
    pub fn new(vocab: Vocab, color: bool) -> ReplHelper {
        ReplHelper {
            vocab,
            color,
            files: FilenameCompleter::new(),
        }
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        match complete_at(&self.vocab, line, pos) {
            Completion::Words(start, words) => Ok((
                start,
                words
                    .into_iter()
                    .map(|w| Pair {
                        display: w.clone(),
                        replacement: w,
                    })
                    .collect(),
            )),
            Completion::File => self.files.complete(line, pos, ctx),
            Completion::None => Ok((pos, Vec::new())),
        }
    }
}

impl Hinter for ReplHelper {
    type Hint = ReplHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<ReplHint> {
        hint_at(&self.vocab, line, pos)
    }
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color {
            Cow::Owned(colorize(line, true))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        if lex::open_brackets(ctx.input()) > 0 {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

impl Helper for ReplHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        Vocab {
            names: vec!["euphemismes".into(), "tarif".into(), "texte".into()],
            rules: vec!["euphemisme".into(), "tarif_horaire".into()],
            fields: vec!["id".into(), "title".into(), "body".into(), "boosted".into()],
        }
    }

    fn words(line: &str) -> Vec<String> {
        match complete_at(&vocab(), line, line.len()) {
            Completion::Words(_, w) => w,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn completes_fields_commands_names_and_rules() {
        assert_eq!(words("ad.bo"), ["body", "boosted"]);
        assert_eq!(words("len(ad.ti"), ["title"]);
        assert_eq!(words(":wh"), [":why"]);
        assert_eq!(words(":why tar"), ["tarif_horaire"]);
        assert_eq!(words("ad.body has euph"), ["euphemismes"]);
        assert_eq!(words("te"), ["terms", "test", "texte"]);
        assert_eq!(words("hi"), ["hits"]);
        assert_eq!(words(":ad { bo"), ["body", "boosted"]);
        assert_eq!(complete_at(&vocab(), ":load rul", 9), Completion::File);
        assert_eq!(
            complete_at(&vocab(), "ad.body has \"eu", 15),
            Completion::None
        );
    }

    #[test]
    fn hints_the_only_completion_and_signatures() {
        let v = vocab();
        assert_eq!(hint_at(&v, "ad.bod", 6).unwrap().display, "y");
        assert!(hint_at(&v, "hits(", 5).unwrap().display.contains("lexicon"));
        assert!(hint_at(&v, ":why", 4).unwrap().display.starts_with(" RULE"));
        assert!(hint_at(&v, "ad.bo", 5).is_none());
    }

    #[test]
    fn colours_keep_the_text() {
        let line = "rule r { when ad.body has \"x\" and 30min > 2 } # c";
        let coloured = colorize(line, true);
        let plain: String = {
            let mut out = String::new();
            let mut chars = coloured.chars();
            while let Some(c) = chars.next() {
                if c == '\x1b' {
                    for c in chars.by_ref() {
                        if c == 'm' {
                            break;
                        }
                    }
                } else {
                    out.push(c);
                }
            }
            out
        };
        assert_eq!(plain, line);
    }
}
