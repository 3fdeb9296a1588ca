//! Finding mentions of a dictionary's names in text.
//!
//! [`Matcher`] compiles every name of a [`Dictionary`] into one Aho-Corasick
//! automaton over folded names (see the `normalize` module) and searches the
//! folded text with it. Search reports every occurrence, overlapping ones
//! included; each is then tested against the rules a reader expects (whole
//! words, capitalisation, not an ordinary word at a sentence start), and the
//! leftmost-longest *valid* occurrences are kept. Testing before choosing is
//! what lets `Paris` survive in "Paris Hiltonville" when the longer name
//! `Paris Hilton` fails the word-boundary test.
//!
//! Offsets are reported twice: UTF-16 code units (as JavaScript strings and
//! DOM ranges count) and UTF-8 bytes (for slicing the Rust string).

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use aho_corasick::nfa::{contiguous, noncontiguous};
use aho_corasick::{AhoCorasickKind, Anchored, BuildError, MatchKind};
#[cfg(not(target_arch = "wasm32"))]
use aho_corasick::{automaton::Automaton as _, dfa};

use crate::dictionary::{CaseRule, Dictionary, NameOptions};
use crate::index::FastHashBuilder;
use crate::normalize::{fold_name_into, is_unspaced_script, is_word_char, FoldOptions, Folded, BLOCK_SEPARATOR, MAX_TEXT_BYTES};

/// What a search does with occurrences that overlap.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overlaps {
    /// Keeps the leftmost, then the longest, and ranks the candidates of
    /// each mention kept (what a page is shown).
    Resolve,
    /// Keeps every one, candidates unranked (for joining several
    /// matchers' answers).
    Keep,
}

/// How a [`Matcher`] compares names with text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatchOptions {
    /// Treat letters with and without diacritics as equal, so that
    /// `Erdogan` finds `Erdoğan` and the other way round. On by default.
    pub fold_diacritics: bool,
}

impl Default for MatchOptions {
    fn default() -> MatchOptions {
        MatchOptions { fold_diacritics: true }
    }
}

/// One mention of one or more entities in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    /// Start, in UTF-16 code units from the start of the text.
    pub start: usize,
    /// End (exclusive), in UTF-16 code units.
    pub end: usize,
    /// Start, in UTF-8 bytes.
    pub byte_start: usize,
    /// End (exclusive), in UTF-8 bytes.
    pub byte_end: usize,
    /// Indices into the dictionary's entities of every entity this mention
    /// may refer to; more than one when the name is ambiguous (`Georgia`).
    /// The likeliest comes first: entities the same text names
    /// unambiguously elsewhere, then dictionary order.
    pub entities: Vec<usize>,
}

impl Mention {
    /// The mention's text, exactly as it stands in `text` (the text it was
    /// found in).
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.byte_start..self.byte_end).unwrap_or("")
    }
}

/// Why a matcher could not be built or a text searched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchError {
    message: String,
}

impl fmt::Display for MatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MatchError {}

/// One name as the automaton's pattern stands for it.
#[derive(Clone, Debug)]
struct NameRef {
    entity: u32,
    /// Where, in `Matcher::cased`, the name normalised like text but with
    /// its capitalisation kept is (one buffer rather than a string per name:
    /// a page's matcher is built for every page).
    cased: (u32, u32),
    options: NameOptions,
}

/// The automaton of a [`Matcher`], held as its concrete kind. `AhoCorasick`
/// would hold it behind a trait object, whose vtables link every search
/// (leftmost, streaming, replacing) and `Debug` of all three kinds into the
/// `.wasm`, while a matcher only ever runs an overlapping search.
#[derive(Clone, Debug)]
enum Automaton {
    #[cfg(not(target_arch = "wasm32"))]
    Dfa(dfa::DFA),
    Contiguous(contiguous::NFA),
    Noncontiguous(noncontiguous::NFA),
}

/// The byte of the spacer pattern, which no text can hold (texts are UTF-8,
/// where 0xFF never occurs).
///
/// Why a spacer: aho-corasick (1.1.5) moves every match state before the
/// others after building its trie, by pairwise swaps, and then follows each
/// cycle of that permutation once per state on it: quadratic in the length
/// of a cycle. A dictionary of short names that extend each other ("N1",
/// "N10", "N100", ...; codes, numbered names) has few states that match
/// nothing, and one such state, carried past every match state, made one
/// cycle as long as the dictionary: 40,000 names took 3.3 s to build
/// natively, 9.5 s in WebAssembly, against 0.2 s for as many names of one
/// length. A run of non-match states made before any name's splits that
/// cycle into as many short ones as the run is long.
const SPACER_BYTE: u8 = 0xFF;

/// The spacer's length for `patterns` names: about 4 sqrt(n) states, which
/// bounds the swaps' cycles to about sqrt(n) / 4 and costs a page's small
/// automaton a few hundred states.
fn spacer_len(patterns: usize) -> usize {
    // f64 square root: exact enough, and far below any precision limit.
    ((patterns as f64).sqrt() * 4.0) as usize + 1
}

