//! Phone numbers: finding them in ad text however they are written, and
//! normalising them to E.164.
//!
//! # How it works
//!
//! The text is tokenized ([`super::tokens`]); each token is read as a group
//! of digits when it can be one:
//!
//! * digits, ASCII or not (full-width `０６` is NFKC-folded);
//! * a keycap emoji (`6️⃣`);
//! * a word of digits and digit look-alikes with at least one real digit
//!   (`O6`, `3l`: O/o → 0, I/l → 1), or of digits split by `|`;
//! * French number words, read as pairs are read aloud ("zéro six,
//!   trente-neuf" → 0, 6, 39; see [`super::numbers`]).
//!
//! Groups separated by at most three separator characters (spaces, `.`,
//! `-`, `/`, `*`, `_`, `,`, `·`, parentheses; zero-width characters count
//! for nothing) form a *run*; anything else ends it, and so does a comma
//! and a space after a group of three digits or more (a list: "06000,
//! 13008"). Dates (`06/03/2024`, `2024-03-06`, `12/05`) are taken out of
//! runs.
//! Within a run, phones are read group by group: a `+` (or `＋`) or `00`
//! prefix starts an international number (`+33`/`0033` for France, with
//! or without the national `(0)`; others validated with the `phonenumber`
//! crate, the longest valid reading winning unless what follows it is a
//! phone of its own); otherwise ten digits starting with `0` and a
//! non-zero digit make a French number. A run that yields no valid number
//! gives nothing, so prices, years, surfaces and mileages ("150 000 km")
//! are never phones.
//!
//! A phone is **obscured** when it was not written as plain digits with
//! ordinary separators: letters or words for digits, keycaps, full-width
//! digits, unusual separators between its groups (`*`, `_`, `,`, `·`,
//! `|`, zero-width characters), or digits one by one ("0 6 3 9 ...").
//!
//! A number written several times is listed once, at its first writing
//! (its span, its `obscured`).

use super::fold::{fold_into, FoldProfile, Folded};
use super::numbers::{is_number_word, parse_french};
use super::tokens::{tokenize_into, Token, TokenKind};
use crate::value::Phone;
use unicode_normalization::{is_nfkc_quick, UnicodeNormalization};

/// A phone found in a text, with its byte range there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPhone {
    /// E.164: `+33639981234`.
    pub number: String,
    pub obscured: bool,
    pub start: usize,
    pub end: usize,
}

/// One group of digits read off the text.
#[derive(Debug, Clone)]
struct Group {
    digits: String,
    start: usize,
    end: usize,
    /// Not plain ASCII digits.
    disguised: bool,
    /// An unusual separator stands between the previous group and this one.
    odd_before: bool,
}

/// A run of groups.
#[derive(Debug, Default)]
struct Run {
    /// Where the `+` that starts the run is, if one does.
    plus: Option<usize>,
    /// The `+` was full-width.
    plus_disguised: bool,
    groups: Vec<Group>,
}

/// Every phone in `text`, in order, without repeating a number.
pub fn extract_phones(text: &str) -> Vec<FoundPhone> {
    PiecePhones::of(text).merged()
}

/// The phones of a text read piece by piece (see [`super::pieces`]): each
/// piece's list names a number once, with spans relative to the piece.
///
/// Prices mask exactly these spans (a price is never read off a phone's
/// digits) and `phones()` merges them; an ad that asks for both is read
/// once (the evaluator keeps one per text).
#[derive(Debug, Clone, Default)]
pub struct PiecePhones {
    /// (start, end, phones of `text[start..end]`).
    pieces: Vec<(usize, usize, Vec<FoundPhone>)>,
    /// The tokens of a text read in one piece, for prices to reuse (a
    /// longer text's are not kept: memory stays bounded by a piece).
    tokens: Option<Vec<Token>>,
}

