//! Checking declarations: pack, lexicons, patterns, lets, rules, tests.

use super::{Checker, Def, Ir, Let, LetState, Level, Lexicon, Pattern, Rule, Term, Test, Why};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{
    DeclKind, Expectation, LetDecl, LexiconDecl, PatternDecl, RuleDecl, RulePropKind, TestDecl,
    TestItem,
};
use crate::text::{fold_str, FoldProfile};
use crate::value::Type;
use std::collections::HashMap;

/// Regexes larger than this (compiled) are refused; see E0302.
pub const REGEX_SIZE_LIMIT: usize = 10 * 1024 * 1024;

impl Checker<'_> {
    pub(super) fn pack_decl(&mut self) {
        let mut first: Option<Span> = None;
        for decl in self.decls {
            let DeclKind::Pack(d) = &decl.kind else {
                continue;
            };
            if let Some(first) = first {
                self.diags.push(
                    Diagnostic::error(
                        Code::PackDeclaration,
                        d.name.span,
                        "a second `pack` declaration",
                    )
                    .label("second one")
                    .with_secondary(first, "the pack is already declared here")
                    .help("keep one `pack` declaration per pack"),
                );
                continue;
            }
            first = Some(d.name.span);
            let meta = &mut self.pack.meta;
            meta.name = d.name.text.clone();
            meta.title = d.title.as_ref().map(|s| s.value.clone());
            meta.version = d.version.as_ref().map(|s| s.value.clone());
            if let Some((threshold, span)) = d.threshold {
                if threshold <= 0.0 {
                    self.diags.push(
                        Diagnostic::error(
                            Code::BadThreshold,
                            span,
                            "the threshold must be greater than zero",
                        )
                        .label("every ad would be flagged")
                        .help("choose the score from which an ad is flagged, e.g. `threshold 60`"),
                    );
                } else {
                    self.pack.meta.threshold = threshold;
                }
            }
        }
        if first.is_none() && !self.sources.files.is_empty() {
            let span = self
                .decls
                .first()
                .map(|d| Span::new(d.span.file, d.span.start as usize, d.span.start as usize))
                .unwrap_or_default();
            self.diags.push(
                Diagnostic::warning(
                    Code::MissingPack,
                    span,
                    "this pack has no `pack` declaration",
                )
                .label("pack declaration expected")
                .help(format!(
                    "add `pack {} \"Title\"` with a `threshold`; until then the threshold is 50",
                    self.pack.meta.name
                )),
            );
        }
    }

    pub(super) fn lexicon(&mut self, d: &LexiconDecl) {
        let mut fold = FoldProfile::DEFAULT;
        if let Some(names) = &d.fold {
            fold = FoldProfile::NONE;
            for name in names {
                match FoldProfile::from_name(&name.text) {
                    Some(p) => fold = fold.union(p),
                    None => {
                        let mut diag = Diagnostic::error(
                            Code::UnknownFold,
                            name.span,
                            format!("unknown fold profile `{}`", name.text),
                        )
                        .label("not a fold profile");
                        diag = match did_you_mean(&name.text, FoldProfile::NAMES.iter().copied()) {
                            Some(s) => diag.help(format!("did you mean `{s}`?")).fix(name.span, s),
                            None => diag.help(format!(
                                "fold profiles are: {}",
                                FoldProfile::NAMES.join(", ")
                            )),
                        };
                        self.diags.push(diag);
                    }
                }
            }
        }
        if d.terms.is_empty() {
            self.diags.push(
                Diagnostic::error(
                    Code::EmptyLexicon,
                    d.name.span,
                    format!("lexicon `{}` has no terms", d.name.text),
                )
                .label("empty lexicon")
                .help("add terms between the braces: { \"term\" \"other term\" }"),
            );
        }
        let mut terms = Vec::with_capacity(d.terms.len());
        let mut seen: HashMap<String, Span> = HashMap::new();
        for term in &d.terms {
            let (text, prefix) = match term.value.strip_suffix('*') {
                Some(t) => (t, true),
                None => (term.value.as_str(), false),
            };
            if let Some(star) = text.find('*') {
                // `star` is an offset into the decoded term; the label
                // must point where the source wrote it (escapes differ in
                // length from what they decode to).
                let quoted = self.sources.slice(term.span);
                let body = quoted
                    .strip_prefix('"')
                    .map_or(quoted, |b| b.strip_suffix('"').unwrap_or(b));
                let at = term.span.start as usize + 1 + crate::syntax::body_offset(body, star);
                self.diags.push(
                    Diagnostic::error(
                        Code::MisplacedStar,
                        Span::new(term.span.file, at, at + 1),
                        "`*` is only allowed at the end of a term",
                    )
                    .label("a `*` inside the term")
                    .help("`masseu*` matches words that start with masseu; for other shapes, write a pattern"),
                );
                continue;
            }
            let folded = fold_str(text, fold);
            if folded.is_empty() {
                self.diags.push(
                    Diagnostic::error(Code::EmptyTerm, term.span, "this term is empty")
                        .label("matches nothing")
                        .help("remove it, or write the word or phrase to look for"),
                );
                continue;
            }
            let key = format!("{folded}{}", if prefix { "*" } else { "" });
            let duplicate = seen.contains_key(&key);
            if let Some(first) = seen.get(&key) {
                self.diags.push(
                    Diagnostic::warning(
                        Code::DuplicateTerm,
                        term.span,
                        format!("`{}` is already in this lexicon", term.value),
                    )
                    .label("given again")
                    .with_secondary(*first, "first given here")
                    .help("remove the second copy (terms are compared after folding)"),
                );
            } else {
                seen.insert(key, term.span);
            }
            if !duplicate && folded.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
                self.diags.push(
                    Diagnostic::warning(
                        Code::ShortTerm,
                        term.span,
                        format!("`{}` is shorter than three letters", term.value),
                    )
                    .label("matches almost everywhere")
                    .help("use a longer phrase, or a pattern with context around it"),
                );
            }
            terms.push(Term {
                text: text.to_string(),
                prefix,
                span: term.span,
            });
        }
        self.pack.lexicons.push(Lexicon {
            name: d.name.text.clone(),
            fold,
            terms,
            span: d.name.span,
            synthetic: false,
        });
    }

    pub(super) fn pattern(&mut self, d: &PatternDecl) {
        if let Err(diag) = validate_regex(&d.regex, d.regex_span) {
            self.diags.push(diag);
        }
        self.pack.patterns.push(Pattern {
            name: d.name.text.clone(),
            raw: d.raw,
            regex: d.regex.clone(),
            span: d.name.span,
        });
    }

    /// Checks let `i` if not done yet. `from` is where it is used, for the
    /// cycle report.
    pub(super) fn check_let(&mut self, i: usize, from: Option<Span>) -> Type {
        match self.let_states[i] {
            LetState::Done => return self.pack.lets[i].ty.clone(),
            LetState::InProgress => {
                let d = self.let_decls[i];
                let mut diag = Diagnostic::error(
                    Code::CyclicLet,
                    d.name.span,
                    format!("`{}` is defined in terms of itself", d.name.text),
                )
                .label("this let");
                if let Some(at) = from {
                    diag = diag.with_secondary(at, "uses it here, closing the cycle");
                }
                self.diags
                    .push(diag.help("break the cycle: a let can only use lets that do not use it"));
                self.let_states[i] = LetState::Done;
                self.pack.lets[i].ty = Type::Error;
                return Type::Error;
            }
            LetState::NotChecked => {}
        }
        self.let_states[i] = LetState::InProgress;
        let d: &LetDecl = self.let_decls[i];
        // Lets are checked outside any lambda.
        let saved = std::mem::take(&mut self.scope);
        let (ty, ir) = self.expr(&d.value);
        self.scope = saved;
        if self.let_states[i] == LetState::InProgress {
            self.let_states[i] = LetState::Done;
            self.pack.lets[i] = Let {
                name: d.name.text.clone(),
                ty: ty.clone(),
                value: ir,
                span: d.name.span,
            };
        }
        self.pack.lets[i].ty.clone()
    }

    pub(super) fn rule(&mut self, d: &RuleDecl) {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut rule = Rule {
            name: d.name.text.clone(),
            title: None,
            level: Level::Medium,
            tags: Vec::new(),
            reference: None,
            note: None,
            score: 0.0,
            when: Ir::Const(crate::value::Value::Bool(false)),
            why: Why::Leaf {
                text: String::new(),
                ir: Ir::Const(crate::value::Value::Bool(false)),
            },
            span: d.name.span,
            required: None,
        };
        let mut has_when = false;
        let mut has_score = false;
        for prop in &d.props {
            let keyword = prop.kind.keyword();
            if let Some(first) = seen.get(keyword) {
                self.diags.push(
                    Diagnostic::error(
                        Code::DuplicateProperty,
                        prop.keyword_span,
                        format!("`{keyword}` is given twice in rule `{}`", d.name.text),
                    )
                    .label("second one")
                    .with_secondary(*first, "first one")
                    .help(if keyword == "when" {
                        "join the conditions in one `when` with `and` or `or`"
                    } else {
                        "keep one of them"
                    }),
                );
                continue;
            }
            seen.insert(keyword, prop.keyword_span);
            match &prop.kind {
                RulePropKind::Title(s) => rule.title = Some(s.value.clone()),
                RulePropKind::Ref(s) => rule.reference = Some(s.value.clone()),
                RulePropKind::Note(s) => rule.note = Some(s.value.clone()),
                RulePropKind::Tags(tags) => {
                    rule.tags = tags.iter().map(|t| t.text.clone()).collect()
                }
                RulePropKind::Level(name) => match Level::parse(&name.text) {
                    Some(level) => rule.level = level,
                    None => {
                        let mut diag = Diagnostic::error(
                            Code::UnknownLevel,
                            name.span,
                            format!("unknown level `{}`", name.text),
                        )
                        .label("not a level");
                        diag = match did_you_mean(&name.text, Level::NAMES.iter().copied()) {
                            Some(s) => diag.help(format!("did you mean `{s}`?")).fix(name.span, s),
                            None => diag.help("levels are: low, medium, high"),
                        };
                        self.diags.push(diag);
                    }
                },
                RulePropKind::Score(score, score_span) => {
                    has_score = true;
                    rule.score = *score;
                    if *score == 0.0 {
                        self.diags.push(
                            Diagnostic::warning(Code::ZeroScore, *score_span, "this rule scores 0")
                                .label("changes no verdict")
                                .help("give it a positive score (indicator) or a negative one (mitigating evidence)"),
                        );
                    }
                }
                RulePropKind::When(expr) => {
                    has_when = true;
                    let (ty, ir) = self.expr(expr);
                    if !ty.is_error() && *ty.base() != Type::Bool {
                        self.diags.push(
                            Diagnostic::error(
                                Code::NotBool,
                                expr.span,
                                format!("a rule's condition must be a bool, this is `{ty}`"),
                            )
                            .label(format!("this is `{ty}`"))
                            .help(not_bool_help(&ty)),
                        );
                    }
                    rule.why = self.why(expr, &ir);
                    rule.when = ir;
                }
            }
        }
        if !has_when || !has_score {
            let missing = match (has_when, has_score) {
                (false, false) => "`when` and `score`",
                (false, true) => "`when`",
                _ => "`score`",
            };
            self.diags.push(
                Diagnostic::error(
                    Code::MissingProperty,
                    d.name.span,
                    format!("rule `{}` has no {missing}", d.name.text),
                )
                .label(format!("needs {missing}"))
                .help("a rule needs `when CONDITION` and `score N`"),
            );
        }
        rule.required = self.required_atoms(&rule.when);
        self.pack.rules.push(rule);
    }

    pub(super) fn test(&mut self, d: &TestDecl, span: Span) {
        let mut ads = Vec::new();
        let mut expectations = Vec::new();
        for item in &d.items {
            match item {
                TestItem::Ad(rec) => ads.push(rec.clone()),
                TestItem::Ads(recs, _) => ads.extend(recs.iter().cloned()),
                TestItem::Expect(e, span) => {
                    let rule_name = match e {
                        Expectation::Rule { rule, .. } | Expectation::NotRule { rule, .. } => {
                            Some(rule)
                        }
                        _ => None,
                    };
                    if let Some(rule) = rule_name {
                        self.uses.push((rule.text.clone(), rule.span));
                        if !matches!(
                            self.names.get(&rule.text),
                            Some((Def::Rule(_) | Def::Broken, _))
                        ) {
                            let rules: Vec<&str> = self
                                .names
                                .iter()
                                .filter(|(_, (d, _))| matches!(d, Def::Rule(_)))
                                .map(|(n, _)| n.as_str())
                                .collect();
                            let mut diag = Diagnostic::error(
                                Code::UnknownTestRule,
                                rule.span,
                                format!("no rule named `{}`", rule.text),
                            )
                            .label("not a rule of this pack");
                            diag = match did_you_mean(&rule.text, rules) {
                                Some(s) => {
                                    diag.help(format!("did you mean `{s}`?")).fix(rule.span, s)
                                }
                                None => diag.help("`expect` names a rule of the pack"),
                            };
                            self.diags.push(diag);
                        }
                    }
                    expectations.push((e.clone(), *span));
                }
            }
        }
        for (n, ad) in ads.iter().enumerate() {
            if let Err((at, reason)) = crate::scan::record::from_literal(
                &self.pack.schema,
                ad,
                &format!("{}#{}", d.name.value, n + 1),
            ) {
                if let Some((name, _)) = ad.fields.get(at) {
                    if self.pack.schema.field(&name.text).is_some() {
                        self.diags.push(
                            Diagnostic::error(
                                Code::UnknownTestField,
                                name.span,
                                format!("test ad field `{}`: {reason}", name.text),
                            )
                            .label("value does not fit the field's type")
                            .help(format!(
                                "`{}` is {} in the schema",
                                name.text,
                                self.pack.schema.fields
                                    [self.pack.schema.field(&name.text).unwrap_or(0)]
                                .ty
                            )),
                        );
                    }
                } else {
                    self.diags.push(
                        Diagnostic::error(Code::UnknownTestField, ad.span, reason)
                            .label("this test ad")
                            .help("give every required field of the schema that is not text"),
                    );
                }
            }
            for (name, _) in &ad.fields {
                if self.pack.schema.field(&name.text).is_none() {
                    let fields: Vec<&str> = self
                        .pack
                        .schema
                        .fields
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect();
                    let mut diag = Diagnostic::error(
                        Code::UnknownTestField,
                        name.span,
                        format!("the schema has no field `{}`", name.text),
                    )
                    .label("unknown field");
                    diag = match did_you_mean(&name.text, fields.iter().copied()) {
                        Some(s) => diag.help(format!("did you mean `{s}`?")).fix(name.span, s),
                        None => diag.help(format!("fields are: {}", fields.join(", "))),
                    };
                    self.diags.push(diag);
                }
            }
        }
        self.pack.tests.push(Test {
            name: d.name.value.clone(),
            span,
            ads,
            expectations,
        });
    }
}

