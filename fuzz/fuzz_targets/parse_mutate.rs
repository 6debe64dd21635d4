//! Structure-aware fuzzing of rule files: the same checks as `parse_check`
//! (parse, check, render, format, compile, tests, scan), on inputs made by
//! a custom mutator that works on *declarations* and *tokens* of real
//! packs rather than on bytes.
//!
//! The seeds are the files of `rules/fr/` and the whole French pack as one
//! file (so that mutants still check, compile and run their tests), copied
//! by `fuzz/run.sh` as the pack is at the time of the run, and a messy
//! pack in `fuzz/seeds/parse_mutate/`; `tests/fmt_inputs/` are donors. Each mutation is one of:
//!
//! * delete, duplicate, swap or move declarations (cut as the parser cuts
//!   them, `vigie::syntax::chunk::split`);
//! * insert a declaration, or replace one, by a declaration of a donor file
//!   (every `.vigie` file of `rules/*/` and `tests/fmt_inputs/`, read once);
//! * replace a token by another token of the language (keywords, builtins,
//!   operators, extreme numbers and durations, odd strings and regexes);
//! * wrap a token in parentheses, `not`, a call or a lambda, many times
//!   (nesting limits);
//! * copy a line of the file or of a donor somewhere else;
//! * libFuzzer's own byte-level mutations (one time in four).
//!
//! The crossover takes declarations from both parents.
#![no_main]

use libfuzzer_sys::{fuzz_crossover, fuzz_mutator, fuzz_target, fuzzer_mutate};
use std::ops::Range;
use std::sync::OnceLock;
use vigie::syntax::chunk::split;

fuzz_target!(|data: &[u8]| vigie_fuzz::pack_bytes(data));

/// A small deterministic generator (xorshift), seeded by libFuzzer.
struct Rng(u64);

impl Rng {
    fn new(seed: u32) -> Rng {
        Rng(u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            Some(&items[self.below(items.len())])
        }
    }
}

/// Declarations of the donor files.
fn donors() -> &'static Vec<String> {
    static DONORS: OnceLock<Vec<String>> = OnceLock::new();
    DONORS.get_or_init(|| {
        let root = std::path::PathBuf::from(vigie_fuzz::repo());
        let mut dirs = vec![root.join("tests/fmt_inputs")];
        if let Ok(entries) = std::fs::read_dir(root.join("rules")) {
            dirs.extend(entries.filter_map(|e| e.ok()).map(|e| e.path()));
        }
        let mut decls = Vec::new();
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
            files.sort();
            for file in files {
                if file.extension().is_some_and(|x| x == "vigie") {
                    if let Ok(text) = std::fs::read_to_string(&file) {
                        decls.extend(split(&text).into_iter().map(|r| text[r].to_string()));
                    }
                }
            }
        }
        decls
    })
}

/// Tokens of the language, and values at the edges.
const TOKENS: &[&str] = &[
    // Declarations and properties.
    "pack", "lexicon", "pattern", "schema", "let", "rule", "test", "version", "threshold",
    "title", "level", "tags", "ref", "note", "when", "score", "ad", "ads", "expect", "on",
    "fold", "raw", "low", "medium", "high", "case", "accents", "leet", "spacing", "emoji",
    // Expressions.
    "and", "or", "not", "has", "true", "false", "in", "=>", "+", "-", "*", "/", "==", "!=",
    "<", "<=", ">", ">=", ".", ",", ":", "(", ")", "{", "}", "[", "]", "=",
    // Built-ins and fields.
    "all", "any", "count", "distinct", "exists", "fingerprint", "hits", "len", "lower",
    "max", "min", "number", "phones", "prices", "terms", "amount", "coded", "obscured",
    "per", "per_hour", "by:", "within:", "ad.title", "ad.body", "ad.city", "ad.phone",
    "ad.price", "ad.posted_at", "ad.id", "p => p.coded", "x => x",
    // Numbers, units and durations.
    "0", "1", "-1", "60", "0.5", "1e308", "-1e308", "1e-320", "18446744073709551616",
    "99999999999999999999999999", "NaN", "inf", "80 EUR", "0 EUR", "1e300 EUR", "14d", "0d",
    "1h", "30min", "999999999999d", "1s", "7d",
    // Strings and regexes.
    "\"\"", "\"*\"", "\"**\"", "\"a*\"", "\"é\"", "\"🌹\"", "\"\\u{0}\"", "\"\\\"\"",
    "\"  \"", "\"a b c d e f g h\"", "re\"\"", "re\"(\"", "re\"a{1000}{1000}\"",
    "re\"\\w{100}\"", "re\"(?i)\\p{L}+\"", "re\"\\b\"", "re\"$\"", "re\".*\"",
    "# comment", "\n", "  ", "\t", "\u{a0}", "\u{200b}",
];

