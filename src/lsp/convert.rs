//! Conversions at the protocol's edge: byte offsets (everything inside
//! Vigie) to and from LSP positions (line and UTF-16 code unit, as the
//! protocol requires), spans to ranges, URIs to paths.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};
use std::path::{Path, PathBuf};

/// The start of every line of a text, for offset ↔ position conversions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The position of a byte offset (clamped to the text, and moved back
    /// to a character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = crate::source::floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of a position. A line past the end gives the end of
    /// the text; a character past the end of its line gives the end of the
    /// line; a position inside a surrogate pair gives the character's start.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(text.len(), |&next| next - 1);
        let line = &text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            let next = units + c.len_utf16();
            if next > position.character as usize {
                return start + i;
            }
            units = next;
        }
        start + line.len()
    }

    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
}

/// Applies one `didChange` content change (a range edit, or the whole text
/// when it has no range).
pub fn apply_change(text: &mut String, change: &TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text.clone(),
        Some(range) => {
            let index = LineIndex::new(text);
            let start = index.offset(text, range.start);
            let end = index.offset(text, range.end).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

/// The path a document URI stands for. A URI that is not a file (an
/// unsaved `untitled:` buffer) gets a made-up path that is its own pack.
pub fn uri_to_path(uri: &Url) -> PathBuf {
    if uri.scheme() == "file" {
        if let Ok(path) = uri.to_file_path() {
            return path;
        }
    }
    PathBuf::from(format!("<{uri}>"))
}

/// The URI of a path made by [`uri_to_path`].
pub fn path_to_uri(path: &Path) -> Option<Url> {
    let text = path.to_string_lossy();
    if let Some(inner) = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        return Url::parse(inner).ok();
    }
    Url::from_file_path(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_positions_round_trip() {
        let text = "é😀x\nabc\r\nz";
        let index = LineIndex::new(text);
        // é is 1 unit, 😀 is 2 units.
        assert_eq!(index.position(text, 0), Position::new(0, 0));
        assert_eq!(index.position(text, 2), Position::new(0, 1));
        assert_eq!(index.position(text, 6), Position::new(0, 3));
        assert_eq!(index.offset(text, Position::new(0, 3)), 6);
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(index.offset(text, Position::new(0, 2)), 2);
        assert_eq!(index.offset(text, Position::new(0, 99)), 7);
        assert_eq!(index.offset(text, Position::new(1, 99)), 11);
        assert_eq!(index.offset(text, Position::new(2, 1)), 14);
        assert_eq!(index.offset(text, Position::new(9, 0)), text.len());
        for offset in [0, 2, 6, 7, 8, 11, 13, 14] {
            assert_eq!(index.offset(text, index.position(text, offset)), offset);
        }
    }

    #[test]
    fn range_edits() {
        let mut text = String::from("a😀b\nc");
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(0, 3), Position::new(1, 0))),
            range_length: None,
            text: "X".into(),
        };
        apply_change(&mut text, &change);
        assert_eq!(text, "a😀Xc");
    }
}
