//! The formatter's promises, on every rule file of the repository: it is
//! idempotent, and it never changes what a pack means (same checked
//! declarations, same verdicts on the pack's data).

use std::path::{Path, PathBuf};
use std::process::Command;
use vigie::check::CheckedPack;
use vigie::fmt::format_source;

fn vigie_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            vigie_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "vigie") {
            out.push(path);
        }
    }
}

fn all_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    vigie_files(Path::new("rules"), &mut files);
    vigie_files(Path::new("tests/fmt_inputs"), &mut files);
    assert!(files.len() >= 5, "expected rule files, found {files:?}");
    files
}

#[test]
fn formatting_is_idempotent() {
    for file in all_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let once = format_source(&text).unwrap_or_else(|d| panic!("{}: {d:#?}", file.display()));
        let twice = format_source(&once).unwrap();
        assert_eq!(once, twice, "{} is not stable under fmt", file.display());
    }
}

#[test]
fn formatting_keeps_every_comment() {
    for file in all_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let formatted = format_source(&text).unwrap();
        let comments = |s: &str| -> Vec<String> {
            vigie::fmt::scan_comments(s)
                .iter()
                .map(|c| s[c.start..c.end].trim_end().to_string())
                .collect()
        };
        assert_eq!(comments(&text), comments(&formatted), "{}", file.display());
    }
}

/// What a pack means: everything the checker resolved, without spans.
fn meaning(pack: &CheckedPack) -> String {
    let mut out = format!(
        "{:?}\n{:?}\n",
        pack.meta,
        pack.schema
            .fields
            .iter()
            .map(|f| (&f.name, &f.ty))
            .collect::<Vec<_>>()
    );
    for l in &pack.lexicons {
        let terms: Vec<_> = l.terms.iter().map(|t| (&t.text, t.prefix)).collect();
        out.push_str(&format!(
            "lexicon {} {:?} {} {terms:?}\n",
            l.name, l.fold, l.synthetic
        ));
    }
    for p in &pack.patterns {
        out.push_str(&format!("pattern {} {} {:?}\n", p.name, p.raw, p.regex));
    }
    out.push_str(&format!(
        "atoms {:?}\nsources {:?}\n",
        pack.atoms, pack.sources
    ));
    for l in &pack.lets {
        out.push_str(&format!("let {} {} {:?}\n", l.name, l.ty, l.value));
    }
    for r in &pack.rules {
        out.push_str(&format!(
            "rule {} {:?} {:?} {:?} {:?} {:?} {} {:?} {:?}\n",
            r.name, r.title, r.level, r.tags, r.reference, r.note, r.score, r.when, r.required
        ));
    }
    for t in &pack.tests {
        let ads: Vec<_> = t
            .ads
            .iter()
            .map(|a| {
                a.fields
                    .iter()
                    .map(|(n, v)| (&n.text, v))
                    .collect::<Vec<_>>()
            })
            .collect();
        let expectations: Vec<String> = t
            .expectations
            .iter()
            .map(|(e, _)| match e {
                vigie::syntax::ast::Expectation::Rule { rule, on } => {
                    format!("rule {} {:?}", rule.text, on.map(|o| o.0))
                }
                vigie::syntax::ast::Expectation::NotRule { rule, on } => {
                    format!("not {} {:?}", rule.text, on.map(|o| o.0))
                }
                vigie::syntax::ast::Expectation::Nothing => "nothing".into(),
                vigie::syntax::ast::Expectation::Score { op, value, .. } => {
                    format!("score {op:?} {value}")
                }
            })
            .collect();
        out.push_str(&format!("test {} {ads:?} {expectations:?}\n", t.name));
    }
    out
}

fn pack_from(files: &[(String, String)], name: &str) -> vigie::Pack {
    let mut sources = vigie::Sources::default();
    for (path, text) in files {
        sources.add(path.clone(), text.clone());
    }
    vigie::Pack::from_sources(sources, name).unwrap_or_else(|e| panic!("{e}"))
}

fn verdicts(pack: &vigie::Pack, data: &Path) -> Vec<String> {
    let mut scanner = pack.scanner();
    std::fs::read_to_string(data)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::to_string(&scanner.scan(&scanner.decode(l).unwrap())).unwrap())
        .collect()
}

#[test]
fn formatting_never_changes_meaning() {
    let mut packs: Vec<PathBuf> = std::fs::read_dir("rules")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    packs.push(PathBuf::from("tests/fmt_inputs"));
    for dir in packs {
        let mut files = Vec::new();
        vigie_files(&dir, &mut files);
        let original: Vec<(String, String)> = files
            .iter()
            .map(|f| (f.display().to_string(), std::fs::read_to_string(f).unwrap()))
            .collect();
        let formatted: Vec<(String, String)> = original
            .iter()
            .map(|(p, t)| (p.clone(), format_source(t).unwrap()))
            .collect();
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let before = pack_from(&original, &name);
        let after = pack_from(&formatted, &name);
        assert_eq!(
            meaning(before.checked()),
            meaning(after.checked()),
            "{}",
            dir.display()
        );

        let mut data: Vec<PathBuf> = Vec::new();
        let fixtures = dir.join("fixtures");
        if fixtures.is_dir() {
            for e in std::fs::read_dir(fixtures).unwrap() {
                data.push(e.unwrap().path());
            }
        }
        if name == "fr" {
            data.push(PathBuf::from("examples/annonces.jsonl"));
        }
        for d in data {
            assert_eq!(
                verdicts(&before, &d),
                verdicts(&after, &d),
                "{} on {}",
                dir.display(),
                d.display()
            );
        }
    }
}

#[test]
fn fmt_check_names_files_and_fmt_rewrites_them() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let file = dir.join("messy.vigie");
    std::fs::copy("tests/fmt_inputs/messy.vigie", &file).unwrap();
    let vigie = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args(args)
            .output()
            .unwrap()
    };

    let o = vigie(&["fmt", "--check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        file.display().to_string()
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 file would be reformatted"));

    let o = vigie(&["fmt", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let o = vigie(&["fmt", "--check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "");

    std::fs::write(dir.join("broken.vigie"), "rule r { when }\n").unwrap();
    let o = vigie(&["fmt", "--check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("E0001"));
    assert_eq!(
        std::fs::read_to_string(dir.join("broken.vigie")).unwrap(),
        "rule r { when }\n"
    );
}
