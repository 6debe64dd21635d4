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
//! bytes `map[s] .. end of the character at map[e-1]` (and of the marks
//! that follow it), so evidence is always a span of what the author wrote,
//! on character boundaries.
//!
//! Whatever the profile, four things are always done, because no analyst
//! wants them to matter: typographic apostrophes become `'`, every run of
//! white space (including the no-break spaces of French typography) becomes
//! one space, zero-width characters disappear, and compatibility forms are
//! unified (NFKC: full-width `ＭＡＳＳＡＧＥ ０６` is `MASSAGE 06`).
//!
//! Folding runs in two stages: characters first (the above, `case`,
//! `accents`, keycaps), then, for `leet`, `spacing` and `emoji`, tokens of
//! the first stage's output. Folding is idempotent: folding folded text
//! changes nothing (`tests/properties.rs` checks it for every profile).

use super::emoji::emoji_word;
use super::tokens::{tokenize_into, Token, TokenKind};
use std::sync::OnceLock;
use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// Which differences folding removes. A small bit set: one automaton is
/// built per distinct profile used in a pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FoldProfile(u8);

impl FoldProfile {
    pub const NONE: FoldProfile = FoldProfile(0);
    /// Upper and lower case.
    pub const CASE: FoldProfile = FoldProfile(1);
    /// Diacritics, on every Latin letter ("é" = "e", "œ" = "oe").
    pub const ACCENTS: FoldProfile = FoldProfile(2);
    /// Look-alike digits and symbols inside words that have letters:
    /// 0→o, 1/l/!/|→i, 3→e, 4/@→a, $/5→s, 7→t ("M4ss4ge" = "massage").
    pub const LEET: FoldProfile = FoldProfile(4);
    /// Letters written one by one with a separator: "m.a.s.s.a.g.e",
    /// "m a s s a g e", "d-o-u-c-h-e" (three letters or more). Two spaces
    /// or more separate words ("d o u c h e  p o s s i b l e"); between
    /// two letters left alone they stay two, so that folding again does
    /// not join them.
    pub const SPACING: FoldProfile = FoldProfile(8);
    /// Emoji that stand for words (🌹 → rose, with a space on each side;
    /// see `emoji.rs`), keycap digits (6️⃣ → 6: U+FE0F and U+20E3 go).
    pub const EMOJI: FoldProfile = FoldProfile(16);
    /// What a lexicon gets when it does not say `fold(...)`, and what
    /// non-`raw` patterns see.
    pub const DEFAULT: FoldProfile = FoldProfile(1 | 2);

    /// The profile names the language accepts in `fold(...)`, in canonical
    /// order.
    pub const NAMES: &'static [&'static str] = &["case", "accents", "leet", "spacing", "emoji"];

    pub fn from_name(name: &str) -> Option<FoldProfile> {
        match name {
            "case" => Some(FoldProfile::CASE),
            "accents" => Some(FoldProfile::ACCENTS),
            "leet" => Some(FoldProfile::LEET),
            "spacing" => Some(FoldProfile::SPACING),
            "emoji" => Some(FoldProfile::EMOJI),
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

    /// Profiles that need to see words and emoji, not only characters.
    fn needs_tokens(self) -> bool {
        self.0 & (FoldProfile::LEET.0 | FoldProfile::SPACING.0 | FoldProfile::EMOJI.0) != 0
    }
}

/// Folded text and its map back to the original.
#[derive(Debug, Clone, Default)]
pub struct Folded {
    pub text: String,
    /// `map[i]`: offset in the original of the character that produced
    /// byte `i` of `text`. Filled by [`fold_into`]; empty after
    /// [`fold_into_sparse`], which keeps [`runs`](Self::origin) instead.
    pub map: Vec<u32>,
    /// The sparse form of the map: `(folded, original)` pairs, one where
    /// `map` stops counting up by one. Folded byte `i` comes from
    /// `original + (i - folded)` of the last pair with `folded <= i`.
    runs: Vec<(u32, u32)>,
    /// Scratch space for the token stage.
    scratch: Scratch,
}

#[derive(Debug, Clone, Default)]
struct Scratch {
    /// The character stage's output, when a token stage follows.
    text: String,
    map: Vec<u32>,
    buffers: Buffers,
}

#[derive(Debug, Clone, Default)]
struct Buffers {
    tokens: Vec<Token>,
    /// Separators that `spacing` drops.
    drop: Vec<bool>,
    /// Spaces that were two or more in the original.
    wide: Vec<bool>,
}

impl Folded {
    pub fn clear(&mut self) {
        self.text.clear();
        self.map.clear();
        self.runs.clear();
    }

    /// Offset in the original of the character that produced folded byte
    /// `i` (`map[i]`, whichever form the map has).
    pub fn origin(&self, i: usize) -> usize {
        // A fold fills one form and leaves the other empty; a sparse fold
        // of a non-empty text has at least one pair, at folded offset 0
        // (so `k >= 1` below).
        if self.runs.is_empty() {
            return self.map[i] as usize;
        }
        let k = self.runs.partition_point(|&(f, _)| f as usize <= i);
        let (f, o) = self.runs[k - 1];
        o as usize + (i - f as usize)
    }

    /// The original byte range of folded range `start..end` (non-empty).
    /// The range is widened over the marks that follow its last character
    /// in the original (accents folded away, the `U+FE0F U+20E3` of a
    /// keycap), so evidence underlines whole characters as the reader sees
    /// them.
    pub fn original_range(&self, original: &str, start: usize, end: usize) -> (usize, usize) {
        let s = self.origin(start);
        let last = self.origin(end - 1);
        let mut e = last + original[last..].chars().next().map_or(0, char::len_utf8);
        for c in original[e..].chars() {
            if !is_combining_mark(c) {
                break;
            }
            e += c.len_utf8();
        }
        (s, e)
    }
}

/// The map being written: [`Dense`] (one entry per folded byte) or
/// [`Sparse`] (one entry where the offsets stop counting up by one).
trait MapOut {
    /// Folded bytes `f..f + len` all come from the character at `at`.
    fn char_bytes(&mut self, f: usize, at: u32, len: usize);
    /// Folded bytes `f..f + len` come from `at..at + len`, byte for byte.
    fn run(&mut self, f: usize, at: u32, len: usize);
}

struct Dense<'a>(&'a mut Vec<u32>);

