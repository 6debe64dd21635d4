//! The state of a REPL session: the pack's files as read, the declarations
//! typed at the prompt, the compiled pack they make, and the current ad.
//!
//! The session's pack is always one that checks without errors: a typed
//! declaration that does not check is reported and forgotten. A typed
//! declaration whose name is already defined (in the pack or earlier at the
//! prompt) replaces the older one: the older declaration is blanked out of
//! its file (spaces of the same byte length, so every other span still
//! points at the right place), and the new one joins the pack.
//!
//! Every input gets its own source, named `<repl:N>` for the Nth input, so
//! diagnostics point into what was typed.

use crate::check::{Def, Ir};
use crate::diagnostic::{Code, Diagnostic};
use crate::scan::record::{decode_value, from_literal};
use crate::scan::{Evidence, Record, Verdict, WhyLine};
use crate::source::{FileId, SourceFile, Sources, Span};
use crate::syntax::ast::{Decl, DeclKind, RecordLit, TestItem};
use crate::value::{Type, Value};
use crate::Pack;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Why an operation did not happen: a message, or diagnostics to render
/// against their sources.
#[derive(Debug)]
pub enum Problem {
    Message(String),
    Diagnostics(Sources, Vec<Diagnostic>),
}

impl From<String> for Problem {
    fn from(message: String) -> Problem {
        Problem::Message(message)
    }
}

/// Warnings to show after something succeeded (possibly none).
#[derive(Debug, Default)]
pub struct Warnings {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where the current ad comes from, kept so it can be read again when the
/// schema changes.
#[derive(Debug, Clone)]
pub enum AdOrigin {
    Json(serde_json::Value),
    Literal(RecordLit),
}

#[derive(Debug, Clone)]
pub struct Ad {
    pub origin: AdOrigin,
    pub record: Record,
    /// Where it came from: `examples/annonces.jsonl:11` or `<repl:4>`.
    pub label: String,
}

/// One declaration that joined the session's pack.
#[derive(Debug, Clone)]
pub struct Declared {
    /// `lexicon`, `rule`, ...
    pub kind: &'static str,
    pub name: String,
    /// Where the declaration it replaces was (`rules/fr/regles.vigie:12`).
    pub replaced: Option<String>,
}

/// What a pack (re)load found.
#[derive(Debug)]
pub struct Loaded {
    pub warnings: Warnings,
    /// Typed declarations that no longer check after a reload, with why.
    pub dropped: Vec<(String, Problem)>,
}

/// An expression checked in the session's context.
pub struct CheckedExpr {
    pub pack: Pack,
    pub ty: Type,
    pub ir: Ir,
    pub warnings: Warnings,
}

pub struct Session {
    path: Option<PathBuf>,
    /// The pack's files as read from disk.
    pack_files: Vec<SourceFile>,
    /// Declarations typed at the prompt, in order (each its own source).
    typed: Vec<SourceFile>,
    pack: Pack,
    names: Names,
    default_name: String,
    ad: Option<Ad>,
    inputs: usize,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    /// An empty session: no rule, the default schema.
    pub fn new() -> Session {
        let (pack, names) = build(Sources::default(), "repl")
            .unwrap_or_else(|_| unreachable!("an empty pack always checks"));
        Session {
            path: None,
            pack_files: Vec::new(),
            typed: Vec::new(),
            pack,
            names,
            default_name: "repl".to_string(),
            ad: None,
            inputs: 0,
        }
    }

    /// Counts one more input and returns its source name, `<repl:N>`.
    pub fn next_input(&mut self) -> String {
        self.inputs += 1;
        format!("<repl:{}>", self.inputs)
    }

    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn ad(&self) -> Option<&Ad> {
        self.ad.as_ref()
    }

    /// The names of the session's pack and what they are.
    pub fn names(&self) -> &Names {
        &self.names
    }

    /// True when `file` was typed at the prompt (not read from the pack).
    pub fn is_typed(&self, file: FileId) -> bool {
        file as usize >= self.pack_files.len()
    }

