//! Text folding with an exact map back to the original text.
//!
//! Names and page text are compared in a *folded* form: Unicode case folded,
//! canonically decomposed (so NFC and NFD agree), with every dash written as
//! `-`, every apostrophe as `'`, every double quote as `"`, each run of white
//! space as one space, invisible characters (soft hyphens, zero-width and
//! bidi controls) removed and, optionally, Latin, Greek, Cyrillic, Arabic and
//! Hebrew diacritics removed. Matching a case-sensitive automaton over the
//! folded text is both simpler and faster than asking the automaton to fold.
//!
//! Folding works segment by segment: a segment is one base character with
//! the combining marks after it, or one run of white space. Every folded byte
//! belongs to exactly one segment, so a folded span that starts and ends on
//! segment edges maps back to one exact span of the original text, in UTF-8
//! bytes and in UTF-16 code units.

use crate::unicode::{case_fold_into, combining_class as canonical_combining_class, nfd_into};

/// Separates blocks (paragraphs, list items, table cells) in a text buffer:
/// no name matches across it, and it starts a sentence. U+2029 PARAGRAPH
/// SEPARATOR is kept as itself by folding and can never occur in a name.
pub const BLOCK_SEPARATOR: char = '\u{2029}';

/// How text is folded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FoldOptions {
    pub case: bool,
    pub diacritics: bool,
}

/// One stretch of the folded text and where it came from. A `unit` piece is
/// a run of ASCII characters, each its own segment of one byte that folds to
/// one byte; any other piece is a single segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    folded: u32,
    byte: u32,
    utf16: u32,
    unit: bool,
}

/// A position in the original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    pub byte: usize,
    pub utf16: usize,
}

/// Folded text plus the map back to the original.
pub(crate) struct Folded {
    pub text: String,
    pieces: Vec<Piece>,
}

/// The largest text that offsets can describe; longer input is refused by
/// the matcher before folding.
pub(crate) const MAX_TEXT_BYTES: usize = u32::MAX as usize / 2;

enum Class {
    Space,
    Invisible,
    Apostrophe,
    Quote,
    Dash,
    Other,
}

fn classify(c: char) -> Class {
    match c {
        '\'' | '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{02BB}' | '\u{2032}'
        | '\u{FF07}' => Class::Apostrophe,
        '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}'
        | '\u{2033}' | '\u{FF02}' => Class::Quote,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{2E3A}' | '\u{2E3B}' | '\u{FE58}'
        | '\u{FE63}' | '\u{FF0D}' | '\u{058A}' | '\u{05BE}' => Class::Dash,
        '\u{00AD}' | '\u{034F}' | '\u{0640}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' => Class::Invisible,
        BLOCK_SEPARATOR => Class::Other,
        c if c.is_whitespace() => Class::Space,
        _ => Class::Other,
    }
}

/// Marks that readers treat as optional decoration of a letter.
fn is_foldable_diacritic(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{0591}'..='\u{05C7}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}')
}

/// Letters with a stroke or other mark that Unicode does not decompose, but
/// which English-language news writes without it.
fn strip_undecomposable(c: char) -> char {
    match c {
        'ı' => 'i',
        'ł' => 'l',
        'Ł' => 'L',
        'ø' => 'o',
        'Ø' => 'O',
        'đ' => 'd',
        'Đ' => 'D',
        'ħ' => 'h',
        'Ħ' => 'H',
        'ŧ' => 't',
        'Ŧ' => 'T',
        _ => c,
    }
}

/// Is `c` part of a word? Letters, digits and combining marks are.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    // ASCII first: no ASCII character is a combining or other mark, and
    // the combining-class lookup costs a table probe per space or comma.
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // General punctuation (spaces, dashes, quotes, and the block separator
    // that follows every paragraph of a page) holds no letter, digit or
    // mark; the lookups below cost hundreds of instructions for each.
    if ('\u{2000}'..='\u{206F}').contains(&c) {
        return false;
    }
    is_word_char_by_tables(c)
}

