//! Lints that need the whole pack, and the prefilter analysis.

use super::{AtomId, Checker, Ir};
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::ast::{CmpOp, DeclKind};
use crate::value::Value;

impl Checker<'_> {
    pub(super) fn lints(&mut self) {
        // Unused lexicons, patterns and lets.
        for decl in self.decls {
            let (kind, name) = match &decl.kind {
                DeclKind::Lexicon(d) => ("lexicon", &d.name),
                DeclKind::Pattern(d) => ("pattern", &d.name),
                DeclKind::Let(d) => ("let", &d.name),
                _ => continue,
            };
            let Some((def, span)) = self.names.get(&name.text) else {
                continue;
            };
            if *span != name.span || self.used.contains(def) {
                continue;
            }
            self.diags.push(
                Diagnostic::warning(
                    Code::UnusedDeclaration,
                    name.span,
                    format!("{kind} `{}` is never used", name.text),
                )
                .label("unused")
                .help(format!("use it in a rule, or remove this {kind}")),
            );
        }
        // A threshold no ad can reach.
        let best: f64 = self.pack.rules.iter().map(|r| r.score.max(0.0)).sum();
        let has_rules = !self.pack.rules.is_empty();
        if has_rules && best < self.pack.meta.threshold && !self.has_broken_rules() {
            let span = self.decls.iter().find_map(|d| match &d.kind {
                DeclKind::Pack(p) => Some(p.threshold.map(|(_, s)| s).unwrap_or(p.name.span)),
                _ => None,
            });
            if let Some(span) = span {
                self.diags.push(
                    Diagnostic::warning(
                        Code::UnreachableThreshold,
                        span,
                        format!(
                            "no ad can reach the threshold {}: all positive scores add up to {}",
                            crate::value::format_number(self.pack.meta.threshold),
                            crate::value::format_number(best)
                        ),
                    )
                    .label("unreachable")
                    .help("lower the threshold or raise the rules' scores"),
                );
            }
        }
    }

    fn has_broken_rules(&self) -> bool {
        self.decls
            .iter()
            .any(|d| matches!(&d.kind, DeclKind::Broken { keyword, .. } if keyword == "rule"))
    }

    /// The prefilter of a condition: a set of atoms of which at least one
    /// must hit (in a source) for the condition to be true, or `None` when
    /// no such set is known. Sound by construction: each case below only
    /// returns a set when falsity without hits follows from the semantics.
    pub(super) fn required_atoms(&self, ir: &Ir) -> Option<Vec<AtomId>> {
        match ir {
            Ir::Has {
                atom,
                source: Some(_),
                ..
            } => Some(vec![*atom]),
            // hits(...) >= n with n >= 1, or > n with n >= 0.
            Ir::Cmp(op, lhs, rhs) => match (&**lhs, &**rhs) {
                (
                    Ir::Hits {
                        atom,
                        source: Some(_),
                        terms: false,
                        ..
                    },
                    Ir::Const(Value::Number(n)),
                ) if (*op == CmpOp::Ge && *n >= 1.0) || (*op == CmpOp::Gt && *n >= 0.0) => {
                    Some(vec![*atom])
                }
                _ => None,
            },
            Ir::And(a, b) => match (self.required_atoms(a), self.required_atoms(b)) {
                (Some(x), Some(y)) => Some(if x.len() <= y.len() { x } else { y }),
                (x, y) => x.or(y),
            },
            Ir::Or(a, b) => {
                let mut x = self.required_atoms(a)?;
                let y = self.required_atoms(b)?;
                for atom in y {
                    if !x.contains(&atom) {
                        x.push(atom);
                    }
                }
                Some(x)
            }
            Ir::Let(i) => self.required_atoms(&self.pack.lets[*i].value),
            _ => None,
        }
    }
}