impl Checker<'_> {
    /// Pairs a condition's syntax with its checked form (lowering keeps the
    /// `and`/`or`/`not` structure, so the two trees match node for node).
    pub(super) fn why(&self, expr: &crate::syntax::ast::Expr, ir: &Ir) -> Why {
        use crate::syntax::ast::ExprKind as E;
        match (&expr.kind, ir) {
            (E::And(a, b), Ir::And(ia, ib)) => {
                let mut parts = Vec::new();
                for (e, i) in [(a, ia), (b, ib)] {
                    match self.why(e, i) {
                        Why::All(inner) => parts.extend(inner),
                        other => parts.push(other),
                    }
                }
                Why::All(parts)
            }
            (E::Or(a, b), Ir::Or(ia, ib)) => {
                let mut parts = Vec::new();
                for (e, i) in [(a, ia), (b, ib)] {
                    match self.why(e, i) {
                        Why::Any(inner) => parts.extend(inner),
                        other => parts.push(other),
                    }
                }
                Why::Any(parts)
            }
            (E::Not(a), Ir::Not(ia)) => Why::Not(Box::new(self.why(a, ia))),
            _ => Why::Leaf {
                text: self
                    .sources
                    .slice(expr.span)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                ir: ir.clone(),
            },
        }
    }
}

