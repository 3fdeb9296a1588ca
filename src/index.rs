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
//!   filed there whose words occur in the page one after another, and
//!   builds a [`Matcher`] from them: usually a few hundred names, built in
//!   milliseconds. (The words one after another, not only each pair of
//!   them somewhere, left out a quarter of the names a 1 MB page selected,
//!   names of three words or more, and 29% of the build's work.)
//! - A name of three words or more carries a *neighbour mark* of the word
//!   next to its key pair, so that most such names a page lacks are
//!   passed over without reading their texts (`neighbour_mark`); most
//!   names of one or two words are spelled by their key ("Paris", "New
//!   York") and are made from it, their texts neither stored nor read
//!   (`SPELLED_BY_KEY`).
//!
//! The file is used as it is, without parsing it into structures: opening
//! one checks its header and section bounds, so a dictionary is ready as
//! soon as its bytes arrive, and its memory is the file itself. Every read
//! is bounds-checked: a damaged or hostile file gives errors or fewer
//! names, never a panic. The file ends with a checksum of each 64 KiB, which
//! [`CompactIndex::verify`] checks when a file is taken in for keeps (the
//! extension's options page, `entity-highlighter check`): reading every
//! byte is what opening avoids, and a damaged file would otherwise only
//! miss names or show garbled records.
//!
//! Layout (integers little-endian `u32` unless said otherwise):
//!
//! ```text
//! "EHIX" version(8) flags entity_count name_count group_count
//! title: len bytes          as_of: len bytes
//! groups: len bytes: the groups sorted by key, in blocks of 8 (the last
//!   may be shorter), each block column by column:
//!     its keys: the first as key 0x00, each later one as u8 shared, then
//!       key[shared..] 0x00 (shared: bytes in common with the key before,
//!       at most 255)
//!     its groups' name counts, a varint each
//!     its names' texts, group by group: text 0x00 (empty for an entity's
//!       canonical name, which the names column holds, and for a name its
//!       key spells)
//! entity numbers: planes P (3 when entity_count <= 2^24, else 4),
//!   len (= name_count * P) bytes: P planes of name_count bytes, plane p
//!   holding byte p (the lowest first) of each name's entity number
//! options: len (= name_count) bytes, one per name: bits 0-1 the case
//!   rule, bit 2 no sentence start, bit 3 canonical, bits 4-7 the
//!   neighbour mark (1-14, see `neighbour_mark`), or 15 for a name its key
//!   spells (see `SPELLED_BY_KEY`)
//! group checkpoints: count, then per block its offset in the groups and
//!   the number of its first name; then per block the first eight bytes
//!   of its first key as a big-endian u64, stored as u64 little-endian
//!   (zero-padded)
//! entity columns, in dictionary order, each: len bytes (one NUL-terminated
//!   field per entity), checkpoint count, offsets (of every 16th entity):
//!   ids:       the id, or one byte k (1..=15, k <= entity % 16): the id of
//!              entity - k with its last run of digits counted up by one
//!              ("g99" after "g98", "g100" after "g99"); a checkpoint's id
//!              is always written whole
//!   canonical names
//!   summaries: text and phrase references: 0x02 d (phrase d-1), 0x03 d1 d2
//!              (255 + (d1-1)*255 + d2-1), 0x01 d1 d2 d3 (65,280 + the
//!              base-255 number d1-1 d2-1 d3-1); digits are 1..=255
//!   urls (empty when none)
//! summary phrases: len bytes (each NUL-terminated, sorted by bytes),
//!   checkpoint count, offsets (of every 16th phrase)
//! types: len bytes (the distinct types, each NUL-terminated), width (1, 2
//!   or 4), len bytes (each entity's type number, `width` bytes)
//! checksums: one u64 per 64 KiB of everything above (`FastHasher` over
//!   those bytes, the last stretch shorter), then their count
//! ```
//!
//! Records are plain text separated by NUL (which no name, id or summary
//! may contain; ids hold no byte below 0x10 and summaries none below 0x04,
//! since a dictionary refuses control characters), and everything is
//! stored column by column (all ids, then all names, ...; entity numbers
//! byte plane by byte plane), so that gzip finds like next to like.
//!
//! A summary is cut where it is cheapest (by an estimate of its parts'
//! compressed cost) into a head and a tail at a space; heads and tails that
//! several summaries use become phrases ("Generated person for benchmarks:
//! " + "a historian (French name)."). Phrases are copied when a summary is
//! read, never read for references themselves, so references cannot nest,
//! and a summary that would decode longer than any the dictionary allows
//! is refused; an id's back references step back at least one place in a
//! block of 16 whose first id is whole, so they end within 15 steps.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::dictionary::{CaseRule, Dictionary, NameOptions, MAX_SUMMARY_CHARS};
use aho_corasick::AhoCorasickKind;

use crate::matcher::{MatchOptions, Matcher, Mention, NameSet, Overlaps};
use crate::normalize::{fold_name, fold_name_into, is_unspaced_script, is_word_char, FoldOptions, Folded, MAX_TEXT_BYTES};

const MAGIC: &[u8; 4] = b"EHIX";
const VERSION: u32 = 8;
/// The format before checksums, still read.
const UNCHECKED_VERSION: u32 = 7;
/// The bytes each checksum at the end of the file covers: damage is found
/// to within this much of where it is, in a part of the file a reader can
/// be told of. A 1M-name index carries 4.6 KB of checksums.
const CHECKED_CHUNK: usize = 64 << 10;
const FLAG_FOLD_DIACRITICS: u32 = 1;
const GROUP_STRIDE: usize = 8;
/// Name option bit: the name is its entity's canonical name, whose text is
/// in the entity record rather than repeated in the name record.
const CANONICAL: u8 = 8;
/// Name option bits 4 to 7 hold a name's *neighbour mark* (1 to 14,
/// `neighbour_mark`) for a name of three tokens or more; for one of one
/// or two, `SPELLED_BY_KEY` or 0.
const NEIGHBOUR_SHIFT: u32 = 4;
/// The high bits of a name that its key spells: folded, the name is its
/// key, and with its case kept, the key with each word's first letter in
/// capitals (`capitalise_words`), as in "Paris" or "New York". Its text is
/// not stored (nor read, for a canonical name), and selection makes both
/// forms from the key: on a 100 KB page with a million names, 1,629 of
/// the 2,019 names kept are such, and making them from the key instead of
/// reading and folding their texts made selection 9-16% faster natively
/// after a flushed cache.
const SPELLED_BY_KEY: u8 = 15;
/// A checkpoint every 16 entities per column: reading an entity's field
/// (a canonical name, during selection) scans at most 15 fields. With a
/// checkpoint every 8 groups, a 100 KB page costs 6% fewer instructions
/// than with 32 and 16, for 0.3 MB more of a gzipped 1M-name index.
const ENTITY_STRIDE: usize = 16;
/// Summary phrases have a checkpoint every 16 too: a phrase is found by
/// its number as an entity's field is.
const PHRASE_STRIDE: usize = ENTITY_STRIDE;
/// A front-coded key's count of bytes shared with the key before it is one
/// byte, so a longer shared run is written as this many.
const MAX_SHARED: usize = 255;
/// Markers of a summary's phrase references, by how many base-255 digits
/// follow (bytes 1 to 3, which no summary may contain).
const PHRASE_1: u8 = 2;
const PHRASE_2: u8 = 3;
const PHRASE_3: u8 = 1;
/// The longest summary a dictionary may hold, in UTF-8 bytes: a summary
/// that decodes longer comes from a damaged file.
const MAX_SUMMARY_BYTES: usize = 4 * MAX_SUMMARY_CHARS;

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

/// A name of three tokens or more is filed under one pair of them, and a
/// page that has that pair holds the name only if the token next to the
/// pair in the name (after it, or before it when the pair ends the name)
/// is next to the pair in the page too. Its mark, 1 to 14 from a hash of
/// that token and its side, lets selection pass over most such names
/// without reading their texts: a 100 KB page with a million names
/// considered 4,566 names and kept 2,019, and reading and checking the
/// others was a quarter of its selection time, most of it cache misses
/// on canonical names read from the entity column.
fn neighbour_mark(token: &str, after: bool) -> u8 {
    let hash = FastHashBuilder::hash_bytes(token.as_bytes()) ^ if after { 0 } else { 0x5bd1_e995 };
    1 + ((hash.wrapping_mul(HASH_FACTOR) >> 32) % 14) as u8
}

/// `key` with the first character of each of its words (after the start
/// or a space) in ASCII capitals, into `out`: how a name its key spells is
/// written ([`SPELLED_BY_KEY`]).
fn capitalise_words(key: &str, out: &mut String) {
    let mut bytes = std::mem::take(out).into_bytes();
    bytes.clear();
    let mut capital = true;
    for &byte in key.as_bytes() {
        bytes.push(if capital { byte.to_ascii_uppercase() } else { byte });
        capital = byte == b' ';
    }
    // Only ASCII letters changed, so the bytes are still UTF-8.
    *out = String::from_utf8(bytes).unwrap_or_default();
}

/// The neighbour mark of a name whose tokens are `tokens`, filed under
/// `key` (two of them, a space between), or 0 when it has none.
fn name_neighbour_mark(tokens: &[&str], key: &str) -> u8 {
    if tokens.len() < 3 {
        return 0;
    }
    let is_key_pair = |first: &str, second: &str| key.len() == first.len() + 1 + second.len() && key.starts_with(first) && key.ends_with(second) && key.as_bytes().get(first.len()) == Some(&b' ');
    let Some(at) = tokens.windows(2).position(|pair| is_key_pair(pair[0], pair[1])) else { return 0 };
    match tokens.get(at + 2) {
        Some(next) => neighbour_mark(next, true),
        None => at.checked_sub(1).and_then(|before| tokens.get(before)).map_or(0, |before| neighbour_mark(before, false)),
    }
}

fn options_from_byte(byte: u8) -> NameOptions {
    let case = match byte & 3 {
        1 => CaseRule::Exact,
        2 => CaseRule::Any,
        _ => CaseRule::Default,
    };
    NameOptions { case, sentence_start: byte & 4 == 0 }
}

/// A name as the writer files it: entity, text, options, whether it is
/// the entity's canonical name, and its options' high bits (its neighbour
/// mark, or `SPELLED_BY_KEY`).
type FiledName<'d> = (u32, &'d str, NameOptions, bool, u8);

/// A name of the dictionary before the writer files it: `folded`, its
/// folded text, gives `keys` (the keys it could be filed under).
struct NameToFile<'d> {
    entity: u32,
    text: &'d str,
    options: NameOptions,
    canonical: bool,
    folded: String,
    keys: Vec<String>,
}

