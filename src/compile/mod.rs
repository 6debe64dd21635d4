//! Compiling a checked pack into what the scanner runs.
//!
//! The checker already lowered conditions to [`Ir`](crate::check::Ir)
//! trees; what is left to build is the [`Matcher`]: the automata for the
//! lexicons and the regex sets for the patterns.

pub mod matcher;

pub use matcher::{Hit, MatchBuffers, Matcher};

use crate::check::CheckedPack;

/// A pack ready to scan: checked declarations plus compiled matcher.
#[derive(Debug)]
pub struct Compiled {
    pub pack: CheckedPack,
    pub matcher: Matcher,
}

/// Builds the matcher. Fails only on limits the checker could not see
/// (a regex set too large as a whole).
pub fn compile(pack: CheckedPack) -> Result<Compiled, String> {
    let matcher = Matcher::build(&pack)?;
    Ok(Compiled { pack, matcher })
}
