//! Records: one JSON object per line, read against the pack's schema.
//!
//! Every field of the schema is looked up by name and coerced to its
//! declared type ("06 39 98 12 34" → phone, "150 €" → money, RFC 3339 or
//! epoch seconds → time). Fields the schema does not declare are ignored.
//! A value that does not fit is an error for the whole record, which the
//! caller reports with its file and line: never a silent drop.

use crate::check::Schema;
use crate::syntax::ast::{RecordLit, RecordValue};
use crate::text::parse_phone;
use crate::value::{Currency, Money, Origin, SharedStr, Text, Type, Value};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// A decoded record: one value per schema field, in schema order.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub values: Vec<Value>,
}

impl Record {
    /// The text of a field, if it is a text.
    pub fn text(&self, field: usize) -> Option<&str> {
        match self.values.get(field) {
            Some(Value::Text(t)) => Some(&t.text),
            _ => None,
        }
    }
}

/// Why a record could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    pub reason: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for RecordError {}

fn err(reason: impl Into<String>) -> RecordError {
    RecordError {
        reason: reason.into(),
    }
}

/// Decodes one JSON Lines record.
///
/// The line is parsed straight into one slot per schema field (see
/// [`Line`]): no `serde_json::Value` tree is built, strings without escapes
/// are borrowed from the line, and fields the schema does not declare are
/// parsed (so that every line `serde_json` rejects is still rejected, with
/// the same message) but not kept. Slots are then coerced in schema order,
/// exactly as [`decode_value`] does with a parsed object, so the first
/// error reported is the same.
pub fn decode(schema: &Schema, line: &str) -> Result<Record, RecordError> {
    decode_with(schema, line, &mut DecodeBuffers::default())
}

/// The table of slots [`decode`] parses a line into, kept between lines
/// (a [`Scanner`](super::Scanner) holds one): its allocation is reused.
#[derive(Default)]
pub struct DecodeBuffers {
    /// Always empty between lines; `'static` because no line outlives it.
    slots: Vec<Option<Json<'static>>>,
}

/// The same vector, emptied, for values of another lifetime. Its
/// allocation is kept: collecting a `map` of a vector's own `into_iter`
/// into a vector of a type of the same size and alignment reuses the
/// buffer in place (the standard library's in-place iteration).
fn recycle<'a, 'b>(mut slots: Vec<Option<Json<'a>>>) -> Vec<Option<Json<'b>>> {
    slots.clear();
    slots.into_iter().map(|_| None).collect()
}

/// [`decode`], reusing `buffers`.
pub fn decode_with(
    schema: &Schema,
    line: &str,
    buffers: &mut DecodeBuffers,
) -> Result<Record, RecordError> {
    let mut de = serde_json::Deserializer::from_str(line);
    let slots = recycle(std::mem::take(&mut buffers.slots));
    let parsed = LineSeed(schema, slots)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| err(format!("invalid JSON: {e}")))?;
    let slots = match parsed {
        Line::Object(slots) => slots,
        Line::Other(kind) => return Err(err(format!("expected a JSON object, found {kind}"))),
    };
    let copy = LineCopy {
        line,
        copy: Arc::from(line),
    };
    let values = coerce_slots(schema, &slots, &copy);
    buffers.slots = recycle(slots);
    values.map(|values| Record { values })
}

/// The schema fields' values from their slots, in schema order (the first
/// error stops it, as in [`decode_value`]).
fn coerce_slots(
    schema: &Schema,
    slots: &[Option<Json>],
    copy: &LineCopy,
) -> Result<Vec<Value>, RecordError> {
    let mut values = Vec::with_capacity(schema.fields.len());
    for ((i, field), slot) in schema.fields.iter().enumerate().zip(slots) {
        values.push(field_value(field, i, slot.as_ref(), Some(copy))?);
    }
    Ok(values)
}

/// The line a record is decoded from, and one copy of it that the
/// record's texts share: a string borrowed from the line (one without
/// escapes) becomes a range of the copy instead of a copy of its own.
struct LineCopy<'a> {
    line: &'a str,
    copy: Arc<str>,
}

