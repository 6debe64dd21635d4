//! Limits on one declaration, checked before parsing.
//!
//! The parser and the checker are recursive: a declaration nested 100,000
//! parentheses deep, or a chain of 100,000 `and`, would overflow the stack.
//! A cheap scan of each declaration's text (outside strings and comments)
//! refuses those with a located diagnostic (E0009) before pest sees them.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// Deepest nesting of `(`, `[` and `{` in one declaration.
pub const MAX_DEPTH: usize = 64;
/// Most operators (`and`, `or`, `not`, `has`, comparisons, `+`, `-`) in one
/// declaration.
///
/// A chain of operators is a tree as deep as the chain, and the checker
/// spends about 2 KB of stack per level (release build): 2,000 operators
/// overflowed a 2 MiB thread stack (Rust's default for spawned threads,
/// where an embedder may well call `Pack::load`). 500 stay under 1 MiB.
pub const MAX_OPERATORS: usize = 500;

/// Checks one declaration's text (`piece`, at `base` in its file).
pub fn check(file: FileId, base: usize, piece: &str) -> Result<(), Diagnostic> {
    let mut depth = 0usize;
    let mut operators = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut in_comment = false;
    let mut word_start: Option<usize> = None;
    let bytes = piece.as_bytes();
    let too_deep = |at: usize| {
        Diagnostic::error(
            Code::TooComplex,
            Span::new(file, base + at, base + at + 1),
            format!("this declaration nests brackets more than {MAX_DEPTH} deep"),
        )
        .label("too deep")
        .help("split the condition into `let`s")
    };
    for (i, &b) in bytes.iter().enumerate() {
        let is_word = b.is_ascii_alphanumeric() || b == b'_';
        if !is_word {
            if let Some(start) = word_start.take() {
                if matches!(&piece[start..i], "and" | "or" | "not" | "has") {
                    operators += 1;
                }
            }
        }
        if in_comment {
            in_comment = b != b'\n';
            continue;
        }
        if in_string {
            match b {
                b'\\' if !escaped => {
                    escaped = true;
                    continue;
                }
                b'"' if !escaped => in_string = false,
                b'\n' => in_string = false,
                _ => {}
            }
            escaped = false;
            continue;
        }
        match b {
            b'#' => in_comment = true,
            b'"' => in_string = true,
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep(i));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'<' | b'>' | b'=' | b'!' | b'+' | b'-' => operators += 1,
            _ if is_word && word_start.is_none() => word_start = Some(i),
            _ => {}
        }
        if operators > MAX_OPERATORS {
            return Err(Diagnostic::error(
                Code::TooComplex,
                Span::new(file, base + i, base + i + 1),
                format!("this declaration holds more than {MAX_OPERATORS} operators"),
            )
            .label("the limit is reached here")
            .help("split the condition into `let`s"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_deep_nesting_and_long_chains() {
        let deep = format!("let x = {}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(check(0, 0, &deep).unwrap_err().code, Code::TooComplex);
        let long = format!("let x = {}true", "true and ".repeat(5000));
        assert_eq!(check(0, 0, &long).unwrap_err().code, Code::TooComplex);
        assert!(check(0, 0, "rule r { when (ad.body has \"((((\" ) score 1 }").is_ok());
    }
}
