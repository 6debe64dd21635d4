//! The matcher: every lexicon term and pattern of a pack, compiled so that a
//! text is scanned once per fold profile, whatever the number of rules.
//!
//! # How it works
//!
//! Terms are grouped by the fold profile of their lexicon. Each group
//! becomes one aho-corasick automaton over the *folded* terms; an automaton
//! pattern may stand for several terms (the same folded word in two
//! lexicons), so each carries a list of [`TermRef`]s.
//!
//! To scan a text, it is folded once per profile (keeping a sparse map
//! back to the original, see [`crate::text::fold_into_sparse`]: only the
//! few ranges that hit are mapped back) and each automaton runs once (see
//! [`super::automaton`] for how), in overlapping mode so that "massage" in
//! one lexicon and "massage naturiste" in another both hit. A hit is kept only at word boundaries:
//! the character before it and, unless the term is a prefix (`masseu*`),
//! the character after it must not be a letter or digit. Boundaries are
//! checked on hits rather than encoded in the automaton, which keeps the
//! automaton small.
//!
//! Patterns run through a `RegexSet` first (one pass tells which patterns
//! match at all), then only the matching regexes run to find spans.
//! Non-`raw` patterns see the default-folded text; `raw` ones the original.

use super::automaton::{End, TermAutomaton};
use crate::check::{Atom, AtomId, CheckedPack};
use crate::text::{fold_into_sparse, fold_str, FoldProfile, Folded};
use regex::{Regex, RegexSet};
use std::collections::HashMap;

/// One hit of an atom in a text: original byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub atom: AtomId,
    /// Index of the term in its lexicon; `u32::MAX` for a pattern.
    pub term: u32,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Copy)]
struct TermRef {
    atom: AtomId,
    term: u32,
    prefix: bool,
    /// Whether the folded term starts/ends with a letter or digit (only
    /// then does a boundary matter on that side).
    word_start: bool,
    word_end: bool,
}

#[derive(Debug)]
struct ProfileAutomaton {
    profile: FoldProfile,
    automaton: TermAutomaton,
    /// For each automaton pattern, the terms it stands for.
    terms: Vec<Vec<TermRef>>,
}

#[derive(Debug)]
struct PatternSet {
    set: RegexSet,
    regexes: Vec<Regex>,
    atoms: Vec<AtomId>,
}

impl PatternSet {
    fn build(items: Vec<(AtomId, String)>) -> Result<Option<PatternSet>, regex::Error> {
        if items.is_empty() {
            return Ok(None);
        }
        let limit = crate::check::REGEX_SIZE_LIMIT;
        let set = regex::RegexSetBuilder::new(items.iter().map(|(_, r)| r))
            .size_limit(limit * 4)
            .build()?;
        let regexes = items
            .iter()
            .map(|(_, r)| regex::RegexBuilder::new(r).size_limit(limit).build())
            .collect::<Result<_, _>>()?;
        Ok(Some(PatternSet {
            set,
            regexes,
            atoms: items.into_iter().map(|(a, _)| a).collect(),
        }))
    }

    fn scan(&self, text: &str, mut emit: impl FnMut(AtomId, usize, usize)) {
        for i in self.set.matches(text).iter() {
            for m in self.regexes[i].find_iter(text) {
                if m.start() < m.end() {
                    emit(self.atoms[i], m.start(), m.end());
                }
            }
        }
    }
}

/// The compiled matcher of a pack. Immutable; share it between threads.
#[derive(Debug)]
pub struct Matcher {
    automata: Vec<ProfileAutomaton>,
    folded_patterns: Option<PatternSet>,
    raw_patterns: Option<PatternSet>,
}

/// Reusable buffers for [`Matcher::scan`]: one folded text per profile.
#[derive(Debug, Default)]
pub struct MatchBuffers {
    folded: Vec<Folded>,
    default_folded: Folded,
    /// The automaton's hits.
    ends: Vec<End>,
    /// Where the evaluator builds a concatenation before copying it into
    /// its shared text (`scan/eval.rs`): kept here, with the other buffers
    /// a scanner reuses from one record to the next, so that building one
    /// allocates only the text and its pieces, once each.
    pub(crate) concat: String,
    pub(crate) pieces: Vec<crate::value::Piece>,
    /// The evaluator's table of `let` values, kept between records (see
    /// `Eval::new`).
    pub(crate) lets: Vec<Option<crate::scan::eval::LetValue>>,
}

