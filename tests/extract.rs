//! Table-driven tests of the phone and price extractors (`src/text`).
//!
//! Every French number here is in a range the regulator (ARCEP) reserves
//! for fiction (06 39 98, 01 99 00, 02 61 91, 03 53 01, 04 65 71, 05 36 49,
//! 09 75 08); every foreign number is the example number of
//! libphonenumber's own metadata for its country.
//!
//! Each table is checked as a whole and every failing row is reported, so
//! one run shows everything that is wrong.

use vigie::text::{extract_phones, extract_prices, parse_phone, FoundPhone, FoundPrice};

/// +33 6 39 98 12 34, the number most rows write in some way.
const A: &str = "+33639981234";
/// +33 6 39 98 56 78.
const B: &str = "+33639985678";

const PLAIN: bool = false;
const OBSCURED: bool = true;

/// (text, the phones expected in order as (E.164, obscured)).
type PhoneRow = (&'static str, &'static [(&'static str, bool)]);

const PHONES: &[PhoneRow] = &[
    // ── Plain French numbers, ordinary separators ──────────────────────
    ("06 39 98 12 34", &[(A, PLAIN)]),
    ("0639981234", &[(A, PLAIN)]),
    ("06.39.98.12.34", &[(A, PLAIN)]),
    ("06-39-98-12-34", &[(A, PLAIN)]),
    ("06/39/98/12/34", &[(A, PLAIN)]),
    ("06\u{a0}39\u{a0}98\u{a0}12\u{a0}34", &[(A, PLAIN)]),
    ("06\u{202f}39\u{202f}98\u{202f}12\u{202f}34", &[(A, PLAIN)]),
    ("06\t39\t98\t12\t34", &[(A, PLAIN)]),
    ("0639 98 12 34", &[(A, PLAIN)]),
    ("063 998 1234", &[(A, PLAIN)]),
    ("06 3998 1234", &[(A, PLAIN)]),
    ("06 - 39 - 98 - 12 - 34", &[(A, PLAIN)]),
    ("(06) 39 98 12 34", &[(A, PLAIN)]),
    ("Tél : 06 39 98 12 34.", &[(A, PLAIN)]),
    ("tel:0639981234", &[(A, PLAIN)]),
    ("Appelle-moi au 06.39.98.12.34 après 18h", &[(A, PLAIN)]),
    ("06.39.98.12.34 - 20 ans", &[(A, PLAIN)]),
    ("Lola, 23 ans, 06 39 98 12 34\n", &[(A, PLAIN)]),
    ("01 99 00 12 34", &[("+33199001234", PLAIN)]),
    ("04 65 71 23 45", &[("+33465712345", PLAIN)]),
    ("05 36 49 56 78", &[("+33536495678", PLAIN)]),
    ("03 53 01 11 22", &[("+33353011122", PLAIN)]),
    ("02 61 91 33 44", &[("+33261913344", PLAIN)]),
    ("09 75 08 00 11", &[("+33975080011", PLAIN)]),
    // ── +33, 0033, +33 (0) ─────────────────────────────────────────────
    ("+33 6 39 98 12 34", &[(A, PLAIN)]),
    ("+33639981234", &[(A, PLAIN)]),
    ("+33 (0)6 39 98 12 34", &[(A, PLAIN)]),
    ("+33(0)639981234", &[(A, PLAIN)]),
    ("+33 (0) 6 39 98 12 34", &[(A, PLAIN)]),
    ("0033 6 39 98 12 34", &[(A, PLAIN)]),
    ("0033639981234", &[(A, PLAIN)]),
    ("0033 (0)6 39 98 12 34", &[(A, PLAIN)]),
    ("+33.6.39.98.12.34", &[(A, PLAIN)]),
    ("+33 1 99 00 12 34", &[("+33199001234", PLAIN)]),
    ("(+33) 6 39 98 12 34", &[(A, PLAIN)]),
    ("+ 33 6 39 98 12 34", &[(A, PLAIN)]),
    ("Infos + 06 39 98 12 34", &[(A, PLAIN)]),
    ("dispo 7j/7 +06 39 98 12 34", &[(A, PLAIN)]),
    // ── Unusual separators: obscured ───────────────────────────────────
    ("06*39*98*12*34", &[(A, OBSCURED)]),
    ("06_39_98_12_34", &[(A, OBSCURED)]),
    ("06,39,98,12,34", &[(A, OBSCURED)]),
    ("06 * 39 * 98 * 12 * 34", &[(A, OBSCURED)]),
    ("06·39·98·12·34", &[(A, OBSCURED)]),
    ("06|39|98|12|34", &[(A, OBSCURED)]),
    ("06\u{200b}39\u{200b}98\u{200b}12\u{200b}34", &[(A, OBSCURED)]),
    ("0639\u{200b}981234", &[(A, OBSCURED)]),
    // ── Digits one by one: obscured ────────────────────────────────────
    ("0 6 3 9 9 8 1 2 3 4", &[(A, OBSCURED)]),
    ("0.6.3.9.9.8.1.2.3.4", &[(A, OBSCURED)]),
    ("0-6-3-9-9-8-1-2-3-4", &[(A, OBSCURED)]),
    // ── Look-alike letters: O/o for 0, l/I for 1 ───────────────────────
    ("O6 39 98 12 34", &[(A, OBSCURED)]),
    ("o6.39.98.l2.34", &[(A, OBSCURED)]),
    ("06 39 98 I2 34", &[(A, OBSCURED)]),
    ("O639981234", &[(A, OBSCURED)]),
    ("O6-39-98-12-34", &[(A, OBSCURED)]),
    ("06 39 98 1O 34", &[("+33639981034", OBSCURED)]),
    ("06 39 98 12 3l", &[("+33639981231", OBSCURED)]),
    // ── Keycap emoji ───────────────────────────────────────────────────
    ("0️⃣6️⃣3️⃣9️⃣9️⃣8️⃣1️⃣2️⃣3️⃣4️⃣", &[(A, OBSCURED)]),
    ("0️⃣6️⃣ 3️⃣9️⃣ 9️⃣8️⃣ 1️⃣2️⃣ 3️⃣4️⃣", &[(A, OBSCURED)]),
    (
        "0\u{20e3}6\u{20e3}3\u{20e3}9\u{20e3}9\u{20e3}8\u{20e3}1\u{20e3}2\u{20e3}3\u{20e3}4\u{20e3}",
        &[(A, OBSCURED)],
    ),
    ("0️⃣6️⃣ 39 98 12 34", &[(A, OBSCURED)]),
    ("06399812 3️⃣4️⃣", &[(A, OBSCURED)]),
    ("063998123️⃣4️⃣", &[(A, OBSCURED)]),
    // ── Full-width digits ──────────────────────────────────────────────
    ("０６ ３９ ９８ １２ ３４", &[(A, OBSCURED)]),
    ("０６３９９８１２３４", &[(A, OBSCURED)]),
    ("＋３３ ６ ３９ ９８ １２ ３４", &[(A, OBSCURED)]),
    ("06 39 98 １２ ３４", &[(A, OBSCURED)]),
    // ── French words ───────────────────────────────────────────────────
    ("zéro six trente-neuf quatre-vingt-dix-huit douze trente-quatre", &[(A, OBSCURED)]),
    ("ZÉRO SIX TRENTE-NEUF QUATRE-VINGT-DIX-HUIT DOUZE TRENTE-QUATRE", &[(A, OBSCURED)]),
    ("zero six, trente neuf, quatre vingt dix huit, douze, trente quatre", &[(A, OBSCURED)]),
    ("zéro-six-trente-neuf-quatre-vingt-dix-huit-douze-trente-quatre", &[(A, OBSCURED)]),
    ("zéro six trois neuf neuf huit un deux trois quatre", &[(A, OBSCURED)]),
    ("zéro six trente-neuf quatre-vingt-dix-huit soixante et onze quatre-vingts", &[("+33639987180", OBSCURED)]),
    ("zéro six trente-neuf quatre-vingt-dix-huit soixante-et-onze vingt et un", &[("+33639987121", OBSCURED)]),
    ("zéro six trente-neuf nonante-huit septante-deux huitante", &[("+33639987280", OBSCURED)]),
    ("zéro six trente neuf nonante huit septante et un quatorze", &[("+33639987114", OBSCURED)]),
    ("zéro six trente-neuf quatre-vingt-dix-huit vingt et un dix", &[("+33639982110", OBSCURED)]),
    ("zéro un quatre-vingt-dix-neuf zéro zéro douze trente-quatre", &[("+33199001234", OBSCURED)]),
    ("zéro six trente-neuf quatre-vingt-dix-huit cinquante-six soixante-dix-sept", &[("+33639985677", OBSCURED)]),
    ("zéro six trente-neuf quatre-vingt-dix-huit quatre-vingt-un octante-deux", &[("+33639988182", OBSCURED)]),
    ("zéro six trente-neuf quatre-vingt-dix-huit onze seize", &[("+33639981116", OBSCURED)]),
    ("zéro six trente-neuf quatre-vingt-dix-huit soixante-dix soixante", &[("+33639987060", OBSCURED)]),
    ("zéro six trente-neuf quatre-vingt-dix-huit quatre-vingts douze", &[("+33639988012", OBSCURED)]),
    ("zéro six trente-neuf quatre-vingt-dix-huit dix-sept dix-neuf", &[("+33639981719", OBSCURED)]),
    ("zéro quatre soixante-cinq soixante et onze vingt-trois quarante-cinq", &[("+33465712345", OBSCURED)]),
    // ── Digits and words mixed ─────────────────────────────────────────
    ("06 trente-neuf 98 douze 34", &[(A, OBSCURED)]),
    ("zéro 6 39 98 12 34", &[(A, OBSCURED)]),
    ("0 six 39 98 12 34", &[(A, OBSCURED)]),
    ("06 39 quatre-vingt-dix-huit 12 34", &[(A, OBSCURED)]),
    ("zéro six 39.98.12.34", &[(A, OBSCURED)]),
    ("O6 trente-neuf 9️⃣8️⃣ １２ 34", &[(A, OBSCURED)]),
    // ── Several phones: distinct numbers once each, in order ───────────
    ("06 39 98 12 34 ou 06 39 98 56 78", &[(A, PLAIN), (B, PLAIN)]),
    ("06 39 98 12 34 / 06 39 98 56 78", &[(A, PLAIN), (B, PLAIN)]),
    ("06 39 98 12 34, 06 39 98 56 78", &[(A, PLAIN), (B, PLAIN)]),
    ("06 39 98 12 34 06 39 98 56 78", &[(A, PLAIN), (B, PLAIN)]),
    ("0639981234 0465712345", &[(A, PLAIN), ("+33465712345", PLAIN)]),
    ("06 39 98 12 34\n\n01 99 00 12 34", &[(A, PLAIN), ("+33199001234", PLAIN)]),
    ("Tél 06 39 98 12 34 ou 06.39.98.12.34, rappel 0639981234", &[(A, PLAIN)]),
    (
        "06 39 98 56 78 ou zéro six trente-neuf quatre-vingt-dix-huit douze trente-quatre",
        &[(B, PLAIN), (A, OBSCURED)],
    ),
    // A number written twice is listed at its first writing.
    ("O6 39 98 12 34, sinon 06 39 98 12 34", &[(A, OBSCURED)]),
    ("06 39 98 12 34, sinon O6 39 98 12 34", &[(A, PLAIN)]),
    ("+33 6 39 98 12 34 et +41 21 234 56 78", &[(A, PLAIN), ("+41212345678", PLAIN)]),
    ("+41 21 234 56 78 06 39 98 12 34", &[("+41212345678", PLAIN), (A, PLAIN)]),
    ("+41 78 123 45 67 ou 06 39 98 56 78", &[("+41781234567", PLAIN), (B, PLAIN)]),
    // ── Other countries (libphonenumber example numbers) ───────────────
    ("+41 21 234 56 78", &[("+41212345678", PLAIN)]),
    ("+41 78 123 45 67", &[("+41781234567", PLAIN)]),
    ("0041 78 123 45 67", &[("+41781234567", PLAIN)]),
    ("+32 450 00 12 34", &[("+32450001234", PLAIN)]),
    ("0032 450 00 12 34", &[("+32450001234", PLAIN)]),
    ("+32 12 34 56 78", &[("+3212345678", PLAIN)]),
    ("+44 7400 123456", &[("+447400123456", PLAIN)]),
    ("+44 121 234 5678", &[("+441212345678", PLAIN)]),
    ("+1 201-555-0123", &[("+12015550123", PLAIN)]),
    ("+1 (506) 234-5678", &[("+15062345678", PLAIN)]),
    ("+49 30 123456", &[("+4930123456", PLAIN)]),
    ("+49 151 23456789", &[("+4915123456789", PLAIN)]),
    ("+34 612 34 56 78", &[("+34612345678", PLAIN)]),
    ("+39 312 345 6789", &[("+393123456789", PLAIN)]),
    ("+352 628 123 456", &[("+352628123456", PLAIN)]),
    ("+212 650-123456", &[("+212650123456", PLAIN)]),
    ("+377 6 12 34 56 78", &[("+377612345678", PLAIN)]),
    ("+351 912 345 678", &[("+351912345678", PLAIN)]),
    ("+31 6 12345678", &[("+31612345678", PLAIN)]),
    ("+4l 78 l23 45 67", &[("+41781234567", OBSCURED)]),
    ("+41 78 123 45 67 😘", &[("+41781234567", PLAIN)]),
    ("Tel: +33 6 39 98 12 34 / +33 6 39 98 56 78", &[(A, PLAIN), (B, PLAIN)]),
    ("06.39.98.12.34.06.39.98.56.78", &[(A, PLAIN), (B, PLAIN)]),
    // A date just before a phone is not part of it.
    ("dispo le 12/05 06 39 98 12 34", &[(A, PLAIN)]),
    ("dispo le 12.05 06 39 98 12 34", &[(A, PLAIN)]),
    ("dispo le 12/05/2025 06 39 98 12 34", &[(A, PLAIN)]),
    // ── Not phones ─────────────────────────────────────────────────────
    ("", &[]),
    ("150 000 km", &[]),
    ("2 500 €", &[]),
    ("année 2012", &[]),
    ("Clio 2012, 150 000 km, 2 500 €", &[]),
    ("45 m², 850 €/mois", &[]),
    ("SIRET 812 345 678 00021", &[]),
    ("812 345 678 00021", &[]),
    ("né le 06/03/1998", &[]),
    ("du 06/03/2024 au 12/05/2024", &[]),
    ("06.03.2024 - 12.05.2024", &[]),
    ("06/03/2024 12:30", &[]),
    ("annonce n°1234567890", &[]),
    ("ref 98765432101", &[]),
    ("063998123", &[]),
    ("639981234", &[]),
    ("06 39 98 12", &[]),
    ("06", &[]),
    ("disponible dans le 06", &[]),
    ("+41 12 345 67 89", &[]),
    ("+1 123 456 7890", &[]),
    ("+999 123 456 789", &[]),
    ("+44 12345", &[]),
    ("+33 6 39 98 12", &[]),
    ("75011 Paris", &[]),
    ("06000 Nice", &[]),
    ("Nice 06000, 13008 Marseille", &[]),
    ("un six et deux", &[]),
    ("J'ai six amis et un chat, neuf ans et deux mois.", &[]),
    ("un deux trois quatre cinq six sept huit neuf dix", &[]),
    ("zéro six", &[]),
    ("IBAN FR76 3000 6000 0112 3456 7890 189", &[]),
    ("de 10h à 22h, 150 € la demi-heure", &[]),
    ("0000000000", &[]),
    ("1234567890", &[]),
    ("tarifs 100 200 300", &[]),
    ("12 roses 35 €, 24 roses 60 €", &[]),
    ("Oooh lol", &[]),
];

fn show_phones(found: &[FoundPhone]) -> Vec<(String, bool)> {
    found
        .iter()
        .map(|p| (p.number.clone(), p.obscured))
        .collect()
}

#[test]
fn phone_table() {
    let mut failures = Vec::new();
    for &(text, expected) in PHONES {
        let found = extract_phones(text);
        let got = show_phones(&found);
        let want: Vec<(String, bool)> = expected.iter().map(|&(n, o)| (n.to_string(), o)).collect();
        if got != want {
            failures.push(format!(
                "  {text:?}\n      want {want:?}\n      got  {got:?}"
            ));
        }
        for p in &found {
            assert!(
                p.start < p.end
                    && p.end <= text.len()
                    && text.is_char_boundary(p.start)
                    && text.is_char_boundary(p.end),
                "{text:?}: bad span {p:?}"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} phone rows fail:\n{}",
        failures.len(),
        PHONES.len(),
        failures.join("\n")
    );
}

#[test]
fn phone_table_is_big_enough() {
    let negatives = PHONES.iter().filter(|(_, e)| e.is_empty()).count();
    assert!(PHONES.len() >= 110, "{} phone rows", PHONES.len());
    assert!(negatives >= 30, "{negatives} negative phone rows");
}

/// The span of a phone is exactly what the author wrote for it.
#[test]
fn phone_spans() {
    let rows: &[(&str, &str)] = &[
        ("Appelle 06 39 98 12 34 !", "06 39 98 12 34"),
        ("tel:0639981234.", "0639981234"),
        ("(+33) 6 39 98 12 34", "+33) 6 39 98 12 34"),
        ("+33 (0)6 39 98 12 34", "+33 (0)6 39 98 12 34"),
        ("mon 0️⃣6️⃣3️⃣9️⃣9️⃣8️⃣1️⃣2️⃣3️⃣4️⃣ ok", "0️⃣6️⃣3️⃣9️⃣9️⃣8️⃣1️⃣2️⃣3️⃣4️⃣"),
        (
            "→ zéro six trente-neuf quatre-vingt-dix-huit douze trente-quatre, merci",
            "zéro six trente-neuf quatre-vingt-dix-huit douze trente-quatre",
        ),
        ("num ０６ ３９ ９８ １２ ３４ !", "０６ ３９ ９８ １２ ３４"),
        ("un 06 39 98 12 34", "06 39 98 12 34"),
    ];
    let mut failures = Vec::new();
    for &(text, span) in rows {
        let found = extract_phones(text);
        let got: Vec<&str> = found.iter().map(|p| &text[p.start..p.end]).collect();
        if got != [span] {
            failures.push(format!("  {text:?}: want {span:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "phone spans:\n{}", failures.join("\n"));
}

/// `parse_phone` (a record's `phone` field): one phone or nothing.
#[test]
fn parse_phone_field() {
    let p = parse_phone("06 39 98 12 34").unwrap();
    assert_eq!((p.number.as_str(), p.obscured), (A, false));
    let p = parse_phone("zéro six trente-neuf quatre-vingt-dix-huit douze trente-quatre").unwrap();
    assert_eq!((p.number.as_str(), p.obscured), (A, true));
    let p = parse_phone("+41 21 234 56 78").unwrap();
    assert_eq!(p.number, "+41212345678");
    assert_eq!(
        parse_phone("06 39 98 12 34 / 06 39 98 56 78"),
        None,
        "two phones"
    );
    assert_eq!(
        parse_phone("0639981234 0639981234").unwrap().number,
        A,
        "the same twice"
    );
    assert_eq!(parse_phone("pas de numéro"), None);
    assert_eq!(parse_phone("+41 12 345 67 89"), None);
}

// ─────────────────────────────────────────────────────────────────────────
// Prices
// ─────────────────────────────────────────────────────────────────────────

const H: f64 = 3600.0;
const HALF: f64 = 1800.0;
const MONTH: f64 = 30.0 * 86_400.0;

/// An expected price.
#[derive(Debug, Clone, Copy, PartialEq)]
struct P {
    amount: f64,
    currency: &'static str,
    coded: bool,
    per: Option<f64>,
    per_hour: Option<f64>,
}

/// Euros, no duration.
const fn eur(amount: f64) -> P {
    P {
        amount,
        currency: "EUR",
        coded: false,
        per: None,
        per_hour: None,
    }
}

/// Another currency, no duration.
const fn money(amount: f64, currency: &'static str) -> P {
    P {
        amount,
        currency,
        coded: false,
        per: None,
        per_hour: None,
    }
}

/// A rate in euros: `amount` for `per` seconds, `per_hour` an hour.
const fn rate(amount: f64, per: f64, per_hour: f64) -> P {
    P {
        amount,
        currency: "EUR",
        coded: false,
        per: Some(per),
        per_hour: Some(per_hour),
    }
}

/// A rate in a code word (roses, cadeaux, donations).
const fn coded(amount: f64, per: f64, per_hour: f64) -> P {
    P {
        amount,
        currency: "EUR",
        coded: true,
        per: Some(per),
        per_hour: Some(per_hour),
    }
}

type PriceRow = (&'static str, &'static [P]);

const PRICES: &[PriceRow] = &[
    // ── Per hour, after the amount ─────────────────────────────────────
    ("150/h", &[rate(150.0, H, 150.0)]),
    ("150 €/h", &[rate(150.0, H, 150.0)]),
    ("150€/h", &[rate(150.0, H, 150.0)]),
    ("150 € / h", &[rate(150.0, H, 150.0)]),
    ("150 € de l'heure", &[rate(150.0, H, 150.0)]),
    ("150 € de l’heure", &[rate(150.0, H, 150.0)]),
    ("150 de l'heure", &[rate(150.0, H, 150.0)]),
    ("150 l'heure", &[rate(150.0, H, 150.0)]),
    ("150 euros de l'heure", &[rate(150.0, H, 150.0)]),
    ("150 € par heure", &[rate(150.0, H, 150.0)]),
    ("12 € de l'heure", &[rate(12.0, H, 12.0)]),
    ("150e/h", &[rate(150.0, H, 150.0)]),
    // ── Half an hour, a quarter ────────────────────────────────────────
    ("100 la demi-heure", &[rate(100.0, HALF, 200.0)]),
    ("100 la demi heure", &[rate(100.0, HALF, 200.0)]),
    ("100 € la ½ heure", &[rate(100.0, HALF, 200.0)]),
    ("la demi heure 100", &[rate(100.0, HALF, 200.0)]),
    ("la demi-heure : 100 €", &[rate(100.0, HALF, 200.0)]),
    ("50 € le quart d'heure", &[rate(50.0, 900.0, 200.0)]),
    // ── Duration first ─────────────────────────────────────────────────
    ("1h 200", &[rate(200.0, H, 200.0)]),
    ("1 h 200", &[rate(200.0, H, 200.0)]),
    ("1h=200", &[rate(200.0, H, 200.0)]),
    ("1h = 200 €", &[rate(200.0, H, 200.0)]),
    ("1h : 200€", &[rate(200.0, H, 200.0)]),
    ("1 heure 200", &[rate(200.0, H, 200.0)]),
    ("une heure 200 €", &[rate(200.0, H, 200.0)]),
    ("30min=80", &[rate(80.0, HALF, 160.0)]),
    ("30 min 80", &[rate(80.0, HALF, 160.0)]),
    ("30 min = 80 €", &[rate(80.0, HALF, 160.0)]),
    ("20 min 60", &[rate(60.0, 1200.0, 180.0)]),
    ("20mn 60", &[rate(60.0, 1200.0, 180.0)]),
    ("45 minutes 120", &[rate(120.0, 2700.0, 160.0)]),
    ("1h30 200", &[rate(200.0, 5400.0, 200.0 / 1.5)]),
    ("2h 350", &[rate(350.0, 7200.0, 175.0)]),
    ("Massage 1h : 150 €", &[rate(150.0, H, 150.0)]),
    ("massage de 1h 150€", &[rate(150.0, H, 150.0)]),
    // ── Duration after with a connecting word ──────────────────────────
    ("200 € pour 1h", &[rate(200.0, H, 200.0)]),
    ("80 les 30 min", &[rate(80.0, HALF, 160.0)]),
    // ── Several rates in one ad ────────────────────────────────────────
    (
        "30min 80, 1h 150",
        &[rate(80.0, HALF, 160.0), rate(150.0, H, 150.0)],
    ),
    (
        "20 min 60 / 30 min 80 / 1h 150",
        &[
            rate(60.0, 1200.0, 180.0),
            rate(80.0, HALF, 160.0),
            rate(150.0, H, 150.0),
        ],
    ),
    (
        "Tarifs : 30 min 80 € / 1 h 150 € / 2 h 250 €",
        &[
            rate(80.0, HALF, 160.0),
            rate(150.0, H, 150.0),
            rate(250.0, 7200.0, 125.0),
        ],
    ),
    (
        "1h 150€ 2h 250€",
        &[rate(150.0, H, 150.0), rate(250.0, 7200.0, 125.0)],
    ),
    (
        "150 l'heure, 80 la demi-heure",
        &[rate(150.0, H, 150.0), rate(80.0, HALF, 160.0)],
    ),
    (
        "l'heure 150, la demi-heure 80",
        &[rate(150.0, H, 150.0), rate(80.0, HALF, 160.0)],
    ),
    (
        "80 pour 30min, 150 pour 1h",
        &[rate(80.0, HALF, 160.0), rate(150.0, H, 150.0)],
    ),
    // ── Code words ─────────────────────────────────────────────────────
    ("150 roses/h", &[coded(150.0, H, 150.0)]),
    ("150 roses l'heure", &[coded(150.0, H, 150.0)]),
    ("1h 150 roses", &[coded(150.0, H, 150.0)]),
    ("150🌹/h", &[coded(150.0, H, 150.0)]),
    ("1h 200 🌹", &[coded(200.0, H, 200.0)]),
    ("cadeau 200 pour l'heure", &[coded(200.0, H, 200.0)]),
    ("250 les cadeaux pour 1h", &[coded(250.0, H, 250.0)]),
    ("200 donations/h", &[coded(200.0, H, 200.0)]),
    ("donation 100 la demi-heure", &[coded(100.0, HALF, 200.0)]),
    (
        "30min 100 roses, 1h 180 roses",
        &[coded(100.0, HALF, 200.0), coded(180.0, H, 180.0)],
    ),
    (
        "100 roses 30 min, 180 roses 1h",
        &[coded(100.0, HALF, 200.0), coded(180.0, H, 180.0)],
    ),
    // ── Amounts without a duration ─────────────────────────────────────
    ("2 500 €", &[eur(2500.0)]),
    ("2 500 € à débattre", &[eur(2500.0)]),
    ("1 500,50 €", &[eur(1500.5)]),
    ("12,50 €", &[eur(12.5)]),
    ("12.50 €", &[eur(12.5)]),
    ("2.500 €", &[eur(2500.0)]),
    ("150e", &[eur(150.0)]),
    ("150 EUR", &[eur(150.0)]),
    ("150 euros", &[eur(150.0)]),
    ("€150", &[eur(150.0)]),
    ("$100", &[money(100.0, "USD")]),
    ("100$", &[money(100.0, "USD")]),
    ("£80", &[money(80.0, "GBP")]),
    ("200 CHF", &[money(200.0, "CHF")]),
    ("rdv 18h30, 150 €", &[eur(150.0)]),
    ("150 € 06 39 98 12 34", &[eur(150.0)]),
    ("la nuit 800 €", &[eur(800.0)]),
    ("100 dollars", &[money(100.0, "USD")]),
    ("20e arrondissement, 150 €", &[eur(150.0)]),
    // ── Other periods ──────────────────────────────────────────────────
    (
        "100 $/h",
        &[P {
            amount: 100.0,
            currency: "USD",
            coded: false,
            per: Some(H),
            per_hour: Some(100.0),
        }],
    ),
    ("850 €/mois", &[rate(850.0, MONTH, 850.0 / 720.0)]),
    ("850 € par mois", &[rate(850.0, MONTH, 850.0 / 720.0)]),
    (
        "1 000 €/semaine",
        &[rate(1000.0, 7.0 * 86_400.0, 1000.0 / 168.0)],
    ),
    // ── Times of day and travel times are not what a price buys ────────
    (
        "de 10h à 2h, 150 € la demi-heure",
        &[rate(150.0, HALF, 300.0)],
    ),
    ("dispo de 22h à 6h, 1h 200", &[rate(200.0, H, 200.0)]),
    ("1h 150 06 39 98 12 34", &[rate(150.0, H, 150.0)]),
    // ── No price at all ────────────────────────────────────────────────
    ("", &[]),
    ("150", &[]),
    ("2 500", &[]),
    ("150 000 km", &[]),
    ("45 m²", &[]),
    ("45m2", &[]),
    ("année 2012", &[]),
    ("Clio 2012", &[]),
    ("bouquet de 12 roses", &[]),
    ("150 roses", &[]),
    ("10 cadeaux à gagner", &[]),
    ("06 39 98 12 34", &[]),
    ("+33 6 39 98 12 34", &[]),
    ("3 pièces", &[]),
    ("18h30", &[]),
    ("de 10h à 2h", &[]),
    ("2 places", &[]),
    ("-20 %", &[]),
    ("-20%", &[]),
    ("1h30 de route", &[]),
    ("à 1h de Paris", &[]),
    ("25 ans", &[]),
    ("1m70, 55 kg", &[]),
    ("4 personnes", &[]),
    ("90 ch", &[]),
    ("12/05/2024", &[]),
    ("2e étage", &[]),
    ("livraison en 1h", &[]),
];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * b.abs().max(1.0)
}

fn matches(found: &FoundPrice, want: &P) -> bool {
    close(found.amount, want.amount)
        && found.currency.code() == want.currency
        && found.coded == want.coded
        && match (found.per, want.per) {
            (Some(a), Some(b)) => close(a, b),
            (None, None) => true,
            _ => false,
        }
        && match (found.per_hour(), want.per_hour) {
            (Some(a), Some(b)) => close(a, b),
            (None, None) => true,
            _ => false,
        }
}

fn show_prices(found: &[FoundPrice]) -> Vec<String> {
    found
        .iter()
        .map(|p| {
            format!(
                "{} {}{}{}",
                p.amount,
                p.currency.code(),
                if p.coded { " coded" } else { "" },
                p.per.map(|s| format!(" per {s}s")).unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn price_table() {
    let mut failures = Vec::new();
    for &(text, expected) in PRICES {
        let found = extract_prices(text);
        let ok =
            found.len() == expected.len() && found.iter().zip(expected).all(|(f, w)| matches(f, w));
        if !ok {
            failures.push(format!(
                "  {text:?}\n      want {expected:?}\n      got  {:?}",
                show_prices(&found)
            ));
        }
        for p in &found {
            assert!(
                p.start < p.end
                    && p.end <= text.len()
                    && text.is_char_boundary(p.start)
                    && text.is_char_boundary(p.end),
                "{text:?}: bad span {p:?}"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} price rows fail:\n{}",
        failures.len(),
        PRICES.len(),
        failures.join("\n")
    );
}

#[test]
fn price_table_is_big_enough() {
    let negatives = PRICES.iter().filter(|(_, e)| e.is_empty()).count();
    assert!(PRICES.len() >= 70, "{} price rows", PRICES.len());
    assert!(negatives >= 20, "{negatives} negative price rows");
}

/// The span of a price covers the amount, its currency and its duration.
#[test]
fn price_spans() {
    let rows: &[(&str, &[&str])] = &[
        ("Tarif 1h 200 roses ok", &["1h 200 roses"]),
        ("Massage : 150 € de l'heure.", &["150 € de l'heure"]),
        ("la demi heure 100, merci", &["la demi heure 100"]),
        ("30min=80 et 1h=150", &["30min=80", "1h=150"]),
        ("prix 150e", &["150e"]),
        ("prix １５０ｅ !", &["１５０ｅ"]),
        ("2 500 € à débattre", &["2 500 €"]),
        ("cadeau 200 pour l'heure", &["cadeau 200 pour l'heure"]),
    ];
    let mut failures = Vec::new();
    for &(text, spans) in rows {
        let found = extract_prices(text);
        let got: Vec<&str> = found
            .iter()
            .map(|p| {
                text.get(p.start..p.end)
                    .unwrap_or("<not on char boundaries>")
            })
            .collect();
        if got != spans {
            failures.push(format!("  {text:?}: want {spans:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "price spans:\n{}", failures.join("\n"));
}

/// The promise: no look-alike — a car's mileage, a flat's surface, a
/// florist's roses — becomes a price per hour. Each ad gets exactly the
/// prices it states, and none of them buys a duration shorter than a day.
#[test]
fn look_alikes_never_become_rates() {
    let ads: &[(&str, &[P])] = &[
        ("Clio 2012, 150 000 km, 2 500 €", &[eur(2500.0)]),
        (
            "Renault Clio IV 1.5 dCi 90 ch, année 2012, 150 000 km, CT ok, 2 500 € à débattre. Tél 06 39 98 12 34",
            &[eur(2500.0)],
        ),
        ("Peugeot 208 de 2019, 1h de route de Lyon, 98 000 km, 8 900 €", &[eur(8900.0)]),
        ("45 m², 850 €/mois", &[rate(850.0, MONTH, 850.0 / 720.0)]),
        (
            "Appartement T2, 3 pièces, 45 m², 2e étage, 850 € par mois charges comprises, à 1h de Paris",
            &[rate(850.0, MONTH, 850.0 / 720.0)],
        ),
        ("bouquet de 12 roses 35 €, 24 roses 60 €", &[eur(35.0), eur(60.0)]),
        ("Roses rouges 2 € la tige, 12 roses 20 €", &[eur(2.0), eur(20.0)]),
        (
            "Fleuriste ouvert de 9h à 19h : bouquet de 12 roses 35 €, livraison en 1h 10 €",
            &[eur(35.0), eur(10.0)],
        ),
    ];
    let mut failures = Vec::new();
    for &(text, expected) in ads {
        let found = extract_prices(text);
        let hourly: Vec<&FoundPrice> = found
            .iter()
            .filter(|p| p.per.is_some_and(|s| s < 86_400.0))
            .collect();
        let ok =
            found.len() == expected.len() && found.iter().zip(expected).all(|(f, w)| matches(f, w));
        if !ok || !hourly.is_empty() {
            failures.push(format!(
                "  {text:?}\n      want {expected:?}\n      got  {:?}",
                show_prices(&found)
            ));
        }
    }
    assert!(failures.is_empty(), "look-alikes:\n{}", failures.join("\n"));
}