impl MapOut for Dense<'_> {
    fn char_bytes(&mut self, _: usize, at: u32, len: usize) {
        for _ in 0..len {
            self.0.push(at);
        }
    }
    fn run(&mut self, _: usize, at: u32, len: usize) {
        self.0.extend(at..at + len as u32);
    }
}

struct Sparse<'a>(&'a mut Vec<(u32, u32)>);

impl Sparse<'_> {
    /// Folded byte `f` comes from `at`: a new pair unless the last pair
    /// already says so.
    fn point(&mut self, f: usize, at: u32) {
        let f = f as u32;
        if self.0.last().is_none_or(|&(lf, lo)| lo + (f - lf) != at) {
            self.0.push((f, at));
        }
    }
}

impl MapOut for Sparse<'_> {
    fn char_bytes(&mut self, f: usize, at: u32, len: usize) {
        for k in 0..len {
            self.point(f + k, at);
        }
    }
    fn run(&mut self, f: usize, at: u32, _: usize) {
        self.point(f, at);
    }
}

/// Where folded characters go: a text and its map.
///
/// The text is a `String` written a character or a slice of the original
/// at a time, so it is valid UTF-8 by construction: no validation pass at
/// the end (it was about 3 % of a `lex1000` scan, perf).
struct Sink<'a, M> {
    text: &'a mut String,
    map: M,
}

impl<M: MapOut> Sink<'_, M> {
    fn push(&mut self, c: char, at: u32) {
        let f = self.text.len();
        self.text.push(c);
        self.map.char_bytes(f, at, c.len_utf8());
    }

    /// One ASCII byte (a letter or a digit, as [`latin1_letters`] gives)
    /// that comes from the character at `at`.
    fn letter(&mut self, b: u8, at: u32) {
        let f = self.text.len();
        self.text.push(char::from(b));
        self.map.char_bytes(f, at, 1);
    }

    /// ASCII letters and digits that all come from the character at `at`
    /// (what [`emit`](Self::emit) would push one by one).
    fn letters(&mut self, s: &str, at: u32) {
        let f = self.text.len();
        self.text.push_str(s);
        self.map.char_bytes(f, at, s.len());
    }

    /// One space, never two in a row.
    fn space(&mut self, at: u32) {
        if !self.text.ends_with(' ') {
            let f = self.text.len();
            self.text.push(' ');
            self.map.char_bytes(f, at, 1);
        }
    }

    /// Copies the run of ASCII bytes that fold to themselves which starts
    /// at `start` (an ASCII byte that is not white space; see
    /// [`ascii_run_end`] for where it ends) and returns its end. The run is
    /// one slice of the original, copied as it is: [`fold_chars`]
    /// lower-cases the whole text at the end, in one pass.
    fn ascii_run(&mut self, original: &str, start: usize) -> usize {
        let f = self.text.len();
        let end = ascii_run_end(original.as_bytes(), start + 1);
        // The run is ASCII and stops before an ASCII byte or the first
        // byte of a character: both ends are character boundaries.
        self.text.push_str(&original[start..end]);
        self.map.run(f, start as u32, end - start);
        end
    }

    /// What every stage emits: white space becomes one space, invisible
    /// characters vanish, apostrophes become `'`.
    fn emit(&mut self, c: char, at: u32) {
        if c.is_whitespace() {
            self.space(at);
        } else if is_apostrophe(c) {
            self.push('\'', at);
        } else if !is_invisible(c) {
            self.push(c, at);
        }
    }
}