    /// The session's files as checked: the pack's, then the typed ones,
    /// with replaced declarations blanked out.
    pub fn sources(&self) -> Sources {
        let files: Vec<SourceFile> = self.pack_files.iter().chain(&self.typed).cloned().collect();
        assemble(files, self.pack_files.len())
    }

    /// Starts again from the pack at `path` (typed declarations are
    /// forgotten; the current ad is kept if it still fits the schema).
    pub fn load(&mut self, path: &Path) -> Result<Loaded, Problem> {
        let sources = crate::read_sources(path)?;
        let default_name = crate::default_pack_name(path);
        let (pack, names) = build(sources.clone(), &default_name)?;
        self.path = Some(path.to_path_buf());
        self.pack_files = sources.files;
        self.typed.clear();
        self.default_name = default_name;
        let warnings = Warnings {
            sources: pack.sources().clone(),
            diagnostics: pack.warnings().to_vec(),
        };
        self.pack = pack;
        self.names = names;
        Ok(Loaded {
            warnings,
            dropped: Vec::new(),
        })
    }

    /// Reads the pack's files again, keeping the typed declarations that
    /// still check.
    pub fn reload(&mut self) -> Result<Loaded, Problem> {
        let Some(path) = self.path.clone() else {
            return Err(Problem::Message(
                "no pack to reload: start with `vigie repl PACK` or `:load PATH`".into(),
            ));
        };
        let typed = self.typed.clone();
        let mut loaded = self.load(&path)?;
        for file in typed {
            if let Err(problem) = self.declare(&file.name, &file.text) {
                loaded.dropped.push((file.name.clone(), problem));
            }
        }
        Ok(loaded)
    }

    /// Adds the declarations of `text` (the input named `name`) to the
    /// session's pack, if the pack still checks with them.
    pub fn declare(
        &mut self,
        name: &str,
        text: &str,
    ) -> Result<(Vec<Declared>, Warnings), Problem> {
        let before = self.sources();
        let previous = declared_keys(&before);
        let mut typed = self.typed.clone();
        typed.push(SourceFile {
            name: name.to_string(),
            text: text.into(),
        });
        let files: Vec<SourceFile> = self.pack_files.iter().chain(&typed).cloned().collect();
        let sources = assemble(files, self.pack_files.len());
        let new_file = (sources.files.len() - 1) as FileId;
        let (decls, _) = crate::syntax::parse_file(new_file, text);
        let checked = crate::analyze(&sources, &self.default_name);
        if checked.has_errors() {
            let diagnostics = checked
                .diagnostics
                .into_iter()
                .filter(|d| d.is_error() || d.primary.span.file == new_file && worth_showing(d))
                .collect();
            return Err(Problem::Diagnostics(sources, diagnostics));
        }
        let names = checked.names.clone();
        let warnings: Vec<Diagnostic> = checked
            .diagnostics
            .iter()
            .filter(|d| d.primary.span.file == new_file && worth_showing(d))
            .cloned()
            .collect();
        let pack = crate::Pack::from_checked(sources.clone(), checked).map_err(load_problem)?;
        let items = decls
            .iter()
            .filter_map(|d| {
                let key = key_of(d)?;
                Some(Declared {
                    kind: kind_of(&d.kind),
                    name: match &d.kind {
                        DeclKind::Test(t) => format!("\"{}\"", t.name.value),
                        _ => key.rsplit(':').next().unwrap_or(&key).to_string(),
                    },
                    replaced: previous.get(&key).cloned(),
                })
            })
            .collect();
        self.typed = typed;
        self.pack = pack;
        self.names = names;
        Ok((
            items,
            Warnings {
                sources,
                diagnostics: warnings,
            },
        ))
    }

