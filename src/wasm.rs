//! The JavaScript face of the core, for WebAssembly builds.
//!
//! One [`Engine`] holds a validated dictionary and its compiled automaton
//! behind an opaque handle. A page crosses the boundary once per pass: the
//! shell hands [`Engine::find`] one string holding all of the page's text,
//! and gets back one flat `Uint32Array` of `(start, end, entity)` triples,
//! offsets in UTF-16 code units. An ambiguous mention gives several
//! consecutive triples with the same `start` and `end`.
//!
//! A lone surrogate in the JavaScript string arrives here as U+FFFD, which
//! is also one UTF-16 code unit, so offsets after it stay exact.

use std::borrow::Cow;

use js_sys::{Array, Object, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;

use crate::{CompactIndex, Dictionary, MatchOptions, Matcher, PageMatcher, PageSelection};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Options of the engine; unknown keys are refused. */
export interface EngineOptions {
  /** Match letters with and without diacritics alike (default true). */
  foldDiacritics?: boolean;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `Record<string, number>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Record<string, number>")]
    pub type TypeCounts;
    /// `EngineOptions | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "EngineOptions | undefined")]
    pub type EngineOptionsOrUndefined;
}

#[derive(Default)]
struct EngineOptions {
    fold_diacritics: Option<bool>,
}

const OPTION_NAMES: &[&str] = &["foldDiacritics"];

/// Reads the options object, refusing unknown keys by name: a misspelt
/// option must not silently fall back to its default.
fn parse_options(options: JsValue) -> Result<EngineOptions, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(EngineOptions::default());
    }
    if !options.is_object() {
        return Err(js_sys::Error::new("bad engine options: expected an object").into());
    }
    for key in Object::keys(options.unchecked_ref::<Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !OPTION_NAMES.contains(&key.as_str()) {
            return Err(js_sys::Error::new(&format!("bad engine options: unknown option \"{key}\"; the only option is foldDiacritics")).into());
        }
    }
    // Read by hand: serde-wasm-bindgen cost ~3 KB of the .wasm for this
    // and `entity`'s record.
    let fold_diacritics = Reflect::get(&options, &JsValue::from_str("foldDiacritics")).unwrap_or(JsValue::UNDEFINED);
    let fold_diacritics = if fold_diacritics.is_undefined() || fold_diacritics.is_null() {
        None
    } else {
        Some(fold_diacritics.as_bool().ok_or_else(|| JsValue::from(js_sys::Error::new("bad engine options: foldDiacritics must be true or false")))?)
    };
    Ok(EngineOptions { fold_diacritics })
}

thread_local! {
    /// Whether the panic hook is set: a thread-local rather than a `Once`,
    /// so that the `.wasm` holds no `Once` (see `unicode::tables`).
    static PANIC_HOOK_SET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A dictionary compiled for matching: a whole dictionary compiled at once,
/// or a compact index from which each text gets a small matcher.
#[wasm_bindgen]
pub struct Engine {
    source: Source,
    /// For an index, the names selected for a text arriving in pieces
    /// (`addText`) and the text, until the next `find`.
    selection: Option<PageSelection>,
    /// For an index, the matcher of a text being searched in parts (`find`
    /// with `upTo`), and the folded byte where the next part starts.
    parts: Option<(PageMatcher<'static>, usize)>,
}

// One per engine, which a page keeps for its lifetime: the variants'
// sizes do not matter.
#[allow(clippy::large_enum_variant)]
enum Source {
    Compiled { dictionary: Dictionary, matcher: Matcher },
    Index(CompactIndex),
}

/// One entity's fields; an index computes ids and summaries (it stores
/// them compressed), hence `Cow`.
struct EntityView<'a> {
    id: Cow<'a, str>,
    name: &'a str,
    kind: &'a str,
    summary: Cow<'a, str>,
    url: Option<&'a str>,
}

impl Engine {
    fn entity_view(&self, index: usize) -> Option<EntityView<'_>> {
        match &self.source {
            Source::Compiled { dictionary, .. } => dictionary.entity(index).map(|e| EntityView { id: Cow::Borrowed(&e.id), name: &e.name, kind: &e.kind, summary: Cow::Borrowed(&e.summary), url: e.url.as_deref() }),
            Source::Index(index_file) => index_file.entity(index).map(|e| EntityView { id: e.id, name: e.name, kind: e.kind, summary: e.summary, url: e.url }),
        }
    }
}

/// An `Error` with `problems` (at most a few hundred listed) and
/// `problemCount` (how many were found in all).
fn error_with_problems(message: &str, problems: Array, count: usize) -> JsValue {
    let error = js_sys::Error::new(message);
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(&error, &JsValue::from_str("problems"), &problems);
    let _ = Reflect::set(&error, &JsValue::from_str("problemCount"), &JsValue::from(count as f64));
    error.into()
}

