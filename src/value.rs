//! Values and types of the language, shared by the checker (types), the
//! record decoder (values) and the evaluator.

use std::fmt;
use std::sync::Arc;

/// The type of a value, as the checker sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    Bool,
    Number,
    Text,
    Money,
    Duration,
    Time,
    Phone,
    Price,
    /// A near-duplicate key (`fingerprint(text)`).
    Fingerprint,
    List(Box<Type>),
    /// A value that may be missing (`text?`).
    Optional(Box<Type>),
    /// The record (`ad`).
    Record,
    Lexicon,
    Pattern,
    /// `null`, which fits any optional type.
    Null,
    /// The type of something already reported as wrong; it fits
    /// everything, so one mistake gives one diagnostic.
    Error,
}

impl Type {
    /// The type without its `?`.
    pub fn base(&self) -> &Type {
        match self {
            Type::Optional(inner) => inner.base(),
            other => other,
        }
    }

    pub fn is_optional(&self) -> bool {
        matches!(self, Type::Optional(_))
    }

    pub fn optional(self) -> Type {
        match self {
            Type::Optional(_) | Type::Error | Type::Null => self,
            other => Type::Optional(Box::new(other)),
        }
    }

    pub fn is_error(&self) -> bool {
        matches!(self.base(), Type::Error)
    }

    /// Parses a type name of a schema field (without `<...>` and `?`).
    pub fn from_name(name: &str) -> Option<Type> {
        Some(match name {
            "bool" => Type::Bool,
            "number" => Type::Number,
            "text" => Type::Text,
            "money" => Type::Money,
            "duration" => Type::Duration,
            "time" => Type::Time,
            "phone" => Type::Phone,
            "price" => Type::Price,
            _ => return None,
        })
    }

    pub const NAMES: &'static [&'static str] = &[
        "bool", "number", "text", "money", "duration", "time", "phone", "price", "list",
    ];

    /// How to write a literal of this type, for help lines.
    pub fn example(&self) -> &'static str {
        match self.base() {
            Type::Bool => "true",
            Type::Number => "12",
            Type::Text => "\"text\"",
            Type::Money => "100 EUR",
            Type::Duration => "1h",
            Type::Time => "ad.posted_at",
            Type::Phone => "ad.phone",
            Type::Price => "a price from prices(...)",
            Type::List(_) => "[a, b]",
            _ => "a value",
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::Text => f.write_str("text"),
            Type::Money => f.write_str("money"),
            Type::Duration => f.write_str("duration"),
            Type::Time => f.write_str("time"),
            Type::Phone => f.write_str("phone"),
            Type::Price => f.write_str("price"),
            Type::Fingerprint => f.write_str("fingerprint"),
            Type::List(t) => write!(f, "list<{t}>"),
            Type::Optional(t) => write!(f, "{t}?"),
            Type::Record => f.write_str("record"),
            Type::Lexicon => f.write_str("lexicon"),
            Type::Pattern => f.write_str("pattern"),
            Type::Null => f.write_str("null"),
            Type::Error => f.write_str("{unknown}"),
        }
    }
}

/// A currency, by ISO code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Currency {
    Eur,
    Usd,
    Gbp,
    Chf,
}