/// Checks a regex with regex-syntax first, so that an error can point at
/// its exact place inside the literal, then with the size limit.
pub fn validate_regex(regex: &str, span: Span) -> Result<(), Diagnostic> {
    let inside = |start: usize, end: usize| {
        // regex-syntax's offsets can fall inside a character (found by
        // fuzzing: `re"]{é"`); keep labels on character boundaries.
        let start = crate::source::floor_char_boundary(regex, start);
        // At least one whole character (or the closing quote at the end).
        let first = regex[start..].chars().next().map_or(1, char::len_utf8);
        let mut end = end.max(start + first);
        while end < regex.len() && !regex.is_char_boundary(end) {
            end += 1;
        }
        let s = span.start as usize + start;
        let e = (span.start as usize + end).min(span.end as usize + 1);
        Span::new(span.file, s, e)
    };
    let mut parser = regex_syntax::ParserBuilder::new().build();
    if let Err(err) = parser.parse(regex) {
        let (at, message) = match &err {
            regex_syntax::Error::Parse(e) => (
                inside(e.span().start.offset, e.span().end.offset),
                e.kind().to_string(),
            ),
            regex_syntax::Error::Translate(e) => (
                inside(e.span().start.offset, e.span().end.offset),
                e.kind().to_string(),
            ),
            _ => (span, err.to_string()),
        };
        return Err(Diagnostic::error(
            Code::RegexSyntax,
            at,
            format!("invalid regular expression: {message}"),
        )
        .label(message)
        .help("Vigie uses the regex crate's syntax (no backreferences or look-around); escape a literal character with `\\`"));
    }
    if regex::RegexBuilder::new(regex)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .is_err()
    {
        return Err(Diagnostic::error(
            Code::RegexTooBig,
            span,
            format!(
                "this regular expression compiles to more than {} MiB",
                REGEX_SIZE_LIMIT / (1024 * 1024)
            ),
        )
        .label("compiles past the size limit")
        .help("split it into several patterns, or move literal alternatives into a lexicon"));
    }
    Ok(())
}

fn not_bool_help(ty: &Type) -> String {
    match ty.base() {
        Type::Text => "test the text: `ad.body has LEXICON` or `ad.body has \"word\"`".into(),
        Type::Number => "compare it: `... >= 2`".into(),
        Type::Money => "compare it: `... < 100 EUR`".into(),
        Type::List(_) => "ask about its items: `any(LIST, x => ...)` or `len(LIST) > 0`".into(),
        _ => "write a condition: a comparison, `has`, `exists(...)`, `and`, `or`, `not`".into(),
    }
}
