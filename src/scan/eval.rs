//! Evaluating conditions on one record, collecting evidence on the way.
//!
//! Evidence is pushed as `has`/`hits` find it and dropped again when the
//! condition it belongs to turns out false (see [`Eval::cond`]): a rule's
//! evidence is exactly the hits that made its condition true. A piece found
//! twice (two conditions on the same term) is pushed twice and kept once,
//! when the evidence is taken ([`Eval::take_evidence`]): one pass with a
//! hash set, where a search at each push made an ad with many hits
//! quadratic (a body repeating a term 50,000 times).

use super::stream::AggregateValue;
use super::verdict::Evidence;
use crate::check::{Atom, Builtin, Ir, Member};
use crate::compile::{Compiled, Hit, MatchBuffers};
use crate::syntax::ast::{ArithOp, CmpOp};
use crate::text::phone::PiecePhones;
use crate::value::{Money, Origin, Phone, Piece, Price, SharedStr, Text, Value};
use std::collections::HashSet;
use std::sync::Arc;

use super::record::Record;

/// A let's value for the record, with the evidence and related ids it
/// found (replayed each time the let is used).
pub type LetValue = (Value, Vec<Evidence>, Vec<String>);

/// Per-record state of the evaluator.
pub struct Eval<'a> {
    pub compiled: &'a Compiled,
    pub record: &'a Record,
    /// The text of each pack source (missing when a field was absent).
    pub source_texts: &'a [Value],
    /// Hits of each pack source.
    pub source_hits: &'a [Vec<Hit>],
    pub bufs: &'a mut MatchBuffers,
    /// Lets already evaluated for this record, with their evidence.
    pub lets: Vec<Option<LetValue>>,
    pub locals: Vec<Value>,
    pub evidence: Vec<Evidence>,
    /// Values of the pack's stream aggregates for this record.
    pub aggregates: &'a [AggregateValue],
    /// Ids of other ads behind the stream aggregates used so far.
    pub related: Vec<String>,
    /// The phones of the texts given to `phones()` or `prices()`: a pack
    /// that asks for both (`prices(texte)`, `phones(texte)`) reads each
    /// text's phones once, since prices mask them.
    phones: Vec<(SharedStr, Arc<PiecePhones>)>,
}

impl Drop for Eval<'_> {
    fn drop(&mut self) {
        self.lets.clear();
        self.bufs.lets = std::mem::take(&mut self.lets);
    }
}

