//! Compiling a checked pack into what the scanner runs.
//!
//! The checker already lowered conditions to [`Ir`](crate::check::Ir)
//! trees; what is left to build is the [`Matcher`]: the automata for the
//! lexicons and the regex sets for the patterns.

mod automaton;
pub mod matcher;

pub use matcher::{Hit, MatchBuffers, Matcher};

use crate::check::{Builtin, CheckedPack, Ir};

/// A pack ready to scan: checked declarations plus compiled matcher.
#[derive(Debug)]
pub struct Compiled {
    pub pack: CheckedPack,
    pub matcher: Matcher,
    /// Per `let`: the source that already holds its value, when the let
    /// is also a source (`let texte = ad.title + " " + ad.body`, tested
    /// with `has`) and evaluating it can find no evidence. The evaluator
    /// then takes the source's text instead of joining it again; nothing
    /// is lost by not evaluating it.
    pub let_source: Vec<Option<usize>>,
}

/// Builds the matcher. Fails only on limits the checker could not see
/// (a regex set too large as a whole).
pub fn compile(pack: CheckedPack) -> Result<Compiled, String> {
    let matcher = Matcher::build(&pack)?;
    let let_source = (0..pack.lets.len())
        .map(|i| {
            let source = pack
                .sources
                .iter()
                .position(|s| matches!(s, Ir::Let(j) if *j == i))?;
            evidence_free(&pack, &pack.lets[i].value, 0).then_some(source)
        })
        .collect();
    Ok(Compiled {
        pack,
        matcher,
        let_source,
    })
}

/// Whether evaluating `ir` can never push evidence or related ids (only
/// `has`, `hits`, quantifiers, `len` of a list and aggregates do). Lets are
/// followed a few levels deep; deeper ones are assumed to find some.
fn evidence_free(pack: &CheckedPack, ir: &Ir, depth: usize) -> bool {
    let mut free = true;
    ir.walk(&mut |node| match node {
        Ir::Has { .. }
        | Ir::Hits { .. }
        | Ir::Quantifier { .. }
        | Ir::Aggregate(_)
        | Ir::Call(Builtin::Len, _) => free = false,
        Ir::Let(j) => {
            free &= depth < 8
                && pack
                    .lets
                    .get(*j)
                    .is_some_and(|l| evidence_free(pack, &l.value, depth + 1))
        }
        _ => {}
    });
    free
}
