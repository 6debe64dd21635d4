//! Typing the stream aggregates: `count(by:, within:)` and
//! `distinct(VALUE, by:, within:)`.
//!
//! An aggregate becomes an [`Aggregate`] of the pack (the same one written
//! twice is kept once) and the expression `Ir::Aggregate(i)`, whose value
//! the scanner computes for each record, in time order, before the rules.

use super::builtins::Builtins;
use super::{Aggregate, Checker, Ir};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Arg, ExprKind};
use crate::value::{Type, Value};

impl Checker<'_> {
    pub(super) fn aggregate(&mut self, b: &Builtins, args: &[Arg], span: Span) -> (Type, Ir) {
        let error = (Type::Error, Ir::Const(Value::Missing));
        let positional: Vec<&Arg> = args.iter().filter(|a| a.name.is_none()).collect();
        let mut by = None;
        let mut within = None;
        let mut ok = true;
        for arg in args.iter().filter(|a| a.name.is_some()) {
            let name = arg.name.as_ref().expect("filtered");
            match name.text.as_str() {
                "by" => by = Some(arg),
                "within" => within = Some(arg),
                other => {
                    ok = false;
                    let mut diag = Diagnostic::error(
                        Code::StreamAggregate,
                        name.span,
                        format!("`{}` has no argument `{other}`", b.name),
                    )
                    .label("unknown argument");
                    diag = match did_you_mean(other, ["by", "within"]) {
                        Some(s) => diag.help(format!("did you mean `{s}:`?")).fix(name.span, s),
                        None => diag.help(b.signature),
                    };
                    self.diags.push(diag);
                }
            }
        }
        if !ok {
            return error;
        }
        let wanted = if b.name == "distinct" { 1 } else { 0 };
        if positional.len() != wanted {
            let message = if wanted == 0 {
                "`count` takes only `by:` and `within:`".to_string()
            } else {
                "`distinct` takes the value to count first, then `by:` and `within:`".to_string()
            };
            self.diags.push(
                Diagnostic::error(Code::StreamAggregate, span, message)
                    .label(format!(
                        "{} value{} in order",
                        positional.len(),
                        if positional.len() == 1 { "" } else { "s" }
                    ))
                    .help(b.signature),
            );
            return error;
        }
        let (Some(by), Some(within)) = (by, within) else {
            let missing = match (by.is_none(), within.is_none()) {
                (true, true) => "`by:` and `within:`",
                (true, false) => "`by:`",
                _ => "`within:`",
            };
            self.diags.push(
                Diagnostic::error(
                    Code::StreamAggregate,
                    span,
                    format!("`{}` needs {missing}", b.name),
                )
                .label(format!("{missing} missing"))
                .help(format!(
                    "{}, e.g. count(by: ad.phone, within: 24h)",
                    b.signature
                )),
            );
            return error;
        };
        let ExprKind::Duration(seconds) = within.value.kind else {
            let (ty, _) = self.expr(&within.value);
            if !ty.is_error() {
                self.diags.push(
                    Diagnostic::error(
                        Code::WindowNotLiteral,
                        within.value.span,
                        "the window must be a duration written here",
                    )
                    .label(format!("this is `{ty}`, not a duration literal"))
                    .help("write the window as a literal: `within: 24h`, `within: 14d`"),
                );
            }
            return error;
        };
        if seconds <= 0.0 {
            self.diags.push(
                Diagnostic::error(
                    Code::WindowNotLiteral,
                    within.value.span,
                    "the window must be longer than zero",
                )
                .label("empty window")
                .help("write a positive duration: `within: 24h`"),
            );
            return error;
        }
        if self.pack.schema.time_field.is_none() {
            let mut diag = Diagnostic::error(
                Code::WindowWithoutTime,
                within.value.span,
                "a window needs a time field, and the schema has none",
            )
            .label("measured on which clock?")
            .help("declare a field of type time in the schema, e.g. `posted_at: time?`");
            if let Some(schema) = self.pack.schema.span {
                diag = diag.with_secondary(schema, "this schema has no field of type time");
            }
            self.diags.push(diag);
            return error;
        }
        let Some(key) = self.aggregate_operand(&by.value, "key") else {
            return error;
        };
        let distinct = match positional.first() {
            Some(value) => match self.aggregate_operand(&value.value, "value") {
                Some(ir) => Some(ir),
                None => return error,
            },
            None => None,
        };
        let aggregate = Aggregate {
            distinct,
            key,
            within: seconds,
            span,
        };
        let id = match self.pack.aggregates.iter().position(|a| {
            a.distinct == aggregate.distinct
                && a.key == aggregate.key
                && a.within == aggregate.within
        }) {
            Some(i) => i,
            None => {
                self.pack.aggregates.push(aggregate);
                self.pack.aggregates.len() - 1
            }
        };
        (Type::Number.optional(), Ir::Aggregate(id))
    }

    /// Types a key or a distinct value: something ads can share. A list
    /// written in place is a tuple: its parts may have different types
    /// (`[ad.phone, ad.city]`).
    fn aggregate_operand(&mut self, e: &crate::syntax::ast::Expr, what: &str) -> Option<Ir> {
        if let ExprKind::List(items) = &e.kind {
            let mut parts = Vec::with_capacity(items.len());
            for item in items {
                parts.push(self.aggregate_operand(item, what)?);
            }
            return Some(Ir::List(parts));
        }
        let (ty, ir) = self.expr(e);
        if ty.is_error() {
            return None;
        }
        if ir.uses_locals() {
            self.diags.push(
                Diagnostic::error(
                    Code::UncomparableKey,
                    e.span,
                    format!("this {what} depends on a `x => ...` variable"),
                )
                .label("changes from item to item")
                .help("group by something of the ad itself: a field, a phone, a fingerprint"),
            );
            return None;
        }
        if !groupable(&ty, what == "key") {
            self.diags.push(
                Diagnostic::error(Code::UncomparableKey, e.span, format!("a `{ty}` cannot be a {what} of a stream aggregate"))
                    .label(format!("this is `{ty}`"))
                    .help("use text, a phone, a number, a bool, money, a time, a fingerprint, or a list of these"),
            );
            return None;
        }
        Some(ir)
    }
}

fn groupable(ty: &Type, key: bool) -> bool {
    match ty.base() {
        Type::Text | Type::Phone | Type::Number | Type::Bool | Type::Money | Type::Time => true,
        Type::Fingerprint => key,
        Type::List(inner) => {
            !matches!(inner.base(), Type::Fingerprint | Type::List(_)) && groupable(inner, false)
        }
        _ => false,
    }
}
