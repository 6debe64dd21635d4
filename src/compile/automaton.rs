//! One fold profile's terms as an aho-corasick automaton, and the loop that
//! runs it over folded text.
//!
//! # Why a loop of our own
//!
//! A DFA step is one load from the transition table, at an address that
//! depends on the state the previous step loaded: `state =
//! trans[state + class[byte]]`. However wide the CPU, it cannot start the
//! next step before the last one's load comes back, so a DFA scan runs at
//! the table's load latency (about 9 cycles a byte here, 320 MB/s) while
//! most of the core idles. `AhoCorasick::find_overlapping_iter` runs one
//! such chain.
//!
//! Chains that do not depend on each other do run side by side. So a text
//! long enough is cut in parts (four, or two for a shorter one) and all
//! are scanned in the same loop, one step of each per iteration. With two
//! parts:
//!
//! ```text
//! text      |............ left ............|........... right ...........|
//! chain A   0 ----------------------------> mid
//! chain B           mid - max_len ~~~~~~~~> mid --------------------------> n
//!                             (warm-up, no hits)
//! ```
//!
//! Chain B must be in the state chain A would have reached at `mid`. An
//! aho-corasick state stands for the longest suffix of the text read so far
//! that is a prefix of some term, so it depends only on the last `max_len`
//! bytes (`max_len`: the longest term): chain B starts from the start state
//! `max_len` bytes before `mid` and reads them without reporting, which puts
//! it in the right state at `mid`. Chain A reports hits that end at or
//! before `mid`, chain B those that end after it. Sorting the hits by their
//! end (a stable sort, a handful of hits) gives them in the order one chain
//! (and `find_overlapping_iter`) would. The tests at the end of this file
//! check that on random texts and terms.
//!
//! The warm-ups run inside the loop, side by side with the first chain's
//! first steps: every chain takes the same number of steps, and the cut
//! points are moved so that the parts plus the warm-ups cover the text
//! (see [`chains`]). Run one after the other before the loop, as they
//! first were, three warm-ups of a 40-byte term cost about as much as the
//! whole loop on a 280-byte ad.
//!
//! How many chains: as many as the text has parts of at least 32 bytes
//! and the longest term's length, up to four. More chains mean fewer
//! steps one after the other (the loop runs `t = (n + (N - 1) * max_len)
//! / N` times for `N` chains on `n` bytes) but more steps in all (each
//! warm-up is read twice); while the loop waits on loads the first
//! matters, and four chains is where it stops waiting (eight were slower
//! on long texts). Ad bodies are 200 to 400 bytes and a 1,000-term
//! lexicon's longest term about 40: when a part had to be twice the
//! longest term, most bodies ran two chains, and three or four run 8 %
//! faster on them (session 11, `lex1000` on the generated corpus, AMD
//! EPYC). Texts shorter than two parts run as one chain. An
//! automaton that aho-corasick gives a prefilter (a handful of terms, where
//! skipping ahead with SIMD beats stepping) runs through the library's own
//! search instead.

use aho_corasick::automaton::{Automaton, OverlappingState, StateID};
use aho_corasick::{dfa, nfa, Anchored, Input, MatchKind, PatternID};

/// Up to this many terms, the automaton is a DFA; beyond, aho-corasick's
/// contiguous NFA keeps memory and build time in check (a DFA scans two to
/// three times faster but grows with the terms).
const DFA_TERMS: usize = 20_000;

/// A part of a text that a chain reads is at least this long (and as
/// long as the longest term).
const SPLIT_MIN: usize = 32;

/// How many chains run side by side on long texts.
const CHAINS: usize = 4;

#[derive(Debug)]
enum Engine {
    Dfa(dfa::DFA),
    Nfa(nfa::contiguous::NFA),
}

/// The automaton of one fold profile's (folded, distinct) terms.
#[derive(Debug)]
pub struct TermAutomaton {
    engine: Engine,
    start: StateID,
    max_len: usize,
    prefilter: bool,
}

/// A hit of a term: its automaton pattern and the end of the hit.
pub type End = (PatternID, usize);

impl TermAutomaton {
    pub fn build(patterns: &[String]) -> Result<TermAutomaton, String> {
        TermAutomaton::build_as(patterns, patterns.len() <= DFA_TERMS, true)
    }

    /// `prefilter: false` keeps aho-corasick from building one (for tests:
    /// small alphabets would otherwise always get one).
    fn build_as(
        patterns: &[String],
        as_dfa: bool,
        prefilter: bool,
    ) -> Result<TermAutomaton, String> {
        let err = |e: aho_corasick::BuildError| format!("cannot build the automaton: {e}");
        let engine = if as_dfa {
            Engine::Dfa(
                dfa::Builder::new()
                    .match_kind(MatchKind::Standard)
                    .prefilter(prefilter)
                    .build(patterns)
                    .map_err(err)?,
            )
        } else {
            Engine::Nfa(
                nfa::contiguous::Builder::new()
                    .match_kind(MatchKind::Standard)
                    .prefilter(prefilter)
                    .build(patterns)
                    .map_err(err)?,
            )
        };
        let (start, max_len, prefilter) = match &engine {
            Engine::Dfa(a) => facts(a),
            Engine::Nfa(a) => facts(a),
        };
        Ok(TermAutomaton {
            engine,
            start: start.map_err(|e| format!("cannot build the automaton: {e}"))?,
            max_len,
            prefilter,
        })
    }

