//! From text to [`ast`](super::ast), one declaration at a time.
//!
//! [`parse_file`] cuts the file with [`chunk::split`](super::chunk::split),
//! parses each piece with the pest grammar in `grammar/vigie.pest`, and
//! turns pest's pairs into AST nodes with file-relative spans. A piece that
//! fails becomes a [`DeclKind::Broken`] plus one diagnostic; the others are
//! unaffected.

use super::ast::*;
use super::chunk::{self, DECLARATION_KEYWORDS};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/vigie.pest"]
struct Grammar;

/// Parses a whole file. Never fails: problems come back as diagnostics.
pub fn parse_file(file: FileId, text: &str) -> (Vec<Decl>, Vec<Diagnostic>) {
    let mut decls = Vec::new();
    let mut diags = Vec::new();
    for range in chunk::split(text) {
        let piece = &text[range.clone()];
        let mut builder = Builder {
            file,
            base: range.start,
            diags: &mut diags,
            expression: false,
        };
        if let Err(diag) = super::limits::check(file, range.start, piece) {
            diags.push(diag);
            continue;
        }
        match Grammar::parse(Rule::chunk, piece) {
            Ok(mut pairs) => {
                let chunk = pairs.next().expect("the chunk rule always yields a pair");
                for pair in chunk.into_inner() {
                    if pair.as_rule() != Rule::EOI {
                        decls.push(builder.decl(pair));
                    }
                }
            }
            Err(err) => {
                let (decl, diag) = builder.syntax_error(piece, err);
                decls.extend(decl);
                diags.push(diag);
            }
        }
    }
    (decls, diags)
}

/// Parses one expression (used by the REPL for what is typed at the prompt).
/// The same limits as a declaration's (E0009) hold, checked first: an
/// expression typed 100,000 parentheses deep is refused, not a stack
/// overflow.
pub fn parse_expr(file: FileId, text: &str) -> Result<(Expr, Vec<Diagnostic>), Diagnostic> {
    super::limits::check(file, 0, text)?;
    let mut diags = Vec::new();
    let mut builder = Builder {
        file,
        base: 0,
        diags: &mut diags,
        expression: true,
    };
    match Grammar::parse(Rule::expr_only, text) {
        Ok(mut pairs) => {
            let top = pairs.next().expect("expr_only yields a pair");
            let expr = top
                .into_inner()
                .next()
                .expect("expr_only holds an expression");
            let expr = builder.expr(expr);
            Ok((expr, diags))
        }
        Err(err) => Err(builder.syntax_error(text, err).1),
    }
}

struct Builder<'d> {
    file: FileId,
    base: usize,
    diags: &'d mut Vec<Diagnostic>,
    /// Parsing one expression (the REPL's input), not a declaration.
    expression: bool,
}

