//! Vigie: indicator rules for classified ads.
//!
//! Analysts who fight online pimping write the signs they know (euphemisms,
//! coded prices, moves to messaging apps...) as rules in a small language;
//! Vigie checks the rules, compiles them to a fast matcher, and scans ads,
//! telling for each flagged ad which rules fired and on which words.
//!
//! The modules mirror the pipeline:
//!
//! * [`syntax`]: rule-file text → syntax tree (pest grammar in `grammar/`);
//! * [`check`]: names, types, units, lints → [`check::CheckedPack`] and
//!   [`Diagnostic`]s;
//! * [`compile`]: lexicons → aho-corasick automata, patterns → regex sets;
//! * [`text`]: folding ad text with a map back to the original bytes;
//! * [`scan`]: records → verdicts with evidence.
//!
//! # Example
//!
//! ```
//! let pack = vigie::Pack::from_source("demo.vigie", r#"
//!     pack demo "Démo"
//!       threshold 30
//!
//!     lexicon euphemismes { "moment d'évasion" "douche possible" }
//!
//!     rule euphemisme {
//!       title "Euphémisme de prestation"
//!       level medium
//!       when ad.body has euphemismes
//!       score 30
//!     }
//! "#).map_err(|e| e.to_string())?;
//!
//! let mut scanner = pack.scanner();
//! let ad = scanner.decode(r#"{"id": "a1", "title": "Détente", "body": "Un MOMENT D'ÉVASION, douche possible"}"#)?;
//! let verdict = scanner.scan(&ad);
//!
//! assert!(verdict.flagged);
//! assert_eq!(verdict.rules[0].rule, "euphemisme");
//! let evidence: Vec<&str> = verdict.rules[0].evidence.iter().map(|e| e.text.as_str()).collect();
//! assert_eq!(evidence, ["MOMENT D'ÉVASION", "douche possible"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Diagnostics are returned by value on cold paths (a rule file that does not
// check); boxing them would only add noise.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod cli;
pub mod compile;
pub mod diagnostic;
pub mod fmt;
pub mod lsp;
pub mod quality;
pub mod repl;
pub mod scan;
pub mod source;
pub mod syntax;
pub mod text;
pub mod value;

pub use diagnostic::{Diagnostic, Severity};
pub use scan::{Evidence, FiredRule, Record, RecordError, Scanner, Verdict};
pub use source::Sources;

use check::{Checked, CheckedPack};
use compile::Compiled;
use std::path::Path;
use std::sync::Arc;

/// A checked, compiled rule pack. Immutable and shareable across threads:
/// each thread makes its own [`Scanner`] with [`Pack::scanner`].
#[derive(Clone)]
pub struct Pack {
    compiled: Arc<Compiled>,
    sources: Arc<Sources>,
    warnings: Vec<Diagnostic>,
}

// The promise of the embedding API, checked at compile time.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Pack>();
};

/// Why a pack could not be loaded: a file that could not be read, or
/// diagnostics with at least one error.
#[derive(Debug)]
pub struct LoadError {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    pub io: Option<String>,
}

impl LoadError {
    /// The diagnostics as miette reports.
    pub fn render(&self, options: diagnostic::RenderOptions) -> String {
        match &self.io {
            Some(io) => format!("error: {io}\n"),
            None => diagnostic::render_all(&self.diagnostics, &self.sources, options),
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(io) = &self.io {
            return f.write_str(io);
        }
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        write!(f, "the pack has {errors} error(s)")?;
        if let Some(first) = self.diagnostics.iter().find(|d| d.is_error()) {
            let file = self.sources.get(first.primary.span.file);
            let (line, col) = file.line_col(first.primary.span.start as usize);
            write!(
                f,
                "; first: {}:{line}:{col}: {} {}",
                file.name, first.code, first.message
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// Parses and checks every file of `sources` as one pack.
pub fn analyze(sources: &Sources, default_name: &str) -> Checked {
    let mut decls = Vec::new();
    let mut parse_diags = Vec::new();
    for (id, file) in sources.files.iter().enumerate() {
        let (d, diags) = syntax::parse_file(id as source::FileId, &file.text);
        decls.extend(d);
        parse_diags.extend(diags);
    }
    let mut checked = check::check(sources, &decls, default_name);
    parse_diags.append(&mut checked.diagnostics);
    parse_diags.sort_by_key(|d| (d.primary.span.file, d.primary.span.start, d.severity));
    checked.diagnostics = parse_diags;
    checked
}

/// Parses and checks the files of `sources` as a pack, and the file
/// `expr_file` as one expression in its context (the REPL's input).
/// Returns the checked pack (with the expression's texts among its
/// sources), and the expression's type and checked form when it parsed.
pub fn analyze_expr(
    sources: &Sources,
    default_name: &str,
    expr_file: source::FileId,
) -> (Checked, Option<(value::Type, check::Ir)>) {
    let mut decls = Vec::new();
    let mut diags = Vec::new();
    for (id, file) in sources.files.iter().enumerate() {
        if id as source::FileId != expr_file {
            let (d, ds) = syntax::parse_file(id as source::FileId, &file.text);
            decls.extend(d);
            diags.extend(ds);
        }
    }
    let text = &sources.get(expr_file).text;
    let (mut checked, typed) = match syntax::parse_expr(expr_file, text) {
        Ok((expr, parse_diags)) => {
            diags.extend(parse_diags);
            let (checked, ty, ir) = check::check_with_expr(sources, &decls, default_name, &expr);
            (checked, Some((ty, ir)))
        }
        Err(diag) => {
            diags.push(diag);
            (check::check(sources, &decls, default_name), None)
        }
    };
    diags.append(&mut checked.diagnostics);
    diags.sort_by_key(|d| (d.primary.span.file, d.primary.span.start, d.severity));
    checked.diagnostics = diags;
    (checked, typed)
}

/// Reads the `.vigie` files of a pack: a directory (its `*.vigie` files,
/// sorted by name, not recursive) or a single file.
pub fn read_sources(path: &Path) -> Result<Sources, String> {
    let mut sources = Sources::default();
    let files = if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "vigie") && p.is_file())
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(format!("{} holds no .vigie file", path.display()));
        }
        if let Some(out) = files.iter().find(|f| !inside_pack_folder(path, f)) {
            return Err(format!(
                "{} is a link to a file outside the pack's folder; a pack reads only \
                 its own folder (copy the file in instead)",
                out.display()
            ));
        }
        files
    } else {
        vec![path.to_path_buf()]
    };
    for file in files {
        let bytes =
            std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            format!(
                "{} is not UTF-8 (byte {})",
                file.display(),
                e.utf8_error().valid_up_to()
            )
        })?;
        sources.add(file.display().to_string(), text);
    }
    Ok(sources)
}