    /// The length in bytes of pattern `p`.
    pub fn pattern_len(&self, p: PatternID) -> usize {
        match &self.engine {
            Engine::Dfa(a) => a.pattern_len(p),
            Engine::Nfa(a) => a.pattern_len(p),
        }
    }

    /// Appends every hit in `hay` (overlapping ones included) to `out`,
    /// ordered by end.
    pub fn overlapping(&self, hay: &[u8], out: &mut Vec<End>) {
        match &self.engine {
            Engine::Dfa(a) => self.run(a, hay, out),
            Engine::Nfa(a) => self.run(a, hay, out),
        }
    }

    fn run<A: Automaton>(&self, a: &A, hay: &[u8], out: &mut Vec<End>) {
        let (start, max_len) = (self.start, self.max_len);
        if self.prefilter {
            library_search(a, hay, out);
            return;
        }
        match chain_count(hay.len(), max_len) {
            4 => chains::<4, A>(a, start, max_len, hay, out),
            3 => chains::<3, A>(a, start, max_len, hay, out),
            2 => chains::<2, A>(a, start, max_len, hay, out),
            _ => chains::<1, A>(a, start, max_len, hay, out),
        }
    }
}

/// How many chains scan a text of `len` bytes: one per part of at least
/// [`SPLIT_MIN`] bytes and `max_len` (a part shorter than its warm-up is
/// not worth it), up to [`CHAINS`].
fn chain_count(len: usize, max_len: usize) -> usize {
    (len / SPLIT_MIN.max(max_len)).clamp(1, CHAINS)
}

fn facts<A: Automaton>(a: &A) -> (Result<StateID, aho_corasick::MatchError>, usize, bool) {
    (
        a.start_state(Anchored::No),
        a.max_pattern_len(),
        a.prefilter().is_some(),
    )
}

#[inline(always)]
fn report<A: Automaton>(a: &A, sid: StateID, end: usize, out: &mut Vec<End>) {
    // Standard semantics never reach a dead state on an unanchored search;
    // a special state that is not a match (the start state, when there is
    // a prefilter) reports nothing.
    if a.is_match(sid) {
        for i in 0..a.match_len(sid) {
            out.push((a.match_pattern(sid, i), end));
        }
    }
}

/// `N` chains over `hay` side by side (see the module's documentation).
/// Every chain takes the same number of steps, `t`. Chain 0 reads
/// `0..t`; chain `k` starts `max_len` bytes before the end of chain
/// `k - 1`'s region and reports only after those first `max_len` steps
/// (its warm-up), so the regions it reports tile the text:
///
/// ```text
/// chain 0   0 ------------------> e0
/// chain 1           e0 - max_len ~~~~> e0 -----------> e1
/// chain 2                         e1 - max_len ~~~~> e1 -----------> e2 (+ rest)
/// ```
///
/// The warm-ups thus run side by side with chain 0's first steps instead
/// of one after the other before the loop (they were most of a short
/// text's time). What division leaves over (fewer than `N` bytes) is read
/// by the last chain after the loop. The caller makes sure that `t` is at
/// least `max_len`; `N = 1` is the plain one-chain scan.
fn chains<const N: usize, A: Automaton>(
    a: &A,
    start: StateID,
    max_len: usize,
    hay: &[u8],
    out: &mut Vec<End>,
) {
    // N·t − (N−1)·max_len bytes are covered by the loop, at most hay.len().
    let t = (hay.len() + (N - 1) * max_len) / N;
    let from: [usize; N] = std::array::from_fn(|k| k * t.saturating_sub(max_len));
    let parts: [&[u8]; N] = std::array::from_fn(|k| &hay[from[k]..from[k] + t]);
    let mut sid = [start; N];
    let first = out.len();
    // `i` indexes all `N` parts at once, which no single iterator does.
    #[allow(clippy::needless_range_loop)]
    for i in 0..t {
        let mut special = false;
        for k in 0..N {
            sid[k] = a.next_state(Anchored::No, sid[k], parts[k][i]);
            special |= a.is_special(sid[k]);
        }
        // One branch for all chains (hits are rare), not one each.
        if special {
            for (k, &s) in sid.iter().enumerate() {
                // Chain k > 0 is still warming up for its first max_len
                // steps: what it sees there is chain k − 1's to report.
                if a.is_special(s) && (k == 0 || i >= max_len) {
                    report(a, s, from[k] + i + 1, out);
                }
            }
        }
    }
    let covered = from[N - 1] + t;
    for (i, &b) in hay.iter().enumerate().skip(covered) {
        sid[N - 1] = a.next_state(Anchored::No, sid[N - 1], b);
        if a.is_special(sid[N - 1]) {
            report(a, sid[N - 1], i + 1, out);
        }
    }
    // Each chain's hits are in order; putting them in order of end (a
    // stable sort keeps the order of hits that end together) gives what
    // one chain gives.
    out[first..].sort_by_key(|&(_, end)| end);
}

