//! Practice runs for a fresh WebAssembly engine.
//!
//! V8 first runs a module as baseline code and compiles a function again,
//! optimised, only once it has run a while; the optimised code serves the
//! function's next call, never the one under way. The first page matched
//! with a large index is therefore matched mostly by baseline code: in a
//! fresh headless Chromium, matching a 100 KB news page took 59-68 ms
//! against 15-18 once warm (`bench/first-page.mjs`). [`warm_up`] runs the
//! index path (selection, automaton build, search, offset mapping, reading
//! records) on a small dictionary and text of its own, so that the shell
//! can do it while a large dictionary is still downloading, when the page
//! waits anyway.
//!
//! The names and the text are made up: they share words, as real names
//! do, so that every step of selection has work to do.

use crate::CompactIndex;

/// The practice dictionary's index, as `entity-highlighter index
/// src/warm_up.json -o src/warm_up.ehx` writes it. Kept as bytes: the
/// index writer would add 15 KB to the gzipped `.wasm`. A test checks the
/// file is what the writer makes today.
const INDEX: &[u8] = include_bytes!("warm_up.ehx");

const PARAGRAPH: &str = "Mayor Ada Quillon of Northmere met the Harbour Council of Northmere \
on Tuesday to sign the Aldous Accord with Port Aldous, days before the Lantern Fair. \
Bram Quillon, who runs the harbour, said the Tide Bank would pay for new piers along the \
Grey Coast; critics in Quillon called the plan a gift to North Mere's traders. Élodie \
Ñúñez, a visitor from far away, asked whether the Fair of Lanterns would go on.\u{2029}";

/// Practice text: the paragraph this many times (about 25 KB), enough for
/// V8 to judge every step of the index path worth optimising in a few
/// rounds (each about 1 ms once compiled).
const PARAGRAPH_COPIES: usize = 60;

/// At most this much of a page's text is practised on per round: about
/// what the index path gets through in a few ms once optimised.
const PAGE_PRACTICE_BYTES: usize = 64 * 1024;

/// Runs the index path `rounds` times on the practice dictionary and text,
/// and reads the records of the entities found, as the shell does; with
/// `page_text` (the page the first pass will match, when the shell has
/// read it already), each round also runs the practice dictionary over
/// the start of that text. Its names are not in it, but folding it,
/// cutting it into words and looking those up is most of what the first
/// pass does, over what the page really holds (its scripts, its number of
/// distinct words), which a made-up paragraph does not reach: in Node,
/// the first search of a 100 KB page with a million-name index took 20-24
/// ms after practice on the paragraph alone, 14-15 after practice on a
/// real text.
///
/// Returns the mentions found in the last round on the practice text (so
/// the work is not optimised away, and tests can see it was done); 0 if
/// the practice index does not open, which its test rules out.
pub fn warm_up(rounds: usize, page_text: Option<&str>) -> usize {
    let Ok(index) = CompactIndex::from_bytes(INDEX.to_vec()) else { return 0 };
    let text = PARAGRAPH.repeat(PARAGRAPH_COPIES);
    let page_text = page_text.map(|page| {
        let mut end = page.len().min(PAGE_PRACTICE_BYTES);
        while !page.is_char_boundary(end) {
            end -= 1;
        }
        &page[..end]
    });
    let mut found = 0;
    for _ in 0..rounds {
        let mentions = index.matcher_for(&text).map(|page| page.find()).unwrap_or_default();
        // The shell then reads the records of the entities named.
        let read: usize = mentions.iter().flat_map(|mention| &mention.entities).filter_map(|&entity| index.entity(entity)).map(|entity| entity.summary.len()).sum();
        std::hint::black_box(read);
        found = mentions.len();
        if let Some(page) = page_text {
            std::hint::black_box(index.matcher_for(page).map(|page| page.find().len()).unwrap_or(0));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{write_index, Dictionary, MatchOptions, Matcher};

    fn practice_dictionary() -> Dictionary {
        Dictionary::from_json(include_str!("warm_up.json")).expect("the practice dictionary is valid")
    }

    #[test]
    fn practice_index_is_what_the_writer_makes_today() {
        let written = write_index(&practice_dictionary(), MatchOptions::default()).expect("writes");
        assert!(written == INDEX, "src/warm_up.ehx is out of date: run `cargo run --release -- index src/warm_up.json -o src/warm_up.ehx`");
    }

    #[test]
    fn practice_finds_every_name_in_every_copy() {
        // As many as the whole dictionary compiled finds: the index path
        // did all its work.
        let full = Matcher::new(&practice_dictionary(), MatchOptions::default()).expect("compiles");
        let expected = full.find(&PARAGRAPH.repeat(PARAGRAPH_COPIES)).len();
        assert!(expected >= 10 * PARAGRAPH_COPIES, "the practice text names every entity in each copy ({expected})");
        assert_eq!(warm_up(2, None), expected);
        assert_eq!(warm_up(0, None), 0);
        // A page's text changes nothing found in the practice text, cut
        // at a character boundary however long it is.
        let page = "Ärger in Northmere? ".repeat(PAGE_PRACTICE_BYTES / 7);
        assert_eq!(warm_up(1, Some(&page)), expected);
    }
}
