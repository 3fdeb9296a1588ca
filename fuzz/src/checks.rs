//! What each fuzz target asserts about one input.
//!
//! This file is compiled twice: into the fuzz crate (`fuzz/src/lib.rs`) and,
//! by `#[path]`, into `tests/fuzz_regressions.rs`, which replays every
//! corpus file and every saved crash under a plain `cargo test`. So it may
//! use only `entity_highlighter`, `unicode_normalization` (a dev-dependency
//! of the main crate, a dependency here) and the standard library.

use entity_highlighter::{write_index, CaseRule, CompactIndex, Dictionary, Limits, MatchOptions, Matcher, Mention, NameOptions, PageSelection, BLOCK_SEPARATOR};

/// How many entities the matcher target's names are spread over.
const MATCHER_ENTITIES: u32 = 32;
/// At most this many names per matcher input, so that one execution stays
/// quick and the fuzzer spends its time on variety rather than size.
const MATCHER_NAMES: usize = 64;
/// Most problems a `DictionaryError` keeps in full (the loader's cap).
const PROBLEMS_KEPT: usize = 200;

/// Dictionary loader: any bytes either load or are refused with located
/// problems, never a panic; the byte and string entry points agree; a
/// loaded dictionary always compiles, and its compact index reads every
/// entity back as it was and finds exactly what the full matcher finds.
pub fn dictionary(data: &[u8]) {
    let limits = Limits::default();
    let loaded = Dictionary::from_bytes(data, &limits);
    if let Ok(json) = std::str::from_utf8(data) {
        let again = Dictionary::from_json_with_limits(json, &limits);
        assert_eq!(loaded.as_ref().err(), again.as_ref().err(), "from_bytes and from_json disagree");
    }
    let dictionary = match loaded {
        Ok(dictionary) => dictionary,
        Err(error) => {
            assert!(error.count() >= 1, "a refusal without a problem");
            assert!(!error.problems().is_empty(), "a refusal that lists no problem");
            assert!(error.problems().len() <= PROBLEMS_KEPT, "{} problems kept", error.problems().len());
            for problem in error.problems() {
                assert!(!problem.message().is_empty(), "a problem without a message at {}", problem.location());
            }
            assert!(!error.to_string().is_empty());
            return;
        }
    };
    let mut text = String::new();
    for entity in dictionary.entities() {
        assert!(!entity.names.is_empty(), "entity {} has no names", entity.id);
        assert_eq!(entity.names[0].text, entity.name, "names[0] is not the canonical name");
        for name in entity.names.iter().take(8) {
            if text.len() < 4_096 {
                text.push_str(&name.text);
                text.push_str(" and ");
            }
        }
    }
    for options in [MatchOptions { fold_diacritics: true }, MatchOptions { fold_diacritics: false }] {
        let matcher = Matcher::new(&dictionary, options).unwrap_or_else(|error| panic!("a valid dictionary did not compile: {error}"));
        let full = matcher.find(&text);
        check_mentions(&text, &full, dictionary.entities().len());
        let bytes = write_index(&dictionary, options).unwrap_or_else(|error| panic!("a valid dictionary has no index: {error}"));
        let index = CompactIndex::from_bytes(bytes).unwrap_or_else(|error| panic!("an index just written does not open: {error}"));
        assert_eq!(index.entity_count(), dictionary.entities().len());
        // Ids (stored as back references) and summaries (stored with
        // phrases) read back as they were.
        for (at, entity) in dictionary.entities().iter().enumerate() {
            let read = index.entity(at).unwrap_or_else(|| panic!("entity {at} of an index just written does not read"));
            assert_eq!(
                (read.id.as_ref(), read.name, read.kind, read.summary.as_ref(), read.url),
                (entity.id.as_str(), entity.name.as_str(), entity.kind.as_str(), entity.summary.as_str(), entity.url.as_deref()),
                "entity {at} reads back changed"
            );
        }
        let page = index.matcher_for(&text).unwrap_or_else(|error| panic!("the index could not build a page matcher: {error}"));
        let selected = page.matcher.find(&text);
        assert_eq!(selected, full, "the compact index and the full matcher disagree on {text:?}");
        assert_eq!(in_pieces(&index, &text).as_deref(), Some(&full[..]), "the index given {text:?} in pieces finds something else");
    }
}