impl Builder<'_> {
    /// The span of a pair, without the white space and comments that pest
    /// leaves at the end of rules ending in an optional or repeated part.
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        let end = s.start() + code_len(s.as_str());
        Span::new(self.file, self.base + s.start(), self.base + end)
    }

    fn name(&self, pair: Pair<Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    // ------------------------------------------------------------ errors

    fn syntax_error(
        &mut self,
        piece: &str,
        err: pest::error::Error<Rule>,
    ) -> (Option<Decl>, Diagnostic) {
        let pos = match err.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
        let (keyword, keyword_range) = if self.expression {
            // An expression is not a declaration: no keyword to read.
            ("", 0..0)
        } else {
            first_word(piece)
        };
        let what = if self.expression {
            "expression"
        } else {
            "declaration"
        };
        let decl_span = Span::new(
            self.file,
            self.base + keyword_range.start,
            self.base + piece.trim_end().len(),
        );

        // A piece that does not start with a declaration keyword.
        if !keyword.is_empty() && !DECLARATION_KEYWORDS.contains(&keyword) {
            let span = Span::new(
                self.file,
                self.base + keyword_range.start,
                self.base + keyword_range.end,
            );
            let mut diag = Diagnostic::error(
                Code::UnknownDeclaration,
                span,
                format!("`{keyword}` does not start a declaration"),
            )
            .label("expected pack, lexicon, pattern, schema, let, rule or test");
            if let Some(s) = did_you_mean(keyword, DECLARATION_KEYWORDS.iter().copied()) {
                diag = diag.help(format!("did you mean `{s}`?")).fix(span, s);
            } else {
                diag = diag.help(
                    "a declaration starts at column 0 with one of: pack, lexicon, pattern, schema, let, rule, test",
                );
            }
            return (None, diag);
        }

        let broken = (!keyword.is_empty()).then(|| Decl {
            kind: DeclKind::Broken {
                keyword: keyword.to_string(),
                name: second_word(piece, keyword_range.end).map(|(w, r)| Name {
                    text: w.to_string(),
                    span: Span::new(self.file, self.base + r.start, self.base + r.end),
                }),
            },
            span: decl_span,
        });

        // An unterminated string gets its own code and points at the quote.
        if let Some(quote) = unterminated_string(piece) {
            let span = Span::new(self.file, self.base + quote, self.base + quote + 1);
            let diag = Diagnostic::error(
                Code::UnterminatedString,
                span,
                "this string has no closing quote",
            )
            .label("string starts here")
            .help("close the string with `\"` before the end of the line");
            return (broken, diag);
        }

        let found = found_at(piece, pos);

        // `150 euros`: a number, a space, and a word that is a unit.
        let before = piece[..pos.min(piece.len())].trim_end_matches(' ');
        if before.len() < pos && before.ends_with(|c: char| c.is_ascii_digit()) {
            if let Some(good) = unit_hint(found) {
                let span = Span::new(self.file, self.base + pos, self.base + pos + found.len());
                let diag = Diagnostic::error(Code::UnknownUnit, span, format!("unknown unit `{found}`"))
                    .label("not a unit")
                    .help(format!("did you mean `{good}`? units are s, min, h, d, w and €, EUR, $, USD, £, GBP, CHF"))
                    .fix(span, good);
                return (broken, diag);
            }
        }

        let expected = match &err.variant {
            pest::error::ErrorVariant::ParsingError { positives, .. } => expected_list(positives),
            pest::error::ErrorVariant::CustomError { message } => message.clone(),
        };
        let expected = if self.expression {
            expected.replace("the end of the declaration", "the end of the expression")
        } else {
            expected
        };
        let mut at = pos.min(piece.len());
        if found.is_empty() {
            // At the end of the piece: point at its last character.
            at = piece.trim_end().len().saturating_sub(1);
            at = crate::source::floor_char_boundary(piece, at);
        }
        let end = (at + found.len().max(1)).min(piece.len().max(at + 1));
        let end = crate::source::floor_char_boundary(piece, end).max(at);
        let span = Span::new(self.file, self.base + at, self.base + end);
        let unclosed = unclosed_bracket(piece);
        let message = if let (true, Some((open, close))) = (found.is_empty(), unclosed) {
            format!(
                "`{}` is never closed: expected `{close}` before the end of the {what}",
                &piece[open..open + 1]
            )
        } else if found.is_empty() {
            format!("unexpected end of {what}, expected {expected}")
        } else {
            format!("unexpected `{found}`, expected {expected}")
        };
        let mut diag =
            Diagnostic::error(Code::Syntax, span, message).label(format!("expected {expected}"));
        if let Some((open, close)) = unclosed {
            diag = diag
                .help(format!(
                    "`{}` is never closed: add `{close}`",
                    &piece[open..open + 1]
                ))
                .with_secondary(
                    Span::new(self.file, self.base + open, self.base + open + 1),
                    format!("opened here, never closed with `{close}`"),
                );
        } else {
            diag = diag.help(syntax_help(keyword, &expected, found));
            if let Some(b) = &broken {
                diag = diag.with_secondary(
                    Span::new(
                        self.file,
                        b.span.start as usize,
                        b.span.start as usize + keyword.len(),
                    ),
                    format!("in this {keyword}"),
                );
            }
        }
        (broken, diag)
    }

    // ------------------------------------------------------------ declarations

    fn decl(&mut self, pair: Pair<Rule>) -> Decl {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::pack_decl => DeclKind::Pack(self.pack(pair)),
            Rule::lexicon_decl => DeclKind::Lexicon(self.lexicon(pair)),
            Rule::pattern_decl => DeclKind::Pattern(self.pattern(pair)),
            Rule::schema_decl => DeclKind::Schema(self.schema(pair)),
            Rule::let_decl => DeclKind::Let(self.let_decl(pair)),
            Rule::rule_decl => DeclKind::Rule(self.rule(pair)),
            Rule::test_decl => DeclKind::Test(self.test(pair)),
            other => unreachable!("not a declaration: {other:?}"),
        };
        Decl { kind, span }
    }

    fn pack(&mut self, pair: Pair<Rule>) -> PackDecl {
        let mut inner = pair.into_inner();
        inner.next(); // kw_pack
        let name = self.name(inner.next().expect("pack name"));
        let mut decl = PackDecl {
            name,
            title: None,
            version: None,
            threshold: None,
        };
        // Where `version` and `threshold` were first given: a second one
        // is an error (silently keeping the last would hide a typo'd edit).
        let (mut version_at, mut threshold_at) = (None, None);
        for p in inner {
            match p.as_rule() {
                Rule::string => decl.title = Some(self.string(p)),
                Rule::pack_version => {
                    let mut parts = p.into_inner();
                    let at = self.span(&parts.next().expect("kw_version"));
                    let s = parts.next().expect("version string");
                    if self.first_in_pack("version", &decl.name, at, &mut version_at) {
                        decl.version = Some(self.string(s));
                    }
                }
                Rule::pack_threshold => {
                    let mut parts = p.into_inner();
                    let at = self.span(&parts.next().expect("kw_threshold"));
                    let n = parts.next().expect("threshold number");
                    if self.first_in_pack("threshold", &decl.name, at, &mut threshold_at) {
                        decl.threshold = Some((parse_number(n.as_str()), self.span(&n)));
                    }
                }
                _ => {}
            }
        }
        decl
    }

    /// Whether this is the first `keyword` of the pack header (`first`
    /// remembers it); a second one is reported, and the first one kept.
    fn first_in_pack(
        &mut self,
        keyword: &str,
        pack: &Name,
        at: Span,
        first: &mut Option<Span>,
    ) -> bool {
        let first = *first.get_or_insert(at);
        if first == at {
            return true;
        }
        self.diags.push(
            Diagnostic::error(
                Code::DuplicateProperty,
                at,
                format!("`{keyword}` is given twice in pack `{}`", pack.text),
            )
            .label("second one")
            .with_secondary(first, "first one")
            .help("keep one of them"),
        );
        false
    }

    fn lexicon(&mut self, pair: Pair<Rule>) -> LexiconDecl {
        let mut inner = pair.into_inner();
        inner.next();
        let name = self.name(inner.next().expect("lexicon name"));
        let mut decl = LexiconDecl {
            name,
            fold: None,
            fold_span: None,
            terms: Vec::new(),
        };
        for p in inner {
            match p.as_rule() {
                Rule::fold_clause => {
                    decl.fold_span = Some(self.span(&p));
                    decl.fold = Some(
                        p.into_inner()
                            .filter(|q| q.as_rule() == Rule::name)
                            .map(|q| self.name(q))
                            .collect(),
                    );
                }
                Rule::term => {
                    let s = p.into_inner().next().expect("term string");
                    decl.terms.push(self.string(s));
                }
                _ => {}
            }
        }
        decl
    }

    fn pattern(&mut self, pair: Pair<Rule>) -> PatternDecl {
        let mut raw = false;
        let mut name = None;
        let mut regex = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::name => name = Some(self.name(p)),
                Rule::kw_raw => raw = true,
                Rule::regex_lit => {
                    let body = p.into_inner().next().expect("regex body");
                    // The body's exact span, not `self.span`: its trailing
                    // spaces are part of the regex, and `validate_regex`
                    // places its labels at offsets into the whole body
                    // (found by fuzzing: `re"[A-Z]{4,   "` gave a label
                    // ending before it began).
                    let at = body.as_span();
                    let span = Span::new(self.file, self.base + at.start(), self.base + at.end());
                    regex = Some((body.as_str().to_string(), span));
                }
                _ => {}
            }
        }
        let (regex, regex_span) = regex.expect("pattern has a regex");
        PatternDecl {
            name: name.expect("pattern name"),
            raw,
            regex,
            regex_span,
        }
    }

    fn schema(&mut self, pair: Pair<Rule>) -> SchemaDecl {
        let mut inner = pair.into_inner();
        inner.next();
        let name = self.name(inner.next().expect("schema name"));
        let fields = inner
            .filter(|p| p.as_rule() == Rule::field_decl)
            .map(|p| {
                let mut f = p.into_inner();
                let name = self.name(f.next().expect("field name"));
                let ty = self.type_expr(f.next().expect("field type"));
                FieldDecl { name, ty }
            })
            .collect();
        SchemaDecl { name, fields }
    }

    fn type_expr(&mut self, pair: Pair<Rule>) -> TypeExpr {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.name(inner.next().expect("type name"));
        let mut arg = None;
        let mut optional = false;
        for p in inner {
            match p.as_rule() {
                Rule::type_expr => arg = Some(Box::new(self.type_expr(p))),
                Rule::optional_mark => optional = true,
                _ => {}
            }
        }
        TypeExpr {
            name,
            arg,
            optional,
            span,
        }
    }

    fn let_decl(&mut self, pair: Pair<Rule>) -> LetDecl {
        let mut inner = pair.into_inner();
        inner.next();
        let name = self.name(inner.next().expect("let name"));
        let value = self.expr(inner.next().expect("let value"));
        LetDecl { name, value }
    }

    fn rule(&mut self, pair: Pair<Rule>) -> RuleDecl {
        let mut inner = pair.into_inner();
        inner.next();
        let name = self.name(inner.next().expect("rule name"));
        let mut props = Vec::new();
        for p in inner {
            let rule = p.as_rule();
            let mut parts = p.into_inner();
            let keyword = parts.next().expect("property keyword");
            let keyword_span = self.span(&keyword);
            let kind = match rule {
                Rule::rule_title => RulePropKind::Title(self.string(parts.next().expect("title"))),
                Rule::rule_level => RulePropKind::Level(self.name(parts.next().expect("level"))),
                Rule::rule_tags => RulePropKind::Tags(parts.map(|t| self.name(t)).collect()),
                Rule::rule_ref => RulePropKind::Ref(self.string(parts.next().expect("ref"))),
                Rule::rule_note => RulePropKind::Note(self.string(parts.next().expect("note"))),
                Rule::rule_when => RulePropKind::When(self.expr(parts.next().expect("when"))),
                Rule::rule_score => {
                    let n = parts.next().expect("score");
                    RulePropKind::Score(parse_number(n.as_str()), self.span(&n))
                }
                _ => continue,
            };
            props.push(RuleProp { kind, keyword_span });
        }
        RuleDecl { name, props }
    }

    fn test(&mut self, pair: Pair<Rule>) -> TestDecl {
        let mut inner = pair.into_inner();
        inner.next();
        let name = self.string(inner.next().expect("test name"));
        let mut items = Vec::new();
        for p in inner {
            let span = self.span(&p);
            match p.as_rule() {
                Rule::test_ad => {
                    let rec = p.into_inner().nth(1).expect("test ad record");
                    items.push(TestItem::Ad(self.record(rec)));
                }
                Rule::test_ads => {
                    let recs = p
                        .into_inner()
                        .filter(|q| q.as_rule() == Rule::record_lit)
                        .map(|q| self.record(q))
                        .collect();
                    items.push(TestItem::Ads(recs, span));
                }
                Rule::expect => {
                    let body = p.into_inner().nth(1).expect("expectation");
                    items.push(TestItem::Expect(self.expectation(body), span));
                }
                _ => {}
            }
        }
        TestDecl { name, items }
    }

    fn expectation(&mut self, pair: Pair<Rule>) -> Expectation {
        match pair.as_rule() {
            Rule::expect_nothing => Expectation::Nothing,
            Rule::expect_not => {
                let mut inner = pair.into_inner();
                inner.next(); // kw_not
                let rule = self.name(inner.next().expect("rule name"));
                inner.next(); // kw_on
                let on = inner.next().map(|n| {
                    let span = self.span(&n);
                    (n.as_str().parse().unwrap_or(u32::MAX), span)
                });
                Expectation::NotRule { rule, on }
            }
            Rule::expect_score => {
                let span = self.span(&pair);
                let mut inner = pair.into_inner();
                inner.next();
                let op = CmpOp::parse(inner.next().expect("op").as_str()).expect("grammar op");
                let value = parse_number(inner.next().expect("number").as_str());
                Expectation::Score { op, value, span }
            }
            Rule::expect_rule => {
                let mut inner = pair.into_inner();
                let rule = self.name(inner.next().expect("rule name"));
                inner.next(); // kw_on
                let on = inner.next().map(|n| {
                    let span = self.span(&n);
                    (n.as_str().parse().unwrap_or(u32::MAX), span)
                });
                Expectation::Rule { rule, on }
            }
            other => unreachable!("not an expectation: {other:?}"),
        }
    }

    fn record(&mut self, pair: Pair<Rule>) -> RecordLit {
        let span = self.span(&pair);
        let fields = pair
            .into_inner()
            .map(|f| {
                let mut inner = f.into_inner();
                let name = self.name(inner.next().expect("field name"));
                let value = self.record_value(inner.next().expect("field value"));
                (name, value)
            })
            .collect();
        RecordLit { fields, span }
    }

    fn record_value(&mut self, pair: Pair<Rule>) -> RecordValue {
        let inner = pair.into_inner().next().expect("record value");
        match inner.as_rule() {
            Rule::string => RecordValue::Text(self.string(inner).value),
            Rule::boolean => RecordValue::Bool(inner.as_str() == "true"),
            Rule::kw_null => RecordValue::Null,
            Rule::record_list => {
                RecordValue::List(inner.into_inner().map(|v| self.record_value(v)).collect())
            }
            Rule::signed_quantity => {
                let text = inner.as_str();
                let negative = text.starts_with('-');
                let q = inner.into_inner().next().expect("quantity");
                let mut parts = q.into_inner();
                let mut n = parse_number(parts.next().expect("number").as_str());
                if negative {
                    n = -n;
                }
                match parts.next() {
                    Some(unit) => RecordValue::Quantity(n, unit.as_str().to_string()),
                    None => RecordValue::Number(n),
                }
            }
            other => unreachable!("not a record value: {other:?}"),
        }
    }

    // ------------------------------------------------------------ literals

    fn string(&mut self, pair: Pair<Rule>) -> Str {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().expect("string inner");
        let body_start = self.base + inner.as_span().start();
        let value = unescape(inner.as_str(), |offset, len, message| {
            let at = Span::new(self.file, body_start + offset, body_start + offset + len);
            self.diags.push(
                Diagnostic::error(Code::InvalidEscape, at, message)
                    .label("unknown escape")
                    .help("known escapes: \\\" \\\\ \\n \\t \\r \\u{XXXX}; for a regex, write re\"...\" where backslashes are kept as they are"),
            );
        });
        Str { value, span }
    }

    fn quantity(&mut self, pair: Pair<Rule>) -> ExprKind {
        let mut parts = pair.into_inner();
        let value = parse_number(parts.next().expect("number").as_str());
        let Some(unit) = parts.next() else {
            return ExprKind::Number(value);
        };
        let text = unit.as_str();
        if let Some(seconds) = duration_unit(text) {
            return ExprKind::Duration(value * seconds);
        }
        if let Some(currency) = currency_unit(text) {
            return ExprKind::Money(value, currency.to_string());
        }
        let span = self.span(&unit);
        let mut diag = Diagnostic::error(Code::UnknownUnit, span, format!("unknown unit `{text}`"))
            .label("not a unit");
        if let Some(good) = unit_hint(text) {
            diag = diag
                .help(format!("did you mean `{good}`? units are s, min, h, d, w and €, EUR, $, USD, £, GBP, CHF"))
                .fix(span, good);
        } else {
            diag = diag.help(
                "units are s, min, h, d, w (durations) and €, EUR, $, USD, £, GBP, CHF (money)",
            );
        }
        self.diags.push(diag);
        ExprKind::Error
    }

    // ------------------------------------------------------------ expressions

    fn expr(&mut self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr => self.expr(pair.into_inner().next().expect("inner expr")),
            Rule::paren => {
                let mut inner = self.expr(pair.into_inner().next().expect("inner expr"));
                inner.span = span;
                inner
            }
            Rule::or_expr | Rule::and_expr => {
                let is_or = pair.as_rule() == Rule::or_expr;
                let mut inner = pair
                    .into_inner()
                    .filter(|p| !matches!(p.as_rule(), Rule::kw_or | Rule::kw_and));
                let mut acc = self.expr(inner.next().expect("operand"));
                for operand in inner {
                    let rhs = self.expr(operand);
                    let span = acc.span.to(rhs.span);
                    let kind = if is_or {
                        ExprKind::Or(Box::new(acc), Box::new(rhs))
                    } else {
                        ExprKind::And(Box::new(acc), Box::new(rhs))
                    };
                    acc = Expr { kind, span };
                }
                acc
            }
            Rule::not_expr => {
                let mut inner = pair.into_inner();
                let first = inner.next().expect("not operand");
                if first.as_rule() == Rule::kw_not {
                    let operand = self.expr(inner.next().expect("negated"));
                    Expr {
                        kind: ExprKind::Not(Box::new(operand)),
                        span,
                    }
                } else {
                    self.expr(first)
                }
            }
            Rule::cmp_expr => {
                let mut inner = pair.into_inner();
                let lhs = self.expr(inner.next().expect("lhs"));
                let Some(op) = inner.next() else { return lhs };
                let rhs = self.expr(inner.next().expect("rhs"));
                let kind = if op.as_rule() == Rule::kw_has {
                    ExprKind::Has(Box::new(lhs), Box::new(rhs))
                } else {
                    let op = CmpOp::parse(op.as_str()).expect("grammar op");
                    ExprKind::Cmp(op, Box::new(lhs), Box::new(rhs))
                };
                Expr { kind, span }
            }
            Rule::add_expr => {
                let mut inner = pair.into_inner();
                let mut acc = self.expr(inner.next().expect("operand"));
                while let Some(op) = inner.next() {
                    let rhs = self.expr(inner.next().expect("rhs"));
                    let op = if op.as_str() == "+" {
                        ArithOp::Add
                    } else {
                        ArithOp::Sub
                    };
                    let span = acc.span.to(rhs.span);
                    acc = Expr {
                        kind: ExprKind::Arith(op, Box::new(acc), Box::new(rhs)),
                        span,
                    };
                }
                acc
            }
            Rule::postfix => {
                let mut inner = pair.into_inner();
                let mut acc = self.expr(inner.next().expect("primary"));
                for member in inner {
                    let name = self.name(member.into_inner().next().expect("member name"));
                    let span = acc.span.to(name.span);
                    acc = Expr {
                        kind: ExprKind::Member(Box::new(acc), name),
                        span,
                    };
                }
                acc
            }
            Rule::list_lit => Expr {
                kind: ExprKind::List(pair.into_inner().map(|p| self.expr(p)).collect()),
                span,
            },
            Rule::quantity => Expr {
                kind: self.quantity(pair),
                span,
            },
            Rule::string => Expr {
                kind: ExprKind::Text(self.string(pair).value),
                span,
            },
            Rule::boolean => Expr {
                kind: ExprKind::Bool(pair.as_str() == "true"),
                span,
            },
            Rule::kw_null => Expr {
                kind: ExprKind::Null,
                span,
            },
            Rule::var => Expr {
                kind: ExprKind::Var(self.name(pair)),
                span,
            },
            Rule::lambda => {
                let mut inner = pair.into_inner();
                let param = self.name(inner.next().expect("param"));
                let body = self.expr(inner.next().expect("body"));
                Expr {
                    kind: ExprKind::Lambda(param, Box::new(body)),
                    span,
                }
            }
            Rule::call => {
                let mut inner = pair.into_inner();
                let func = self.name(inner.next().expect("function name"));
                let args = inner
                    .map(|arg| {
                        let a = arg.into_inner().next().expect("argument");
                        if a.as_rule() == Rule::named_arg {
                            let mut parts = a.into_inner();
                            let name = self.name(parts.next().expect("arg name"));
                            let value = self.expr(parts.next().expect("arg value"));
                            Arg {
                                name: Some(name),
                                value,
                            }
                        } else {
                            Arg {
                                name: None,
                                value: self.expr(a),
                            }
                        }
                    })
                    .collect();
                Expr {
                    kind: ExprKind::Call(func, args),
                    span,
                }
            }
            other => unreachable!("not an expression: {other:?}"),
        }
    }
}