impl<'a> Eval<'a> {
    pub fn new(
        compiled: &'a Compiled,
        record: &'a Record,
        source_texts: &'a [Value],
        source_hits: &'a [Vec<Hit>],
        bufs: &'a mut MatchBuffers,
    ) -> Eval<'a> {
        // The table of the scanner's last evaluator, cleared (and given
        // back when this one is dropped): a record has two evaluators
        // (sources, then rules), which would otherwise allocate one each.
        let mut lets = std::mem::take(&mut bufs.lets);
        lets.clear();
        lets.resize(compiled.pack.lets.len(), None);
        Eval {
            compiled,
            record,
            source_texts,
            source_hits,
            bufs,
            lets,
            locals: Vec::new(),
            evidence: Vec::new(),
            aggregates: &[],
            related: Vec::new(),
            phones: Vec::new(),
        }
    }

    /// The phones of `text`, read at most once per record.
    fn phones_of(&mut self, text: &SharedStr) -> Arc<PiecePhones> {
        if let Some((_, p)) = self.phones.iter().find(|(t, _)| t.same(text) || t == text) {
            return Arc::clone(p);
        }
        let p = Arc::new(PiecePhones::of(text));
        self.phones.push((text.clone(), Arc::clone(&p)));
        p
    }

    /// Where the evidence stands, to forget what comes after.
    fn mark(&self) -> (usize, usize) {
        (self.evidence.len(), self.related.len())
    }

    fn reset(&mut self, mark: (usize, usize)) {
        self.evidence.truncate(mark.0);
        self.related.truncate(mark.1);
    }

    /// The evidence gathered so far, each piece once (at its first
    /// place), leaving none.
    pub fn take_evidence(&mut self) -> Vec<Evidence> {
        let evidence = std::mem::take(&mut self.evidence);
        if evidence.len() < 2 {
            return evidence;
        }
        let mut seen = HashSet::with_capacity(evidence.len());
        let first: Vec<bool> = evidence.iter().map(|ev| seen.insert(ev)).collect();
        drop(seen);
        evidence
            .into_iter()
            .zip(first)
            .filter_map(|(ev, first)| first.then_some(ev))
            .collect()
    }

    /// Evaluates a condition; when false, forgets the evidence it pushed.
    pub fn cond(&mut self, ir: &Ir) -> bool {
        let mark = self.mark();
        let result = self.value(ir).as_bool();
        if !result {
            self.reset(mark);
        }
        result
    }

    pub fn value(&mut self, ir: &Ir) -> Value {
        match ir {
            Ir::Const(v) => v.clone(),
            Ir::Field(i) => self.record.values[*i].clone(),
            Ir::Let(i) => self.let_value(*i),
            Ir::Local(depth) => self.locals.get(*depth).cloned().unwrap_or(Value::Missing),
            Ir::Not(a) => {
                let mark = self.mark();
                let inner = self.cond(a);
                self.reset(mark);
                Value::Bool(!inner)
            }
            Ir::Aggregate(i) => match self.aggregates.get(*i) {
                Some(a) => {
                    for id in &a.related {
                        if !self.related.iter().any(|r| **r == **id) {
                            self.related.push(id.to_string());
                        }
                    }
                    a.value.clone()
                }
                None => Value::Missing,
            },
            Ir::And(a, b) => Value::Bool(self.cond(a) && self.cond(b)),
            Ir::Or(a, b) => Value::Bool(self.cond(a) || self.cond(b)),
            Ir::Cmp(op, a, b) => {
                let a = self.value(a);
                let b = self.value(b);
                Value::Bool(compare(*op, &a, &b))
            }
            Ir::Has { text, atom, source } => {
                let hits = self.hits_of(text, *atom, *source);
                let found = !hits.is_empty();
                self.push_evidence(&hits.0, &hits.1);
                Value::Bool(found)
            }
            Ir::Hits {
                text,
                atom,
                source,
                terms: as_list,
            } => {
                let hits = self.hits_of(text, *atom, *source);
                let mut terms: Vec<u32> = hits.0.iter().map(|h| h.term).collect();
                terms.sort_unstable();
                terms.dedup();
                if *as_list {
                    self.push_evidence(&hits.0, &hits.1);
                    let pack = &self.compiled.pack;
                    return match pack.atoms[*atom] {
                        Atom::Lexicon(l) => Value::List(
                            terms
                                .iter()
                                .map(|&t| {
                                    Value::Text(Text::literal(
                                        pack.lexicons[l].terms[t as usize].text.as_str(),
                                    ))
                                })
                                .collect(),
                        ),
                        Atom::Pattern(_) => Value::List(
                            hits.0
                                .iter()
                                .filter_map(|h| {
                                    hits.1.as_ref().map(|t| {
                                        Value::Text(Text::literal(&t.text[h.start..h.end]))
                                    })
                                })
                                .collect(),
                        ),
                    };
                }
                let distinct = if matches!(self.compiled.pack.atoms[*atom], Atom::Pattern(_)) {
                    hits.0.len()
                } else {
                    terms.len()
                };
                self.push_evidence(&hits.0, &hits.1);
                Value::Number(distinct as f64)
            }
            Ir::Concat(parts) => self.concat(parts),
            Ir::Arith(op, a, b) => {
                let a = self.value(a);
                let b = self.value(b);
                arith(*op, &a, &b)
            }
            Ir::Call(builtin, args) => self.call(*builtin, args),
            Ir::Quantifier { all, list, body } => {
                let Value::List(items) = self.value(list) else {
                    return Value::Bool(false);
                };
                let mut result = *all;
                for item in items.iter() {
                    self.locals.push(item.clone());
                    let holds = self.cond(body);
                    self.locals.pop();
                    if holds {
                        self.push_item_evidence(item);
                    }
                    if *all && !holds {
                        result = false;
                        break;
                    }
                    if !*all && holds {
                        result = true;
                        break;
                    }
                }
                Value::Bool(result)
            }
            Ir::List(items) => Value::List(items.iter().map(|i| self.value(i)).collect()),
            Ir::Member(base, member) => member_value(&self.value(base), *member),
        }
    }

    fn let_value(&mut self, i: usize) -> Value {
        if let Some((value, evidence, related)) = &self.lets[i] {
            let value = value.clone();
            self.evidence.extend(evidence.iter().cloned());
            self.related.extend(related.iter().cloned());
            return value;
        }
        let compiled = self.compiled;
        // A let that is also a source was computed before evaluation (see
        // `Compiled::let_source`); during that computation there is no
        // source text yet, and the let is evaluated.
        if let Some(value) = compiled.let_source[i].and_then(|s| self.source_texts.get(s)) {
            self.lets[i] = Some((value.clone(), Vec::new(), Vec::new()));
            return value.clone();
        }
        let (ev, rel) = self.mark();
        let value = self.value(&compiled.pack.lets[i].value);
        self.lets[i] = Some((
            value.clone(),
            self.evidence[ev..].to_vec(),
            self.related[rel..].to_vec(),
        ));
        value
    }

    /// The hits of `atom` in `text`, and the text they are in.
    fn hits_of(&mut self, text: &Ir, atom: usize, source: Option<usize>) -> HitsIn {
        if let Some(s) = source {
            let hits: Vec<Hit> = self
                .source_hits
                .get(s)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .filter(|h| h.atom == atom)
                .copied()
                .collect();
            let text = match self.source_texts.get(s) {
                Some(Value::Text(t)) => Some(t.clone()),
                _ => None,
            };
            return HitsIn(hits, text);
        }
        // A text that depends on a lambda variable: match it now.
        let Value::Text(t) = self.value(text) else {
            return HitsIn(Vec::new(), None);
        };
        let mut hits = Vec::new();
        self.compiled
            .matcher
            .scan_filtered(&t.text, self.bufs, &mut hits, Some(atom));
        HitsIn(hits, Some(t))
    }

    fn push_evidence(&mut self, hits: &[Hit], text: &Option<Text>) {
        let Some(text) = text else { return };
        let pack = &self.compiled.pack;
        for hit in hits {
            let via = via(pack, hit);
            for (field, start, end) in text.locate(hit.start, hit.end) {
                let Some(field_text) = self.record.text(field) else {
                    continue;
                };
                let ev = Evidence {
                    field: pack.schema.fields[field].name.clone(),
                    start,
                    end,
                    text: field_text.get(start..end).unwrap_or("").to_string(),
                    via: via.clone(),
                };
                self.evidence.push(ev);
            }
        }
    }

    /// A phone or price found in the record is evidence where it was written.
    fn push_item_evidence(&mut self, item: &Value) {
        let (locations, via) = match item {
            Value::Phone(p) => (&p.locations, format!("phones() {}", p.number)),
            Value::Price(p) => (&p.locations, format!("prices() {item}")),
            _ => return,
        };
        for loc in locations.iter() {
            let Some(field_text) = self.record.text(loc.field) else {
                continue;
            };
            let ev = Evidence {
                field: self.compiled.pack.schema.fields[loc.field].name.clone(),
                start: loc.start,
                end: loc.end,
                text: field_text.get(loc.start..loc.end).unwrap_or("").to_string(),
                via: via.clone(),
            };
            self.evidence.push(ev);
        }
    }

    fn concat(&mut self, parts: &[Ir]) -> Value {
        let mut out = std::mem::take(&mut self.bufs.concat);
        let mut pieces = std::mem::take(&mut self.bufs.pieces);
        out.clear();
        pieces.clear();
        for part in parts {
            // Constants and fields are borrowed, not cloned: a constant's
            // text is shared by every thread, and cloning it would bounce
            // its reference count between the cores on every record.
            let owned;
            let value = match part {
                Ir::Const(v) => v,
                Ir::Field(i) => &self.record.values[*i],
                _ => {
                    owned = self.value(part);
                    &owned
                }
            };
            let Value::Text(t) = value else { continue };
            let start = out.len();
            out.push_str(&t.text);
            let end = out.len();
            match &t.origin {
                Origin::None => pieces.push(Piece {
                    start,
                    end,
                    field: None,
                }),
                Origin::Field(f) => pieces.push(Piece {
                    start,
                    end,
                    field: Some(*f),
                }),
                Origin::Pieces(inner) => pieces.extend(inner.iter().map(|p| Piece {
                    start: p.start + start,
                    end: p.end + start,
                    field: p.field,
                })),
            }
        }
        let text = Value::Text(Text {
            text: out.as_str().into(),
            origin: Origin::Pieces(Arc::from(pieces.as_slice())),
        });
        // A part that is itself a concatenation took the buffers while it
        // was built; the larger ones are kept.
        if out.capacity() > self.bufs.concat.capacity() {
            self.bufs.concat = out;
        }
        if pieces.capacity() > self.bufs.pieces.capacity() {
            self.bufs.pieces = pieces;
        }
        text
    }

    fn call(&mut self, builtin: Builtin, args: &[Ir]) -> Value {
        match builtin {
            Builtin::Exists => Value::Bool(!self.value(&args[0]).is_missing()),
            Builtin::Fingerprint => match self.value(&args[0]) {
                Value::Text(t) => crate::text::fingerprint::fingerprint(&t.text)
                    .map_or(Value::Missing, |bands| Value::Fingerprint(Arc::new(bands))),
                _ => Value::Missing,
            },
            Builtin::Phones => match self.value(&args[0]) {
                Value::Text(t) => Value::List(
                    self.phones_of(&t.text)
                        .merged()
                        .into_iter()
                        .map(|p| {
                            Value::Phone(Arc::new(Phone {
                                locations: t.locations(p.start, p.end),
                                number: p.number,
                                obscured: p.obscured,
                            }))
                        })
                        .collect(),
                ),
                _ => Value::Missing,
            },
            Builtin::Prices => match self.value(&args[0]) {
                Value::Text(t) => Value::List(
                    crate::text::price::extract_prices_with(&t.text, &self.phones_of(&t.text))
                        .into_iter()
                        .map(|p| {
                            Value::Price(Arc::new(Price {
                                amount: Money {
                                    amount: p.amount,
                                    currency: p.currency,
                                },
                                per: p.per,
                                coded: p.coded,
                                locations: t.locations(p.start, p.end),
                            }))
                        })
                        .collect(),
                ),
                _ => Value::Missing,
            },
            Builtin::Len => match self.value(&args[0]) {
                Value::Text(t) => Value::Number(t.text.chars().count() as f64),
                Value::List(items) => {
                    // `len(phones(t)) >= 2`: the items are the evidence.
                    items.iter().for_each(|item| self.push_item_evidence(item));
                    Value::Number(items.len() as f64)
                }
                _ => Value::Missing,
            },
            Builtin::Lower => match self.value(&args[0]) {
                Value::Text(t) => Value::Text(Text::literal(t.text.to_lowercase())),
                _ => Value::Missing,
            },
            Builtin::Min | Builtin::Max => {
                let values: Vec<Value> = if args.len() == 1 {
                    match self.value(&args[0]) {
                        Value::List(items) => items.to_vec(),
                        _ => return Value::Missing,
                    }
                } else {
                    args.iter().map(|a| self.value(a)).collect()
                };
                let want = if builtin == Builtin::Min {
                    std::cmp::Ordering::Less
                } else {
                    std::cmp::Ordering::Greater
                };
                let mut best: Option<Value> = None;
                for v in values.into_iter().filter(|v| !v.is_missing()) {
                    best = match best {
                        None => Some(v),
                        Some(b) => match v.compare(&b) {
                            Some(ord) if ord == want => Some(v),
                            Some(_) => Some(b),
                            None => return Value::Missing,
                        },
                    };
                }
                best.unwrap_or(Value::Missing)
            }
        }
    }
}