/// The mentions an index finds in `text` given piece by piece, each piece
/// ending after a block separator (as a worker gets a page), or None when
/// it refuses the text.
fn in_pieces(index: &CompactIndex, text: &str) -> Option<Vec<Mention>> {
    let mut selection = PageSelection::default();
    for piece in text.split_inclusive(BLOCK_SEPARATOR) {
        index.select_piece(&mut selection, piece).ok()?;
    }
    Some(index.finish_selection(selection).ok()?.find())
}

/// Matcher: names and text both come from the input. Before the first NUL
/// byte, one name a line, its first byte choosing the options and the
/// entity; after it, the text. Every mention must satisfy `check_mentions`.
pub fn matcher(data: &[u8]) {
    let (spec, text) = match data.iter().position(|b| *b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&data[..0], data),
    };
    let text = String::from_utf8_lossy(text);
    let mut names: Vec<(u32, String, NameOptions)> = Vec::new();
    for line in spec.split(|b| *b == b'\n').take(MATCHER_NAMES) {
        let Some((&control, name)) = line.split_first() else { continue };
        let case = match control & 3 {
            1 => CaseRule::Exact,
            2 => CaseRule::Any,
            _ => CaseRule::Default,
        };
        let options = NameOptions { case, sentence_start: control & 4 == 0 };
        names.push((u32::from(control >> 3) % MATCHER_ENTITIES, String::from_utf8_lossy(name).into_owned(), options));
    }
    for options in [MatchOptions { fold_diacritics: true }, MatchOptions { fold_diacritics: false }] {
        let matcher = Matcher::from_names(names.iter().map(|(entity, name, options)| (*entity, name.as_str(), *options)), options)
            .unwrap_or_else(|error| panic!("{} names did not compile: {error}", names.len()));
        let mentions = matcher.find(&text);
        check_mentions(&text, &mentions, MATCHER_ENTITIES as usize);
    }
}

/// Compact index reader: the first two bytes give the length of a text
/// that follows them, the rest is read as an index. Opening it, reading
/// its entities and matching the text must not panic, and what it finds
/// must satisfy `check_mentions`.
pub fn index(data: &[u8]) {
    let (text, bytes) = match data {
        [low, high, rest @ ..] => {
            let len = usize::from(u16::from_le_bytes([*low, *high])).min(rest.len());
            (String::from_utf8_lossy(&rest[..len]), &rest[len..])
        }
        _ => (Default::default(), data),
    };
    let Ok(index) = CompactIndex::from_bytes(bytes.to_vec()) else { return };
    // Checked, then read on whatever the answer: the fuzzer's changes leave
    // the checksums wrong, and the reads below must hold up on such bytes
    // too (a caller need not verify).
    let _ = index.verify();
    let _ = (index.title(), index.as_of(), index.options(), index.name_count(), index.key_count());
    for at in 0..index.entity_count().min(64) {
        if let Some(entity) = index.entity(at) {
            let _ = (entity.id.len(), entity.name.len(), entity.kind.len(), entity.summary.len(), entity.url);
        }
    }
    assert!(index.entity(index.entity_count()).is_none(), "an entity past the end");
    let _ = index.type_counts();
    if let Ok(page) = index.matcher_for(&text) {
        let mentions = page.matcher.find(&text);
        check_mentions(&text, &mentions, index.entity_count());
        // A damaged index may file one name number under two keys, which
        // pieces may meet in another order: only the invariants hold.
        if let Some(mentions) = in_pieces(&index, &text) {
            check_mentions(&text, &mentions, index.entity_count());
        }
    }
}

