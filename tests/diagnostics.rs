//! Diagnostic snapshot tests, in the style of Gleam's: one line of Vigie
//! per test, its rendered diagnostics kept as an insta snapshot
//! (`tests/snapshots/diagnostics__NAME.snap`, the source line is in the
//! snapshot's `description`).
//!
//! Each test also asserts that the code it is about is reported, so a test
//! fails for a real reason and not only because a snapshot changed.
//!
//! A few tests need two lines: a file is cut into declarations at column-0
//! keywords and each piece holds one declaration, so whatever involves two
//! declarations (a duplicate, a use of a lexicon, a pack and a rule) cannot
//! be written on one line. Those say so in a comment.
//!
//! To update the snapshots: `INSTA_UPDATE=always cargo test --test
//! diagnostics` (or `cargo insta test --test diagnostics` and review).

use std::collections::BTreeSet;
use vigie::diagnostic::{Code, RenderOptions};
use vigie::{Diagnostic, Sources};

// ---------------------------------------------------------------- harness

const FILE: &str = "test.vigie";

/// How the snapshots render: no colour, 100 columns.
const PLAIN: RenderOptions = RenderOptions {
    color: false,
    width: 100,
};

fn analyze(source: &str) -> (Sources, Vec<Diagnostic>) {
    let mut sources = Sources::default();
    sources.add(FILE, source);
    let checked = vigie::analyze(&sources, "test");
    (sources, checked.diagnostics)
}

/// The rendered diagnostics of `source`, without W0005 (no pack
/// declaration) and W0001 (unused), which nearly every one-line test would
/// otherwise carry.
fn report(source: &str) -> String {
    report_keeping(source, None)
}

/// Like [`report`], but keeps `keep` even when it is W0005 or W0001 (for
/// the tests about those two warnings).
fn report_keeping(source: &str, keep: Option<&str>) -> String {
    let (sources, diagnostics) = analyze(source);
    let options = PLAIN;
    let rendered: Vec<String> = diagnostics
        .iter()
        .filter(|d| shown(d, keep))
        .map(|d| vigie::diagnostic::render(d, &sources, options))
        .collect();
    if rendered.is_empty() {
        "(no diagnostics)\n".to_string()
    } else {
        rendered.join("\n")
    }
}

fn shown(d: &Diagnostic, keep: Option<&str>) -> bool {
    let noisy = matches!(d.code, Code::MissingPack | Code::UnusedDeclaration);
    !noisy || keep == Some(d.code.as_str())
}

/// Asserts that `code` is among the diagnostics of `source`.
fn assert_reports(code: &str, source: &str) {
    let (_, diagnostics) = analyze(source);
    assert!(
        diagnostics.iter().any(|d| d.code.as_str() == code),
        "expected {code} for {source:?}, got {:?}",
        diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect::<Vec<_>>()
    );
}

/// `diag!(test_name, "CODE", "source")`: a test that snapshots the report
/// of `source` and asserts that `CODE` is reported.
macro_rules! diag {
    ($name:ident, $code:literal, $src:expr) => {
        #[test]
        fn $name() {
            let source: &str = $src;
            assert_reports($code, source);
            insta::with_settings!({
                description => source,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(report_keeping(source, Some($code)));
            });
        }
    };
}

/// Wraps the `diag!` lines so that their sources are also listed in
/// `CASES`, for the tests that look at every diagnostic at once.
macro_rules! cases {
    ($( diag!($name:ident, $code:literal, $src:expr); )*) => {
        $( diag!($name, $code, $src); )*

        /// (test name, expected code, source) of every `diag!` test.
        const CASES: &[(&str, &str, &str)] = &[ $( (stringify!($name), $code, $src), )* ];
    };
}

// ---------------------------------------------------------------- cases