impl PiecePhones {
    pub fn of(text: &str) -> PiecePhones {
        let mut scratch = Scratch::default();
        let pieces = super::pieces(text, super::PIECE)
            .into_iter()
            .map(|(offset, piece)| {
                let mut found: Vec<FoundPhone> = Vec::new();
                for run in runs(piece, &mut scratch) {
                    for phone in read_run(piece, &run) {
                        if !found.iter().any(|f| f.number == phone.number) {
                            found.push(phone);
                        }
                    }
                }
                (offset, offset + piece.len(), found)
            })
            .collect::<Vec<_>>();
        let tokens = (pieces.len() == 1).then_some(scratch.tokens);
        PiecePhones { pieces, tokens }
    }

    /// The tokens of the text, when it was read in one piece.
    pub fn tokens(&self) -> Option<&[Token]> {
        self.tokens.as_deref()
    }

    /// Each piece: its range in the text and its phones (spans relative to
    /// the piece).
    pub fn pieces(&self) -> impl Iterator<Item = (usize, usize, &[FoundPhone])> {
        self.pieces.iter().map(|(s, e, p)| (*s, *e, p.as_slice()))
    }

    /// Every phone of the text, in order, each number once (at its first
    /// writing), with spans in the whole text.
    pub fn merged(&self) -> Vec<FoundPhone> {
        let mut found: Vec<FoundPhone> = Vec::new();
        for (offset, _, phones) in &self.pieces {
            for phone in phones {
                if !found.iter().any(|f| f.number == phone.number) {
                    let mut phone = phone.clone();
                    phone.start += offset;
                    phone.end += offset;
                    found.push(phone);
                }
            }
        }
        found
    }
}

/// Normalises what a record's `phone` field holds: plain numbers first
/// (`06 12 34 56 78`, `+33 6 ...`), then any written form the extractor
/// understands (then `obscured` is set). `None` when it holds no phone, or
/// several different ones.
pub fn parse_phone(text: &str) -> Option<Phone> {
    if let Some(number) = plain_french(text) {
        return Some(Phone {
            number,
            obscured: false,
            locations: Vec::new(),
        });
    }
    let phones = extract_phones(text);
    match phones.as_slice() {
        [one] => Some(Phone {
            number: one.number.clone(),
            obscured: one.obscured,
            locations: Vec::new(),
        }),
        _ => None,
    }
}

/// The shapes nearly every `phone` field has, read without the extractor
/// (which tokenizes, looks for dates and number words, and allocates: most
/// of the time a record's decoding took): ten digits starting with `0`
/// (not `00`), alone or in five pairs, and `+33` then nine digits starting
/// with 1 to 9, alone or as one digit and four pairs; pairs separated by
/// one space (or one dot, or one dash). The answer is the extractor's (E.164, not
/// obscured); a test checks that on random fields of these shapes. Any
/// other text goes to the extractor.
fn plain_french(text: &str) -> Option<String> {
    let (international, rest) = match text.strip_prefix("+33") {
        Some(rest) => (true, rest.strip_prefix(' ').unwrap_or(rest)),
        None => (false, text),
    };
    let b = rest.as_bytes();
    let mut digits = [0u8; 10];
    let want = if international { 9 } else { 10 };
    let mut n = 0;
    if b.len() == want {
        // No separators.
        if !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        digits[..want].copy_from_slice(b);
        n = want;
    } else {
        // Groups: the first of 2 digits (1 after +33), then pairs, all
        // separated by the same single space or dot.
        let first = if international { 1 } else { 2 };
        let sep = *b.get(first)?;
        if !matches!(sep, b' ' | b'.' | b'-') {
            return None;
        }
        for (k, group) in rest.split(sep as char).enumerate() {
            let len = if k == 0 { first } else { 2 };
            if group.len() != len || !group.bytes().all(|c| c.is_ascii_digit()) || n + len > want {
                return None;
            }
            digits[n..n + len].copy_from_slice(group.as_bytes());
            n += len;
        }
    }
    if n != want {
        return None;
    }
    let national = if international {
        &digits[..9]
    } else {
        if digits[0] != b'0' {
            return None;
        }
        &digits[1..10]
    };
    if national[0] == b'0' {
        return None;
    }
    let mut number = String::with_capacity(12);
    number.push_str("+33");
    number.extend(national.iter().map(|&c| c as char));
    Some(number)
}

