//! A compact, precompiled index for very large dictionaries.
//!
//! Building one Aho-Corasick automaton for a million names takes about 30 s
//! in WebAssembly, and an automaton cannot be saved, so a large dictionary
//! is never compiled whole. Instead the command-line tool writes this index
//! once, and for each page the browser selects the few names the page can
//! contain and compiles only those:
//!
//! - Every name is cut into *tokens*: the words of its folded form (and each
//!   character of scripts written without spaces). A name can only match
//!   where every one of its tokens occurs in the page as a word.
//! - Names are filed under their *key*: a one-word name under its word, a
//!   longer one under its rarest pair of adjacent words, across the
//!   dictionary. For a page, the index looks up each distinct word and each
//!   pair of adjacent words of the page among the keys, keeps the names
//!   filed there whose words all occur in the page, each next to the one
//!   that follows it in the name, and builds a [`Matcher`] from them:
//!   usually a few hundred names, built in milliseconds.
//!
//! The file is used as it is, without parsing it into structures: opening
//! one checks its header and section bounds, so a dictionary is ready as
//! soon as its bytes arrive, and its memory is the file itself. Every read
//! is bounds-checked: a damaged or hostile file gives errors or fewer
//! names, never a panic.
//!
//! Layout (integers little-endian `u32` unless said otherwise):
//!
//! ```text
//! "EHIX" version flags entity_count name_count group_count
//! title: len bytes          as_of: len bytes
//! groups: len bytes         (sorted by key)
//!   per group: key 0x00, varint byte length of the rest, varint name count,
//!     per name: varint entity, u8 options, name text 0x00 (empty for an
//!     entity's canonical name, which its entity record holds)
//! group checkpoints: count, offsets (of every 16th group)
//! entities: len bytes       (in dictionary order)
//!   per entity: id 0x00 name 0x00 type 0x00 summary 0x00 url 0x00
//! entity checkpoints: count, offsets (of every 64th entity)
//! ```
//!
//! Records are plain text separated by NUL (which no name, id or summary
//! may contain), so the file gzips about as well as a plain list of its
//! names and summaries.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::dictionary::{CaseRule, Dictionary, NameOptions};
use crate::matcher::{MatchOptions, Matcher};
use crate::normalize::{fold_name, is_unspaced_script, is_word_char, FoldOptions, Folded};

const MAGIC: &[u8; 4] = b"EHIX";
const VERSION: u32 = 1;
const FLAG_FOLD_DIACRITICS: u32 = 1;
const GROUP_STRIDE: usize = 16;
/// Name option bit: the name is its entity's canonical name, whose text is
/// in the entity record rather than repeated in the name record.
const CANONICAL: u8 = 8;
const ENTITY_STRIDE: usize = 64;

/// Why an index could not be written or opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexError {
    message: String,
}

impl IndexError {
    fn new(message: impl Into<String>) -> IndexError {
        IndexError { message: message.into() }
    }
}

impl fmt::Display for IndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IndexError {}

/// Calls `each` with every token of folded text: runs of word characters,
/// and single characters of scripts written without spaces.
pub(crate) fn for_each_token<'t>(folded: &'t str, mut each: impl FnMut(&'t str)) {
    let mut start: Option<usize> = None;
    for (at, c) in folded.char_indices() {
        if is_unspaced_script(c) {
            if let Some(from) = start.take() {
                each(&folded[from..at]);
            }
            each(&folded[at..at + c.len_utf8()]);
        } else if is_word_char(c) {
            start.get_or_insert(at);
        } else if let Some(from) = start.take() {
            each(&folded[from..at]);
        }
    }
    if let Some(from) = start {
        each(&folded[from..]);
    }
}

/// The keys a name can be filed under: its token when it has one, else
/// each pair of adjacent tokens, written "first second". A page holds a
/// key when it has that word, or those two words next to each other, so
/// pairs keep names made of common words (first name and surname) from
/// being selected by every page that has both words somewhere.
fn name_keys(folded: &str) -> Vec<String> {
    let mut tokens: Vec<&str> = Vec::new();
    for_each_token(folded, |token| tokens.push(token));
    match tokens.as_slice() {
        [] => Vec::new(),
        [only] => vec![(*only).to_owned()],
        _ => tokens.windows(2).map(|pair| format!("{} {}", pair[0], pair[1])).collect(),
    }
}

