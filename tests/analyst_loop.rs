//! The analyst's loop as a user runs it: `vigie test` and `vigie eval`.

use std::path::Path;
use std::process::{Command, Output};

fn vigie(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigie"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// The figures of tests/eval_inputs, counted by hand (see the comments).
#[test]
fn eval_figures_match_a_hand_count() {
    let o = vigie(&[
        "eval",
        "tests/eval_inputs/pack.vigie",
        "tests/eval_inputs/labelled.jsonl",
        "--format",
        "json",
    ]);
    // Line 9 is not JSON: reported, counted, status 1.
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("tests/eval_inputs/labelled.jsonl:9: invalid JSON"));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // 9 lines read: 8 scanned (one of them, ad 7, without a label), 1 rejected.
    assert_eq!(
        (
            r["read"].as_u64(),
            r["scanned"].as_u64(),
            r["rejected"].as_u64()
        ),
        (Some(9), Some(8), Some(1))
    );
    assert_eq!(r["unlabelled"], 1);
    // Positives: ads 1, 2, 5. Negatives: 3, 4, 6, 8.
    assert_eq!(
        (r["positives"].as_u64(), r["negatives"].as_u64()),
        (Some(3), Some(4))
    );
    // euphemisme fires on 1, 2, 4 (2 true positives); tarif_horaire on 1, 3, 4, 5 (2).
    let rules = r["rules"].as_array().unwrap();
    assert_eq!(rules[0]["rule"], "euphemisme");
    assert_eq!(
        (
            rules[0]["fired"].as_u64(),
            rules[0]["true_positives"].as_u64()
        ),
        (Some(3), Some(2))
    );
    assert!(close(rules[0]["precision"].as_f64().unwrap(), 2.0 / 3.0));
    assert!(close(rules[0]["recall"].as_f64().unwrap(), 2.0 / 3.0));
    assert_eq!(
        (
            rules[1]["fired"].as_u64(),
            rules[1]["true_positives"].as_u64()
        ),
        (Some(4), Some(2))
    );
    assert!(close(rules[1]["precision"].as_f64().unwrap(), 0.5));
    // Scores: 1 → 40, 2 → 30, 3 → 10, 4 → 40, 5 → 10, 6 → 0, 8 → 0.
    // At 30: flagged 1, 2, 4 → TP 2, FP 1, FN 1 (ad 5), TN 3.
    let c = &r["confusion"];
    assert_eq!(
        [
            &c["true_positives"],
            &c["false_positives"],
            &c["false_negatives"],
            &c["true_negatives"]
        ],
        [2, 1, 1, 3]
    );
    assert!(close(r["f1"].as_f64().unwrap(), 2.0 / 3.0));
    // Thresholds that change the result: 10, 30, 40.
    let rows: Vec<(f64, u64, u64)> = r["thresholds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["threshold"].as_f64().unwrap(),
                t["true_positives"].as_u64().unwrap(),
                t["false_positives"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, [(10.0, 3, 2), (30.0, 2, 1), (40.0, 1, 1)]);
    let last = &r["thresholds"][2];
    assert!(close(last["recall"].as_f64().unwrap(), 1.0 / 3.0));
    assert!(close(last["f1"].as_f64().unwrap(), 0.4));
}

#[test]
fn eval_prints_tables_for_people() {
    let o = vigie(&[
        "eval",
        "tests/eval_inputs/pack.vigie",
        "tests/eval_inputs/labelled.jsonl",
    ]);
    let out = text(&o.stdout);
    assert!(
        out.contains("7 labelled ads: 3 suspect, 4 other (1 without a `label` were left out)"),
        "{out}"
    );
    assert!(out.contains("euphemisme"));
    assert!(
        out.contains("precision 66.7%, recall 66.7%, F1 66.7%"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with("30 ") && l.ends_with('◀')),
        "{out}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn the_french_pack_passes_its_own_tests() {
    let o = vigie(&["test", "rules/fr"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(
        passed >= 28,
        "every rule needs a firing and a look-alike test: {passed}"
    );
}

/// Breaking a rule (removing a term) makes `vigie test` fail and say which
/// part of the condition is now false.
#[test]
fn breaking_a_rule_fails_its_test_and_says_why() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    copy_dir(Path::new("rules/fr"), dir);
    let lexicons = dir.join("lexiques.vigie");
    let text_before = std::fs::read_to_string(&lexicons).unwrap();
    let broken = text_before
        .replace("  \"moment d'évasion\"\n", "")
        .replace("  \"moments d'évasion\"\n", "");
    assert_ne!(broken, text_before, "the term to remove is in the pack");
    std::fs::write(&lexicons, broken).unwrap();

    let o = vigie(&["test", dir.to_str().unwrap()]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("✗ "), "{out}");
    assert!(out.contains("did not fire"), "{out}");
    assert!(
        out.contains("why:") && out.contains("✗ texte has euphemismes"),
        "{out}"
    );
    assert!(!out.trim_end().ends_with(" 0 failed"));
}

#[test]
fn test_reports_in_json_and_junit() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let file = dir.join("t.vigie");
    std::fs::write(
        &file,
        r#"pack t
  threshold 30
lexicon euph { "douche possible" }
rule r {
  when ad.body has euph
  score 30
}
test "passes" {
  ad { body: "douche possible" }
  expect r
}
test "fails <here>" {
  ad { body: "rien" }
  expect r
  expect score >= 30
}
"#,
    )
    .unwrap();
    let o = vigie(&["test", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (r["passed"].as_u64(), r["failed"].as_u64()),
        (Some(1), Some(1))
    );
    let failures = r["tests"][1]["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 2);
    assert_eq!(failures[0]["message"], "`r` did not fire");
    assert_eq!(failures[1]["message"], "the score is 0");

    let o = vigie(&["test", file.to_str().unwrap(), "--format", "junit"]);
    let xml = text(&o.stdout);
    assert!(xml.starts_with("<?xml"));
    assert!(
        xml.contains("<testsuite name=\"t\" tests=\"2\" failures=\"1\">"),
        "{xml}"
    );
    assert!(
        xml.contains("<testcase name=\"fails &lt;here&gt;\""),
        "{xml}"
    );
    assert_eq!(xml.matches("<failure ").count(), 2);

    let o = vigie(&["test", file.to_str().unwrap(), "--filter", "passes"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).ends_with("1 passed, 0 failed\n"));
}
