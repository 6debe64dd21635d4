//! Documents and packs.
//!
//! The workspace of a file is its pack: every `.vigie` file of the folder
//! the file is in, open in the editor or not. An open document's text (with
//! its unsaved edits) wins over the file on disk. Each pack is analysed as
//! a whole ([`Analysis`]) when something in it changed and someone asks;
//! only the files whose text changed are parsed again.

use super::convert::{path_to_uri, uri_to_path, LineIndex};
use crate::check::Checked;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Sources, Span};
use crate::syntax::ast::Decl;
use lsp_types::{Location, Position, Range, Url};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// A document the editor has open.
#[derive(Debug, Clone)]
pub struct OpenDoc {
    pub uri: Url,
    pub text: String,
    pub version: i32,
}

/// One file of an analysed pack.
#[derive(Debug)]
pub struct FileInfo {
    pub path: PathBuf,
    pub uri: Url,
    pub index: LineIndex,
    /// The document's version when it is open.
    pub version: Option<i32>,
    /// The file's declarations (parsed alone, `Broken` where they fail).
    pub decls: Vec<Decl>,
}

/// A pack, parsed and checked as a whole.
#[derive(Debug)]
pub struct Analysis {
    pub dir: PathBuf,
    pub sources: Sources,
    pub files: Vec<FileInfo>,
    pub checked: Checked,
}

impl Analysis {
    pub fn file_of(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| i as FileId)
    }

    pub fn file(&self, id: FileId) -> &FileInfo {
        &self.files[id as usize]
    }

    pub fn text(&self, id: FileId) -> &str {
        &self.sources.get(id).text
    }

    pub fn range(&self, span: Span) -> Range {
        let text = self.text(span.file);
        self.file(span.file)
            .index
            .range(text, span.start as usize, span.end as usize)
    }

    pub fn location(&self, span: Span) -> Location {
        Location::new(self.file(span.file).uri.clone(), self.range(span))
    }

    pub fn offset(&self, file: FileId, position: Position) -> usize {
        self.file(file).index.offset(self.text(file), position)
    }

    /// The declaration of `file` that holds `offset` (its end included).
    pub fn decl_at(&self, file: FileId, offset: usize) -> Option<&Decl> {
        self.file(file)
            .decls
            .iter()
            .find(|d| d.span.start as usize <= offset && offset <= d.span.end as usize)
    }
}

/// A file as last parsed.
struct Parsed {
    id: FileId,
    text: Arc<str>,
    decls: Vec<Decl>,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Default)]
struct PackState {
    analysis: Option<Arc<Analysis>>,
    dirty: bool,
    /// Parsed files, by path.
    parsed: HashMap<PathBuf, Parsed>,
    /// Files on disk: path → (modification time, text).
    disk: HashMap<PathBuf, (Option<SystemTime>, Arc<str>)>,
}

#[derive(Default)]
pub struct Workspace {
    pub open: HashMap<PathBuf, OpenDoc>,
    packs: HashMap<PathBuf, PackState>,
}

/// The folder whose `.vigie` files make the pack of `path`.
pub fn pack_dir(path: &Path) -> PathBuf {
    if path.to_string_lossy().starts_with('<') {
        return path.to_path_buf();
    }
    path.parent()
        .map_or_else(|| path.to_path_buf(), Path::to_path_buf)
}

impl Workspace {
    /// Marks the pack of `path` as changed.
    pub fn touch(&mut self, path: &Path) {
        self.packs.entry(pack_dir(path)).or_default().dirty = true;
    }

    pub fn open(&mut self, uri: Url, text: String, version: i32) {
        let path = uri_to_path(&uri);
        self.touch(&path);
        self.open.insert(path, OpenDoc { uri, text, version });
    }

    pub fn close(&mut self, uri: &Url) {
        let path = uri_to_path(uri);
        self.open.remove(&path);
        self.touch(&path);
    }

    /// Packs changed since their last analysis.
    pub fn dirty_packs(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = self
            .packs
            .iter()
            .filter(|(_, p)| p.dirty)
            .map(|(d, _)| d.clone())
            .collect();
        dirs.sort();
        dirs
    }