    /// Checks the expression `display.text[range]` in the session's
    /// context. Diagnostics point into `display` (named `<repl:N>`).
    pub fn check_expr(
        &self,
        display: &SourceFile,
        range: std::ops::Range<usize>,
    ) -> Result<CheckedExpr, Problem> {
        let mut sources = self.sources();
        let expr_file = sources.add(display.name.clone(), &display.text[range.clone()]);
        let (checked, typed) = crate::analyze_expr(&sources, &self.default_name, expr_file);
        let mut shown = sources.clone();
        shown.files[expr_file as usize] = display.clone();
        let remap = |d: Diagnostic| shift(d, expr_file, range.start, range.len());
        if checked.has_errors() {
            let diagnostics = checked
                .diagnostics
                .into_iter()
                .filter(|d| d.is_error() || d.primary.span.file == expr_file && worth_showing(d))
                .map(remap)
                .collect();
            return Err(Problem::Diagnostics(shown, diagnostics));
        }
        let Some((ty, ir)) = typed else {
            // analyze_expr reports an expression that does not parse.
            return Err(Problem::Message("the expression could not be read".into()));
        };
        let warnings = checked
            .diagnostics
            .iter()
            .filter(|d| d.primary.span.file == expr_file && worth_showing(d))
            .cloned()
            .map(remap)
            .collect();
        let pack = Pack::from_checked(sources, checked).map_err(load_problem)?;
        Ok(CheckedExpr {
            pack,
            ty,
            ir,
            warnings: Warnings {
                sources: shown,
                diagnostics: warnings,
            },
        })
    }

    /// Evaluates a checked expression on the current ad (or on an empty ad
    /// when none is set).
    pub fn eval(&self, expr: &CheckedExpr) -> Result<(Value, Vec<Evidence>), Problem> {
        let record = match &self.ad {
            Some(ad) => ad.record.clone(),
            None => self.empty_ad()?,
        };
        let mut scanner = expr.pack.scanner();
        Ok(scanner.eval(&record, &expr.ir))
    }

    /// An ad with every text empty and every optional field missing.
    pub fn empty_ad(&self) -> Result<Record, Problem> {
        let lit = RecordLit {
            fields: Vec::new(),
            span: Span::default(),
        };
        from_literal(&self.pack.checked().schema, &lit, "").map_err(|(_, reason)| {
            Problem::Message(format!(
                "no current ad, and an empty one does not fit the schema ({reason}): set one with `:ad`"
            ))
        })
    }

    /// Sets the current ad from a record literal: `display.text[range]`
    /// is `{ body: "..." }`, the same syntax as a test's `ad { ... }`.
    pub fn set_ad_literal(
        &mut self,
        display: &SourceFile,
        range: std::ops::Range<usize>,
    ) -> Result<(), Problem> {
        const PREFIX: &str = "test \"ad\" { ad ";
        let literal = &display.text[range.clone()];
        let wrapped = format!("{PREFIX}{literal}\n}}\n");
        let mut sources = self.sources();
        let file = sources.add(display.name.clone(), wrapped.as_str());
        let mut shown = sources.clone();
        shown.files[file as usize] = display.clone();
        let remap = |d: Diagnostic| {
            let d = clamp(d, file, PREFIX.len(), PREFIX.len() + literal.len());
            shift_back(d, file, PREFIX.len(), range.start)
        };
        let (decls, parse_diags) = crate::syntax::parse_file(file, &wrapped);
        if !parse_diags.is_empty() {
            return Err(Problem::Diagnostics(
                shown,
                parse_diags.into_iter().map(remap).collect(),
            ));
        }
        let lit = match decls.as_slice() {
            [Decl {
                kind: DeclKind::Test(t),
                ..
            }] => match t.items.as_slice() {
                [TestItem::Ad(lit)] => Some(lit.clone()),
                _ => None,
            },
            _ => None,
        };
        let Some(lit) = lit else {
            return Err(bad_literal(&shown, Span::new(file, range.start, range.end)));
        };
        // The checker's own checks of test ads (unknown fields, values that
        // do not fit the schema), with the session's schema.
        let mut all: Vec<Decl> = Vec::new();
        for (id, f) in sources.files.iter().enumerate().take(file as usize) {
            let (d, _) = crate::syntax::parse_file(id as FileId, &f.text);
            all.extend(
                d.into_iter()
                    .filter(|d| matches!(d.kind, DeclKind::Schema(_) | DeclKind::Pack(_))),
            );
        }
        all.extend(decls);
        let checked = crate::check::check(&sources, &all, &self.default_name);
        let errors: Vec<Diagnostic> = checked
            .diagnostics
            .into_iter()
            .filter(|d| d.is_error() && d.primary.span.file == file)
            .map(remap)
            .collect();
        if !errors.is_empty() {
            return Err(Problem::Diagnostics(shown, errors));
        }
        let record = from_literal(&self.pack.checked().schema, &lit, "")
            .map_err(|(_, reason)| Problem::Message(format!("the ad cannot be read: {reason}")))?;
        self.ad = Some(Ad {
            origin: AdOrigin::Literal(lit),
            record,
            label: display.name.clone(),
        });
        Ok(())
    }

