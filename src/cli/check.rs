//! `vigie check PACK`: every error and warning, as miette reports or JSON.

use super::{render_options, CheckFormat};
use crate::diagnostic::{render_all, to_json};
use std::path::Path;

pub fn run(pack: &Path, format: CheckFormat, color: bool) -> u8 {
    let sources = match crate::read_sources(pack) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let checked = crate::analyze(&sources, &crate::default_pack_name(pack));
    match format {
        CheckFormat::Pretty => {
            if checked.diagnostics.is_empty() {
                let p = &checked.pack;
                eprintln!(
                    "{}: ok ({} rule{}, {} lexicon{}, {} pattern{})",
                    p.meta.name,
                    p.rules.len(),
                    plural(p.rules.len()),
                    p.lexicons.iter().filter(|l| !l.synthetic).count(),
                    plural(p.lexicons.iter().filter(|l| !l.synthetic).count()),
                    p.patterns.len(),
                    plural(p.patterns.len()),
                );
            } else {
                eprint!(
                    "{}",
                    render_all(&checked.diagnostics, &sources, render_options(color))
                );
            }
        }
        CheckFormat::Json => {
            let list: Vec<_> = checked
                .diagnostics
                .iter()
                .map(|d| to_json(d, &sources))
                .collect();
            println!("{}", serde_json::Value::Array(list));
        }
    }
    u8::from(checked.has_errors())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