/// Folds `original` with `profile` into `out` (cleared first).
///
/// Two stages. The *character* stage does what needs no context: white
/// space, invisible characters, apostrophes, NFKC, `case`, `accents` (and,
/// with `emoji`, keycaps to digits). When `leet`, `spacing` or `emoji` are
/// on, the *token* stage then tokenizes that output and works on words and
/// emoji. Because the token stage sees text the character stage already
/// normalised, it cuts the same tokens when it is given its own output:
/// folding is idempotent.
pub fn fold_into(original: &str, profile: FoldProfile, out: &mut Folded) {
    out.clear();
    out.map.reserve(original.len());
    let Folded {
        text, map, scratch, ..
    } = out;
    fold_with(original, profile, text, Dense(map), scratch);
}

/// Like [`fold_into`], with the map in its sparse form: what the matcher
/// uses, since it maps back only the few ranges that hit. On text that is
/// mostly ASCII the map is a handful of pairs instead of four bytes per
/// byte; [`Folded::origin`] and [`Folded::original_range`] read either
/// form, [`Folded::map`] stays empty.
pub fn fold_into_sparse(original: &str, profile: FoldProfile, out: &mut Folded) {
    out.clear();
    let Folded {
        text,
        runs,
        scratch,
        ..
    } = out;
    fold_with(original, profile, text, Sparse(runs), scratch);
}

fn fold_with<M: MapOut>(
    original: &str,
    profile: FoldProfile,
    text: &mut String,
    map: M,
    scratch: &mut Scratch,
) {
    // The strings are cleared, not replaced, so their capacity is reused
    // from one fold to the next.
    text.clear();
    if !profile.needs_tokens() {
        text.reserve(original.len());
        fold_chars(original, profile, &mut Sink { text, map });
        return;
    }
    scratch.text.clear();
    scratch.map.clear();
    let mut stage = Sink {
        text: &mut scratch.text,
        map: Dense(&mut scratch.map),
    };
    fold_chars(original, profile, &mut stage);
    text.reserve(scratch.text.len());
    fold_tokens(
        original,
        &scratch.text,
        &scratch.map,
        profile,
        &mut scratch.buffers,
        &mut Sink { text, map },
    );
}

/// ASCII white space as `char::is_whitespace` sees it (tab, line feed,
/// vertical tab, form feed, carriage return, space).
fn ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// The character stage.
///
/// Ad text is mostly ASCII, where folding is at most lower-casing: runs of
/// ASCII bytes that fold to themselves (anything but white space, and
/// single spaces after it) are copied in one go, with one map entry for
/// the run, and lower-cased with the rest of the text at the end; other
/// white space and other characters go one at a time through
/// [`fold_char`], which gives the same result on an ASCII character as the
/// run does.
fn fold_chars<M: MapOut>(original: &str, profile: FoldProfile, out: &mut Sink<M>) {
    // With `emoji`, a keycap (`6️⃣`: digit, U+FE0F, U+20E3) is its digit:
    // the two marks go, wherever they are (so no mark left over can make a
    // new keycap when the output is folded again).
    let keycaps = profile.contains(FoldProfile::EMOJI);
    let case = profile.contains(FoldProfile::CASE);
    let accents = profile.contains(FoldProfile::ACCENTS);
    let bytes = original.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() && !ascii_space(b) {
            // A run goes on over single spaces (they fold to themselves,
            // since the byte before is not a space), so it usually covers
            // whole phrases.
            i = out.ascii_run(original, i);
            continue;
        }
        // Accented letters of Latin-1 (`é`, `à`, `Ç`: two bytes, 0xC3 and
        // one more) are most of what is not ASCII in French ads; with case
        // and accents folded, most are one ASCII letter, read from a table
        // without decoding the character (what `fold_char` gives: tested).
        if b == 0xC3 && case && accents {
            let next = bytes.get(i + 1);
            if let Some(letter) = next.and_then(|&n| latin1_letters()[usize::from(n & 0x3f)]) {
                out.letter(letter, i as u32);
                i += 2;
                continue;
            }
        }
        // `i` is on a character boundary: runs stop only before a
        // character's first byte.
        let Some(c) = original[i..].chars().next() else {
            break;
        };
        if !(keycaps && matches!(c, '\u{fe0f}' | '\u{20e3}')) {
            fold_char(c, i as u32, profile, out);
        }
        i += c.len_utf8();
    }
    // The runs were copied as they are. Every other character is already
    // folded, and with `case` nothing folds to an ASCII capital (folding
    // again would change it), so this touches the runs' capitals only.
    if case {
        out.text.make_ascii_lowercase();
    }
}

