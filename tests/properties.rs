//! Property tests: the matcher against a slow reference that is correct by
//! inspection, and against itself on typographic variants of one text.
//!
//! Every search result is also held to the four properties of issue 6
//! (`assert_mention_properties`): offsets slice the input to exactly the
//! mention's text, mentions never overlap, each starts and ends on a word
//! boundary, and (where a reference exists) results equal the reference.

// The word-boundary rule as the fuzz targets check it, so that the two
// checks of the matcher cannot drift apart.
#[path = "../fuzz/src/checks.rs"]
#[allow(dead_code)]
mod checks;

use entity_highlighter::{write_index, CaseRule, CompactIndex, Dictionary, MatchOptions, Matcher, Mention, NameOptions, PageSelection, BLOCK_SEPARATOR};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Letters with one-to-one case mappings, in three scripts, plus
/// separators and an astral character.
const ALPHABET: &[char] = &['a', 'b', 'c', 'A', 'B', 'C', 'é', 'É', 'д', 'Д', 'ж', 'Ж', ' ', '-', '\'', '.', '😀'];
const NAME_LETTERS: &[char] = &['a', 'b', 'c', 'A', 'B', 'C', 'é', 'É', 'д', 'Д', 'ж', 'Ж'];

#[derive(Clone, Debug)]
struct TestName {
    text: String,
    case: &'static str,
}

fn name_strategy() -> impl Strategy<Value = TestName> {
    let word = proptest::collection::vec(proptest::sample::select(NAME_LETTERS), 1..4).prop_map(|chars| chars.into_iter().collect::<String>());
    let separator = proptest::sample::select(&[" ", "-", "'", ". "][..]);
    (word.clone(), proptest::option::of((separator, word)), proptest::sample::select(&["default", "exact", "any"][..])).prop_map(|(first, rest, case)| {
        let text = match rest {
            Some((separator, second)) => format!("{first}{separator}{second}"),
            None => first,
        };
        TestName { text, case }
    })
}

/// Names of one to three words from a pool of four, so that names overlap
/// and extend each other in a text made of them ("Ab Cd" and "Cd Ef" in
/// "Ab Cd Ef").
fn overlapping_name_strategy() -> impl Strategy<Value = TestName> {
    let words = proptest::collection::vec(proptest::sample::select(&["Ab", "cd", "Éf", "Дж"][..]), 1..4);
    (words, proptest::sample::select(&["default", "exact", "any"][..])).prop_map(|(words, case)| TestName { text: words.join(" "), case })
}

/// Each entity's names with repeated texts dropped (the first kept), as the
/// dictionary written for them holds them: the loader refuses an entity
/// that repeats a name, and the reference must not know a name the
/// dictionary lacks.
fn distinct_names(entities: Vec<Vec<TestName>>) -> Vec<Vec<TestName>> {
    entities
        .into_iter()
        .map(|names| {
            let mut kept: Vec<TestName> = Vec::new();
            for name in names {
                if !kept.iter().any(|k| k.text == name.text) {
                    kept.push(name);
                }
            }
            kept
        })
        .collect()
}