cases! {
    // ------------------------------------------------ E00xx: syntax

    diag!(syntax_error_after_has, "E0001", r#"rule r { when ad.body has }"#);
    diag!(syntax_error_single_equals, "E0001", r#"rule r { when ad.city = "Paris" score 10 }"#);
    diag!(syntax_error_ampersands, "E0001", r#"rule r { when ad.body has "a" && ad.body has "b" score 10 }"#);
    diag!(unterminated_string, "E0002", r#"rule r { title "Tarif horaire when true score 10 }"#);
    diag!(invalid_escape, "E0003", r#"rule r { title "C:\dossier" when ad.body has "x" score 10 }"#);
    diag!(invalid_unicode_escape, "E0003", r#"lexicon l { "caf\u00e9" }"#);
    diag!(unknown_declaration_did_you_mean_rule, "E0004", r#"rul tarif { when ad.body has "x" score 10 }"#);
    diag!(unknown_declaration_french_regle, "E0004", r#"regle tarif { when ad.body has "x" score 10 }"#);
    diag!(unknown_declaration_no_suggestion, "E0004", r#"indicateur tarif { when ad.body has "x" score 10 }"#);
    diag!(reserved_name_lexicon, "E0005", r#"lexicon count { "comptage" }"#);
    diag!(reserved_name_field, "E0005", r#"schema ad { body: text, distinct: text }"#);
    diag!(unknown_fold, "E0006", r#"lexicon l fold(cases) { "massage" }"#);
    diag!(unknown_fold_no_suggestion, "E0006", r#"lexicon l fold(phonetic) { "massage" }"#);
    diag!(unknown_unit_glued, "E0007", r#"rule r { when ad.posted_at - ad.posted_at < 3j score 10 }"#);
    diag!(unknown_unit_euros, "E0007", r#"rule r { when ad.price < 150euros score 10 }"#);
    diag!(too_deep, "E0009", "let x = (((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))");
    diag!(unknown_level, "E0008", r#"rule r { level hight when ad.body has "x" score 10 }"#);
    diag!(unknown_level_no_suggestion, "E0008", r#"rule r { level urgent when ad.body has "x" score 10 }"#);

    // ------------------------------------------------ E01xx: names

    // Two lines: a duplicate needs two declarations.
    diag!(duplicate_name, "E0101", "lexicon tarif { \"prix\" }\nrule tarif { when ad.body has tarif score 10 }");
    diag!(unknown_name_did_you_mean_variable, "E0102", r#"rule r { when any([ad.title, ad.body], texte => textes has "x") score 10 }"#);
    // Two lines: the lexicon the help line suggests must be declared.
    diag!(unknown_lexicon_did_you_mean, "E0102", "lexicon euphemismes { \"douche possible\" }\nrule r { when ad.body has euphemisme score 10 }");
    diag!(unknown_lexicon_no_suggestion, "E0102", r#"rule r { when ad.body has euphemismes score 10 }"#);
    diag!(unknown_name_is_a_field, "E0102", r#"rule r { when len(body) > 200 score 10 }"#);
    diag!(unknown_field, "E0103", r#"rule r { when ad.bdy has "x" score 10 }"#);
    diag!(unknown_field_no_suggestion, "E0103", r#"rule r { when ad.telephone has "x" score 10 }"#);
    diag!(unknown_function, "E0104", r#"rule r { when lenn(ad.body) > 200 score 10 }"#);
    diag!(unknown_type, "E0105", r#"schema ad { body: text, price: euros }"#);
    diag!(unknown_type_list_without_element, "E0105", r#"schema ad { body: text, tags: list }"#);
    diag!(duplicate_field, "E0106", r#"schema ad { body: text, body: text }"#);
    diag!(cyclic_let, "E0107", r#"let texte = texte + ad.body"#);
    // Two lines: two `pack` declarations each start at column 0.
    diag!(two_pack_declarations, "E0108", "pack fr threshold 60\npack fr2 threshold 60");
    diag!(duplicate_property, "E0109", r#"rule r { when ad.body has "x" when ad.title has "y" score 10 }"#);
    diag!(duplicate_score, "E0109", r#"rule r { when ad.body has "x" score 10 score 20 }"#);
    diag!(duplicate_threshold, "E0109", "pack fr threshold 60 threshold 40");
    diag!(duplicate_version, "E0109", r#"pack fr version "1" threshold 60 version "2""#);
    // KNOWN ISSUE (reported): the primary label (the name) lies inside the
    // secondary one (the whole rule, with an empty text), and miette draws
    // "needs `when`" past the end of the line, with a stray `│`.
    diag!(missing_when, "E0110", r#"rule r { title "Tarif" score 10 }"#);
    diag!(missing_when_and_score, "E0110", r#"rule r { title "Tarif" }"#);
    // Two lines: two `schema` declarations each start at column 0.
    diag!(two_schemas, "E0111", "schema ad { body: text }\nschema annonce { title: text }");

    // ------------------------------------------------ E02xx: types

    diag!(money_compared_with_duration, "E0201", r#"rule r { when ad.price < 2h score 10 }"#);
    diag!(money_compared_with_number, "E0201", r#"rule r { when ad.price < 100 score 10 }"#);
    diag!(text_has_no_order, "E0201", r#"rule r { when ad.title < ad.body score 10 }"#);
    diag!(list_of_mixed_types, "E0201", r#"rule r { when len([1, "deux"]) > 1 score 10 }"#);
    diag!(has_a_number, "E0202", r#"rule r { when ad.body has 3 score 10 }"#);
    diag!(has_a_rule, "E0202", r#"rule r { when ad.body has r score 10 }"#);
    diag!(has_on_money, "E0203", r#"rule r { when ad.price has "x" score 10 }"#);
    diag!(when_is_text, "E0204", r#"rule r { when ad.body score 10 }"#);
    diag!(and_operand_is_number, "E0204", r#"rule r { when ad.body has "x" and len(ad.body) score 10 }"#);
    diag!(argument_count, "E0205", r#"rule r { when len(ad.title, ad.body) > 200 score 10 }"#);
    diag!(argument_type, "E0206", r#"rule r { when len(ad.price) > 200 score 10 }"#);
    diag!(argument_type_any_body, "E0206", r#"rule r { when any([ad.title], t => len(t)) score 10 }"#);
    // KNOWN ISSUE (reported): the operand labels lie inside the primary one
    // and are drawn after it, on ` ` and `=`.
    diag!(bad_arithmetic, "E0207", r#"rule r { when ad.title + 3 == "x" score 10 }"#);
    diag!(no_such_member, "E0208", r#"rule r { when ad.price.currency == "EUR" score 10 }"#);
    diag!(no_such_member_did_you_mean, "E0208", r#"rule r { when ad.price.amout > 100 score 10 }"#);
    diag!(misplaced_lambda, "E0209", r#"rule r { when t => t has "x" score 10 }"#);
    // Two lines: the lexicon must be declared to be misused.
    diag!(lexicon_as_value, "E0210", "lexicon euphemismes { \"douche possible\" }\nrule r { when len(euphemismes) > 0 score 10 }");
    diag!(named_argument, "E0211", r#"rule r { when len(text: ad.body) > 200 score 10 }"#);
    diag!(rule_as_value, "E0212", r#"rule r { when r and ad.body has "x" score 10 }"#);
    diag!(stream_aggregate_missing_window, "E0213", r#"rule r { when count(by: ad.phone) > 3 score 10 }"#);
    diag!(stream_aggregate_misspelt_argument, "E0213", r#"rule r { when count(by: ad.phone, wthin: 7d) > 3 score 10 }"#);
    diag!(stream_aggregate_positional, "E0213", r#"rule r { when count(ad.phone, within: 7d) > 3 score 10 }"#);
    // A schema without a time field cannot hold a window.
    diag!(window_without_time, "E0214", r#"schema ad { id: text, body: text, phone: phone? }
rule r { when count(by: ad.phone, within: 24h) >= 5 score 10 }"#);
    diag!(key_cannot_group, "E0215", r#"rule r { when count(by: prices(ad.body), within: 24h) >= 5 score 10 }"#);
    diag!(window_not_literal, "E0216", r#"rule r { when count(by: ad.phone, within: 24) >= 5 score 10 }"#);

    // ------------------------------------------------ E03xx: patterns

    diag!(regex_unclosed_group, "E0301", r#"pattern tarif = re"(\d+\s*€""#);
    diag!(regex_backreference, "E0301", r#"pattern double = re"(\w+) \1""#);
    // Found by fuzzing: regex-syntax's span ended inside `é`.
    diag!(regex_error_inside_a_character, "E0301", r#"pattern p = re"]{é""#);
    // Found by fuzzing: the regex's span stopped before its trailing
    // spaces, so a label at its end ended before it began (26..24).
    diag!(regex_error_after_trailing_spaces, "E0301", r#"pattern p = re"[A-Z]{4,   ""#);
    diag!(regex_too_big, "E0302", r#"pattern enorme = re"(?:\w{100}){100}""#);

    // ------------------------------------------------ E04xx: lexicons

    diag!(empty_lexicon, "E0401", r#"lexicon vide { }"#);
    diag!(empty_term, "E0402", r#"lexicon l { "massage" "" }"#);
    diag!(empty_term_after_folding, "E0402", r#"lexicon l { "massage" "   " }"#);
    diag!(empty_has_literal, "E0402", r#"rule r { when ad.body has "" score 10 }"#);
    // KNOWN ISSUE (reported): "here" is drawn after the closing quote, not
    // under the `*` (the primary label lies inside the secondary one).
    diag!(misplaced_star, "E0403", r#"lexicon l { "ma*sseuse" }"#);
    // Found by reading the checker after a fuzz bug of the same kind: the
    // label was placed by the star's offset in the decoded term, so the
    // escape before it put the label inside `é`.
    diag!(misplaced_star_after_an_escape, "E0403", r#"lexicon l { "\né*x" }"#);
    // The header's column counts `é` as one character, not two bytes.
    diag!(misplaced_star_after_an_accent, "E0403", r#"lexicon l { "détente", "mas*sage" }"#);

    // ------------------------------------------------ E05xx, E06xx

    diag!(threshold_zero, "E0501", r#"pack fr threshold 0"#);
    diag!(threshold_negative, "E0501", r#"pack fr threshold -10"#);
    diag!(unknown_test_rule, "E0601", r#"test "t" { ad { body: "x" } expect tarif }"#);
    // Two lines: the rule the help line suggests must be declared.
    diag!(unknown_test_rule_did_you_mean, "E0601", "rule tarif { when ad.body has \"x\" score 10 }\ntest \"t\" { ad { body: \"x\" } expect tarf }");
    diag!(unknown_test_field, "E0602", r#"test "t" { ad { bdy: "x" } expect nothing }"#);

    // ------------------------------------------------ warnings

    // KNOWN ISSUE (reported): same nesting problem as E0110, "unused" is
    // drawn past the end of the line.
    diag!(unused_lexicon, "W0001", r#"lexicon euphemismes { "douche possible" }"#);
    diag!(duplicate_term, "W0002", r#"lexicon l { "massage" "MASSAGE" }"#);
    diag!(short_term, "W0003", r#"lexicon l { "ab" }"#);
    // Two lines: the threshold and the rules are two declarations.
    diag!(unreachable_threshold, "W0004", "pack fr threshold 60\nrule r { when ad.body has \"x\" score 10 }");
    diag!(missing_pack, "W0005", r#"rule r { when ad.body has "x" score 10 }"#);
    diag!(zero_score, "W0006", r#"rule r { when ad.body has "x" score 0 }"#);
}

// ---------------------------------------------------------------- whole packs

/// Five declarations, five different mistakes.
const FIVE_MISTAKES: &str = r#"pack demo "Démo"
  threshold 30

lexicon euphemismes { "douche possible" "moment d'évasion" }

rul tarif { when ad.body has "x" score 10 }

rule euphemisme_prestation {
  when ad.body has euphemisme
  score 30
}

rule prix {
  when ad.price < 2h
  score 20
}

pattern tarif_horaire = re"(\d+\s*€"

rule horaire {
  level hight
  when ad.body has tarif_horaire
  score 20
}
"#;

#[test]
fn five_mistakes_all_reported() {
    let (_, diagnostics) = analyze(FIVE_MISTAKES);
    let errors: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_str())
        .collect();
    // In source order, one each.
    assert_eq!(errors, ["E0004", "E0102", "E0201", "E0301", "E0008"]);
    insta::with_settings!({ description => FIVE_MISTAKES, omit_expression => true }, {
        insta::assert_snapshot!(report(FIVE_MISTAKES));
    });
}

/// The source of every `diag!` case, and the five-mistakes file.
fn every_case() -> impl Iterator<Item = (&'static str, &'static str)> {
    CASES
        .iter()
        .map(|(name, _, src)| (*name, *src))
        .chain([("five_mistakes_all_reported", FIVE_MISTAKES)])
}

/// Every diagnostic of every test has a help line; every error has a
/// non-empty primary span inside the source, on character boundaries.
/// (W0005 points at an empty span on purpose: the place a `pack` would go.)
#[test]
fn every_error_has_help_and_a_span_inside_the_source() {
    let mut problems = Vec::new();
    for (name, source) in every_case() {
        let (_, diagnostics) = analyze(source);
        for d in &diagnostics {
            let span = d.primary.span;
            let (start, end) = (span.start as usize, span.end as usize);
            if d.help.as_deref().is_none_or(|h| h.trim().is_empty()) {
                problems.push(format!("{name}: {} has no help", d.code));
            }
            if !d.is_error() {
                continue;
            }
            if span.file != 0
                || start >= end
                || end > source.len()
                || !source.is_char_boundary(start)
                || !source.is_char_boundary(end)
            {
                problems.push(format!(
                    "{name}: {} has primary span {start}..{end} (source is {} bytes)",
                    d.code,
                    source.len()
                ));
            }
            for label in &d.secondary {
                let (s, e) = (label.span.start as usize, label.span.end as usize);
                if s > e || e > source.len() {
                    problems.push(format!("{name}: {} has secondary span {s}..{e}", d.code));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The tests cover at least 32 distinct codes, and each test's source
/// produces its code (also checked by each test; this one counts them).
#[test]
fn covers_most_codes() {
    let covered: BTreeSet<&str> = CASES.iter().map(|(_, code, _)| *code).collect();
    for code in &covered {
        assert!(Code::parse(code).is_some(), "{code} is not a code");
    }
    assert!(covered.len() >= 32, "only {} codes covered", covered.len());
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !covered.contains(c))
        .collect();
    assert!(missing.is_empty(), "codes without a test: {missing:?}");
}

/// One mistake, one error: no test source reports more errors than it has
/// mistakes (a cascade would show up here before it shows up in a review).
#[test]
fn one_mistake_one_error() {
    let mut cascades = Vec::new();
    for (name, _, source) in CASES {
        let (_, diagnostics) = analyze(source);
        let errors: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        if errors.len() > 1 {
            cascades.push(format!("{name}: {errors:?}"));
        }
    }
    assert!(cascades.is_empty(), "{}", cascades.join("\n"));
}

// ---------------------------------------------------------------- known issues
//
// Each of these asserts what the diagnostic should be and fails today; they
// are ignored so that the suite stays green, and were reported. Run them
// with `cargo test --test diagnostics -- --ignored`. No snapshots.

/// The columns of the `┬` pointers on the underline row below source line 1,
/// counted in characters from the start of the source line.
fn pointer_columns(rendered: &str) -> Vec<usize> {
    let mut lines = rendered.lines();
    let source_row = lines
        .find(|l| l.trim_start().starts_with("1 │"))
        .expect("source row");
    let gutter = source_row.chars().position(|c| c == '│').expect("gutter") + 2;
    let underline = lines.next().expect("underline row");
    underline
        .chars()
        .enumerate()
        .filter(|(_, c)| *c == '┬' || *c == '▲')
        .map(|(i, _)| i - gutter + 1)
        .collect()
}

/// The header of a rendered diagnostic (`test.vigie:LINE:COLUMN`) names
/// the place the JSON output gives, counted in characters: miette alone
/// counts the column in bytes, one too many after each `é`.
#[test]
fn the_header_names_the_place_the_json_gives() {
    let mut problems = Vec::new();
    let mut non_ascii = 0;
    for (name, source) in every_case() {
        let (sources, diagnostics) = analyze(source);
        for d in &diagnostics {
            let rendered = vigie::diagnostic::render(d, &sources, PLAIN);
            let Some(header) = rendered
                .lines()
                .find_map(|l| l.split_once("─[test.vigie:").map(|(_, rest)| rest))
            else {
                continue;
            };
            let json = vigie::diagnostic::to_json(d, &sources);
            let want = format!("{}:{}]", json["primary"]["line"], json["primary"]["column"]);
            if header != want {
                problems.push(format!("{name}: {} header {header}, JSON {want}", d.code));
            }
            let start = d.primary.span.start as usize;
            let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
            non_ascii += usize::from(!source[line_start..start].is_ascii());
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        non_ascii >= 2,
        "the cases should hold headers after non-ASCII text on their line"
    );
}

#[test]
fn nested_label_points_at_its_span() {
    let source = r#"lexicon l { "ma*sseuse" }"#;
    let star = source.find('*').unwrap() + 1;
    let rendered = report(source);
    assert!(
        pointer_columns(&rendered).contains(&star),
        "no pointer under `*` (column {star}):\n{rendered}"
    );
}

#[test]
fn unknown_unit_after_a_space() {
    // The E0007 page gives this very example.
    assert_reports("E0007", r#"rule r { when ad.price < 150 euros score 10 }"#);
}

#[test]
fn missing_closing_brace() {
    let source = r#"rule r { when ad.body has "x" score 10"#;
    let (_, diagnostics) = analyze(source);
    let error = diagnostics
        .iter()
        .find(|d| d.code == Code::Syntax)
        .expect("E0001");
    assert!(!error.primary.span.is_empty(), "empty primary span");
    assert!(error.message.contains("`}`"), "{}", error.message);
}

#[test]
fn broken_schema_ad_is_one_error() {
    let (_, diagnostics) = analyze("schema ad { body text }");
    let codes: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["E0001"]);
}

#[test]
fn lambda_argument_to_len_names_no_unknown_type() {
    let (_, diagnostics) = analyze(r#"rule r { when len(x => 1) > 3 score 10 }"#);
    let error = diagnostics
        .iter()
        .find(|d| d.code == Code::ArgumentType)
        .expect("E0206");
    assert!(!error.message.contains("{unknown}"), "{}", error.message);
}

#[test]
fn adding_two_currencies() {
    // The E0207 page: `+` adds "money (same currency)".
    assert_reports("E0207", r#"rule r { when 100€ + 50 CHF > 3€ score 10 }"#);
}

#[test]
fn test_ad_value_of_the_wrong_type() {
    // The E0602 page: fields must be "of the pack's schema, with values of
    // the right type".
    assert_reports("E0602", r#"test "t" { ad { body: 3 } expect nothing }"#);
}

#[test]
fn hits_with_a_literal_text() {
    let (_, diagnostics) = analyze(r#"rule r { when hits(ad.body, "x") > 1 score 10 }"#);
    let error = diagnostics
        .iter()
        .find(|d| d.code == Code::HasOperand)
        .expect("E0202");
    // The message says why, and the help says what works instead.
    assert!(
        error.message.contains("not a literal text"),
        "{}",
        error.message
    );
    assert!(
        error.help.as_deref().unwrap_or("").contains("`has`"),
        "{:?}",
        error.help
    );
}