/// Where the run of ASCII bytes that fold to themselves, which goes on at
/// `i` (`i >= 1`), ends: at the first byte that is not ASCII, is white
/// space other than a space, or is a space after a space.
///
/// Eight bytes at a time (ad text is mostly such runs, and this loop was
/// most of the fold's time), with [`run_stops`]; its test compares it
/// with the byte-by-byte rule. (Thirty-two bytes at a time, written for
/// the compiler to vectorise, measured slower: without `std::simd` it
/// builds the stop mask byte by byte.)
fn ascii_run_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some((w, before)) = words_at(bytes, i) {
        let stop = run_stops(w, before);
        if stop != 0 {
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    scalar_run_end(bytes, i)
}

/// Word-wide (SWAR) masks: one bit per byte of a `u64`, the high bit of
/// each byte, the low seven.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The eight bytes at `i` and the eight at `i - 1` (`i >= 1`), as
/// little-endian words, if there are eight bytes left.
fn words_at(bytes: &[u8], i: usize) -> Option<(u64, u64)> {
    let w = bytes.get(i..i + 8)?;
    let before = bytes.get(i - 1..i + 7)?;
    let word = |b: &[u8]| {
        let mut a = [0; 8];
        a.copy_from_slice(b);
        u64::from_le_bytes(a)
    };
    Some((word(w), word(before)))
}

/// The bytes of `w` that stop a run (its high bit set in each), `before`
/// being the word one byte earlier. Each test sets the high bit of the
/// bytes it matches, exactly, in ASCII bytes; the lowest set bit is the
/// first byte that stops the run. Control characters below `0x20` all
/// stop it (the white space among them must): the others then start a run
/// of their own in [`fold_chars`], which folds them to themselves.
fn run_stops(w: u64, before: u64) -> u64 {
    let spaces = |w: u64| {
        let x = w ^ (ONES * b' ' as u64);
        !(((x & LOW7) + LOW7) | x) & HIGH
    };
    let not_ascii = w & HIGH;
    // Bytes below 0x20 do not keep the high bit that `| HIGH` set once
    // 0x20 is subtracted; bytes that are not ASCII are already stops,
    // whatever this says of them.
    let control = !((w | HIGH) - ONES * 0x20) & HIGH;
    not_ascii | control | (spaces(w) & spaces(before))
}

/// [`ascii_run_end`] one byte at a time.
fn scalar_run_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        let c = bytes[i];
        if !c.is_ascii() || (ascii_space(c) && (c != b' ' || bytes[i - 1] == b' ')) {
            break;
        }
        i += 1;
    }
    i
}

/// Folds one character (what every profile does to characters alone).
fn fold_char<M: MapOut>(c: char, at: u32, profile: FoldProfile, out: &mut Sink<M>) {
    let case = profile.contains(FoldProfile::CASE);
    if c.is_ascii() {
        if c.is_whitespace() {
            out.space(at);
        } else {
            out.push(if case { c.to_ascii_lowercase() } else { c }, at);
        }
        return;
    }
    if keeps_itself(c) {
        out.push(c, at);
        return;
    }
    fold_other(c, at, profile, out);
}

/// Characters frequent in ads that the character stage keeps as they are
/// under every profile: the euro sign (more than half of what is neither
/// ASCII nor a Latin letter in the generated corpus), dingbats and emoji.
/// They skip the searches of [`fold_other`] (case tables, compatibility
/// decomposition), which give the same (tested on every one of them).
fn keeps_itself(c: char) -> bool {
    matches!(c, '€' | '\u{2700}'..='\u{27BF}' | '\u{1F300}'..='\u{1FAFF}')
}

