//! The checker: names, types, units and lints.
//!
//! [`check`] takes the declarations of every file of a pack and returns a
//! [`CheckedPack`] with every name resolved and every expression typed, plus
//! the diagnostics. It never stops at the first problem: an unknown name
//! gets the type `Error`, which fits everywhere, so each mistake is reported
//! once and the rest of the pack is still checked.
//!
//! Order of work: the pack and schema declarations, then every name in the
//! namespace (so a rule can use a lexicon defined later or in another
//! file), then lexicons, patterns, lets (on demand, with cycle detection),
//! rules, tests, and finally the lints that need the whole picture.

mod aggregates;
mod builtins;
mod decls;
mod expr;
pub mod ir;
mod lints;
mod schema;

pub use builtins::{member_of, BuiltinKind, Builtins, BUILTINS};
pub use decls::{validate_regex, REGEX_SIZE_LIMIT};
pub use ir::*;

use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::source::{Sources, Span};
use crate::syntax::ast::{Decl, DeclKind};
use crate::value::Type;
use std::collections::HashMap;

/// Words of the language, which cannot name anything.
pub const RESERVED: &[&str] = &[
    "test", "expect", "count", "distinct", "within", "by", "and", "or", "not", "has", "true",
    "false", "null", "ad",
];

/// Rule properties: they end an expression, so a lexicon, pattern, let or
/// rule cannot be named after them (a record field can: it is read as
/// `ad.tags`).
pub const PROPERTY_WORDS: &[&str] = &["title", "level", "tags", "ref", "note", "when", "score"];

/// What a name in the pack's namespace refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Def {
    Lexicon(usize),
    Pattern(usize),
    Let(usize),
    Rule(usize),
    /// A declaration that did not parse.
    Broken,
}

/// The result of checking: the pack (usable even when there are errors,
/// by the REPL and the language server), the diagnostics, and the
/// namespace.
#[derive(Debug, Clone)]
pub struct Checked {
    pub pack: CheckedPack,
    pub diagnostics: Vec<Diagnostic>,
    pub names: HashMap<String, (Def, Span)>,
    /// Every place a name is used, for references and rename.
    pub uses: Vec<(String, Span)>,
    /// The type of every expression checked (and of every lambda
    /// parameter), by span, for hover.
    pub types: Vec<(Span, Type)>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks the declarations of a pack. `default_name` names the pack when it
/// has no `pack` declaration (its folder or file name).
pub fn check(sources: &Sources, decls: &[Decl], default_name: &str) -> Checked {
    let mut c = Checker::new(sources, decls, default_name);
    c.run();
    let mut diagnostics = c.diags;
    diagnostics.sort_by_key(|d| (d.primary.span.file, d.primary.span.start, d.severity));
    Checked {
        pack: c.pack,
        diagnostics,
        names: c.names,
        uses: c.uses,
        types: c.types,
    }
}

/// Checks a pack and, in its context, one more expression (what the REPL
/// evaluates). The expression's texts join the pack's sources, so the
/// compiled pack can match them; its diagnostics are in the result.
pub fn check_with_expr(
    sources: &Sources,
    decls: &[Decl],
    default_name: &str,
    expr: &crate::syntax::ast::Expr,
) -> (Checked, Type, Ir) {
    let mut c = Checker::new(sources, decls, default_name);
    c.run();
    let (ty, ir) = c.expr(expr);
    let mut diagnostics = c.diags;
    diagnostics.sort_by_key(|d| (d.primary.span.file, d.primary.span.start, d.severity));
    let checked = Checked {
        pack: c.pack,
        diagnostics,
        names: c.names,
        uses: c.uses,
        types: c.types,
    };
    (checked, ty, ir)
}

#[derive(Debug, Clone, PartialEq)]
enum LetState {
    NotChecked,
    InProgress,
    Done,
}

pub(crate) struct Checker<'a> {
    sources: &'a Sources,
    decls: &'a [Decl],
    pack: CheckedPack,
    diags: Vec<Diagnostic>,
    names: HashMap<String, (Def, Span)>,
    uses: Vec<(String, Span)>,
    types: Vec<(Span, Type)>,
    /// The let declarations, by index in `pack.lets`.
    let_decls: Vec<&'a crate::syntax::ast::LetDecl>,
    let_states: Vec<LetState>,
    /// Lexicons, patterns and lets that something refers to.
    used: std::collections::HashSet<Def>,
    /// `has "literal"` → its synthetic lexicon.
    literal_lexicons: HashMap<String, usize>,
    atom_ids: HashMap<Atom, AtomId>,
    /// Names of lambda parameters in scope, innermost last.
    scope: Vec<(String, Type)>,
}