/// Buffers reused from word to word: most words of an ad are neither digits
/// nor number words, and finding that out must not allocate.
#[derive(Default)]
struct Scratch {
    folded: Folded,
    tokens: Vec<Token>,
}

/// The longest number word, folded ("cinquante").
const LONGEST_NUMBER_WORD: usize = 9;

/// When `w` folds (default profile) to a number word, that word. An ASCII
/// word folds to its lower case (nothing else in the default profile
/// touches ASCII letters, digits or `@$!|`), so it is compared without
/// folding; other words are folded into a reused buffer.
fn number_word<'s>(
    w: &str,
    scratch: &'s mut Scratch,
    ascii: &'s mut [u8; LONGEST_NUMBER_WORD],
) -> Option<&'s str> {
    let folded: &str = if w.is_ascii() {
        if w.len() > LONGEST_NUMBER_WORD {
            return None;
        }
        let buf = &mut ascii[..w.len()];
        buf.copy_from_slice(w.as_bytes());
        buf.make_ascii_lowercase();
        std::str::from_utf8(buf).ok()?
    } else {
        fold_into(w, FoldProfile::DEFAULT, &mut scratch.folded);
        scratch.folded.text.trim()
    };
    is_number_word(folded).then_some(folded)
}

/// Reads a word as digits when it is made of digits and look-alikes with at
/// least one real digit, possibly split by `|` ("06|39|98").
fn digit_word(w: &str) -> Option<(String, bool)> {
    // NFKC leaves ASCII alone: an ASCII word without a digit has no real
    // digit. Most words end here, without allocating.
    if w.is_ascii() && !w.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    // Already in NFKC (ordinary accented words): read the word itself.
    let normalized: std::borrow::Cow<str> =
        if is_nfkc_quick(w.chars()) == unicode_normalization::IsNormalized::Yes {
            std::borrow::Cow::Borrowed(w)
        } else {
            std::borrow::Cow::Owned(w.nfkc().collect())
        };
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, 'O' | 'o' | 'I' | 'l' | '|');
    if !normalized.chars().all(allowed) {
        return None;
    }
    let mut digits = String::with_capacity(normalized.len());
    let mut real = false;
    let mut disguised = normalized != w;
    for c in normalized.chars() {
        match c {
            '0'..='9' => {
                digits.push(c);
                real = true;
            }
            'O' | 'o' => {
                digits.push('0');
                disguised = true;
            }
            'I' | 'l' => {
                digits.push('1');
                disguised = true;
            }
            '|' => disguised = true,
            _ => return None,
        }
    }
    real.then_some((digits, disguised))
}

/// Cuts the text into runs of digit groups.
struct Runs<'t> {
    text: &'t str,
    scratch: &'t mut Scratch,
    runs: Vec<Run>,
    run: Run,
    /// Separator characters since the last group.
    gap: usize,
    /// An unusual separator since the last group.
    odd: bool,
    /// Number words not yet read: (folded word, start, end).
    words: Vec<(String, usize, usize)>,
}

