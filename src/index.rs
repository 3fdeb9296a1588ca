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
//! "EHIX" version(4) flags entity_count name_count group_count
//! title: len bytes          as_of: len bytes
//! groups: len bytes         (sorted by key)
//!   per group: key 0x00, varint byte length of the rest, varint name count,
//!     per name: varint entity, u8 options, name text 0x00 (empty for an
//!     entity's canonical name, which the names column holds)
//! group checkpoints: count, offsets (of every 8th group), then for each
//!   the first eight bytes of its key as a big-endian u64, stored as u64
//!   little-endian (zero-padded)
//! entity columns, in dictionary order, each: len bytes (one NUL-terminated
//!   field per entity), checkpoint count, offsets (of every 16th entity):
//!   ids, canonical names, summaries, urls (empty when none)
//! types: len bytes (the distinct types, each NUL-terminated), width (1, 2
//!   or 4), len bytes (each entity's type number, `width` bytes)
//! ```
//!
//! Records are plain text separated by NUL (which no name, id or summary
//! may contain), and entities are stored column by column (all ids, then
//! all names, ...), so that gzip finds like next to like.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::dictionary::{CaseRule, Dictionary, NameOptions};
use aho_corasick::AhoCorasickKind;

use crate::matcher::{MatchOptions, Matcher, Mention, NameSet};
use crate::normalize::{fold_name, fold_name_into, is_unspaced_script, is_word_char, FoldOptions, Folded, MAX_TEXT_BYTES};

const MAGIC: &[u8; 4] = b"EHIX";
const VERSION: u32 = 4;
const FLAG_FOLD_DIACRITICS: u32 = 1;
const GROUP_STRIDE: usize = 8;
/// Name option bit: the name is its entity's canonical name, whose text is
/// in the entity record rather than repeated in the name record.
const CANONICAL: u8 = 8;
/// A checkpoint every 16 entities per column: reading an entity's field
/// (a canonical name, during selection) scans at most 15 fields. With a
/// checkpoint every 8 groups, a 100 KB page costs 6% fewer instructions
/// than with 32 and 16, for 0.3 MB more of a gzipped 1M-name index.
const ENTITY_STRIDE: usize = 16;

/// A fast, non-cryptographic hash for the words of one page and for
/// pattern hashes: SipHash, the standard one, was a tenth of a page's
/// selection time. A hostile page can at worst slow its own matching.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FastHashBuilder;

pub(crate) struct FastHasher(u64);

const HASH_FACTOR: u64 = 0x517c_c1b7_2722_0a95;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(HASH_FACTOR);
    }
}

impl std::hash::Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // Whole words by `first_chunk` and the tail byte by byte: under
        // opt-level "s" a `copy_from_slice` into a word stays a call to
        // memcpy in WebAssembly, several per word hashed.
        let mut rest = bytes;
        while let Some((word, tail)) = rest.split_first_chunk::<8>() {
            self.add(u64::from_le_bytes(*word));
            rest = tail;
        }
        let mut word = 0u64;
        for (at, byte) in rest.iter().enumerate() {
            word |= u64::from(*byte) << (8 * at);
        }
        self.add(word ^ ((bytes.len() as u64) << 56));
    }

    #[inline]
    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    #[inline]
    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    #[inline]
    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    #[inline]
    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The multiply leaves the high bits best mixed; hash tables index
        // with the low ones.
        self.0 ^ (self.0 >> 32)
    }
}

impl std::hash::BuildHasher for FastHashBuilder {
    type Hasher = FastHasher;

    #[inline]
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0)
    }
}