/// Writes the compact index of `dictionary`, folding as `options` say
/// (the matcher built from the index later folds the same way).
pub fn write_index(dictionary: &Dictionary, options: MatchOptions) -> Result<Vec<u8>, IndexError> {
    let fold = FoldOptions { case: true, diacritics: options.fold_diacritics };
    // Each name's keys (its single token, or each pair of adjacent tokens),
    // and how many names have each key.
    let mut named: Vec<NameToFile> = Vec::new();
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
            named.push(NameToFile { entity, text: &name.text, options: name.options, canonical, folded, keys });
        }
    }
    // File each name under its rarest key; ties go to the longest, then the
    // first in byte order, so the output is deterministic.
    let mut groups: std::collections::BTreeMap<String, Vec<FiledName>> = std::collections::BTreeMap::new();
    let mut tokens: Vec<&str> = Vec::new();
    let mut spelled = String::new();
    for NameToFile { entity, text, options: name_options, canonical, folded, keys } in &named {
        let key = keys
            .iter()
            .min_by(|a, b| frequency[*a].cmp(&frequency[*b]).then(b.len().cmp(&a.len())).then(a.cmp(b)))
            .cloned()
            .unwrap_or_default();
        tokens.clear();
        for_each_token(folded, |token| tokens.push(token));
        let mut high = name_neighbour_mark(&tokens, &key);
        if high == 0 && *folded == key {
            capitalise_words(&key, &mut spelled);
            if fold_name(text, FoldOptions { case: false, ..fold }) == spelled {
                high = SPELLED_BY_KEY;
            }
        }
        groups.entry(key).or_default().push((*entity, text, *name_options, *canonical, high));
    }

    let entities = dictionary.entities();
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    push_u32(&mut out, VERSION);
    push_u32(&mut out, if options.fold_diacritics { FLAG_FOLD_DIACRITICS } else { 0 });
    push_u32(&mut out, to_u32(entities.len(), "entities")?);
    push_u32(&mut out, to_u32(named.len(), "names")?);
    push_u32(&mut out, to_u32(groups.len(), "keys")?);
    for text in [dictionary.title().unwrap_or(""), dictionary.as_of().unwrap_or("")] {
        push_u32(&mut out, to_u32(text.len(), "bytes")?);
        out.extend_from_slice(text.as_bytes());
    }

    // Groups in blocks of GROUP_STRIDE, each block column by column (its
    // keys, its name counts, its names' texts), and the names' entity
    // numbers and options in columns of their own, numbered by name: gzip
    // finds like next to like, and a lookup reads one block.
    let mut blob = Vec::new();
    let mut checkpoints = Vec::new();
    let mut prefixes = Vec::new();
    let mut name_entities: Vec<u32> = Vec::with_capacity(named.len());
    let mut name_options: Vec<u8> = Vec::with_capacity(named.len());
    let groups: Vec<(&String, &Vec<FiledName>)> = groups.iter().collect();
    for block in groups.chunks(GROUP_STRIDE) {
        let Some((first, _)) = block.first() else { continue };
        checkpoints.push(to_u32(blob.len(), "bytes")?);
        checkpoints.push(to_u32(name_entities.len(), "names")?);
        prefixes.push(key_prefix(first.as_bytes()));
        let mut previous: &[u8] = &[];
        for (index, (key, _)) in block.iter().enumerate() {
            let key = key.as_bytes();
            if index > 0 {
                let shared = common_prefix(previous, key).min(MAX_SHARED);
                blob.push(shared as u8);
                blob.extend_from_slice(&key[shared..]);
            } else {
                blob.extend_from_slice(key);
            }
            blob.push(0);
            previous = key;
        }
        for (_, names) in block {
            push_varint(&mut blob, to_u32(names.len(), "names")?);
        }
        for (_, names) in block {
            for (entity, text, options, canonical, high) in names.iter() {
                name_entities.push(*entity);
                name_options.push(options_byte(*options) | if *canonical { CANONICAL } else { 0 } | high << NEIGHBOUR_SHIFT);
                // A canonical name is in its entity's record; one its key
                // spells, nowhere.
                if !canonical && *high != SPELLED_BY_KEY {
                    blob.extend_from_slice(text.as_bytes());
                }
                blob.push(0);
            }
        }
    }
    push_u32(&mut out, to_u32(blob.len(), "bytes")?);
    out.extend_from_slice(&blob);
    // Entity numbers as byte planes (all low bytes, then all middle
    // bytes, ...): each plane on its own compresses better than varints.
    let planes: usize = if entities.len() <= 1 << 24 { 3 } else { 4 };
    push_u32(&mut out, planes as u32);
    push_u32(&mut out, to_u32(name_entities.len() * planes, "bytes")?);
    for plane in 0..planes {
        out.extend(name_entities.iter().map(|entity| (entity >> (8 * plane)) as u8));
    }
    push_u32(&mut out, to_u32(name_options.len(), "bytes")?);
    out.extend_from_slice(&name_options);
    push_u32(&mut out, to_u32(prefixes.len(), "checkpoints")?);
    for value in checkpoints {
        push_u32(&mut out, value);
    }
    for prefix in prefixes {
        out.extend_from_slice(&prefix.to_le_bytes());
    }

    // Ids: an id that is an earlier one of its block with its number
    // counted up ("q41" after "q40") is stored as how far back that one is.
    let mut column = Vec::new();
    let mut field = Vec::new();
    let ids: Vec<&[u8]> = entities.iter().map(|e| e.id.as_bytes()).collect();
    for id in &ids {
        if id.iter().any(|byte| *byte < 0x10) {
            return Err(IndexError::new("an id holds a control character, which the index format cannot store"));
        }
    }
    for (index, id) in ids.iter().enumerate() {
        let mut back = None;
        let counted = id.last().is_some_and(u8::is_ascii_digit);
        for distance in (1..=index % ENTITY_STRIDE).filter(|_| counted) {
            field.clear();
            field.extend_from_slice(ids[index - distance]);
            if increment_id(&mut field) && field == *id {
                back = Some(distance as u8);
                break;
            }
        }
        match back {
            Some(distance) => column.push(distance),
            None => column.extend_from_slice(id),
        }
        column.push(0);
    }
    push_column(&mut out, &column, ENTITY_STRIDE)?;
    let names: Vec<&[u8]> = entities.iter().map(|e| e.name.as_bytes()).collect();
    push_column(&mut out, &join_fields(&names), ENTITY_STRIDE)?;

    // Summaries: each is cut at a space into a head and a tail, and the
    // heads and tails several summaries use are written as references to
    // a table of phrases.
    let summaries: Vec<&str> = entities.iter().map(|e| e.summary.as_str()).collect();
    if summaries.iter().any(|summary| summary.bytes().any(|byte| byte < 4)) {
        return Err(IndexError::new("a summary holds a control character, which the index format cannot store"));
    }
    let phrases = SummaryPhrases::choose(&summaries);
    column.clear();
    for summary in &summaries {
        phrases.encode(summary, &mut column);
        column.push(0);
    }
    push_column(&mut out, &column, ENTITY_STRIDE)?;
    let urls: Vec<&[u8]> = entities.iter().map(|e| e.url.as_deref().unwrap_or("").as_bytes()).collect();
    push_column(&mut out, &join_fields(&urls), ENTITY_STRIDE)?;
    let table: Vec<&[u8]> = phrases.table.iter().map(|phrase| phrase.as_bytes()).collect();
    push_column(&mut out, &join_fields(&table), PHRASE_STRIDE)?;

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
    let checksums: Vec<u64> = out.chunks(CHECKED_CHUNK).map(FastHashBuilder::hash_bytes).collect();
    for checksum in &checksums {
        out.extend_from_slice(&checksum.to_le_bytes());
    }
    push_u32(&mut out, to_u32(checksums.len(), "checksums")?);
    Ok(out)
}

/// How many leading bytes `a` and `b` share.
#[inline]
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Each field followed by a NUL.
fn join_fields(fields: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(fields.iter().map(|field| field.len() + 1).sum());
    for field in fields {
        out.extend_from_slice(field);
        out.push(0);
    }
    out
}

/// Writes a column of NUL-terminated fields: its length, its bytes, and a
/// checkpoint (the offset of a field) every `stride` fields.
fn push_column(out: &mut Vec<u8>, fields: &[u8], stride: usize) -> Result<(), IndexError> {
    push_u32(out, to_u32(fields.len(), "bytes")?);
    out.extend_from_slice(fields);
    let mut checkpoints = Vec::new();
    let mut start = 0;
    for (index, field) in fields.split_inclusive(|byte| *byte == 0).enumerate() {
        if index % stride == 0 {
            checkpoints.push(to_u32(start, "bytes")?);
        }
        start += field.len();
    }
    push_u32(out, to_u32(checkpoints.len(), "checkpoints")?);
    for offset in checkpoints {
        push_u32(out, offset);
    }
    Ok(())
}

/// The phrases summaries are written with: the parts, before and after a
/// space, that several summaries share ("Generated person for benchmarks:
/// " + "a historian (French name)."), chosen per summary by an estimate of
/// what each part costs compressed.
struct SummaryPhrases<'d> {
    /// The phrases, sorted by their bytes (their numbers are their places).
    table: Vec<&'d str>,
    numbers: HashMap<&'d str, u32, FastHashBuilder>,
    /// Where each distinct summary is cut into its two parts.
    splits: HashMap<&'d str, usize, FastHashBuilder>,
}

/// Phrase numbers a reference can hold: one, two or three digits of
/// base 255 after the marker byte.
const MAX_PHRASES: usize = 255 + 255 * 255 + 255 * 255 * 255;

/// Where `summary` may be cut: its start, after each space, its end.
fn split_points(summary: &str) -> impl Iterator<Item = usize> + '_ {
    let len = summary.len();
    let spaces = summary.bytes().enumerate().filter(|(_, byte)| *byte == b' ').map(|(at, _)| at + 1).filter(move |at| *at < len);
    std::iter::once(0).chain(spaces).chain((len > 0).then_some(len))
}

impl<'d> SummaryPhrases<'d> {
    /// Chooses the cut of each summary and the phrases. A part costs
    /// nothing when empty, about four bits a byte plus two when fewer than
    /// two summaries share it (a literal), else log2(summaries / sharing)
    /// bits plus four (a reference gzip cannot predict); each summary takes
    /// its cheapest cut (the first of equals), and the parts cuts use at
    /// least twice become phrases.
    fn choose(summaries: &[&'d str]) -> SummaryPhrases<'d> {
        let mut counts: HashMap<&str, u64, FastHashBuilder> = HashMap::with_hasher(FastHashBuilder);
        let mut distinct: Vec<&str> = Vec::new();
        for summary in summaries {
            let count = counts.entry(summary).or_insert(0);
            if *count == 0 {
                distinct.push(summary);
            }
            *count += 1;
        }
        let weight = |summary: &str| counts.get(summary).copied().unwrap_or(0);
        let mut heads: HashMap<&str, u64, FastHashBuilder> = HashMap::with_hasher(FastHashBuilder);
        let mut tails: HashMap<&str, u64, FastHashBuilder> = HashMap::with_hasher(FastHashBuilder);
        for summary in &distinct {
            let count = weight(summary);
            for at in split_points(summary) {
                let (head, tail) = summary.split_at(at);
                *heads.entry(head).or_default() += count;
                *tails.entry(tail).or_default() += count;
            }
        }
        let total = summaries.len() as f64;
        let cost = |part: &str, sharing: u64| -> f64 {
            if part.is_empty() {
                0.0
            } else if sharing < 2 {
                4.0 * part.len() as f64 + 2.0
            } else {
                (total / sharing as f64).log2() + 4.0
            }
        };
        let mut splits = HashMap::with_capacity_and_hasher(distinct.len(), FastHashBuilder);
        let mut uses: HashMap<&str, u64, FastHashBuilder> = HashMap::with_hasher(FastHashBuilder);
        for summary in &distinct {
            let mut best = (f64::INFINITY, 0);
            for at in split_points(summary) {
                let (head, tail) = summary.split_at(at);
                let bits = cost(head, heads.get(head).copied().unwrap_or(0)) + cost(tail, tails.get(tail).copied().unwrap_or(0));
                if bits < best.0 {
                    best = (bits, at);
                }
            }
            splits.insert(*summary, best.1);
            let (head, tail) = summary.split_at(best.1);
            for part in [head, tail] {
                if !part.is_empty() {
                    *uses.entry(part).or_default() += weight(summary);
                }
            }
        }
        let mut table: Vec<(&str, u64)> = uses.into_iter().filter(|(_, used)| *used >= 2).collect();
        if table.len() > MAX_PHRASES {
            // More phrases than references can number (never near in
            // practice): keep the most used.
            table.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            table.truncate(MAX_PHRASES);
        }
        let mut table: Vec<&str> = table.into_iter().map(|(phrase, _)| phrase).collect();
        table.sort_unstable();
        let numbers = table.iter().enumerate().map(|(number, phrase)| (*phrase, number as u32)).collect();
        SummaryPhrases { table, numbers, splits }
    }

    /// Appends `summary`'s field: each part as a phrase reference, or as
    /// its text when it is no phrase.
    fn encode(&self, summary: &str, out: &mut Vec<u8>) {
        let at = self.splits.get(summary).copied().unwrap_or(0);
        let (head, tail) = summary.split_at(at);
        for part in [head, tail] {
            match self.numbers.get(part) {
                Some(number) => push_phrase_reference(out, *number),
                None => out.extend_from_slice(part.as_bytes()),
            }
        }
    }
}

/// A phrase reference: a marker byte saying how many digits follow, and
/// the digits, base 255 and each plus one so that none is NUL.
fn push_phrase_reference(out: &mut Vec<u8>, number: u32) {
    let digit = |value: u32| (value % 255 + 1) as u8;
    if number < 255 {
        out.extend_from_slice(&[PHRASE_1, digit(number)]);
    } else if number < 255 + 255 * 255 {
        let number = number - 255;
        out.extend_from_slice(&[PHRASE_2, digit(number / 255), digit(number)]);
    } else {
        let number = number - 255 - 255 * 255;
        out.extend_from_slice(&[PHRASE_3, digit(number / (255 * 255)), digit(number / 255), digit(number)]);
    }
}

/// The phrase number of the reference `field` starts with, and what
/// follows it; `None` when it starts with no whole reference.
fn read_phrase_reference(field: &[u8]) -> Option<(usize, &[u8])> {
    let (marker, after) = field.split_first()?;
    // Digits are 1..=255, each one more than its value.
    let digit = |at: usize| after.get(at).and_then(|digit| usize::from(*digit).checked_sub(1));
    let (number, used) = match *marker {
        PHRASE_1 => (digit(0)?, 1),
        PHRASE_2 => (255 + digit(0)? * 255 + digit(1)?, 2),
        PHRASE_3 => (255 + 255 * 255 + (digit(0)? * 255 + digit(1)?) * 255 + digit(2)?, 3),
        _ => return None,
    };
    Some((number, after.get(used..)?))
}

/// Counts up the number that ends `id` ("g99" becomes "g100", "9" becomes
/// "10"); false, leaving it as it was, when `id` does not end in a digit.
fn increment_id(id: &mut Vec<u8>) -> bool {
    let digits = id.iter().rev().take_while(|byte| byte.is_ascii_digit()).count();
    if digits == 0 {
        return false;
    }
    let start = id.len() - digits;
    for byte in id[start..].iter_mut().rev() {
        if *byte == b'9' {
            *byte = b'0';
        } else {
            *byte += 1;
            return true;
        }
    }
    // All nines: one digit more.
    id.insert(start, b'1');
    true
}

/// A byte range of the file.
#[derive(Clone, Copy, Debug)]
struct Section {
    start: usize,
    len: usize,
}

/// NUL-terminated fields with a checkpoint (the offset of a field) every
/// `ENTITY_STRIDE` fields: one per entity, or the summary phrases.
#[derive(Clone, Copy, Debug)]
struct Column {
    data: Section,
    /// `len` is the number of checkpoints.
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
    /// Each name's entity number, as `entity_planes` planes of
    /// `name_count` bytes, the low byte's first.
    entity_numbers: Section,
    entity_planes: usize,
    /// Each name's options byte.
    name_options: Section,
    /// Per block of groups: its offset in the groups and its first name's
    /// number (`len` is the number of blocks).
    group_checkpoints: Section,
    /// The first eight bytes of each block's first key as a number that
    /// sorts like them (see `key_prefix`): a lookup binary-searches these
    /// integers instead of keys scattered over the file. Stored in the file
    /// after the checkpoints: computing them at opening read a key at each
    /// checkpoint, 27k places across a 1M-name file (9 ms).
    checkpoint_prefixes: Vec<u64>,
    /// For each first byte, the first block whose prefix starts with it or
    /// a later byte (257 entries): a lookup searches only the blocks of
    /// its key's first byte, five fewer steps of sixteen for 1M names.
    first_byte_blocks: Vec<u32>,
    ids: Column,
    names: Column,
    summaries: Column,
    urls: Column,
    phrases: Column,
    /// Each type name, as a range of the file (the table is short; reading
    /// it once at opening makes a type lookup one step).
    type_names: Vec<Section>,
    type_width: usize,
    type_numbers: Section,
    /// Where the checksums begin: they cover every byte before.
    checked_len: usize,
    /// Whether the file has checksums (format 7 had none).
    has_checksums: bool,
}

/// One entity read from an index. Ids and summaries are stored compressed
/// (see the module documentation), so they are borrowed from the file only
/// when they were stored as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedEntity<'a> {
    /// Stable identifier.
    pub id: Cow<'a, str>,
    /// Canonical name.
    pub name: &'a str,
    /// Entity type.
    pub kind: &'a str,
    /// Plain-text summary.
    pub summary: Cow<'a, str>,
    /// Link, if any.
    pub url: Option<&'a str>,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

fn truncated(what: &str) -> IndexError {
    IndexError::new(format!("the index file is truncated in its {what}"))
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
            return Err(truncated(what));
        }
        self.at += len;
        Ok(Section { start, len })
    }