impl Matcher {
    /// Builds the matcher for the atoms a pack uses.
    pub fn build(pack: &CheckedPack) -> Result<Matcher, String> {
        type Group = (
            FoldProfile,
            Vec<String>,
            Vec<Vec<TermRef>>,
            HashMap<String, usize>,
        );
        let mut groups: Vec<Group> = Vec::new();
        let mut folded_patterns = Vec::new();
        let mut raw_patterns = Vec::new();
        for (atom, kind) in pack.atoms.iter().enumerate() {
            match *kind {
                Atom::Lexicon(l) => {
                    let lexicon = &pack.lexicons[l];
                    let gi = match groups.iter().position(|g| g.0 == lexicon.fold) {
                        Some(i) => i,
                        None => {
                            groups.push((lexicon.fold, Vec::new(), Vec::new(), HashMap::new()));
                            groups.len() - 1
                        }
                    };
                    let (_, patterns, refs, index) = &mut groups[gi];
                    for (t, term) in lexicon.terms.iter().enumerate() {
                        let folded = fold_str(&term.text, lexicon.fold);
                        if folded.is_empty() {
                            continue;
                        }
                        let r = TermRef {
                            atom,
                            term: t as u32,
                            prefix: term.prefix,
                            word_start: folded.chars().next().is_some_and(char::is_alphanumeric),
                            word_end: folded
                                .chars()
                                .next_back()
                                .is_some_and(char::is_alphanumeric),
                        };
                        match index.get(&folded) {
                            Some(&pi) => {
                                let existing = &mut refs[pi];
                                if !existing
                                    .iter()
                                    .any(|e| e.atom == atom && e.prefix == r.prefix)
                                {
                                    existing.push(r);
                                }
                            }
                            None => {
                                index.insert(folded.clone(), patterns.len());
                                patterns.push(folded);
                                refs.push(vec![r]);
                            }
                        }
                    }
                }
                Atom::Pattern(p) => {
                    let pattern = &pack.patterns[p];
                    if pattern.raw {
                        raw_patterns.push((atom, pattern.regex.clone()));
                    } else {
                        folded_patterns.push((atom, pattern.regex.clone()));
                    }
                }
            }
        }
        let mut automata = Vec::with_capacity(groups.len());
        for (profile, patterns, terms, _) in groups {
            automata.push(ProfileAutomaton {
                profile,
                automaton: TermAutomaton::build(&patterns)?,
                terms,
            });
        }
        let err = |e: regex::Error| format!("cannot compile patterns: {e}");
        Ok(Matcher {
            automata,
            folded_patterns: PatternSet::build(folded_patterns).map_err(err)?,
            raw_patterns: PatternSet::build(raw_patterns).map_err(err)?,
        })
    }

    /// Finds every hit of every atom in `text`, appending to `out`.
    pub fn scan(&self, text: &str, bufs: &mut MatchBuffers, out: &mut Vec<Hit>) {
        self.scan_filtered(text, bufs, out, None);
    }

    /// Like [`scan`](Self::scan), restricted to one atom when `only` is set
    /// (for texts that depend on a lambda variable).
    pub fn scan_filtered(
        &self,
        text: &str,
        bufs: &mut MatchBuffers,
        out: &mut Vec<Hit>,
        only: Option<AtomId>,
    ) {
        if bufs.folded.len() < self.automata.len() {
            bufs.folded
                .resize_with(self.automata.len(), Folded::default);
        }
        let mut default_done = false;
        for (pa, folded) in self.automata.iter().zip(bufs.folded.iter_mut()) {
            if let Some(atom) = only {
                if !pa.terms.iter().flatten().any(|t| t.atom == atom) {
                    continue;
                }
            }
            fold_into_sparse(text, pa.profile, folded);
            let haystack = folded.text.as_str();
            bufs.ends.clear();
            pa.automaton
                .overlapping(haystack.as_bytes(), &mut bufs.ends);
            for &(pattern, e) in &bufs.ends {
                let s = e - pa.automaton.pattern_len(pattern);
                let before_word = haystack[..s]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric);
                let after_word = haystack[e..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric);
                for t in &pa.terms[pattern.as_usize()] {
                    if only.is_some_and(|a| a != t.atom) {
                        continue;
                    }
                    if (t.word_start && before_word) || (t.word_end && !t.prefix && after_word) {
                        continue;
                    }
                    let (start, end) = folded.original_range(text, s, e);
                    out.push(Hit {
                        atom: t.atom,
                        term: t.term,
                        start,
                        end,
                    });
                }
            }
            if pa.profile == FoldProfile::DEFAULT && self.folded_patterns.is_some() {
                std::mem::swap(&mut bufs.default_folded, folded);
                default_done = true;
            }
        }
        if let Some(set) = &self.folded_patterns {
            if only.is_none_or(|a| set.atoms.contains(&a)) {
                if !default_done {
                    fold_into_sparse(text, FoldProfile::DEFAULT, &mut bufs.default_folded);
                }
                let folded = &bufs.default_folded;
                set.scan(&folded.text, |atom, s, e| {
                    if only.is_none_or(|a| a == atom) {
                        let (start, end) = folded.original_range(text, s, e);
                        out.push(Hit {
                            atom,
                            term: u32::MAX,
                            start,
                            end,
                        });
                    }
                });
            }
        }
        if let Some(set) = &self.raw_patterns {
            set.scan(text, |atom, start, end| {
                if only.is_none_or(|a| a == atom) {
                    out.push(Hit {
                        atom,
                        term: u32::MAX,
                        start,
                        end,
                    });
                }
            });
        }
    }

    /// Number of automata (one per distinct fold profile).
    pub fn automaton_count(&self) -> usize {
        self.automata.len()
    }
}
