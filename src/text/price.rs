//! Prices in ad text: an amount, its currency (or the code word that stands
//! for one), and the duration it buys when the text says.
//!
//! # How it works
//!
//! The text is tokenized and phone numbers are masked (their digits are
//! never amounts). The tokens become *lexemes*: numbers (with French
//! thousands `2 500` and decimals `12,50`), currencies (`€`, `EUR`,
//! `euros`, a glued `150e`; the code words `roses`, `cadeaux`,
//! `donations`), durations (`1h`, `1 h`, `30min`, `20 mn`, `1h30`,
//! `l'heure`, `la demi-heure`, `/h`, `/mois`...), and other words.
//!
//! A number is a price when a currency stands next to it, or a duration
//! before it (`1h 200`, `30min=80`) or after it (`150/h`, `100 la
//! demi-heure`, `180 de l'heure`). A code word counts only with a duration
//! (`150 roses/h`, `cadeau 200 pour l'heure`): "12 roses 35 €" at a florist
//! is a bouquet and a price of 35 €, not a coded rate. A number followed by
//! a unit of something else (`km`, `m²`, `ans`, `kg`, `%`, `places`...) is
//! never a price, and neither is a bare number.

use super::phone::extract_phones;
use super::tokens::{tokenize, TokenKind};
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

#[derive(Debug, Clone, PartialEq)]
enum Lex {
    Num(f64),
    Cur(Currency, bool),
    Dur(f64),
    Word(String),
    Sym(String),
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
    "m",
    "m2",
    "m²",
    "cm",
    "mm",
    "kg",
    "g",
    "l",
    "ml",
    "ans",
    "an",
    "mois",
    "pieces",
    "piece",
    "places",
    "place",
    "personnes",
    "pers",
    "ch",
    "cv",
    "kw",
    "mn2",
    "etage",
    "eme",
    "e",
    "%",
    "x",
    "pouces",
    "go",
    "mo",
    "to",
    "min",
    "h",
];