    /// The analysis of the pack `path` belongs to, made again if something
    /// changed since the last one. `None` when `path` is not a `.vigie`
    /// file of a pack (nor an open document).
    pub fn analysis(&mut self, path: &Path) -> Option<Arc<Analysis>> {
        let dir = pack_dir(path);
        let state = self.packs.entry(dir.clone()).or_default();
        if state.dirty || state.analysis.is_none() {
            let analysis = analyze_pack(&dir, &self.open, state);
            state.analysis = Some(Arc::new(analysis));
            state.dirty = false;
        }
        let analysis = state.analysis.clone()?;
        analysis.file_of(path)?;
        Some(analysis)
    }

    /// The analysis of a pack folder (after a change), whatever its files.
    pub fn analysis_of_dir(&mut self, dir: &Path) -> Arc<Analysis> {
        let state = self.packs.entry(dir.to_path_buf()).or_default();
        if state.dirty || state.analysis.is_none() {
            let analysis = analyze_pack(dir, &self.open, state);
            state.analysis = Some(Arc::new(analysis));
            state.dirty = false;
        }
        state.analysis.clone().expect("just analysed")
    }
}

/// The `.vigie` files of a pack folder, open or on disk, sorted by path
/// (the order `vigie check` reads them in).
///
/// The server reads nothing else: only regular files directly in the
/// folder, and a symbolic link only when it points to a file of the same
/// folder (a link to `~/.ssh/id_rsa` named `x.vigie` is not read, so its
/// text never shows in a diagnostic).
fn pack_files(dir: &Path, open: &HashMap<PathBuf, OpenDoc>) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    if dir.to_string_lossy().starts_with('<') {
        files.push(dir.to_path_buf());
    } else if let Ok(entries) = std::fs::read_dir(dir) {
        let inside = |p: &Path| crate::inside_pack_folder(dir, p);
        files.extend(
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().is_some_and(|x| x == "vigie") && p.is_file() && inside(p)
                }),
        );
    }
    for path in open.keys() {
        if pack_dir(path) == dir && !files.contains(path) {
            files.push(path.clone());
        }
    }
    files.sort();
    files
}

fn read_disk(state: &mut PackState, path: &Path) -> Option<Arc<str>> {
    let mtime = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    if let Some((time, text)) = state.disk.get(path) {
        if *time == mtime && mtime.is_some() {
            return Some(Arc::clone(text));
        }
    }
    let bytes = std::fs::read(path).ok()?;
    let text: Arc<str> = String::from_utf8_lossy(&bytes).into();
    state
        .disk
        .insert(path.to_path_buf(), (mtime, Arc::clone(&text)));
    Some(text)
}

fn analyze_pack(dir: &Path, open: &HashMap<PathBuf, OpenDoc>, state: &mut PackState) -> Analysis {
    let mut sources = Sources::default();
    let mut files = Vec::new();
    let mut decls_all = Vec::new();
    let mut diags = Vec::new();
    let mut parsed = HashMap::new();
    for path in pack_files(dir, open) {
        let (text, version, uri): (Arc<str>, Option<i32>, Option<Url>) = match open.get(&path) {
            Some(doc) => (
                Arc::from(doc.text.as_str()),
                Some(doc.version),
                Some(doc.uri.clone()),
            ),
            None => match read_disk(state, &path) {
                Some(text) => (text, None, None),
                None => continue,
            },
        };
        let Some(uri) = uri.or_else(|| path_to_uri(&path)) else {
            continue;
        };
        let id = sources.add(path.display().to_string(), Arc::clone(&text));
        let entry = match state.parsed.remove(&path) {
            Some(entry) if entry.id == id && *entry.text == *text => entry,
            _ => {
                let (decls, diagnostics) = crate::syntax::parse_file(id, &text);
                Parsed {
                    id,
                    text: Arc::clone(&text),
                    decls,
                    diagnostics,
                }
            }
        };
        decls_all.extend(entry.decls.iter().cloned());
        diags.extend(entry.diagnostics.iter().cloned());
        files.push(FileInfo {
            path: path.clone(),
            uri,
            index: LineIndex::new(&text),
            version,
            decls: entry.decls.clone(),
        });
        parsed.insert(path, entry);
    }
    state.parsed = parsed;
    let name = crate::default_pack_name(dir);
    let name = name.trim_start_matches('<').trim_end_matches('>');
    let mut checked = crate::check::check(&sources, &decls_all, name);
    diags.append(&mut checked.diagnostics);
    diags.sort_by_key(|d| (d.primary.span.file, d.primary.span.start, d.severity));
    checked.diagnostics = diags;
    Analysis {
        dir: dir.to_path_buf(),
        sources,
        files,
        checked,
    }
}
