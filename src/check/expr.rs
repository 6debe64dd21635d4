//! Typing expressions and lowering them to [`Ir`].

use super::builtins::{member_of, BuiltinKind, BUILTINS};
use super::{Atom, AtomId, Checker, Def, Ir, Lexicon, Term};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Arg, ArithOp, CmpOp, Expr, ExprKind, Name};
use crate::text::FoldProfile;
use crate::value::{Currency, Money, Text, Type, Value};

impl Checker<'_> {
    /// Types an expression. Errors are reported here and give `Type::Error`.
    /// The type is recorded with the expression's span (hover in the
    /// language server).
    pub(crate) fn expr(&mut self, e: &Expr) -> (Type, Ir) {
        let (ty, ir) = self.expr_kind(e);
        self.types.push((e.span, ty.clone()));
        (ty, ir)
    }

    fn expr_kind(&mut self, e: &Expr) -> (Type, Ir) {
        match &e.kind {
            ExprKind::Bool(b) => (Type::Bool, Ir::Const(Value::Bool(*b))),
            ExprKind::Null => (Type::Null, Ir::Const(Value::Missing)),
            ExprKind::Number(n) => (Type::Number, Ir::Const(Value::Number(*n))),
            ExprKind::Duration(d) => (Type::Duration, Ir::Const(Value::Duration(*d))),
            ExprKind::Money(amount, code) => {
                let currency = Currency::from_code(code).unwrap_or(Currency::Eur);
                (
                    Type::Money,
                    Ir::Const(Value::Money(Money {
                        amount: *amount,
                        currency,
                    })),
                )
            }
            ExprKind::Text(s) => (
                Type::Text,
                Ir::Const(Value::Text(Text::literal(s.as_str()))),
            ),
            ExprKind::Error => (Type::Error, Ir::Const(Value::Missing)),
            ExprKind::List(items) => self.list(items),
            ExprKind::Var(name) => self.var(name),
            ExprKind::Member(base, name) => self.member(base, name),
            ExprKind::Call(func, args) => self.call(func, args, e.span),
            ExprKind::Lambda(param, _) => {
                self.diags.push(
                    Diagnostic::error(
                        Code::MisplacedLambda,
                        e.span,
                        format!("`{} => ...` outside any() or all()", param.text),
                    )
                    .label("nothing to run this over")
                    .help("write it as the last argument of any(LIST, x => ...) or all(LIST, x => ...)"),
                );
                (Type::Error, Ir::Const(Value::Missing))
            }
            ExprKind::Not(inner) => {
                let (ty, ir) = self.expr(inner);
                self.expect_bool(&ty, inner.span, "`not`");
                (Type::Bool, Ir::Not(Box::new(ir)))
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                let is_and = matches!(e.kind, ExprKind::And(..));
                let word = if is_and { "`and`" } else { "`or`" };
                let (ta, ia) = self.expr(a);
                self.expect_bool(&ta, a.span, word);
                let (tb, ib) = self.expr(b);
                self.expect_bool(&tb, b.span, word);
                let ir = if is_and {
                    Ir::And(Box::new(ia), Box::new(ib))
                } else {
                    Ir::Or(Box::new(ia), Box::new(ib))
                };
                (Type::Bool, ir)
            }
            ExprKind::Cmp(op, a, b) => self.compare(*op, a, b),
            ExprKind::Has(text, what) => self.has(text, what),
            ExprKind::Arith(op, a, b) => self.arith(*op, a, b),
        }
    }

    fn expect_bool(&mut self, ty: &Type, span: Span, context: &str) {
        if ty.is_error() || *ty.base() == Type::Bool {
            return;
        }
        self.diags.push(
            Diagnostic::error(
                Code::NotBool,
                span,
                format!("{context} needs a condition, this is `{ty}`"),
            )
            .label(format!("this is `{ty}`"))
            .help("write a condition here: a comparison, `has`, `exists(...)`"),
        );
    }

    fn list(&mut self, items: &[Expr]) -> (Type, Ir) {
        let mut elem: Option<Type> = None;
        let mut irs = Vec::with_capacity(items.len());
        for item in items {
            let (ty, ir) = self.expr(item);
            irs.push(ir);
            match &elem {
                None => elem = Some(ty),
                Some(first) if !first.is_error() && !ty.is_error() && first.base() != ty.base() => {
                    self.diags.push(
                        Diagnostic::error(
                            Code::MismatchedTypes,
                            item.span,
                            format!(
                                "a list holds values of one type; this is `{ty}`, not `{first}`"
                            ),
                        )
                        .label(format!("this is `{ty}`"))
                        .with_secondary(items[0].span, format!("the list is of {first}"))
                        .help("make every item the same type"),
                    );
                }
                _ => {}
            }
        }
        (
            Type::List(Box::new(elem.unwrap_or(Type::Error))),
            Ir::List(irs),
        )
    }

    fn var(&mut self, name: &Name) -> (Type, Ir) {
        if let Some(depth) = self.scope.iter().rposition(|(n, _)| *n == name.text) {
            return (self.scope[depth].1.clone(), Ir::Local(depth));
        }
        if name.text == "ad" {
            return (Type::Record, Ir::Const(Value::Missing));
        }
        self.uses.push((name.text.clone(), name.span));
        match self.names.get(&name.text).map(|(d, _)| *d) {
            Some(def @ Def::Let(i)) => {
                self.used.insert(def);
                let ty = self.check_let(i, Some(name.span));
                (ty, Ir::Let(i))
            }
            Some(def @ (Def::Lexicon(_) | Def::Pattern(_))) => {
                self.used.insert(def);
                let kind = if matches!(def, Def::Lexicon(_)) {
                    "lexicon"
                } else {
                    "pattern"
                };
                self.diags.push(
                    Diagnostic::error(
                        Code::NotAValue,
                        name.span,
                        format!("`{}` is a {kind}, not a value", name.text),
                    )
                    .label(format!("a {kind}"))
                    .help(format!(
                        "test a text against it: `ad.body has {0}`, or count its hits: `hits(ad.body, {0})`",
                        name.text
                    )),
                );
                (Type::Error, Ir::Const(Value::Missing))
            }
            Some(Def::Rule(_)) => {
                self.diags.push(
                    Diagnostic::error(
                        Code::RuleAsValue,
                        name.span,
                        format!(
                            "`{}` is a rule; rules cannot be used in expressions",
                            name.text
                        ),
                    )
                    .label("a rule")
                    .help("move the shared condition into a `let` and use it in both rules"),
                );
                (Type::Error, Ir::Const(Value::Missing))
            }
            Some(Def::Broken) => (Type::Error, Ir::Const(Value::Missing)),
            None => {
                let mut diag = Diagnostic::error(
                    Code::UnknownName,
                    name.span,
                    format!("unknown name `{}`", name.text),
                )
                .label("not defined in this pack");
                let fields: Vec<&str> = self
                    .pack
                    .schema
                    .fields
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect();
                let field = if self.pack.schema.field(&name.text).is_some() {
                    Some(name.text.clone())
                } else {
                    did_you_mean(&name.text, fields.iter().copied()).map(str::to_string)
                };
                let close = self.suggest_name(&name.text).filter(|s| s != "ad");
                diag = match (close, field) {
                    (_, Some(f)) if f == name.text => diag
                        .help(format!("record fields are read through `ad`: `ad.{f}`"))
                        .fix(name.span, format!("ad.{f}")),
                    (Some(s), _) => diag.help(format!("did you mean `{s}`?")).fix(name.span, s),
                    (None, Some(f)) => diag
                        .help(format!("did you mean the field `ad.{f}`?"))
                        .fix(name.span, format!("ad.{f}")),
                    (None, None) => diag.help(
                        "define it with `let`, `lexicon` or `pattern`, or check the spelling",
                    ),
                };
                self.diags.push(diag);
                (Type::Error, Ir::Const(Value::Missing))
            }
        }
    }

    fn member(&mut self, base: &Expr, name: &Name) -> (Type, Ir) {
        let (ty, ir) = self.expr(base);
        if ty.is_error() {
            return (Type::Error, ir);
        }
        if ty == Type::Record {
            return match self.pack.schema.field(&name.text) {
                Some(i) => (self.pack.schema.fields[i].ty.clone(), Ir::Field(i)),
                None => {
                    let fields: Vec<&str> = self
                        .pack
                        .schema
                        .fields
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect();
                    let mut diag = Diagnostic::error(
                        Code::UnknownField,
                        name.span,
                        format!("the record has no field `{}`", name.text),
                    )
                    .label("unknown field");
                    diag = match did_you_mean(&name.text, fields.iter().copied()) {
                        Some(s) => diag.help(format!("did you mean `{s}`?")).fix(name.span, s),
                        None => diag.help(format!(
                            "fields of `{}` are: {}",
                            self.pack.schema.name,
                            fields.join(", ")
                        )),
                    };
                    self.diags.push(diag);
                    (Type::Error, Ir::Const(Value::Missing))
                }
            };
        }
        let optional = ty.is_optional();
        match member_of(ty.base(), &name.text) {
            Ok((member, mty)) => {
                let mty = if optional { mty.optional() } else { mty };
                (mty, Ir::Member(Box::new(ir), member))
            }
            Err(known) => {
                let mut diag = Diagnostic::error(
                    Code::NoSuchMember,
                    name.span,
                    format!("`{ty}` has no field `{}`", name.text),
                )
                .label(format!("not a field of {}", ty.base()))
                .with_secondary(base.span, format!("this is `{ty}`"));
                diag = match did_you_mean(&name.text, known.iter().copied()) {
                    Some(s) => diag.help(format!("did you mean `{s}`?")).fix(name.span, s),
                    None if known.is_empty() => diag.help(format!("{} has no fields", ty.base())),
                    None => diag.help(format!("{} has: {}", ty.base(), known.join(", "))),
                };
                self.diags.push(diag);
                (Type::Error, Ir::Const(Value::Missing))
            }
        }
    }

    fn compare(&mut self, op: CmpOp, a: &Expr, b: &Expr) -> (Type, Ir) {
        let (ta, ia) = self.expr(a);
        let (tb, ib) = self.expr(b);
        if ta.is_error() || tb.is_error() {
            return (Type::Bool, Ir::Cmp(op, Box::new(ia), Box::new(ib)));
        }
        let currencies = literal_currencies(&ia, &ib);
        let ir = Ir::Cmp(op, Box::new(ia), Box::new(ib));
        let mismatch = |message: String, help: String| {
            Diagnostic::error(Code::MismatchedTypes, a.span, message)
                .label(format!("this is `{ta}`"))
                .with_secondary(b.span, format!("this is `{tb}`"))
                .help(help)
        };
        if let Some((ca, cb)) = currencies {
            self.diags.push(mismatch(
                format!("cannot compare {ca} with {cb}"),
                "compare amounts in one currency".to_string(),
            ));
            return (Type::Bool, ir);
        }
        let eq = matches!(op, CmpOp::Eq | CmpOp::Ne);
        match (&ta, &tb) {
            (Type::Null, t) | (t, Type::Null) if t.is_optional() && eq => {
                // `x == null` asks whether x is missing: a presence test.
                let Ir::Cmp(_, a_ir, b_ir) = ir else {
                    unreachable!("built above")
                };
                let value = if ta == Type::Null { *b_ir } else { *a_ir };
                let present = Ir::Call(crate::check::Builtin::Exists, vec![value]);
                return (
                    Type::Bool,
                    if op == CmpOp::Eq {
                        Ir::Not(Box::new(present))
                    } else {
                        present
                    },
                );
            }
            (Type::Null, t) | (t, Type::Null) => {
                let diag = if t.is_optional() {
                    mismatch(
                        format!("`{}` cannot order `null`", op.as_str()),
                        "compare with `==` or `!=`, or ask `exists(...)`".to_string(),
                    )
                } else {
                    mismatch(
                        format!("`{t}` is never missing, so comparing it with `null` is always false"),
                        "only optional values (`T?`) can be missing; for those, `exists(...)` reads better than `== null`".to_string(),
                    )
                };
                self.diags.push(diag);
                return (Type::Bool, ir);
            }
            _ => {}
        }
        if ta.base() != tb.base() {
            let help = match (ta.base(), tb.base()) {
                (Type::Money, Type::Number) | (Type::Number, Type::Money) => {
                    "compare like with like: money with money (`ad.price < 100 EUR`), or numbers with numbers (`ad.price.amount < 100`)".to_string()
                }
                (Type::Duration, Type::Number) | (Type::Number, Type::Duration) => {
                    "give the number a unit: `30min`, `1h`, `7d`".to_string()
                }
                _ => format!(
                    "compare values of the same type: {} with {} (e.g. `{}`), {} with {} (e.g. `{}`)",
                    ta.base(),
                    ta.base(),
                    ta.example(),
                    tb.base(),
                    tb.base(),
                    tb.example()
                ),
            };
            self.diags.push(mismatch(
                format!("cannot compare {} with {}", ta.base(), tb.base()),
                help,
            ));
            return (Type::Bool, ir);
        }
        let ordered = matches!(
            ta.base(),
            Type::Number | Type::Money | Type::Duration | Type::Time
        );
        if !ordered && !eq {
            self.diags.push(mismatch(
                format!(
                    "{} values have no order; `{}` cannot compare them",
                    ta.base(),
                    op.as_str()
                ),
                "use `==` or `!=`, or compare something with an order (a length, an amount)"
                    .to_string(),
            ));
        }
        (Type::Bool, ir)
    }
    /// Resolves the right side of `has` or the second argument of `hits`
    /// to an atom, or reports why it cannot be one.
    pub(super) fn atom_of(&mut self, what: &Expr, context: &str) -> Option<AtomId> {
        match &what.kind {
            ExprKind::Var(name) if self.scope.iter().all(|(n, _)| *n != name.text) => {
                self.uses.push((name.text.clone(), name.span));
                match self.names.get(&name.text).map(|(d, _)| *d) {
                    Some(def @ Def::Lexicon(i)) => {
                        self.used.insert(def);
                        Some(self.intern_atom(Atom::Lexicon(i)))
                    }
                    Some(def @ Def::Pattern(i)) => {
                        self.used.insert(def);
                        Some(self.intern_atom(Atom::Pattern(i)))
                    }
                    Some(Def::Broken) => None,
                    Some(_) => {
                        let close = self.lexicon_or_pattern_like(&name.text);
                        let mut diag = Diagnostic::error(
                            Code::HasOperand,
                            what.span,
                            format!(
                                "{context} needs a lexicon or a pattern; `{}` is neither",
                                name.text
                            ),
                        )
                        .label("not a lexicon or pattern");
                        diag = match close {
                            Some(s) => diag.help(format!("did you mean the {s}?")),
                            None => diag.help("name a lexicon or a pattern, or write the text to look for in quotes"),
                        };
                        self.diags.push(diag);
                        None
                    }
                    None => {
                        let suggestion = self.lexicon_or_pattern_name(&name.text);
                        let mut diag = Diagnostic::error(
                            Code::UnknownName,
                            name.span,
                            format!("unknown lexicon or pattern `{}`", name.text),
                        )
                        .label("not defined in this pack");
                        diag = match suggestion {
                            Some(s) => diag.help(format!("did you mean `{s}`?")).fix(name.span, s),
                            None => diag.help(format!(
                                "define it with `lexicon {} {{ ... }}`, or write a literal: has \"{}\"",
                                name.text, name.text
                            )),
                        };
                        self.diags.push(diag);
                        None
                    }
                }
            }
            ExprKind::Text(literal) if context == "`has`" => {
                let lexicon = match self.literal_lexicons.get(literal) {
                    Some(&i) => i,
                    None => {
                        if crate::text::fold_str(literal, FoldProfile::DEFAULT).is_empty() {
                            self.diags.push(
                                Diagnostic::error(
                                    Code::EmptyTerm,
                                    what.span,
                                    "an empty text matches nothing",
                                )
                                .label("empty")
                                .help("write the word or phrase to look for"),
                            );
                            return None;
                        }
                        let i = self.pack.lexicons.len();
                        self.pack.lexicons.push(Lexicon {
                            name: format!("{literal:?}"),
                            fold: FoldProfile::DEFAULT,
                            terms: vec![Term {
                                text: literal.clone(),
                                prefix: false,
                                span: what.span,
                            }],
                            span: what.span,
                            synthetic: true,
                        });
                        self.literal_lexicons.insert(literal.clone(), i);
                        i
                    }
                };
                Some(self.intern_atom(Atom::Lexicon(lexicon)))
            }
            ExprKind::Error => None,
            ExprKind::Text(literal) => {
                self.diags.push(
                    Diagnostic::error(
                        Code::HasOperand,
                        what.span,
                        format!("{context} takes a lexicon or a pattern, not a literal text"),
                    )
                    .label("a literal text")
                    .help(format!(
                        "define `lexicon mots {{ {literal:?} }}` and write `hits(TEXT, mots)`; a literal alone works with `has`"
                    )),
                );
                None
            }
            _ => {
                let (ty, _) = self.expr(what);
                if !ty.is_error() {
                    self.diags.push(
                        Diagnostic::error(
                            Code::HasOperand,
                            what.span,
                            format!("{context} needs a lexicon, a pattern or a literal text, not {ty}"),
                        )
                        .label(format!("this is `{ty}`"))
                        .help("write a lexicon or pattern name (`has euphemismes`) or a text in quotes (`has \"snap\"`)"),
                    );
                }
                None
            }
        }
    }

    /// The lexicon or pattern whose name is closest to `word`.
    fn lexicon_or_pattern_name(&self, word: &str) -> Option<String> {
        let mut candidates: Vec<&str> = self
            .names
            .iter()
            .filter(|(_, (d, _))| matches!(d, Def::Lexicon(_) | Def::Pattern(_)))
            .map(|(n, _)| n.as_str())
            .collect();
        candidates.sort_unstable();
        did_you_mean(word, candidates).map(str::to_string)
    }

    /// "lexicon `x`" or "pattern `x`" for the closest such name.
    fn lexicon_or_pattern_like(&self, word: &str) -> Option<String> {
        let name = self.lexicon_or_pattern_name(word)?;
        let kind = match self.names.get(&name) {
            Some((Def::Pattern(_), _)) => "pattern",
            _ => "lexicon",
        };
        Some(format!("{kind} `{name}`"))
    }

    fn intern_atom(&mut self, atom: Atom) -> AtomId {
        if let Some(&id) = self.atom_ids.get(&atom) {
            return id;
        }
        let id = self.pack.atoms.len();
        self.pack.atoms.push(atom);
        self.atom_ids.insert(atom, id);
        id
    }

    /// The text side of `has`/`hits`: typed, and registered as a source
    /// when it does not depend on a lambda variable.
    pub(super) fn text_operand(
        &mut self,
        text: &Expr,
        context: &str,
    ) -> Option<(Ir, Option<usize>)> {
        let (ty, ir) = self.expr(text);
        if ty.is_error() {
            return None;
        }
        if *ty.base() != Type::Text {
            self.diags.push(
                Diagnostic::error(
                    Code::NotText,
                    text.span,
                    format!("{context} tests a text, this is `{ty}`"),
                )
                .label(format!("this is `{ty}`"))
                .help("test a text field such as `ad.body` or `ad.title`"),
            );
            return None;
        }
        let source =
            (!ir.uses_locals()).then(|| match self.pack.sources.iter().position(|s| *s == ir) {
                Some(i) => i,
                None => {
                    self.pack.sources.push(ir.clone());
                    self.pack.sources.len() - 1
                }
            });
        Some((ir, source))
    }

    fn has(&mut self, text: &Expr, what: &Expr) -> (Type, Ir) {
        let operand = self.text_operand(text, "`has`");
        let atom = self.atom_of(what, "`has`");
        match (operand, atom) {
            (Some((ir, source)), Some(atom)) => (
                Type::Bool,
                Ir::Has {
                    text: Box::new(ir),
                    atom,
                    source,
                },
            ),
            _ => (Type::Bool, Ir::Const(Value::Bool(false))),
        }
    }

    fn arith(&mut self, op: ArithOp, a: &Expr, b: &Expr) -> (Type, Ir) {
        let (ta, ia) = self.expr(a);
        let (tb, ib) = self.expr(b);
        if ta.is_error() || tb.is_error() {
            return (Type::Error, Ir::Const(Value::Missing));
        }
        if let Some((ca, cb)) = literal_currencies(&ia, &ib) {
            self.diags.push(
                Diagnostic::error(
                    Code::BadArithmetic,
                    a.span,
                    format!("cannot add or subtract {ca} and {cb}"),
                )
                .label(format!("this is in {ca}"))
                .with_secondary(b.span, format!("this is in {cb}"))
                .help("money is added only in one currency; write both amounts in the same one"),
            );
            return (Type::Error, Ir::Const(Value::Missing));
        }
        let optional = ta.is_optional() || tb.is_optional();
        let result = match (op, ta.base(), tb.base()) {
            (ArithOp::Add, Type::Text, Type::Text) => {
                // Flatten `a + b + c` into one concatenation. A missing
                // optional text counts as empty (see the language docs).
                let mut parts = Vec::new();
                for ir in [ia, ib] {
                    match ir {
                        Ir::Concat(inner) => parts.extend(inner),
                        other => parts.push(other),
                    }
                }
                return (Type::Text, Ir::Concat(parts));
            }
            (_, Type::Number, Type::Number) => Type::Number,
            (_, Type::Money, Type::Money) => Type::Money,
            (_, Type::Duration, Type::Duration) => Type::Duration,
            (_, Type::Time, Type::Duration) => Type::Time,
            (ArithOp::Sub, Type::Time, Type::Time) => Type::Duration,
            _ => {
                let sign = if op == ArithOp::Add { "+" } else { "-" };
                let help = if matches!(ta.base(), Type::Text) || matches!(tb.base(), Type::Text) {
                    "`+` joins two texts; other values cannot be added to text".to_string()
                } else {
                    format!(
                        "`{sign}` works on numbers, money, durations, and a duration with a time"
                    )
                };
                self.diags.push(
                    Diagnostic::error(
                        Code::BadArithmetic,
                        a.span,
                        format!(
                            "cannot {} {} and {} with `{sign}`",
                            if op == ArithOp::Add {
                                "add"
                            } else {
                                "subtract"
                            },
                            ta.base(),
                            tb.base()
                        ),
                    )
                    .label(format!("this is `{ta}`"))
                    .with_secondary(b.span, format!("this is `{tb}`"))
                    .help(help),
                );
                return (Type::Error, Ir::Const(Value::Missing));
            }
        };
        let ty = if optional { result.optional() } else { result };
        (ty, Ir::Arith(op, Box::new(ia), Box::new(ib)))
    }

    fn call(&mut self, func: &Name, args: &[Arg], span: Span) -> (Type, Ir) {
        let Some(builtin) = BUILTINS.iter().find(|b| b.name == func.text) else {
            let mut diag = Diagnostic::error(
                Code::UnknownFunction,
                func.span,
                format!("unknown function `{}`", func.text),
            )
            .label("not a built-in function");
            diag = match did_you_mean(&func.text, BUILTINS.iter().map(|b| b.name)) {
                Some(s) => diag.help(format!("did you mean `{s}`?")).fix(func.span, s),
                None => diag.help(format!(
                    "built-in functions: {}",
                    BUILTINS
                        .iter()
                        .map(|b| b.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            self.diags.push(diag);
            // Still check the arguments, for their own mistakes.
            for arg in args {
                if !matches!(arg.value.kind, ExprKind::Lambda(..)) {
                    self.expr(&arg.value);
                }
            }
            return (Type::Error, Ir::Const(Value::Missing));
        };
        if builtin.kind == BuiltinKind::Stream {
            return self.aggregate(builtin, args, span);
        }
        if let Some(named) = args.iter().find_map(|a| a.name.as_ref()) {
            self.diags.push(
                Diagnostic::error(
                    Code::NamedArgument,
                    named.span,
                    format!("`{}` takes no named argument `{}`", func.text, named.text),
                )
                .label("named argument")
                .help(format!(
                    "write the arguments in order: {}",
                    builtin.signature
                )),
            );
            return (Type::Error, Ir::Const(Value::Missing));
        }
        if !builtin.arity.contains(&args.len()) {
            self.diags.push(
                Diagnostic::error(
                    Code::ArgumentCount,
                    span,
                    format!(
                        "`{}` takes {} argument{}, {} given",
                        func.text,
                        builtin.arity_text(),
                        if builtin.arity == (1..=1) { "" } else { "s" },
                        args.len()
                    ),
                )
                .label(format!(
                    "{} argument{}",
                    args.len(),
                    if args.len() == 1 { "" } else { "s" }
                ))
                .help(format!("{}: {}", builtin.signature, builtin.doc)),
            );
            return (Type::Error, Ir::Const(Value::Missing));
        }
        self.builtin_call(builtin, args)
    }

    /// Reports an argument of the wrong type.
    pub(super) fn bad_argument(
        &mut self,
        builtin: &super::Builtins,
        arg: &Expr,
        ty: &Type,
        wanted: &str,
    ) {
        self.diags.push(
            Diagnostic::error(
                Code::ArgumentType,
                arg.span,
                format!("`{}` needs {wanted} here, this is `{ty}`", builtin.name),
            )
            .label(format!("this is `{ty}`"))
            .help(format!("{}: {}", builtin.signature, builtin.doc)),
        );
    }
}

/// The two currencies of two money literals, when they differ.
fn literal_currencies(a: &Ir, b: &Ir) -> Option<(&'static str, &'static str)> {
    match (a, b) {
        (Ir::Const(Value::Money(x)), Ir::Const(Value::Money(y))) if x.currency != y.currency => {
            Some((x.currency.code(), y.currency.code()))
        }
        _ => None,
    }
}
