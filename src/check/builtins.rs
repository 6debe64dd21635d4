//! Built-in functions and the fields of built-in values.
//!
//! [`BUILTINS`] is the one list of functions: the checker types calls with
//! it, and the REPL and the language server use its signatures and docs
//! for completion and hover.

use super::{Builtin, Checker, Ir, Member};
use crate::syntax::ast::{Arg, ExprKind};
use crate::value::{Type, Value};
use std::ops::RangeInclusive;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltinKind {
    Plain,
    /// `any`/`all`: a list and a function `x => condition`.
    Quantifier,
    /// `hits`: a text and a lexicon or pattern.
    Hits,
    /// Reserved for the stream engine.
    Stream,
}

#[derive(Debug)]
pub struct Builtins {
    pub name: &'static str,
    pub kind: BuiltinKind,
    pub arity: RangeInclusive<usize>,
    pub signature: &'static str,
    pub doc: &'static str,
}

impl Builtins {
    pub fn arity_text(&self) -> String {
        if self.arity.start() == self.arity.end() {
            self.arity.start().to_string()
        } else if *self.arity.end() == usize::MAX {
            format!("{} or more", self.arity.start())
        } else {
            format!("{} to {}", self.arity.start(), self.arity.end())
        }
    }
}

pub const BUILTINS: &[Builtins] = &[
    Builtins {
        name: "len",
        kind: BuiltinKind::Plain,
        arity: 1..=1,
        signature: "len(text | list) -> number",
        doc: "the number of characters of a text, or of items of a list",
    },
    Builtins {
        name: "lower",
        kind: BuiltinKind::Plain,
        arity: 1..=1,
        signature: "lower(text) -> text",
        doc: "the text in lower case",
    },
    Builtins {
        name: "exists",
        kind: BuiltinKind::Plain,
        arity: 1..=1,
        signature: "exists(value) -> bool",
        doc: "true when the value is present (an optional field that the record has)",
    },
    Builtins {
        name: "any",
        kind: BuiltinKind::Quantifier,
        arity: 2..=2,
        signature: "any(list, x => condition) -> bool",
        doc: "true when the condition holds for at least one item",
    },
    Builtins {
        name: "all",
        kind: BuiltinKind::Quantifier,
        arity: 2..=2,
        signature: "all(list, x => condition) -> bool",
        doc: "true when the condition holds for every item (true for an empty list)",
    },
    Builtins {
        name: "min",
        kind: BuiltinKind::Plain,
        arity: 1..=usize::MAX,
        signature: "min(list) or min(a, b, ...) -> same type",
        doc: "the smallest of numbers, amounts of money or durations",
    },
    Builtins {
        name: "max",
        kind: BuiltinKind::Plain,
        arity: 1..=usize::MAX,
        signature: "max(list) or max(a, b, ...) -> same type",
        doc: "the largest of numbers, amounts of money or durations",
    },
    Builtins {
        name: "hits",
        kind: BuiltinKind::Hits,
        arity: 2..=2,
        signature: "hits(text, lexicon | pattern) -> number",
        doc: "how many distinct terms of the lexicon (or matches of the pattern) the text contains",
    },
    Builtins {
        name: "terms",
        kind: BuiltinKind::Hits,
        arity: 2..=2,
        signature: "terms(text, lexicon) -> list<text>",
        doc: "the distinct terms of the lexicon found in the text, as the lexicon writes them (for grouping: `distinct(terms(texte, prenoms), by: ad.phone, within: 14d)`)",
    },
    Builtins {
        name: "phones",
        kind: BuiltinKind::Plain,
        arity: 1..=1,
        signature: "phones(text) -> list<phone>",
        doc: "the phone numbers written in the text, however disguised (words, letters for digits, keycaps), each once, normalised to E.164; `p.obscured` tells a disguised one",
    },
    Builtins {
        name: "prices",
        kind: BuiltinKind::Plain,
        arity: 1..=1,
        signature: "prices(text) -> list<price>",
        doc: "the prices written in the text, with the duration they buy when given (`150/h`, `1h 200`, `30min=80`); `p.per_hour`, `p.coded` (roses, cadeaux)",
    },
    Builtins {
        name: "fingerprint",
        kind: BuiltinKind::Plain,
        arity: 1..=1,
        signature: "fingerprint(text) -> fingerprint",
        doc: "a near-duplicate key: texts that differ in a few words (a name, a city, a price) match with high probability; use it as the key of count or distinct",
    },
    Builtins {
        name: "count",
        kind: BuiltinKind::Stream,
        arity: 0..=0,
        signature: "count(by: KEY, within: DURATION) -> number",
        doc: "how many ads with the same key were posted in the window ending at this ad (this ad included)",
    },
    Builtins {
        name: "distinct",
        kind: BuiltinKind::Stream,
        arity: 1..=1,
        signature: "distinct(VALUE, by: KEY, within: DURATION) -> number",
        doc: "how many distinct values among the ads with the same key in the window ending at this ad (this ad included)",
    },
];

/// The fields of a built-in value type: `Ok((member, type))`, or the list of
/// fields the type has.
pub fn member_of(ty: &Type, name: &str) -> Result<(Member, Type), &'static [&'static str]> {
    match ty {
        Type::Price => match name {
            "amount" => Ok((Member::PriceAmount, Type::Money)),
            "per" => Ok((Member::PricePer, Type::Duration.optional())),
            "coded" => Ok((Member::PriceCoded, Type::Bool)),
            "per_hour" => Ok((Member::PricePerHour, Type::Money.optional())),
            _ => Err(&["amount", "per", "coded", "per_hour"]),
        },
        Type::Phone => match name {
            "number" => Ok((Member::PhoneNumber, Type::Text)),
            "obscured" => Ok((Member::PhoneObscured, Type::Bool)),
            _ => Err(&["number", "obscured"]),
        },
        Type::Money => match name {
            "amount" => Ok((Member::MoneyAmount, Type::Number)),
            _ => Err(&["amount"]),
        },
        _ => Err(&[]),
    }
}

