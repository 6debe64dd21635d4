//! `fingerprint(text)`: a near-duplicate key for ads reposted with small
//! edits (another first name, city or price).
//!
//! # How it works
//!
//! MinHash with LSH bands. The text is folded (case, accents) and cut into
//! words; its *shingles* are the pairs of consecutive words. For each of
//! `BANDS × ROWS` = 80 hash functions, the smallest hash over the shingles
//! is kept; the probability that two texts get the same minimum is their
//! Jaccard similarity `J` (shared shingles / all shingles). The 80 minima
//! are grouped into 20 bands of 4, and each band is hashed into one value.
//!
//! Two texts *match* when at least two of their bands are equal. With
//! `p = J^4` the chance that one band is equal, that happens with
//! probability `1 - (1-p)^20 - 20·p·(1-p)^19`:
//!
//! | J (shingles shared) | 0.1 | 0.2 | 0.3 | 0.4 | 0.5 | 0.6 | 0.7 | 0.8 |
//! |---|---|---|---|---|---|---|---|---|
//! | P(match) | 0.0002 % | 0.05 % | 1.2 % | 8.5 % | 35 % | 76 % | 97 % | ≈100 % |
//!
//! Changing one word of a text changes at most two shingles, so a 30-word
//! ad with three words changed keeps J ≈ 0.65 and matches with ≈ 88 %;
//! unrelated ads share few word pairs (J < 0.1) and almost never match.
//! Two bands rather than one keep the rate of chance matches low enough for
//! a window that holds tens of thousands of ads: at one band, a pair at
//! J = 0.2 matched 3 % of the time, so any ad found "near-duplicates" among
//! a week of ordinary ads. `tests/fingerprint.rs` measures both rates on
//! templated and unrelated ads.
//!
//! # Computing it cheaply
//!
//! The words are hashed as the text is read, without building its folded
//! copy: the default profile folds each character on its own, so ASCII is
//! lower-cased in place and only runs of other characters are folded (into
//! a reused buffer). "Moment d’ÉVASION" gives the words `moment`, `d`,
//! `evasion` (`’` and `ÉVASION` folded, the rest read as is), the same as
//! folding the whole text first. A shingle written twice (an ad repeating
//! its title in its body) is hashed once: the minima are over a set.
//!
//! The 80 hash functions stay 80 independent hashes of each shingle.
//! Deriving them from two hashes (`h1 + k·h2`) would be about four times
//! cheaper, but changes which ads match: on the 5 MB benchmark corpus,
//! 1,274 of 10,892 verdicts moved (`gabarit` and `republication` fired on
//! other ads, 18 ads changed `flagged`), so it is not done.

use super::{fold_into, FoldProfile, Folded};

pub const BANDS: usize = 20;
pub const ROWS: usize = 4;

/// The band values of a text, or `None` when it has no word.
pub fn fingerprint(text: &str) -> Option<[u64; BANDS]> {
    let words = word_hashes(text);
    if words.is_empty() {
        return None;
    }
    let mut shingles: Vec<u64> = if words.len() == 1 {
        words
    } else {
        words
            .windows(2)
            .map(|pair| mix(pair[0] ^ pair[1].rotate_left(29)))
            .collect()
    };
    // A minimum over a set: a shingle written twice (ads repeat their
    // phrases, title and body) is hashed once.
    shingles.sort_unstable();
    shingles.dedup();
    let minima = minima(&shingles);
    let mut bands = [0u64; BANDS];
    for (b, band) in bands.iter_mut().enumerate() {
        let mut h = 0xcbf2_9ce4_8422_2325u64 ^ b as u64;
        for r in 0..ROWS {
            h = mix(h ^ minima[b * ROWS + r]);
        }
        *band = h;
    }
    Some(bands)
}

/// The minimum of each of the 80 hash functions over the shingles: most
/// of a fingerprint's time (80 hashes of each shingle, about 5,000 for an
/// ad). Compiled for AVX-512 too, where the CPU has it: eight hashes at
/// once (64-bit multiplies in vectors need AVX-512DQ). The same integer
/// arithmetic either way, so the same fingerprints (tested).
// Only AVX-512: without vector 64-bit multiplies (AVX2), the compiler
// emulates them, and that version was never measured against the plain one.
#[multiversion::multiversion(targets("x86_64+avx512f+avx512dq+avx512vl"))]
fn minima(shingles: &[u64]) -> [u64; BANDS * ROWS] {
    let mut minima = [u64::MAX; BANDS * ROWS];
    for &s in shingles {
        for (min, seed) in minima.iter_mut().zip(&SEEDS) {
            *min = (*min).min(mix(s ^ seed));
        }
    }
    minima
}