fn is_word_char_by_tables(c: char) -> bool {
    c.is_alphanumeric() || canonical_combining_class(c) != 0 || is_mark(c)
}

fn is_mark(c: char) -> bool {
    // Spacing and enclosing marks with combining class 0 (Devanagari vowel
    // signs and the like) still belong to the word they follow.
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05BD}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0900}'..='\u{0903}'
        | '\u{093A}'..='\u{094F}'
        | '\u{20D0}'..='\u{20FF}')
}

/// Scripts written without spaces between words: a name in them may touch
/// the text around it, so they never block a word boundary.
pub(crate) fn is_unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'
        | '\u{1000}'..='\u{109F}'
        | '\u{1780}'..='\u{17FF}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Appends the folded form of one segment (a base character and the
/// combining marks after it) to `out`.
fn fold_segment(segment: &str, options: FoldOptions, out: &mut String, scratch: &mut String) {
    let mut first = segment.chars();
    if let (Some(c), None) = (first.next(), first.next()) {
        match classify(c) {
            Class::Apostrophe => return out.push('\''),
            Class::Quote => return out.push('"'),
            Class::Dash => return out.push('-'),
            Class::Invisible => return,
            Class::Space => return out.push(' '),
            Class::Other => return fold_char_cached(c, options, out, scratch),
        }
    }
    fold_segment_uncached(segment, options, out, scratch);
}

thread_local! {
    /// The folded forms of single characters already folded: decomposing
    /// and case folding a letter such as `é` costs a thousand instructions,
    /// and the compact index folds thousands of names per page, drawn from
    /// a few hundred distinct letters. Bounded: cleared when full.
    static FOLDED_CHARS: std::cell::RefCell<std::collections::HashMap<u32, String, crate::index::FastHashBuilder>> =
        std::cell::RefCell::new(std::collections::HashMap::with_hasher(crate::index::FastHashBuilder));
}

const FOLDED_CHARS_LIMIT: usize = 4096;

fn fold_char_cached(c: char, options: FoldOptions, out: &mut String, scratch: &mut String) {
    // A char is at most 0x10FFFF: two option bits fit above it.
    let key = c as u32 | u32::from(options.case) << 22 | u32::from(options.diacritics) << 23;
    FOLDED_CHARS.with(|cache| {
        let Ok(mut cache) = cache.try_borrow_mut() else {
            return fold_segment_uncached(c.encode_utf8(&mut [0; 4]), options, out, scratch);
        };
        if let Some(folded) = cache.get(&key) {
            return out.push_str(folded);
        }
        let start = out.len();
        fold_segment_uncached(c.encode_utf8(&mut [0; 4]), options, out, scratch);
        if cache.len() >= FOLDED_CHARS_LIMIT {
            cache.clear();
        }
        cache.insert(key, out[start..].to_owned());
    })
}

fn fold_segment_uncached(segment: &str, options: FoldOptions, out: &mut String, scratch: &mut String) {
    let keep = |c: &char| !(options.diacritics && is_foldable_diacritic(*c));
    let finish = |c: char| if options.diacritics { strip_undecomposable(c) } else { c };
    let mut chars = Vec::with_capacity(segment.len());
    nfd_into(segment.chars(), &mut chars);
    if options.case {
        // Canonical caseless matching: NFD, case fold, NFD again.
        scratch.clear();
        for &c in &chars {
            case_fold_into(c, scratch);
        }
        nfd_into(scratch.chars(), &mut chars);
    }
    out.extend(chars.into_iter().filter(keep).map(finish));
}