fn dictionary_json(entities: &[Vec<TestName>]) -> String {
    let mut out = Vec::new();
    for (index, names) in entities.iter().enumerate() {
        let aliases: Vec<String> = names[1..]
            .iter()
            .filter(|alias| alias.text != names[0].text)
            .map(|alias| format!(r#"{{"name":{},"case":"{}"}}"#, serde_json::to_string(&alias.text).unwrap(), alias.case))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        out.push(format!(
            r#"{{"id":"e{index}","name":{},"type":"test","summary":"s","match":{{"case":"{}"}},"aliases":[{}]}}"#,
            serde_json::to_string(&names[0].text).unwrap(),
            names[0].case,
            aliases.join(",")
        ));
    }
    format!(r#"{{"entities":[{}]}}"#, out.join(","))
}

/// The reference: try every name at every character position.
fn reference(entities: &[Vec<TestName>], text: &str) -> Vec<(usize, usize, Vec<usize>)> {
    let chars: Vec<char> = text.chars().collect();
    let utf16_at: Vec<usize> = std::iter::once(0).chain(chars.iter().scan(0, |n, c| { *n += c.len_utf16(); Some(*n) })).collect();
    let is_word = |c: char| c.is_alphanumeric();
    let mut valid: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    for start in 0..chars.len() {
        let mut by_end: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for (entity, names) in entities.iter().enumerate() {
            for name in names {
                let Some(end) = match_at(&chars, start, name) else { continue };
                let name_first = name.text.chars().next().unwrap();
                let name_last = name.text.chars().last().unwrap();
                if start > 0 && is_word(chars[start - 1]) && is_word(name_first) {
                    continue;
                }
                if end < chars.len() && is_word(chars[end]) && is_word(name_last) {
                    continue;
                }
                let entry = by_end.entry(end).or_default();
                if !entry.contains(&entity) {
                    entry.push(entity);
                }
            }
        }
        for (end, mut found) in by_end {
            found.sort_unstable();
            valid.push((start, end, found));
        }
    }
    valid.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut chosen = Vec::new();
    let mut taken_until = 0;
    for (start, end, found) in valid {
        if start >= taken_until {
            taken_until = end;
            chosen.push((utf16_at[start], utf16_at[end], found));
        }
    }
    chosen
}

/// Where `name` ends if it matches at `start` under its case rule; a space
/// in a name matches a run of spaces.
fn match_at(chars: &[char], start: usize, name: &TestName) -> Option<usize> {
    let mut at = start;
    let mut written = Vec::new();
    for n in name.text.chars() {
        let t = *chars.get(at)?;
        if n == ' ' {
            if t != ' ' {
                return None;
            }
            while chars.get(at) == Some(&' ') {
                at += 1;
            }
            written.push(' ');
            continue;
        }
        if t.to_lowercase().ne(n.to_lowercase()) {
            return None;
        }
        written.push(t);
        at += 1;
    }
    let name_chars: Vec<char> = name.text.chars().collect();
    let accepted = match name.case {
        "any" => true,
        "exact" => written == name_chars,
        _ => !written.iter().any(|c| c.is_lowercase()) || name_chars.iter().zip(&written).all(|(n, t)| !(n.is_uppercase() && t.is_lowercase())),
    };
    accepted.then_some(at)
}

fn as_triples(mentions: &[Mention]) -> Vec<(usize, usize, Vec<usize>)> {
    mentions.iter().map(|m| (m.start, m.end, m.entities.clone())).collect()
}

/// Like `as_triples` with each candidate list in dictionary order: the
/// reference finds candidates but does not rank them by context.
fn as_sorted_triples(mentions: &[Mention]) -> Vec<(usize, usize, Vec<usize>)> {
    let mut triples = as_triples(mentions);
    for (_, _, entities) in &mut triples {
        entities.sort_unstable();
    }
    triples
}

/// Several matchers' overlapping answers joined as the extension joins
/// engines (www/extension/lib/combined-matcher.js): over all of them, the
/// leftmost and then longest occurrence that overlaps none taken, the
/// candidates of one span from every answer that has it. Candidates in
/// dictionary order.
fn leftmost_longest(answers: &[Vec<Mention>]) -> Vec<(usize, usize, Vec<usize>)> {
    let mut all: Vec<&Mention> = answers.iter().flatten().collect();
    all.sort_by_key(|mention| (mention.start, std::cmp::Reverse(mention.end)));
    let mut taken: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    for mention in all {
        match taken.last_mut() {
            Some((start, end, entities)) if (*start, *end) == (mention.start, mention.end) => entities.extend(&mention.entities),
            Some((_, end, _)) if mention.start < *end => {}
            _ => taken.push((mention.start, mention.end, mention.entities.clone())),
        }
    }
    for (_, _, entities) in &mut taken {
        entities.sort_unstable();
        entities.dedup();
    }
    taken
}

fn utf16_slice(text: &str, start: usize, end: usize) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[start..end]).unwrap()
}

fn text_strategy() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 0..60).prop_map(|chars| chars.into_iter().collect())
}

fn entities_strategy() -> impl Strategy<Value = Vec<Vec<TestName>>> {
    proptest::collection::vec(proptest::collection::vec(name_strategy(), 1..3), 1..6)
}