    /// Sets the current ad from a JSON Lines file: the Nth record (1-based,
    /// blank lines are not records), or the record whose `id` is `which`.
    pub fn set_ad_file(&mut self, path: &str, which: &str) -> Result<(), Problem> {
        let text = std::fs::read(path)
            .map_err(|e| format!("cannot read {path}: {e}"))
            .and_then(|bytes| {
                String::from_utf8(bytes).map_err(|_| format!("{path} is not UTF-8"))
            })?;
        let records = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let wanted: Option<usize> = which.parse().ok();
        let mut count = 0;
        let mut found = None;
        for (i, line) in records {
            count += 1;
            match wanted {
                Some(n) if n == count => {
                    found = Some((i + 1, line));
                    break;
                }
                Some(_) => {}
                None => {
                    let is_it = serde_json::from_str::<serde_json::Value>(line)
                        .ok()
                        .is_some_and(|v| v.get("id").and_then(|id| id.as_str()) == Some(which));
                    if is_it {
                        found = Some((i + 1, line));
                        break;
                    }
                }
            }
        }
        let Some((line_no, line)) = found else {
            return Err(Problem::Message(match wanted {
                Some(0) => "records are numbered from 1".to_string(),
                Some(n) => format!("{path} has {count} records, not {n}"),
                None => format!("{path} has no record with id \"{which}\""),
            }));
        };
        let json: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("{path}:{line_no}: invalid JSON: {e}"))?;
        let record = decode_value(&self.pack.checked().schema, &json)
            .map_err(|e| format!("{path}:{line_no}: {e}"))?;
        self.ad = Some(Ad {
            origin: AdOrigin::Json(json),
            record,
            label: format!("{path}:{line_no}"),
        });
        Ok(())
    }

    /// Reads the current ad again against the (possibly new) schema; on
    /// failure the ad is dropped and the reason returned.
    pub fn refresh_ad(&mut self) -> Option<String> {
        let ad = self.ad.as_mut()?;
        let schema = &self.pack.checked().schema;
        let record = match &ad.origin {
            AdOrigin::Json(json) => decode_value(schema, json).map_err(|e| e.reason),
            AdOrigin::Literal(lit) => from_literal(schema, lit, "").map_err(|(_, r)| r),
        };
        match record {
            Ok(record) => {
                ad.record = record;
                None
            }
            Err(reason) => {
                self.ad = None;
                Some(reason)
            }
        }
    }

    /// The verdict of the session's pack on the current ad.
    pub fn verdict(&self) -> Option<Verdict> {
        let ad = self.ad.as_ref()?;
        Some(self.pack.scanner().scan(&ad.record))
    }

    /// Each part of rule `name`'s condition on the current ad.
    pub fn why(&self, name: &str) -> Result<(Vec<WhyLine>, bool), Problem> {
        if !self.pack.checked().rules.iter().any(|r| r.name == name) {
            let rules = self.pack.checked().rules.iter().map(|r| r.name.as_str());
            let hint = match crate::diagnostic::did_you_mean(name, rules) {
                Some(s) => format!(": did you mean `{s}`?"),
                None => " (`:rules` lists them)".to_string(),
            };
            return Err(Problem::Message(format!("no rule named `{name}`{hint}")));
        }
        let Some(ad) = &self.ad else {
            return Err(Problem::Message(
                "no current ad: set one with `:ad { body: \"...\" }` or `:ad FILE N`".into(),
            ));
        };
        let mut scanner = self.pack.scanner();
        let fired = scanner
            .scan(&ad.record)
            .rules
            .iter()
            .any(|r| r.rule == name);
        let lines = scanner.why(&ad.record, name).unwrap_or_default();
        Ok((lines, fired))
    }