impl Automaton {
    /// Builds the kind asked for (a contiguous NFA that would be too large
    /// becomes the noncontiguous one), or with `None` the kind
    /// `AhoCorasick` would choose: a DFA for at most 100 patterns, else a
    /// contiguous NFA unless it would be too large, else the noncontiguous
    /// one. The `.wasm` has no DFA (a contiguous NFA instead): it served
    /// only dictionaries of at most 100 names, which any kind searches in
    /// microseconds, and cost about 3 KB of the gzipped file.
    fn build<'p>(patterns: impl ExactSizeIterator<Item = &'p [u8]>, kind: Option<AhoCorasickKind>) -> Result<Automaton, BuildError> {
        // A run of states that match no pattern, made first: see SPACER_BYTE.
        let spacer = vec![SPACER_BYTE; spacer_len(patterns.len())];
        // (The names' slices are taken at the spacer's shorter lifetime.)
        let patterns = std::iter::once(&spacer[..]).chain(patterns.map(|pattern: &[u8]| pattern));
        let mut nfa_builder = noncontiguous::Builder::new();
        nfa_builder.match_kind(MatchKind::Standard);
        // The search walks the states itself (`overlapping`) and never asks
        // a prefilter to skip ahead, so building one only costs time (in
        // WebAssembly, without aho-corasick's "perf-literal", there is none
        // for standard semantics anyway; natively it was 0-3% of a page's
        // build, and its start state counted as special at every visit).
        nfa_builder.prefilter(false);
        let nfa = nfa_builder.build(patterns)?;
        #[cfg(not(target_arch = "wasm32"))]
        let dfa = || dfa::Builder::new().match_kind(MatchKind::Standard).build_from_noncontiguous(&nfa);
        // (Built from the NFA, it has no prefilter either.)
        let contiguous = || contiguous::Builder::new().match_kind(MatchKind::Standard).build_from_noncontiguous(&nfa);
        Ok(match kind {
            #[cfg(not(target_arch = "wasm32"))]
            Some(AhoCorasickKind::DFA) => Automaton::Dfa(dfa()?),
            #[cfg(target_arch = "wasm32")]
            Some(AhoCorasickKind::DFA) => Automaton::Contiguous(contiguous()?),
            Some(AhoCorasickKind::ContiguousNFA) | None => {
                #[cfg(not(target_arch = "wasm32"))]
                if kind.is_none() && nfa.patterns_len() <= 100 {
                    if let Ok(dfa) = dfa() {
                        return Ok(Automaton::Dfa(dfa));
                    }
                }
                // A contiguous NFA has a size limit that the noncontiguous
                // one it is made from does not.
                match contiguous() {
                    Ok(contiguous) => Automaton::Contiguous(contiguous),
                    Err(_) => Automaton::Noncontiguous(nfa),
                }
            }
            Some(_) => Automaton::Noncontiguous(nfa),
        })
    }

    /// Every occurrence in `haystack[span]` that `keep(start, end)` accepts
    /// (offsets into all of `haystack`), as
    /// `(hit_key(start, end), pattern)`, in the order the search reports
    /// them.
    fn overlapping(&self, haystack: &str, span: Range<usize>, keep: impl Fn(usize, usize) -> bool) -> Vec<(u64, usize)> {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Automaton::Dfa(automaton) => overlapping(automaton, haystack, span, keep),
            Automaton::Contiguous(automaton) => overlapping(automaton, haystack, span, keep),
            Automaton::Noncontiguous(automaton) => overlapping(automaton, haystack, span, keep),
        }
    }
}

fn overlapping(automaton: &impl aho_corasick::automaton::Automaton, haystack: &str, span: Range<usize>, keep: impl Fn(usize, usize) -> bool) -> Vec<(u64, usize)> {
    // The automaton is walked here, state by state, rather than through
    // `try_find_overlapping`, which returns at every hit and resumes from
    // a state struct (most hits are inside words, dropped at once):
    // natively 10-12% faster on the benchmark's texts, the same in V8,
    // and the crate's search routines no longer in the `.wasm` (2.8 KB
    // gzipped).
    let mut hits = Vec::new();
    let Ok(mut state) = automaton.start_state(Anchored::No) else { return hits };
    let Some(bytes) = haystack.as_bytes().get(span.clone()) else { return hits };
    for (at, &byte) in bytes.iter().enumerate() {
        state = automaton.next_state(Anchored::No, state, byte);
        // With standard semantics an unanchored search never dies, and
        // without a prefilter the start state is not special.
        if !automaton.is_special(state) || !automaton.is_match(state) {
            continue;
        }
        let end = span.start + at + 1;
        for index in 0..automaton.match_len(state) {
            let pattern = automaton.match_pattern(state, index);
            // Pattern 0 is the spacer, which no text holds; the names follow.
            let (Some(name), Some(start)) = (pattern.as_usize().checked_sub(1), end.checked_sub(automaton.pattern_len(pattern))) else { continue };
            if keep(start, end) {
                hits.push((hit_key(start, end), name));
            }
        }
    }
    hits
}

/// A compiled dictionary, ready to search texts.
#[derive(Clone, Debug)]
pub struct Matcher {
    automaton: Automaton,
    /// For each pattern, every name that folds to it.
    names: Vec<Vec<NameRef>>,
    cased: String,
    fold: FoldOptions,
}

/// Collects names already folded, for [`Matcher::build`].
pub(crate) struct NameSet {
    /// Folded patterns, one after another, and where each ends.
    patterns: String,
    ends: Vec<usize>,
    groups: Vec<Vec<NameRef>>,
    /// For merging names that fold alike: the last pattern with a given
    /// hash, and for each pattern the one before it with the same hash.
    last_with_hash: HashMap<u64, u32, FastHashBuilder>,
    same_hash_before: Vec<u32>,
    cased: String,
}

