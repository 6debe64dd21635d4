//! Every pack under `rules/`, scanned over its fixtures (and the French pack
//! over the bundled ads), kept as insta snapshots: a change to a rule shows
//! up as a reviewable diff of verdicts (`cargo insta review`).

use std::path::{Path, PathBuf};

/// Verdicts of `pack` on a JSON Lines file, one line per record (flagged or
/// not).
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

fn packs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("rules")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_pack_on_its_fixtures() {
    let mut seen = 0;
    for dir in packs() {
        let pack = vigie::Pack::load(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert!(pack.warnings().is_empty(), "{} has warnings", dir.display());
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let mut fixtures: Vec<PathBuf> = std::fs::read_dir(dir.join("fixtures"))
            .unwrap_or_else(|_| panic!("{} needs a fixtures/ folder", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        fixtures.sort();
        assert!(!fixtures.is_empty(), "{} has no fixtures", dir.display());
        for fixture in fixtures {
            let stem = fixture.file_stem().unwrap().to_string_lossy().to_string();
            insta::assert_snapshot!(format!("{name}__{stem}"), verdicts(&pack, &fixture));
            seen += 1;
        }
    }
    assert!(seen > 0);
}

#[test]
fn french_pack_on_the_bundled_ads() {
    let pack = vigie::Pack::load("rules/fr").unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!(verdicts(&pack, Path::new("examples/annonces.jsonl")));
}