fn push_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7F) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn push_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn to_u32(n: usize, what: &str) -> Result<u32, IndexError> {
    u32::try_from(n).map_err(|_| IndexError::new(format!("too many {what} for the index format (limit 4,294,967,295)")))
}

fn options_byte(options: NameOptions) -> u8 {
    let case = match options.case {
        CaseRule::Default => 0,
        CaseRule::Exact => 1,
        CaseRule::Any => 2,
    };
    case | if options.sentence_start { 0 } else { 4 }
}

fn options_from_byte(byte: u8) -> NameOptions {
    let case = match byte & 3 {
        1 => CaseRule::Exact,
        2 => CaseRule::Any,
        _ => CaseRule::Default,
    };
    NameOptions { case, sentence_start: byte & 4 == 0 }
}

/// Writes the compact index of `dictionary`, folding as `options` say
/// (the matcher built from the index later folds the same way).
pub fn write_index(dictionary: &Dictionary, options: MatchOptions) -> Result<Vec<u8>, IndexError> {
    let fold = FoldOptions { case: true, diacritics: options.fold_diacritics };
    // Each name's keys (its single token, or each pair of adjacent tokens),
    // and how many names have each key.
    let mut named: Vec<(u32, &str, NameOptions, bool, Vec<String>)> = Vec::new();
    let mut frequency: HashMap<String, u32> = HashMap::new();
    for (entity, record) in dictionary.entities().iter().enumerate() {
        let entity = to_u32(entity, "entities")?;
        for (position, name) in record.names.iter().enumerate() {
            let folded = fold_name(&name.text, fold);
            let mut keys = name_keys(&folded);
            keys.sort_unstable();
            keys.dedup();
            if keys.is_empty() {
                continue;
            }
            for key in &keys {
                *frequency.entry(key.clone()).or_default() += 1;
            }
            // The canonical name is stored once, in the entity's record.
            let canonical = position == 0 && name.text == record.name;
            named.push((entity, name.text.as_str(), name.options, canonical, keys));
        }
    }
    // File each name under its rarest key; ties go to the longest, then the
    // first in byte order, so the output is deterministic.
    let mut groups: std::collections::BTreeMap<String, Vec<(u32, &str, NameOptions, bool)>> = std::collections::BTreeMap::new();
    for (entity, text, name_options, canonical, keys) in &named {
        let key = keys
            .iter()
            .min_by(|a, b| frequency[*a].cmp(&frequency[*b]).then(b.len().cmp(&a.len())).then(a.cmp(b)))
            .cloned()
            .unwrap_or_default();
        groups.entry(key).or_default().push((*entity, text, *name_options, *canonical));
    }

    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    push_u32(&mut out, VERSION);
    push_u32(&mut out, if options.fold_diacritics { FLAG_FOLD_DIACRITICS } else { 0 });
    push_u32(&mut out, to_u32(dictionary.entities().len(), "entities")?);
    push_u32(&mut out, to_u32(named.len(), "names")?);
    push_u32(&mut out, to_u32(groups.len(), "keys")?);
    for text in [dictionary.title().unwrap_or(""), dictionary.as_of().unwrap_or("")] {
        push_u32(&mut out, to_u32(text.len(), "bytes")?);
        out.extend_from_slice(text.as_bytes());
    }

    let mut blob = Vec::new();
    let mut checkpoints = Vec::new();
    for (index, (key, names)) in groups.iter().enumerate() {
        if index % GROUP_STRIDE == 0 {
            checkpoints.push(to_u32(blob.len(), "bytes")?);
        }
        blob.extend_from_slice(key.as_bytes());
        blob.push(0);
        // The group's length, so a lookup can step over groups it does not
        // want without reading their names.
        let mut body = Vec::new();
        push_varint(&mut body, to_u32(names.len(), "names")?);
        for (entity, text, name_options, canonical) in names {
            push_varint(&mut body, *entity);
            body.push(options_byte(*name_options) | if *canonical { CANONICAL } else { 0 });
            if !canonical {
                body.extend_from_slice(text.as_bytes());
            }
            body.push(0);
        }
        push_varint(&mut blob, to_u32(body.len(), "bytes")?);
        blob.extend_from_slice(&body);
    }
    push_section(&mut out, &blob, &checkpoints)?;

    blob.clear();
    checkpoints.clear();
    for (index, entity) in dictionary.entities().iter().enumerate() {
        if index % ENTITY_STRIDE == 0 {
            checkpoints.push(to_u32(blob.len(), "bytes")?);
        }
        for field in [entity.id.as_str(), entity.name.as_str(), entity.kind.as_str(), entity.summary.as_str(), entity.url.as_deref().unwrap_or("")] {
            blob.extend_from_slice(field.as_bytes());
            blob.push(0);
        }
    }
    push_section(&mut out, &blob, &checkpoints)?;
    Ok(out)
}