fn to_u32(n: usize) -> u32 {
    // Callers refuse texts over MAX_TEXT_BYTES, and folding at most doubles a
    // text's size, so this saturating conversion never saturates in practice.
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Appends the folded form of `text` to `folded`, and, when asked, the
/// pieces that map it back; returns the text's length in UTF-16 units.
/// Names are folded without pieces (they need no map back).
fn fold_into(text: &str, options: FoldOptions, folded: &mut String, mut pieces: Option<&mut Vec<Piece>>) -> usize {
    let bytes = text.as_bytes();
    // For case folding a segment, reused (a page has thousands).
    let mut scratch = String::new();
    let mut utf16 = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        if is_unit(text, i) {
            // A run of ASCII that folds byte for byte.
            let run_start = i;
            if let Some(pieces) = pieces.as_deref_mut() {
                pieces.push(Piece { folded: to_u32(folded.len()), byte: to_u32(i), utf16: to_u32(utf16), unit: true });
            }
            while i < bytes.len() {
                if let Some(plain) = plain_eight(bytes, i) {
                    i += plain;
                } else if is_plain(bytes, i) || is_unit(text, i) {
                    i += 1;
                } else {
                    break;
                }
            }
            // The only white space a unit can be is a space, which folds
            // to itself: the run folds as a whole, to its lower case.
            let start = folded.len();
            folded.push_str(&text[run_start..i]);
            if options.case {
                folded[start..].make_ascii_lowercase();
            }
            utf16 += i - run_start;
            continue;
        }
        let segment_start = i;
        let segment_utf16 = utf16;
        let rest = &text[i..];
        let mut chars = rest.char_indices();
        let Some((_, first)) = chars.next() else { break };
        let mut end = first.len_utf8();
        utf16 += first.len_utf16();
        let class = classify(first);
        if matches!(class, Class::Space) {
            for (offset, c) in chars {
                if !matches!(classify(c), Class::Space | Class::Invisible) {
                    break;
                }
                end = offset + c.len_utf8();
                utf16 += c.len_utf16();
            }
        } else if matches!(class, Class::Other) {
            for (offset, c) in chars {
                if canonical_combining_class(c) == 0 {
                    break;
                }
                end = offset + c.len_utf8();
                utf16 += c.len_utf16();
            }
        }
        if let Some(pieces) = pieces.as_deref_mut() {
            pieces.push(Piece { folded: to_u32(folded.len()), byte: to_u32(segment_start), utf16: to_u32(segment_utf16), unit: false });
        }
        let segment = &rest[..end];
        if matches!(class, Class::Space) {
            folded.push(' ');
        } else {
            fold_segment(segment, options, folded, &mut scratch);
        }
        i = segment_start + end;
    }
    utf16
}

impl Folded {
    /// Folds `text`. The caller guarantees `text.len() <= MAX_TEXT_BYTES`.
    pub fn new(text: &str, options: FoldOptions) -> Folded {
        let mut folded = String::with_capacity(text.len() + 8);
        let mut pieces: Vec<Piece> = Vec::with_capacity(text.len() / 64 + 2);
        let utf16 = fold_into(text, options, &mut folded, Some(&mut pieces));
        pieces.push(Piece {
            folded: to_u32(folded.len()),
            byte: to_u32(text.len()),
            utf16: to_u32(utf16),
            unit: false,
        });
        Folded { text: folded, pieces }
    }

    /// Appends `next`, folded on its own, as if it had been folded as part
    /// of this text: a text read in pieces is then folded once, not once
    /// per piece and again whole. Returns false, appending nothing, when
    /// that would not be exact: unless this text (`text_so_far`, whose fold
    /// this is) ends with a block separator and `next_text` starts with a
    /// character that begins a segment, the whole text's segments could
    /// straddle the join (a separator keeps the combining marks after it).
    pub fn append(&mut self, text_so_far: &str, next: &Folded, next_text: &str) -> bool {
        let joins = text_so_far.is_empty() || (text_so_far.as_bytes().ends_with("\u{2029}".as_bytes()) && next_text.chars().next().is_none_or(|c| canonical_combining_class(c) == 0));
        // (A fold always ends with its closing piece, so there is one.)
        let Some(end) = self.pieces.last().copied().filter(|_| joins) else {
            return false;
        };
        self.pieces.pop();
        // The sums fit: callers refuse texts over MAX_TEXT_BYTES, and the
        // folded text is at most twice as long.
        for piece in &next.pieces {
            self.pieces.push(Piece {
                folded: piece.folded.saturating_add(end.folded),
                byte: piece.byte.saturating_add(end.byte),
                utf16: piece.utf16.saturating_add(end.utf16),
                unit: piece.unit,
            });
        }
        self.text.push_str(&next.text);
        true
    }