    /// A count, then that many entries of `width` bytes.
    fn table(&mut self, what: &str, width: usize) -> Result<Section, IndexError> {
        let count = self.u32()? as usize;
        let start = self.at;
        let len = count.checked_mul(width).filter(|len| self.bytes.len() - start >= *len).ok_or_else(|| truncated(what))?;
        self.at += len;
        Ok(Section { start, len: count })
    }

    /// A column of `fields` fields (any number when `None`).
    fn column(&mut self, what: &str, fields: Option<usize>) -> Result<Column, IndexError> {
        let data = self.section(what)?;
        let checkpoints = self.table(what, 4)?;
        if fields.is_some_and(|fields| checkpoints.len != fields.div_ceil(ENTITY_STRIDE)) {
            return Err(IndexError::new(format!("the index file's entity count does not agree with its {what}")));
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

/// What follows the `count`th NUL of `bytes` (`bytes` itself for none).
/// Eight bytes at a time, taking the NULs of each word in turn: fields are
/// short (an entity's canonical name is an empty name text), so stepping
/// over several costs less than finding each NUL from its field's start.
fn skip_fields(bytes: &[u8], mut count: usize) -> Option<&[u8]> {
    const LOWS: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let mut rest = bytes;
    let mut offset = 0;
    while count > 0 {
        let Some((word, tail)) = rest.split_first_chunk::<8>() else {
            // The last few bytes one by one.
            let end = rest.iter().enumerate().filter(|(_, byte)| **byte == 0).nth(count - 1)?.0;
            return bytes.get(offset + end + 1..);
        };
        let word = u64::from_le_bytes(*word);
        // The high bit of each byte that is zero, and of no other (exact,
        // unlike the test in `find_nul`, since every zero is taken).
        let mut zeros = !(((word & LOWS) + LOWS) | word | LOWS);
        while zeros != 0 {
            count -= 1;
            if count == 0 {
                return bytes.get(offset + (zeros.trailing_zeros() / 8) as usize + 1..);
            }
            zeros &= zeros - 1;
        }
        offset += 8;
        rest = tail;
    }
    Some(rest)
}

/// What follows the first NUL of `bytes`.
#[inline]
fn after_nul(bytes: &[u8]) -> Option<&[u8]> {
    bytes.get(find_nul(bytes)? + 1..)
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
    /// Whether `bytes` start as an index does (its magic, "EHIX"): how a
    /// caller given either a dictionary or an index tells them apart.
    pub fn starts_as_index(bytes: &[u8]) -> bool {
        bytes.starts_with(MAGIC)
    }

    /// Opens an index from its bytes, checking its header and the bounds of
    /// its sections; nothing else is parsed.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<CompactIndex, IndexError> {
        if !CompactIndex::starts_as_index(&bytes) {
            return Err(IndexError::new("not an entity index (the file does not start with EHIX); make one with `entity-highlighter index`"));
        }
        let mut reader = Reader { bytes: &bytes, at: 4 };
        let version = reader.u32()?;
        // Versions go up one at a time; a number far past this build's is
        // damage (a copy cut short and mended, bytes overwritten), not an
        // index from the future.
        if version == 0 || version > VERSION + 100 {
            return Err(IndexError::new(format!(
                "the file starts like an entity index, but its header is damaged (its format version reads {version}); make it again with `entity-highlighter index`"
            )));
        }
        // Format 7 is format 8 without the checksums: still read, so that
        // indexes readers stored keep working; `verify` has nothing to
        // check in one.
        if version != VERSION && version != UNCHECKED_VERSION {
            let made_by = if version < VERSION { "an older" } else { "a newer" };
            return Err(IndexError::new(format!(
                "index format version {version}, made by {made_by} build; this build reads versions {UNCHECKED_VERSION} and {VERSION}: write the index again with this build's `entity-highlighter index`"
            )));
        }
        let flags = reader.u32()?;
        let entity_count = reader.u32()? as usize;
        let name_count = reader.u32()? as usize;
        let group_count = reader.u32()? as usize;
        let title = reader.section("title")?;
        let as_of = reader.section("date")?;
        let groups = reader.section("keys")?;
        let entity_planes = reader.u32()? as usize;
        let entity_numbers = reader.section("entity numbers")?;
        let name_options = reader.section("name options")?;
        if !matches!(entity_planes, 3 | 4) || name_count.checked_mul(entity_planes) != Some(entity_numbers.len) || name_options.len != name_count {
            return Err(IndexError::new("the index file's name count does not agree with its entity numbers"));
        }
        let group_checkpoints = reader.table("keys", 8)?;
        if group_checkpoints.len != group_count.div_ceil(GROUP_STRIDE) {
            return Err(IndexError::new("the index file's counts do not agree with its checkpoints"));
        }
        // One read in file order, not one per checkpoint across the file.
        let prefix_bytes = group_checkpoints.len * 8;
        let Some(raw) = reader.bytes.get(reader.at..reader.at + prefix_bytes) else {
            return Err(truncated("key prefixes"));
        };
        let checkpoint_prefixes: Vec<u64> = raw.chunks_exact(8).map(|chunk| chunk.first_chunk::<8>().map_or(u64::MAX, |word| u64::from_le_bytes(*word))).collect();
        reader.at += prefix_bytes;
        // How many blocks start with each byte, then running sums (the
        // prefixes are sorted; a damaged file's order only makes lookups
        // miss).
        let mut first_byte_blocks = vec![0u32; 257];
        for prefix in &checkpoint_prefixes {
            if let Some(count) = first_byte_blocks.get_mut((prefix >> 56) as usize + 1) {
                *count += 1;
            }
        }
        let mut sum = 0;
        for start in &mut first_byte_blocks {
            sum += *start;
            *start = sum;
        }
        let ids = reader.column("ids", Some(entity_count))?;
        let names = reader.column("names", Some(entity_count))?;
        let summaries = reader.column("summaries", Some(entity_count))?;
        let urls = reader.column("links", Some(entity_count))?;
        let phrases = reader.column("summary phrases", None)?;
        let table = reader.section("types")?;
        let type_width = reader.u32()? as usize;
        let type_numbers = reader.section("types")?;
        if !matches!(type_width, 1 | 2 | 4) || entity_count.checked_mul(type_width) != Some(type_numbers.len) {
            return Err(IndexError::new("the index file's entity types do not agree with its entity count"));
        }
        let checked_len = reader.at;
        let checksums = if version == UNCHECKED_VERSION { None } else { Some(checked_len.div_ceil(CHECKED_CHUNK)) };
        if let Some(checksums) = checksums {
            let expected = checked_len + checksums * 8 + 4;
            let count = reader.bytes.get(expected - 4..).and_then(|count| count.first_chunk::<4>()).map(|count| u32::from_le_bytes(*count) as usize);
            if bytes.len() != expected || count != Some(checksums) {
                return Err(IndexError::new(format!(
                    "the index file is cut short or damaged at its end, where its checksums are: it is {} bytes, and its sections and {checksums} checksums make {expected}; make it again with `entity-highlighter index`",
                    bytes.len()
                )));
            }
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
        Ok(CompactIndex {
            bytes,
            options,
            entity_count,
            name_count,
            group_count,
            title,
            as_of,
            groups,
            entity_numbers,
            entity_planes,
            name_options,
            group_checkpoints,
            checkpoint_prefixes,
            first_byte_blocks,
            ids,
            names,
            summaries,
            urls,
            phrases,
            type_names,
            type_width,
            type_numbers,
            checked_len,
            has_checksums: checksums.is_some(),
        })
    }

    /// Checks every byte of the file against the checksums written with
    /// it, which opening does not (it reads the header and section bounds
    /// only, to be ready at once): a file damaged in storage or transfer
    /// is refused, with where, rather than missing names or showing
    /// garbled records. Reads the whole file (about 2 GB/s natively). A
    /// format 7 file has no checksums and passes (see
    /// [`CompactIndex::has_checksums`]).
    pub fn verify(&self) -> Result<(), IndexError> {
        if !self.has_checksums {
            return Ok(());
        }
        let checked = self.bytes.get(..self.checked_len).unwrap_or_default();
        let stored = self.bytes.get(self.checked_len..).unwrap_or_default();
        for (number, chunk) in checked.chunks(CHECKED_CHUNK).enumerate() {
            let checksum = stored.get(number * 8..).and_then(|rest| rest.first_chunk::<8>()).map(|word| u64::from_le_bytes(*word));
            if checksum != Some(FastHashBuilder::hash_bytes(chunk)) {
                let start = number * CHECKED_CHUNK;
                let end = start + chunk.len();
                return Err(IndexError::new(format!(
                    "the index file is damaged between bytes {start} and {end}{} (or in their checksum, at byte {}): they do not match; make it again with `entity-highlighter index`",
                    self.sections_between(start, end),
                    self.checked_len + number * 8
                )));
            }
        }
        Ok(())
    }

    /// Whether the file carries checksums for [`CompactIndex::verify`]
    /// (format 8 on; a format 7 file is read without).
    pub fn has_checksums(&self) -> bool {
        self.has_checksums
    }

    /// The parts of the file that bytes `start..end` fall in, as ", in its
    /// summaries"; nothing when they span them all (a small file). Only
    /// the native tool says them: they cost the `.wasm` 458 bytes gzipped,
    /// and the byte range says where already.
    #[cfg(target_arch = "wasm32")]
    fn sections_between(&self, _start: usize, _end: usize) -> String {
        String::new()
    }

    /// The parts of the file that bytes `start..end` fall in, as ", in its
    /// summaries"; nothing when they span them all (a small file).
    #[cfg(not(target_arch = "wasm32"))]
    fn sections_between(&self, start: usize, end: usize) -> String {
        // Each part's first byte, in file order; each runs to the next.
        let parts = [
            (0, "header"),
            (self.groups.start, "keys and names"),
            (self.entity_numbers.start, "entity numbers"),
            (self.name_options.start, "name options"),
            (self.name_options.start + self.name_options.len, "key checkpoints"),
            (self.ids.data.start, "ids"),
            (self.names.data.start, "canonical names"),
            (self.summaries.data.start, "summaries"),
            (self.urls.data.start, "links"),
            (self.phrases.data.start, "summary phrases"),
            (self.phrases.checkpoints.start + self.phrases.checkpoints.len * 4, "types"),
        ];
        let mut names = String::new();
        let mut count = 0;
        for (k, &(first, name)) in parts.iter().enumerate() {
            let next = parts.get(k + 1).map_or(self.checked_len, |&(next, _)| next);
            if first < end && next > start {
                names.push_str(if count == 0 { ", in its " } else { ", " });
                names.push_str(name);
                count += 1;
            }
        }
        if count == parts.len() {
            names.clear();
        }
        names
    }

    #[inline]
    fn slice(&self, section: Section) -> &[u8] {
        self.bytes.get(section.start..section.start + section.len).unwrap_or(&[])
    }

    /// The little-endian `u32` at byte `at` of the file.
    #[inline]
    fn u32_at(&self, at: usize) -> Option<usize> {
        self.bytes.get(at..)?.first_chunk::<4>().map(|raw| u32::from_le_bytes(*raw) as usize)
    }

    /// The first `u32` of entry `index` of `table`, whose entries are
    /// `width` bytes.
    #[inline]
    fn checkpoint(&self, table: Section, index: usize, width: usize) -> Option<usize> {
        if index >= table.len {
            return None;
        }
        self.u32_at(table.start + index * width)
    }

    /// The bytes of field `index` of `column`.
    fn field_bytes(&self, column: Column, index: usize) -> Option<&[u8]> {
        let data = self.slice(column.data);
        let at = self.checkpoint(column.checkpoints, index / ENTITY_STRIDE, 4)?;
        let field = skip_fields(data.get(at..)?, index % ENTITY_STRIDE)?;
        field.get(..find_nul(field)?)
    }

    /// The field of entity `index` in `column`.
    fn field(&self, column: Column, index: usize) -> Option<&str> {
        std::str::from_utf8(self.field_bytes(column, index)?).ok()
    }

    /// The id of entity `index`: a field is the id, or how many entities
    /// back in its block the entity is whose id, counted up, is this one.
    /// Each step goes back at least one place in a block of sixteen and a
    /// checkpoint's field cannot go back, so a chain ends within 15 steps.
    fn id(&self, index: usize) -> Option<Cow<'_, str>> {
        let mut place = index;
        let mut steps = 0;
        let literal = loop {
            match self.field_bytes(self.ids, place)? {
                [back @ 1..=0x0F] => {
                    let back = usize::from(*back);
                    if back > place % ENTITY_STRIDE {
                        return None;
                    }
                    place -= back;
                    steps += 1;
                }
                field => break field,
            }
        };
        let literal = std::str::from_utf8(literal).ok()?;
        if steps == 0 {
            return Some(Cow::Borrowed(literal));
        }
        let mut id = literal.as_bytes().to_vec();
        for _ in 0..steps {
            if !increment_id(&mut id) {
                return None;
            }
        }
        // Counting up changes only ASCII digits, so the id stays UTF-8.
        String::from_utf8(id).ok().map(Cow::Owned)
    }

    /// The summary of entity `index`: its field's text, with each phrase
    /// reference replaced by the phrase. Phrases are copied, never read
    /// for references, so references do not nest; a summary longer than
    /// any the dictionary allows is refused, so a hostile file cannot ask
    /// for more memory than its own size.
    fn summary(&self, index: usize) -> Option<Cow<'_, str>> {
        let field = self.field_bytes(self.summaries, index)?;
        if !field.iter().any(|byte| *byte < 4) {
            return std::str::from_utf8(field).ok().map(Cow::Borrowed);
        }
        let mut text: Vec<u8> = Vec::with_capacity(2 * field.len());
        let mut rest = field;
        while let Some(first) = rest.first() {
            if *first < 4 {
                let (number, after) = read_phrase_reference(rest)?;
                text.extend_from_slice(self.field_bytes(self.phrases, number)?);
                rest = after;
            } else {
                // Text up to the next reference.
                let (run, after) = rest.split_at(rest.iter().position(|byte| *byte < 4).unwrap_or(rest.len()));
                text.extend_from_slice(run);
                rest = after;
            }
            if text.len() > MAX_SUMMARY_BYTES {
                return None;
            }
        }
        String::from_utf8(text).ok().map(Cow::Owned)
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
        Some(IndexedEntity { id: self.id(index)?, name: self.field(self.names, index)?, kind, summary: self.summary(index)?, url: (!url.is_empty()).then_some(url) })
    }

    /// Entity counts per type, as [`Dictionary::type_counts`] gives them.
    pub fn type_counts(&self) -> Vec<(&str, u32)> {
        let mut per_number = vec![0u32; self.type_names.len()];
        for index in 0..self.entity_count {
            if let Some(count) = self.type_number(index).and_then(|number| per_number.get_mut(number)) {
                *count += 1;
            }
        }
        // The type table lists each type once; a damaged file may not, so
        // equal names are merged.
        let mut counts = Vec::new();
        for (range, count) in self.type_names.iter().zip(per_number) {
            if let (Ok(kind), true) = (std::str::from_utf8(self.slice(*range)), count > 0) {
                crate::dictionary::add_type_count(&mut counts, kind, count);
            }
        }
        counts
    }

    /// The entity number of name `name`, from its bytes in each plane.
    #[inline]
    fn name_entity(&self, name: usize) -> Option<u32> {
        let planes = self.slice(self.entity_numbers);
        let byte = |plane: usize| planes.get(plane * self.name_count + name).map(|byte| u32::from(*byte) << (8 * plane));
        let high = if self.entity_planes == 4 { byte(3)? } else { 0 };
        Some(byte(0)? | byte(1)? | byte(2)? | high)
    }

    /// Calls `each` with `key` and every name filed under it: its number
    /// (for its entity, `name_entity`), options byte, stored text (empty
    /// for a canonical name and for one its key spells).
    ///
    /// A block's keys are front-coded: each after the first is the number
    /// of bytes it shares with the one before, then the rest of it. The
    /// scan keeps how many bytes the last key read shares with `key`
    /// (`matched`; that key sorts before `key`). A key sharing more than
    /// that with the one before also sorts before `key`, and is skipped
    /// unread; one sharing fewer sorts after `key`, which is then absent;
    /// only one sharing exactly that many is compared, from there on. A
    /// shared count of `MAX_SHARED` may stand for more, so it decides
    /// nothing when `matched` is larger.
    fn for_names_under(&self, key: &[u8], each: &mut impl FnMut(&[u8], usize, u8, &[u8])) -> Option<()> {
        let block = self.find_block(key)?;
        // A cursor over the block: each step takes what it reads off the
        // front, so no offsets are added up and checked.
        let mut rest = self.slice(self.groups).get(self.checkpoint(self.group_checkpoints, block, 8)?..)?;
        // The checkpoint's second number: its block's first name.
        let first_name = self.u32_at(self.group_checkpoints.start + block * 8 + 4)?;
        let groups = self.group_count.saturating_sub(block * GROUP_STRIDE).min(GROUP_STRIDE);
        let mut matched = 0;
        let mut found = None;
        for group in 0..groups {
            let mut shared = 0;
            if group > 0 {
                let (first, after) = rest.split_first()?;
                shared = usize::from(*first);
                rest = after;
            }
            if found.is_none() && shared <= matched {
                if shared < matched && shared < MAX_SHARED {
                    return None;
                }
                // Compare the rest of this key with the sought key's from
                // `shared` on, byte by byte up to the first difference.
                let sought = key.get(shared..)?;
                let mut same = 0;
                loop {
                    let mine = *rest.get(same)?;
                    match sought.get(same) {
                        Some(theirs) if mine == *theirs => same += 1,
                        // This key is shorter, or smaller at `same`: it
                        // sorts before the sought one.
                        Some(theirs) if mine < *theirs => break,
                        // Equal when this key ends with the sought one.
                        None if mine == 0 => {
                            found = Some(group);
                            break;
                        }
                        _ => return None,
                    }
                }
                matched = shared + same;
            }
            rest = after_nul(rest)?;
        }
        let found = found?;
        // The name counts of the block's groups, then the names' texts.
        let (mut before, mut count) = (0usize, 0);
        let mut at = 0;
        for group in 0..groups {
            let names = read_varint(rest, &mut at)? as usize;
            if group < found {
                before = before.saturating_add(names);
            } else if group == found {
                count = names;
            }
        }
        rest = skip_fields(rest.get(at..)?, before)?;
        let first = first_name.checked_add(before)?;
        let mut at = 0;
        for name in first..first.saturating_add(count) {
            let text = read_cstr(rest, &mut at)?;
            let flags = *self.slice(self.name_options).get(name)?;
            each(key, name, flags, text);
        }
        Some(())
    }

    /// The block of groups where `key` would be: the last whose first key
    /// is not after it.
    #[inline(never)]
    fn find_block(&self, key: &[u8]) -> Option<usize> {
        let blob = self.slice(self.groups);
        // Among the blocks whose prefix is not after the key's, unless some
        // share the key's prefix, when their whole first keys decide.
        let prefix = key_prefix(key);
        let byte = (prefix >> 56) as usize;
        let first = *self.first_byte_blocks.get(byte)? as usize;
        let last = *self.first_byte_blocks.get(byte + 1)? as usize;
        let prefixes = self.checkpoint_prefixes.get(first..last)?;
        let not_after = prefixes.partition_point(|p| *p <= prefix);
        let below = match not_after.checked_sub(1) {
            Some(last) if prefixes.get(last) == Some(&prefix) => prefixes.get(..last).map_or(0, |head| head.partition_point(|p| *p < prefix)),
            _ => not_after,
        };
        let (below, not_after) = (first + below, first + not_after);
        let (mut low, mut high) = (below, not_after);
        while low < high {
            let middle = (low + high) / 2;
            let first = self.checkpoint(self.group_checkpoints, middle, 8).and_then(|at| Self::key_at(blob, at));
            match first {
                Some(first) if first <= key => low = middle + 1,
                _ => high = middle,
            }
        }
        low.checked_sub(1)
    }

    /// The key at byte `at` of the groups blob (a block's first).
    #[inline]
    fn key_at(blob: &[u8], at: usize) -> Option<&[u8]> {
        let rest = blob.get(at..)?;
        find_nul(rest).map(|end| &rest[..end])
    }

    /// Builds a matcher for `text` from only the names that can occur in
    /// it, keeping the folded text for [`PageMatcher::find`]. Mentions it
    /// finds refer to the index's entity numbers.
    pub fn matcher_for<'t>(&self, text: &'t str) -> Result<PageMatcher<'t>, IndexError> {
        check_text_length(text.len())?;
        let folded = Folded::new(text, self.fold_options());
        let mut selection = PageSelection::default();
        self.select_folded(&mut selection, &folded, text, false);
        let matcher = Matcher::build(selection.set, self.options, Some(PAGE_AUTOMATON)).map_err(|error| IndexError::new(error.to_string()))?;
        Ok(PageMatcher { matcher, candidates: selection.candidates, text: Cow::Borrowed(text), folded })
    }

    /// Selects the names that can occur in `piece`, the next part of a text
    /// that arrives in pieces, each ending where no mention can cross (a
    /// block separator), and adds the piece to the text;
    /// [`CompactIndex::finish_selection`] then builds the whole text's
    /// matcher. This lets a text be read and selected from while the rest
    /// of it is still being gathered; the mentions found are the same as
    /// [`CompactIndex::matcher_for`]'s on the whole text.
    pub fn select_piece(&self, selection: &mut PageSelection, piece: &str) -> Result<(), IndexError> {
        check_text_length(selection.text.len().saturating_add(piece.len()))?;
        let folded = Folded::new(piece, self.fold_options());
        self.select_folded(selection, &folded, piece, true);
        // Kept, so that the whole text is not folded again at the finish.
        selection.folded = match selection.folded.take() {
            None if selection.text.is_empty() => Some(folded),
            Some(mut so_far) => so_far.append(&selection.text, &folded, piece).then_some(so_far),
            // A piece before did not join: the finish folds the text whole.
            None => None,
        };
        selection.text.push_str(piece);
        Ok(())
    }

    /// The matcher for a text given in pieces to
    /// [`CompactIndex::select_piece`], with that text, which
    /// [`PageMatcher::find`] then searches.
    pub fn finish_selection(&self, selection: PageSelection) -> Result<PageMatcher<'static>, IndexError> {
        let PageSelection { set, candidates, text, folded, .. } = selection;
        let folded = folded.unwrap_or_else(|| Folded::new(&text, self.fold_options()));
        let matcher = Matcher::build(set, self.options, Some(PAGE_AUTOMATON)).map_err(|error| IndexError::new(error.to_string()))?;
        Ok(PageMatcher { matcher, candidates, text: Cow::Owned(text), folded })
    }

    fn fold_options(&self) -> FoldOptions {
        FoldOptions { case: true, diacritics: self.options.fold_diacritics }
    }

    /// Adds to `selection` the names filed under the words and word pairs
    /// of `folded_with_map` (a folded text or piece; `original` is what it
    /// folds) whose words all occur in it, each next to the one that
    /// follows it in the name, and whose first word, if the name begins
    /// with a capital and minds case, begins with a letter that is not
    /// lower case somewhere in it; a name already selected is skipped.
    /// With `more_to_come`, keys whose names need no second look (none
    /// filed there, or all selected) are remembered, so that the next
    /// pieces skip them.
    fn select_folded(&self, selection: &mut PageSelection, folded_with_map: &Folded, original: &str, more_to_come: bool) {
        let folded = folded_with_map.text.as_str();
        let fold = self.fold_options();
        let keep_case = FoldOptions { case: false, ..fold };
        let PageSelection { set, taken, settled_keys, candidates, .. } = selection;
        // A name is filed under one key, and a whole text looks each key
        // up once, so only a text given in pieces can meet a name twice.
        let in_pieces = more_to_come || !taken.is_empty();
        // Each distinct word of the page gets a number; a pair of
        // adjacent words is a pair of numbers.
        let mut numbers: HashMap<&str, u32, FastHashBuilder> = HashMap::with_capacity_and_hasher(1024, FastHashBuilder);
        let mut words: Vec<&str> = Vec::with_capacity(1024);
        let mut pairs: HashSet<u64, FastHashBuilder> = HashSet::with_capacity_and_hasher(4096, FastHashBuilder);
        // The page's words in order, as numbers, and for each word where
        // it occurs (a list through `next_place`, first place first), to
        // find a name's words one after another.
        let mut sequence: Vec<u32> = Vec::with_capacity(folded.len() / 6);
        let mut last_place: Vec<u32> = Vec::with_capacity(1024);
        let mut first_place: Vec<u32> = Vec::with_capacity(1024);
        let mut occurrences: Vec<u32> = Vec::with_capacity(1024);
        let mut next_place: Vec<u32> = Vec::with_capacity(folded.len() / 6);
        // For each word, whether it ever starts with a letter that is not
        // lower case: a name that starts with a capital needs that of its
        // first word. This leaves out place names that are also common
        // words ("long", "hope"), which the matcher would only refuse at
        // every place the word is written in lower case.
        let mut capitalised: Vec<bool> = Vec::with_capacity(1024);
        let (mut cursor, mut scratch) = (0, String::new());
        let mut previous: Option<u32> = None;
        for_each_token(folded, |token| {
            let next = words.len() as u32;
            let number = *numbers.entry(token).or_insert_with(|| {
                words.push(token);
                capitalised.push(false);
                next
            });
            if let Some(seen) = capitalised.get_mut(number as usize).filter(|seen| !**seen) {
                let at = token.as_ptr() as usize - folded.as_ptr() as usize;
                *seen = !folded_with_map.lower_case_at(original, at, fold, &mut cursor, &mut scratch);
            }
            if let Some(before) = previous {
                pairs.insert(u64::from(before) << 32 | u64::from(number));
            }
            previous = Some(number);
            let place = sequence.len() as u32;
            sequence.push(number);
            next_place.push(u32::MAX);
            if let Some(last) = last_place.get_mut(number as usize) {
                if let Some(link) = next_place.get_mut(*last as usize) {
                    *link = place;
                }
                *last = place;
                if let Some(count) = occurrences.get_mut(number as usize) {
                    *count = count.saturating_add(1);
                }
            } else {
                last_place.push(place);
                first_place.push(place);
                occurrences.push(1);
            }
        });
        // Whether the words `name` (numbers) occur one after another:
        // looked for at each place of its rarest word in the page (a
        // name starting with "the" would otherwise try every "the").
        let in_sequence = |name: &[u32]| -> bool {
            let count = |word: u32| occurrences.get(word as usize).copied().unwrap_or(0);
            let Some((offset, &rarest)) = name.iter().enumerate().min_by_key(|&(_, &word)| count(word)) else { return false };
            let mut place = first_place.get(rarest as usize).copied().unwrap_or(u32::MAX);
            while let Some(at) = usize::try_from(place).ok().filter(|&at| at < sequence.len()) {
                if let Some(start) = at.checked_sub(offset) {
                    if sequence.get(start..start + name.len()) == Some(name) {
                        return true;
                    }
                }
                place = next_place.get(at).copied().unwrap_or(u32::MAX);
            }
            false
        };
        // The neighbour marks of the pair of words being looked up: of
        // each word next to one of its places in the page, on either side,
        // and bit 0 set to tell them made. Made when a name filed there
        // first needs them.
        let neighbour_marks = |(first, second): (u32, u32)| -> u32 {
            let count = |word: u32| occurrences.get(word as usize).copied().unwrap_or(0);
            // Each place of the rarer word where the other is next to it.
            let (rarer, offset) = if count(first) <= count(second) { (first, 0) } else { (second, 1) };
            let word_at = |at: usize| sequence.get(at).copied();
            let mut marks = 1;
            let mut mark = |word: Option<u32>, after: bool| {
                if let Some(token) = word.and_then(|word| words.get(word as usize)) {
                    marks |= 1 << neighbour_mark(token, after);
                }
            };
            let mut place = first_place.get(rarer as usize).copied().unwrap_or(u32::MAX);
            while let Some(at) = usize::try_from(place).ok().filter(|&at| at < sequence.len()) {
                if let Some(start) = at.checked_sub(offset) {
                    if word_at(start) == Some(first) && word_at(start + 1) == Some(second) {
                        mark(word_at(start + 2), true);
                        mark(start.checked_sub(1).and_then(word_at), false);
                    }
                }
                place = next_place.get(at).copied().unwrap_or(u32::MAX);
            }
            marks
        };
        // The pair being looked up (None for a word), and its marks once
        // made.
        let looked_up_pair: std::cell::Cell<Option<(u32, u32)>> = std::cell::Cell::new(None);
        let pair_marks = std::cell::Cell::new(0u32);
        // The number of the first word of the key being looked up.
        let looked_up_first = std::cell::Cell::new(u32::MAX);
        let mut name_numbers: Vec<u32> = Vec::with_capacity(8);

        let (mut name_folded, mut name_cased) = (String::new(), String::new());
        // Whether a name under the key being looked up was left out: a
        // later piece may hold all its words.
        let left_out = std::cell::Cell::new(false);
        let mut consider = |key: &[u8], name_number: usize, flags: u8, stored: &[u8]| {
            // A name an earlier piece selected is compiled once; skipped
            // before its text is read, which is the costly part.
            if in_pieces && taken.contains(&(name_number as u64)) {
                return;
            }
            let high = flags >> NEIGHBOUR_SHIFT;
            if high != 0 && high != SPELLED_BY_KEY {
                if let Some(pair) = looked_up_pair.get() {
                    if pair_marks.get() == 0 {
                        pair_marks.set(neighbour_marks(pair));
                    }
                    if pair_marks.get() & 1 << high == 0 {
                        left_out.set(true);
                        return;
                    }
                }
            }
            let Some(entity) = self.name_entity(name_number).filter(|&entity| (entity as usize) < self.entity_count) else { return };
            if high == SPELLED_BY_KEY {
                // Its key was found in the page, so the name is there; both
                // its forms come from the key, its text unread.
                let Ok(key) = std::str::from_utf8(key) else { return };
                name_folded.clear();
                name_folded.push_str(key);
                capitalise_words(key, &mut name_cased);
            } else {
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
                // The name's words are in the page one after another: a
                // name the page holds is, since it is a run of the page's
                // folded text that starts and ends at word boundaries.
                // (Most names of three words or more that the page lacks
                // were passed over unread, by their neighbour marks;
                // checking each pair of adjacent words first, as before
                // the marks, then cost more than it saved.)
                fold_name_into(name, fold, &mut name_folded);
                // A name that is its key (a word, or two words and a
                // space) is in the page: its key was found there.
                let mut present = true;
                name_numbers.clear();
                let is_key = name_folded.as_bytes() == key;
                for_each_token(if is_key { "" } else { &name_folded }, |token| {
                    if !present {
                        return;
                    }
                    match numbers.get(token) {
                        Some(&number) => name_numbers.push(number),
                        None => present = false,
                    }
                });
                if present && name_numbers.len() > 2 {
                    present = in_sequence(&name_numbers);
                }
                if !present {
                    left_out.set(true);
                    return;
                }
                fold_name_into(name, keep_case, &mut name_cased);
            }
            let options = options_from_byte(flags);
            if options.case != CaseRule::Any && name_cased.chars().next().is_some_and(char::is_uppercase) {
                // The number of the name's first word, if the name begins
                // with it (the matcher compares case from the name's first
                // character): a key's own, or read with the name's words.
                let starts_with_word = name_folded.chars().next().is_some_and(|c| is_word_char(c) || is_unspaced_script(c));
                let first_word = if high == SPELLED_BY_KEY || name_numbers.is_empty() { Some(looked_up_first.get()) } else { name_numbers.first().copied() };
                if starts_with_word && first_word.is_some_and(|number| capitalised.get(number as usize) == Some(&false)) {
                    left_out.set(true);
                    return;
                }
            }
            set.push(entity, &name_folded, &name_cased, options);
            if in_pieces {
                taken.insert(name_number as u64);
            }
            *candidates += 1;
        };
        // Every key to look up, the page's words and its pairs of
        // adjacent words, in one buffer, looked up in the order of
        // their first eight bytes: neighbouring lookups then read
        // neighbouring blocks of the index, mostly from the cache (in
        // the order the page holds them, each lookup's binary search
        // and block were cache misses, a third of the selection time).
        // (Sorted as (u64, usize) pairs, the type the matcher sorts
        // too: each sort instance costs the .wasm a kilobyte or two.)
        let mut keys: Vec<u8> = Vec::with_capacity(words.len() * 8 + pairs.len() * 16);
        let mut key_ends: Vec<usize> = Vec::with_capacity(words.len() + pairs.len());
        let mut order: Vec<(u64, usize)> = Vec::with_capacity(words.len() + pairs.len());
        // The pairs' words, by their number in `order` less the words'.
        let mut pair_words: Vec<(u32, u32)> = Vec::with_capacity(pairs.len());
        let mut add_key = |keys: &[u8], start: usize| {
            order.push((key_prefix(keys.get(start..).unwrap_or_default()), key_ends.len()));
            key_ends.push(keys.len());
        };
        for word in &words {
            let start = keys.len();
            keys.extend_from_slice(word.as_bytes());
            add_key(&keys, start);
        }
        for pair in &pairs {
            let (first, second) = ((pair >> 32) as usize, (pair & 0xFFFF_FFFF) as usize);
            pair_words.push((first as u32, second as u32));
            let start = keys.len();
            keys.extend_from_slice(words[first].as_bytes());
            keys.push(b' ');
            keys.extend_from_slice(words[second].as_bytes());
            add_key(&keys, start);
        }
        order.sort_unstable();
        for &(_, number) in &order {
            let start = number.checked_sub(1).and_then(|before| key_ends.get(before)).copied().unwrap_or(0);
            if let Some(key) = key_ends.get(number).and_then(|&end| keys.get(start..end)) {
                let remember = more_to_come || !settled_keys.is_empty();
                let hash = if remember { FastHashBuilder::hash_bytes(key) } else { 0 };
                if remember && settled_keys.contains(&hash) {
                    continue;
                }
                left_out.set(false);
                let pair = number.checked_sub(words.len()).and_then(|pair| pair_words.get(pair)).copied();
                looked_up_pair.set(pair);
                looked_up_first.set(pair.map_or(number as u32, |(first, _)| first));
                pair_marks.set(0);
                self.for_names_under(key, &mut consider);
                if more_to_come && !left_out.get() {
                    settled_keys.insert(hash);
                }
            }
        }
    }

    /// How many distinct keys the index files names under.
    pub fn key_count(&self) -> usize {
        self.group_count
    }
}