impl NameSet {
    pub(crate) fn with_capacity(names: usize) -> NameSet {
        NameSet {
            patterns: String::with_capacity(names * 16),
            ends: Vec::with_capacity(names),
            groups: Vec::with_capacity(names),
            last_with_hash: HashMap::with_capacity_and_hasher(names, FastHashBuilder),
            same_hash_before: Vec::with_capacity(names),
            cased: String::with_capacity(names * 16),
        }
    }

    fn pattern(&self, number: usize) -> &str {
        let start = if number == 0 { 0 } else { self.ends[number - 1] };
        &self.patterns[start..self.ends[number]]
    }

    /// Adds a name: its folded form (the pattern) and its form with the
    /// capitalisation kept. Empty patterns are skipped.
    pub(crate) fn push(&mut self, entity: u32, folded: &str, cased: &str, options: NameOptions) {
        if folded.is_empty() {
            return;
        }
        let start = self.cased.len() as u32;
        self.cased.push_str(cased);
        let name_ref = NameRef { entity, cased: (start, self.cased.len() as u32), options };
        let hash = FastHashBuilder::hash_bytes(folded.as_bytes());
        let last = self.last_with_hash.get(&hash).copied().unwrap_or(u32::MAX);
        let mut number = last;
        while number != u32::MAX {
            if self.pattern(number as usize) == folded {
                self.groups[number as usize].push(name_ref);
                return;
            }
            number = self.same_hash_before[number as usize];
        }
        let number = self.ends.len() as u32;
        self.patterns.push_str(folded);
        self.ends.push(self.patterns.len());
        self.groups.push(vec![name_ref]);
        self.same_hash_before.push(last);
        self.last_with_hash.insert(hash, number);
    }
}

impl Matcher {
    /// Compiles every name of `dictionary`.
    pub fn new(dictionary: &Dictionary, options: MatchOptions) -> Result<Matcher, MatchError> {
        let mut names = Vec::new();
        for (entity, record) in dictionary.entities().iter().enumerate() {
            let entity = u32::try_from(entity).map_err(|_| MatchError { message: "too many entities".into() })?;
            names.extend(record.names.iter().map(|name| (entity, name.text.as_str(), name.options)));
        }
        Matcher::from_names(names, options)
    }