impl<'a> Checker<'a> {
    fn new(sources: &'a Sources, decls: &'a [Decl], default_name: &str) -> Checker<'a> {
        Checker {
            sources,
            decls,
            pack: CheckedPack {
                meta: PackMeta {
                    name: default_name.to_string(),
                    title: None,
                    version: None,
                    threshold: 50.0,
                },
                schema: schema::default_schema(),
                lexicons: Vec::new(),
                patterns: Vec::new(),
                atoms: Vec::new(),
                sources: Vec::new(),
                lets: Vec::new(),
                rules: Vec::new(),
                tests: Vec::new(),
                aggregates: Vec::new(),
            },
            diags: Vec::new(),
            names: HashMap::new(),
            uses: Vec::new(),
            types: Vec::new(),
            let_decls: Vec::new(),
            let_states: Vec::new(),
            used: Default::default(),
            literal_lexicons: HashMap::new(),
            atom_ids: HashMap::new(),
            scope: Vec::new(),
        }
    }

    fn run(&mut self) {
        self.pack_decl();
        self.schema_decl();
        self.collect_names();
        for decl in self.decls {
            match &decl.kind {
                DeclKind::Lexicon(d) => self.lexicon(d),
                DeclKind::Pattern(d) => self.pattern(d),
                _ => {}
            }
        }
        for i in 0..self.let_decls.len() {
            self.check_let(i, None);
        }
        for decl in self.decls {
            if let DeclKind::Rule(d) = &decl.kind {
                self.rule(d);
            }
        }
        for decl in self.decls {
            if let DeclKind::Test(d) = &decl.kind {
                self.test(d, decl.span);
            }
        }
        self.lints();
    }

    /// Registers every lexicon, pattern, let and rule name, reporting
    /// duplicates with both places and reserved words.
    fn collect_names(&mut self) {
        let mut counts = [0usize; 4];
        for decl in self.decls {
            let Some(name) = decl.kind.defined_name() else {
                continue;
            };
            let def = match &decl.kind {
                DeclKind::Lexicon(_) => Def::Lexicon(next(&mut counts[0])),
                DeclKind::Pattern(_) => Def::Pattern(next(&mut counts[1])),
                DeclKind::Let(d) => {
                    self.let_decls.push(d);
                    self.let_states.push(LetState::NotChecked);
                    self.pack.lets.push(Let {
                        name: d.name.text.clone(),
                        ty: Type::Error,
                        value: Ir::Const(crate::value::Value::Missing),
                        span: d.name.span,
                    });
                    Def::Let(next(&mut counts[2]))
                }
                DeclKind::Rule(_) => Def::Rule(next(&mut counts[3])),
                _ => Def::Broken,
            };
            if RESERVED.contains(&name.text.as_str())
                || PROPERTY_WORDS.contains(&name.text.as_str())
            {
                self.diags.push(
                    Diagnostic::error(
                        Code::ReservedName,
                        name.span,
                        format!("`{}` is a reserved word", name.text),
                    )
                    .label("cannot be used as a name")
                    .help(format!("choose another name, such as `{}_`", name.text)),
                );
                continue;
            }
            if let Some((_, first)) = self.names.get(&name.text) {
                self.diags.push(
                    Diagnostic::error(
                        Code::DuplicateName,
                        name.span,
                        format!("`{}` is defined twice", name.text),
                    )
                    .label("second definition")
                    .with_secondary(*first, "first defined here")
                    .help("all files of a pack share one namespace: rename one of them"),
                );
                continue;
            }
            self.names.insert(name.text.clone(), (def, name.span));
        }
    }

    /// Suggests a name of the namespace (or a lambda variable) for `word`.
    fn suggest_name(&self, word: &str) -> Option<String> {
        let mut candidates: Vec<&str> = self.names.keys().map(String::as_str).collect();
        candidates.extend(self.scope.iter().map(|(n, _)| n.as_str()));
        candidates.push("ad");
        candidates.sort_unstable();
        did_you_mean(word, candidates).map(str::to_string)
    }
}

fn next(counter: &mut usize) -> usize {
    *counter += 1;
    *counter - 1
}