// ---------------------------------------------------------------- helpers

/// The length of `text` up to the end of its last token: trailing white
/// space and comments excluded.
fn code_len(text: &str) -> usize {
    if !text.ends_with(|c: char| c.is_whitespace()) {
        return text.len();
    }
    let mut end = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            if in_string {
                match c {
                    '\\' if !escaped => {
                        escaped = true;
                        end = offset + i + 1;
                        continue;
                    }
                    '"' if !escaped => in_string = false,
                    _ => {}
                }
                escaped = false;
                end = offset + i + c.len_utf8();
                continue;
            }
            match c {
                '#' => break,
                '"' => {
                    in_string = true;
                    end = offset + i + 1;
                }
                c if c.is_whitespace() => {}
                c => end = offset + i + c.len_utf8(),
            }
        }
        offset += line.len();
    }
    end
}

fn parse_number(text: &str) -> f64 {
    // The grammar only lets digits, one dot and a leading minus through.
    text.parse().unwrap_or(f64::NAN)
}

/// Seconds in one unit of a duration.
pub fn duration_unit(unit: &str) -> Option<f64> {
    Some(match unit {
        "s" => 1.0,
        "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        "w" => 604_800.0,
        _ => return None,
    })
}

/// The ISO code of a currency unit.
pub fn currency_unit(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "€" | "EUR" => "EUR",
        "$" | "USD" => "USD",
        "£" | "GBP" => "GBP",
        "CHF" => "CHF",
        _ => return None,
    })
}