impl LineCopy<'_> {
    fn text(&self, s: &str) -> SharedStr {
        // Where `s` starts in the line, if it lies inside it: a string
        // unescaped by the parser lives elsewhere and is copied alone.
        let at = (s.as_ptr() as usize).wrapping_sub(self.line.as_ptr() as usize);
        if at <= self.line.len() && s.len() <= self.line.len() - at {
            if let Some(text) = SharedStr::slice(&self.copy, at..at + s.len()) {
                return text;
            }
        }
        s.into()
    }
}

/// Decodes a record already parsed as JSON.
pub fn decode_value(schema: &Schema, value: &serde_json::Value) -> Result<Record, RecordError> {
    let serde_json::Value::Object(object) = value else {
        return Err(err(format!(
            "expected a JSON object, found {}",
            value.kind()
        )));
    };
    let mut values = Vec::with_capacity(schema.fields.len());
    for (i, field) in schema.fields.iter().enumerate() {
        values.push(field_value(field, i, object.get(&field.name), None)?);
    }
    Ok(Record { values })
}

/// The value of schema field `i` from its JSON (`None`: the key is absent).
fn field_value<J: JsonLike>(
    field: &crate::check::ir::Field,
    i: usize,
    json: Option<&J>,
    copy: Option<&LineCopy>,
) -> Result<Value, RecordError> {
    Ok(match json {
        None => {
            if field.ty.is_optional() {
                Value::Missing
            } else {
                return Err(err(format!("missing required field `{}`", field.name)));
            }
        }
        Some(json) if json.is_null() => {
            if field.ty.is_optional() {
                Value::Missing
            } else {
                return Err(err(format!("field `{}` is null but required", field.name)));
            }
        }
        Some(json) => coerce_json(json, field.ty.base(), Some(i), copy)
            .map_err(|reason| err(format!("field `{}`: {reason}", field.name)))?,
    })
}

/// What coercion needs to know of a JSON value: implemented by
/// `serde_json::Value` (test literals, the REPL, labelled files) and by the
/// borrowed [`Json`] of the scan's hot path, so both give the same values
/// and the same messages.
trait JsonLike: Sized {
    fn kind(&self) -> &'static str;
    fn is_null(&self) -> bool;
    fn boolean(&self) -> Option<bool>;
    fn number(&self) -> Option<&serde_json::Number>;
    fn string(&self) -> Option<&str>;
    fn items(&self) -> Option<&[Self]>;
}

impl JsonLike for serde_json::Value {
    fn kind(&self) -> &'static str {
        json_kind(self)
    }
    fn is_null(&self) -> bool {
        self.is_null()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn number(&self) -> Option<&serde_json::Number> {
        match self {
            serde_json::Value::Number(n) => Some(n),
            _ => None,
        }
    }
    fn string(&self) -> Option<&str> {
        self.as_str()
    }
    fn items(&self) -> Option<&[Self]> {
        self.as_array().map(Vec::as_slice)
    }
}

/// A schema field's JSON value, borrowed from the line when it has no
/// escapes. Objects inside a field are only ever an error ("found an
/// object"), so their content is parsed and dropped.
#[derive(Debug)]
enum Json<'a> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Str(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object,
}

impl JsonLike for Json<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a bool",
            Json::Number(_) => "a number",
            Json::Str(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object => "an object",
        }
    }
    fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }
    fn boolean(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn number(&self) -> Option<&serde_json::Number> {
        match self {
            Json::Number(n) => Some(n),
            _ => None,
        }
    }
    fn string(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
    fn items(&self) -> Option<&[Self]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }
}