impl Runs<'_> {
    fn push(&mut self, digits: String, start: usize, end: usize, disguised: bool) {
        self.flush_words();
        self.run.groups.push(Group {
            digits,
            start,
            end,
            disguised,
            odd_before: std::mem::take(&mut self.odd),
        });
        self.gap = 0;
    }

    fn flush_words(&mut self) {
        if self.words.is_empty() {
            return;
        }
        let list: Vec<&str> = self.words.iter().map(|(w, _, _)| w.as_str()).collect();
        for (value, first, count) in parse_french(&list) {
            self.run.groups.push(Group {
                digits: value.to_string(),
                start: self.words[first].1,
                end: self.words[first + count - 1].2,
                disguised: true,
                odd_before: std::mem::take(&mut self.odd),
            });
        }
        self.words.clear();
    }

    fn end_run(&mut self) {
        self.flush_words();
        let run = std::mem::take(&mut self.run);
        if !run.groups.is_empty() {
            self.runs.push(run);
        }
        self.gap = 0;
        self.odd = false;
    }

    /// Inside a run: groups read, or number words pending.
    fn open(&self) -> bool {
        !self.run.groups.is_empty() || !self.words.is_empty()
    }

    fn separator(&mut self, chars: usize, odd: bool) {
        if odd && self.open() {
            self.odd = true;
        }
        self.gap += chars;
        if self.gap > 3 {
            self.end_run();
        }
    }

    fn token(&mut self, tokens: &[Token], i: usize) {
        let t = &tokens[i];
        let s = t.text(self.text);
        match t.kind {
            TokenKind::Keycap => match s.chars().next() {
                Some(d) if d.is_ascii_digit() => self.push(d.to_string(), t.start, t.end, true),
                _ => self.end_run(),
            },
            TokenKind::Word => {
                if let Some((digits, disguised)) = digit_word(s) {
                    self.push(digits, t.start, t.end, disguised);
                    return;
                }
                let mut ascii = [0u8; LONGEST_NUMBER_WORD];
                if let Some(folded) = number_word(s, self.scratch, &mut ascii) {
                    if folded != "et" || !self.words.is_empty() {
                        self.words.push((folded.to_string(), t.start, t.end));
                        self.gap = 0;
                        return;
                    }
                }
                self.end_run();
            }
            TokenKind::Space => {
                if s.matches('\n').count() >= 2 {
                    self.end_run();
                } else {
                    self.separator(s.chars().count(), false);
                }
            }
            // Zero-width characters: no gap, but a disguise.
            TokenKind::Invisible => self.separator(0, true),
            TokenKind::Other if matches!(s, "+" | "＋" | "﹢") => {
                // A `+` starts a number only at the start of a run.
                self.end_run();
                self.run.plus = Some(t.start);
                self.run.plus_disguised = s != "+";
            }
            // The marks of a keycap glued to digits ("123️⃣"): the tokenizer
            // leaves them out of the word.
            TokenKind::Other if matches!(s, "\u{fe0f}" | "\u{20e3}") => {
                if let Some(last) = self.run.groups.last_mut().filter(|g| g.end == t.start) {
                    last.end = t.end;
                    last.disguised = true;
                } else {
                    self.end_run();
                }
            }
            TokenKind::Other if s == "," => {
                // "06000, 13008": a list, not a phone.
                let list = tokens
                    .get(i + 1)
                    .is_some_and(|n| n.kind == TokenKind::Space)
                    && self.words.is_empty()
                    && self
                        .run
                        .groups
                        .last()
                        .is_some_and(|g| g.digits.len() > 2 && g.end == t.start);
                if list {
                    self.end_run();
                } else {
                    self.separator(1, true);
                }
            }
            TokenKind::Other if matches!(s, "*" | "_" | "·") => self.separator(1, true),
            TokenKind::Other if matches!(s, "." | "-" | "/" | "(" | ")") => {
                self.separator(1, false)
            }
            _ => self.end_run(),
        }
    }
}

fn runs(text: &str, scratch: &mut Scratch) -> Vec<Run> {
    let mut tokens = std::mem::take(&mut scratch.tokens);
    tokenize_into(text, &mut tokens);
    let mut r = Runs {
        text,
        scratch,
        runs: Vec::new(),
        run: Run::default(),
        gap: 0,
        odd: false,
        words: Vec::new(),
    };
    for i in 0..tokens.len() {
        r.token(&tokens, i);
    }
    r.end_run();
    let runs = r.runs;
    scratch.tokens = tokens;
    runs
}