/// Texts built mostly from the dictionary's own names, so that matches are
/// common rather than rare.
fn text_with_names(entities: &[Vec<TestName>], noise: &str, picks: &[(usize, usize, u8)]) -> String {
    let mut text = String::new();
    for (i, &(entity, name, style)) in picks.iter().enumerate() {
        let names = &entities[entity % entities.len()];
        let name = &names[name % names.len()].text;
        let written = match style % 4 {
            0 => name.clone(),
            1 => name.to_uppercase(),
            2 => name.to_lowercase(),
            _ => name.replace(' ', "  "),
        };
        text.push_str(&written);
        let noise_chars: Vec<char> = noise.chars().collect();
        if !noise_chars.is_empty() {
            text.push(noise_chars[i % noise_chars.len()]);
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn matcher_equals_reference(entities in entities_strategy(), noise in text_strategy(), picks in proptest::collection::vec((0usize..8, 0usize..3, 0u8..4), 0..8), random in text_strategy()) {
        let entities = distinct_names(entities);
        let json = dictionary_json(&entities);
        let dictionary = Dictionary::from_json(&json).unwrap();
        let matcher = Matcher::new(&dictionary, MatchOptions { fold_diacritics: false }).unwrap();
        for text in [text_with_names(&entities, &noise, &picks), random] {
            let mentions = matcher.find(&text);
            // Property 4: the same results as the reference.
            prop_assert_eq!(as_sorted_triples(&mentions), reference(&entities, &text), "text {:?}\ndictionary {}", text, json);
            assert_mention_properties(&text, &mentions)?;
        }
    }

    #[test]
    fn matchers_joined_by_their_overlapping_answers_find_what_one_finds(entities in proptest::collection::vec(proptest::collection::vec(overlapping_name_strategy(), 1..3), 1..8), sides in proptest::collection::vec(any::<bool>(), 6), noise in text_strategy(), picks in proptest::collection::vec((0usize..8, 0usize..3, 0u8..4), 0..10), random in text_strategy()) {
        // One dictionary's entities shared out between two matchers (as
        // the extension runs a compact index beside the JSON dictionaries),
        // keeping the dictionary's entity numbers.
        let entities = distinct_names(entities);
        let json = dictionary_json(&entities);
        let dictionary = Dictionary::from_json(&json).unwrap();
        let options = MatchOptions::default();
        let whole = Matcher::new(&dictionary, options).unwrap();
        let side_of = |entity: usize| sides[entity % sides.len()];
        let part = |side: bool| {
            let names = dictionary.entities().iter().enumerate().filter(|&(entity, _)| side_of(entity) == side).flat_map(|(entity, record)| record.names.iter().map(move |name| (entity as u32, name.text.as_str(), name.options)));
            Matcher::from_names(names, options).unwrap()
        };
        let parts = [part(false), part(true)];
        for text in [text_with_names(&entities, &noise, &picks), random] {
            let answers: Vec<Vec<Mention>> = parts.iter().map(|matcher| matcher.find_overlapping(&text).unwrap()).collect();
            for (matcher, answer) in parts.iter().zip(&answers) {
                prop_assert!(answer.windows(2).all(|pair| (pair[0].start, std::cmp::Reverse(pair[0].end)) < (pair[1].start, std::cmp::Reverse(pair[1].end))), "by start, then longest first: {:?}", as_triples(answer));
                // Alone, the leftmost-longest of its occurrences is its find.
                prop_assert_eq!(leftmost_longest(std::slice::from_ref(answer)), as_sorted_triples(&matcher.find(&text)), "text {:?}\ndictionary {}", text, json);
            }
            prop_assert_eq!(leftmost_longest(&answers), as_sorted_triples(&whole.find(&text)), "text {:?}\ndictionary {}", text, json);
        }
    }

    #[test]
    fn mixed_scripts_keep_offsets_order_and_word_boundaries(names in proptest::collection::vec(mixed_text(1..6), 1..8), text in mixed_text(0..80), cases in proptest::collection::vec(0u8..3, 8)) {
        // No reference here: folding (case, NFD, marks, invisible
        // characters) is what is exercised, so properties 1 to 3 only.
        let names: Vec<(u32, String, NameOptions)> = names
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let case = [CaseRule::Default, CaseRule::Exact, CaseRule::Any][usize::from(cases[i % cases.len()])];
                (i as u32 % 4, name, NameOptions { case, sentence_start: true })
            })
            .collect();
        for fold_diacritics in [true, false] {
            let matcher = Matcher::from_names(names.iter().map(|(entity, name, options)| (*entity, name.as_str(), *options)), MatchOptions { fold_diacritics }).unwrap();
            let mentions = matcher.find(&text);
            assert_mention_properties(&text, &mentions)?;
        }
    }

    #[test]
    fn typographic_variants_find_the_same_mentions(entities in entities_strategy(), noise in text_strategy(), picks in proptest::collection::vec((0usize..8, 0usize..3, 0u8..2), 0..8), seed in any::<u64>()) {
        let entities = distinct_names(entities);
        let json = dictionary_json(&entities);
        let dictionary = Dictionary::from_json(&json).unwrap();
        let matcher = Matcher::new(&dictionary, MatchOptions::default()).unwrap();
        let text = text_with_names(&entities, &noise, &picks);
        let (variant, map) = typographic_variant(&text, seed);
        let plain = matcher.find(&text);
        let varied = matcher.find(&variant);
        let expected: Vec<(usize, usize, Vec<usize>)> = plain.iter().map(|m| (map.start[m.start], map.end[m.end], m.entities.clone())).collect();
        prop_assert_eq!(as_triples(&varied), expected, "text {:?}\nvariant {:?}\ndictionary {}", text, variant, json);
        assert_mention_properties(&text, &plain)?;
        assert_mention_properties(&variant, &varied)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The compact index, given the text whole or in pieces cut after
    /// block separators, finds what the full matcher finds. Names of up to
    /// four words from a few, and texts of whole names and of their first
    /// words only, so that a piece often holds a name's key (its rarest
    /// pair) but not the rest of it, and a later piece all of it.
    #[test]
    fn index_in_pieces_equals_the_full_matcher(entities in proptest::collection::vec(proptest::collection::vec(proptest::collection::vec(0usize..5, 1..5), 1..3), 1..6), picks in proptest::collection::vec((0usize..8, 0usize..3, 1usize..5, 0u8..3, 0u8..4), 0..16), steps in proptest::collection::vec(1usize..12, 1..6)) {
        // Capitals, in ASCII and not, so that names are written in the
        // text as in the dictionary, in lower case (which the matcher
        // refuses for a capital name) or in capitals.
        const WORDS: [&str; 5] = ["ab", "Ba", "cé", "Дж", "a"];
        let names: Vec<Vec<String>> = entities.iter().map(|names| names.iter().map(|words| words.iter().map(|&w| WORDS[w]).collect::<Vec<_>>().join(" ")).collect()).collect();
        let mut json = String::from(r#"{"entities":["#);
        for (i, names) in names.iter().enumerate() {
            let mut distinct: Vec<&String> = Vec::new();
            for name in names {
                if !distinct.contains(&name) {
                    distinct.push(name);
                }
            }
            let aliases: Vec<String> = distinct[1..].iter().map(|n| format!("{n:?}")).collect();
            json.push_str(&format!(r#"{}{{"id":"e{i}","name":{:?},"type":"t","summary":"s","aliases":[{}]}}"#, if i > 0 { "," } else { "" }, distinct[0], aliases.join(",")));
        }
        json.push_str("]}");
        let dictionary = Dictionary::from_json(&json).unwrap();
        let options = MatchOptions::default();
        let matcher = Matcher::new(&dictionary, options).unwrap();
        let index = CompactIndex::from_bytes(write_index(&dictionary, options).unwrap()).unwrap();
        let mut text = String::new();
        for &(entity, name, words, after, case) in &picks {
            let names = &names[entity % names.len()];
            let name: Vec<&str> = names[name % names.len()].split(' ').collect();
            let written = name[..words.min(name.len())].join(" ");
            text.push_str(&match case {
                0 => written.to_lowercase(),
                1 => written.to_uppercase(),
                _ => written,
            });
            text.push_str([" ", ", ", "\u{2029}"][usize::from(after)]);
        }
        let full = as_triples(&matcher.find(&text));
        prop_assert_eq!(as_triples(&index.matcher_for(&text).unwrap().find()), full.clone(), "whole: text {:?}\ndictionary {}", text, json);
        // Every occurrence too, for joining with other engines: the names
        // left out could not have been found anywhere.
        prop_assert_eq!(as_triples(&index.matcher_for(&text).unwrap().find_overlapping()), as_triples(&matcher.find_overlapping(&text).unwrap()), "overlapping: text {:?}\ndictionary {}", text, json);
        let mut selection = PageSelection::default();
        for piece in text.split_inclusive(BLOCK_SEPARATOR) {
            index.select_piece(&mut selection, piece).unwrap();
        }
        let page = index.finish_selection(selection).unwrap();
        prop_assert_eq!(as_triples(&page.find()), full.clone(), "in pieces: text {:?}\ndictionary {}", text, json);
        // Searched in parts, each up to a separator at or after an offset
        // `steps` apart (a step may end a part before the last one did):
        // the same mentions, each part ranking its candidates alone.
        let (mut found, mut from, mut up_to) = (Vec::new(), 0, 0);
        for step in steps.iter().cycle() {
            up_to += step;
            let (part, end) = page.find_part(from, up_to);
            prop_assert!(end >= from && end <= page.folded_len());
            found.extend(part);
            from = end;
            if end == page.folded_len() {
                break;
            }
        }
        prop_assert_eq!(as_sorted_triples(&found), as_sorted_triples(&matcher.find(&text)), "in parts {:?}: text {:?}\ndictionary {}", steps, text, json);
    }
}

/// Letters of spaced and unspaced scripts, capitals with irregular folds,
/// combining marks, invisible characters, separators and an astral
/// character, so that folding changes lengths and offsets.
const MIXED: &[char] = &[
    'a', 'B', 'é', 'ß', 'İ', 'ǅ', 'Σ', 'ς', 'д', '東', '京', 'ト', '서', 'ก', 'ร', 'ا', '1', '\u{0301}', '\u{0308}', '\u{064E}', '\u{00AD}', '\u{200B}', ' ', '\u{00A0}', '-',
    '\u{2013}', '\'', '\u{2019}', '.', '\u{2029}', '😀',
];

fn mixed_text(len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(MIXED), len).prop_map(|chars| chars.into_iter().collect())
}

/// Properties 1 to 3 of every search result.
fn assert_mention_properties(text: &str, mentions: &[Mention]) -> Result<(), TestCaseError> {
    let mut previous_end = 0;
    let mut previous_byte_end = 0;
    for mention in mentions {
        // 1. Both offset pairs slice the input to exactly the mention's text.
        let by_bytes = text.get(mention.byte_start..mention.byte_end);
        prop_assert!(by_bytes.is_some_and(|slice| !slice.is_empty()), "{:?} does not slice {:?}", mention, text);
        prop_assert_eq!(by_bytes.unwrap_or_default(), mention.text(text));
        prop_assert_eq!(utf16_slice(text, mention.start, mention.end), mention.text(text), "UTF-16 offsets of {:?} in {:?}", mention, text);
        // 2. Sorted, never overlapping.
        prop_assert!(mention.start >= previous_end && mention.byte_start >= previous_byte_end, "{:?} overlaps the mention before it in {:?}", mention, text);
        previous_end = mention.end;
        previous_byte_end = mention.byte_end;
        // 3. Starts and ends on a word boundary.
        let inner = mention.text(text);
        let before = checks::last_base(&text[..mention.byte_start]);
        let after = text[mention.byte_end..].chars().next();
        prop_assert!(checks::is_boundary(before, inner.chars().next()), "{:?} starts inside a word in {:?}", inner, text);
        prop_assert!(checks::is_boundary(checks::last_base(inner), after), "{:?} ends inside a word in {:?}", inner, text);
    }
    Ok(())
}

/// UTF-16 offsets of the variant for each UTF-16 offset of the original:
/// `start[i]` where a mention starting at `i` starts, `end[i]` where one
/// ending at `i` ends.
struct OffsetMap {
    start: Vec<usize>,
    end: Vec<usize>,
}

/// Rewrites `text` with the variants a web page may use for the same words:
/// NBSP or a line break for a space, typographic dashes and apostrophes,
/// NFD accents, and soft hyphens or zero-width spaces inside words.
fn typographic_variant(text: &str, seed: u64) -> (String, OffsetMap) {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut start = Vec::new();
    let mut end = vec![0];
    let mut out_len = 0;
    for (i, &c) in chars.iter().enumerate() {
        let replacement: String = match c {
            ' ' => ["\u{00A0}", "\n", " "][(next() % 3) as usize].into(),
            '-' => ["\u{2013}", "\u{2011}", "-"][(next() % 3) as usize].into(),
            '\'' => ["\u{2019}", "'"][(next() % 2) as usize].into(),
            'é' => ["e\u{0301}", "é"][(next() % 2) as usize].into(),
            'É' => ["E\u{0301}", "É"][(next() % 2) as usize].into(),
            _ => c.to_string(),
        };
        for _ in 0..c.len_utf16() {
            start.push(out_len);
        }
        out.push_str(&replacement);
        out_len += replacement.encode_utf16().count();
        for _ in 0..c.len_utf16() {
            end.push(out_len);
        }
        // An invisible character between two letters of one word.
        let inside_word = c.is_alphabetic() && chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        if inside_word && next() % 4 == 0 {
            let invisible = ["\u{00AD}", "\u{200B}"][(next() % 2) as usize];
            out.push_str(invisible);
            out_len += 1;
        }
    }
    start.push(out_len);
    (out, OffsetMap { start, end })
}