#[wasm_bindgen]
impl Engine {
    /// Validates `dictionary_json` and compiles it. Throws an `Error` whose
    /// `problems` property lists `{ location, message }` for every problem
    /// (the first few hundred; `problemCount` counts them all).
    #[wasm_bindgen(constructor)]
    pub fn new(dictionary_json: &str, options: EngineOptionsOrUndefined) -> Result<Engine, JsValue> {
        if !PANIC_HOOK_SET.with(|set| set.replace(true)) {
            std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&format!("entity-highlighter: internal error: {info}").into())));
        }
        let options: JsValue = options.into();
        let options = parse_options(options)?;
        let dictionary = Dictionary::from_json(dictionary_json).map_err(|error| {
            let problems = Array::new();
            for problem in error.problems() {
                let entry = Object::new();
                let _ = Reflect::set(&entry, &"location".into(), &problem.location().to_string().into());
                let _ = Reflect::set(&entry, &"message".into(), &problem.message().into());
                problems.push(&entry);
            }
            error_with_problems(&error.to_string(), problems, error.count())
        })?;
        let match_options = MatchOptions { fold_diacritics: options.fold_diacritics.unwrap_or(true) };
        let matcher = Matcher::new(&dictionary, match_options).map_err(|error| js_sys::Error::new(&error.to_string()))?;
        Ok(Engine { source: Source::Compiled { dictionary, matcher }, selection: None, parts: None })
    }

    /// Opens a compact index (made by `entity-highlighter index`). Only its
    /// header is checked, so this is quick whatever its size; each `find`
    /// then compiles just the names its text can contain. Folding options
    /// are those the index was written with.
    #[wasm_bindgen(js_name = fromIndex)]
    pub fn from_index(bytes: Vec<u8>) -> Result<Engine, JsValue> {
        let index = CompactIndex::from_bytes(bytes).map_err(|error| error_with_problems(&error.to_string(), Array::new(), 0))?;
        Ok(Engine { source: Source::Index(index), selection: None, parts: None })
    }

    /// Checks every byte of a compact index against the checksums written
    /// with it, which `fromIndex` does not (it reads the header only):
    /// throws, saying where, if the file was damaged. A compiled dictionary
    /// was read whole already and passes.
    pub fn verify(&self) -> Result<(), JsValue> {
        match &self.source {
            Source::Compiled { .. } => Ok(()),
            Source::Index(index) => index.verify().map_err(|error| error_with_problems(&error.to_string(), Array::new(), 0)),
        }
    }

    /// How many entities the dictionary holds.
    #[wasm_bindgen(getter, js_name = entityCount)]
    pub fn entity_count(&self) -> usize {
        match &self.source {
            Source::Compiled { dictionary, .. } => dictionary.entities().len(),
            Source::Index(index) => index.entity_count(),
        }
    }

    /// The dictionary's title, if it has one.
    #[wasm_bindgen(getter)]
    pub fn title(&self) -> Option<String> {
        match &self.source {
            Source::Compiled { dictionary, .. } => dictionary.title().map(str::to_owned),
            Source::Index(index) => index.title().map(str::to_owned),
        }
    }

    /// The date the dictionary's facts were checked, if given.
    #[wasm_bindgen(getter, js_name = asOf)]
    pub fn as_of(&self) -> Option<String> {
        match &self.source {
            Source::Compiled { dictionary, .. } => dictionary.as_of().map(str::to_owned),
            Source::Index(index) => index.as_of().map(str::to_owned),
        }
    }

    /// How many entities of each type the dictionary holds, as an object
    /// (`{ "city": 1030, "person": 152, ... }`), so a UI can offer filters
    /// without reading the dictionary itself.
    #[wasm_bindgen(js_name = typeCounts)]
    pub fn type_counts(&self) -> TypeCounts {
        // In first-seen order; the shell sorts them.
        let counts = match &self.source {
            Source::Compiled { dictionary, .. } => dictionary.type_counts(),
            Source::Index(index) => index.type_counts(),
        };
        let object = Object::new();
        for (kind, count) in counts {
            // Setting a property on a fresh plain object cannot fail.
            let _ = Reflect::set(&object, &kind.into(), &count.into());
        }
        object.unchecked_into()
    }

    /// Practice runs for the module (see `warm_up`): `rounds` passes of
    /// the index path over a small dictionary and text of its own, and
    /// over the start of `page_text` when given (the page to be matched
    /// first), so that the first real page runs optimised code. Returns
    /// the mentions the last round found in its own text. Needs no engine:
    /// call it while a dictionary downloads.
    #[wasm_bindgen(js_name = warmUp)]
    pub fn warm_up(rounds: u32, page_text: Option<String>) -> u32 {
        crate::warm_up(rounds as usize, page_text.as_deref()) as u32
    }

    /// The records of many entities in one call: for each index, its id,
    /// name, type, summary and url (empty when it has none), each field
    /// followed by a NUL, which no field may contain; an index out of range
    /// gives five empty fields. `entity` builds an object property by
    /// property, a boundary crossing each (about 7 µs an entity); a page
    /// naming a thousand entities reads them all here with one.
    #[wasm_bindgen(js_name = entityFields)]
    pub fn entity_fields(&self, indices: &[u32]) -> String {
        let mut fields = String::new();
        for &index in indices {
            match usize::try_from(index).ok().and_then(|index| self.entity_view(index)) {
                Some(entity) => {
                    for field in [&*entity.id, entity.name, entity.kind, &*entity.summary, entity.url.unwrap_or("")] {
                        fields.push_str(field);
                        fields.push('\0');
                    }
                }
                None => fields.push_str("\0\0\0\0\0"),
            }
        }
        fields
    }

    /// Finds every mention in `text`: `(start, end, entity)` triples with
    /// UTF-16 offsets, in text order; an ambiguous mention gives one triple
    /// per candidate entity, with the same `start` and `end`. When pieces
    /// were given to `addText` since the last `find`, the text searched is
    /// those pieces followed by `text`, and the pieces are then forgotten;
    /// with `apart` true, `text` is searched alone and the pieces stay for
    /// the next `find` (a screenful matched while a page's text streams in).
    ///
    /// With `upTo` (an index only), the text is searched in parts, so that
    /// a caller can show the first mentions while the rest is searched:
    /// the first call compiles the names and searches up to the first
    /// block separator at or after UTF-16 offset `upTo` of the whole text;
    /// each next call with an empty `text` goes on from there, up to its
    /// `upTo` (without one, to the end). The part that reaches the end
    /// forgets the text; a call with a non-empty `text` starts a new one.
    /// Each part ranks ambiguous candidates by what that part names, so the
    /// caller ranks them again over all the parts.
    pub fn find(&mut self, text: &str, apart: Option<bool>, up_to: Option<u32>) -> Result<Uint32Array, JsValue> {
        let apart = apart == Some(true);
        let mentions = match &self.source {
            Source::Compiled { matcher, .. } => matcher.try_find(text).map_err(|error| error.to_string()),
            Source::Index(index) if apart || (up_to.is_none() && self.selection.is_none() && self.parts.is_none()) => index.matcher_for(text).map(|page| page.find()).map_err(|error| error.to_string()),
            Source::Index(index) => {
                let started = match self.parts.take() {
                    Some(parts) if text.is_empty() => Ok(parts),
                    _ => {
                        let mut selection = self.selection.take().unwrap_or_default();
                        index.select_piece(&mut selection, text).and_then(|()| index.finish_selection(selection)).map(|page| (page, 0))
                    }
                };
                started.map_err(|error| error.to_string()).map(|(page, from)| {
                    let (mentions, end) = page.find_part(from, up_to.map_or(usize::MAX, |up_to| up_to as usize));
                    if end < page.folded_len() {
                        self.parts = Some((page, end));
                    }
                    mentions
                })
            }
        };
        let mentions = mentions.map_err(|message| js_sys::Error::new(&message))?;
        Ok(triples(&mentions))
    }

    /// Every occurrence in `text` that passes the rules, overlapping ones
    /// included, as triples like `find`'s, by start and then longest first,
    /// each one's candidates unranked. Taking the leftmost, then longest,
    /// of these over several engines is what one engine holding all their
    /// names would find. `text` is searched alone, as with `find`'s
    /// `apart`.
    #[wasm_bindgen(js_name = findOverlapping)]
    pub fn find_overlapping(&self, text: &str) -> Result<Uint32Array, JsValue> {
        let mentions = match &self.source {
            Source::Compiled { matcher, .. } => matcher.find_overlapping(text).map_err(|error| error.to_string()),
            Source::Index(index) => index.matcher_for(text).map(|page| page.find_overlapping()).map_err(|error| error.to_string()),
        };
        let mentions = mentions.map_err(|message| js_sys::Error::new(&message))?;
        Ok(triples(&mentions))
    }

    /// Adds a piece of a text that arrives in pieces, each ending just
    /// after a block separator (U+2029, which no mention crosses), and
    /// selects the names it can contain; the next `find` searches the
    /// pieces and its own text as one, with only the automaton left to
    /// build. Only an index selects names; a whole compiled dictionary has
    /// nothing to do before the search, so it refuses pieces (its caller
    /// joins them and calls `find` once).
    #[wasm_bindgen(js_name = addText)]
    pub fn add_text(&mut self, piece: &str) -> Result<(), JsValue> {
        let Source::Index(index) = &self.source else {
            return Err(js_sys::Error::new("addText needs a compact index; give a compiled dictionary the whole text").into());
        };
        let selection = self.selection.get_or_insert_with(PageSelection::default);
        index.select_piece(selection, piece).map_err(|error| js_sys::Error::new(&error.to_string()).into())
    }
}

/// Mentions as flat `(start, end, entity)` triples, one per candidate.
fn triples(mentions: &[crate::Mention]) -> Uint32Array {
    let mut flat: Vec<u32> = Vec::with_capacity(mentions.len() * 3);
    for mention in mentions {
        // Texts whose offsets would not fit in u32 are refused before
        // matching (try_find, and the index's length check).
        let (start, end) = (mention.start as u32, mention.end as u32);
        for &entity in &mention.entities {
            flat.extend_from_slice(&[start, end, entity as u32]);
        }
    }
    Uint32Array::from(&flat[..])
}