/// The names selected so far for a text given in pieces
/// ([`CompactIndex::select_piece`]), and the text.
pub struct PageSelection {
    set: NameSet,
    /// The numbers of the names in `set`.
    taken: HashSet<u64, FastHashBuilder>,
    /// Hashes of the keys looked up whose names need no second look (none
    /// filed there, or all selected): later pieces skip them. (A clash of
    /// 64-bit hashes could skip a key; the text would have to be made for
    /// it, and would only lose its own mentions.)
    settled_keys: HashSet<u64, FastHashBuilder>,
    candidates: usize,
    text: String,
    /// `text` folded, piece by piece, while every piece has joined the
    /// ones before it exactly ([`Folded::append`]); otherwise `None`, and
    /// the finish folds the whole text.
    folded: Option<Folded>,
}

impl Default for PageSelection {
    fn default() -> PageSelection {
        PageSelection { set: NameSet::with_capacity(256), taken: HashSet::with_capacity_and_hasher(256, FastHashBuilder), settled_keys: HashSet::with_hasher(FastHashBuilder), candidates: 0, text: String::new(), folded: None }
    }
}

impl PageSelection {
    /// How many names are selected so far.
    pub fn candidates(&self) -> usize {
        self.candidates
    }
}

impl fmt::Debug for PageSelection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageSelection").field("candidates", &self.candidates).field("text_bytes", &self.text.len()).finish_non_exhaustive()
    }
}