/// aho-corasick's own overlapping search (used where it has a prefilter).
fn library_search<A: Automaton>(a: &A, hay: &[u8], out: &mut Vec<End>) {
    let input = Input::new(hay);
    let mut state = OverlappingState::start();
    loop {
        // Only an anchored search on an unanchored-only automaton fails;
        // ours are unanchored both in build and search.
        if a.try_find_overlapping(&input, &mut state).is_err() {
            return;
        }
        match state.get_match() {
            Some(m) => out.push((m.pattern(), m.end())),
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;
    use proptest::prelude::*;

    /// What aho-corasick's own overlapping search finds: (pattern, end).
    fn reference(patterns: &[String], hay: &[u8]) -> Vec<(usize, usize)> {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .unwrap();
        ac.find_overlapping_iter(hay)
            .map(|m| (m.pattern().as_usize(), m.end()))
            .collect()
    }

    fn ours(a: &TermAutomaton, hay: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        a.overlapping(hay, &mut out);
        out.into_iter().map(|(p, e)| (p.as_usize(), e)).collect()
    }

    /// Small alphabets, so that terms overlap and hit often, and hits
    /// straddle the middle of the text.
    fn terms() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec("[abc ]{1,12}", 1..120)
    }

    proptest! {
        #[test]
        fn same_hits_as_aho_corasick(
            patterns in terms(),
            pieces in prop::collection::vec((any::<prop::sample::Index>(), "[abcd ]{0,6}"), 0..80),
            as_dfa in any::<bool>(),
            prefilter in any::<bool>(),
        ) {
            // The text is made of terms and filler, so that long terms hit
            // too, some of them across the middle.
            let hay: String = pieces
                .iter()
                .map(|(i, filler)| format!("{}{filler}", i.get(&patterns)))
                .collect();
            let a = TermAutomaton::build_as(&patterns, as_dfa, prefilter).unwrap();
            prop_assert_eq!(ours(&a, hay.as_bytes()), reference(&patterns, hay.as_bytes()));
        }
    }

    #[test]
    fn one_chain_per_part_as_long_as_the_longest_term_up_to_four() {
        // Short terms: parts of 32 bytes.
        assert_eq!(chain_count(0, 5), 1);
        assert_eq!(chain_count(63, 5), 1);
        assert_eq!(chain_count(64, 5), 2);
        assert_eq!(chain_count(96, 5), 3);
        assert_eq!(chain_count(128, 5), 4);
        assert_eq!(chain_count(10_000, 5), 4);
        // A 1,000-term lexicon's longest term, 40 bytes, on a 280-byte
        // body: four parts of 70 bytes.
        assert_eq!(chain_count(280, 40), 4);
        assert_eq!(chain_count(119, 40), 2);
        assert_eq!(chain_count(120, 40), 3);
    }

    #[test]
    fn hits_across_the_parts_of_a_long_text_and_in_a_short_one() {
        // Terms of varied letters (so that aho-corasick builds no
        // prefilter), and three that the text holds.
        let mut seed = 7u32;
        let mut letter = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (b'a' + (seed >> 16) as u8 % 26) as char
        };
        let mut patterns: Vec<String> = (0..200)
            .map(|_| (0..5).map(|_| letter()).collect())
            .collect();
        patterns[0] = "w000a".into();
        patterns[123] = "w123t".into();
        patterns[199] = "w199r".into();
        let a = TermAutomaton::build(&patterns).unwrap();
        assert!(!a.prefilter);
        // A hit across the middle of the text, one at each end.
        let mut hay = "w000a ".to_string() + &"z".repeat(60) + "w123t" + &"z".repeat(60) + " w199r";
        assert_eq!(chain_count(hay.len(), a.max_len), 4);
        let mid = hay.len() / 2;
        let across = hay.find("w123t").unwrap();
        assert!(across < mid && mid < across + 5);
        let hits = ours(&a, hay.as_bytes());
        assert_eq!(hits, reference(&patterns, hay.as_bytes()));
        assert_eq!(
            hits.iter().map(|h| h.0).collect::<Vec<_>>(),
            vec![0, 123, 199]
        );
        hay.truncate(10);
        assert_eq!(ours(&a, hay.as_bytes()), vec![(0, 5)]);
    }
}