    /// Compiles the given names: `(entity index, name, options)`. Mentions
    /// report the entity indices given here. This is how the compact index
    /// builds a small automaton for one page from the few names it can
    /// contain.
    pub fn from_names<'a>(names: impl IntoIterator<Item = (u32, &'a str, NameOptions)>, options: MatchOptions) -> Result<Matcher, MatchError> {
        let fold = FoldOptions { case: true, diacritics: options.fold_diacritics };
        let keep_case = FoldOptions { case: false, ..fold };
        let names = names.into_iter();
        let mut set = NameSet::with_capacity(names.size_hint().0);
        let (mut folded, mut cased) = (String::new(), String::new());
        for (entity, text, name_options) in names {
            fold_name_into(text, fold, &mut folded);
            fold_name_into(text, keep_case, &mut cased);
            set.push(entity, &folded, &cased, name_options);
        }
        Matcher::build(set, options, None)
    }

    /// Compiles a set of folded names. `kind` forces an automaton kind (the
    /// compact index builds one per page, where build time counts as much
    /// as search time); `None` lets the crate choose.
    pub(crate) fn build(set: NameSet, options: MatchOptions, kind: Option<AhoCorasickKind>) -> Result<Matcher, MatchError> {
        let fold = FoldOptions { case: true, diacritics: options.fold_diacritics };
        let NameSet { patterns, ends, groups, cased, .. } = set;
        let mut start = 0;
        let slices = ends.iter().map(|&end| {
            let pattern = &patterns.as_bytes()[start..end];
            start = end;
            pattern
        });
        let automaton = Automaton::build(slices, kind).map_err(|error| MatchError { message: format!("could not build the automaton for {} names: {error}", ends.len()) })?;
        Ok(Matcher { automaton, names: groups, cased, fold })
    }

    /// How many distinct (folded) names the automaton holds.
    pub fn pattern_count(&self) -> usize {
        self.names.len()
    }

    /// Finds every mention in `text`, in order, none overlapping.
    ///
    /// Texts longer than 2 GiB are refused; use [`Matcher::try_find`] to get
    /// the error instead of an empty result.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        self.try_find(text).unwrap_or_default()
    }

    /// Like [`Matcher::find`], but says why a text was refused.
    pub fn try_find(&self, text: &str) -> Result<Vec<Mention>, MatchError> {
        check_text_length(text)?;
        let folded = Folded::new(text, self.fold);
        Ok(self.find_folded(text, &folded))
    }

    /// Finds every mention in `text`, already folded as `folded` with this
    /// matcher's options (the compact index folds a page once, to select
    /// names and to search). The caller checks the text's length.
    pub(crate) fn find_folded(&self, text: &str, folded: &Folded) -> Vec<Mention> {
        self.find_folded_span(text, folded, 0..folded.text.len(), Overlaps::Resolve)
    }

    /// Every occurrence in `text` that passes the rules, overlapping ones
    /// included, in order of start and then longest first; each lists its
    /// candidates in dictionary order, unranked.
    ///
    /// This is for joining the answers of several matchers as one
    /// dictionary holding all their names would give them: taking, over
    /// all their occurrences, the leftmost and then the longest that does
    /// not overlap one taken already is exactly what [`Matcher::find`]
    /// does within one. Joining their `find` answers instead loses a name
    /// inside a mention that another matcher's overlapping one beat.
    pub fn find_overlapping(&self, text: &str) -> Result<Vec<Mention>, MatchError> {
        check_text_length(text)?;
        let folded = Folded::new(text, self.fold);
        Ok(self.find_folded_span(text, &folded, 0..folded.text.len(), Overlaps::Keep))
    }

    /// [`Matcher::find_folded`] within folded bytes `span`, which must
    /// start and end where no name can cross (the text's ends, or just
    /// after a block separator); the rest of the text is still read by the
    /// rules (word boundaries, sentence starts), so the mentions are those
    /// of the whole text that lie in `span`. Candidates are ranked by what
    /// the span names, not the whole text. With [`Overlaps::Keep`], every
    /// occurrence that passes the rules is kept, unranked.
    pub(crate) fn find_folded_span(&self, text: &str, folded: &Folded, span: Range<usize>, overlaps: Overlaps) -> Vec<Mention> {
        // Occurrences inside words (most of them, for short names) fail the
        // boundary test in `accept` whatever their order, so they are
        // dropped before the sort rather than after.
        let mut hits = self.automaton.overlapping(&folded.text, span, |start, end| at_boundaries(&folded.text, start, end));
        // No two hits share a key: one span of text is one pattern.
        hits.sort_unstable();
        let mut mentions = Vec::new();
        let mut taken_until = 0;
        // One buffer for the spelling of every occurrence tested.
        let mut written = String::new();
        for (key, pattern) in hits {
            let (start, end) = hit_span(key);
            if start < taken_until {
                continue;
            }
            if let Some(mention) = self.accept(text, folded, start, end, pattern, &mut written) {
                if overlaps == Overlaps::Resolve {
                    taken_until = end;
                }
                mentions.push(mention);
            }
        }
        if overlaps == Overlaps::Resolve {
            rank_candidates(&mut mentions);
        }
        mentions
    }

    /// Tests one occurrence against the rules; returns it as a mention with
    /// the entities whose names accept it, or `None`.
    fn accept(&self, text: &str, folded: &Folded, start: usize, end: usize, pattern: usize, written: &mut String) -> Option<Mention> {
        let from = folded.start_origin(start)?;
        let to = folded.end_origin(end)?;
        if in_web_address(text, from.byte) {
            return None;
        }
        let original = text.get(from.byte..to.byte)?;
        let mut written_ready = false;
        let mut sentence_start: Option<bool> = None;
        let mut entities: Vec<usize> = Vec::new();
        for name in self.names.get(pattern)? {
            let entity = name.entity as usize;
            // Only the last one is compared: searching them all made a name
            // shared by many entities quadratic. Repeats are removed below.
            if entities.last() == Some(&entity) {
                continue;
            }
            if name.options.case != CaseRule::Any {
                if !written_ready {
                    fold_name_into(original, FoldOptions { case: false, ..self.fold }, written);
                    written_ready = true;
                }
                let cased = self.cased.get(name.cased.0 as usize..name.cased.1 as usize).unwrap_or("");
                if !case_matches(cased, written, name.options.case) {
                    continue;
                }
            }
            if !name.options.sentence_start && *sentence_start.get_or_insert_with(|| starts_sentence(&text[..from.byte])) {
                continue;
            }
            entities.push(entity);
        }
        if entities.is_empty() {
            return None;
        }
        if entities.len() > 1 {
            sort_candidates(&mut entities, None);
            entities.dedup();
        }
        Some(Mention { start: from.utf16, end: to.utf16, byte_start: from.byte, byte_end: to.byte, entities })
    }
}

/// Refuses a text longer than the offsets can count (2 GiB).
fn check_text_length(text: &str) -> Result<(), MatchError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(MatchError { message: format!("the text is {} bytes; the limit is {MAX_TEXT_BYTES}", text.len()) });
    }
    Ok(())
}

/// How far back from a name `in_web_address` looks for the start of its
/// word: longer runs without white space are not prose anyway.
const MAX_ADDRESS_BYTES: usize = 2048;

/// Whether the name at byte `at` of `text` lies inside a web address (its
/// run of text without white space holds "://" before it, or begins with
/// "www."): "Armenia" in "https://example.org/Armenia/" or "www.armenia.am"
/// is part of an address, not a mention of the country.
fn in_web_address(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    let floor = at.saturating_sub(MAX_ADDRESS_BYTES);
    let mut start = at;
    // Bytes, not characters: ASCII white space never occurs inside a
    // multi-byte character. U+00A0 and U+2029 (the block separator) end a
    // word too.
    while start > floor {
        let byte = bytes[start - 1];
        if byte.is_ascii_whitespace() || (byte == 0xA0 && start >= 2 && bytes[start - 2] == 0xC2) || (byte == 0xA9 && start >= 3 && bytes[start - 3..start - 1] == [0xE2, 0x80]) {
            break;
        }
        start -= 1;
    }
    let Some(before) = text.get(start..at) else { return false };
    if find_bytes(before.as_bytes(), b"://").is_some() {
        return true;
    }
    // "www." (after any opening punctuation: "(www.armenia.am)") before
    // the name.
    let word = &before.as_bytes()[before.bytes().position(|byte| byte.is_ascii_alphanumeric()).unwrap_or(before.len())..];
    word.len() >= 4 && word[..4].eq_ignore_ascii_case(b"www.")
}

