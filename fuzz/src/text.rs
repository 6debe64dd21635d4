//! Arbitrary UTF-8 as ad text: folding with every profile combination
//! (map length, character boundaries, `original_range`, idempotence), the
//! phone and price extractors, the fingerprint and the tokenizer.

use vigie::text::fingerprint::fingerprint;
use vigie::text::tokens::tokenize;
use vigie::text::{extract_phones, extract_prices, fold_into, fold_str, FoldProfile, Folded};

/// The five profiles; any subset of them may be tried.
const BITS: [FoldProfile; 5] = [
    FoldProfile::CASE,
    FoldProfile::ACCENTS,
    FoldProfile::LEET,
    FoldProfile::SPACING,
    FoldProfile::EMOJI,
];

fn profile(mask: u8) -> FoldProfile {
    BITS.iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .fold(FoldProfile::NONE, |p, (_, &b)| p.union(b))
}

/// The profile subsets tried on one input: none, all, and two chosen by a
/// hash of the input. Trying all 32 on every input made the target run 50
/// inputs a second; with four, coverage feedback still reaches every
/// combination (a mutated input picks other ones) at about eight times
/// the speed.
fn masks(data: &[u8]) -> [u8; 4] {
    // FNV-1a: deterministic, so a crashing input replays the same masks.
    let h = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    [0, 31, (h % 32) as u8, ((h >> 8) % 32) as u8]
}

/// The target: one input, as ad text (ignored when not UTF-8).
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    // Tokens cover the text exactly, in order.
    let tokens = tokenize(text);
    let mut at = 0;
    for t in &tokens {
        assert_eq!(t.start, at, "tokens leave a gap or overlap: {tokens:?}");
        assert!(t.end > t.start, "empty token {t:?}");
        crate::assert_within(text, t.start, t.end, "token");
        at = t.end;
    }
    assert_eq!(at, text.len(), "tokens do not reach the end");

    let mut folded = Folded::default();
    let mut again = Folded::default();
    for mask in masks(data) {
        let p = profile(mask);
        fold_into(text, p, &mut folded);
        assert_eq!(
            folded.map.len(),
            folded.text.len(),
            "profile {:?}: map length != folded length",
            p.names()
        );
        let mut previous = 0;
        for &m in &folded.map {
            let m = m as usize;
            assert!(
                m < text.len() && text.is_char_boundary(m),
                "profile {:?}: map entry {m} is not a character of the original",
                p.names()
            );
            assert!(m >= previous, "profile {:?}: map goes backwards", p.names());
            previous = m;
        }
        // Every folded range of up to 4 characters, and the whole text,
        // maps back to a non-empty span of whole characters.
        let bounds: Vec<usize> = folded
            .text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(folded.text.len()))
            .collect();
        for (k, &s) in bounds.iter().enumerate() {
            for &e in bounds.iter().skip(k + 1).take(4) {
                let (os, oe) = folded.original_range(text, s, e);
                crate::assert_within(text, os, oe, "original_range");
                assert!(os < oe, "original_range of {s}..{e} is empty");
            }
        }
        if !folded.text.is_empty() {
            let (os, oe) = folded.original_range(text, 0, folded.text.len());
            crate::assert_within(text, os, oe, "original_range of the whole text");
        }
        // Folding is idempotent: as the matcher folds (fold_into, untrimmed)
        // and as lexicon terms are folded (fold_str, trimmed).
        fold_into(&folded.text, p, &mut again);
        assert_eq!(
            again.text,
            folded.text,
            "profile {:?}: folding is not idempotent (fold_into)",
            p.names()
        );
        let once = fold_str(text, p);
        assert_eq!(
            fold_str(&once, p),
            once,
            "profile {:?}: folding is not idempotent (fold_str)",
            p.names()
        );
    }

    for phone in extract_phones(text) {
        crate::assert_within(text, phone.start, phone.end, "phone");
        assert!(phone.start < phone.end, "empty phone span {phone:?}");
        assert!(
            phone.number.starts_with('+')
                && phone.number.len() > 1
                && phone.number[1..].bytes().all(|b| b.is_ascii_digit()),
            "phone number {:?} is not E.164",
            phone.number
        );
    }
    for price in extract_prices(text) {
        crate::assert_within(text, price.start, price.end, "price");
        assert!(price.start < price.end, "empty price span {price:?}");
        assert!(!price.amount.is_nan(), "price amount is NaN: {price:?}");
        if let Some(h) = price.per_hour() {
            assert!(!h.is_nan(), "price per hour is NaN: {price:?}");
        }
    }

    assert_eq!(
        fingerprint(text),
        fingerprint(text),
        "fingerprint is not deterministic"
    );
}