impl FastHashBuilder {
    pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
        use std::hash::Hasher;
        let mut hasher = FastHasher(0);
        hasher.write(bytes);
        hasher.finish()
    }
}

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
    let bytes = folded.as_bytes();
    let mut start: Option<usize> = None;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte < 0x80 {
            // Most of a page, read byte by byte: no ASCII character is of
            // an unspaced script.
            if byte.is_ascii_alphanumeric() {
                start.get_or_insert(at);
            } else if let Some(from) = start.take() {
                each(&folded[from..at]);
            }
            at += 1;
            continue;
        }
        let Some(c) = folded[at..].chars().next() else { break };
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
        at += c.len_utf8();
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
    let mut prefixes = Vec::new();
    for (index, (key, names)) in groups.iter().enumerate() {
        if index % GROUP_STRIDE == 0 {
            checkpoints.push(to_u32(blob.len(), "bytes")?);
            prefixes.push(key_prefix(key.as_bytes()));
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
    for prefix in prefixes {
        out.extend_from_slice(&prefix.to_le_bytes());
    }

    let entities = dictionary.entities();
    let columns: [fn(&crate::Entity) -> &str; 4] = [|e| e.id.as_str(), |e| e.name.as_str(), |e| e.summary.as_str(), |e| e.url.as_deref().unwrap_or("")];
    for column in columns {
        blob.clear();
        checkpoints.clear();
        for (index, entity) in entities.iter().enumerate() {
            if index % ENTITY_STRIDE == 0 {
                checkpoints.push(to_u32(blob.len(), "bytes")?);
            }
            blob.extend_from_slice(column(entity).as_bytes());
            blob.push(0);
        }
        push_section(&mut out, &blob, &checkpoints)?;
    }

    // Types: a short table, and a number per entity.
    let mut type_numbers: HashMap<&str, u32> = HashMap::new();
    let mut table = Vec::new();
    let mut numbers: Vec<u32> = Vec::with_capacity(entities.len());
    for entity in entities {
        let next = to_u32(type_numbers.len(), "types")?;
        let number = *type_numbers.entry(entity.kind.as_str()).or_insert_with(|| {
            table.extend_from_slice(entity.kind.as_bytes());
            table.push(0);
            next
        });
        numbers.push(number);
    }
    let width: usize = match type_numbers.len() {
        0..=256 => 1,
        257..=65_536 => 2,
        _ => 4,
    };
    push_u32(&mut out, to_u32(table.len(), "bytes")?);
    out.extend_from_slice(&table);
    push_u32(&mut out, width as u32);
    push_u32(&mut out, to_u32(numbers.len() * width, "bytes")?);
    for number in numbers {
        out.extend_from_slice(&number.to_le_bytes()[..width]);
    }
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

/// A byte range of the file.
#[derive(Clone, Copy, Debug)]
struct Section {
    start: usize,
    len: usize,
}

/// One field per entity, NUL-terminated, with a checkpoint every
/// `ENTITY_STRIDE` entities.
#[derive(Clone, Copy, Debug)]
struct Column {
    data: Section,
    checkpoints: Section,
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
    /// The first eight bytes of each checkpoint's key as a number that
    /// sorts like them (see `key_prefix`): a lookup binary-searches these
    /// integers instead of keys scattered over the file. Stored in the file
    /// after the checkpoints: computing them at opening read a key at each
    /// checkpoint, 27k places across a 1M-name file (9 ms).
    checkpoint_prefixes: Vec<u64>,
    ids: Column,
    names: Column,
    summaries: Column,
    urls: Column,
    /// Each type name, as a range of the file (the table is short; reading
    /// it once at opening makes a type lookup one step).
    type_names: Vec<Section>,
    type_width: usize,
    type_numbers: Section,
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

    fn column(&mut self, what: &str, entity_count: usize) -> Result<Column, IndexError> {
        let data = self.section(what)?;
        let checkpoints = self.checkpoints(what)?;
        if checkpoints.len != entity_count.div_ceil(ENTITY_STRIDE) {
            return Err(IndexError::new(format!("the index file's entity count does not agree with its {what} checkpoints")));
        }
        Ok(Column { data, checkpoints })
    }
}

/// Reads a varint at `*at` in `bytes`, moving `*at` past it.
#[inline]
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

/// Where the first NUL of `bytes` is. Eight bytes at a time: reading an
/// entity's field steps over up to 15 others, and WebAssembly has no
/// `memchr`. Words are read with `first_chunk`, a plain load: the
/// `copy_from_slice` this used before stayed a memcpy call per word in the
/// opt-level "s" WebAssembly build, a fifth of a page's time there.
#[inline]
fn find_nul(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut rest = bytes;
    let mut offset = 0;
    while let Some((word, tail)) = rest.split_first_chunk::<8>() {
        let word = u64::from_le_bytes(*word);
        // The lowest flagged byte is the first zero byte.
        let zero = word.wrapping_sub(ONES) & !word & HIGHS;
        if zero != 0 {
            return Some(offset + (zero.trailing_zeros() / 8) as usize);
        }
        offset += 8;
        rest = tail;
    }
    rest.iter().position(|b| *b == 0).map(|p| offset + p)
}

/// The first eight bytes of `key` as a number that sorts as the bytes do
/// (a shorter key sorts first, as after zero padding: keys hold no NUL).
#[inline]
fn key_prefix(key: &[u8]) -> u64 {
    if let Some(first) = key.first_chunk::<8>() {
        return u64::from_be_bytes(*first);
    }
    // Byte by byte: a copy of a variable length calls memcpy.
    let mut word = 0u64;
    for (at, byte) in key.iter().enumerate() {
        word |= u64::from(*byte) << (56 - 8 * at);
    }
    word
}

/// Reads bytes up to the next NUL at `*at`, moving `*at` past the NUL.
#[inline]
fn read_cstr<'a>(bytes: &'a [u8], at: &mut usize) -> Option<&'a [u8]> {
    let rest = bytes.get(*at..)?;
    let end = find_nul(rest)?;
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
            return Err(IndexError::new(format!(
                "index format version {version}; this build reads version {VERSION}: write the index again with this build's `entity-highlighter index`"
            )));
        }
        let flags = reader.u32()?;
        let entity_count = reader.u32()? as usize;
        let name_count = reader.u32()? as usize;
        let group_count = reader.u32()? as usize;
        let title = reader.section("title")?;
        let as_of = reader.section("date")?;
        let groups = reader.section("keys")?;
        let group_checkpoints = reader.checkpoints("keys")?;
        if group_checkpoints.len != group_count.div_ceil(GROUP_STRIDE) {
            return Err(IndexError::new("the index file's counts do not agree with its checkpoints"));
        }
        // One read in file order, not one per checkpoint across the file.
        let prefix_bytes = group_checkpoints.len * 8;
        let Some(raw) = reader.bytes.get(reader.at..reader.at + prefix_bytes) else {
            return Err(IndexError::new("the index file is truncated in its key prefixes"));
        };
        let checkpoint_prefixes: Vec<u64> = raw.chunks_exact(8).map(|chunk| chunk.first_chunk::<8>().map_or(u64::MAX, |word| u64::from_le_bytes(*word))).collect();
        reader.at += prefix_bytes;
        let ids = reader.column("ids", entity_count)?;
        let names = reader.column("names", entity_count)?;
        let summaries = reader.column("summaries", entity_count)?;
        let urls = reader.column("links", entity_count)?;
        let table = reader.section("types")?;
        let type_width = reader.u32()? as usize;
        let type_numbers = reader.section("types")?;
        if !matches!(type_width, 1 | 2 | 4) || entity_count.checked_mul(type_width) != Some(type_numbers.len) {
            return Err(IndexError::new("the index file's entity types do not agree with its entity count"));
        }
        let mut type_names = Vec::new();
        let mut start = table.start;
        while start < table.start + table.len {
            let Some(len) = find_nul(&bytes[start..table.start + table.len]) else {
                return Err(IndexError::new("the index file's type table is damaged"));
            };
            type_names.push(Section { start, len });
            start += len + 1;
        }
        let options = MatchOptions { fold_diacritics: flags & FLAG_FOLD_DIACRITICS != 0 };
        Ok(CompactIndex { bytes, options, entity_count, name_count, group_count, title, as_of, groups, group_checkpoints, checkpoint_prefixes, ids, names, summaries, urls, type_names, type_width, type_numbers })
    }

    #[inline]
    fn slice(&self, section: Section) -> &[u8] {
        self.bytes.get(section.start..section.start + section.len).unwrap_or(&[])
    }

    #[inline]
    fn checkpoint(&self, section: Section, index: usize) -> Option<usize> {
        let at = section.start + index * 4;
        let raw = self.bytes.get(at..at + 4)?;
        Some(u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize)
    }

    /// The field of entity `index` in `column`.
    fn field(&self, column: Column, index: usize) -> Option<&str> {
        let data = self.slice(column.data);
        let mut at = self.checkpoint(column.checkpoints, index / ENTITY_STRIDE)?;
        for _ in 0..index % ENTITY_STRIDE {
            at += find_nul(data.get(at..)?)? + 1;
        }
        std::str::from_utf8(read_cstr(data, &mut at)?).ok()
    }

    fn type_number(&self, index: usize) -> Option<usize> {
        let at = self.type_numbers.start + index * self.type_width;
        let raw = self.bytes.get(at..at + self.type_width)?;
        let mut word = [0u8; 4];
        word[..raw.len()].copy_from_slice(raw);
        Some(u32::from_le_bytes(word) as usize)
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
        let kind = self.type_names.get(self.type_number(index)?).and_then(|range| std::str::from_utf8(self.slice(*range)).ok())?;
        let url = self.field(self.urls, index)?;
        Some(IndexedEntity {
            id: self.field(self.ids, index)?,
            name: self.field(self.names, index)?,
            kind,
            summary: self.field(self.summaries, index)?,
            url: (!url.is_empty()).then_some(url),
        })
    }

    /// Entity counts per type.
    pub fn type_counts(&self) -> std::collections::BTreeMap<String, u32> {
        let mut per_number = vec![0u32; self.type_names.len()];
        for index in 0..self.entity_count {
            if let Some(count) = self.type_number(index).and_then(|number| per_number.get_mut(number)) {
                *count += 1;
            }
        }
        let mut counts = std::collections::BTreeMap::new();
        for (range, count) in self.type_names.iter().zip(per_number) {
            if let (Ok(kind), true) = (std::str::from_utf8(self.slice(*range)), count > 0) {
                *counts.entry(kind.to_owned()).or_default() += count;
            }
        }
        counts
    }

    /// The key of the group at byte `at` of the groups blob.
    #[inline]
    fn key_at(blob: &[u8], at: usize) -> Option<&[u8]> {
        let rest = blob.get(at..)?;
        find_nul(rest).map(|end| &rest[..end])
    }

    /// Reads the key of the group at `*at` and moves `*at` past the group;
    /// returns the key and where the group's names start and end.
    #[inline]
    fn step_group<'a>(blob: &'a [u8], at: &mut usize) -> Option<(&'a [u8], usize, usize)> {
        let key = read_cstr(blob, at)?;
        let len = read_varint(blob, at)? as usize;
        let start = *at;
        let end = start.checked_add(len).filter(|end| *end <= blob.len())?;
        *at = end;
        Some((key, start, end))
    }

    /// Calls `each` with every name filed under `key`: entity, options
    /// byte, stored text (empty for a canonical name).
    fn for_names_under(&self, key: &[u8], each: &mut impl FnMut(u32, u8, &[u8])) -> Option<()> {
        let (start, end) = self.find_group(key)?;
        let names = self.slice(self.groups).get(..end)?;
        let mut at = start;
        let count = read_varint(names, &mut at)?;
        for _ in 0..count {
            let entity = read_varint(names, &mut at)?;
            let flags = *names.get(at)?;
            at += 1;
            let text = read_cstr(names, &mut at)?;
            each(entity, flags, text);
        }
        Some(())
    }

    /// Where the names of the group filed under `key` start and end in the
    /// groups blob.
    #[inline(never)]
    fn find_group(&self, key: &[u8]) -> Option<(usize, usize)> {
        let blob = self.slice(self.groups);
        // The last checkpoint whose first key is not after `key`: among
        // those whose prefix is not after the key's, unless some share the
        // key's prefix, when their whole keys decide.
        let prefix = key_prefix(key);
        let prefixes = &self.checkpoint_prefixes;
        let not_after = prefixes.partition_point(|p| *p <= prefix);
        let below = match not_after.checked_sub(1) {
            Some(last) if prefixes[last] == prefix => prefixes[..last].partition_point(|p| *p < prefix),
            _ => not_after,
        };
        let (mut low, mut high) = (below, not_after);
        while low < high {
            let middle = (low + high) / 2;
            let first = self.checkpoint(self.group_checkpoints, middle).and_then(|at| Self::key_at(blob, at));
            match first {
                Some(first) if first <= key => low = middle + 1,
                _ => high = middle,
            }
        }
        let mut at = self.checkpoint(self.group_checkpoints, low.checked_sub(1)?)?;
        for _ in 0..GROUP_STRIDE {
            let (group_key, start, end) = Self::step_group(blob, &mut at)?;
            // Prefixes first: most keys of a block differ from the one
            // sought in their first eight bytes.
            match key_prefix(group_key).cmp(&prefix).then_with(|| group_key.cmp(key)) {
                std::cmp::Ordering::Equal => return Some((start, end)),
                std::cmp::Ordering::Greater => return None,
                std::cmp::Ordering::Less => {}
            }
        }
        None
    }

    /// Builds a matcher for `text` from only the names that can occur in
    /// it, keeping the folded text for [`PageMatcher::find`]. Mentions it
    /// finds refer to the index's entity numbers.
    pub fn matcher_for<'t>(&self, text: &'t str) -> Result<PageMatcher<'t>, IndexError> {
        if text.len() > MAX_TEXT_BYTES {
            return Err(IndexError::new(format!("the text is {} bytes; the limit is {MAX_TEXT_BYTES}", text.len())));
        }
        let fold = FoldOptions { case: true, diacritics: self.options.fold_diacritics };
        let keep_case = FoldOptions { case: false, ..fold };
        let folded = Folded::new(text, fold);
        let mut set = NameSet::with_capacity(256);
        let mut candidates = 0;
        {
            // Each distinct word of the page gets a number; a pair of
            // adjacent words is a pair of numbers.
            let mut numbers: HashMap<&str, u32, FastHashBuilder> = HashMap::with_capacity_and_hasher(1024, FastHashBuilder);
            let mut words: Vec<&str> = Vec::with_capacity(1024);
            let mut pairs: HashSet<u64, FastHashBuilder> = HashSet::with_capacity_and_hasher(4096, FastHashBuilder);
            let mut previous: Option<u32> = None;
            for_each_token(&folded.text, |token| {
                let next = words.len() as u32;
                let number = *numbers.entry(token).or_insert_with(|| {
                    words.push(token);
                    next
                });
                if let Some(before) = previous {
                    pairs.insert(u64::from(before) << 32 | u64::from(number));
                }
                previous = Some(number);
            });

            let (mut name_folded, mut name_cased) = (String::new(), String::new());
            let mut consider = |entity: u32, flags: u8, stored: &[u8]| {
                if entity as usize >= self.entity_count {
                    return;
                }
                let name = if flags & CANONICAL != 0 {
                    match self.field(self.names, entity as usize) {
                        Some(name) => name,
                        None => return,
                    }
                } else {
                    match std::str::from_utf8(stored) {
                        Ok(name) => name,
                        Err(_) => return,
                    }
                };
                // Every word of the name is in the page, each next to the
                // one that follows it in the name.
                fold_name_into(name, fold, &mut name_folded);
                let mut previous: Option<u32> = None;
                let mut present = true;
                for_each_token(&name_folded, |token| {
                    if !present {
                        return;
                    }
                    match numbers.get(token) {
                        Some(&number) => {
                            present = previous.is_none_or(|before| pairs.contains(&(u64::from(before) << 32 | u64::from(number))));
                            previous = Some(number);
                        }
                        None => present = false,
                    }
                });
                if present {
                    fold_name_into(name, keep_case, &mut name_cased);
                    set.push(entity, &name_folded, &name_cased, options_from_byte(flags));
                    candidates += 1;
                }
            };
            for word in &words {
                self.for_names_under(word.as_bytes(), &mut consider);
            }
            let mut key: Vec<u8> = Vec::with_capacity(64);
            for pair in &pairs {
                let (first, second) = ((pair >> 32) as usize, (pair & 0xFFFF_FFFF) as usize);
                key.clear();
                key.extend_from_slice(words[first].as_bytes());
                key.push(b' ');
                key.extend_from_slice(words[second].as_bytes());
                self.for_names_under(&key, &mut consider);
            }
        }
        let matcher = Matcher::build(set, self.options, Some(PAGE_AUTOMATON)).map_err(|error| IndexError::new(error.to_string()))?;
        Ok(PageMatcher { matcher, candidates, text, folded })
    }

    /// How many distinct keys the index files names under.
    pub fn key_count(&self) -> usize {
        self.group_count
    }
}

