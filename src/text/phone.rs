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
//!   (`O6`, `3l`: O/o → 0, I/l → 1);
//! * French number words, read as pairs are read aloud ("zéro six,
//!   trente-neuf" → 0, 6, 39; see [`super::numbers`]).
//!
//! Groups separated by at most three separator characters (spaces, `.`,
//! `-`, `/`, `*`, `_`, `,`, parentheses, "et") form a *run*; anything else
//! ends it. Within a run, phones are read group by group: a `+` or `00`
//! prefix starts an international number (`+33`/`0033` for France, others
//! validated with the `phonenumber` crate); otherwise ten digits starting
//! with `0` and a non-zero digit make a French number. A run that yields
//! no valid number gives nothing, so prices, years, surfaces and mileages
//! ("150 000 km") are never phones.
//!
//! A phone is **obscured** when it was not written as plain digits with
//! ordinary separators: letters or words for digits, keycaps, full-width
//! digits, unusual separators (`*`, `_`, `,`), or digits one by one
//! ("0 6 3 9 ...").

use super::numbers::{is_number_word, parse_french};
use super::tokens::{tokenize, TokenKind};
use crate::value::Phone;
use unicode_normalization::UnicodeNormalization;

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
    /// Separated from the previous group by an unusual separator (`*`,
    /// `_`, `,`).
    after_odd: bool,
}

/// A run of groups, with what separated them.
#[derive(Debug, Default)]
struct Run {
    plus: bool,
    groups: Vec<Group>,
    /// An unusual separator was seen since the last group.
    pending_odd: bool,
}

impl Run {
    fn push(&mut self, mut group: Group) {
        group.after_odd = std::mem::take(&mut self.pending_odd) && !self.groups.is_empty();
        self.groups.push(group);
    }
}

/// Every phone in `text`, in order, without repeating a number.
pub fn extract_phones(text: &str) -> Vec<FoundPhone> {
    let mut found: Vec<FoundPhone> = Vec::new();
    for run in runs(text) {
        for phone in read_run(&run) {
            if !found.iter().any(|f| f.number == phone.number) {
                found.push(phone);
            }
        }
    }
    found
}

/// Normalises what a record's `phone` field holds: plain numbers first
/// (`06 12 34 56 78`, `+33 6 ...`), then any written form the extractor
/// understands (then `obscured` is set). `None` when it holds no phone.
pub fn parse_phone(text: &str) -> Option<Phone> {
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

fn fold_word(w: &str) -> String {
    crate::text::fold_str(w, crate::text::FoldProfile::DEFAULT)
}

/// Reads a word as digits when it is made of digits and look-alikes with at
/// least one real digit.
fn digit_word(w: &str) -> Option<(String, bool)> {
    let normalized: String = w.nfkc().collect();
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
            _ => return None,
        }
    }
    real.then_some((digits, disguised))
}