struct HitsIn(Vec<Hit>, Option<Text>);

impl HitsIn {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// How a hit is named in evidence.
pub fn via(pack: &crate::check::CheckedPack, hit: &Hit) -> String {
    match pack.atoms[hit.atom] {
        Atom::Lexicon(l) => {
            let lexicon = &pack.lexicons[l];
            let term = &lexicon.terms[hit.term as usize];
            let star = if term.prefix { "*" } else { "" };
            if lexicon.synthetic {
                format!("{:?}", term.text)
            } else {
                format!("{} \"{}{star}\"", lexicon.name, term.text)
            }
        }
        Atom::Pattern(p) => pack.patterns[p].name.clone(),
    }
}

/// Comparison with the language's rule: any comparison with a missing value
/// is false (`!=` included), as is a comparison of values that have no
/// common order. (`x == null` and `x != null` are presence tests, lowered
/// to `exists` by the checker.)
pub fn compare(op: CmpOp, a: &Value, b: &Value) -> bool {
    if a.is_missing() || b.is_missing() {
        return false;
    }
    a.compare(b).is_some_and(|ord| op.holds(ord))
}

fn arith(op: ArithOp, a: &Value, b: &Value) -> Value {
    let sign = if op == ArithOp::Add { 1.0 } else { -1.0 };
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Value::Number(x + sign * y),
        (Value::Duration(x), Value::Duration(y)) => Value::Duration(x + sign * y),
        (Value::Money(x), Value::Money(y)) if x.currency == y.currency => Value::Money(Money {
            amount: x.amount + sign * y.amount,
            currency: x.currency,
        }),
        (Value::Time(t), Value::Duration(d)) => Value::Time(*t + (sign * d) as i64),
        (Value::Time(x), Value::Time(y)) if op == ArithOp::Sub => Value::Duration((x - y) as f64),
        _ => Value::Missing,
    }
}

fn member_value(base: &Value, member: Member) -> Value {
    match (base, member) {
        (Value::Price(p), Member::PriceAmount) => Value::Money(p.amount),
        (Value::Price(p), Member::PricePer) => p.per.map_or(Value::Missing, Value::Duration),
        (Value::Price(p), Member::PriceCoded) => Value::Bool(p.coded),
        (Value::Price(p), Member::PricePerHour) => match p.per {
            Some(per) if per > 0.0 => Value::Money(Money {
                amount: p.amount.amount * 3600.0 / per,
                currency: p.amount.currency,
            }),
            _ => Value::Missing,
        },
        (Value::Phone(p), Member::PhoneNumber) => Value::Text(Text::literal(p.number.as_str())),
        (Value::Phone(p), Member::PhoneObscured) => Value::Bool(p.obscured),
        (Value::Money(m), Member::MoneyAmount) => Value::Number(m.amount),
        _ => Value::Missing,
    }
}
