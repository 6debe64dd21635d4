//! Hostile input (issue 9): each case either gets a clear error naming its
//! limit, or is handled in bounded time. The figures of the big cases (a
//! 50 MB rule file, a million-term lexicon, a 100 MB ad) are measured with
//! the release binary and written in `docs/limits.md`; here are the cases
//! small enough for every test run, and the known slow one, ignored until
//! it is fixed (`cargo test --release --test hostile -- --ignored`).

use std::time::{Duration, Instant};
use vigie::{Pack, Sources};

fn codes(text: &str) -> Vec<&'static str> {
    let mut sources = Sources::default();
    sources.add("hostile.vigie", text);
    vigie::analyze(&sources, "hostile")
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_str())
        .collect()
}

const HEAD: &str = "pack h\n  threshold 10\n";

#[test]
fn a_hundred_thousand_parentheses_are_refused_with_e0009() {
    let n = 100_000;
    let text = format!(
        "{HEAD}rule r {{\n  when {}ad.body has \"x\"{}\n  score 10\n}}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    let t = Instant::now();
    assert_eq!(codes(&text), ["E0009"]);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}

#[test]
fn a_hundred_thousand_operators_are_refused_with_e0009() {
    for op in ["and", "or"] {
        let cond = vec!["ad.body has \"x\""; 100_000].join(&format!(" {op} "));
        let text = format!("{HEAD}rule r {{\n  when {cond}\n  score 10\n}}\n");
        assert_eq!(codes(&text), ["E0009"], "{op}");
    }
    let text = format!("{HEAD}let n = 1{}\n", " + 1".repeat(100_000));
    assert_eq!(codes(&text), ["E0009"]);
    let text = format!("{HEAD}let n = {}true\n", "not ".repeat(100_000));
    assert_eq!(codes(&text), ["E0009"]);
}

#[test]
fn a_regex_with_a_huge_automaton_is_refused_with_e0302() {
    for re in [
        r"\w{1000}\w{1000}",
        r"(?:\w{100}){100}",
        r"[\p{L}\p{N}]{5000}",
    ] {
        let text = format!(
            "{HEAD}pattern p = re\"{re}\"\nrule r {{\n  when ad.body has p\n  score 10\n}}\n"
        );
        let t = Instant::now();
        assert_eq!(codes(&text), ["E0302"], "{re}");
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "{re}: {:?}",
            t.elapsed()
        );
    }
}

/// A lexicon of 100,000 terms checks, compiles and scans (the million-term
/// case is measured in docs/limits.md).
#[test]
fn a_lexicon_of_a_hundred_thousand_terms_compiles_and_matches() {
    let mut text = format!("{HEAD}lexicon big {{\n");
    for i in 0..100_000 {
        text.push_str(&format!("  \"terme{i} mot{}\"\n", i % 977));
    }
    text.push_str("}\nrule r {\n  when ad.body has big\n  score 10\n}\n");
    let pack = Pack::from_source("big", &text).expect("the pack loads");
    let mut scanner = pack.scanner();
    let ad = scanner
        .decode(r#"{"id":"1","title":"t","body":"Voici terme99999 mot345 ici"}"#)
        .unwrap();
    let verdict = scanner.scan(&ad);
    assert!(verdict.flagged, "{verdict:?}");
}

/// Each hit of a rule becomes evidence, deduplicated. The deduplication in
/// `src/scan/eval.rs` (`push_evidence`, `push_item_evidence`) searches the
/// evidence gathered so far (`Vec::contains`), so an ad with n hits costs
/// n² comparisons: a 1 MB body repeating a lexicon term takes 12 s with the
/// French pack, a 16 MiB one (under the default line limit) most of an
/// hour. Ignored until the deduplication is linear (a `HashSet` beside the
/// vector, or one sort + dedup at the end of the rule).
#[test]
#[ignore = "quadratic evidence deduplication in src/scan/eval.rs (issue 9; see docs/limits.md)"]
fn many_hits_in_one_ad_are_collected_in_linear_time() {
    let pack = Pack::from_source(
        "h",
        &format!(
            "{HEAD}lexicon l {{ \"rose\" }}\nrule r {{\n  when ad.body has l\n  score 10\n}}\n"
        ),
    )
    .unwrap();
    let mut scanner = pack.scanner();
    let mut time = |n: usize| {
        let body = "rose ".repeat(n);
        let line = format!(r#"{{"id":"1","title":"t","body":"{body}"}}"#);
        let ad = scanner.decode(&line).unwrap();
        let t = Instant::now();
        let verdict = scanner.scan(&ad);
        assert!(verdict.flagged);
        t.elapsed()
    };
    let small = time(5_000);
    let big = time(50_000);
    // Linear: 10 times the hits, about 10 times the time (not 100).
    assert!(
        big < small * 30 + Duration::from_millis(200),
        "5,000 hits: {small:?}; 50,000 hits: {big:?}"
    );
}
