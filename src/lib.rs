//! Finds mentions of known entities (people, places, organisations,
//! agreements) in text, for an in-browser highlighter.
//!
//! The crate has three parts:
//!
//! - [`Dictionary`]: loads a JSON dictionary of entities and validates all
//!   of it, refusing it whole with every problem located when anything is
//!   wrong ([`DictionaryError`]).
//! - [`Matcher`]: compiles a dictionary's names into one Aho-Corasick
//!   automaton and finds [`Mention`]s in text: whole words only,
//!   leftmost-longest, capitalisation-aware, robust to typographic variants
//!   (dashes, apostrophes, white space, invisible characters, NFC/NFD,
//!   diacritics), with offsets in UTF-16 code units for JavaScript.
//! - [`CompactIndex`]: for dictionaries too large to compile whole (a
//!   million names), a precompiled file from which each page gets a small
//!   matcher of only the names it can contain ([`write_index`] makes one).
//! - In WebAssembly builds, `wasm` exposes them to JavaScript.
//!
//! ```
//! use entity_highlighter::{Dictionary, Matcher, MatchOptions};
//!
//! let dictionary = Dictionary::from_json(r#"{"entities": [
//!   {"id": "city:baku-az", "name": "Baku", "type": "city", "summary": "Capital of Azerbaijan."}
//! ]}"#).unwrap();
//! let matcher = Matcher::new(&dictionary, MatchOptions::default()).unwrap();
//! let text = "Talks in “Baku” ended.";
//! let mentions = matcher.find(text);
//! assert_eq!(mentions[0].text(text), "Baku");
//! assert_eq!((mentions[0].start, mentions[0].end), (10, 14));
//! ```
#![deny(missing_docs)]

mod dictionary;
mod json;
mod index;
mod matcher;
mod normalize;
mod unicode;
mod unicode_tables;
mod warm_up;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// xorshift64, for unit tests that need the same pseudo-random sequence on
/// every run (a failure then repeats).
#[cfg(test)]
pub(crate) fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[cfg(not(target_arch = "wasm32"))]
pub use dictionary::BUNDLED_JSON;
pub use dictionary::{CaseRule, Dictionary, DictionaryError, Entity, Limits, Location, Name, NameOptions, Problem};
pub use index::{write_index, CompactIndex, IndexError, IndexedEntity, PageMatcher, PageSelection};
pub use matcher::{MatchError, MatchOptions, Matcher, Mention};
pub use normalize::BLOCK_SEPARATOR;
pub use warm_up::warm_up;