/// The automaton kind for a page's names, chosen for build time plus
/// search time of a few thousand names over the page.
const PAGE_AUTOMATON: AhoCorasickKind = AhoCorasickKind::NoncontiguousNFA;

/// A matcher built for one page from an index, with the page's folded
/// text.
pub struct PageMatcher<'t> {
    /// The compiled names that can occur in the page.
    pub matcher: Matcher,
    /// How many names were selected.
    pub candidates: usize,
    text: &'t str,
    folded: Folded,
}

impl PageMatcher<'_> {
    /// Finds every mention in the page the matcher was built for, reusing
    /// the text folded during selection.
    pub fn find(&self) -> Vec<Mention> {
        self.matcher.find_folded(self.text, &self.folded)
    }
}

impl fmt::Debug for PageMatcher<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageMatcher").field("matcher", &self.matcher).field("candidates", &self.candidates).finish_non_exhaustive()
    }
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
        let as_triples = |m: Vec<crate::Mention>| m.into_iter().map(|m| (m.start, m.end, m.entities)).collect::<Vec<_>>();
        let refolded = as_triples(page.matcher.find(text));
        let reused = as_triples(page.find());
        assert_eq!(refolded, reused, "the page's folded text, kept, gives what folding it again gives");
        (as_triples(full.find(text)), reused)
    }

    #[test]
    fn varied_names_match_as_with_the_full_matcher() {
        let dictionary = Dictionary::from_json(
            r#"{"entities":[
            {"id":"a","name":"Erdoğan","type":"person","summary":"s","aliases":["Recep Tayyip Erdoğan","ERDOGAN"]},
            {"id":"b","name":"Москва","type":"city","summary":"s","aliases":["Moskva","Moscow"]},
            {"id":"c","name":"Straße der Einheit","type":"street","summary":"s"},
            {"id":"d","name":"São Paulo","type":"city","summary":"s","aliases":["Sao  Paulo","SP"]},
            {"id":"e","name":"Paulo","type":"person","summary":"s","match":{"sentence_start":false}},
            {"id":"f","name":"東京","type":"city","summary":"s","aliases":["Tokyo"]},
            {"id":"g","name":"Côte d'Ivoire","type":"country","summary":"s","aliases":[{"name":"CI","case":"exact"}]},
            {"id":"h","name":"Georgia","type":"country","summary":"s"},
            {"id":"i","name":"Georgia","type":"state","summary":"s","aliases":["georgia state"]},
            {"id":"j","name":"New York","type":"city","summary":"s","aliases":["New York City","NYC"]},
            {"id":"k","name":"York University","type":"organisation","summary":"s"},
            {"id":"l","name":"eBay","type":"organisation","summary":"s","match":{"case":"any"}},
            {"id":"m","name":"Ilham  Aliyev","type":"person","summary":"s","aliases":["I. Aliyev"]}
        ]}"#,
        )
        .unwrap();
        let index = CompactIndex::from_bytes(write_index(&dictionary, MatchOptions::default()).unwrap()).unwrap();
        for text in [
            "Erdogan and ERDOĞAN met Recep Tayyip Erdogan in Москве and МОСКВА, not Moskva.",
            "Straße der Einheit, STRASSE DER EINHEIT; Sao Paulo and São  Paulo. Paulo said.",
            "在東京, Tokyo; Côte d’Ivoire, CI and ci; Georgia, GEORGIA; georgia state.",
            "New York University, New York City and NYC; ebay, EBAY and eBay.",
            "Ilham\u{00A0}Aliyev and I. Aliyev; Ilham\n\nAliyev.",
        ] {
            let (full, page) = mentions(&dictionary, &index, text);
            assert_eq!(full, page, "for {text:?}");
            assert!(!page.is_empty(), "for {text:?}");
        }
        assert_eq!(index.entity(6).map(|e| (e.kind, e.name)), Some(("country", "Côte d'Ivoire")));
        assert_eq!(index.type_counts().get("city"), Some(&4));
    }

    #[test]
    fn old_versions_are_refused_with_a_clear_error() {
        let dictionary = Dictionary::from_json(DICTIONARY).unwrap();
        let mut bytes = write_index(&dictionary, MatchOptions::default()).unwrap();
        bytes[4..8].copy_from_slice(&1u32.to_le_bytes());
        let error = CompactIndex::from_bytes(bytes).unwrap_err().to_string();
        assert!(error.contains("version 1") && error.contains("write the index again"), "{error}");
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
    fn keys_sharing_their_first_bytes_are_found() {
        // Every key starts "internat", so the checkpoints' prefixes tie and
        // whole keys decide; short keys sort before them.
        let mut entities: Vec<String> = (0..700).map(|i| format!(r#"{{"id":"e{i}","name":"Internationale{i}","type":"t","summary":"s"}}"#)).collect();
        entities.extend(["Intern", "Internat", "Internatz", "A", "Zz"].iter().enumerate().map(|(i, name)| format!(r#"{{"id":"x{i}","name":"{name}","type":"t","summary":"s"}}"#)));
        let dictionary = Dictionary::from_json(&format!(r#"{{"entities":[{}]}}"#, entities.join(","))).unwrap();
        let index = CompactIndex::from_bytes(write_index(&dictionary, MatchOptions::default()).unwrap()).unwrap();
        let text = "Internationale0, Internationale699, Internationale345 and Internationale99; Intern, Internat, Internatz, A and Zz; not Internationale7000.";
        let (full, page) = mentions(&dictionary, &index, text);
        assert_eq!(full, page);
        assert_eq!(page.len(), 9);
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
