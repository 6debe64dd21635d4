//! Semantic tokens: the lexer's classes, refined with what the checker
//! knows (which names are lexicons, patterns, lets or rules; fields after
//! `ad.`; levels and fold profiles).

use super::workspace::Analysis;
use crate::check::{Def, Level};
use crate::repl::lex::{tokens, Kind};
use crate::source::FileId;
use crate::text::FoldProfile;
use lsp_types::{SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokensLegend};

pub const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::COMMENT,
    SemanticTokenType::STRING,
    SemanticTokenType::REGEXP,
    SemanticTokenType::NUMBER,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::ENUM,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::TYPE,
    SemanticTokenType::EVENT,
    SemanticTokenType::OPERATOR,
];

pub const MODIFIERS: &[SemanticTokenModifier] = &[
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::DEFAULT_LIBRARY,
];

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

fn index(ty: SemanticTokenType) -> u32 {
    TYPES.iter().position(|t| *t == ty).unwrap_or(0) as u32
}

const DECLARATION: u32 = 1;
const DEFAULT_LIBRARY: u32 = 2;

pub fn semantic_tokens(analysis: &Analysis, file: FileId) -> Vec<SemanticToken> {
    let text = analysis.text(file);
    let index_of_lines = &analysis.file(file).index;
    let names = &analysis.checked.names;
    let schema_types = [
        "bool", "number", "text", "money", "duration", "time", "phone", "price", "list",
    ];
    let mut out = Vec::new();
    let (mut last_line, mut last_start) = (0u32, 0u32);
    for t in tokens(text) {
        let word = &text[t.range.clone()];
        let before = &text[..t.range.start];
        let (ty, mut modifiers) = match t.kind {
            Kind::Space | Kind::Command => continue,
            Kind::Punct => {
                if matches!(word, "<" | ">" | "=" | "!" | "+" | "-") {
                    (SemanticTokenType::OPERATOR, 0)
                } else {
                    continue;
                }
            }
            Kind::Comment => (SemanticTokenType::COMMENT, 0),
            Kind::String => (SemanticTokenType::STRING, 0),
            Kind::Regex => (SemanticTokenType::REGEXP, 0),
            Kind::Number | Kind::Quantity => (SemanticTokenType::NUMBER, 0),
            Kind::Keyword => (SemanticTokenType::KEYWORD, 0),
            Kind::Builtin => (SemanticTokenType::FUNCTION, DEFAULT_LIBRARY),
            Kind::Ident => {
                if before.ends_with('.') {
                    (SemanticTokenType::PROPERTY, 0)
                } else if let Some((def, _)) = names.get(word) {
                    match def {
                        Def::Lexicon(_) => (SemanticTokenType::ENUM, 0),
                        Def::Pattern(_) => (SemanticTokenType::REGEXP, 0),
                        Def::Let(_) => (SemanticTokenType::VARIABLE, 0),
                        Def::Rule(_) => (SemanticTokenType::EVENT, 0),
                        Def::Broken => (SemanticTokenType::VARIABLE, 0),
                    }
                } else if Level::parse(word).is_some() || FoldProfile::from_name(word).is_some() {
                    (SemanticTokenType::ENUM_MEMBER, 0)
                } else if text[t.range.end..].trim_start().starts_with(':') {
                    (SemanticTokenType::PROPERTY, 0)
                } else if schema_types.contains(&word) {
                    (SemanticTokenType::TYPE, 0)
                } else {
                    (SemanticTokenType::PARAMETER, 0)
                }
            }
        };
        if names
            .get(word)
            .is_some_and(|(_, s)| s.file == file && s.start as usize == t.range.start)
        {
            modifiers |= DECLARATION;
        }
        let start = index_of_lines.position(text, t.range.start);
        let end = index_of_lines.position(text, t.range.end);
        // Tokens never span lines (strings and comments end with theirs).
        let length = if end.line == start.line {
            end.character - start.character
        } else {
            continue;
        };
        let delta_line = start.line - last_line;
        let delta_start = if delta_line == 0 {
            start.character - last_start
        } else {
            start.character
        };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: index(ty),
            token_modifiers_bitset: modifiers,
        });
        last_line = start.line;
        last_start = start.character;
    }
    out
}