fn currency_word(w: &str) -> Option<(Currency, bool)> {
    Some(match w {
        "eur" | "euro" | "euros" | "e" => (Currency::Eur, false),
        "roses" | "rose" | "cadeaux" | "cadeau" | "donations" | "donation" => (Currency::Eur, true),
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

/// "1h", "30min", "1h30", "20mn": a duration glued to its number.
fn glued_duration(w: &str) -> Option<f64> {
    let digits_end = w.find(|c: char| !c.is_ascii_digit())?;
    if digits_end == 0 {
        return None;
    }
    let n: f64 = w[..digits_end].parse().ok()?;
    let rest = &w[digits_end..];
    if let Some(unit) = duration_unit(rest) {
        return Some(n * unit);
    }
    // 1h30
    let minutes = rest.strip_prefix('h')?;
    (!minutes.is_empty() && minutes.len() <= 2 && minutes.bytes().all(|b| b.is_ascii_digit()))
        .then(|| n * 3600.0 + minutes.parse::<f64>().unwrap_or(0.0) * 60.0)
}

/// "150e", "150eur": an amount glued to its currency.
fn glued_money(w: &str) -> Option<f64> {
    let digits_end = w.find(|c: char| !c.is_ascii_digit())?;
    let rest = &w[digits_end..];
    (digits_end > 0 && matches!(rest, "e" | "eur" | "euro" | "euros"))
        .then(|| w[..digits_end].parse().ok())
        .flatten()
}

fn lex(text: &str) -> Vec<Item> {
    let phones: Vec<(usize, usize)> = extract_phones(text)
        .iter()
        .map(|p| (p.start, p.end))
        .collect();
    let in_phone = |s: usize| phones.iter().any(|&(a, b)| s >= a && s < b);
    let tokens = tokenize(text);
    let mut items: Vec<Item> = Vec::new();
    let mut last_space_end = usize::MAX; // end of the last Space token
    for t in &tokens {
        let s = t.text(text);
        let item = |lex: Lex| Item {
            lex,
            start: t.start,
            end: t.end,
        };
        match t.kind {
            TokenKind::Space => {
                last_space_end = t.end;
                continue;
            }
            TokenKind::Invisible => continue,
            TokenKind::Currency => items.push(item(Lex::Cur(
                match s {
                    "$" => Currency::Usd,
                    "£" => Currency::Gbp,
                    _ => Currency::Eur,
                },
                false,
            ))),
            TokenKind::Word if in_phone(t.start) => items.push(item(Lex::Word("#phone".into()))),
            TokenKind::Word => {
                let w = crate::text::fold_str(s, crate::text::FoldProfile::DEFAULT);
                if w.bytes().all(|b| b.is_ascii_digit()) && !w.is_empty() {
                    let n: f64 = w.parse().unwrap_or(0.0);
                    // French thousands: "2 500" (one space, three digits).
                    if let Some(prev) = items.last_mut() {
                        if let Lex::Num(p) = prev.lex {
                            let gap = &text[prev.end..t.start];
                            let thousands = w.len() == 3
                                && matches!(gap, " " | "\u{a0}" | "\u{202f}" | ".")
                                && p.fract() == 0.0
                                && p < 1000.0
                                && text[prev.start..prev.end].len() <= 3
                                && last_space_end != prev.start;
                            let decimals = w.len() == 2 && gap == "," && p.fract() == 0.0;
                            if thousands {
                                prev.lex = Lex::Num(p * 1000.0 + n);
                                prev.end = t.end;
                                continue;
                            }
                            if decimals {
                                prev.lex = Lex::Num(p + n / 100.0);
                                prev.end = t.end;
                                continue;
                            }
                        }
                    }
                    items.push(item(Lex::Num(n)));
                } else if let Some(seconds) = glued_duration(&w) {
                    items.push(item(Lex::Dur(seconds)));
                } else if let Some(n) = glued_money(&w) {
                    items.push(Item {
                        lex: Lex::Num(n),
                        start: t.start,
                        end: t.start + w.find(|c: char| !c.is_ascii_digit()).unwrap_or(0),
                    });
                    items.push(item(Lex::Cur(Currency::Eur, false)));
                } else {
                    items.push(item(Lex::Word(w)));
                }
            }
            // Typographic apostrophes read as straight ones ("l’heure").
            _ => items.push(item(Lex::Sym(match s {
                "\u{2019}" | "\u{2018}" | "\u{02bc}" => "'".to_string(),
                other => other.to_string(),
            }))),
        }
    }
    join_durations(&mut items);
    items
}

/// Second pass: "1 h", "30 min" (a number, then a unit word); "l'heure",
/// "la demi-heure", "demi heure", "/h", "/mois".
fn join_durations(items: &mut Vec<Item>) {
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    let mut i = 0;
    let word = |items: &[Item], k: usize| match items.get(k).map(|x| &x.lex) {
        Some(Lex::Word(w)) => Some(w.clone()),
        _ => None,
    };
    let sym = |items: &[Item], k: usize, s: &str| matches!(items.get(k).map(|x| &x.lex), Some(Lex::Sym(x)) if x == s);
    while i < items.len() {
        let here = items[i].clone();
        // number + unit word
        if let Lex::Num(n) = here.lex {
            if let Some(unit) = word(items, i + 1).and_then(|w| duration_unit(&w)) {
                out.push(Item {
                    lex: Lex::Dur(n * unit),
                    start: here.start,
                    end: items[i + 1].end,
                });
                i += 2;
                continue;
            }
        }
        if let Lex::Word(w) = &here.lex {
            // demi-heure, demi heure
            if w == "demi" {
                let k = if sym(items, i + 1, "-") { i + 2 } else { i + 1 };
                if word(items, k).is_some_and(|w| w == "heure") {
                    out.push(Item {
                        lex: Lex::Dur(1800.0),
                        start: here.start,
                        end: items[k].end,
                    });
                    i = k + 1;
                    continue;
                }
            }
            // l'heure
            if w == "l"
                && sym(items, i + 1, "'")
                && word(items, i + 2).is_some_and(|w| w == "heure")
            {
                out.push(Item {
                    lex: Lex::Dur(3600.0),
                    start: here.start,
                    end: items[i + 2].end,
                });
                i += 3;
                continue;
            }
            if w == "heure" {
                out.push(Item {
                    lex: Lex::Dur(3600.0),
                    ..here
                });
                i += 1;
                continue;
            }
        }
        // /h, /heure, /mois, /semaine, /jour
        if sym(items, i, "/") {
            let period = word(items, i + 1).and_then(|w| match w.as_str() {
                "h" | "heure" | "hr" => Some(3600.0),
                "mois" => Some(30.0 * 86_400.0),
                "semaine" | "sem" => Some(7.0 * 86_400.0),
                "jour" | "j" => Some(86_400.0),
                _ => None,
            });
            if let Some(p) = period {
                out.push(Item {
                    lex: Lex::Dur(p),
                    start: here.start,
                    end: items[i + 1].end,
                });
                i += 2;
                continue;
            }
        }
        out.push(here);
        i += 1;
    }
    *items = out;
}

fn is_connector(lex: &Lex) -> bool {
    match lex {
        Lex::Sym(s) => matches!(s.as_str(), "=" | ":" | "-" | ">" | "→" | "/" | ","),
        Lex::Word(w) => matches!(
            w.as_str(),
            "a" | "de" | "la" | "le" | "les" | "pour" | "par"
        ),
        _ => false,
    }
}

/// Every price in `text`, in order.
pub fn extract_prices(text: &str) -> Vec<FoundPrice> {
    let items = lex(text);
    let mut out = Vec::new();
    let mut used_dur: Vec<bool> = vec![false; items.len()];
    for i in 0..items.len() {
        let Lex::Num(amount) = items[i].lex else {
            continue;
        };
        // A unit of something else right after: not money.
        if let Some(Lex::Word(w)) = items.get(i + 1).map(|x| &x.lex) {
            if NOT_MONEY.contains(&w.as_str())
                && !items[i + 1..]
                    .first()
                    .is_some_and(|x| x.start == items[i].end && w == "e")
            {
                continue;
            }
        }
        if let Some(Lex::Sym(s)) = items.get(i + 1).map(|x| &x.lex) {
            if s == "%" {
                continue;
            }
        }
        let mut start = items[i].start;
        let mut end = items[i].end;
        let mut currency: Option<(Currency, bool)> = None;
        let mut per: Option<f64> = None;

        // Currency before: "€150", "cadeau 200".
        if i > 0 {
            if let Lex::Cur(c, coded) = items[i - 1].lex {
                currency = Some((c, coded));
                start = items[i - 1].start;
            } else if let Lex::Word(w) = &items[i - 1].lex {
                if let Some((c, true)) = currency_word(w) {
                    currency = Some((c, true));
                    start = items[i - 1].start;
                }
            }
        }
        // Duration before: "1h 200", "30min=80".
        let mut k = i;
        while k > 0 && is_connector(&items[k - 1].lex) && i - k < 2 {
            k -= 1;
        }
        if k > 0 {
            if let Lex::Dur(d) = items[k - 1].lex {
                if !used_dur[k - 1] {
                    per = Some(d);
                    used_dur[k - 1] = true;
                    start = start.min(items[k - 1].start);
                }
            }
        }
        // Currency after: "150 €", "150 roses", "250 les cadeaux".
        let mut j = i + 1;
        let mut look = j;
        if matches!(items.get(look).map(|x| &x.lex), Some(Lex::Word(w)) if w == "les") {
            look += 1;
        }
        match items.get(look).map(|x| &x.lex) {
            Some(Lex::Cur(c, coded)) if currency.is_none() => {
                currency = Some((*c, *coded));
                end = items[look].end;
                j = look + 1;
            }
            Some(Lex::Word(w)) if currency.is_none() => {
                if let Some(cw) = currency_word(w) {
                    currency = Some(cw);
                    end = items[look].end;
                    j = look + 1;
                }
            }
            _ => {}
        }
        // Duration after: "/h", "de l'heure", "la demi-heure", "pour 1h".
        if per.is_none() {
            let mut m = j;
            while m < items.len() && is_connector(&items[m].lex) && m - j < 3 {
                m += 1;
            }
            if let Some(Lex::Dur(d)) = items.get(m).map(|x| &x.lex) {
                if !used_dur[m] {
                    per = Some(*d);
                    used_dur[m] = true;
                    end = items[m].end;
                }
            }
        }
        let Some((currency, coded)) = currency.or(per.map(|_| (Currency::Eur, false))) else {
            continue;
        };
        if coded && per.is_none() {
            continue;
        }
        if amount < 1.0 {
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
