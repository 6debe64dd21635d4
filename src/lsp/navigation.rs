//! Go to definition, find references and rename, across the pack's files,
//! from the checker's namespace (`Checked::names`) and its record of every
//! use (`Checked::uses`), plus the words of declarations that do not parse.

use super::query::{name_at, occurrences, word_at};
use super::workspace::Analysis;
use crate::check::{PROPERTY_WORDS, RESERVED};
use crate::source::{FileId, Span};
use crate::syntax::chunk::DECLARATION_KEYWORDS;
use lsp_types::{Location, PrepareRenameResponse, TextEdit, WorkspaceEdit};
use std::collections::HashMap;

pub fn definition(analysis: &Analysis, file: FileId, offset: usize) -> Option<Location> {
    if let Some((name, _)) = name_at(analysis, file, offset) {
        let (_, span) = analysis.checked.names.get(&name)?;
        return Some(analysis.location(*span));
    }
    // `ad.FIELD` of a declared schema.
    let text = analysis.text(file);
    let (start, end) = word_at(text, offset)?;
    if text[..start].ends_with("ad.") {
        let schema = &analysis.checked.pack.schema;
        let field = schema.fields.iter().find(|f| f.name == text[start..end])?;
        return field.span.map(|s| analysis.location(s));
    }
    None
}

pub fn references(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let (name, _) = name_at(analysis, file, offset)?;
    Some(
        occurrences(analysis, &name, include_declaration)
            .into_iter()
            .map(|s| analysis.location(s))
            .collect(),
    )
}

pub fn prepare_rename(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
) -> Option<PrepareRenameResponse> {
    let (name, span) = name_at(analysis, file, offset)?;
    analysis.checked.names.get(&name)?;
    Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: analysis.range(span),
        placeholder: name,
    })
}

/// Why a new name cannot be used, if it cannot.
pub fn refuse_name(analysis: &Analysis, new_name: &str) -> Option<String> {
    let valid = new_name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Some(format!(
            "`{new_name}` is not a name: use ASCII letters, digits and `_`, not starting with a digit"
        ));
    }
    if RESERVED.contains(&new_name) || PROPERTY_WORDS.contains(&new_name) {
        return Some(format!("`{new_name}` is a reserved word"));
    }
    if DECLARATION_KEYWORDS.contains(&new_name) {
        return Some(format!("`{new_name}` is a declaration keyword"));
    }
    if crate::check::BUILTINS.iter().any(|b| b.name == new_name) {
        return Some(format!("`{new_name}` is a built-in function"));
    }
    if analysis.checked.names.contains_key(new_name) {
        return Some(format!("`{new_name}` is already defined in this pack"));
    }
    None
}

pub enum RenameError {
    /// Nothing to rename at this place.
    NoName,
    Refused(String),
}

pub fn rename(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    new_name: &str,
) -> Result<WorkspaceEdit, RenameError> {
    let (name, _) = name_at(analysis, file, offset).ok_or(RenameError::NoName)?;
    if !analysis.checked.names.contains_key(&name) {
        return Err(RenameError::NoName);
    }
    if new_name == name {
        return Ok(WorkspaceEdit::default());
    }
    if let Some(why) = refuse_name(analysis, new_name) {
        return Err(RenameError::Refused(why));
    }
    let mut changes: HashMap<lsp_types::Url, Vec<TextEdit>> = HashMap::new();
    let spans: Vec<Span> = occurrences(analysis, &name, true);
    for span in spans {
        changes
            .entry(analysis.file(span.file).uri.clone())
            .or_default()
            .push(TextEdit::new(analysis.range(span), new_name.to_string()));
    }
    Ok(WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}
