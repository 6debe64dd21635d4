//! Every pack under `rules/`, scanned over its sample data, kept as an insta
//! snapshot: a change to a rule shows up as a reviewable diff of verdicts
//! (review with `cargo insta review`).

use std::path::Path;

/// Verdicts of `pack` on a JSON Lines file, one line per record (flagged or
/// not), with the record's label when it has one.
fn verdicts(pack: &vigie::Pack, data: &Path) -> String {
    let mut scanner = pack.scanner();
    let mut out = String::new();
    for (i, line) in std::fs::read_to_string(data).unwrap().lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record = scanner
            .decode(line)
            .unwrap_or_else(|e| panic!("{}:{}: {e}", data.display(), i + 1));
        let verdict = scanner.scan(&record);
        out.push_str(&serde_json::to_string(&verdict).unwrap());
        out.push('\n');
    }
    out
}

#[test]
fn french_pack_on_the_bundled_ads() {
    let pack = vigie::Pack::load("rules/fr").unwrap_or_else(|e| panic!("{e}"));
    assert!(pack.warnings().is_empty(), "the French pack has warnings");
    insta::assert_snapshot!(verdicts(&pack, Path::new("examples/annonces.jsonl")));
}