/// Where `needle` first occurs in `haystack`: a byte loop rather than
/// `str::find`, whose substring searcher costs the `.wasm` 1.5 KB gzipped.
pub(crate) fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// Whether `folded[start..end]` may be a name: it begins and ends at word
/// boundaries (see `is_boundary`).
fn at_boundaries(folded: &str, start: usize, end: usize) -> bool {
    // Most occurrences inside words are between two ASCII letters or
    // digits: no need to decode characters to refuse them.
    let bytes = folded.as_bytes();
    let inside = |at: usize| at > 0 && at < bytes.len() && bytes[at - 1].is_ascii_alphanumeric() && bytes[at].is_ascii_alphanumeric();
    if inside(start) || inside(end) {
        return false;
    }
    let (Some(inner), Some(head), Some(tail)) = (folded.get(start..end), folded.get(..start), folded.get(end..)) else { return false };
    is_boundary(head.chars().next_back(), inner.chars().next()) && is_boundary(inner.chars().next_back(), tail.chars().next())
}

/// Orders the candidates of each ambiguous mention so that entities the same
/// text also names unambiguously come first (a headline's "Aliyev" after
/// "Ilham Aliyev" in the body), most often named first; ties keep
/// dictionary order. Every candidate stays listed.
fn rank_candidates(mentions: &mut [Mention]) {
    // The same map type as `NameSet`'s, whose code it shares.
    let mut named: HashMap<u64, u32, FastHashBuilder> = HashMap::with_hasher(FastHashBuilder);
    for mention in mentions.iter().filter(|m| m.entities.len() == 1) {
        let count = named.entry(mention.entities[0] as u64).or_default();
        *count = count.saturating_add(1);
    }
    if named.is_empty() {
        return;
    }
    for mention in mentions.iter_mut().filter(|m| m.entities.len() > 1) {
        sort_candidates(&mut mention.entities, Some(&named));
    }
}

/// Sorts entities most often `named` first, ties (and all, without
/// `named`) by entity number. It sorts `(key, entity)` pairs as
/// `find_folded` sorts hits, so that both share one sort's code (each sort
/// instance costs kilobytes of the `.wasm`). Sorting by (count, number)
/// gives what a stable sort by count would, as the entities of a mention
/// are distinct and already in number order when ranked.
fn sort_candidates(entities: &mut Vec<usize>, named: Option<&HashMap<u64, u32, FastHashBuilder>>) {
    // Entity numbers fit in 32 bits (`NameRef::entity`).
    let count = |entity: usize| named.and_then(|named| named.get(&(entity as u64))).copied().unwrap_or(0);
    let mut keyed: Vec<(u64, usize)> = entities.iter().map(|&entity| (u64::from(u32::MAX - count(entity)) << 32 | entity as u64, entity)).collect();
    keyed.sort_unstable();
    entities.clear();
    entities.extend(keyed.iter().map(|&(_, entity)| entity));
}

/// A hit's span as one number that sorts leftmost first and, at one
/// start, longest first (folded offsets fit in 32 bits: texts are at most
/// 2 GiB and fold to at most twice their size).
fn hit_key(start: usize, end: usize) -> u64 {
    (start as u64) << 32 | u64::from(!(end as u32))
}

fn hit_span(key: u64) -> (usize, usize) {
    ((key >> 32) as usize, !(key as u32) as usize)
}

/// Whether a name may begin or end between `outside` and `edge`: only when
/// they are not both letters or digits of a script that separates words
/// with spaces.
fn is_boundary(outside: Option<char>, edge: Option<char>) -> bool {
    match (outside, edge) {
        (Some(outside), Some(edge)) => {
            !(is_word_char(outside) && is_word_char(edge)) || is_unspaced_script(outside) || is_unspaced_script(edge)
        }
        _ => true,
    }
}

/// `written` is the text's spelling, `cased` the name's, both normalised
/// with capitalisation kept.
fn case_matches(cased: &str, written: &str, rule: CaseRule) -> bool {
    match rule {
        CaseRule::Any => true,
        CaseRule::Exact => cased == written,
        CaseRule::Default => {
            if !written.chars().any(char::is_lowercase) {
                // All capitals, as in a headline.
                return true;
            }
            let mut name_chars = cased.chars();
            let mut text_chars = written.chars();
            loop {
                match (name_chars.next(), text_chars.next()) {
                    (None, None) => return true,
                    (Some(n), Some(t)) => {
                        if n.is_uppercase() && t.is_lowercase() {
                            return false;
                        }
                    }
                    // Different lengths (Straße, STRASSE) with some lower
                    // case in the text: too unlike the name to trust.
                    _ => return false,
                }
            }
        }
    }
}