fn push_section(out: &mut Vec<u8>, blob: &[u8], checkpoints: &[u32]) -> Result<(), IndexError> {
    push_u32(out, to_u32(blob.len(), "bytes")?);
    out.extend_from_slice(blob);
    push_u32(out, to_u32(checkpoints.len(), "checkpoints")?);
    for offset in checkpoints {
        push_u32(out, *offset);
    }
    Ok(())
}

/// A name as a group stores it: entity, options, whether it is the
/// entity's canonical name (then the text is empty), text.
type GroupName<'a> = (u32, NameOptions, bool, &'a str);

/// A byte range of the file.
#[derive(Clone, Copy, Debug)]
struct Section {
    start: usize,
    len: usize,
}

/// An opened index; see the module documentation.
#[derive(Debug)]
pub struct CompactIndex {
    bytes: Vec<u8>,
    options: MatchOptions,
    entity_count: usize,
    name_count: usize,
    group_count: usize,
    title: Section,
    as_of: Section,
    groups: Section,
    group_checkpoints: Section,
    entities: Section,
    entity_checkpoints: Section,
}

/// One entity read from an index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedEntity<'a> {
    /// Stable identifier.
    pub id: &'a str,
    /// Canonical name.
    pub name: &'a str,
    /// Entity type.
    pub kind: &'a str,
    /// Plain-text summary.
    pub summary: &'a str,
    /// Link, if any.
    pub url: Option<&'a str>,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn u32(&mut self) -> Result<u32, IndexError> {
        let slice = self.bytes.get(self.at..self.at + 4).ok_or_else(|| IndexError::new("the index file is truncated"))?;
        self.at += 4;
        Ok(u32::from_le_bytes([slice[0], slice[1], slice[2], slice[3]]))
    }

    fn section(&mut self, what: &str) -> Result<Section, IndexError> {
        let len = self.u32()? as usize;
        let start = self.at;
        if self.bytes.len() - start < len {
            return Err(IndexError::new(format!("the index file is truncated in its {what}")));
        }
        self.at += len;
        Ok(Section { start, len })
    }

    fn checkpoints(&mut self, what: &str) -> Result<Section, IndexError> {
        let count = self.u32()? as usize;
        let start = self.at;
        let len = count.checked_mul(4).filter(|len| self.bytes.len() - start >= *len).ok_or_else(|| IndexError::new(format!("the index file is truncated in its {what} checkpoints")))?;
        self.at += len;
        Ok(Section { start, len: count })
    }
}

/// Reads a varint at `*at` in `bytes`, moving `*at` past it.
fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let mut value: u32 = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u32::from(byte & 0x7F).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// Reads bytes up to the next NUL at `*at`, moving `*at` past the NUL.
fn read_cstr<'a>(bytes: &'a [u8], at: &mut usize) -> Option<&'a [u8]> {
    let rest = bytes.get(*at..)?;
    let end = rest.iter().position(|b| *b == 0)?;
    *at += end + 1;
    Some(&rest[..end])
}