    /// Where in the folded text the original text's UTF-16 offset `utf16`
    /// falls: the start of the segment holding it, or the end.
    pub fn position_of_utf16(&self, utf16: usize) -> usize {
        let index = self.pieces.partition_point(|p| p.utf16 as usize <= utf16).saturating_sub(1);
        let Some(piece) = self.pieces.get(index) else { return self.text.len() };
        let next = self.pieces.get(index + 1).map_or(self.text.len(), |next| next.folded as usize);
        // Within a run of plain ASCII, one unit is one folded byte.
        let within = if piece.unit { utf16 - piece.utf16 as usize } else { 0 };
        (piece.folded as usize + within).min(next)
    }

    /// Whether the folded text at `at` (where a word starts) comes from a
    /// lower-case letter of `original`, the text this folds, as the
    /// matcher reads its case: folded with `options` but case kept. False
    /// when it cannot tell (`at` inside a segment). `cursor` is a piece to
    /// start looking from: calls with growing `at` then walk the pieces
    /// once.
    pub fn lower_case_at(&self, original: &str, at: usize, options: FoldOptions, cursor: &mut usize, scratch: &mut String) -> bool {
        let at32 = to_u32(at);
        if self.pieces.get(*cursor).is_none_or(|piece| piece.folded > at32) {
            *cursor = self.piece_at(at);
        }
        while self.pieces.get(*cursor + 1).is_some_and(|next| next.folded <= at32) {
            *cursor += 1;
        }
        let (Some(piece), Some(next)) = (self.pieces.get(*cursor), self.pieces.get(*cursor + 1)) else { return false };
        let offset = at32.saturating_sub(piece.folded) as usize;
        if piece.unit {
            return original.as_bytes().get(piece.byte as usize + offset).is_some_and(u8::is_ascii_lowercase);
        }
        if offset != 0 {
            return false;
        }
        let Some(segment) = original.get(piece.byte as usize..next.byte as usize) else { return false };
        fold_name_into(segment, FoldOptions { case: false, ..options }, scratch);
        scratch.chars().next().is_some_and(char::is_lowercase)
    }

    /// Index of the last piece whose folded start is at or before `at`.
    fn piece_at(&self, at: usize) -> usize {
        let at = to_u32(at);
        self.pieces.partition_point(|p| p.folded <= at).saturating_sub(1)
    }

    /// Where the segment that produced folded byte `at` starts, if a segment
    /// starts exactly there.
    pub fn start_origin(&self, at: usize) -> Option<Origin> {
        let index = self.piece_at(at);
        let piece = self.pieces.get(index)?;
        let offset = at.checked_sub(piece.folded as usize)?;
        if offset != 0 && !piece.unit {
            return None;
        }
        Some(Origin { byte: piece.byte as usize + offset, utf16: piece.utf16 as usize + offset })
    }

    /// Where the segment that produced folded byte `at - 1` ends, if a
    /// segment ends exactly at folded byte `at`.
    pub fn end_origin(&self, at: usize) -> Option<Origin> {
        let last = at.checked_sub(1)?;
        let index = self.piece_at(last);
        let piece = self.pieces.get(index)?;
        let next = self.pieces.get(index + 1)?;
        if piece.unit {
            let offset = at - piece.folded as usize;
            return Some(Origin { byte: piece.byte as usize + offset, utf16: piece.utf16 as usize + offset });
        }
        if next.folded as usize != at {
            return None;
        }
        Some(Origin { byte: next.byte as usize, utf16: next.utf16 as usize })
    }
}