/// A parsed line: the schema fields' values (last one wins when a key is
/// repeated, as in a `serde_json` map), or what the line was instead of an
/// object.
enum Line<'a> {
    Object(Vec<Option<Json<'a>>>),
    Other(&'static str),
}

/// The schema, and an empty table of slots to fill (see [`DecodeBuffers`]).
struct LineSeed<'s, 'de>(&'s Schema, Vec<Option<Json<'de>>>);

impl<'de> DeserializeSeed<'de> for LineSeed<'_, 'de> {
    type Value = Line<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Line<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LineSeed<'_, 'de> {
    type Value = Line<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Line<'de>, A::Error> {
        let fields = &self.0.fields;
        let mut slots = self.1;
        slots.resize_with(fields.len(), || None);
        let mut next = 0;
        while let Some(key) = map.next_key_seed(KeySeed(self.0, next))? {
            match key {
                Some(i) => {
                    next = i + 1;
                    slots[i] = Some(map.next_value_seed(JsonSeed)?);
                }
                None => {
                    map.next_value_seed(Skip)?;
                }
            }
        }
        Ok(Line::Object(slots))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Line<'de>, A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(Line::Other("an array"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Line<'de>, E> {
        Ok(Line::Other("null"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Line<'de>, E> {
        Ok(Line::Other("a bool"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Line<'de>, E> {
        Ok(Line::Other("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Line<'de>, E> {
        Ok(Line::Other("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Line<'de>, E> {
        Ok(Line::Other("a number"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Line<'de>, E> {
        Ok(Line::Other("a string"))
    }
}

/// A key: the index of the schema field it names, if any. Records mostly
/// list their keys in schema order, so the field after the last key found
/// (the second member) is tried first, before a search of the schema.
struct KeySeed<'s>(&'s Schema, usize);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        let fields = &self.0.fields;
        if fields.get(self.1).is_some_and(|f| f.name == key) {
            return Ok(Some(self.1));
        }
        Ok(fields.iter().position(|f| f.name == key))
    }
}

/// A schema field's value, built as [`Json`].
struct JsonSeed;

impl<'de> DeserializeSeed<'de> for JsonSeed {
    type Value = Json<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Json<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonSeed {
    type Value = Json<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(n.into()))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(n.into()))
    }
    // As `serde_json::Value` does: a float that is not finite is null.
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Json<'de>, E> {
        Ok(serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number))
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Owned(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(JsonSeed)? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        while map.next_key_seed(Skip)?.is_some() {
            map.next_value_seed(Skip)?;
        }
        Ok(Json::Object)
    }
}

/// A value nobody reads. It is parsed like any other (`deserialize_any`,
/// not `IgnoredAny`'s lighter skip, which accepts numbers such as `1e400`
/// that `serde_json` rejects when it builds a value), then dropped.
struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Skip)?.is_some() {
            map.next_value_seed(Skip)?;
        }
        Ok(())
    }
}

/// Builds a record from a test's `ad { ... }`. Required text fields the
/// test leaves out are empty (`id` is `default_id`), so that a test gives
/// only what matters. On error, returns the index of the offending field
/// in the literal and the reason.
pub fn from_literal(
    schema: &Schema,
    lit: &RecordLit,
    default_id: &str,
) -> Result<Record, (usize, String)> {
    let mut values = Vec::with_capacity(schema.fields.len());
    for (i, field) in schema.fields.iter().enumerate() {
        let given = lit.fields.iter().position(|(n, _)| n.text == field.name);
        let value = match given {
            Some(at) => {
                let json = literal_json(&lit.fields[at].1);
                if json.is_null() {
                    if field.ty.is_optional() {
                        Value::Missing
                    } else {
                        return Err((
                            at,
                            format!("`{}` is required and cannot be null", field.name),
                        ));
                    }
                } else {
                    coerce(&json, field.ty.base(), Some(i)).map_err(|e| (at, e))?
                }
            }
            None if field.ty.is_optional() => Value::Missing,
            None if *field.ty.base() == Type::Text => Value::Text(Text {
                text: (if field.name == "id" { default_id } else { "" }).into(),
                origin: Origin::Field(i),
            }),
            None => {
                return Err((
                    usize::MAX,
                    format!("the test ad needs the required field `{}`", field.name),
                ))
            }
        };
        values.push(value);
    }
    Ok(Record { values })
}

/// The JSON a record literal stands for: quantities with a currency become
/// "150 EUR", durations become seconds.
fn literal_json(value: &RecordValue) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        RecordValue::Text(s) => J::String(s.clone()),
        RecordValue::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
            J::Number((*n as i64).into())
        }
        RecordValue::Number(n) => serde_json::Number::from_f64(*n).map_or(J::Null, J::Number),
        RecordValue::Quantity(n, unit) => {
            if let Some(code) = crate::syntax::currency_unit(unit) {
                J::String(format!("{} {code}", crate::value::format_number(*n)))
            } else if let Some(seconds) = crate::syntax::duration_unit(unit) {
                serde_json::Number::from_f64(n * seconds).map_or(J::Null, J::Number)
            } else {
                J::String(format!("{n}{unit}"))
            }
        }
        RecordValue::Bool(b) => J::Bool(*b),
        RecordValue::Null => J::Null,
        RecordValue::List(items) => J::Array(items.iter().map(literal_json).collect()),
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a bool",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Coerces one JSON value to a type. `field` is the schema index, recorded
/// as the origin of texts so evidence can point back at the field.
pub fn coerce(json: &serde_json::Value, ty: &Type, field: Option<usize>) -> Result<Value, String> {
    coerce_json(json, ty, field, None)
}

fn coerce_json<J: JsonLike>(
    json: &J,
    ty: &Type,
    field: Option<usize>,
    copy: Option<&LineCopy>,
) -> Result<Value, String> {
    let wrong = |expected: &str| format!("expected {expected}, found {}", json.kind());
    Ok(match ty {
        Type::Text => match json.string() {
            Some(s) => Value::Text(Text {
                text: copy.map_or_else(|| s.into(), |c| c.text(s)),
                origin: field.map_or(Origin::None, Origin::Field),
            }),
            None => return Err(wrong("a string")),
        },
        Type::Number => match json.number() {
            Some(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            None => return Err(wrong("a number")),
        },
        Type::Bool => match json.boolean() {
            Some(b) => Value::Bool(b),
            None => return Err(wrong("true or false")),
        },
        Type::Money => match (json.number(), json.string()) {
            (Some(n), _) => Value::Money(Money {
                amount: n.as_f64().unwrap_or(f64::NAN),
                currency: Currency::Eur,
            }),
            (_, Some(s)) => Value::Money(parse_money(s).ok_or_else(|| {
                format!("`{s}` is not an amount of money (write 150, \"150 €\" or \"150 EUR\")")
            })?),
            _ => return Err(wrong("an amount (150 or \"150 €\")")),
        },
        Type::Time => {
            match (json.string(), json.number()) {
                (Some(s), _) => Value::Time(super::time::parse_rfc3339(s).ok_or_else(|| {
                    format!("`{s}` is not an RFC 3339 time (2026-03-01T10:00:00Z)")
                })?),
                (_, Some(n)) => match n.as_i64() {
                    Some(t) => Value::Time(t),
                    None => return Err(format!("{n} is not a whole number of seconds since 1970")),
                },
                _ => return Err(wrong("an RFC 3339 time or epoch seconds")),
            }
        }
        Type::Duration => match json.number() {
            Some(n) => Value::Duration(n.as_f64().unwrap_or(f64::NAN)),
            None => return Err(wrong("a number of seconds")),
        },
        Type::Phone => match json.string() {
            Some(s) => Value::Phone(Arc::new(
                parse_phone(s).ok_or_else(|| format!("`{s}` is not a phone number"))?,
            )),
            None => return Err(wrong("a phone number as a string")),
        },
        Type::List(elem) => match json.items() {
            Some(items) => Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        if item.is_null() && elem.is_optional() {
                            Ok(Value::Missing)
                        } else {
                            coerce_json(item, elem.base(), None, copy)
                                .map_err(|e| format!("item {i}: {e}"))
                        }
                    })
                    .collect::<Result<Arc<[Value]>, String>>()?,
            ),
            None => return Err(wrong("an array")),
        },
        other => {
            return Err(format!(
                "values of type {other} cannot be read from records"
            ))
        }
    })
}