    /// Where a declaration is: `rules/fr/regles.vigie:12`.
    pub fn location(&self, span: Span) -> String {
        let file = self.pack.sources().get(span.file);
        format!("{}:{}", file.name, file.line_col(span.start as usize).0)
    }

    /// The text of the declaration that defines `name`, with its location.
    pub fn declaration_of(&self, name: &str) -> Option<(String, String)> {
        let (_, span) = self.names.get(name)?;
        let sources = self.pack.sources();
        let file = sources.get(span.file);
        let (decls, _) = crate::syntax::parse_file(span.file, &file.text);
        let decl = decls
            .iter()
            .find(|d| d.span.start <= span.start && span.end <= d.span.end)?;
        Some((
            self.location(decl.span),
            sources.slice(decl.span).to_string(),
        ))
    }
}

/// Warnings that make sense at the prompt: not "never used" (it will be,
/// in the next input) nor "no pack declaration" (a session needs none).
fn worth_showing(d: &Diagnostic) -> bool {
    !matches!(d.code, Code::UnusedDeclaration | Code::MissingPack)
}

/// What each name of the pack is, and where it is defined.
type Names = HashMap<String, (Def, Span)>;

/// Checks and compiles a pack from its files.
fn build(sources: Sources, default_name: &str) -> Result<(Pack, Names), Problem> {
    let checked = crate::analyze(&sources, default_name);
    let names = checked.names.clone();
    let pack = Pack::from_checked(sources, checked).map_err(load_problem)?;
    Ok((pack, names))
}

fn load_problem(e: crate::LoadError) -> Problem {
    match e.io {
        Some(io) => Problem::Message(io),
        None => Problem::Diagnostics(e.sources, e.diagnostics),
    }
}

fn bad_literal(shown: &Sources, span: Span) -> Problem {
    Problem::Diagnostics(
        shown.clone(),
        vec![Diagnostic::error(
            Code::Syntax,
            span,
            "expected one ad: `{ field: value, ... }`",
        )
        .label("not an ad")
        .help("write the ad like a test ad: `:ad { title: \"...\", body: \"...\" }`")],
    )
}

/// What a declaration defines, as a key: a later declaration with the same
/// key replaces it.
fn key_of(decl: &Decl) -> Option<String> {
    match &decl.kind {
        DeclKind::Pack(_) => Some("pack".into()),
        DeclKind::Schema(_) => Some("schema".into()),
        DeclKind::Test(t) => Some(format!("test:{}", t.name.value)),
        DeclKind::Broken {
            keyword,
            name: Some(name),
        } => Some(format!("{keyword}:{}", name.text)),
        // Only a declaration of the same kind is replaced: a rule named
        // like a let is the checker's "defined twice".
        kind => kind
            .defined_name()
            .map(|n| format!("{}:{}", kind_of(kind), n.text)),
    }
}

fn kind_of(kind: &DeclKind) -> &'static str {
    match kind {
        DeclKind::Pack(_) => "pack",
        DeclKind::Lexicon(_) => "lexicon",
        DeclKind::Pattern(_) => "pattern",
        DeclKind::Schema(_) => "schema",
        DeclKind::Let(_) => "let",
        DeclKind::Rule(_) => "rule",
        DeclKind::Test(_) => "test",
        DeclKind::Broken { .. } => "declaration",
    }
}