/// Eight bytes at a time, the common case of [`is_plain`]: `Some(8)` when
/// the eight bytes at `i` are each plain, which holds when they and the
/// byte after them are printable ASCII (a space included) with no two
/// spaces side by side. A page's text is mostly such runs, and testing
/// them byte by byte cost about 30 instructions a byte.
#[inline]
fn plain_eight(bytes: &[u8], i: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const LOWS: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let (word, rest) = bytes.get(i..)?.split_first_chunk::<8>()?;
    let after = *rest.first()?;
    if !(b' '..=b'~').contains(&after) {
        return None;
    }
    let word = u64::from_le_bytes(*word);
    // A byte below 0x20 (space) or above 0x7E (tilde), non-ASCII included:
    // adding one sets the high bit of 0x7F, and a high bit already set
    // stays flagged through the `| word`.
    let below = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    let above = (word.wrapping_add(ONES) | word) & HIGHS;
    if below | above != 0 {
        return None;
    }
    // The high bit of each space, exactly: printable bytes have theirs
    // clear, so each byte of `word ^ spaces` is zero only for a space.
    let zero = word ^ (ONES * u64::from(b' '));
    let spaces = !(((zero & LOWS) + LOWS) | zero | LOWS);
    let last_and_after = spaces >> 56 != 0 && after == b' ';
    if spaces & (spaces >> 8) != 0 || last_and_after {
        return None;
    }
    Some(8)
}

/// A quick, partial [`is_unit`]: a printable ASCII character, or a space
/// before one, followed by ASCII (so by no combining mark). Most of a page.
#[inline]
fn is_plain(bytes: &[u8], i: usize) -> bool {
    let b = bytes[i];
    let next = bytes.get(i + 1).copied().unwrap_or(b'a');
    (b.is_ascii_graphic() || (b == b' ' && next.is_ascii_graphic())) && next < 0x80
}

/// Whether the byte at `i` is an ASCII character that is a segment on its
/// own and folds to one byte: not white space that starts a run folding to
/// one space, and not the base of a combining sequence (`e` + U+0301).
fn is_unit(text: &str, i: usize) -> bool {
    let bytes = text.as_bytes();
    let b = bytes[i];
    if !b.is_ascii() {
        return false;
    }
    let next = bytes.get(i + 1).copied();
    if b.is_ascii_whitespace() && (b != b' ' || next.is_some_and(|n| n.is_ascii_whitespace() || n >= 0x80)) {
        return false;
    }
    match next {
        Some(n) if n >= 0x80 => text.get(i + 1..).and_then(|rest| rest.chars().next()).is_none_or(|c| canonical_combining_class(c) == 0),
        _ => true,
    }
}

/// Whether an ASCII name's only white space is single spaces between
/// other characters: such a name folds byte for byte.
fn is_singly_spaced(bytes: &[u8]) -> bool {
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if *first == b' ' || *last == b' ' {
        return false;
    }
    let mut after_space = false;
    for &b in bytes {
        if b.is_ascii_whitespace() && (b != b' ' || after_space) {
            return false;
        }
        after_space = b == b' ';
    }
    true
}

/// Folds a name the way text is folded, without leading or trailing space.
pub(crate) fn fold_name(name: &str, options: FoldOptions) -> String {
    let mut out = String::new();
    fold_name_into(name, options, &mut out);
    out
}