/// Parses "150", "150 €", "150€", "150 EUR", "1 500,50 €", "€150".
pub fn parse_money(s: &str) -> Option<Money> {
    let t = s.trim();
    let symbols: &[(&str, Currency)] = &[
        ("€", Currency::Eur),
        ("EUR", Currency::Eur),
        ("eur", Currency::Eur),
        ("euros", Currency::Eur),
        ("euro", Currency::Eur),
        ("$", Currency::Usd),
        ("USD", Currency::Usd),
        ("£", Currency::Gbp),
        ("GBP", Currency::Gbp),
        ("CHF", Currency::Chf),
    ];
    let mut currency = Currency::Eur;
    let mut number = t;
    for (sym, cur) in symbols {
        if let Some(rest) = t.strip_suffix(sym) {
            number = rest;
            currency = *cur;
            break;
        }
        if let Some(rest) = t.strip_prefix(sym) {
            number = rest;
            currency = *cur;
            break;
        }
    }
    let cleaned: String = number
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let amount: f64 = cleaned.parse().ok()?;
    Some(Money { amount, currency })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::ir::Field;

    fn schema() -> Schema {
        crate::check::Schema {
            name: "ad".into(),
            fields: vec![
                Field {
                    name: "id".into(),
                    ty: Type::Text,
                    span: None,
                },
                Field {
                    name: "price".into(),
                    ty: Type::Money.optional(),
                    span: None,
                },
            ],
            time_field: None,
            span: None,
        }
    }

    #[test]
    fn reads_and_coerces() {
        let r = decode(&schema(), r#"{"id":"a1","price":"1 500,50 €","extra":3}"#).unwrap();
        assert_eq!(
            r.values[1],
            Value::Money(Money {
                amount: 1500.5,
                currency: Currency::Eur
            })
        );
    }

    /// Texts without escapes are ranges of one copy of the line; a text
    /// the parser had to unescape is a copy of its own. Both read right.
    #[test]
    fn texts_share_one_copy_of_the_line_unless_escaped() {
        let line = r#"{"a":"Libre dès lundi","b":"deux \"mots\" é","c":"5 €"}"#;
        let field = |name: &str| Field {
            name: name.into(),
            ty: Type::Text,
            span: None,
        };
        let schema = Schema {
            name: "ad".into(),
            fields: vec![field("c"), field("b"), field("a")],
            time_field: None,
            span: None,
        };
        let r = decode(&schema, line).unwrap();
        let text = |i: usize| match &r.values[i] {
            Value::Text(t) => t.text.clone(),
            other => panic!("{other:?}"),
        };
        let (c, b, a) = (text(0), text(1), text(2));
        assert_eq!(
            (&*a, &*b, &*c),
            ("Libre dès lundi", "deux \"mots\" é", "5 €")
        );
        assert!(a.shares_buffer_with(&c));
        assert!(!a.shares_buffer_with(&b));
        let parsed: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(decode_value(&schema, &parsed).unwrap(), r);
    }

    /// A scanner decodes every line into the same table of slots: what one
    /// line had must not show through in the next, whatever went wrong.
    #[test]
    fn lines_decoded_with_the_same_buffers_do_not_see_each_other() {
        let s = schema();
        let mut buffers = DecodeBuffers::default();
        let mut decode = |line: &str| decode_with(&s, line, &mut buffers);
        let first = decode(r#"{"id":"a1","price":12}"#).unwrap();
        assert!(!first.values[1].is_missing());
        assert!(decode("{not json").is_err());
        assert!(decode(r#"{"id":"a2","price":"cher"}"#).is_err());
        let without_price = decode(r#"{"id":"a3"}"#).unwrap();
        assert_eq!(
            without_price,
            decode_value(&s, &serde_json::json!({"id": "a3"})).unwrap()
        );
        assert!(without_price.values[1].is_missing());
        assert_eq!(decode(r#"{"id":"a1","price":12}"#).unwrap(), first);
    }

    #[test]
    fn explains_what_is_wrong() {
        let s = schema();
        assert_eq!(
            decode(&s, r#"{"price":1}"#).unwrap_err().reason,
            "missing required field `id`"
        );
        assert_eq!(
            decode(&s, r#"{"id":7}"#).unwrap_err().reason,
            "field `id`: expected a string, found a number"
        );
        assert!(decode(&s, r#"{"id":"x","price":"cher"}"#)
            .unwrap_err()
            .reason
            .contains("not an amount"));
        assert!(decode(&s, "[1]")
            .unwrap_err()
            .reason
            .contains("expected a JSON object"));
        assert!(decode(&s, "{")
            .unwrap_err()
            .reason
            .starts_with("invalid JSON"));
    }
}