/// Groups that are part of a date: `06/03/2024`, `6.3.2024`, `2024-03-06`
/// (the same separator twice, nothing else between the groups), or a day
/// and a month alone (`12/05`, `12.05`) in a run not separated that way.
fn date_groups(text: &str, groups: &[Group]) -> Vec<bool> {
    let mut date = vec![false; groups.len()];
    let value = |g: &Group| g.digits.parse::<u32>().unwrap_or(0);
    for i in 0..groups.len().saturating_sub(2) {
        let [a, b, c] = [&groups[i], &groups[i + 1], &groups[i + 2]];
        let sep1 = &text[a.end..b.start];
        let sep2 = &text[b.end..c.start];
        if sep1 != sep2 || !matches!(sep1, "/" | "." | "-") {
            continue;
        }
        let year = |g: &Group| g.digits.len() == 4 && (1900..=2099).contains(&value(g));
        let day_month = |d: &Group, m: &Group| {
            d.digits.len() <= 2
                && m.digits.len() <= 2
                && (1..=31).contains(&value(d))
                && (1..=12).contains(&value(m))
        };
        if (year(c) && day_month(a, b)) || (year(a) && day_month(c, b)) {
            date[i..i + 3].iter_mut().for_each(|d| *d = true);
        }
    }
    // "le 12/05 06 39 ...": a day and a month glued by `/` or `.`, with the
    // same separator neither before nor after them.
    for i in 0..groups.len().saturating_sub(1) {
        let [a, b] = [&groups[i], &groups[i + 1]];
        let sep = &text[a.end..b.start];
        let outside = |r: &str| r.starts_with(sep) || r.ends_with(sep);
        let before = i
            .checked_sub(1)
            .map_or("", |p| &text[groups[p].end..a.start]);
        let after = groups.get(i + 2).map_or("", |n| &text[b.end..n.start]);
        if matches!(sep, "/" | ".")
            && !outside(before)
            && !outside(after)
            && a.digits.len() <= 2
            && b.digits.len() <= 2
            && (1..=31).contains(&value(a))
            && (1..=12).contains(&value(b))
        {
            date[i] = true;
            date[i + 1] = true;
        }
    }
    date
}

/// Reads the phones of one run, group by group.
fn read_run(text: &str, run: &Run) -> Vec<FoundPhone> {
    let mut out = Vec::new();
    let date = date_groups(text, &run.groups);
    let mut g = 0;
    while g < run.groups.len() {
        if date[g] {
            g += 1;
            continue;
        }
        // The groups up to the next date.
        let end = (g..run.groups.len())
            .find(|&k| date[k])
            .unwrap_or(run.groups.len());
        let groups = &run.groups[..end];
        let plus = (g == 0).then_some(run.plus).flatten();
        // A `+` that does not start a valid international number may still
        // stand before a national one ("infos + 06 ...").
        let reading = plus
            .and_then(|at| read_at(groups, g, true).map(|r| (r, Some(at))))
            .or_else(|| read_at(groups, g, false).map(|r| (r, None)));
        match reading {
            Some(((number, used), plus_at)) => {
                let span = &groups[g..g + used];
                let single = span.iter().filter(|x| x.digits.len() == 1).count();
                let obscured = span.iter().any(|x| x.disguised)
                    || span[1..].iter().any(|x| x.odd_before)
                    || single >= 4
                    || (plus_at.is_some() && run.plus_disguised);
                out.push(FoundPhone {
                    number,
                    obscured,
                    start: plus_at.unwrap_or(span[0].start),
                    end: span[used - 1].end,
                });
                g += used;
            }
            None => g += 1,
        }
    }
    out
}

/// Tries to read one phone starting at group `g`. Returns its E.164 form
/// and the number of groups used.
fn read_at(groups: &[Group], g: usize, plus: bool) -> Option<(String, usize)> {
    let mut digits = String::new();
    let mut valid: Vec<(String, usize)> = Vec::new();
    for (i, group) in groups[g..].iter().enumerate().take(16) {
        digits.push_str(&group.digits);
        if digits.len() > 17 {
            break;
        }
        let used = i + 1;
        let (number, international) = if plus {
            (international(&digits), true)
        } else if let Some(rest) = digits.strip_prefix("00") {
            (international(rest), true)
        } else if digits.len() == 10 && digits.starts_with('0') {
            (Some(format!("+33{}", &digits[1..])), false)
        } else {
            (None, false)
        };
        if let Some(number) = number {
            // French readings are final; another country's may go on
            // (its numbers have several lengths).
            let last = !international || number.starts_with("+33");
            valid.push((number, used));
            if last {
                break;
            }
        }
    }
    // The longest valid reading, unless the groups after a shorter one
    // make a phone of their own.
    let (shortest, longest) = (valid.first()?, valid.last()?);
    if valid.len() > 1 && read_at(groups, g + shortest.1, false).is_some() {
        return Some(shortest.clone());
    }
    Some(longest.clone())
}