fn check_text_length(bytes: usize) -> Result<(), IndexError> {
    if bytes > MAX_TEXT_BYTES {
        return Err(IndexError::new(format!("the text is {bytes} bytes; the limit is {MAX_TEXT_BYTES}")));
    }
    Ok(())
}

/// The automaton kind for a page's names, chosen for build time plus
/// search time of a few thousand names over the page. A contiguous NFA
/// takes a little longer to build than the noncontiguous one it is made
/// from, and searches faster: in Chromium, selection, build and search
/// together took 0.91x the time on the 1 MB benchmark page with the 1M
/// index, 0.98x on the 100 KB page and on the article. (Counted in
/// instructions, the noncontiguous NFA did less work; the contiguous
/// one's transitions sit together in memory.)
const PAGE_AUTOMATON: AhoCorasickKind = AhoCorasickKind::ContiguousNFA;

/// A matcher built for one page from an index, with the page's folded
/// text.
pub struct PageMatcher<'t> {
    /// The compiled names that can occur in the page.
    pub matcher: Matcher,
    /// How many names were selected.
    pub candidates: usize,
    text: Cow<'t, str>,
    folded: Folded,
}

impl PageMatcher<'_> {
    /// Finds every mention in the page the matcher was built for, reusing
    /// the text folded during selection.
    pub fn find(&self) -> Vec<Mention> {
        self.find_part(0, usize::MAX).0
    }

    /// Finds the mentions of one part of the page, so that a caller can
    /// use the first ones while the rest is searched: the part starts at
    /// folded byte `from` (0, or where the part before ended) and ends
    /// just after the first block separator at or after the text's UTF-16
    /// offset `up_to`, or at the end. Returns the mentions and where the
    /// part ended; it was the last when that is [`PageMatcher::folded_len`].
    /// The parts together find what [`PageMatcher::find`] finds, except
    /// that each part ranks an ambiguous mention's candidates by what that
    /// part names (the caller ranks them again over all parts).
    pub fn find_part(&self, from: usize, up_to: usize) -> (Vec<Mention>, usize) {
        const SEPARATOR: &[u8] = "\u{2029}".as_bytes();
        let folded = self.folded.text.as_bytes();
        let from = from.min(folded.len());
        let target = self.folded.position_of_utf16(up_to).max(from);
        // No name crosses a separator, so the part ends just after one.
        let end = if folded[..target].ends_with(SEPARATOR) {
            target
        } else {
            crate::matcher::find_bytes(&folded[target..], SEPARATOR).map_or(folded.len(), |at| target + at + SEPARATOR.len())
        };
        (self.matcher.find_folded_span(&self.text, &self.folded, from..end, Overlaps::Resolve), end)
    }

    /// Every occurrence in the page that passes the rules, overlapping ones
    /// included, as [`Matcher::find_overlapping`] gives them.
    pub fn find_overlapping(&self) -> Vec<Mention> {
        self.matcher.find_folded_span(&self.text, &self.folded, 0..self.folded.text.len(), Overlaps::Keep)
    }

    /// The length of the folded text, where the last part ends.
    pub fn folded_len(&self) -> usize {
        self.folded.text.len()
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

    /// Mentions as (start, end, entities).
    type Triples = Vec<(usize, usize, Vec<usize>)>;

    fn mentions(dictionary: &Dictionary, index: &CompactIndex, text: &str) -> (Triples, Triples) {
        let full = Matcher::new(dictionary, MatchOptions::default()).unwrap();
        let page = index.matcher_for(text).unwrap();
        let as_triples = |m: Vec<crate::Mention>| m.into_iter().map(|m| (m.start, m.end, m.entities)).collect::<Vec<_>>();
        let refolded = as_triples(page.matcher.find(text));
        let reused = as_triples(page.find());
        assert_eq!(refolded, reused, "the page's folded text, kept, gives what folding it again gives");
        assert_eq!(in_pieces(index, text), reused, "cut after each block separator, {text:?} gives what it gives whole");
        (as_triples(full.find(text)), reused)
    }

    /// Mentions of `text` selected for piece by piece, each piece ending
    /// after a block separator.
    fn in_pieces(index: &CompactIndex, text: &str) -> Triples {
        let mut selection = PageSelection::default();
        for piece in text.split_inclusive(crate::BLOCK_SEPARATOR) {
            index.select_piece(&mut selection, piece).unwrap();
        }
        index.finish_selection(selection).unwrap().find().into_iter().map(|m| (m.start, m.end, m.entities)).collect()
    }

    #[test]
    fn a_text_given_in_pieces_finds_what_it_finds_whole() {
        let dictionary = Dictionary::from_json(DICTIONARY).unwrap();
        let index = CompactIndex::from_bytes(write_index(&dictionary, MatchOptions::default()).unwrap()).unwrap();
        for blocks in [
            // A name's key (a pair of its words) in an early piece that
            // lacks its other words: the name is left out there and must
            // still be found in the piece that holds all of it.
            &["The Chamber of Commerce met.", "Later the U.S. Chamber of Commerce spoke.", "Chamber of Commerce again."][..],
            // A name in several pieces is compiled once and found in each.
            &["Baku.", "Baku and Baku.", "Nothing.", "Ilham Aliyev in Baku."],
            // Ambiguous "Aliyev": ranked by what the whole text names
            // unambiguously, not what its piece names.
            &["Aliyev spoke.", "Heydar Aliyev, Heydar Aliyev.", "Ilham Aliyev."],
            &["", "Baku"],
            &["北京", "我在北京工作"],
        ] {
            let text = blocks.join("\u{2029}");
            let (full, page) = mentions(&dictionary, &index, &text);
            assert_eq!(full, page, "for {text:?}");
            assert!(!page.is_empty(), "for {text:?}");
        }
        // Pieces whose folds cannot simply be joined (a piece starting with
        // a combining mark, which the separator before it keeps; a piece
        // not ending with a separator): the text is folded again whole.
        for pieces in [&["Ilham Aliyev.\u{2029}", "\u{0301}Baku and Heydar Aliyev.\u{2029}", "Baku"][..], &["Ilham Aliyev in Baku ", "and Baku\u{2029}", "Baku"]] {
            let text = pieces.concat();
            let mut selection = PageSelection::default();
            for piece in pieces {
                index.select_piece(&mut selection, piece).unwrap();
            }
            let found: Triples = index.finish_selection(selection).unwrap().find().into_iter().map(|m| (m.start, m.end, m.entities)).collect();
            assert_eq!(found, mentions(&dictionary, &index, &text).0, "for {pieces:?}");
            assert_eq!(found.len(), 4, "for {pieces:?}");
        }
        let mut selection = PageSelection::default();
        for piece in ["Baku\u{2029}", "Baku and Ilham Aliyev\u{2029}", "Baku"] {
            index.select_piece(&mut selection, piece).unwrap();
        }
        // Baku, Ilham Aliyev, and the two entities' alias Aliyev.
        assert_eq!(selection.candidates(), 4, "each name selected once, however many pieces hold it");
        assert_eq!(index.matcher_for("Baku\u{2029}Baku and Ilham Aliyev\u{2029}Baku").unwrap().candidates, 4);
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
        assert!(index.type_counts().contains(&("city", 4)));
    }

    #[test]
    fn other_versions_and_damaged_headers_are_refused_with_a_clear_error() {
        let dictionary = Dictionary::from_json(DICTIONARY).unwrap();
        let mut bytes = write_index(&dictionary, MatchOptions::default()).unwrap();
        for old in [1u32, 4] {
            bytes[4..8].copy_from_slice(&old.to_le_bytes());
            let error = CompactIndex::from_bytes(bytes.clone()).unwrap_err().to_string();
            assert!(error.contains(&format!("version {old}, made by an older build")) && error.contains("write the index again"), "{error}");
        }
        bytes[4..8].copy_from_slice(&(VERSION + 1).to_le_bytes());
        let error = CompactIndex::from_bytes(bytes.clone()).unwrap_err().to_string();
        assert!(error.contains("made by a newer build"), "{error}");
        // Damage, not a version: bytes 0x00 0x01 0x02 0x03 where the version is.
        for damaged in [0u32, 0x0302_0100] {
            bytes[4..8].copy_from_slice(&damaged.to_le_bytes());
            let error = CompactIndex::from_bytes(bytes.clone()).unwrap_err().to_string();
            assert!(error.contains("its header is damaged"), "{error}");
        }
    }


    #[test]
    fn a_format_7_file_is_read_without_checksums() {
        let dictionary = Dictionary::from_json(DICTIONARY).unwrap();
        let current = CompactIndex::from_bytes(write_index(&dictionary, MatchOptions::default()).unwrap()).unwrap();
        // Format 7 is format 8 without the trailer.
        let mut bytes = current.bytes.clone();
        bytes.truncate(current.checked_len);
        bytes[4..8].copy_from_slice(&UNCHECKED_VERSION.to_le_bytes());
        let old = CompactIndex::from_bytes(bytes).unwrap();
        assert!(current.has_checksums() && !old.has_checksums());
        assert!(old.verify().is_ok(), "nothing to check");
        let text = "Erdogan and ERDOĞAN met in Москве.";
        assert_eq!(old.matcher_for(text).unwrap().find(), current.matcher_for(text).unwrap().find());
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
    fn a_name_is_selected_where_its_words_come_one_after_another() {
        let dictionary = Dictionary::from_json(r#"{"entities":[
            {"id":"org:chamber","name":"Chamber of Commerce","type":"organisation","summary":"A chamber."}]}"#).unwrap();
        let index = CompactIndex::from_bytes(write_index(&dictionary, MatchOptions::default()).unwrap()).unwrap();
        for (text, selected) in [
            ("The Chamber of Commerce met.", 1),
            // Each pair of its words is in the page, but apart.
            ("The Chamber of deputies. The rest of Commerce.", 0),
            ("Chamber of\u{2029}of Commerce", 0),
            // Folded like the text, across a line's end.
            ("the CHAMBER   of\ncommerce", 1),
        ] {
            assert_eq!(index.matcher_for(text).unwrap().candidates, selected, "for {text:?}");
            let mut pieces = PageSelection::default();
            index.select_piece(&mut pieces, text).unwrap();
            assert_eq!(index.finish_selection(pieces).unwrap().candidates, selected, "in pieces, for {text:?}");
        }
    }

    #[test]
    fn a_name_that_begins_with_a_capital_is_selected_only_where_its_first_word_has_one() {
        let dictionary = Dictionary::from_json(r#"{"entities":[
            {"id":"long","name":"Long","type":"city","summary":"s"},
            {"id":"hope","name":"Hope Valley","type":"city","summary":"s"},
            {"id":"bank","name":"Bank of Upper Canada","type":"organisation","summary":"s"},
            {"id":"evian","name":"Évian","type":"city","summary":"s"},
            {"id":"tide","name":"Tide","type":"brand","summary":"s","match":{"case":"any"}},
            {"id":"iphone","name":"iPhone","type":"product","summary":"s"},
            {"id":"abd","name":"'Abd al-Kuri","type":"island","summary":"s"}]}"#).unwrap();
        let index = CompactIndex::from_bytes(write_index(&dictionary, MatchOptions::default()).unwrap()).unwrap();
        for (text, selected, found) in [
            // Every word in lower case: none of the names that begin with
            // a capital is compiled.
            ("a long way to hope valley, the bank of upper canada and évian", 0, 0),
            ("Long, HOPE VALLEY, the Bank of Upper Canada, ÉVIAN.", 4, 4),
            ("Évian and evian; a long road to Long Beach", 2, 2),
            // Names that do not mind case, or begin with a lower-case
            // letter or no letter, are selected as before.
            ("tide, iphone and 'abd al-kuri", 3, 1),
            ("Tide, iPhone and 'Abd al-Kuri", 3, 3),
            // The test is per word, not per place: "Hope" begins a
            // sentence, so the name is compiled, and the matcher refuses
            // its place in lower case.
            ("Hope. Then hope valley", 1, 0),
            // In pieces: the capital comes in a later piece.
            ("the long road\u{2029}Long said", 1, 1),
        ] {
            assert_eq!(index.matcher_for(text).unwrap().candidates, selected, "for {text:?}");
            let (full, page) = mentions(&dictionary, &index, text);
            assert_eq!(full, page, "for {text:?}");
            assert_eq!(page.len(), found, "for {text:?}");
        }
    }

    #[test]
    fn a_name_of_three_words_or_more_carries_the_mark_of_its_keys_neighbour() {
        // Each name is filed under its rarest pair of adjacent words (ties:
        // the longest): "chamber of" ("of commerce" is in two names), so
        // the neighbour is the word after the pair, and "upper canada",
        // the word before it; "Upper Volta" has two words and no mark, and
        // is spelled by its key.
        let dictionary = Dictionary::from_json(r#"{"entities":[
            {"id":"a","name":"Chamber of Commerce","type":"t","summary":"s"},
            {"id":"b","name":"Bank of Upper Canada","type":"t","summary":"s","aliases":["Upper Volta"]},
            {"id":"c","name":"Ministry of Commerce","type":"t","summary":"s"}]}"#).unwrap();
        let bytes = write_index(&dictionary, MatchOptions::default()).unwrap();
        let index = CompactIndex::from_bytes(bytes.clone()).unwrap();
        let mut marks = Vec::new();
        for key in ["chamber of", "upper canada", "upper volta"] {
            index.for_names_under(key.as_bytes(), &mut |_, number, flags, _| marks.push((key, number, flags >> NEIGHBOUR_SHIFT))).unwrap();
        }
        let written: Vec<(&str, u8)> = marks.iter().map(|&(key, _, mark)| (key, mark)).collect();
        assert_eq!(written, [("chamber of", neighbour_mark("commerce", true)), ("upper canada", neighbour_mark("of", false)), ("upper volta", SPELLED_BY_KEY)]);
        // The mark is what selection trusts: with a wrong one (still a
        // mark), a page holding the whole name no longer selects it, and
        // with the right one it does, though the pair also comes where
        // its neighbour does not.
        let text = "The Chamber of deputies, the Bank of Upper Canada and the Chamber of Commerce.";
        assert_eq!(index.matcher_for(text).unwrap().candidates, 2);
        let mut damaged = bytes;
        for &(_, number, mark) in &marks[..2] {
            let at = index.name_options.start + number;
            let wrong = (1..=14).find(|other| *other != mark).unwrap();
            damaged[at] = damaged[at] & 0x0F | wrong << NEIGHBOUR_SHIFT;
        }
        let damaged = CompactIndex::from_bytes(damaged).unwrap();
        assert_eq!(damaged.matcher_for(text).unwrap().candidates, 0);
    }

    #[test]
    fn a_name_its_key_spells_is_made_from_the_key_and_not_stored() {
        let dictionary = Dictionary::from_json(r#"{"entities":[
            {"id":"a","name":"Paris","type":"city","summary":"s","aliases":["New York","McDonald","iPhone","Zürich","Tbilisi Old Town"]}]}"#).unwrap();
        let bytes = write_index(&dictionary, MatchOptions::default()).unwrap();
        let index = CompactIndex::from_bytes(bytes).unwrap();
        // (key, spelled by it, text stored)
        for (key, spelled, stored) in [
            ("paris", true, ""),
            ("new york", true, ""),
            // Its capitals are not each word's first letter.
            ("mcdonald", false, "McDonald"),
            ("iphone", false, "iPhone"),
            // Diacritics folded away, as in the key.
            ("zurich", true, ""),
            // Three words: a neighbour mark instead.
            ("tbilisi old", false, "Tbilisi Old Town"),
        ] {
            let mut seen = Vec::new();
            index.for_names_under(key.as_bytes(), &mut |_, _, flags, text| seen.push((flags >> NEIGHBOUR_SHIFT == SPELLED_BY_KEY, String::from_utf8_lossy(text).into_owned()))).unwrap();
            assert_eq!(seen, [(spelled, stored.to_owned())], "{key}");
        }
        // Made from the key with the right capitals: the case rules find
        // what the full matcher finds ("paris" and "new york" in lower case
        // are not the names).
        let text = "From paris to Paris, new york to New York, a McDonald in Zurich and ZURICH, then Tbilisi Old Town.";
        let (full, page) = mentions(&dictionary, &index, text);
        assert_eq!(full, page);
        assert_eq!(page.len(), 6, "{page:?}");
    }

    #[test]
    fn entities_and_metadata_read_back() {
        let dictionary = Dictionary::from_json(DICTIONARY).unwrap();
        let index = CompactIndex::from_bytes(write_index(&dictionary, MatchOptions::default()).unwrap()).unwrap();
        assert_eq!(index.entity_count(), 6);
        assert_eq!(index.name_count(), 9);
        assert_eq!((index.title(), index.as_of()), (Some("t"), Some("2026-01-01")));
        assert_eq!(index.entity(0), Some(IndexedEntity { id: "city:baku".into(), name: "Baku", kind: "city", summary: "Capital of Azerbaijan.".into(), url: Some("https://example.org/baku") }));
        assert_eq!(index.entity(5).map(|e| e.id.into_owned()), Some("city:nice".to_owned()));
        assert_eq!(index.entity(6), None);
        assert!(index.type_counts().contains(&("person", 2)));
    }

    #[test]
    fn many_entities_cross_checkpoints() {
        let entities: Vec<String> = (0..500).map(|i| format!(r#"{{"id":"e{i}","name":"Name{i} Town","type":"city","summary":"S{i}."}}"#)).collect();
        let dictionary = Dictionary::from_json(&format!(r#"{{"entities":[{}]}}"#, entities.join(","))).unwrap();
        let index = CompactIndex::from_bytes(write_index(&dictionary, MatchOptions::default()).unwrap()).unwrap();
        for i in [0, 63, 64, 65, 200, 499] {
            assert_eq!(index.entity(i).map(|e| e.summary.into_owned()), Some(format!("S{i}.")));
        }
        let page = index.matcher_for("We drove from Name7 Town to Name431 town and NAME250 TOWN.").unwrap();
        let found: Vec<usize> = page.matcher.find("We drove from Name7 Town to Name431 town and NAME250 TOWN.").iter().map(|m| m.entities[0]).collect();
        assert_eq!(found, vec![7, 250]);
    }

    #[test]
    fn damage_anywhere_is_found_by_the_checksums_and_said_where() {
        // About 1.3 MB: twenty stretches of 64 KiB, each with its checksum.
        let entities: Vec<String> = (0..16_000).map(|i| format!(r#"{{"id":"e{i}","name":"Place{i} Town","type":"city","summary":"Place{i} lies {} km from Place{}, founded in {}."}}"#, i * 37 % 1000, i + 1, 1000 + i % 900)).collect();
        let dictionary = Dictionary::from_json(&format!(r#"{{"entities":[{}]}}"#, entities.join(","))).unwrap();
        let bytes = write_index(&dictionary, MatchOptions::default()).unwrap();
        assert!(bytes.len() > 16 * CHECKED_CHUNK, "{} bytes", bytes.len());
        let index = CompactIndex::from_bytes(bytes.clone()).unwrap();
        assert!(index.verify().is_ok());
        let summary = crate::matcher::find_bytes(&bytes, b"lies 185 km").unwrap();
        let cases = [
            ("a summary", summary, "summaries"),
            ("an entity number", index.entity_numbers.start + 5, "entity numbers"),
            ("a canonical name", index.names.data.start + index.names.data.len / 2, "canonical names"),
            ("an entity's type", index.checked_len - 1, "types"),
            ("a checksum", index.checked_len + 3, "header"),
        ];
        for (what, at, part) in cases {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x20;
            // Opening reads the header and section bounds only.
            let error = CompactIndex::from_bytes(damaged).unwrap().verify().unwrap_err().to_string();
            assert!(error.starts_with("the index file is damaged between bytes") && error.contains(part) && error.contains("make it again"), "{what}: {error}");
            let range: Vec<usize> = error.split(' ').filter_map(|word| word.trim_end_matches(',').parse().ok()).take(2).collect();
            // The stretch's checksum may be what was damaged: its place is said too.
            let checksum_at = index.checked_len + (at.min(index.checked_len - 1) / CHECKED_CHUNK) * 8;
            let checksum_at = if at < index.checked_len { checksum_at } else { index.checked_len };
            assert!(error.contains(&format!("(or in their checksum, at byte {checksum_at})")), "{what}: {error}");
            let damaged_at = if at < index.checked_len { at } else { 0 };
            assert!(range.len() == 2 && range[0] <= damaged_at && damaged_at < range[1] && range[1] - range[0] <= CHECKED_CHUNK, "{what} at {at}: {error}");
        }
        // A file of one stretch: where in it cannot be told.
        let mut small = write_index(&Dictionary::from_json(DICTIONARY).unwrap(), MatchOptions::default()).unwrap();
        // The last entity's type number, just before the one checksum.
        let last_type = small.len() - 4 - 8 - 1;
        small[last_type] ^= 1;
        let error = CompactIndex::from_bytes(small).unwrap().verify().unwrap_err().to_string();
        assert!(error.starts_with("the index file is damaged between bytes 0 and") && !error.contains(", in its"), "{error}");
        for cut in [bytes[..bytes.len() - 1].to_vec(), [bytes.as_slice(), &[0]].concat(), bytes[..index.checked_len].to_vec()] {
            let error = CompactIndex::from_bytes(cut).unwrap_err().to_string();
            assert!(error.contains("cut short or damaged at its end"), "{error}");
        }
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

    /// A dictionary of `entities` JSON objects.
    fn dictionary_of(entities: &[String]) -> Dictionary {
        Dictionary::from_json(&format!(r#"{{"entities":[{}]}}"#, entities.join(","))).unwrap()
    }

    fn entity_json(id: &str, name: &str, summary: &str) -> String {
        format!(r#"{{"id":{},"name":{},"type":"t","summary":{}}}"#, json_string(id), json_string(name), json_string(summary))
    }

    fn json_string(text: &str) -> String {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    #[test]
    fn ids_count_up_their_last_number() {
        for (id, next) in [
            ("g99", Some("g100")),
            ("9", Some("10")),
            ("0", Some("1")),
            ("q41", Some("q42")),
            ("x007", Some("x008")),
            ("x099", Some("x100")),
            ("199", Some("200")),
            ("v1.9", Some("v1.10")),
            ("é9", Some("é10")),
            ("日本1", Some("日本2")),
            ("a9z", None),
            ("abc", None),
            ("日本", None),
            ("", None),
        ] {
            let mut bytes = id.as_bytes().to_vec();
            let counted = increment_id(&mut bytes);
            assert_eq!(counted.then(|| String::from_utf8(bytes.clone()).unwrap()), next.map(str::to_owned), "for {id:?}");
            if !counted {
                assert_eq!(bytes, id.as_bytes(), "{id:?} is left as it was");
            }
        }
    }

    #[test]
    fn ids_are_stored_as_back_references_and_read_back() {
        // Runs that count up (with carries), ids without digits, non-ASCII
        // ids, an id that counts up from one further back, and runs that
        // cross a checkpoint (entity 16, 32: always stored whole).
        let mut ids: Vec<String> = ["g98", "g99", "g100", "9", "10", "abc", "abd", "é9", "é10", "x5", "y1", "x6", "y2", "日本1", "日本2", "p0", "p1"].iter().map(|id| (*id).to_owned()).collect();
        ids.extend((0..40).map(|n| format!("q{n}")));
        let entities: Vec<String> = ids.iter().enumerate().map(|(n, id)| entity_json(id, &format!("Name{n}"), "s")).collect();
        let index = CompactIndex::from_bytes(write_index(&dictionary_of(&entities), MatchOptions::default()).unwrap()).unwrap();
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(index.entity(n).map(|e| e.id.into_owned()).as_deref(), Some(id.as_str()), "entity {n}");
        }
        let stored = |n: usize| index.field_bytes(index.ids, n).unwrap().to_vec();
        assert_eq!(stored(1), [1], "g99 counts up g98");
        assert_eq!(stored(2), [1], "g100 counts up g99");
        assert_eq!(stored(4), [1], "10 counts up 9");
        assert_eq!(stored(6), b"abd", "no digits: stored whole");
        assert_eq!(stored(8), [1], "é10 counts up é9");
        assert_eq!(stored(11), [2], "x6 counts up x5, two back");
        assert_eq!(stored(12), [2], "y2 counts up y1, two back");
        assert_eq!(stored(16), b"p1", "a checkpoint's id is stored whole");
        assert_eq!(stored(17), b"q0");
        assert!((18..32).all(|n| stored(n) == [1]));
        assert_eq!(stored(32), b"q15", "a checkpoint's id is stored whole");
    }

    #[test]
    fn ids_and_summaries_with_control_characters_are_refused_by_the_dictionary() {
        // The index's markers (bytes 1 to 15 in ids, 1 to 3 in summaries)
        // cannot occur in a loaded dictionary.
        for (id, summary) in [("a\u{1}", "s"), ("\u{5}", "s"), ("a", "x\u{1}y"), ("a", "x\u{2}"), ("a", "\u{3}x")] {
            let json = format!(r#"{{"entities":[{{"id":"{}","name":"A","type":"t","summary":"{}"}}]}}"#, id.escape_unicode(), summary.escape_unicode());
            assert!(Dictionary::from_json(&json).is_err(), "{id:?} {summary:?}");
        }
    }

    #[test]
    fn phrase_references_round_trip() {
        for number in [0, 1, 254, 255, 256, 509, 510, 65_279, 65_280, 65_281, 100_000, 1_000_000, MAX_PHRASES - 1] {
            let mut field = Vec::new();
            push_phrase_reference(&mut field, number as u32);
            assert!(!field.contains(&0), "{number}: {field:?}");
            let expected_len = match number {
                0..=254 => 2,
                255..=65_279 => 3,
                _ => 4,
            };
            assert_eq!(field.len(), expected_len, "{number}");
            field.extend_from_slice(b"tail");
            assert_eq!(read_phrase_reference(&field), Some((number, b"tail".as_slice())), "{number}");
            assert_eq!(read_phrase_reference(&field[..expected_len - 1]), None, "{number}: cut");
        }
        assert_eq!(read_phrase_reference(b"text"), None);
    }

    #[test]
    fn summaries_round_trip_through_phrases() {
        // Generated summaries: shared heads and tails, repeated whole
        // summaries, unique ones, new lines, non-ASCII, odd spaces.
        let jobs = ["a historian", "a railway engineer", "a marathon runner", "a trade negotiator"];
        let nations = ["French", "Persian", "Azerbaijani", "Ελληνικά"];
        let mut summaries: Vec<String> = Vec::new();
        for n in 0..600usize {
            summaries.push(match n % 6 {
                0 | 1 => format!("Generated person for benchmarks: {} ({} name).", jobs[n % 4], nations[n / 7 % 4]),
                2 => format!("City in {} with about {},000 inhabitants (GeoNames).", nations[n % 4], n % 37),
                3 => format!("Unique summary number {n}, said once."),
                4 => format!("Two lines\nsecond {} ", n % 3),
                _ => format!(" leading space and  double spaces {}", jobs[n % 4]),
            });
        }
        summaries.push("Zebra-crossing quietly!".to_owned());
        let entities: Vec<String> = summaries.iter().enumerate().map(|(n, summary)| entity_json(&format!("e{n}"), &format!("Name{n}"), summary)).collect();
        let bytes = write_index(&dictionary_of(&entities), MatchOptions::default()).unwrap();
        assert_eq!(bytes, write_index(&dictionary_of(&entities), MatchOptions::default()).unwrap(), "the writer is deterministic");
        let index = CompactIndex::from_bytes(bytes).unwrap();
        for (n, summary) in summaries.iter().enumerate() {
            assert_eq!(index.entity(n).map(|e| e.summary.into_owned()).as_deref(), Some(summary.as_str()), "entity {n}");
        }
        let referring = (0..summaries.len()).filter(|n| index.field_bytes(index.summaries, *n).unwrap().iter().any(|byte| *byte < 4)).count();
        assert!(referring > 300, "{referring} summaries use phrases");
        assert!(matches!(index.entity(600).map(|e| e.summary), Some(Cow::Borrowed(_))), "a summary sharing nothing is stored as it is");
    }

    #[test]
    fn summaries_use_three_digit_references_beyond_65280_phrases() {
        // 66,000 summaries, each said twice, are 66,000 phrases: the last
        // ones need a marker and three digits.
        let count = 66_000;
        let entities: Vec<String> = (0..2 * count).map(|n| format!(r#"{{"id":"e{n}","name":"N{n}","type":"t","summary":"S{} x"}}"#, n % count)).collect();
        let index = CompactIndex::from_bytes(write_index(&dictionary_of(&entities), MatchOptions::default()).unwrap()).unwrap();
        let mut lengths = [0usize; 5];
        for n in (0..2 * count).step_by(7) {
            assert_eq!(index.entity(n).map(|e| e.summary.into_owned()), Some(format!("S{} x", n % count)), "entity {n}");
            let field = index.field_bytes(index.summaries, n).unwrap();
            lengths[field.len().min(4)] += 1;
        }
        assert!(lengths[2] > 0 && lengths[3] > 0 && lengths[4] > 0, "references of each length: {lengths:?}");
    }

    #[test]
    fn every_name_is_found_under_one_of_its_keys() {
        // Many names over several blocks, groups of many names, shared
        // words, keys sharing more than 255 bytes (front coding caps the
        // count of shared bytes at 255), aliases.
        let long = "Ж".repeat(150);
        let mut entities = Vec::new();
        for n in 0..400 {
            let name = match n % 5 {
                0 => format!("Name{n}"),
                1 => format!("John Smith{}", n % 7),
                2 => format!("{long}{n}"),
                3 => format!("Port of {long} {n}"),
                _ => "Springfield".to_owned(),
            };
            let alias = if n % 5 == 4 { "Shelbyville" } else { "Springfield" };
            entities.push(format!(r#"{{"id":"e{n}","name":{},"type":"t","summary":"s","aliases":["Alias{n} Town","{alias}"]}}"#, json_string(&name)));
        }
        let dictionary = dictionary_of(&entities);
        let index = CompactIndex::from_bytes(write_index(&dictionary, MatchOptions::default()).unwrap()).unwrap();
        let fold = FoldOptions { case: true, diacritics: true };
        for (entity, record) in dictionary.entities().iter().enumerate() {
            for name in &record.names {
                let mut found = false;
                for key in name_keys(&fold_name(&name.text, fold)) {
                    index.for_names_under(key.as_bytes(), &mut |key, number, flags, text| {
                        let e = index.name_entity(number).unwrap();
                        found |= e as usize == entity
                            && if flags >> NEIGHBOUR_SHIFT == SPELLED_BY_KEY {
                                // Stored nowhere: the key spells it.
                                let mut spelled = String::new();
                                capitalise_words(std::str::from_utf8(key).unwrap(), &mut spelled);
                                fold_name(&name.text, FoldOptions { case: false, ..fold }) == spelled
                            } else {
                                let text = if flags & CANONICAL != 0 { index.field(index.names, e as usize).unwrap().as_bytes() } else { text };
                                text == name.text.as_bytes()
                            };
                    });
                }
                assert!(found, "{:?} of entity {entity}", name.text);
            }
        }
        let text = format!("Name5 met John Smith3 at {long}7 and in Port of {long} 13, Springfield; {long}2 and Alias9 Town.");
        let (full, page) = mentions(&dictionary, &index, &text);
        assert_eq!(full, page);
        assert!(page.len() >= 6, "{page:?}");
    }

    /// Opens `bytes` if it opens and uses everything it holds; nothing may
    /// panic.
    fn exercise(bytes: Vec<u8>) {
        if let Ok(index) = CompactIndex::from_bytes(bytes) {
            let _ = index.matcher_for("Ilham Aliyev in Baku and 北京, Nice. Generated person for benchmarks g7 Name3 Town");
            for entity in 0..index.entity_count().min(64) + 1 {
                let _ = index.entity(entity);
            }
            let _ = index.type_counts();
        }
    }

    #[test]
    fn truncated_and_randomly_damaged_files_do_not_panic() {
        let mut entities: Vec<String> = (0..40).map(|n| entity_json(&format!("g{n}"), &format!("Name{n} Town"), &format!("Generated person for benchmarks: a job {}.", n % 3))).collect();
        entities.push(DICTIONARY[DICTIONARY.find("{\"id\":\"city:baku\"").unwrap()..DICTIONARY.rfind(']').unwrap()].to_owned());
        let bytes = write_index(&dictionary_of(&entities), MatchOptions::default()).unwrap();
        for cut in 0..bytes.len() {
            exercise(bytes[..cut].to_vec());
        }
        // Random flips (a fixed xorshift sequence, so a failure repeats).
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || crate::xorshift(&mut state);
        for _ in 0..3_000 {
            let mut damaged = bytes.clone();
            for _ in 0..1 + next() % 4 {
                let at = 8 + (next() as usize) % (damaged.len() - 8);
                damaged[at] = next() as u8;
            }
            exercise(damaged);
        }
    }

    #[test]
    fn hostile_ids_and_summaries_give_nothing() {
        // Entities 16 to 18 have ids "9", "10", "11": stored as "9" and two
        // one-byte back references.
        let entities: Vec<String> = (0..20)
            .map(|n| {
                let summary = if n == 5 { "y".repeat(1000) } else { "Shared phrase of some length here.".to_owned() };
                let id = if n >= 16 { (n - 7).to_string() } else { format!("g{n}") };
                entity_json(&id, &format!("Name{n}"), &summary)
            })
            .collect();
        let bytes = write_index(&dictionary_of(&entities), MatchOptions::default()).unwrap();
        let index = CompactIndex::from_bytes(bytes.clone()).unwrap();
        // Where field `n` of `column` starts in the file.
        let start = |column: Column, n: usize| index.field_bytes(column, n).unwrap().as_ptr() as usize - index.bytes.as_ptr() as usize;
        assert_eq!(index.field_bytes(index.ids, 16), Some(b"9".as_slice()));
        assert_eq!(index.field_bytes(index.ids, 18), Some([1].as_slice()));
        // A checkpoint's id that refers back: no entity, no panic.
        let mut damaged = bytes.clone();
        damaged[start(index.ids, 16)] = 1;
        let hostile = CompactIndex::from_bytes(damaged).unwrap();
        assert_eq!(hostile.entity(16), None);
        assert_eq!(hostile.entity(17), None, "counts up the damaged one");
        assert!(hostile.entity(15).is_some());
        // An id that refers back further than its block.
        let mut damaged = bytes.clone();
        damaged[start(index.ids, 18)] = 3;
        assert_eq!(CompactIndex::from_bytes(damaged).unwrap().entity(18), None);
        // A literal summary turned into 500 references to a phrase: it
        // would decode to 17 KB, more than any summary.
        let mut damaged = bytes.clone();
        let at = start(index.summaries, 5);
        assert_eq!(index.field_bytes(index.summaries, 5).unwrap().len(), 1000);
        for pair in damaged[at..at + 1000].chunks_mut(2) {
            pair.copy_from_slice(&[PHRASE_1, 1]);
        }
        let hostile = CompactIndex::from_bytes(damaged).unwrap();
        assert_eq!(hostile.entity(5), None);
        assert!(hostile.entity(4).is_some());
        // A reference to a phrase past the table.
        let mut damaged = bytes.clone();
        damaged[at..at + 4].copy_from_slice(&[PHRASE_3, 200, 200, 200]);
        assert_eq!(CompactIndex::from_bytes(damaged).unwrap().entity(5), None);
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