impl Checker<'_> {
    pub(super) fn builtin_call(&mut self, b: &Builtins, args: &[Arg]) -> (Type, Ir) {
        let error = (Type::Error, Ir::Const(Value::Missing));
        match b.kind {
            BuiltinKind::Quantifier => {
                let (lty, lir) = self.expr(&args[0].value);
                let elem = match lty.base() {
                    Type::List(e) => (**e).clone(),
                    Type::Error => Type::Error,
                    other => {
                        let other = other.clone();
                        self.bad_argument(b, &args[0].value, &other, "a list");
                        Type::Error
                    }
                };
                let ExprKind::Lambda(param, body) = &args[1].value.kind else {
                    let (ty, _) = self.expr(&args[1].value);
                    self.bad_argument(b, &args[1].value, &ty, "a function `x => condition`");
                    return error;
                };
                self.types.push((param.span, elem.clone()));
                self.scope.push((param.text.clone(), elem));
                let (bty, bir) = self.expr(body);
                self.scope.pop();
                if !bty.is_error() && *bty.base() != Type::Bool {
                    self.bad_argument(b, body, &bty, "a condition");
                }
                (
                    Type::Bool,
                    Ir::Quantifier {
                        all: b.name == "all",
                        list: Box::new(lir),
                        body: Box::new(bir),
                    },
                )
            }
            BuiltinKind::Hits => {
                let context = format!("`{}`", b.name);
                let operand = self.text_operand(&args[0].value, &context);
                let atom = self.atom_of(&args[1].value, &context);
                let terms = b.name == "terms";
                match (operand, atom) {
                    (Some((ir, source)), Some(atom)) => (
                        if terms {
                            Type::List(Box::new(Type::Text))
                        } else {
                            Type::Number
                        },
                        Ir::Hits {
                            text: Box::new(ir),
                            atom,
                            source,
                            terms,
                        },
                    ),
                    _ => error,
                }
            }
            BuiltinKind::Stream => error,
            BuiltinKind::Plain => {
                let mut typed = Vec::with_capacity(args.len());
                for arg in args {
                    if let ExprKind::Lambda(..) = arg.value.kind {
                        self.diags.push(
                            crate::diagnostic::Diagnostic::error(
                                crate::diagnostic::Code::ArgumentType,
                                arg.value.span,
                                format!("`{}` takes a value here, not a function", b.name),
                            )
                            .label("a function `x => ...`")
                            .help(format!(
                                "{}: {}; only any() and all() take a function",
                                b.signature, b.doc
                            )),
                        );
                        return error;
                    }
                    typed.push(self.expr(&arg.value));
                }
                if typed.iter().any(|(t, _)| t.is_error()) {
                    return error;
                }
                let irs: Vec<Ir> = typed.iter().map(|(_, ir)| ir.clone()).collect();
                let first = typed[0].0.clone();
                match b.name {
                    "len" => match first.base() {
                        Type::Text | Type::List(_) => (Type::Number, Ir::Call(Builtin::Len, irs)),
                        _ => {
                            self.bad_argument(b, &args[0].value, &first, "a text or a list");
                            error
                        }
                    },
                    "lower" => match first.base() {
                        Type::Text => (first.clone(), Ir::Call(Builtin::Lower, irs)),
                        _ => {
                            self.bad_argument(b, &args[0].value, &first, "a text");
                            error
                        }
                    },
                    "exists" => (Type::Bool, Ir::Call(Builtin::Exists, irs)),
                    "fingerprint" => match first.base() {
                        Type::Text => (
                            Type::Fingerprint.optional(),
                            Ir::Call(Builtin::Fingerprint, irs),
                        ),
                        _ => {
                            self.bad_argument(b, &args[0].value, &first, "a text");
                            error
                        }
                    },
                    "phones" | "prices" => match first.base() {
                        Type::Text => {
                            let (which, elem) = if b.name == "phones" {
                                (Builtin::Phones, Type::Phone)
                            } else {
                                (Builtin::Prices, Type::Price)
                            };
                            (Type::List(Box::new(elem)), Ir::Call(which, irs))
                        }
                        _ => {
                            self.bad_argument(b, &args[0].value, &first, "a text");
                            error
                        }
                    },
                    "min" | "max" => {
                        let which = if b.name == "min" {
                            Builtin::Min
                        } else {
                            Builtin::Max
                        };
                        let elem = if typed.len() == 1 {
                            match first.base() {
                                Type::List(e) => (**e).clone(),
                                _ => {
                                    self.bad_argument(
                                        b,
                                        &args[0].value,
                                        &first,
                                        "a list (or several values)",
                                    );
                                    return error;
                                }
                            }
                        } else {
                            first.base().clone()
                        };
                        if !matches!(
                            elem.base(),
                            Type::Number | Type::Money | Type::Duration | Type::Time | Type::Error
                        ) {
                            self.bad_argument(
                                b,
                                &args[0].value,
                                &first,
                                "numbers, money, durations or times",
                            );
                            return error;
                        }
                        for (i, (ty, _)) in typed.iter().enumerate().skip(1) {
                            if ty.base() != elem.base() {
                                self.bad_argument(
                                    b,
                                    &args[i].value,
                                    ty,
                                    &format!("{elem} like the first argument"),
                                );
                                return error;
                            }
                        }
                        (elem.optional(), Ir::Call(which, irs))
                    }
                    other => unreachable!("builtin {other} has no typing rule"),
                }
            }
        }
    }
}