/// An international number from its digits after `+` or `00`.
fn international(digits: &str) -> Option<String> {
    if let Some(national) = digits.strip_prefix("33") {
        // "+33 (0)6 ...": the national 0 in parentheses.
        let national = if national.len() == 10 {
            national.strip_prefix('0')?
        } else {
            national
        };
        return (national.len() == 9 && !national.starts_with('0'))
            .then(|| format!("+33{national}"));
    }
    // No country code starts with 0; "00 000 000" (a price, a run of
    // zeros) would otherwise reach the library's parser, the slowest step
    // of reading an ad (a tenth of `rules/fr`'s scan).
    if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
        return None;
    }
    let parsed = phonenumber::parse(None, format!("+{digits}")).ok()?;
    phonenumber::is_valid(&parsed)
        .then(|| parsed.format().mode(phonenumber::Mode::E164).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `parse_phone` gave before the shortcut: the extractor alone.
    fn extracted(text: &str) -> Option<(String, bool)> {
        match extract_phones(text).as_slice() {
            [one] => Some((one.number.clone(), one.obscured)),
            _ => None,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn the_plain_shapes_read_as_the_extractor_reads_them(
            prefix in prop_oneof![Just(""), Just("+33"), Just("+33 ")],
            digits in prop_oneof!["0[0-9]{9}", "[0-9]{9}", "[0-9]{8,11}"],
            sep in prop_oneof![Just(""), Just(" "), Just("."), Just("-"), Just("  ")],
            first in 1usize..3,
        ) {
            // Digits grouped as the shortcut expects (and some not).
            let mut text = prefix.to_string();
            let mut at = 0;
            while at < digits.len() {
                let len = if at == 0 { first } else { 2 };
                let end = (at + len).min(digits.len());
                if at > 0 {
                    text.push_str(sep);
                }
                text.push_str(&digits[at..end]);
                at = end;
            }
            if let Some(number) = plain_french(&text) {
                prop_assert_eq!(Some((number, false)), extracted(&text), "{:?}", text);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        /// What the shortcut in `international` skips the library for.
        #[test]
        fn no_number_after_a_plus_and_a_zero_is_valid(digits in "0[0-9]{7,14}") {
            let parsed = phonenumber::parse(None, format!("+{digits}"));
            prop_assert!(parsed.map_or(true, |p| !phonenumber::is_valid(&p)), "+{}", digits);
        }
    }

    #[test]
    fn the_plain_shapes_take_the_shortcut() {
        for text in [
            "06 39 98 12 34",
            "0639981234",
            "06.39.98.12.34",
            "06-39-98-12-34",
            "+33 6 39 98 12 34",
            "+33639981234",
        ] {
            assert_eq!(
                plain_french(text).as_deref(),
                Some("+33639981234"),
                "{text}"
            );
        }
        for text in [
            "00 39 98 12 34",
            "06 39 98 12",
            "06-39.98-12-34",
            "06 39.98 12 34",
            "+33 06 39 98 12 34",
            "six 39 98 12 34",
        ] {
            assert_eq!(plain_french(text), None, "{text}");
        }
    }

    #[test]
    fn normalises_plain_numbers() {
        for written in [
            "06 39 98 12 34",
            "0639981234",
            "06.39.98.12.34",
            "06-39-98-12-34",
            "+33 6 39 98 12 34",
            "0033639981234",
            "+33 (0)6 39 98 12 34",
        ] {
            let p = parse_phone(written).unwrap_or_else(|| panic!("{written}"));
            assert_eq!(p.number, "+33639981234", "{written}");
            assert!(!p.obscured, "{written}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_phone() {
        for bad in [
            "",
            "06 39 98",
            "appelez-moi",
            "12345678901234567",
            "+33 6 39 98 12",
            "150 000 km",
        ] {
            assert_eq!(parse_phone(bad), None, "{bad}");
        }
    }
}