/// What the analyst probably meant by an unknown unit (French and English
/// habits included).
fn unit_hint(unit: &str) -> Option<&'static str> {
    let lower = unit.to_lowercase();
    Some(match lower.as_str() {
        "sec" | "secs" | "second" | "seconds" | "seconde" | "secondes" => "s",
        "m" | "mn" | "mins" | "minute" | "minutes" => "min",
        "hr" | "hrs" | "hour" | "hours" | "heure" | "heures" => "h",
        "j" | "jour" | "jours" | "day" | "days" => "d",
        "sem" | "semaine" | "semaines" | "week" | "weeks" | "wk" => "w",
        "e" | "eur" | "euro" | "euros" => "EUR",
        "usd" | "dollar" | "dollars" => "USD",
        "chf" => "CHF",
        "gbp" => "GBP",
        _ => return None,
    })
}

/// Decodes the escapes of a string body. Invalid escapes are reported
/// through `report(offset, len, message)` and kept verbatim.
pub fn unescape(body: &str, report: impl FnMut(usize, usize, String)) -> String {
    decode(body, report, |_, _| {})
}

/// Where, in a string body as written, the decoded value's byte `offset`
/// comes from: the start of the character or escape that produced it (the
/// body's length past the end). A label on part of a value must use this,
/// not `offset`, whenever the body holds escapes.
pub fn body_offset(body: &str, offset: usize) -> usize {
    let mut found = 0;
    let value = decode(
        body,
        |_, _, _| {},
        |value_at, body_at| {
            if value_at <= offset {
                found = body_at;
            }
        },
    );
    if offset >= value.len() {
        body.len()
    } else {
        found
    }
}