/// Byte ranges of the "words" of a text: runs of identifier characters,
/// or single other non-space characters.
fn tokens(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = i + c.len_utf8();
        if c.is_alphanumeric() || c == '_' || c == '.' {
            while let Some(&(j, d)) = iter.peek() {
                if d.is_alphanumeric() || d == '_' || d == '.' {
                    end = j + d.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
        } else if c == '"' {
            // A whole string literal, to the closing quote on the line.
            while let Some(&(j, d)) = iter.peek() {
                iter.next();
                end = j + d.len_utf8();
                if d == '"' || d == '\n' {
                    break;
                }
            }
        }
        out.push(i..end);
    }
    out
}

fn lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        out.push(at..at + line.len());
        at += line.len();
    }
    out
}

/// One structural mutation of `text`; `None` when it does not apply.
fn mutate(text: &str, rng: &mut Rng) -> Option<String> {
    let decls = split(text);
    let piece = |r: &Range<usize>| text[r.clone()].to_string();
    let mut parts: Vec<String> = decls.iter().map(piece).collect();
    match rng.below(9) {
        0 if !parts.is_empty() => {
            let i = rng.below(parts.len());
            parts.remove(i);
        }
        1 if !parts.is_empty() => {
            let i = rng.below(parts.len());
            let copy = parts[i].clone();
            let at = rng.below(parts.len() + 1);
            parts.insert(at, copy);
        }
        2 if parts.len() >= 2 => {
            let (i, j) = (rng.below(parts.len()), rng.below(parts.len()));
            parts.swap(i, j);
        }
        3 => {
            let donor = rng.pick(donors())?.clone();
            let at = rng.below(parts.len() + 1);
            parts.insert(at, donor);
        }
        4 if !parts.is_empty() => {
            let donor = rng.pick(donors())?.clone();
            let i = rng.below(parts.len());
            parts[i] = donor;
        }
        5 => {
            // Replace a token.
            let toks = tokens(text);
            let r = rng.pick(&toks)?.clone();
            let new = *rng.pick(TOKENS)?;
            return Some(format!("{}{}{}", &text[..r.start], new, &text[r.end..]));
        }
        6 => {
            // Insert a token before a token.
            let toks = tokens(text);
            let at = rng.pick(&toks).map_or(text.len(), |r| r.start);
            let new = *rng.pick(TOKENS)?;
            return Some(format!("{}{} {}", &text[..at], new, &text[at..]));
        }
        7 => {
            // Wrap a token, many times.
            let toks = tokens(text);
            let r = rng.pick(&toks)?.clone();
            let (open, close) = *rng.pick(&[
                ("(", ")"),
                ("not (", ")"),
                ("len(", ")"),
                ("any(phones(", "), p => p.obscured)"),
                ("(1 + ", ")"),
                ("[", "]"),
                ("{", "}"),
            ])?;
            let most = if rng.below(8) == 0 { 200 } else { 4 };
            let times = 1 + rng.below(most);
            return Some(format!(
                "{}{}{}{}{}",
                &text[..r.start],
                open.repeat(times),
                &text[r.clone()],
                close.repeat(times),
                &text[r.end..]
            ));
        }
        _ => {
            // Copy a line (of this text or of a donor) elsewhere.
            let own = lines(text);
            let line = if rng.below(2) == 0 && !own.is_empty() {
                text[rng.pick(&own)?.clone()].to_string()
            } else {
                let donor = rng.pick(donors())?;
                let ls = lines(donor);
                donor[rng.pick(&ls)?.clone()].to_string()
            };
            let at = rng.pick(&own).map_or(0, |r| r.start);
            return Some(format!("{}{}{}", &text[..at], line, &text[at..]));
        }
    }
    let mut out = String::new();
    for p in parts {
        out.push_str(&p);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    Some(out)
}

/// Writes `text` into `data`, cut to `max_size` on a character boundary.
fn write(data: &mut [u8], text: &str, max_size: usize) -> usize {
    let mut n = text.len().min(max_size).min(data.len());
    while !text.is_char_boundary(n) {
        n -= 1;
    }
    data[..n].copy_from_slice(&text.as_bytes()[..n]);
    n
}

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    let mut rng = Rng::new(seed);
    if rng.below(4) == 0 {
        return fuzzer_mutate(data, size, max_size);
    }
    let text = String::from_utf8_lossy(&data[..size]).into_owned();
    // One to three structural mutations.
    let mut out = text.clone();
    for _ in 0..1 + rng.below(3) {
        if let Some(m) = mutate(&out, &mut rng) {
            out = m;
        }
    }
    if out == text {
        return fuzzer_mutate(data, size, max_size);
    }
    write(data, &out, max_size)
});

fuzz_crossover!(|data1: &[u8], data2: &[u8], out: &mut [u8], seed: u32| {
    let mut rng = Rng::new(seed);
    let a = String::from_utf8_lossy(data1);
    let b = String::from_utf8_lossy(data2);
    let (da, db) = (split(&a), split(&b));
    let mut text = String::new();
    // Declarations of the first parent, some replaced by the second's.
    for r in &da {
        let piece = if !db.is_empty() && rng.below(3) == 0 {
            &b[db[rng.below(db.len())].clone()]
        } else {
            &a[r.clone()]
        };
        text.push_str(piece);
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    let max = out.len();
    write(out, &text, max)
});