/// [`fold_name`] into a reusable buffer (cleared first). Most names are
/// ASCII, and the compact index folds every candidate name of a page, so
/// ASCII names skip the segment machinery (and its allocations) and get
/// the same bytes `Folded::new` would give.
pub(crate) fn fold_name_into(name: &str, options: FoldOptions, out: &mut String) {
    out.clear();
    if !name.is_ascii() {
        fold_into(name, options, out, None);
        let end = out.trim_end_matches(' ').len();
        out.truncate(end);
        let start = out.len() - out.trim_start_matches(' ').len();
        out.drain(..start);
        return;
    }
    let bytes = name.as_bytes();
    if is_singly_spaced(bytes) {
        // Nearly every name: its bytes fold one for one, so the copy is
        // the fold (the loop below cost the index 700 instructions a name).
        out.push_str(name);
        if options.case {
            out.make_ascii_lowercase();
        }
        return;
    }
    let mut folded: Vec<u8> = std::mem::take(out).into_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if b.is_ascii_whitespace() {
            // As in `Folded::new`: a space before a non-space is itself;
            // any other white space starts a run that goes on over every
            // white-space character (vertical tab included, though a
            // vertical tab cannot start one) and folds to one space.
            let unit = b == b' ' && bytes.get(i).is_none_or(|next| !next.is_ascii_whitespace());
            if !unit {
                while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == 0x0B) {
                    i += 1;
                }
            }
            folded.push(b' ');
        } else {
            folded.push(if options.case { b.to_ascii_lowercase() } else { b });
        }
    }
    let end = folded.iter().rposition(|b| *b != b' ').map_or(0, |last| last + 1);
    folded.truncate(end);
    let start = folded.iter().position(|b| *b != b' ').unwrap_or(folded.len());
    folded.drain(..start);
    // Only ASCII bytes were pushed.
    *out = String::from_utf8(folded).unwrap_or_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOLD: FoldOptions = FoldOptions { case: true, diacritics: true };
    const KEEP_MARKS: FoldOptions = FoldOptions { case: true, diacritics: false };

    #[test]
    fn general_punctuation_is_never_part_of_a_word() {
        for c in ('\u{2000}'..='\u{206F}').chain([BLOCK_SEPARATOR]) {
            assert!(!is_word_char_by_tables(c), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn pieces_folded_apart_join_as_folded_whole() {
        // (pieces, whether they join without folding again)
        let cases: &[(&[&str], bool)] = &[
            (&["Straße in Łódź\u{2029}", "İstanbul  and\tBaku\u{2029}", "e\u{0301}x"], true),
            (&["", "Baku\u{2029}", "", "Erdoğan"], true),
            (&["Baku\u{2029}", "\u{0301}and"], false),
            (&["Baku ", "and"], false),
            (&["Baku\u{2029}", " \n and"], true),
        ];
        for (pieces, joins) in cases {
            let whole: String = pieces.concat();
            let mut so_far = String::new();
            let mut joined = Folded::new("", FOLD);
            let mut all_joined = true;
            for piece in pieces.iter() {
                if !joined.append(&so_far, &Folded::new(piece, FOLD), piece) {
                    all_joined = false;
                    break;
                }
                so_far.push_str(piece);
            }
            assert_eq!(all_joined, *joins, "{pieces:?}");
            if *joins {
                let expected = Folded::new(&whole, FOLD);
                assert_eq!(joined.text, expected.text, "{pieces:?}");
                assert_eq!(joined.pieces, expected.pieces, "{pieces:?}");
            }
        }
    }

    #[test]
    fn folding_table() {
        let cases: &[(&str, FoldOptions, &str)] = &[
            ("Azerbaijan’s", FOLD, "azerbaijan's"),
            ("U.S.\u{2013}Azerbaijan", FOLD, "u.s.-azerbaijan"),
            ("Ilham\u{00A0}Aliyev", FOLD, "ilham aliyev"),
            ("Ilham \n\t Aliyev", FOLD, "ilham aliyev"),
            ("Ali\u{00AD}yev", FOLD, "aliyev"),
            ("Ali\u{200B}yev", FOLD, "aliyev"),
            ("Erdog\u{0306}an", FOLD, "erdogan"),
            ("Caf\u{0065}\u{0301} x", FOLD, "cafe x"),
            ("Erdoğan", FOLD, "erdogan"),
            ("Erdoğan", KEEP_MARKS, "erdog\u{0306}an"),
            ("Erdog\u{0306}an", KEEP_MARKS, "erdog\u{0306}an"),
            ("STRASSE", FOLD, "strasse"),
            ("Straße", FOLD, "strasse"),
            ("İstanbul", FOLD, "istanbul"),
            ("Łódź", FOLD, "lodz"),
            ("“Baku”", FOLD, "\"baku\""),
            ("ΑΘΗΝΑ", FOLD, "αθηνα"),
            ("a\u{2029}b", FOLD, "a\u{2029}b"),
        ];
        for (input, options, expected) in cases {
            assert_eq!(&Folded::new(input, *options).text, expected, "folding {input:?}");
        }
    }

    #[test]
    fn origins_map_back_exactly() {
        let text = "😀 Ali\u{00AD}yev\u{00A0} x";
        let folded = Folded::new(text, FOLD);
        assert_eq!(folded.text, "😀 aliyev x");
        let start = folded.text.find("aliyev").unwrap();
        let end = start + "aliyev".len();
        let from = folded.start_origin(start).unwrap();
        let to = folded.end_origin(end).unwrap();
        assert_eq!(&text[from.byte..to.byte], "Ali\u{00AD}yev");
        assert_eq!((from.utf16, to.utf16), (3, 10));
    }

    #[test]
    fn ascii_names_fold_as_text_does() {
        let names = ["  Ilham \t\n Aliyev ", "U.S. Chamber", "a\x0Bb", "a \x0B b", "\x0B x \x0B", "A\r\nB", "", "   ", "O'Neil-Smith \"Jr\"", "x\x0C\x0By"];
        for name in names {
            for options in [FOLD, FoldOptions { case: false, diacritics: true }] {
                let slow = Folded::new(name, options).text.trim_matches(' ').to_owned();
                assert_eq!(fold_name(name, options), slow, "folding {name:?}");
            }
        }
        // Every short string over a small ASCII alphabet.
        let alphabet = [b' ', b'\t', b'\x0B', b'\n', b'A', b'b', b'-', b'\''];
        for len in 0..=5u32 {
            for mut code in 0..(alphabet.len() as u32).pow(len) {
                let mut name = String::new();
                for _ in 0..len {
                    name.push(alphabet[(code % alphabet.len() as u32) as usize] as char);
                    code /= alphabet.len() as u32;
                }
                for options in [FOLD, FoldOptions { case: false, diacritics: true }] {
                    let slow = Folded::new(&name, options).text.trim_matches(' ').to_owned();
                    assert_eq!(fold_name(&name, options), slow, "folding {name:?}");
                }
            }
        }
    }

    #[test]
    fn eight_plain_bytes_are_each_plain() {
        // Bytes at the edges of each test: below and at space, tilde and
        // DEL, a line feed, and a lead byte of two-byte UTF-8.
        let alphabet = [0x1F, b' ', b' ', b'!', b'a', b'Z', b'~', 0x7F, b'\n', 0xC3, 0x80];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || crate::xorshift(&mut seed);
        let mut taken = 0;
        for _ in 0..200_000 {
            // Mostly printable, so that windows of nine are often taken.
            let bytes: Vec<u8> = (0..12).map(|_| if next() % 4 == 0 { alphabet[(next() % alphabet.len() as u64) as usize] } else { b"ab cd~!xy Z"[(next() % 11) as usize] }).collect();
            for i in 0..bytes.len() {
                if plain_eight(&bytes, i).is_some() {
                    taken += 1;
                    assert!((i..i + 8).all(|k| is_plain(&bytes, k)), "{bytes:?} at {i}");
                }
            }
        }
        assert!(taken > 10_000, "the fast path was taken {taken} times");
        assert_eq!(plain_eight(b"U.S. aid to Baku", 0), Some(8));
        for refused in [&b"two  spaces here"[..], b"Baku and\nYerevan", b"ends in  ", b"Zu\xCC\x81rich ok"] {
            assert_eq!(plain_eight(refused, 0), None, "{refused:?}");
        }
    }

    #[test]
    fn spans_inside_a_segment_have_no_origin() {
        let text = "Straße";
        let folded = Folded::new(text, FOLD);
        // "stras" ends inside the two bytes that ß folds to.
        assert!(folded.end_origin(5).is_none());
        assert!(folded.end_origin(6).is_some());
        assert!(folded.start_origin(5).is_none());
    }
}