/// [`unescape`], telling `mapped(value_offset, body_offset)` where each
/// decoded piece starts in the output and in the body.
fn decode(
    body: &str,
    mut report: impl FnMut(usize, usize, String),
    mut mapped: impl FnMut(usize, usize),
) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        mapped(out.len(), i);
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            report(i, 1, "a backslash at the end of a string".into());
            break;
        };
        match e {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'u' => {
                let rest = &body[i + 2..];
                let decoded = rest
                    .strip_prefix('{')
                    .and_then(|r| r.find('}').map(|end| &r[..end]))
                    .and_then(|hex| {
                        u32::from_str_radix(hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .map(|ch| (ch, hex.len() + 2))
                    });
                match decoded {
                    Some((ch, consumed)) => {
                        out.push(ch);
                        for _ in 0..consumed {
                            chars.next();
                        }
                    }
                    None => {
                        report(
                            i,
                            2,
                            "`\\u` must be followed by {HEX} naming a Unicode character".into(),
                        );
                        out.push_str("\\u");
                    }
                }
            }
            other => {
                report(
                    i,
                    1 + other.len_utf8(),
                    format!("`\\{other}` is not an escape"),
                );
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

fn first_word(piece: &str) -> (&str, std::ops::Range<usize>) {
    // Skip leading blank lines and comments.
    let mut offset = 0;
    for line in piece.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            offset += line.len();
            continue;
        }
        let start = offset + (line.len() - trimmed.len());
        let len = trimmed
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(trimmed.len());
        return (&piece[start..start + len], start..start + len);
    }
    ("", piece.len()..piece.len())
}

fn second_word(piece: &str, from: usize) -> Option<(&str, std::ops::Range<usize>)> {
    let rest = &piece[from..];
    let trimmed = rest.trim_start_matches([' ', '\t']);
    let start = from + (rest.len() - trimmed.len());
    let len = trimmed
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(trimmed.len());
    (len > 0 && trimmed.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .then(|| (&piece[start..start + len], start..start + len))
}

/// The offset of the opening quote of the first string left open at the end
/// of its line (outside comments), if any.
fn unterminated_string(piece: &str) -> Option<usize> {
    let mut offset = 0;
    for line in piece.split_inclusive('\n') {
        let mut open: Option<usize> = None;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            match (open, c) {
                (None, '#') => break,
                (None, '"') => open = Some(i),
                (Some(_), '\\') if !escaped => {
                    escaped = true;
                    continue;
                }
                (Some(_), '"') if !escaped => open = None,
                _ => {}
            }
            escaped = false;
        }
        if let Some(i) = open {
            return Some(offset + i);
        }
        offset += line.len();
    }
    None
}

/// The innermost bracket left open at the end of the piece (outside
/// strings and comments): its offset and the character that closes it.
fn unclosed_bracket(piece: &str) -> Option<(usize, char)> {
    let mut stack: Vec<(usize, char)> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut in_comment = false;
    for (i, c) in piece.char_indices() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        if in_string {
            match c {
                '\\' if !escaped => {
                    escaped = true;
                    continue;
                }
                '"' if !escaped => in_string = false,
                '\n' => in_string = false,
                _ => {}
            }
            escaped = false;
            continue;
        }
        match c {
            '#' => in_comment = true,
            '"' => in_string = true,
            '{' => stack.push((i, '}')),
            '(' => stack.push((i, ')')),
            '[' => stack.push((i, ']')),
            '}' | ')' | ']' if stack.last().is_some_and(|(_, close)| *close == c) => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.last().copied()
}

/// The token at `pos`, for "unexpected `...`".
fn found_at(piece: &str, pos: usize) -> &str {
    let rest = piece.get(pos..).unwrap_or("");
    let rest = rest.trim_end();
    if rest.is_empty() {
        return "";
    }
    let first = rest.chars().next().unwrap_or(' ');
    let operator = |c: char| "=<>!&|+-*/%".contains(c);
    let len = if first.is_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len())
    } else if operator(first) {
        rest.find(|c: char| !operator(c)).unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    &rest[..len]
}

fn expected_list(positives: &[Rule]) -> String {
    // Long lists read badly: name the families instead of every member.
    let property = |r: &Rule| {
        matches!(
            r,
            Rule::rule_title
                | Rule::rule_level
                | Rule::rule_tags
                | Rule::rule_ref
                | Rule::rule_note
                | Rule::rule_when
                | Rule::rule_score
                | Rule::kw_title
                | Rule::kw_level
                | Rule::kw_tags
                | Rule::kw_ref
                | Rule::kw_note
                | Rule::kw_when
                | Rule::kw_score
        )
    };
    let operator = |r: &Rule| {
        matches!(
            r,
            Rule::kw_and | Rule::kw_or | Rule::add_op | Rule::cmp_op | Rule::kw_has | Rule::member
        )
    };
    let mut names: Vec<&str> = Vec::new();
    let properties = positives.iter().filter(|r| property(r)).count();
    let operators = positives.iter().filter(|r| operator(r)).count();
    for rule in positives {
        let name = if properties >= 3 && property(rule) {
            "a rule property (title, level, tags, ref, note, when, score)"
        } else if operators >= 2 && operator(rule) {
            "an operator"
        } else {
            describe(*rule)
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.len() {
        0 => "something else".to_string(),
        1 => names[0].to_string(),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} or {}", names.join(", "), last)
        }
    }
}

fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::name | Rule::ident => "a name",
        Rule::string | Rule::string_inner => "a string",
        Rule::regex_lit => "a regex literal re\"...\"",
        Rule::number_raw | Rule::signed_number | Rule::quantity | Rule::signed_quantity => {
            "a number"
        }
        Rule::expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::cmp_expr
        | Rule::add_expr
        | Rule::postfix
        | Rule::paren
        | Rule::list_lit
        | Rule::call
        | Rule::var
        | Rule::lambda
        | Rule::boolean => "an expression",
        Rule::cmp_op => "a comparison",
        Rule::add_op => "`+` or `-`",
        Rule::kw_and | Rule::kw_or => "`and` or `or`",
        Rule::kw_has => "`has`",
        Rule::member => "`.field`",
        Rule::pack_version | Rule::kw_version => "`version`",
        Rule::pack_threshold | Rule::kw_threshold => "`threshold`",
        Rule::fold_clause | Rule::kw_fold => "`fold(...)`",
        Rule::term => "a term (a string)",
        Rule::kw_raw => "`raw`",
        Rule::field_decl => "a field (`name: type`)",
        Rule::type_expr => "a type",
        Rule::optional_mark => "`?`",
        Rule::rule_title | Rule::kw_title => "`title`",
        Rule::rule_level | Rule::kw_level => "`level`",
        Rule::rule_tags | Rule::kw_tags => "`tags`",
        Rule::rule_ref | Rule::kw_ref => "`ref`",
        Rule::rule_note | Rule::kw_note => "`note`",
        Rule::rule_when | Rule::kw_when => "`when`",
        Rule::rule_score | Rule::kw_score => "`score`",
        Rule::test_ad | Rule::kw_ad => "`ad {...}`",
        Rule::test_ads | Rule::kw_ads => "`ads [...]`",
        Rule::expect | Rule::kw_expect => "`expect`",
        Rule::record_lit => "a record `{ field: value }`",
        Rule::record_field => "a field `name: value`",
        Rule::record_value | Rule::record_list => "a value",
        Rule::expect_nothing | Rule::kw_nothing => "`nothing`",
        Rule::kw_on => "`on`",
        Rule::EOI => "the end of the declaration",
        _ => "a declaration",
    }
}