fn runs(text: &str) -> Vec<Run> {
    let tokens = tokenize(text);
    let mut runs = Vec::new();
    let mut run = Run::default();
    let mut gap = 0; // separator characters since the last group
    let mut words: Vec<(String, usize, usize)> = Vec::new(); // pending number words
    let flush_words = |words: &mut Vec<(String, usize, usize)>, run: &mut Run| {
        if words.is_empty() {
            return;
        }
        let list: Vec<&str> = words.iter().map(|(w, _, _)| w.as_str()).collect();
        for (value, first, count) in parse_french(&list) {
            run.push(Group {
                digits: value.to_string(),
                start: words[first].1,
                end: words[first + count - 1].2,
                disguised: true,
                after_odd: false,
            });
        }
        words.clear();
    };
    let end_run = |run: &mut Run, words: &mut Vec<(String, usize, usize)>, runs: &mut Vec<Run>| {
        flush_words(words, run);
        if !run.groups.is_empty() {
            runs.push(std::mem::take(run));
        } else {
            *run = Run::default();
        }
    };
    for t in &tokens {
        let s = t.text(text);
        match t.kind {
            TokenKind::Keycap => {
                flush_words(&mut words, &mut run);
                let d = s.chars().next().unwrap_or('0');
                if d.is_ascii_digit() {
                    run.push(Group {
                        digits: d.to_string(),
                        start: t.start,
                        end: t.end,
                        disguised: true,
                        after_odd: false,
                    });
                    gap = 0;
                } else {
                    end_run(&mut run, &mut words, &mut runs);
                }
            }
            TokenKind::Word => {
                if let Some((digits, disguised)) = digit_word(s) {
                    flush_words(&mut words, &mut run);
                    run.push(Group {
                        digits,
                        start: t.start,
                        end: t.end,
                        disguised,
                        after_odd: false,
                    });
                    gap = 0;
                    continue;
                }
                let folded = fold_word(s);
                if is_number_word(&folded) && (folded != "et" || !words.is_empty()) {
                    words.push((folded, t.start, t.end));
                    gap = 0;
                    continue;
                }
                end_run(&mut run, &mut words, &mut runs);
                gap = 0;
            }
            TokenKind::Space => {
                gap += s.chars().count();
                if s.matches('\n').count() >= 2 || gap > 3 {
                    end_run(&mut run, &mut words, &mut runs);
                    gap = 0;
                }
            }
            TokenKind::Invisible => {}
            TokenKind::Other if s == "+" => {
                // A `+` starts a number only at the start of a run.
                end_run(&mut run, &mut words, &mut runs);
                run.plus = true;
                gap = 0;
            }
            TokenKind::Other
                if matches!(s, "." | "-" | "/" | "*" | "_" | "," | "(" | ")" | "·") =>
            {
                if matches!(s, "*" | "_" | "," | "·") {
                    run.pending_odd = true;
                }
                gap += 1;
                if gap > 3 {
                    end_run(&mut run, &mut words, &mut runs);
                    gap = 0;
                }
            }
            _ => {
                end_run(&mut run, &mut words, &mut runs);
                gap = 0;
            }
        }
    }
    end_run(&mut run, &mut words, &mut runs);
    runs
}

/// Reads the phones of one run, group by group.
fn read_run(run: &Run) -> Vec<FoundPhone> {
    let mut out = Vec::new();
    let groups = &run.groups;
    let mut g = 0;
    while g < groups.len() {
        let international = g == 0 && run.plus;
        match read_at(run, g, international) {
            Some((phone, used)) => {
                out.push(phone);
                g += used;
            }
            None => g += 1,
        }
    }
    out
}

/// Tries to read one phone starting at group `g`. Returns it and the number
/// of groups used.
fn read_at(run: &Run, g: usize, plus: bool) -> Option<(FoundPhone, usize)> {
    let groups = &run.groups[g..];
    let mut digits = String::new();
    for (i, group) in groups.iter().enumerate().take(16) {
        digits.push_str(&group.digits);
        let used = i + 1;
        let number = if plus {
            international(&digits)
        } else if let Some(rest) = digits.strip_prefix("00") {
            international(rest)
        } else if digits.len() == 10 && digits.starts_with('0') && !digits.starts_with("00") {
            Some(format!("+33{}", &digits[1..]))
        } else {
            None
        };
        if let Some(number) = number {
            // A longer reading (more groups) would not be this number.
            let longer = groups.get(used).is_some_and(|next| {
                plus && !number.starts_with("+33") && digits.len() + next.digits.len() <= 15
            });
            if !longer {
                let span = &groups[..used];
                let single = span.iter().filter(|x| x.digits.len() == 1).count();
                let odd = span[1..].iter().any(|x| x.after_odd);
                let obscured = span.iter().any(|x| x.disguised) || odd || single >= 4;
                return Some((
                    FoundPhone {
                        number,
                        obscured,
                        start: span[0].start,
                        end: span[used - 1].end,
                    },
                    used,
                ));
            }
        }
        if digits.len() >= 15 {
            break;
        }
    }
    None
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
    if !(8..=15).contains(&digits.len()) {
        return None;
    }
    let parsed = phonenumber::parse(None, format!("+{digits}")).ok()?;
    phonenumber::is_valid(&parsed)
        .then(|| parsed.format().mode(phonenumber::Mode::E164).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_plain_numbers() {
        for written in [
            "06 39 98 12 34",
            "0639981234",
            "06.39.98.12.34",
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