/// Whether a mention right after `before` is the first word of a sentence
/// or block: nothing but spaces and opening punctuation since the start, a
/// block separator, a blank line or a sentence-ending mark.
fn starts_sentence(before: &str) -> bool {
    let mut line_breaks = 0;
    for c in before.chars().rev() {
        match c {
            '\n' => {
                line_breaks += 1;
                if line_breaks >= 2 {
                    return true;
                }
            }
            BLOCK_SEPARATOR => return true,
            '"' | '\'' | '(' | '[' | '{' | '«' | '“' | '‘' | '„' | '¿' | '¡' | '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{FEFF}' => {}
            c if c.is_whitespace() => {}
            '.' | '!' | '?' | '…' | '。' | '！' | '？' => return true,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dictionary from (id, names) pairs; a name written `=NAME` is exact
    /// case, `~NAME` any case, `^NAME` not at a sentence start.
    pub(crate) fn dictionary(entries: &[(&str, &[&str])]) -> Dictionary {
        let entities: Vec<String> = entries
            .iter()
            .map(|(id, names)| {
                let mut aliases = Vec::new();
                let mut first = String::new();
                for (i, name) in names.iter().enumerate() {
                    let (text, options) = match name.chars().next() {
                        Some('=') => (&name[1..], r#","case":"exact""#),
                        Some('~') => (&name[1..], r#","case":"any""#),
                        Some('^') => (&name[1..], r#","sentence_start":false"#),
                        _ => (&name[..], ""),
                    };
                    let object = format!(r#"{{"name":{}{options}}}"#, serde_json::to_string(text).unwrap());
                    if i == 0 {
                        first = object;
                    } else {
                        aliases.push(object);
                    }
                }
                // The first name is the canonical one; its options ride on
                // an alias-shaped object turned into the entity default.
                let first: serde_json::Value = serde_json::from_str(&first).unwrap();
                let mut options = first.as_object().unwrap().clone();
                let name = options.remove("name").unwrap();
                format!(
                    r#"{{"id":{},"name":{},"type":"test","summary":"s","aliases":[{}]{}}}"#,
                    serde_json::to_string(id).unwrap(),
                    name,
                    aliases.join(","),
                    if options.is_empty() { String::new() } else { format!(r#","match":{}"#, serde_json::Value::Object(options)) }
                )
            })
            .collect();
        Dictionary::from_json(&format!(r#"{{"entities":[{}]}}"#, entities.join(","))).unwrap()
    }

    /// (entity id list joined by '|', matched text) for each mention.
    fn found(dictionary: &Dictionary, options: MatchOptions, text: &str) -> Vec<(String, String)> {
        let matcher = Matcher::new(dictionary, options).unwrap();
        matcher
            .find(text)
            .iter()
            .map(|m| {
                let ids: Vec<&str> = m.entities.iter().map(|&e| dictionary.entities()[e].id.as_str()).collect();
                (ids.join("|"), m.text(text).to_owned())
            })
            .collect()
    }

    struct Case {
        rule: &'static str,
        names: &'static [(&'static str, &'static [&'static str])],
        text: &'static str,
        expected: &'static [(&'static str, &'static str)],
    }

    const CASES: &[Case] = &[
        // Leftmost-longest.
        Case { rule: "longest wins", names: &[("chamber", &["U.S. Chamber of Commerce"]), ("us", &["U.S."])], text: "The U.S. Chamber of Commerce said", expected: &[("chamber", "U.S. Chamber of Commerce")] },
        Case { rule: "shorter name when longer is absent", names: &[("chamber", &["U.S. Chamber of Commerce"]), ("us", &["U.S."])], text: "The U.S. Chamber said", expected: &[("us", "U.S.")] },
        Case { rule: "failed longest does not hide a shorter valid one", names: &[("paris", &["Paris"]), ("hilton", &["Paris Hilton"])], text: "Paris Hiltonville", expected: &[("paris", "Paris")] },
        Case { rule: "leftmost wins over longer later", names: &[("a", &["New York"]), ("b", &["York University"])], text: "New York University", expected: &[("a", "New York")] },
        // Whole words.
        Case { rule: "not inside a longer word (suffix)", names: &[("iran", &["Iran"])], text: "Iranian officials", expected: &[] },
        Case { rule: "not inside a longer word (middle)", names: &[("asia", &["Asia"])], text: "Eurasian trade, Asia", expected: &[("asia", "Asia")] },
        Case { rule: "surname not inside a word", names: &[("may", &["May"])], text: "Mayor Mayhew", expected: &[] },
        Case { rule: "hyphen is a boundary", names: &[("dc", &["Washington"])], text: "a Washington-brokered deal", expected: &[("dc", "Washington")] },
        Case { rule: "en dash is a boundary", names: &[("us", &["U.S."]), ("az", &["Azerbaijan"])], text: "U.S.–Azerbaijan ties", expected: &[("us", "U.S."), ("az", "Azerbaijan")] },
        Case { rule: "curly possessive", names: &[("az", &["Azerbaijan"])], text: "Azerbaijan’s capital", expected: &[("az", "Azerbaijan")] },
        Case { rule: "straight possessive", names: &[("am", &["Armenia"])], text: "Armenia's capital", expected: &[("am", "Armenia")] },
        Case { rule: "brackets and quotes", names: &[("nato", &["=NATO"]), ("baku", &["Baku"])], text: "(NATO) met in “Baku”.", expected: &[("nato", "NATO"), ("baku", "Baku")] },
        Case { rule: "digits are word characters", names: &[("g20", &["G20"])], text: "G200 and G20.", expected: &[("g20", "G20")] },
        Case { rule: "CJK names need no spaces", names: &[("beijing", &["北京"])], text: "我在北京工作", expected: &[("beijing", "北京")] },
        Case { rule: "Cyrillic whole words", names: &[("moscow", &["Москва"])], text: "Москва, Москвао", expected: &[("moscow", "Москва")] },
        // Case.
        Case { rule: "own capitalisation", names: &[("tr", &["Turkey"])], text: "Turkey and TURKEY", expected: &[("tr", "Turkey"), ("tr", "TURKEY")] },
        Case { rule: "lower case ordinary word does not match", names: &[("tr", &["Turkey"]), ("cn", &["China"])], text: "roast turkey on fine china", expected: &[] },
        Case { rule: "capitals added inside a name", names: &[("boe", &["Bank of England"])], text: "Bank Of England", expected: &[("boe", "Bank Of England")] },
        Case { rule: "acronym only as written", names: &[("us", &["US"]), ("who", &["WHO"])], text: "us and who; Us; the US and the WHO", expected: &[("us", "US"), ("who", "WHO")] },
        Case { rule: "Unicode full case folding in capitals", names: &[("strasse", &["Straße"])], text: "STRASSE", expected: &[("strasse", "STRASSE")] },
        Case { rule: "Unicode capitals", names: &[("az", &["Azərbaycan"])], text: "AZƏRBAYCAN", expected: &[("az", "AZƏRBAYCAN")] },
        Case { rule: "Turkish dotted capital I", names: &[("ist", &["Istanbul"])], text: "İSTANBUL", expected: &[("ist", "İSTANBUL")] },
        Case { rule: "exact override", names: &[("x", &["=Apple"])], text: "APPLE Apple", expected: &[("x", "Apple")] },
        Case { rule: "any override", names: &[("x", &["~eBay"])], text: "ebay", expected: &[("x", "ebay")] },
        Case { rule: "ordinary word not at sentence start", names: &[("nice", &["^Nice"])], text: "Nice to see you. We flew to Nice.", expected: &[("nice", "Nice")] },
        Case { rule: "ordinary word after an opening quote at sentence start", names: &[("nice", &["^Nice"])], text: "“Nice work,” she said in Nice.", expected: &[("nice", "Nice")] },
        Case { rule: "ordinary word at block start", names: &[("chad", &["^Chad"])], text: "x\u{2029}Chad said", expected: &[] },
        // Normalisation.
        Case { rule: "NBSP inside a name", names: &[("ia", &["Ilham Aliyev"])], text: "Ilham\u{00A0}Aliyev spoke", expected: &[("ia", "Ilham\u{00A0}Aliyev")] },
        Case { rule: "line break inside a name", names: &[("ia", &["Ilham Aliyev"])], text: "Ilham\n  Aliyev", expected: &[("ia", "Ilham\n  Aliyev")] },
        Case { rule: "soft hyphen inside a name", names: &[("ia", &["Aliyev"])], text: "Ali\u{00AD}yev", expected: &[("ia", "Ali\u{00AD}yev")] },
        Case { rule: "zero-width characters inside a name", names: &[("ia", &["Aliyev"])], text: "Ali\u{200B}y\u{200D}ev", expected: &[("ia", "Ali\u{200B}y\u{200D}ev")] },
        Case { rule: "NFD text, NFC name", names: &[("re", &["Erdoğan"])], text: "Erdog\u{0306}an", expected: &[("re", "Erdog\u{0306}an")] },
        Case { rule: "NFC text, NFD name", names: &[("re", &["Erdog\u{0306}an"])], text: "Erdoğan", expected: &[("re", "Erdoğan")] },
        Case { rule: "diacritics folded", names: &[("re", &["Erdoğan"])], text: "Erdogan", expected: &[("re", "Erdogan")] },
        Case { rule: "dash variants in a name", names: &[("btc", &["Baku-Tbilisi-Ceyhan"])], text: "Baku–Tbilisi—Ceyhan", expected: &[("btc", "Baku–Tbilisi—Ceyhan")] },
        Case { rule: "apostrophe variants in a name", names: &[("ci", &["Côte d'Ivoire"])], text: "Côte d’Ivoire", expected: &[("ci", "Côte d’Ivoire")] },
        Case { rule: "no match across a block separator", names: &[("ia", &["Ilham Aliyev"])], text: "Ilham\u{2029}Aliyev", expected: &[] },
        Case { rule: "whitespace around trailing soft hyphen excluded", names: &[("ia", &["Aliyev"])], text: "Aliyev\u{00AD} x", expected: &[("ia", "Aliyev")] },
        // Ambiguity.
        Case { rule: "one name, two entities", names: &[("country:georgia", &["Georgia"]), ("region:us-ga", &["Georgia"])], text: "Georgia", expected: &[("country:georgia|region:us-ga", "Georgia")] },
        Case { rule: "context ranks an ambiguous mention", names: &[("heydar", &["Heydar Aliyev", "Aliyev"]), ("ilham", &["Ilham Aliyev", "Aliyev"])], text: "Aliyev spoke. Ilham Aliyev said", expected: &[("ilham|heydar", "Aliyev"), ("ilham", "Ilham Aliyev")] },
        Case { rule: "one entity listed once for two of its names", names: &[("tr", &["Türkiye", "Turkiye"])], text: "Turkiye", expected: &[("tr", "Turkiye")] },
        // Web addresses.
        Case { rule: "not in a URL's path", names: &[("am", &["Armenia"])], text: "See https://example.org/Armenia/news today", expected: &[] },
        Case { rule: "not in a URL's host", names: &[("am", &["~Armenia"])], text: "at http://armenia.example.org.", expected: &[] },
        Case { rule: "not in a www. address, after a bracket", names: &[("am", &["~Armenia"])], text: "(www.armenia.am) or WWW.Armenia.travel", expected: &[] },
        Case { rule: "after an address, in prose", names: &[("am", &["Armenia"])], text: "https://example.org/x Armenia\u{00A0}https://a.b/\u{2029}Armenia", expected: &[("am", "Armenia"), ("am", "Armenia")] },
        Case { rule: "a word that merely begins like one", names: &[("am", &["Armenia"])], text: "wwwArmenia Armenia", expected: &[("am", "Armenia")] },
    ];

    #[test]
    fn matching_rules() {
        for case in CASES {
            let dictionary = dictionary(case.names);
            let got = found(&dictionary, MatchOptions::default(), case.text);
            let expected: Vec<(String, String)> = case.expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
            assert_eq!(got, expected, "rule: {}\nnames: {:?}\ntext: {:?}", case.rule, case.names, case.text);
        }
    }

    #[test]
    fn every_occurrence_that_passes_the_rules_is_kept_by_start_then_longest() {
        let dictionary = dictionary(&[("talks", &["Talks in the South"]), ("region", &["South Caucasus"]), ("range", &["Caucasus"]), ("paris", &["Paris"]), ("hilton", &["Paris Hilton"])]);
        let matcher = Matcher::new(&dictionary, MatchOptions::default()).unwrap();
        let text = "Talks in the South Caucasus, Paris Hiltonville";
        let ids = |mentions: Vec<Mention>| -> Vec<(String, String)> { mentions.iter().map(|m| (dictionary.entities()[m.entities[0]].id.clone(), m.text(text).to_owned())).collect() };
        let pairs = |expected: &[(&str, &str)]| -> Vec<(String, String)> { expected.iter().map(|&(id, name)| (id.to_owned(), name.to_owned())).collect() };
        // "South Caucasus" overlaps the talks and is kept; "Paris Hilton"
        // ends inside a word and is not.
        assert_eq!(ids(matcher.find_overlapping(text).unwrap()), pairs(&[("talks", "Talks in the South"), ("region", "South Caucasus"), ("range", "Caucasus"), ("paris", "Paris")]));
        assert_eq!(ids(matcher.find(text)), pairs(&[("talks", "Talks in the South"), ("range", "Caucasus"), ("paris", "Paris")]));
    }

    #[test]
    fn diacritic_folding_can_be_turned_off() {
        let dictionary = dictionary(&[("re", &["Erdoğan"])]);
        let exact = MatchOptions { fold_diacritics: false };
        assert_eq!(found(&dictionary, exact, "Erdogan"), vec![]);
        assert_eq!(found(&dictionary, exact, "Erdog\u{0306}an").len(), 1);
    }

    #[test]
    fn offsets_are_utf16_after_astral_characters() {
        let dictionary = dictionary(&[("baku", &["Baku"])]);
        let matcher = Matcher::new(&dictionary, MatchOptions::default()).unwrap();
        let text = "😀🇦🇿 é Baku";
        let mention = &matcher.find(text)[0];
        // 😀 is 2 units, each flag letter 2, space 1, é 1, space 1.
        assert_eq!((mention.start, mention.end), (9, 13));
        let utf16: Vec<u16> = text.encode_utf16().collect();
        assert_eq!(String::from_utf16(&utf16[mention.start..mention.end]).unwrap(), "Baku");
        assert_eq!(mention.text(text), "Baku");
    }

    /// Names that extend each other (N1, N10, N100, ...) build about as fast
    /// as names of one length: without the spacer, aho-corasick's state
    /// shuffle made them quadratic (40,000 took 3.3 s natively against
    /// 0.2 s). Timed against each other in one run, so a slow machine
    /// slows both.
    #[test]
    fn names_extending_each_other_build_in_linear_time() {
        use std::time::Instant;
        const COUNT: u32 = 30_000;
        let build = |names: &[String]| {
            let started = Instant::now();
            let matcher = Matcher::from_names(names.iter().enumerate().map(|(entity, name)| (entity as u32, name.as_str(), NameOptions::default())), MatchOptions::default()).expect("builds");
            (started.elapsed(), matcher)
        };
        let extending: Vec<String> = (0..COUNT).map(|i| format!("N{i}")).collect();
        // As many names, each five letters after the N: the states that
        // match nothing are many, as in a dictionary of words.
        let level: Vec<String> = (0..COUNT)
            .map(|i| {
                let letters: String = (0..5).map(|place| char::from(b'a' + ((i / 26u32.pow(place)) % 26) as u8)).collect();
                format!("N{letters}")
            })
            .collect();
        let (level_time, _) = build(&level);
        let (extending_time, matcher) = build(&extending);
        assert!(extending_time < level_time * 5 + std::time::Duration::from_millis(200), "extending names {extending_time:?}, names of one length {level_time:?}");
        // And they match as names do.
        let text = "Codes N7, N12345 and N29999; not N30000.";
        let found: Vec<&str> = matcher.find(text).iter().map(|mention| mention.text(text)).collect();
        assert_eq!(found, ["N7", "N12345", "N29999"]);
    }
}
