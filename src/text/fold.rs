//! Folding: rewriting text so that differences an analyst does not care
//! about disappear, while remembering where each byte came from.
//!
//! # How it works
//!
//! Lexicon terms and ad text are folded by the same function, then matched
//! byte for byte. For the text "Moment d’Évasion", with the default profile
//! (`case`, `accents`):
//!
//! ```text
//! original  M o m e n t ␠ d ’   É   v a s i o n
//! offsets   0 1 2 3 4 5 6 7 8   11  13 ...
//! folded    m o m e n t ␠ d '   e   v a s i o n
//! map       0 1 2 3 4 5 6 7 8   11  13 ...
//! ```
//!
//! `map[i]` is the offset in the original of the character that produced
//! folded byte `i`. A hit on folded bytes `s..e` is reported as original
//! bytes `map[s] .. end of the character at map[e-1]`, so evidence is always
//! a span of what the author wrote, on character boundaries.
//!
//! Whatever the profile, three things are always done, because no analyst
//! wants them to matter: typographic apostrophes become `'`, every run of
//! white space (including the no-break spaces of French typography) becomes
//! one space, and zero-width characters disappear.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Which differences folding removes. A small bit set: one automaton is
/// built per distinct profile used in a pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FoldProfile(u8);

impl FoldProfile {
    pub const NONE: FoldProfile = FoldProfile(0);
    pub const CASE: FoldProfile = FoldProfile(1);
    pub const ACCENTS: FoldProfile = FoldProfile(2);
    /// What a lexicon gets when it does not say `fold(...)`, and what
    /// non-`raw` patterns see.
    pub const DEFAULT: FoldProfile = FoldProfile(1 | 2);

    /// The profile names the language accepts in `fold(...)`.
    pub const NAMES: &'static [&'static str] = &["case", "accents"];

    pub fn from_name(name: &str) -> Option<FoldProfile> {
        match name {
            "case" => Some(FoldProfile::CASE),
            "accents" => Some(FoldProfile::ACCENTS),
            _ => None,
        }
    }

    pub fn union(self, other: FoldProfile) -> FoldProfile {
        FoldProfile(self.0 | other.0)
    }

    pub fn contains(self, other: FoldProfile) -> bool {
        self.0 & other.0 == other.0
    }

    /// The names of the profiles in this set, in the canonical order.
    pub fn names(self) -> Vec<&'static str> {
        FoldProfile::NAMES
            .iter()
            .copied()
            .filter(|n| FoldProfile::from_name(n).is_some_and(|p| self.contains(p)))
            .collect()
    }
}

/// Folded text and its map back to the original.
#[derive(Debug, Clone, Default)]
pub struct Folded {
    pub text: String,
    /// `map[i]`: offset in the original of the character that produced
    /// byte `i` of `text`.
    pub map: Vec<u32>,
}

impl Folded {
    pub fn clear(&mut self) {
        self.text.clear();
        self.map.clear();
    }

    /// The original byte range of folded range `start..end` (non-empty).
    pub fn original_range(&self, original: &str, start: usize, end: usize) -> (usize, usize) {
        let s = self.map[start] as usize;
        let last = self.map[end - 1] as usize;
        let last_len = original[last..].chars().next().map_or(0, char::len_utf8);
        (s, last + last_len)
    }
}

/// Folds `original` with `profile` into `out` (cleared first).
pub fn fold_into(original: &str, profile: FoldProfile, out: &mut Folded) {
    out.clear();
    out.text.reserve(original.len());
    out.map.reserve(original.len());
    let case = profile.contains(FoldProfile::CASE);
    let accents = profile.contains(FoldProfile::ACCENTS);
    let mut last_space = false;
    for (offset, c) in original.char_indices() {
        let at = offset as u32;
        if c.is_ascii() {
            if c.is_ascii_whitespace() {
                if !last_space {
                    out.text.push(' ');
                    out.map.push(at);
                    last_space = true;
                }
                continue;
            }
            last_space = false;
            out.text.push(if case { c.to_ascii_lowercase() } else { c });
            out.map.push(at);
            continue;
        }
        if c.is_whitespace() {
            if !last_space {
                out.text.push(' ');
                out.map.push(at);
                last_space = true;
            }
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        last_space = false;
        if is_apostrophe(c) {
            out.text.push('\'');
            out.map.push(at);
            continue;
        }
        let push = |ch: char, out: &mut Folded| {
            out.text.push(ch);
            for _ in 0..ch.len_utf8() {
                out.map.push(at);
            }
        };
        let fold_one = |ch: char, out: &mut Folded| {
            if accents {
                if let Some(s) = latin_special(ch) {
                    for b in s.chars() {
                        push(b, out);
                    }
                    return;
                }
                let mut decomposed = false;
                decompose_canonical(ch, |d| {
                    if !is_combining_mark(d) {
                        push(d, out);
                    }
                    decomposed = true;
                });
                if !decomposed {
                    push(ch, out);
                }
            } else {
                push(ch, out);
            }
        };
        if case {
            for lower in c.to_lowercase() {
                fold_one(lower, out);
            }
        } else {
            fold_one(c, out);
        }
    }
}

/// Folds a lexicon term or a small text, returning the folded string.
pub fn fold_str(text: &str, profile: FoldProfile) -> String {
    let mut out = Folded::default();
    fold_into(text, profile, &mut out);
    out.text.trim().to_string()
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' | '\u{00B4}'
    )
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// Letters that carry a mark but do not decompose in Unicode.
fn latin_special(c: char) -> Option<&'static str> {
    Some(match c {
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        'ø' => "o",
        'đ' => "d",
        'ł' => "l",
        'ħ' => "h",
        'ı' => "i",
        'þ' => "th",
        'ð' => "d",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(s: &str) -> String {
        let mut f = Folded::default();
        fold_into(s, FoldProfile::DEFAULT, &mut f);
        assert_eq!(f.text.len(), f.map.len());
        f.text
    }

    #[test]
    fn folds_case_accents_apostrophes_and_spaces() {
        assert_eq!(fold("Moment d’Évasion"), "moment d'evasion");
        assert_eq!(fold("CŒUR  à\u{00A0}prendre"), "coeur a prendre");
        assert_eq!(fold("dou\u{200B}che"), "douche");
    }

    #[test]
    fn maps_back_to_original_spans() {
        let original = "Très ÉLÉGANTE";
        let mut f = Folded::default();
        fold_into(original, FoldProfile::DEFAULT, &mut f);
        let start = f.text.find("elegante").unwrap();
        let (s, e) = f.original_range(original, start, start + "elegante".len());
        assert_eq!(&original[s..e], "ÉLÉGANTE");
    }

    #[test]
    fn case_only_keeps_accents() {
        let mut f = Folded::default();
        fold_into("ÉTÉ", FoldProfile::CASE, &mut f);
        assert_eq!(f.text, "été");
    }
}
