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

use super::{fold_str, FoldProfile};

pub const BANDS: usize = 20;
pub const ROWS: usize = 4;

/// The band values of a text, or `None` when it has no word.
pub fn fingerprint(text: &str) -> Option<[u64; BANDS]> {
    let folded = fold_str(text, FoldProfile::DEFAULT);
    let words: Vec<u64> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| fnv1a(w.as_bytes()))
        .collect();
    if words.is_empty() {
        return None;
    }
    let shingles: Vec<u64> = if words.len() == 1 {
        words
    } else {
        words
            .windows(2)
            .map(|pair| mix(pair[0] ^ pair[1].rotate_left(29)))
            .collect()
    };
    let mut minima = [u64::MAX; BANDS * ROWS];
    for &s in &shingles {
        for (k, min) in minima.iter_mut().enumerate() {
            let h = mix(s ^ SEEDS[k]);
            if h < *min {
                *min = h;
            }
        }
    }
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

/// Bands two texts must share to match.
pub const MIN_SHARED_BANDS: usize = 2;

/// Whether two fingerprints match (at least [`MIN_SHARED_BANDS`] equal).
pub fn matches(a: &[u64; BANDS], b: &[u64; BANDS]) -> bool {
    a.iter().zip(b).filter(|(x, y)| x == y).count() >= MIN_SHARED_BANDS
}

/// splitmix64's finaliser: a fast, well-mixed 64-bit permutation.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
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

    #[test]
    fn near_duplicates_match_and_unrelated_texts_do_not() {
        let a = "Bonjour messieurs, petite nouvelle juste arrivée sur Lyon pour quelques jours. Je vous propose un moment de détente dans un cadre discret et propre, douche possible.";
        let b = "Bonjour messieurs, petite nouvelle juste arrivée sur Grenoble pour quelques jours. Je vous propose un moment de détente dans un cadre discret et calme, douche possible.";
        let c = "Vends canapé trois places en tissu gris, très bon état, housse lavable, à venir chercher sur place.";
        assert!(matches(a, b));
        assert!(!matches(a, c));
        assert_eq!(fingerprint("  "), None);
    }
}
