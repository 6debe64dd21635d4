//! Syntax: from rule-file text to a syntax tree with spans.
//!
//! The grammar lives in `grammar/vigie.pest`. [`parse_file`] never fails:
//! it returns the declarations it could read and a diagnostic for each one
//! it could not (see [`chunk`] for how a file is cut so that one broken
//! declaration does not hide the others).

pub mod ast;
pub mod chunk;
pub mod limits;
mod parser;

pub use parser::{body_offset, currency_unit, duration_unit, parse_expr, parse_file, unescape};