fn syntax_help(keyword: &str, expected: &str, found: &str) -> String {
    if found == "=" {
        return "to compare, write `==`".to_string();
    }
    if found == "&&" || found == "&" {
        return "write `and`".to_string();
    }
    if found == "|" {
        return "write `or`".to_string();
    }
    if found == "!" {
        return "write `not` (or `!=` to compare)".to_string();
    }
    match keyword {
        "rule" => "a rule reads: rule NAME { title \"...\" level low|medium|high when CONDITION score N }".to_string(),
        "lexicon" => "a lexicon reads: lexicon NAME fold(case, accents) { \"term\" \"prefix*\" }".to_string(),
        "pattern" => "a pattern reads: pattern NAME = re\"regex\" (or `pattern NAME raw = re\"...\"` to match unfolded text)".to_string(),
        "schema" => "a schema reads: schema ad { field: type  other: type? }".to_string(),
        "let" => "a let reads: let NAME = EXPRESSION".to_string(),
        "pack" => "a pack reads: pack NAME \"Title\" version \"0.1.0\" threshold 60".to_string(),
        "test" => "a test reads: test \"name\" { ad { body: \"...\" } expect RULE }".to_string(),
        _ => format!("expected {expected}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Vec<Decl> {
        let (decls, diags) = parse_file(0, text);
        assert!(diags.is_empty(), "unexpected diagnostics: {diags:#?}");
        decls
    }

    #[test]
    fn parses_a_small_pack() {
        let decls = parse_ok(
            r#"
pack fr "Titre"
  version "0.1.0"
  threshold 60

lexicon euph fold(case, accents) { "douche possible" "masseu*" }
pattern tarif = re"\b\d+\s*/\s*h\b"
pattern brut raw = re"[A-Z]{3}"
let texte = ad.title + " " + ad.body
rule r {
  title "x"
  level high
  tags a, b
  when texte has euph and not (ad.price < 100 EUR) or len(ad.body) >= 3
  score -30
}
"#,
        );
        assert_eq!(decls.len(), 6);
        let DeclKind::Rule(rule) = &decls[5].kind else {
            panic!("expected a rule")
        };
        assert_eq!(rule.props.len(), 5);
        assert!(matches!(rule.props[4].kind, RulePropKind::Score(s, _) if s == -30.0));
        let DeclKind::Pattern(p) = &decls[2].kind else {
            panic!()
        };
        assert_eq!(p.regex, r"\b\d+\s*/\s*h\b");
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let (expr, _) = parse_expr(0, "a or b and c").unwrap();
        let ExprKind::Or(_, rhs) = expr.kind else {
            panic!("or at the top")
        };
        assert!(matches!(rhs.kind, ExprKind::And(..)));
    }

    #[test]
    fn quantities_carry_units() {
        let (e, _) = parse_expr(0, "[30min, 1h, 7d, 2w, 150 EUR, 150€, 12]").unwrap();
        let ExprKind::List(items) = e.kind else {
            panic!()
        };
        let kinds: Vec<_> = items.into_iter().map(|i| i.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ExprKind::Duration(1800.0),
                ExprKind::Duration(3600.0),
                ExprKind::Duration(604_800.0),
                ExprKind::Duration(1_209_600.0),
                ExprKind::Money(150.0, "EUR".into()),
                ExprKind::Money(150.0, "EUR".into()),
                ExprKind::Number(12.0),
            ]
        );
    }

    #[test]
    fn one_broken_declaration_leaves_the_others() {
        let (decls, diags) = parse_file(
            0,
            "rule a {\n  when ad.body has\n}\nlexicon l { \"x\" }\nrule b { when true score 1 }\n",
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(decls.len(), 3);
        assert!(
            matches!(&decls[0].kind, DeclKind::Broken { keyword, name: Some(n) } if keyword == "rule" && n.text == "a")
        );
    }

    #[test]
    fn escapes_are_decoded_and_checked() {
        let mut errors = Vec::new();
        let s = unescape(r#"a\"b\\c\u{e9}\q"#, |o, l, m| errors.push((o, l, m)));
        assert_eq!(s, "a\"b\\cé\\q");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, 13);
    }

    #[test]
    fn a_value_offset_maps_back_to_where_the_body_wrote_it() {
        // value: a " é * x  (the star at byte 4 of the value)
        let body = r#"a\"\u{e9}*x"#;
        let value = unescape(body, |_, _, _| panic!("no error"));
        assert_eq!(value, "a\"é*x");
        let star = value.find('*').unwrap();
        assert_eq!(&body[body_offset(body, star)..][..1], "*");
        // Every character of the value maps to the start of what wrote it.
        let starts: Vec<usize> = value
            .char_indices()
            .map(|(i, _)| body_offset(body, i))
            .collect();
        assert_eq!(starts, [0, 1, 3, 9, 10]);
        // The second byte of `é` comes from the same escape.
        assert_eq!(body_offset(body, 3), 3);
        assert_eq!(body_offset(body, value.len()), body.len());
        // Found by reading the checker: a newline escape before a
        // multibyte character (the label used to land inside `é`).
        let body = r"\né*x";
        let value = unescape(body, |_, _, _| {});
        assert_eq!(
            &body[body_offset(body, value.find('*').unwrap())..][..1],
            "*"
        );
    }
}
