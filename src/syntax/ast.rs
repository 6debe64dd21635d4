//! The syntax tree: what the analyst wrote, with a span on every piece.
//!
//! Nothing here is resolved or typed; that is the checker's job. Spans are
//! byte offsets into the file the node came from (see [`Span`]).

use crate::source::Span;

/// A name as written, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A string literal after escape decoding. `span` covers the quotes.
#[derive(Debug, Clone, PartialEq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decl {
    pub kind: DeclKind,
    /// The whole declaration, from its keyword to its end.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DeclKind {
    Pack(PackDecl),
    Lexicon(LexiconDecl),
    Pattern(PatternDecl),
    Schema(SchemaDecl),
    Let(LetDecl),
    Rule(RuleDecl),
    Test(TestDecl),
    /// A declaration that did not parse. Its keyword and name are kept when
    /// they could be read, so that uses of the name elsewhere do not also
    /// report "unknown name".
    Broken {
        keyword: String,
        name: Option<Name>,
    },
}

impl DeclKind {
    /// The name this declaration defines in the pack's namespace, if any.
    pub fn defined_name(&self) -> Option<&Name> {
        match self {
            DeclKind::Lexicon(d) => Some(&d.name),
            DeclKind::Pattern(d) => Some(&d.name),
            DeclKind::Let(d) => Some(&d.name),
            DeclKind::Rule(d) => Some(&d.name),
            DeclKind::Broken { keyword, name }
                if matches!(keyword.as_str(), "lexicon" | "pattern" | "let" | "rule") =>
            {
                name.as_ref()
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PackDecl {
    pub name: Name,
    pub title: Option<Str>,
    pub version: Option<Str>,
    pub threshold: Option<(f64, Span)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LexiconDecl {
    pub name: Name,
    /// `None` when no `fold(...)` was written: the default profile applies.
    pub fold: Option<Vec<Name>>,
    pub fold_span: Option<Span>,
    pub terms: Vec<Str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PatternDecl {
    pub name: Name,
    pub raw: bool,
    /// The regex exactly as written between `re"` and `"`.
    pub regex: String,
    /// Span of the regex body (inside the quotes), so errors can point inside.
    pub regex_span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SchemaDecl {
    pub name: Name,
    pub fields: Vec<FieldDecl>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldDecl {
    pub name: Name,
    pub ty: TypeExpr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeExpr {
    pub name: Name,
    pub arg: Option<Box<TypeExpr>>,
    pub optional: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LetDecl {
    pub name: Name,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleDecl {
    pub name: Name,
    pub props: Vec<RuleProp>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleProp {
    pub kind: RulePropKind,
    /// The property keyword (`title`, `when`, ...), for "given twice".
    pub keyword_span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RulePropKind {
    Title(Str),
    Level(Name),
    Tags(Vec<Name>),
    Ref(Str),
    Note(Str),
    When(Expr),
    Score(f64, Span),
}

impl RulePropKind {
    pub fn keyword(&self) -> &'static str {
        match self {
            RulePropKind::Title(_) => "title",
            RulePropKind::Level(_) => "level",
            RulePropKind::Tags(_) => "tags",
            RulePropKind::Ref(_) => "ref",
            RulePropKind::Note(_) => "note",
            RulePropKind::When(_) => "when",
            RulePropKind::Score(..) => "score",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TestDecl {
    pub name: Str,
    pub items: Vec<TestItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TestItem {
    Ad(RecordLit),
    Ads(Vec<RecordLit>, Span),
    Expect(Expectation, Span),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expectation {
    Rule { rule: Name, on: Option<(u32, Span)> },
    NotRule { rule: Name, on: Option<(u32, Span)> },
    Nothing,
    Score { op: CmpOp, value: f64, span: Span },
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordLit {
    pub fields: Vec<(Name, RecordValue)>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RecordValue {
    Text(String),
    Number(f64),
    /// A number with a unit or currency, as written (`150€`, `30min`).
    Quantity(f64, String),
    Bool(bool),
    Null,
    List(Vec<RecordValue>),
}

// ---------------------------------------------------------------- expressions

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }

    pub fn parse(s: &str) -> Option<CmpOp> {
        Some(match s {
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            "==" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            _ => return None,
        })
    }

    /// Applies the operator to an ordering.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Bool(bool),
    Null,
    Number(f64),
    /// An amount of money; the currency is an ISO code (`EUR`).
    Money(f64, String),
    /// A duration in seconds.
    Duration(f64),
    Text(String),
    List(Vec<Expr>),
    Var(Name),
    Member(Box<Expr>, Name),
    Call(Name, Vec<Arg>),
    Lambda(Name, Box<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    Has(Box<Expr>, Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// Stands for an expression the parser already reported as broken.
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: Option<Name>,
    pub value: Expr,
}