/// [`fold_char`] on a character that is neither ASCII nor one that
/// [`keeps_itself`].
fn fold_other<M: MapOut>(c: char, at: u32, profile: FoldProfile, out: &mut Sink<M>) {
    let case = profile.contains(FoldProfile::CASE);
    let accents = profile.contains(FoldProfile::ACCENTS);
    // Latin letters, most of what is not ASCII in French ads: a table,
    // looked up first (the table's range holds no white space, invisible
    // character or apostrophe: tested). Most entries are plain letters,
    // copied as they are.
    if case && accents {
        if let Some(folded) = latin_table(c) {
            if folded.letters {
                out.letters(&folded.text, at);
            } else {
                for ch in folded.text.chars() {
                    out.emit(ch, at);
                }
            }
            return;
        }
    }
    if c.is_whitespace() {
        out.space(at);
        return;
    }
    if is_invisible(c) {
        return;
    }
    if is_apostrophe(c) {
        out.push('\'', at);
        return;
    }
    let mut lowered = [c; 3];
    let mut count = 1;
    // Nothing from U+1F000 on (emoji, the most frequent characters here
    // after Latin letters) has a lower case: skip the table search.
    if case && u32::from(c) < NO_CASE_FROM {
        count = 0;
        for l in c.to_lowercase() {
            lowered[count] = l;
            count += 1;
        }
    }
    for &ch in &lowered[..count] {
        if accents {
            if let Some(s) = latin_special(ch) {
                s.chars().for_each(|b| out.emit(b, at));
                continue;
            }
            // Compatibility decomposition (full-width letters and digits,
            // ligatures) without the marks.
            decompose_compatible(ch, |d| {
                if !is_combining_mark(d) {
                    let d = if case { lower_one(d) } else { d };
                    match latin_special(d) {
                        Some(s) => s.chars().for_each(|b| out.emit(b, at)),
                        None => out.emit(d, at),
                    }
                }
            });
        } else {
            // NFKC keeps accents but still unifies compatibility forms.
            for d in std::iter::once(ch).nfkc() {
                let d = if case { lower_one(d) } else { d };
                out.emit(d, at);
            }
        }
    }
}

/// No character from here on changes with `to_lowercase` (tested).
const NO_CASE_FROM: u32 = 0x1F000;

fn lower_one(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// The token stage: leet, spacing and emoji need to see words. `text` is
/// the character stage's output and `map` its map to `original`.
fn fold_tokens<M: MapOut>(
    original: &str,
    text: &str,
    map: &[u32],
    profile: FoldProfile,
    scratch: &mut Buffers,
    out: &mut Sink<M>,
) {
    let Buffers { tokens, drop, wide } = scratch;
    tokenize_into(text, tokens);
    drop.clear();
    drop.resize(tokens.len(), false);
    let spacing = profile.contains(FoldProfile::SPACING);
    // Under `spacing`, whether each space was two or more in the original
    // (the character stage made it one).
    wide.clear();
    if spacing {
        wide.extend(tokens.iter().map(|t| {
            t.kind == TokenKind::Space && {
                let mut ws = original[map[t.start] as usize..].chars();
                ws.next().is_some_and(char::is_whitespace)
                    && ws.next().is_some_and(char::is_whitespace)
            }
        }));
        mark_spaced_letters(text, tokens, wide, drop);
    }
    // A letter left alone (not joined into a word).
    let lone = |i: usize| {
        single_letter(text, &tokens[i])
            && !(i > 0 && drop[i - 1])
            && !drop.get(i + 1).copied().unwrap_or(false)
    };
    let leet = profile.contains(FoldProfile::LEET);
    let emoji = profile.contains(FoldProfile::EMOJI);
    for (i, t) in tokens.iter().enumerate() {
        if drop[i] {
            continue;
        }
        let s = t.text(text);
        let at = map[t.start];
        match t.kind {
            TokenKind::Space => {
                out.space(at);
                // Between two lone letters, a wide space stays wide, so that
                // folding the output again does not join them.
                if spacing && wide[i] && i > 0 && i + 1 < tokens.len() && lone(i - 1) && lone(i + 1)
                {
                    out.push(' ', at);
                }
            }
            TokenKind::Word if leet && s.chars().any(char::is_alphabetic) => {
                for (o, c) in s.char_indices() {
                    out.push(leet_char(c), map[t.start + o]);
                }
            }
            TokenKind::Emoji if emoji => match emoji_word(s) {
                // A word of its own: spaces around it, so it never glues to
                // a neighbour (and is read the same when folded again).
                Some(word) => {
                    if !out.text.is_empty() {
                        out.space(at);
                    }
                    for c in word.chars() {
                        out.push(if leet { leet_char(c) } else { c }, at);
                    }
                    out.space(at);
                }
                None => {
                    for (o, c) in s.char_indices() {
                        out.push(c, map[t.start + o]);
                    }
                }
            },
            _ => {
                for (o, c) in s.char_indices() {
                    out.push(c, map[t.start + o]);
                }
            }
        }
    }
}

/// Marks the separators of runs of three or more single letters separated
/// by one space, dot, dash, star or underscore: "m.a.s.s.a.g.e".
///
/// Two spaces or more (in the original) separate words: "d o u c h e
/// p o s s i b l e" is "douche possible". `wide[i]` says whether space
/// token `i` was that wide.
fn mark_spaced_letters(text: &str, tokens: &[Token], wide: &[bool], drop: &mut [bool]) {
    let separator = |i: usize| {
        let t = &tokens[i];
        let s = t.text(text);
        match t.kind {
            TokenKind::Space => !wide[i],
            TokenKind::Other => matches!(s, "." | "-" | "*" | "_" | "·"),
            _ => false,
        }
    };
    let mut i = 0;
    while i < tokens.len() {
        if !single_letter(text, &tokens[i]) {
            i += 1;
            continue;
        }
        // Extend the run: letter (separator letter)*
        let mut j = i;
        while j + 2 < tokens.len() && separator(j + 1) && single_letter(text, &tokens[j + 2]) {
            j += 2;
        }
        let letters = (j - i) / 2 + 1;
        if letters >= 3 {
            for k in (i + 1..j).step_by(2) {
                drop[k] = true;
            }
        }
        i = j + 1;
    }
}

fn single_letter(text: &str, t: &Token) -> bool {
    t.kind == TokenKind::Word && {
        let mut chars = t.text(text).chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic())
    }
}

