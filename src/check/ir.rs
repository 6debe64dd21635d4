//! The checked form of a pack: names resolved, types known.
//!
//! The checker turns the syntax tree into these structures; the compiler
//! builds automata from the lexicons and patterns, and the evaluator walks
//! [`Ir`] trees. Indices (`usize`) point into the vectors of
//! [`CheckedPack`].

use crate::source::Span;
use crate::syntax::ast::{ArithOp, CmpOp, Expectation, RecordLit};
use crate::text::FoldProfile;
use crate::value::{Type, Value};

/// Index of an [`Atom`] in [`CheckedPack::atoms`].
pub type AtomId = usize;
/// Index of a text source in [`CheckedPack::sources`].
pub type SourceId = usize;

#[derive(Debug, Clone)]
pub struct CheckedPack {
    pub meta: PackMeta,
    pub schema: Schema,
    pub lexicons: Vec<Lexicon>,
    pub patterns: Vec<Pattern>,
    /// What `has` and `hits` test against: a lexicon or a pattern.
    pub atoms: Vec<Atom>,
    /// Texts that do not depend on a lambda variable and are tested with
    /// `has`/`hits`: each is computed, folded and matched once per record,
    /// before any rule runs.
    pub sources: Vec<Ir>,
    pub lets: Vec<Let>,
    pub rules: Vec<Rule>,
    pub tests: Vec<Test>,
    /// Stream aggregates (`count`, `distinct`), each computed once per
    /// record, in time order, before the rules run.
    pub aggregates: Vec<Aggregate>,
}

/// `count(by: KEY, within: D)` or `distinct(VALUE, by: KEY, within: D)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// `None` for `count`; the counted expression for `distinct`.
    pub distinct: Option<Ir>,
    pub key: Ir,
    /// The window, in seconds.
    pub within: f64,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct PackMeta {
    pub name: String,
    pub title: Option<String>,
    pub version: Option<String>,
    pub threshold: f64,
}

#[derive(Debug, Clone)]
pub struct Schema {
    pub name: String,
    pub fields: Vec<Field>,
    /// The stream's clock: `posted_at`, or the first field of type time.
    pub time_field: Option<usize>,
    /// Where the schema was declared; `None` for the default schema.
    pub span: Option<Span>,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub ty: Type,
    pub span: Option<Span>,
}

impl Schema {
    pub fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

#[derive(Debug, Clone)]
pub struct Lexicon {
    pub name: String,
    pub fold: FoldProfile,
    pub terms: Vec<Term>,
    /// Span of the name; for a literal `has "x"`, the literal.
    pub span: Span,
    /// Made by the checker for `has "literal"`.
    pub synthetic: bool,
}

#[derive(Debug, Clone)]
pub struct Term {
    /// The term as written, without a trailing `*`.
    pub text: String,
    pub prefix: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub name: String,
    pub raw: bool,
    pub regex: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Atom {
    Lexicon(usize),
    Pattern(usize),
}

#[derive(Debug, Clone)]
pub struct Let {
    pub name: String,
    pub ty: Type,
    pub value: Ir,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low,
    Medium,
    High,
}

impl Level {
    pub const NAMES: &'static [&'static str] = &["low", "medium", "high"];

    pub fn parse(name: &str) -> Option<Level> {
        Some(match name {
            "low" => Level::Low,
            "medium" => Level::Medium,
            "high" => Level::High,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub title: Option<String>,
    pub level: Level,
    pub tags: Vec<String>,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub score: f64,
    pub when: Ir,
    /// The condition's `and`/`or`/`not` structure as written, for `why`.
    pub why: Why,
    pub span: Span,
    /// Prefilter: if set, the condition can only be true when one of these
    /// atoms has a hit in one of the pack's sources. `None`: always run.
    pub required: Option<Vec<AtomId>>,
}

/// The shape of a condition as written, for explaining why it is true or
/// false: its `and`/`or`/`not` structure, with every other part as a leaf
/// that carries its source text and its checked form.
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    All(Vec<Why>),
    Any(Vec<Why>),
    Not(Box<Why>),
    Leaf { text: String, ir: Ir },
}

#[derive(Debug, Clone)]
pub struct Test {
    pub name: String,
    pub span: Span,
    pub ads: Vec<RecordLit>,
    pub expectations: Vec<(Expectation, Span)>,
}

/// A checked expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Ir {
    Const(Value),
    /// A field of the record, by index in the schema.
    Field(usize),
    /// A `let`, by index; evaluated at most once per record.
    Let(usize),
    /// A lambda parameter, by depth (0 = the outermost lambda).
    Local(usize),
    Not(Box<Ir>),
    And(Box<Ir>, Box<Ir>),
    Or(Box<Ir>, Box<Ir>),
    Cmp(CmpOp, Box<Ir>, Box<Ir>),
    /// `text has atom`. `source` is set when `text` is a pack source, whose
    /// hits were computed before evaluation.
    Has {
        text: Box<Ir>,
        atom: AtomId,
        source: Option<SourceId>,
    },
    /// `hits(text, atom)`: the number of distinct terms that hit; with
    /// `terms`, `terms(text, atom)`: the list of those terms.
    Hits {
        text: Box<Ir>,
        atom: AtomId,
        source: Option<SourceId>,
        terms: bool,
    },
    /// `a + b + ...` on texts.
    Concat(Vec<Ir>),
    Arith(ArithOp, Box<Ir>, Box<Ir>),
    Call(Builtin, Vec<Ir>),
    Quantifier {
        all: bool,
        list: Box<Ir>,
        body: Box<Ir>,
    },
    List(Vec<Ir>),
    Member(Box<Ir>, Member),
    /// The value of a stream aggregate for the current record.
    Aggregate(usize),
}

impl Ir {
    /// True when the expression reads a lambda parameter (so it cannot be
    /// computed once per record).
    pub fn uses_locals(&self) -> bool {
        let mut found = false;
        self.walk(&mut |ir| found |= matches!(ir, Ir::Local(_)));
        found
    }

    /// Visits every node, parents first.
    pub fn walk(&self, f: &mut impl FnMut(&Ir)) {
        f(self);
        match self {
            Ir::Const(_) | Ir::Field(_) | Ir::Let(_) | Ir::Local(_) | Ir::Aggregate(_) => {}
            Ir::Not(a) | Ir::Member(a, _) => a.walk(f),
            Ir::And(a, b) | Ir::Or(a, b) | Ir::Cmp(_, a, b) | Ir::Arith(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Ir::Has { text, .. } | Ir::Hits { text, .. } => text.walk(f),
            Ir::Concat(items) | Ir::Call(_, items) | Ir::List(items) => {
                items.iter().for_each(|i| i.walk(f))
            }
            Ir::Quantifier { list, body, .. } => {
                list.walk(f);
                body.walk(f);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Len,
    Lower,
    Exists,
    Min,
    Max,
    Phones,
    Prices,
    Fingerprint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member {
    PriceAmount,
    PricePer,
    PriceCoded,
    PricePerHour,
    PhoneNumber,
    PhoneObscured,
    MoneyAmount,
}