/// Whether `file`, found in the pack folder `dir`, really lies there: a
/// symbolic link to a file elsewhere (`x.vigie` → `~/.ssh/id_rsa`) does
/// not, so a pack shared by someone else cannot make Vigie read, and show
/// in a diagnostic, a file outside its folder. A link within the folder
/// is fine.
pub fn inside_pack_folder(dir: &Path, file: &Path) -> bool {
    match std::fs::symlink_metadata(file) {
        Ok(m) if m.file_type().is_symlink() => {
            let real_dir = std::fs::canonicalize(dir).ok();
            std::fs::canonicalize(file)
                .ok()
                .is_some_and(|target| target.parent() == real_dir.as_deref())
        }
        Ok(_) => true,
        Err(_) => false,
    }
}

/// The name a pack gets when it has no `pack` declaration.
pub fn default_pack_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pack".to_string())
}

impl Pack {
    /// Loads a pack from a directory of `.vigie` files or from one file.
    pub fn load(path: impl AsRef<Path>) -> Result<Pack, LoadError> {
        let path = path.as_ref();
        let sources = read_sources(path).map_err(|io| LoadError {
            sources: Sources::default(),
            diagnostics: Vec::new(),
            io: Some(io),
        })?;
        Pack::from_sources(sources, &default_pack_name(path))
    }

    /// Builds a pack from one text. `name` is the file name shown in
    /// diagnostics.
    pub fn from_source(name: &str, text: &str) -> Result<Pack, LoadError> {
        let mut sources = Sources::default();
        sources.add(name, text);
        Pack::from_sources(sources, &default_pack_name(Path::new(name)))
    }

    /// Builds a pack from files already read.
    pub fn from_sources(sources: Sources, default_name: &str) -> Result<Pack, LoadError> {
        let checked = analyze(&sources, default_name);
        if checked.has_errors() {
            return Err(LoadError {
                sources,
                diagnostics: checked.diagnostics,
                io: None,
            });
        }
        let warnings = checked.diagnostics;
        let compiled = compile::compile(checked.pack).map_err(|io| LoadError {
            sources: sources.clone(),
            diagnostics: Vec::new(),
            io: Some(io),
        })?;
        Ok(Pack {
            compiled: Arc::new(compiled),
            sources: Arc::new(sources),
            warnings,
        })
    }

    /// Compiles a pack that [`analyze`] or [`analyze_expr`] checked without
    /// errors.
    pub fn from_checked(sources: Sources, checked: Checked) -> Result<Pack, LoadError> {
        if checked.has_errors() {
            return Err(LoadError {
                sources,
                diagnostics: checked.diagnostics,
                io: None,
            });
        }
        let compiled = compile::compile(checked.pack).map_err(|io| LoadError {
            sources: sources.clone(),
            diagnostics: Vec::new(),
            io: Some(io),
        })?;
        Ok(Pack {
            compiled: Arc::new(compiled),
            sources: Arc::new(sources),
            warnings: checked.diagnostics,
        })
    }

    /// A scanner for this pack (one per thread).
    pub fn scanner(&self) -> Scanner {
        Scanner::new(Arc::clone(&self.compiled))
    }

    /// The checked declarations: rules, lexicons, schema...
    pub fn checked(&self) -> &CheckedPack {
        &self.compiled.pack
    }

    pub fn compiled(&self) -> &Arc<Compiled> {
        &self.compiled
    }

    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// Warnings found while checking (the pack has no errors).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}