/// The look-alike of a character inside a word that has letters.
fn leet_char(c: char) -> char {
    match c {
        '0' => 'o',
        '1' | 'l' | '!' | '|' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '$' | '5' => 's',
        '7' => 't',
        other => other,
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

/// Zero-width characters, direction marks and controls, soft hyphens: the
/// same set as the tokenizer's `Invisible`.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
    )
}

/// Letters that carry a mark but do not decompose in Unicode.
fn latin_special(c: char) -> Option<&'static str> {
    Some(match c {
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        'ß' => "ss",
        'ø' | 'Ø' => "o",
        'đ' | 'Đ' => "d",
        'ł' | 'Ł' => "l",
        'ħ' | 'Ħ' => "h",
        'ı' => "i",
        'þ' | 'Þ' => "th",
        'ð' | 'Ð' => "d",
        _ => return None,
    })
}

/// Case-and-accent folding of U+00C0..U+024F (Latin-1 Supplement and
/// Latin Extended-A and -B), computed once.
fn latin_table(c: char) -> Option<&'static LatinFold> {
    const FIRST: u32 = 0xC0;
    const LAST: u32 = 0x24F;
    static TABLE: OnceLock<Vec<LatinFold>> = OnceLock::new();
    let code = c as u32;
    if !(FIRST..=LAST).contains(&code) {
        return None;
    }
    let table = TABLE.get_or_init(|| {
        (FIRST..=LAST)
            .map(|code| {
                let ch = char::from_u32(code).unwrap_or(' ');
                let mut s = String::new();
                for lower in ch.to_lowercase() {
                    if let Some(sp) = latin_special(lower) {
                        s.push_str(sp);
                        continue;
                    }
                    decompose_compatible(lower, |d| {
                        if !is_combining_mark(d) {
                            let d = lower_one(d);
                            match latin_special(d) {
                                Some(sp) => s.push_str(sp),
                                None => s.push(d),
                            }
                        }
                    });
                }
                LatinFold {
                    letters: s.bytes().all(|b| b.is_ascii_alphanumeric()),
                    text: s,
                }
            })
            .collect()
    });
    table.get((code - FIRST) as usize)
}

/// U+00C0..U+00FF (UTF-8 `0xC3`, then `0x80 | k`) folded with `case` and
/// `accents`, by `k`: the letter when the fold is one ASCII letter.
fn latin1_letters() -> &'static [Option<u8>; 64] {
    static TABLE: OnceLock<[Option<u8>; 64]> = OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|k| {
            let folded = char::from_u32(0xC0 + k as u32).and_then(latin_table)?;
            let letter = folded.text.as_bytes();
            (folded.letters && letter.len() == 1).then_some(letter[0])
        })
    })
}

/// A Latin letter folded with `case` and `accents`.
struct LatinFold {
    text: String,
    /// Only ASCII letters and digits: nothing for `Sink::emit` to do.
    letters: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `fold_char` looks the Latin table up before it looks for white
    /// space, invisible characters and apostrophes: none lies in the
    /// table's range.
    #[test]
    fn the_latin_table_holds_no_space_invisible_or_apostrophe() {
        for c in (0xC0..=0x24F).filter_map(char::from_u32) {
            assert!(
                !c.is_whitespace() && !is_invisible(c) && !is_apostrophe(c),
                "{c:?} (U+{:04X})",
                c as u32
            );
        }
    }

