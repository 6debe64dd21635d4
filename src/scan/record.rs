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
use crate::value::{Currency, Money, Origin, Text, Type, Value};
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
pub fn decode(schema: &Schema, line: &str) -> Result<Record, RecordError> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| err(format!("invalid JSON: {e}")))?;
    decode_value(schema, &value)
}

/// Decodes a record already parsed as JSON.
pub fn decode_value(schema: &Schema, value: &serde_json::Value) -> Result<Record, RecordError> {
    let serde_json::Value::Object(object) = value else {
        return Err(err(format!(
            "expected a JSON object, found {}",
            json_kind(value)
        )));
    };
    let mut values = Vec::with_capacity(schema.fields.len());
    for (i, field) in schema.fields.iter().enumerate() {
        let v = match object.get(&field.name) {
            None | Some(serde_json::Value::Null) => {
                if field.ty.is_optional() {
                    Value::Missing
                } else if object.contains_key(&field.name) {
                    return Err(err(format!("field `{}` is null but required", field.name)));
                } else {
                    return Err(err(format!("missing required field `{}`", field.name)));
                }
            }
            Some(json) => coerce(json, field.ty.base(), Some(i))
                .map_err(|reason| err(format!("field `{}`: {reason}", field.name)))?,
        };
        values.push(v);
    }
    Ok(Record { values })
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
                text: Arc::from(if field.name == "id" { default_id } else { "" }),
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
    use serde_json::Value as J;
    let wrong = |expected: &str| format!("expected {expected}, found {}", json_kind(json));
    Ok(match (ty, json) {
        (Type::Text, J::String(s)) => Value::Text(Text {
            text: Arc::from(s.as_str()),
            origin: field.map_or(Origin::None, Origin::Field),
        }),
        (Type::Text, _) => return Err(wrong("a string")),
        (Type::Number, J::Number(n)) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
        (Type::Number, _) => return Err(wrong("a number")),
        (Type::Bool, J::Bool(b)) => Value::Bool(*b),
        (Type::Bool, _) => return Err(wrong("true or false")),
        (Type::Money, J::Number(n)) => Value::Money(Money {
            amount: n.as_f64().unwrap_or(f64::NAN),
            currency: Currency::Eur,
        }),
        (Type::Money, J::String(s)) => Value::Money(parse_money(s).ok_or_else(|| {
            format!("`{s}` is not an amount of money (write 150, \"150 €\" or \"150 EUR\")")
        })?),
        (Type::Money, _) => return Err(wrong("an amount (150 or \"150 €\")")),
        (Type::Time, J::String(s)) => Value::Time(
            super::time::parse_rfc3339(s)
                .ok_or_else(|| format!("`{s}` is not an RFC 3339 time (2026-03-01T10:00:00Z)"))?,
        ),
        (Type::Time, J::Number(n)) => match n.as_i64() {
            Some(t) => Value::Time(t),
            None => return Err(format!("{n} is not a whole number of seconds since 1970")),
        },
        (Type::Time, _) => return Err(wrong("an RFC 3339 time or epoch seconds")),
        (Type::Duration, J::Number(n)) => Value::Duration(n.as_f64().unwrap_or(f64::NAN)),
        (Type::Duration, _) => return Err(wrong("a number of seconds")),
        (Type::Phone, J::String(s)) => Value::Phone(Arc::new(
            parse_phone(s).ok_or_else(|| format!("`{s}` is not a phone number"))?,
        )),
        (Type::Phone, _) => return Err(wrong("a phone number as a string")),
        (Type::List(elem), J::Array(items)) => Value::List(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    if item.is_null() && elem.is_optional() {
                        Ok(Value::Missing)
                    } else {
                        coerce(item, elem.base(), None).map_err(|e| format!("item {i}: {e}"))
                    }
                })
                .collect::<Result<Arc<[Value]>, String>>()?,
        ),
        (Type::List(_), _) => return Err(wrong("an array")),
        (other, _) => {
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
