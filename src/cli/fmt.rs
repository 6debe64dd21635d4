//! `vigie fmt [--check] PATH...`: the canonical layout, in place.
//!
//! Paths are files or directories (every `.vigie` file below them). With
//! `--check`, nothing is written: files that would change are named and the
//! status is 1. A file that does not parse is reported and left alone
//! (status 2).

use super::render_options;
use crate::diagnostic::render_all;
use crate::fmt::format_source;
use crate::source::Sources;
use std::path::{Path, PathBuf};

pub fn run(paths: &[PathBuf], check: bool, color: bool) -> u8 {
    let mut files = Vec::new();
    for path in paths {
        if let Err(e) = collect(path, &mut files) {
            eprintln!("error: {e}");
            return 2;
        }
    }
    let mut changed = 0;
    let mut broken = 0;
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", file.display());
                broken += 1;
                continue;
            }
        };
        match format_source(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                changed += 1;
                if check {
                    println!("{}", file.display());
                } else if let Err(e) = std::fs::write(file, formatted) {
                    eprintln!("error: cannot write {}: {e}", file.display());
                    broken += 1;
                }
            }
            Err(diags) => {
                broken += 1;
                let mut sources = Sources::default();
                sources.add(file.display().to_string(), text);
                eprint!("{}", render_all(&diags, &sources, render_options(color)));
            }
        }
    }
    if check && changed > 0 {
        eprintln!(
            "{changed} file{} would be reformatted; run `vigie fmt` on {}",
            if changed == 1 { "" } else { "s" },
            if changed == 1 { "it" } else { "them" }
        );
    }
    if broken > 0 {
        2
    } else {
        u8::from(check && changed > 0)
    }
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            if entry.is_dir() || entry.extension().is_some_and(|x| x == "vigie") {
                collect(&entry, out)?;
            }
        }
        Ok(())
    } else if path.exists() {
        out.push(path.to_path_buf());
        Ok(())
    } else {
        Err(format!("{} does not exist", path.display()))
    }
}
