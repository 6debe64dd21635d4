//! Prices in ad text: an amount, its currency (or the code word that stands
//! for one), and the duration it buys when the text says.
//!
//! # How it works
//!
//! The text is tokenized and phone numbers are masked (their digits are
//! never amounts). The tokens become *lexemes*: numbers (with French
//! thousands `2 500`, `2.500` and decimals `12,50`, `12.50`), currencies
//! (`€`, `$`, `£`, `EUR`, `euros`, `CHF`, a glued `150e` or `$100`; the
//! code words `roses`, `cadeaux`, `donations` and the emoji 🌹 🎁),
//! durations, and other words. A duration is either a *rate* — `/h`,
//! `l'heure`, `la demi-heure`, `le quart d'heure`, `par mois` — or a
//! *length* — `1h`, `1 h`, `30min`, `20 mn`, `1h30`, `une heure`. A length
//! that is a time of day is none: after `à`, `vers`, `dès`, in a range
//! (`de 10h à 2h`, `9h-19h`), past 12 hours (`18h`), `9h30` and later;
//! nor is a delay (`en 1h`, `dans 1h`).
//!
//! A number is a price when a currency stands next to it, or a duration
//! does. A rate after it comes first (`150/h`, `100 la demi-heure`, `180 €
//! de l'heure`); then a length: before it (`1h 200`, `30min=80`) when the
//! ad puts lengths first, after it (`100 roses 30 min`) when it puts
//! amounts first, or after a connecting word either way (`200 pour 1h`,
//! `80 les 30 min`). Each duration is bought once, so in "30min 80, 1h 150"
//! each amount gets its own. A code word counts only with a duration
//! (`150 roses/h`, `cadeau 200 pour l'heure`), and not when a number
//! follows it: "12 roses 35 €" at a florist is a bouquet and a price of
//! 35 €, not a coded rate. A number followed by a unit of something else
//! (`km`, `m²`, `ans`, `kg`, `%`, `places`...) or an ordinal (`2e étage`)
//! is never a price, and neither is a bare number.

use super::emoji::emoji_word;
use super::fold::{fold_into, FoldProfile, Folded};
use super::phone::{FoundPhone, PiecePhones};
use super::tokens::{tokenize, Token, TokenKind};
use crate::value::Currency;

/// A price found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundPrice {
    pub amount: f64,
    pub currency: Currency,
    /// Written with a code word (roses, cadeaux, donations).
    pub coded: bool,
    /// Seconds bought, when given.
    pub per: Option<f64>,
    pub start: usize,
    pub end: usize,
}

impl FoundPrice {
    /// Money per hour, when the price buys a known duration.
    pub fn per_hour(&self) -> Option<f64> {
        self.per
            .filter(|&s| s > 0.0)
            .map(|s| self.amount * 3600.0 / s)
    }
}

/// A word or symbol of a lexeme. Almost all are short: kept inline, so
/// lexing an ad allocates nothing per token (it used to allocate a
/// `String` per token, and again per token when durations were joined).
/// `ArrayString` rather than a byte array: reading a byte array back as a
/// `str` checked it as UTF-8 on every look, 7 % of `rules/fr`'s scan.
#[derive(Clone)]
enum Str {
    Inline(arrayvec::ArrayString<{ Str::INLINE }>),
    Heap(Box<str>),
}

impl Str {
    const INLINE: usize = 22;

    fn as_str(&self) -> &str {
        match self {
            Str::Inline(s) => s,
            Str::Heap(s) => s,
        }
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        match arrayvec::ArrayString::from(s) {
            Ok(inline) => Str::Inline(inline),
            Err(_) => Str::Heap(s.into()),
        }
    }
}