/// The invariants every search result keeps, whatever the dictionary:
/// - both offset pairs slice `text` to exactly the mention's text, the
///   UTF-16 pair counting code units as JavaScript does;
/// - mentions are sorted and never overlap;
/// - each names at least one entity, each at most once, all in range;
/// - each starts and ends on a word boundary as `matcher.rs` defines it:
///   not between two letters or digits, unless one of them is of a script
///   written without spaces between words (CJK, Thai, ...).
pub fn check_mentions(text: &str, mentions: &[Mention], entity_count: usize) {
    let mut previous_end = 0usize;
    let mut utf16_at_previous_end = 0usize;
    for mention in mentions {
        assert!(mention.byte_start < mention.byte_end, "empty or reversed mention {mention:?}");
        assert!(mention.byte_start >= previous_end, "mention {mention:?} overlaps or precedes the one before (which ended at byte {previous_end})");
        let Some(slice) = text.get(mention.byte_start..mention.byte_end) else {
            panic!("mention {mention:?} does not slice the text on character boundaries");
        };
        assert_eq!(mention.text(text), slice);
        let utf16_start = utf16_at_previous_end + text[previous_end..mention.byte_start].encode_utf16().count();
        let utf16_end = utf16_start + slice.encode_utf16().count();
        assert_eq!((mention.start, mention.end), (utf16_start, utf16_end), "UTF-16 offsets of {mention:?} ({slice:?}) are wrong");
        assert!(!mention.entities.is_empty(), "mention {mention:?} names no entity");
        let mut seen = mention.entities.clone();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), mention.entities.len(), "mention {mention:?} lists an entity twice");
        assert!(seen.iter().all(|entity| *entity < entity_count), "mention {mention:?} names an entity out of range ({entity_count})");
        let before = last_base(&text[..mention.byte_start]);
        let after = text[mention.byte_end..].chars().next();
        // The matcher also lets a name begin or end next to a combining mark
        // of an unspaced script even when the mark sits on a letter of a
        // spaced one (a Thai vowel sign on "g": never in real text; see
        // tests/data/fuzz-regressions/README.md).
        let unspaced_mark_before = text[..mention.byte_start].chars().next_back().is_some_and(is_unspaced_script);
        let unspaced_mark_last = slice.chars().next_back().is_some_and(is_unspaced_script);
        assert!(is_boundary(before, slice.chars().next()) || unspaced_mark_before, "mention {slice:?} starts inside a word ({before:?} before it)");
        assert!(is_boundary(last_base(slice), after) || unspaced_mark_last, "mention {slice:?} ends inside a word ({after:?} after it)");
        previous_end = mention.byte_end;
        utf16_at_previous_end = utf16_end;
    }
}

/// The last character of `text` that is not a combining mark: the base of
/// its last grapheme, which is what decides whether it ends in a letter.
/// (Some marks, such as the Arabic U+065E, are themselves alphabetic; the
/// matcher folds them into the character they follow, and so must this.)
pub fn last_base(text: &str) -> Option<char> {
    text.chars().rev().find(|c| !unicode_normalization::char::is_combining_mark(*c))
}

/// Judged on the original text, so it is a little laxer than the matcher's
/// own test on folded text (an invisible character between two letters
/// counts as a boundary here), never stricter.
pub fn is_boundary(outside: Option<char>, edge: Option<char>) -> bool {
    match (outside, edge) {
        (Some(outside), Some(edge)) => !(outside.is_alphanumeric() && edge.is_alphanumeric()) || is_unspaced_script(outside) || is_unspaced_script(edge),
        _ => true,
    }
}

/// The scripts `matcher.rs` exempts from word boundaries: Thai, Lao,
/// Myanmar, Khmer, kana, CJK ideographs and Hangul.
pub fn is_unspaced_script(c: char) -> bool {
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