    proptest! {
        /// The eight-bytes-at-a-time run scan stops where the byte-by-byte
        /// rule does, wherever the run starts (texts of many words, stops
        /// anywhere in a word or on its edges).
        #[test]
        fn ascii_run_end_stops_where_bytes_one_by_one_do(
            text in "[a-zA-Z0-9 \t\r\n\x01\x1f\x7f\u{80}éÉ’\u{a0}]{1,140}"
        ) {
            let bytes = text.as_bytes();
            for i in 1..=bytes.len() {
                let mut j = i;
                while j < bytes.len() {
                    let c = bytes[j];
                    if !c.is_ascii() || (ascii_space(c) && (c != b' ' || bytes[j - 1] == b' ')) {
                        break;
                    }
                    j += 1;
                }
                let end = ascii_run_end(bytes, i);
                // Control characters stop the fast scan early (and start a
                // run of their own): never later than one by one.
                prop_assert!(
                    end == j || (end < j && bytes[end] < 0x20),
                    "stopped at {} instead of {} in {:?}", end, j, text
                );
            }
        }

        /// The run copy ends where the search does and appends exactly
        /// the run (and the map says so).
        #[test]
        fn ascii_run_copies_the_run(
            text in "[a-zA-Z0-9@\\[`{ \t\r\n\x01\x1f\x7féÉ’\u{a0}]{1,140}",
        ) {
            let bytes = text.as_bytes();
            for start in 0..bytes.len() {
                let b = bytes[start];
                if !b.is_ascii() || ascii_space(b) {
                    continue;
                }
                let (mut out, mut map) = ("x".to_string(), vec![0]);
                let mut sink = Sink { text: &mut out, map: Dense(&mut map) };
                let end = sink.ascii_run(&text, start);
                prop_assert_eq!(end, ascii_run_end(bytes, start + 1));
                prop_assert_eq!(&out[1..], &text[start..end]);
                let expected: Vec<u32> = (start..end).map(|o| o as u32).collect();
                prop_assert_eq!(&map[1..], &expected[..]);
            }
        }

    }

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

    fn fold_with(s: &str, names: &[&str]) -> String {
        let mut profile = FoldProfile::NONE;
        for n in names {
            profile = profile.union(FoldProfile::from_name(n).unwrap());
        }
        fold_str(s, profile)
    }

    #[test]
    fn leet_folds_words_with_letters_only() {
        let p = ["case", "accents", "leet"];
        assert_eq!(
            fold_with("M4ss4ge d0uche 1h 150", &p),
            "massage douche ih 150"
        );
        assert_eq!(fold_with("év@sion", &p), "evasion");
        assert_eq!(fold_with("R3L4X4TI0N", &p), fold_with("relaxation", &p));
    }

    #[test]
    fn spacing_joins_spelled_out_words() {
        let p = ["case", "accents", "spacing"];
        assert_eq!(fold_with("m.a.s.s.a.g.e", &p), "massage");
        assert_eq!(
            fold_with("d o u c h e  p o s s i b l e", &p),
            "douche possible"
        );
        assert_eq!(fold_with("a b, c d", &p), "a b, c d");
    }

    #[test]
    fn emoji_become_words_and_keycaps_digits() {
        let p = ["case", "accents", "emoji"];
        assert_eq!(fold_with("150🌹/h", &p), "150 rose /h");
        assert_eq!(fold_with("0️⃣6️⃣", &p), "06");
    }

    #[test]
    fn compatibility_forms_are_always_unified() {
        assert_eq!(
            fold_with("ＭＡＳＳＡＧＥ ０６", &["case", "accents"]),
            "massage 06"
        );
        assert_eq!(fold_with("ＭＡＳＳＡＧＥ", &["case"]), "massage");
    }

    #[test]
    fn ascii_space_is_char_whitespace() {
        for b in 0u8..128 {
            assert_eq!(ascii_space(b), (b as char).is_whitespace(), "{b}");
        }
    }

    #[test]
    fn nothing_past_no_case_from_has_a_lower_case() {
        for c in (NO_CASE_FROM..=0x10FFFF).filter_map(char::from_u32) {
            assert!(c.to_lowercase().eq([c]), "{c:?}");
        }
    }

