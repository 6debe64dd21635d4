//! Replays every input of `tests/regressions/` (at the repository root)
//! through the fuzz target it was found by, named by its prefix:
//! `parse_check-*`, `parse_mutate-*`, `records-*`, `text-*`, `lsp-*`
//! (`lsp-*.jsonl`: a session written as a script, see
//! `vigie_fuzz::lsp::run_script`; other `lsp-*` files: libFuzzer bytes).
//!
//! `cd fuzz && cargo test --no-default-features` (stable, no sanitizer,
//! without building libFuzzer, so no C++ compiler needed; plain `cargo
//! test` also builds the fuzz targets). An input whose bug is not fixed
//! yet fails here with the target's panic message.

use std::path::PathBuf;

#[test]
fn regressions() {
    // Every check on, whatever the shell says.
    std::env::remove_var("VIGIE_FUZZ_KNOWN");
    let dir = PathBuf::from(vigie_fuzz::repo()).join("tests/regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/regressions")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && !p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    let mut failed = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(file).unwrap();
        let target: fn(&[u8]) = match name.split('-').next().unwrap_or("") {
            "parse_check" | "parse_mutate" => vigie_fuzz::pack_bytes,
            "records" => vigie_fuzz::records::run,
            "text" => vigie_fuzz::text::run,
            "lsp" if name.ends_with(".jsonl") => vigie_fuzz::lsp::run_script,
            "lsp" => vigie_fuzz::lsp::run_bytes,
            other => panic!("{name}: unknown target prefix {other:?}"),
        };
        eprintln!("replaying {name}");
        if std::panic::catch_unwind(|| target(&data)).is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} regression inputs still fail: {failed:?}",
        failed.len(),
        files.len()
    );
}
