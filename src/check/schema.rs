//! The record schema: the default classified ad, or the pack's own.

use super::{Checker, Field, Schema, RESERVED};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::syntax::ast::{DeclKind, TypeExpr};
use crate::value::Type;

/// The default schema: a classified ad.
pub fn default_schema() -> Schema {
    let field = |name: &str, ty: Type| Field {
        name: name.to_string(),
        ty,
        span: None,
    };
    let fields = vec![
        field("id", Type::Text),
        field("title", Type::Text),
        field("body", Type::Text),
        field("category", Type::Text.optional()),
        field("city", Type::Text.optional()),
        field("phone", Type::Phone.optional()),
        field("price", Type::Money.optional()),
        field("posted_at", Type::Time.optional()),
        field("boosted", Type::Bool.optional()),
    ];
    Schema {
        name: "ad".to_string(),
        time_field: Some(7),
        fields,
        span: None,
    }
}

impl Checker<'_> {
    pub(super) fn schema_decl(&mut self) {
        let mut seen = None;
        for decl in self.decls {
            let DeclKind::Schema(d) = &decl.kind else {
                continue;
            };
            if let Some(first) = seen {
                self.diags.push(
                    Diagnostic::error(
                        Code::DuplicateSchema,
                        d.name.span,
                        "a second schema in this pack",
                    )
                    .label("second schema")
                    .with_secondary(first, "first schema here")
                    .help("merge the fields into one schema declaration"),
                );
                continue;
            }
            seen = Some(d.name.span);
            let mut fields: Vec<Field> = Vec::new();
            for f in &d.fields {
                if RESERVED.contains(&f.name.text.as_str()) {
                    self.diags.push(
                        Diagnostic::error(
                            Code::ReservedName,
                            f.name.span,
                            format!("`{}` is a reserved word", f.name.text),
                        )
                        .label("cannot name a field")
                        .help("choose another field name"),
                    );
                    continue;
                }
                if let Some(first) = fields.iter().find(|x| x.name == f.name.text) {
                    self.diags.push(
                        Diagnostic::error(
                            Code::DuplicateField,
                            f.name.span,
                            format!("field `{}` is declared twice", f.name.text),
                        )
                        .label("second declaration")
                        .with_secondary(first.span.unwrap_or(f.name.span), "first declared here")
                        .help("remove one of them"),
                    );
                    continue;
                }
                let ty = self.type_expr(&f.ty);
                fields.push(Field {
                    name: f.name.text.clone(),
                    ty,
                    span: Some(f.name.span),
                });
            }
            let time_field = fields
                .iter()
                .position(|f| f.name == "posted_at" && *f.ty.base() == Type::Time)
                .or_else(|| fields.iter().position(|f| *f.ty.base() == Type::Time));
            self.pack.schema = Schema {
                name: d.name.text.clone(),
                fields,
                time_field,
                span: Some(d.name.span),
            };
        }
    }

    fn type_expr(&mut self, t: &TypeExpr) -> Type {
        let ty = if t.name.text == "list" {
            match &t.arg {
                Some(arg) => Type::List(Box::new(self.type_expr(arg))),
                None => {
                    self.diags.push(
                        Diagnostic::error(
                            Code::UnknownType,
                            t.name.span,
                            "`list` needs an element type",
                        )
                        .label("list of what?")
                        .help("write list<text>, list<number>, ..."),
                    );
                    Type::Error
                }
            }
        } else if let Some(ty) = Type::from_name(&t.name.text) {
            ty
        } else {
            let mut diag = Diagnostic::error(
                Code::UnknownType,
                t.name.span,
                format!("unknown type `{}`", t.name.text),
            )
            .label("not a type");
            let hint = match t.name.text.to_lowercase().as_str() {
                "string" | "str" | "texte" => Some("text"),
                "int" | "float" | "integer" | "nombre" => Some("number"),
                "boolean" | "booleen" => Some("bool"),
                "euros" | "eur" | "prix" => Some("money"),
                "date" | "datetime" | "timestamp" => Some("time"),
                "tel" | "telephone" => Some("phone"),
                _ => did_you_mean(&t.name.text, Type::NAMES.iter().copied()),
            };
            diag = match hint {
                Some(h) => diag
                    .help(format!("did you mean `{h}`?"))
                    .fix(t.name.span, h),
                None => diag.help(format!("types are: {}", Type::NAMES.join(", "))),
            };
            self.diags.push(diag);
            Type::Error
        };
        if t.optional {
            ty.optional()
        } else {
            ty
        }
    }
}