impl CompactIndex {
    /// Opens an index from its bytes, checking its header and the bounds of
    /// its sections; nothing else is parsed.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<CompactIndex, IndexError> {
        if bytes.get(..4) != Some(MAGIC.as_slice()) {
            return Err(IndexError::new("not an entity index (the file does not start with EHIX); make one with `entity-highlighter index`"));
        }
        let mut reader = Reader { bytes: &bytes, at: 4 };
        let version = reader.u32()?;
        if version != VERSION {
            return Err(IndexError::new(format!("index format version {version}; this build reads version {VERSION}")));
        }
        let flags = reader.u32()?;
        let entity_count = reader.u32()? as usize;
        let name_count = reader.u32()? as usize;
        let group_count = reader.u32()? as usize;
        let title = reader.section("title")?;
        let as_of = reader.section("date")?;
        let groups = reader.section("keys")?;
        let group_checkpoints = reader.checkpoints("keys")?;
        let entities = reader.section("entities")?;
        let entity_checkpoints = reader.checkpoints("entities")?;
        if group_checkpoints.len != group_count.div_ceil(GROUP_STRIDE) || entity_checkpoints.len != entity_count.div_ceil(ENTITY_STRIDE) {
            return Err(IndexError::new("the index file's counts do not agree with its checkpoints"));
        }
        let options = MatchOptions { fold_diacritics: flags & FLAG_FOLD_DIACRITICS != 0 };
        Ok(CompactIndex { bytes, options, entity_count, name_count, group_count, title, as_of, groups, group_checkpoints, entities, entity_checkpoints })
    }

    fn slice(&self, section: Section) -> &[u8] {
        self.bytes.get(section.start..section.start + section.len).unwrap_or(&[])
    }

    fn checkpoint(&self, section: Section, index: usize) -> Option<usize> {
        let at = section.start + index * 4;
        let raw = self.bytes.get(at..at + 4)?;
        Some(u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize)
    }

    /// How many entities the index holds.
    pub fn entity_count(&self) -> usize {
        self.entity_count
    }

    /// How many names the index holds.
    pub fn name_count(&self) -> usize {
        self.name_count
    }

    /// The dictionary's title, if it had one.
    pub fn title(&self) -> Option<&str> {
        std::str::from_utf8(self.slice(self.title)).ok().filter(|t| !t.is_empty())
    }

    /// The dictionary's date, if it had one.
    pub fn as_of(&self) -> Option<&str> {
        std::str::from_utf8(self.slice(self.as_of)).ok().filter(|t| !t.is_empty())
    }

    /// The options the index was folded with.
    pub fn options(&self) -> MatchOptions {
        self.options
    }

    /// The entity at `index`, if there is one and it reads cleanly.
    pub fn entity(&self, index: usize) -> Option<IndexedEntity<'_>> {
        if index >= self.entity_count {
            return None;
        }
        let blob = self.slice(self.entities);
        let mut at = self.checkpoint(self.entity_checkpoints, index / ENTITY_STRIDE)?;
        for _ in 0..(index % ENTITY_STRIDE) * 5 {
            read_cstr(blob, &mut at)?;
        }
        let mut field = || read_cstr(blob, &mut at).and_then(|bytes| std::str::from_utf8(bytes).ok());
        let (id, name, kind, summary, url) = (field()?, field()?, field()?, field()?, field()?);
        Some(IndexedEntity { id, name, kind, summary, url: (!url.is_empty()).then_some(url) })
    }

    /// Entity counts per type (reads every entity: for a UI's filters, not
    /// for a hot path).
    pub fn type_counts(&self) -> std::collections::BTreeMap<String, u32> {
        let mut counts = std::collections::BTreeMap::new();
        let blob = self.slice(self.entities);
        let mut at = 0;
        for _ in 0..self.entity_count {
            let fields: Option<Vec<&[u8]>> = (0..5).map(|_| read_cstr(blob, &mut at)).collect();
            let Some(fields) = fields else { break };
            if let Ok(kind) = std::str::from_utf8(fields[2]) {
                *counts.entry(kind.to_owned()).or_default() += 1;
            }
        }
        counts
    }

    /// The key of the group at byte `at` of the groups blob.
    fn key_at<'a>(blob: &'a [u8], at: usize) -> Option<&'a [u8]> {
        let rest = blob.get(at..)?;
        rest.iter().position(|b| *b == 0).map(|end| &rest[..end])
    }

    /// Skips the group at `*at` (its key already read or not), returning its
    /// names: `(entity, options, text)`.
    /// Reads the key of the group at `*at` and moves `*at` past the group;
    /// returns the key and where the group's names start and end.
    fn step_group<'a>(blob: &'a [u8], at: &mut usize) -> Option<(&'a [u8], usize, usize)> {
        let key = read_cstr(blob, at)?;
        let len = read_varint(blob, at)? as usize;
        let start = *at;
        let end = start.checked_add(len).filter(|end| *end <= blob.len())?;
        *at = end;
        Some((key, start, end))
    }

    /// The names of a group whose names span `start..end` of the blob.
    fn read_names(blob: &[u8], start: usize, end: usize) -> Option<Vec<GroupName<'_>>> {
        let blob = blob.get(..end)?;
        let at = &mut start.clone();
        let count = read_varint(blob, at)? as usize;
        let mut names = Vec::with_capacity(count.min(1024));
        for _ in 0..count {
            let entity = read_varint(blob, at)?;
            let flags = *blob.get(*at)?;
            *at += 1;
            let text = read_cstr(blob, at)?;
            if let Ok(text) = std::str::from_utf8(text) {
                names.push((entity, options_from_byte(flags), flags & CANONICAL != 0, text));
            }
        }
        Some(names)
    }

    /// The names filed under `key`, if any.
    fn names_under(&self, key: &[u8]) -> Vec<GroupName<'_>> {
        let blob = self.slice(self.groups);
        let checkpoints = self.group_checkpoints.len;
        // The last checkpoint whose first key is not after `key`.
        let (mut low, mut high) = (0usize, checkpoints);
        while low < high {
            let middle = (low + high) / 2;
            let first = self.checkpoint(self.group_checkpoints, middle).and_then(|at| Self::key_at(blob, at));
            match first {
                Some(first) if first <= key => low = middle + 1,
                _ => high = middle,
            }
        }
        let Some(checkpoint) = low.checked_sub(1) else { return Vec::new() };
        let Some(mut at) = self.checkpoint(self.group_checkpoints, checkpoint) else { return Vec::new() };
        for _ in 0..GROUP_STRIDE {
            let Some((group_key, start, end)) = Self::step_group(blob, &mut at) else { break };
            match group_key.cmp(key) {
                std::cmp::Ordering::Equal => return Self::read_names(blob, start, end).unwrap_or_default(),
                std::cmp::Ordering::Greater => break,
                std::cmp::Ordering::Less => {}
            }
        }
        Vec::new()
    }

    /// Builds a matcher for `text` from only the names that can occur in
    /// it. Mentions it finds refer to the index's entity numbers.
    pub fn matcher_for(&self, text: &str) -> Result<PageMatcher, IndexError> {
        let fold = FoldOptions { case: true, diacritics: self.options.fold_diacritics };
        let folded = Folded::new(text, fold);
        let mut tokens: Vec<&str> = Vec::new();
        for_each_token(&folded.text, |token| tokens.push(token));
        let words: HashSet<&str> = tokens.iter().copied().collect();
        let pairs: HashSet<(&str, &str)> = tokens.windows(2).map(|pair| (pair[0], pair[1])).collect();
        let mut keys: Vec<String> = words.iter().map(|word| (*word).to_owned()).collect();
        keys.extend(pairs.iter().map(|(first, second)| format!("{first} {second}")));
        let mut candidates: Vec<(u32, NameOptions, &str)> = Vec::new();
        for key in &keys {
            for (entity, options, canonical, text) in self.names_under(key.as_bytes()) {
                if (entity as usize) >= self.entity_count {
                    continue;
                }
                let name = if canonical {
                    match self.entity(entity as usize) {
                        Some(record) => record.name,
                        None => continue,
                    }
                } else {
                    text
                };
                // Every word of the name is in the page, each next to the
                // one that follows it in the name.
                let name_folded = fold_name(name, fold);
                let mut previous: Option<&str> = None;
                let mut present = true;
                for_each_token(&name_folded, |token| {
                    present &= words.contains(token) && previous.is_none_or(|before| pairs.contains(&(before, token)));
                    previous = Some(token);
                });
                if present {
                    candidates.push((entity, options, name));
                }
            }
        }
        // Dictionary order, so ambiguous candidates rank as with the full
        // matcher.
        candidates.sort_unstable_by_key(|(entity, _, name)| (*entity, *name));
        candidates.dedup();
        let count = candidates.len();
        let matcher = Matcher::from_names(candidates.into_iter().map(|(entity, options, name)| (entity, name, options)), self.options)
            .map_err(|error| IndexError::new(error.to_string()))?;
        Ok(PageMatcher { matcher, candidates: count })
    }

    /// How many distinct keys the index files names under.
    pub fn key_count(&self) -> usize {
        self.group_count
    }
}