    /// `fold_chars` copies ASCII runs as they are and lower-cases the
    /// whole text at the end: right only if, with `case`, no character
    /// folds to an ASCII capital. Every character, with and without
    /// `accents`.
    #[test]
    fn with_case_no_character_folds_to_an_ascii_capital() {
        for profile in [FoldProfile::CASE, FoldProfile::DEFAULT] {
            let (mut text, mut map) = (String::new(), Vec::new());
            for c in (0..=0x10FFFF).filter_map(char::from_u32) {
                into_dense(&mut text, &mut map, |sink| fold_char(c, 0, profile, sink));
                assert!(
                    !text.bytes().any(|b| b.is_ascii_uppercase()),
                    "{c:?} folds to {text:?}"
                );
            }
        }
    }

    /// The characters that skip `fold_other` are folded by it to
    /// themselves, under every profile of the character stage.
    #[test]
    fn characters_kept_as_they_are_are_what_the_general_path_keeps() {
        let kept: Vec<char> = (0x80..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| keeps_itself(c))
            .collect();
        assert!(kept.contains(&'€') && kept.contains(&'🌹') && kept.contains(&'✨'));
        let (mut text, mut map) = (String::new(), Vec::new());
        for profile in (0..32).map(FoldProfile) {
            for &c in &kept {
                into_dense(&mut text, &mut map, |sink| fold_other(c, 7, profile, sink));
                assert_eq!(text, c.to_string(), "{c:?} under {profile:?}");
                assert_eq!(map, vec![7; c.len_utf8()], "{c:?} under {profile:?}");
            }
        }
    }

    /// Runs `step` on a sink writing into `text` and `map` (a dense map),
    /// both emptied first.
    fn into_dense(text: &mut String, map: &mut Vec<u32>, step: impl FnOnce(&mut Sink<Dense>)) {
        text.clear();
        map.clear();
        step(&mut Sink {
            text,
            map: Dense(map),
        });
    }

    /// The Latin-1 shortcut of `fold_chars` gives what `fold_char` gives,
    /// text and map, for every character it could take.
    #[test]
    fn latin1_shortcut_folds_as_fold_char() {
        let profiles = [
            FoldProfile::DEFAULT,
            FoldProfile::DEFAULT.union(FoldProfile::EMOJI),
            FoldProfile(31),
        ];
        for c in (0xC0..=0xFF).filter_map(char::from_u32) {
            let text = format!("x{c}y");
            for profile in profiles {
                let mut fast = Folded::default();
                fold_into(&text, profile, &mut fast);
                let (mut slow, mut map) = (String::new(), Vec::new());
                let mut sink = Sink {
                    text: &mut slow,
                    map: Dense(&mut map),
                };
                for (at, ch) in text.char_indices() {
                    fold_char(ch, at as u32, profile, &mut sink);
                }
                if !profile.needs_tokens() {
                    assert_eq!((&fast.text, &fast.map), (&slow, &map), "{c:?}");
                } else {
                    // The token stage may rewrite further; the character
                    // stage's own output must still agree.
                    assert_eq!(fold_str(&slow, profile), fold_str(&text, profile), "{c:?}");
                }
            }
        }
        assert_eq!(
            fold("ÀÉÈÊËÎÏÔÙÛÜÇàéèêëîïôùûüçÿ"),
            "aeeeeiiouuucaeeeeiiouuucy"
        );
    }

    #[test]
    fn sparse_map_reads_as_the_dense_one() {
        let texts = [
            "",
            "Moment d’Évasion",
            "CŒUR  à\u{00A0}prendre\n\tfin ",
            "dou\u{200B}che ＭＡＳＳＡＧＥ ０６ e\u{301}t\u{e9}",
            "150🌹/h 0️⃣6️⃣ m.a.s.s.a.g.e M4ss4ge  d o u c h e  ß æ",
        ];
        let profiles = [
            FoldProfile::NONE,
            FoldProfile::CASE,
            FoldProfile::DEFAULT,
            FoldProfile(31),
            FoldProfile(2 | 4),
        ];
        for text in texts {
            for profile in profiles {
                let (mut dense, mut sparse) = (Folded::default(), Folded::default());
                fold_into(text, profile, &mut dense);
                fold_into_sparse(text, profile, &mut sparse);
                assert_eq!(dense.text, sparse.text);
                assert!(sparse.map.is_empty());
                for i in 0..dense.text.len() {
                    assert_eq!(dense.map[i] as usize, sparse.origin(i), "{text:?} {i}");
                }
            }
        }
        let mut f = Folded::default();
        fold_into_sparse("Massage relaxant à domicile", FoldProfile::DEFAULT, &mut f);
        assert_eq!(f.runs, [(0, 0), (18, 19)]);
    }

    #[test]
    fn case_only_keeps_accents() {
        let mut f = Folded::default();
        fold_into("ÉTÉ", FoldProfile::CASE, &mut f);
        assert_eq!(f.text, "été");
    }
}