impl Currency {
    pub fn from_code(code: &str) -> Option<Currency> {
        Some(match code {
            "EUR" => Currency::Eur,
            "USD" => Currency::Usd,
            "GBP" => Currency::Gbp,
            "CHF" => Currency::Chf,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
            Currency::Usd => "USD",
            Currency::Gbp => "GBP",
            Currency::Chf => "CHF",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Money {
    pub amount: f64,
    pub currency: Currency,
}

/// A phone number, normalised to E.164 when it could be.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone {
    pub number: String,
    /// True when it was not written as plain digits with ordinary
    /// separators (letters for digits, words, emoji...).
    pub obscured: bool,
    /// Where it was written, when it was found in a record's text (empty
    /// for a `phone` field): the evidence when a rule uses it.
    pub locations: Vec<Location>,
}

/// A span of a record field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub field: usize,
    pub start: usize,
    pub end: usize,
}

/// A price found in a text: an amount, and the duration it buys if given.
#[derive(Debug, Clone, PartialEq)]
pub struct Price {
    pub amount: Money,
    /// Seconds bought, when the text says ("150/h", "30min=80").
    pub per: Option<f64>,
    /// Written in a code word ("roses", "cadeaux") rather than a currency.
    pub coded: bool,
    /// Where it was written in the record.
    pub locations: Vec<Location>,
}

/// Where the bytes of a text value come from, so that evidence found in it
/// can be reported as a span of a record field.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Made up by the rule (a literal, `lower(...)`): no field to point at.
    None,
    /// The whole text is this field of the record.
    Field(usize),
    /// A concatenation: pieces of the text and the fields they came from.
    Pieces(Arc<[Piece]>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// Byte range in the concatenated text.
    pub start: usize,
    pub end: usize,
    /// The field this range is a copy of, or `None` for a literal.
    pub field: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub text: SharedStr,
    pub origin: Origin,
}

/// The characters of a text value: a range of a shared buffer. A decoded
/// record's text fields are ranges of one copy of its line (one allocation
/// per record, not one per field: copying each field into its own buffer
/// and freeing it again was about 4 % of a `lex1000` scan, session 6's
/// profile); any other text is a whole buffer of its own. It reads as a
/// `str`.
#[derive(Clone)]
pub struct SharedStr {
    buf: Arc<str>,
    start: usize,
    end: usize,
}

impl SharedStr {
    /// `range` of `buf`, if it lies on character boundaries.
    pub fn slice(buf: &Arc<str>, range: std::ops::Range<usize>) -> Option<SharedStr> {
        buf.get(range.clone())?;
        Some(SharedStr {
            buf: Arc::clone(buf),
            start: range.start,
            end: range.end,
        })
    }

    /// The same characters of the same buffer (a cheap test that implies
    /// equality).
    pub fn same(&self, other: &SharedStr) -> bool {
        Arc::ptr_eq(&self.buf, &other.buf) && (self.start, self.end) == (other.start, other.end)
    }

    /// Whether both are ranges of one buffer.
    #[cfg(test)]
    pub(crate) fn shares_buffer_with(&self, other: &SharedStr) -> bool {
        Arc::ptr_eq(&self.buf, &other.buf)
    }

    pub fn as_str(&self) -> &str {
        // In bounds and on boundaries: checked when the range was made.
        &self.buf[self.start..self.end]
    }
}

impl std::ops::Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl std::hash::Hash for SharedStr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Arc<str>> for SharedStr {
    fn from(buf: Arc<str>) -> SharedStr {
        let end = buf.len();
        SharedStr { buf, start: 0, end }
    }
}

impl From<&str> for SharedStr {
    fn from(text: &str) -> SharedStr {
        Arc::<str>::from(text).into()
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> SharedStr {
        Arc::<str>::from(text).into()
    }
}

impl Text {
    pub fn literal(text: impl Into<SharedStr>) -> Text {
        Text {
            text: text.into(),
            origin: Origin::None,
        }
    }

    /// Maps a byte range of this text to record locations.
    pub fn locations(&self, start: usize, end: usize) -> Vec<Location> {
        self.locate(start, end)
            .into_iter()
            .map(|(field, start, end)| Location { field, start, end })
            .collect()
    }

    /// Maps a byte range of this text to (field, range in that field),
    /// split at piece boundaries. Ranges over literals are dropped.
    pub fn locate(&self, start: usize, end: usize) -> Vec<(usize, usize, usize)> {
        match &self.origin {
            Origin::None => Vec::new(),
            Origin::Field(f) => vec![(*f, start, end)],
            Origin::Pieces(pieces) => pieces
                .iter()
                .filter_map(|p| {
                    let s = start.max(p.start);
                    let e = end.min(p.end);
                    let field = p.field?;
                    (s < e).then(|| (field, s - p.start, e - p.start))
                })
                .collect(),
        }
    }
}

/// A value at evaluation time.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Missing,
    Bool(bool),
    Number(f64),
    Text(Text),
    Money(Money),
    /// Seconds.
    Duration(f64),
    /// Seconds since the Unix epoch, UTC.
    Time(i64),
    Phone(Arc<Phone>),
    Price(Arc<Price>),
    /// LSH band values; two fingerprints match when a band is equal.
    Fingerprint(Arc<[u64; crate::text::fingerprint::BANDS]>),
    List(Arc<[Value]>),
}

impl Value {
    pub fn as_bool(&self) -> bool {
        matches!(self, Value::Bool(true))
    }

    pub fn is_missing(&self) -> bool {
        matches!(self, Value::Missing)
    }

    /// Orders two values of the same type; `None` when they cannot be
    /// compared (missing, other currencies, lists).
    pub fn compare(&self, other: &Value) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Number(a), Value::Number(b)) => a.partial_cmp(b),
            (Value::Duration(a), Value::Duration(b)) => a.partial_cmp(b),
            (Value::Time(a), Value::Time(b)) => Some(a.cmp(b)),
            (Value::Money(a), Value::Money(b)) if a.currency == b.currency => {
                a.amount.partial_cmp(&b.amount)
            }
            (Value::Text(a), Value::Text(b)) => Some(a.text.cmp(&b.text)),
            (Value::Phone(a), Value::Phone(b)) => Some(a.number.cmp(&b.number)),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Missing => f.write_str("missing"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{}", format_number(*n)),
            Value::Text(t) => write!(f, "{:?}", &*t.text),
            Value::Money(m) => write!(f, "{} {}", format_number(m.amount), m.currency.code()),
            Value::Duration(d) => f.write_str(&format_duration(*d)),
            Value::Time(t) => f.write_str(&crate::scan::time::format_rfc3339(*t)),
            Value::Phone(p) => f.write_str(&p.number),
            Value::Price(p) => {
                write!(
                    f,
                    "{} {}",
                    format_number(p.amount.amount),
                    p.amount.currency.code()
                )?;
                if let Some(per) = p.per {
                    write!(f, "/{}", format_duration(per))?;
                }
                Ok(())
            }
            Value::Fingerprint(bands) => write!(f, "fingerprint:{:016x}…", bands[0]),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// 12 for 12.0, 12.5 otherwise.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The shortest exact way to write a duration in the language.
pub fn format_duration(seconds: f64) -> String {
    for (unit, size) in [
        ("w", 604_800.0),
        ("d", 86_400.0),
        ("h", 3600.0),
        ("min", 60.0),
    ] {
        if seconds != 0.0 && (seconds / size).fract() == 0.0 {
            return format!("{}{unit}", format_number(seconds / size));
        }
    }
    format!("{}s", format_number(seconds))
}