/// The FNV-1a hash of each word of the text folded with the default profile
/// (case, accents), words being runs of alphanumeric characters.
///
/// Without building the folded text: the default profile folds each
/// character on its own, so an ASCII character is its lower case (white
/// space and punctuation end a word), and only runs of other characters go
/// through [`fold_into`] (a reused buffer). The words, and so the hashes,
/// are those of `fold_str(text)` split at non-alphanumeric characters.
fn word_hashes(text: &str) -> Vec<u64> {
    const START: u64 = 0xcbf2_9ce4_8422_2325;
    let mut words = Vec::with_capacity(text.len() / 5 + 1);
    let mut folded = Folded::default();
    let mut h = START;
    let mut in_word = false;
    let mut end_word = |h: &mut u64, in_word: &mut bool| {
        if *in_word {
            words.push(*h);
        }
        *h = START;
        *in_word = false;
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if b.is_ascii_alphanumeric() {
                h = fnv_step(h, b.to_ascii_lowercase());
                in_word = true;
            } else {
                end_word(&mut h, &mut in_word);
            }
            i += 1;
            continue;
        }
        // A run of non-ASCII characters (its bytes are all >= 0x80, so it
        // ends on a character boundary).
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii() {
            i += 1;
        }
        fold_into(&text[start..i], FoldProfile::DEFAULT, &mut folded);
        for c in folded.text.chars() {
            if c.is_alphanumeric() {
                let mut buf = [0u8; 4];
                for &b in c.encode_utf8(&mut buf).as_bytes() {
                    h = fnv_step(h, b);
                }
                in_word = true;
            } else {
                end_word(&mut h, &mut in_word);
            }
        }
    }
    end_word(&mut h, &mut in_word);
    words
}

/// Bands two texts must share to match.
pub const MIN_SHARED_BANDS: usize = 2;

/// Whether two fingerprints match (at least [`MIN_SHARED_BANDS`] equal).
pub fn matches(a: &[u64; BANDS], b: &[u64; BANDS]) -> bool {
    a.iter().zip(b).filter(|(x, y)| x == y).count() >= MIN_SHARED_BANDS
}

/// splitmix64's finaliser: a fast, well-mixed 64-bit permutation.
#[inline(always)]
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn fnv_step(h: u64, b: u8) -> u64 {
    (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
}

/// One seed per hash function, fixed so that fingerprints are stable
/// across runs and versions.
const SEEDS: [u64; BANDS * ROWS] = {
    let mut seeds = [0u64; BANDS * ROWS];
    let mut state = 0x5eed_0f0f_7161_e000u64;
    let mut i = 0;
    while i < BANDS * ROWS {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        seeds[i] = z ^ (z >> 31);
        i += 1;
    }
    seeds
};

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(a: &str, b: &str) -> bool {
        super::matches(&fingerprint(a).unwrap(), &fingerprint(b).unwrap())
    }

    /// The words as `fold_str` then a split would give them.
    fn reference_words(text: &str) -> Vec<u64> {
        crate::text::fold_str(text, FoldProfile::DEFAULT)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| w.bytes().fold(0xcbf2_9ce4_8422_2325, fnv_step))
            .collect()
    }

    #[test]
    fn words_are_those_of_the_folded_text() {
        for text in [
            "",
            "  ",
            "Moment d’ÉVASION, douche possible !",
            "ＭＡＳＳＡＧＥ ０６ 39 ﬁn œuvre Straße İstanbul",
            "e\u{301}te\u{301} a\u{200b}b c\u{a0}d 🌹150€/h 6️⃣ ½ ①②",
            "ÀÉÎÕÜ àéîõü Ææ Øø Łł ß ǅ ﬀ ™ ℡ ㏠ x²",
        ] {
            assert_eq!(word_hashes(text), reference_words(text), "{text:?}");
        }
        // Every character between two ASCII letters.
        for c in (0x80u32..0x3_0000).filter_map(char::from_u32) {
            let text = format!("a{c}b {c}{c}");
            assert_eq!(word_hashes(&text), reference_words(&text), "{c:?}");
        }
    }

    #[test]
    fn near_duplicates_match_and_unrelated_texts_do_not() {
        let a = "Bonjour messieurs, petite nouvelle juste arrivée sur Lyon pour quelques jours. Je vous propose un moment de détente dans un cadre discret et propre, douche possible.";
        let b = "Bonjour messieurs, petite nouvelle juste arrivée sur Grenoble pour quelques jours. Je vous propose un moment de détente dans un cadre discret et calme, douche possible.";
        let c = "Vends canapé trois places en tissu gris, très bon état, housse lavable, à venir chercher sur place.";
        assert!(matches(a, b));
        assert!(!matches(a, c));
        assert_eq!(fingerprint("  "), None);
    }

    /// Whichever version `minima` runs on this CPU (AVX-512 or the plain
    /// one), it gives what one hash at a time gives: fingerprints do not
    /// depend on the machine.
    #[test]
    fn minima_are_those_of_one_hash_at_a_time() {
        use proptest::prelude::*;
        proptest!(|(shingles in proptest::collection::vec(any::<u64>(), 0..200))| {
            let mut want = [u64::MAX; BANDS * ROWS];
            for &s in &shingles {
                for (min, seed) in want.iter_mut().zip(&SEEDS) {
                    *min = (*min).min(mix(s ^ seed));
                }
            }
            prop_assert_eq!(minima(&shingles), want);
        });
    }
}