/// The key of every declaration of `sources`, with where it is.
fn declared_keys(sources: &Sources) -> HashMap<String, String> {
    let mut keys = HashMap::new();
    for (id, file) in sources.files.iter().enumerate() {
        let (decls, _) = crate::syntax::parse_file(id as FileId, &file.text);
        for d in decls {
            if let Some(key) = key_of(&d) {
                let line = file.line_col(d.span.start as usize).0;
                keys.insert(key, format!("{}:{line}", file.name));
            }
        }
    }
    keys
}

/// The files as one pack: a declaration of an earlier file is blanked out
/// when a typed file (index `first_typed` or later) after it declares the
/// same key.
fn assemble(mut files: Vec<SourceFile>, first_typed: usize) -> Sources {
    let keys: Vec<Vec<(String, Span)>> = files
        .iter()
        .enumerate()
        .map(|(id, f)| {
            let (decls, _) = crate::syntax::parse_file(id as FileId, &f.text);
            decls
                .iter()
                .filter_map(|d| key_of(d).map(|k| (k, d.span)))
                .collect()
        })
        .collect();
    for i in 0..files.len() {
        let later: HashSet<&str> = keys[(i + 1).max(first_typed)..]
            .iter()
            .flatten()
            .map(|(k, _)| k.as_str())
            .collect();
        let replaced: Vec<Span> = keys[i]
            .iter()
            .filter(|(k, _)| later.contains(k.as_str()))
            .map(|(_, s)| *s)
            .collect();
        if !replaced.is_empty() {
            let mut text = files[i].text.to_string();
            for span in replaced {
                text = blank(&text, span.range());
            }
            files[i].text = text.into();
        }
    }
    Sources { files }
}

/// `text` with `range` replaced by spaces, byte for byte (newlines kept),
/// so every other offset is unchanged.
fn blank(text: &str, range: std::ops::Range<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if range.contains(&i) && c != '\n' {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// Moves the spans of `d` in `file` by `by` bytes, clamped to `len` bytes
/// after `by` (an expression checked alone, shown within its input line).
fn shift(d: Diagnostic, file: FileId, by: usize, len: usize) -> Diagnostic {
    map_spans(d, file, |s| {
        let start = (s.start as usize).min(len) + by;
        let end = (s.end as usize).min(len) + by;
        Span::new(file, start, end.max(start))
    })
}

/// Clamps the spans of `d` in `file` to `start..end`.
fn clamp(d: Diagnostic, file: FileId, start: usize, end: usize) -> Diagnostic {
    map_spans(d, file, |s| {
        let a = (s.start as usize).clamp(start, end);
        let b = (s.end as usize).clamp(a, end);
        Span::new(file, a, b)
    })
}

/// Moves spans of `d` in `file` from offset `from` to offset `to`.
fn shift_back(d: Diagnostic, file: FileId, from: usize, to: usize) -> Diagnostic {
    map_spans(d, file, |s| {
        Span::new(
            file,
            s.start as usize - from + to,
            s.end as usize - from + to,
        )
    })
}

fn map_spans(mut d: Diagnostic, file: FileId, f: impl Fn(Span) -> Span) -> Diagnostic {
    if d.primary.span.file == file {
        d.primary.span = f(d.primary.span);
    }
    for label in &mut d.secondary {
        if label.span.file == file {
            label.span = f(label.span);
        }
    }
    if let Some(fix) = &mut d.fix {
        if fix.span.file == file {
            fix.span = f(fix.span);
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanking_keeps_offsets() {
        let text = "a é\nb";
        let b = blank(text, 0..text.len() - 1);
        assert_eq!(b.len(), text.len());
        assert_eq!(b, "    \nb");
    }

    #[test]
    fn typed_declarations_replace_older_ones() {
        let mut s = Session::new();
        let n = s.next_input();
        s.declare(&n, "lexicon x { \"a\" }").unwrap();
        let n = s.next_input();
        let (items, _) = s.declare(&n, "lexicon x { \"b\" }").unwrap();
        assert_eq!(items[0].replaced.as_deref(), Some("<repl:1>:1"));
        assert_eq!(s.pack().checked().lexicons.len(), 1);
        assert_eq!(s.pack().checked().lexicons[0].terms[0].text, "b");
    }
}