/// A matcher built for one page from an index.
#[derive(Debug)]
pub struct PageMatcher {
    /// The compiled names that can occur in the page.
    pub matcher: Matcher,
    /// How many names were selected.
    pub candidates: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    const DICTIONARY: &str = r#"{"name":"t","as_of":"2026-01-01","entities":[
        {"id":"city:baku","name":"Baku","type":"city","summary":"Capital of Azerbaijan.","url":"https://example.org/baku"},
        {"id":"person:ia","name":"Ilham Aliyev","type":"person","summary":"President.","aliases":["Aliyev"]},
        {"id":"person:ha","name":"Heydar Aliyev","type":"person","summary":"Former president.","aliases":["Aliyev"]},
        {"id":"city:beijing","name":"北京","type":"city","summary":"Capital of China."},
        {"id":"org:us","name":"U.S. Chamber of Commerce","type":"organisation","summary":"A lobby.","aliases":[{"name":"US","case":"exact"}]},
        {"id":"city:nice","name":"Nice","type":"city","summary":"A city in France.","match":{"sentence_start":false}}
    ]}"#;

    fn mentions(dictionary: &Dictionary, index: &CompactIndex, text: &str) -> (Vec<(usize, usize, Vec<usize>)>, Vec<(usize, usize, Vec<usize>)>) {
        let full = Matcher::new(dictionary, MatchOptions::default()).unwrap();
        let page = index.matcher_for(text).unwrap();
        let as_triples = |m: Vec<crate::Mention>| m.into_iter().map(|m| (m.start, m.end, m.entities)).collect();
        (as_triples(full.find(text)), as_triples(page.matcher.find(text)))
    }

    #[test]
    fn the_index_finds_what_the_full_matcher_finds() {
        let dictionary = Dictionary::from_json(DICTIONARY).unwrap();
        let index = CompactIndex::from_bytes(write_index(&dictionary, MatchOptions::default()).unwrap()).unwrap();
        for text in [
            "Ilham Aliyev met the U.S. Chamber of Commerce in Baku. Aliyev smiled.",
            "我在北京工作, not in BAKU; the US said. Nice to see you in Nice.",
            "Nothing here but Bakuvian and aliyev.",
            "",
        ] {
            let (full, page) = mentions(&dictionary, &index, text);
            assert_eq!(full, page, "for {text:?}");
        }
        let page = index.matcher_for("Baku only").unwrap();
        assert_eq!(page.candidates, 1, "only the names whose words are in the page");
    }

    #[test]
    fn entities_and_metadata_read_back() {
        let dictionary = Dictionary::from_json(DICTIONARY).unwrap();
        let index = CompactIndex::from_bytes(write_index(&dictionary, MatchOptions::default()).unwrap()).unwrap();
        assert_eq!(index.entity_count(), 6);
        assert_eq!(index.name_count(), 9);
        assert_eq!((index.title(), index.as_of()), (Some("t"), Some("2026-01-01")));
        assert_eq!(index.entity(0), Some(IndexedEntity { id: "city:baku", name: "Baku", kind: "city", summary: "Capital of Azerbaijan.", url: Some("https://example.org/baku") }));
        assert_eq!(index.entity(5).map(|e| e.id), Some("city:nice"));
        assert_eq!(index.entity(6), None);
        assert_eq!(index.type_counts().get("person"), Some(&2));
    }

    #[test]
    fn many_entities_cross_checkpoints() {
        let entities: Vec<String> = (0..500).map(|i| format!(r#"{{"id":"e{i}","name":"Name{i} Town","type":"city","summary":"S{i}."}}"#)).collect();
        let dictionary = Dictionary::from_json(&format!(r#"{{"entities":[{}]}}"#, entities.join(","))).unwrap();
        let index = CompactIndex::from_bytes(write_index(&dictionary, MatchOptions::default()).unwrap()).unwrap();
        for i in [0, 63, 64, 65, 200, 499] {
            assert_eq!(index.entity(i).map(|e| e.summary.to_owned()), Some(format!("S{i}.")));
        }
        let page = index.matcher_for("We drove from Name7 Town to Name431 town and NAME250 TOWN.").unwrap();
        let found: Vec<usize> = page.matcher.find("We drove from Name7 Town to Name431 town and NAME250 TOWN.").iter().map(|m| m.entities[0]).collect();
        assert_eq!(found, vec![7, 250]);
    }

    #[test]
    fn damaged_files_give_errors_not_panics() {
        let dictionary = Dictionary::from_json(DICTIONARY).unwrap();
        let bytes = write_index(&dictionary, MatchOptions::default()).unwrap();
        assert!(CompactIndex::from_bytes(b"JSON".to_vec()).unwrap_err().to_string().contains("not an entity index"));
        for cut in [5, 20, 40, bytes.len() / 2, bytes.len() - 1] {
            assert!(CompactIndex::from_bytes(bytes[..cut].to_vec()).is_err(), "cut at {cut}");
        }
        // Corrupt every byte of the body in turn: opening and matching must
        // not panic.
        for at in 8..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0xA5;
            if let Ok(index) = CompactIndex::from_bytes(damaged) {
                let _ = index.matcher_for("Ilham Aliyev in Baku and 北京, Nice.");
                let _ = index.entity(1);
                let _ = index.type_counts();
            }
        }
    }
}