impl std::ops::Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl std::fmt::Debug for Str {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Lex {
    /// An amount, and the number of digits of its integer part.
    Num(f64, usize),
    /// A currency; `true` for a code word.
    Cur(Currency, bool),
    /// Seconds; `rate` when written as a rate ("/h", "l'heure") rather
    /// than a length ("1h", "30 min").
    Dur {
        secs: f64,
        rate: bool,
    },
    Word(Str),
    Sym(Str),
}

#[derive(Debug, Clone)]
struct Item {
    lex: Lex,
    start: usize,
    end: usize,
}

/// Units that make a number something other than a price.
const NOT_MONEY: &[&str] = &[
    "km",
    "kms",
    "m",
    "m2",
    "m3",
    "cm",
    "mm",
    "ha",
    "kg",
    "g",
    "l",
    "cl",
    "ml",
    "litres",
    "ans",
    "an",
    "mois",
    "semaines",
    "jours",
    "nuits",
    "pieces",
    "piece",
    "chambres",
    "chambre",
    "places",
    "place",
    "personnes",
    "pers",
    "ch",
    "cv",
    "kw",
    "etage",
    "eme",
    "e",
    "%",
    "x",
    "fois",
    "pouces",
    "go",
    "mo",
    "to",
    "photos",
];

/// Nouns after an ordinal: "2e étage" is no price of 2 €.
const ORDINAL_NOUNS: &[&str] = &[
    "etage",
    "arrondissement",
    "arr",
    "arrdt",
    "siecle",
    "rang",
    "edition",
    "generation",
    "annee",
    "fois",
    "main",
    "classe",
    "place",
    "ligne",
];

fn currency_word(w: &str) -> Option<(Currency, bool)> {
    Some(match w {
        "eur" | "euro" | "euros" | "e" => (Currency::Eur, false),
        "usd" | "dollar" | "dollars" => (Currency::Usd, false),
        "gbp" => (Currency::Gbp, false),
        "chf" => (Currency::Chf, false),
        "roses" | "rose" | "cadeaux" | "cadeau" | "donations" | "donation" => (Currency::Eur, true),
        _ => return None,
    })
}

fn currency_sign(s: &str) -> Option<Currency> {
    Some(match s {
        "€" => Currency::Eur,
        "$" => Currency::Usd,
        "£" => Currency::Gbp,
        _ => return None,
    })
}

fn duration_unit(w: &str) -> Option<f64> {
    Some(match w {
        "h" | "heure" | "heures" | "hr" => 3600.0,
        "min" | "mn" | "mins" | "minute" | "minutes" => 60.0,
        _ => return None,
    })
}

/// What a rate is given per: "/h", "par mois".
fn period(w: &str) -> Option<f64> {
    Some(match w {
        "h" | "heure" | "hr" => 3600.0,
        "mois" => 30.0 * 86_400.0,
        "semaine" | "sem" => 7.0 * 86_400.0,
        "jour" | "j" => 86_400.0,
        _ => return None,
    })
}

/// A time of day rather than a length: past 12 hours, or with minutes
/// from 3 hours on ("9h30", "18h30"; "1h30" is a length).
fn time_of_day(hours: f64, minutes: bool) -> bool {
    hours > 12.0 || (minutes && hours >= 3.0)
}

/// "1h", "30min", "1h30", "20mn": a duration glued to its number, as
/// `Dur` or, for a time of day, a `#time` word.
fn glued_duration(w: &str) -> Option<Lex> {
    let digits_end = w.find(|c: char| !c.is_ascii_digit())?;
    if digits_end == 0 || digits_end > 4 {
        return None;
    }
    let n: f64 = w[..digits_end].parse().ok()?;
    let rest = &w[digits_end..];
    let (secs, hours, minutes) = if let Some(unit) = duration_unit(rest) {
        (n * unit, if unit == 3600.0 { n } else { 0.0 }, false)
    } else {
        // 1h30
        let m = rest.strip_prefix('h')?;
        if m.is_empty() || m.len() > 2 || !m.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        (n * 3600.0 + m.parse::<f64>().ok()? * 60.0, n, true)
    };
    if secs <= 0.0 {
        return None;
    }
    Some(if time_of_day(hours, minutes) {
        Lex::Word("#time".into())
    } else {
        Lex::Dur { secs, rate: false }
    })
}

/// "150e", "150eur": an amount glued to its currency. Returns the amount,
/// the length of its digits and the currency's suffix.
fn glued_money(w: &str) -> Option<(f64, usize, &str)> {
    let digits_end = w.find(|c: char| !c.is_ascii_digit())?;
    let rest = &w[digits_end..];
    if digits_end == 0 || digits_end > 9 || !matches!(rest, "e" | "eur" | "euro" | "euros") {
        return None;
    }
    Some((w[..digits_end].parse().ok()?, digits_end, rest))
}

/// Pushes a number, joining it to the one before when they are one written
/// number: thousands ("2 500", "2.500") or decimals ("12,50", "12.50").
fn push_number(items: &mut Vec<Item>, text: &str, digits: &str, start: usize, end: usize) {
    let n: f64 = digits.parse().unwrap_or(0.0);
    let nd = digits.len();
    let len = items.len();
    if let Some(Item {
        lex: Lex::Num(p, pd),
        end: prev_end,
        ..
    }) = items.last()
    {
        let thousands_gap = matches!(&text[*prev_end..start], " " | "\u{a0}" | "\u{202f}");
        if thousands_gap && nd == 3 && p.fract() == 0.0 && *pd <= 3 {
            let (p, pd) = (*p, *pd);
            let prev = &mut items[len - 1];
            prev.lex = Lex::Num(p * 1000.0 + n, pd + 3);
            prev.end = end;
            return;
        }
    }
    if len >= 2 {
        if let (
            Item {
                lex: Lex::Num(p, pd),
                end: num_end,
                ..
            },
            Item {
                lex: Lex::Sym(sep),
                start: s0,
                end: s1,
            },
        ) = (&items[len - 2], &items[len - 1])
        {
            let glued = *num_end == *s0 && *s1 == start;
            let (p, pd) = (*p, *pd);
            if glued && p.fract() == 0.0 {
                let joined = if **sep == *"." && nd == 3 && pd <= 3 {
                    Some(Lex::Num(p * 1000.0 + n, pd + 3))
                } else if matches!(sep.as_str(), "," | ".") && (1..=2).contains(&nd) {
                    Some(Lex::Num(p + n / 10f64.powi(nd as i32), pd))
                } else {
                    None
                };
                if let Some(lex) = joined {
                    items.pop();
                    let prev = &mut items[len - 2];
                    prev.lex = lex;
                    prev.end = end;
                    return;
                }
            }
        }
    }
    items.push(Item {
        lex: if nd <= 9 {
            Lex::Num(n, nd)
        } else {
            Lex::Word("#long".into())
        },
        start,
        end,
    });
}

fn lex(text: &str, phones: &[FoundPhone], tokens: Option<&[Token]>) -> Vec<Item> {
    let in_phone = |s: usize| phones.iter().any(|p| s >= p.start && s < p.end);
    let owned;
    let tokens = match tokens {
        Some(t) => t,
        None => {
            owned = tokenize(text);
            &owned[..]
        }
    };
    let mut items: Vec<Item> = Vec::new();
    // Currencies read off a glued "e" ("150e", but "2e étage").
    let mut glued_e: Vec<usize> = Vec::new();
    let mut folded = Folded::default();
    let mut lower = String::new();
    for t in tokens {
        let s = t.text(text);
        let item = |lex: Lex| Item {
            lex,
            start: t.start,
            end: t.end,
        };
        match t.kind {
            TokenKind::Space | TokenKind::Invisible => {}
            TokenKind::Word if in_phone(t.start) => items.push(item(Lex::Word("#phone".into()))),
            TokenKind::Emoji => items.push(item(match emoji_word(s) {
                Some("rose" | "cadeau") => Lex::Cur(Currency::Eur, true),
                _ => Lex::Sym(s.into()),
            })),
            TokenKind::Word | TokenKind::Currency | TokenKind::Other => {
                // An ASCII token (no white space in it) folds to its lower
                // case, byte for byte: no need to fold it or to map it back.
                let ascii = s.is_ascii();
                let w = if ascii {
                    lower.clear();
                    lower.push_str(s);
                    lower.make_ascii_lowercase();
                    lower.as_str()
                } else {
                    fold_into(s, FoldProfile::DEFAULT, &mut folded);
                    folded.text.as_str()
                };
                // Byte `k` of the folded word, in the text.
                let at = |k: usize| {
                    if ascii {
                        if k < s.len() {
                            t.start + k
                        } else {
                            t.end
                        }
                    } else {
                        folded.map.get(k).map_or(t.end, |&m| t.start + m as usize)
                    }
                };
                if t.kind != TokenKind::Word {
                    items.push(item(match currency_sign(w) {
                        Some(c) => Lex::Cur(c, false),
                        None => Lex::Sym(w.into()),
                    }));
                    continue;
                }
                // "$100", "100$": dollars glued to their amount.
                let core = w.trim_matches('$');
                let lead = w.len() - w.trim_start_matches('$').len();
                if !core.is_empty() && core.bytes().all(|b| b.is_ascii_digit()) {
                    if lead > 0 {
                        items.push(Item {
                            lex: Lex::Cur(Currency::Usd, false),
                            start: t.start,
                            end: at(lead),
                        });
                    }
                    push_number(&mut items, text, core, at(lead), at(lead + core.len()));
                    if lead + core.len() < w.len() {
                        items.push(Item {
                            lex: Lex::Cur(Currency::Usd, false),
                            start: at(lead + core.len()),
                            end: t.end,
                        });
                    }
                } else if let Some(lex) = glued_duration(w) {
                    items.push(item(lex));
                } else if let Some((n, digits, suffix)) = glued_money(w) {
                    items.push(Item {
                        lex: Lex::Num(n, digits),
                        start: t.start,
                        end: at(digits),
                    });
                    if suffix == "e" {
                        glued_e.push(items.len());
                    }
                    items.push(Item {
                        lex: Lex::Cur(Currency::Eur, false),
                        start: at(digits),
                        end: t.end,
                    });
                } else {
                    items.push(item(Lex::Word(w.into())));
                }
            }
            _ => items.push(item(Lex::Sym(s.into()))),
        }
    }
    // "2e étage": an ordinal.
    for c in glued_e {
        if matches!(items.get(c + 1).map(|x| &x.lex), Some(Lex::Word(w)) if ORDINAL_NOUNS.contains(&w.as_str()))
        {
            items[c - 1].lex = Lex::Word("#ordinal".into());
            items[c].lex = Lex::Word("e".into());
        }
    }
    join_durations(&mut items);
    mark_times(&mut items);
    items
}

fn word_at(items: &[Item], k: usize) -> Option<&str> {
    match items.get(k).map(|x| &x.lex) {
        Some(Lex::Word(w)) => Some(w.as_str()),
        _ => None,
    }
}

fn sym_at(items: &[Item], k: usize, s: &str) -> bool {
    matches!(items.get(k).map(|x| &x.lex), Some(Lex::Sym(x)) if **x == *s)
}

/// Second pass: durations written in several tokens. "1 h", "30 min" (a
/// number, then a unit word); "l'heure", "[la] demi[-]heure", "½ heure",
/// "[le] quart d'heure", "une heure", "/h", "par mois".
fn join_durations(items: &mut Vec<Item>) {
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    let mut i = 0;
    while i < items.len() {
        let here = items[i].clone();
        let push = |lex: Lex, last: usize, out: &mut Vec<Item>| {
            out.push(Item {
                lex,
                start: here.start,
                end: items[last].end,
            });
            last + 1
        };
        // number + unit word
        if let Lex::Num(n, _) = here.lex {
            if let Some(unit) = word_at(items, i + 1).and_then(duration_unit) {
                let secs = n * unit;
                if secs > 0.0 {
                    let hours = if unit == 3600.0 { n } else { 0.0 };
                    let lex = if time_of_day(hours, false) {
                        Lex::Word("#time".into())
                    } else {
                        Lex::Dur { secs, rate: false }
                    };
                    i = push(lex, i + 1, &mut out);
                    continue;
                }
            }
        }
        if let Lex::Word(w) = &here.lex {
            // An article makes a rate: "100 la demi-heure" (but "une
            // demi-heure" is a length).
            let article = matches!(w.as_str(), "la" | "le" | "une");
            let rate = matches!(w.as_str(), "la" | "le");
            let k0 = if article { i + 1 } else { i };
            // demi-heure, demi heure, ½ heure
            if matches!(word_at(items, k0), Some("demi" | "1\u{2044}2" | "½")) {
                let k = if sym_at(items, k0 + 1, "-") {
                    k0 + 2
                } else {
                    k0 + 1
                };
                if word_at(items, k) == Some("heure") {
                    i = push(Lex::Dur { secs: 1800.0, rate }, k, &mut out);
                    continue;
                }
            }
            // quart d'heure
            if word_at(items, k0) == Some("quart")
                && word_at(items, k0 + 1) == Some("d")
                && sym_at(items, k0 + 2, "'")
                && word_at(items, k0 + 3) == Some("heure")
            {
                i = push(Lex::Dur { secs: 900.0, rate }, k0 + 3, &mut out);
                continue;
            }
            // une heure
            if w == "une" && word_at(items, i + 1) == Some("heure") {
                i = push(
                    Lex::Dur {
                        secs: 3600.0,
                        rate: false,
                    },
                    i + 1,
                    &mut out,
                );
                continue;
            }
            // l'heure
            if w == "l" && sym_at(items, i + 1, "'") && word_at(items, i + 2) == Some("heure") {
                i = push(
                    Lex::Dur {
                        secs: 3600.0,
                        rate: true,
                    },
                    i + 2,
                    &mut out,
                );
                continue;
            }
            // par heure, par mois
            if w == "par" {
                if let Some(p) = word_at(items, i + 1).and_then(period) {
                    i = push(
                        Lex::Dur {
                            secs: p,
                            rate: true,
                        },
                        i + 1,
                        &mut out,
                    );
                    continue;
                }
            }
            if w == "heure" {
                i = push(
                    Lex::Dur {
                        secs: 3600.0,
                        rate: false,
                    },
                    i,
                    &mut out,
                );
                continue;
            }
        }
        // /h, /heure, /mois, /semaine, /jour
        if sym_at(items, i, "/") {
            if let Some(p) = word_at(items, i + 1).and_then(period) {
                i = push(
                    Lex::Dur {
                        secs: p,
                        rate: true,
                    },
                    i + 1,
                    &mut out,
                );
                continue;
            }
        }
        out.push(here);
        i += 1;
    }
    *items = out;
}

/// Third pass: lengths that are times of day or delays, not what a price
/// buys. "à 2h", "vers 9h", "dès 1h", "de 10h à 2h", "9h-19h", "en 1h",
/// "dans 1h".
fn mark_times(items: &mut [Item]) {
    let length = |lex: &Lex| matches!(lex, Lex::Dur { rate: false, .. });
    let time = |lex: &Lex| length(lex) || matches!(lex, Lex::Word(w) if **w == *"#time");
    let mut times = vec![false; items.len()];
    for k in 0..items.len() {
        if !length(&items[k].lex) {
            continue;
        }
        let before = k.checked_sub(1).and_then(|b| word_at(items, b));
        if matches!(before, Some("a" | "vers" | "des" | "en" | "dans" | "sous")) {
            times[k] = true;
        }
        let to = word_at(items, k + 1) == Some("a") || sym_at(items, k + 1, "-");
        if to && items.get(k + 2).is_some_and(|x| time(&x.lex)) {
            times[k] = true;
            times[k + 2] = true;
        }
    }
    for (item, time) in items.iter_mut().zip(times) {
        if time {
            item.lex = Lex::Word("#time".into());
        }
    }
}

/// May stand between an amount and a duration before it ("1h = 200").
fn connects_before(lex: &Lex) -> bool {
    match lex {
        Lex::Sym(s) => matches!(s.as_str(), "=" | ":" | "-" | ">" | "→" | "/" | ","),
        Lex::Word(w) => matches!(
            w.as_str(),
            "a" | "de" | "la" | "le" | "les" | "pour" | "par"
        ),
        _ => false,
    }
}

/// May stand between an amount and a duration after it ("200 pour 1h");
/// a comma or a slash never does: what follows is the next rate.
fn connects_after(lex: &Lex) -> Option<bool> {
    match lex {
        Lex::Sym(s) if matches!(s.as_str(), "=" | ":") => Some(false),
        Lex::Word(w) if matches!(w.as_str(), "de" | "la" | "le" | "les" | "pour" | "par") => {
            Some(true)
        }
        _ => None,
    }
}

fn not_money_after(items: &[Item], i: usize) -> bool {
    match items.get(i + 1).map(|x| &x.lex) {
        Some(Lex::Word(w)) => NOT_MONEY.contains(&w.as_str()),
        Some(Lex::Sym(s)) => **s == *"%",
        _ => false,
    }
}

/// Every price in `text`, in order.
pub fn extract_prices(text: &str) -> Vec<FoundPrice> {
    extract_prices_with(text, &PiecePhones::of(text))
}

/// Like [`extract_prices`], with the text's phones already read (by
/// [`PiecePhones::of`] on the same text): the evaluator reads them once
/// for both `phones()` and `prices()`.
pub fn extract_prices_with(text: &str, phones: &PiecePhones) -> Vec<FoundPrice> {
    let mut out = Vec::new();
    for (offset, end, piece_phones) in phones.pieces() {
        let prices = extract_prices_in(&text[offset..end], piece_phones, phones.tokens());
        out.extend(prices.into_iter().map(|mut p| {
            p.start += offset;
            p.end += offset;
            p
        }));
    }
    out
}

fn extract_prices_in(
    text: &str,
    phones: &[FoundPhone],
    tokens: Option<&[Token]>,
) -> Vec<FoundPrice> {
    let items = lex(text, phones, tokens);
    let mut out = Vec::new();
    let candidate = |i: usize| matches!(items[i].lex, Lex::Num(..)) && !not_money_after(&items, i);
    // Does the ad put lengths before amounts ("1h 200") or after them?
    let first_amount = (0..items.len()).find(|&i| candidate(i));
    let first_duration = items.iter().position(|x| matches!(x.lex, Lex::Dur { .. }));
    let lengths_first = match (first_duration, first_amount) {
        (Some(d), Some(a)) => d < a,
        _ => false,
    };
    let mut used = vec![false; items.len()];
    for i in 0..items.len() {
        let Lex::Num(amount, _) = items[i].lex else {
            continue;
        };
        if !candidate(i) || !amount.is_finite() || amount < 1.0 {
            continue;
        }
        let mut start = items[i].start;
        let mut end = items[i].end;

        // Currency after ("150 €", "250 les cadeaux") and before ("€150",
        // "cadeau 200").
        let look = if word_at(&items, i + 1) == Some("les") {
            i + 2
        } else {
            i + 1
        };
        let after = match items.get(look).map(|x| &x.lex) {
            Some(Lex::Cur(c, coded)) => Some((*c, *coded)),
            Some(Lex::Word(w)) => currency_word(w),
            _ => None,
        };
        let mut j = if after.is_some() { look + 1 } else { i + 1 };
        // A code word followed by a number counts things: "12 roses 35 €".
        if after.is_some_and(|(_, coded)| coded)
            && matches!(items.get(j).map(|x| &x.lex), Some(Lex::Num(..)))
        {
            continue;
        }
        let before = match i.checked_sub(1).map(|b| &items[b].lex) {
            Some(Lex::Cur(c, coded)) => Some((*c, *coded)),
            Some(Lex::Word(w)) => currency_word(w).filter(|(_, coded)| *coded),
            _ => None,
        };
        // A real currency wins over a code word; after the amount over before.
        let currency = match (before, after) {
            (_, Some(a)) if !a.1 => Some((a, false)),
            (Some(b), _) if !b.1 => Some((b, true)),
            (_, Some(a)) => Some((a, false)),
            (Some(b), None) => Some((b, true)),
            (None, None) => None,
        };
        let mut first = i;
        match currency {
            Some((_, true)) => {
                first = i - 1;
                start = items[i - 1].start;
            }
            Some((_, false)) => end = items[look].end,
            None => {}
        }
        if after.is_none() {
            j = i + 1;
        }

        // Durations: a rate after; a length before or after.
        let mut m = j;
        let mut words = 0;
        while m < items.len() && m - j < 3 {
            match connects_after(&items[m].lex) {
                Some(word) => {
                    words += word as usize;
                    m += 1;
                }
                None => break,
            }
        }
        let after_dur = match items.get(m).map(|x| &x.lex) {
            Some(Lex::Dur { secs, rate }) if !used[m] => Some((m, *secs, *rate)),
            _ => None,
        };
        let mut k = first;
        while k > 0 && connects_before(&items[k - 1].lex) && first - k < 2 {
            k -= 1;
        }
        let before_dur = match k.checked_sub(1).map(|b| &items[b].lex) {
            Some(Lex::Dur { secs, .. }) if !used[k - 1] => Some((k - 1, *secs)),
            _ => None,
        };
        let after_length = after_dur.filter(|&(_, _, rate)| !rate && (words > 0 || !lengths_first));
        let chosen = match after_dur {
            Some((m, secs, true)) => Some((m, secs)),
            _ if lengths_first => before_dur.or(after_length.map(|(m, s, _)| (m, s))),
            _ => after_length.map(|(m, s, _)| (m, s)).or(before_dur),
        };
        let per = chosen.map(|(d, secs)| {
            used[d] = true;
            start = start.min(items[d].start);
            end = end.max(items[d].end);
            secs
        });
        let Some((currency, coded)) = currency
            .map(|(c, _)| c)
            .or(per.map(|_| (Currency::Eur, false)))
        else {
            continue;
        };
        if coded && per.is_none() {
            continue;
        }
        out.push(FoundPrice {
            amount,
            currency,
            coded,
            per,
            start,
            end,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (f64, bool, Option<f64>) {
        let p = extract_prices(text);
        assert_eq!(p.len(), 1, "{text}: {p:?}");
        (p[0].amount, p[0].coded, p[0].per)
    }

    #[test]
    fn reads_rates() {
        assert_eq!(one("150 roses/h"), (150.0, true, Some(3600.0)));
        assert_eq!(one("1h 200"), (200.0, false, Some(3600.0)));
        assert_eq!(one("30min=80"), (80.0, false, Some(1800.0)));
        assert_eq!(one("100 la demi-heure"), (100.0, false, Some(1800.0)));
        assert_eq!(one("2 500 €"), (2500.0, false, None));
    }

    #[test]
    fn ignores_what_is_not_money() {
        for text in [
            "150 000 km",
            "45 m²",
            "12 roses",
            "année 2012",
            "06 39 98 12 34",
            "3 pièces",
        ] {
            assert!(
                extract_prices(text).is_empty(),
                "{text}: {:?}",
                extract_prices(text)
            );
        }
    }
}
