//! The WASM API in headless Chromium, called the way JavaScript calls it, so
//! that strings cross the real JS/WASM boundary.
#![cfg(target_arch = "wasm32")]

use js_sys::{Function, JsString, Reflect, Uint32Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DICTIONARY: &str = r#"{"entities":[
  {"id":"city:baku-az","name":"Baku","type":"city","summary":"Capital of Azerbaijan.","url":"https://en.wikipedia.org/wiki/Baku"},
  {"id":"person:erdogan","name":"Erdoğan","type":"person","summary":"President of Türkiye."},
  {"id":"country:georgia","name":"Georgia","type":"country","summary":"A country."},
  {"id":"region:us-ga","name":"Georgia","type":"region","summary":"A US state."}
]}"#;

/// A JavaScript `Engine` object, as a page would hold it.
fn engine() -> JsValue {
    let engine = entity_highlighter_wasm_engine(DICTIONARY).expect("the dictionary loads");
    JsValue::from(engine)
}

fn entity_highlighter_wasm_engine(json: &str) -> Result<entity_highlighter::wasm::Engine, JsValue> {
    entity_highlighter::wasm::Engine::new(json, JsValue::UNDEFINED.unchecked_into())
}

/// Calls `engine.find(text)` through JavaScript.
fn find(engine: &JsValue, text: &JsValue) -> Vec<u32> {
    let method: Function = Reflect::get(engine, &"find".into()).unwrap().unchecked_into();
    let result: Uint32Array = method.call1(engine, text).expect("find succeeds").unchecked_into();
    result.to_vec()
}

fn js_string(units: &[u16]) -> JsValue {
    JsString::from_char_code(units).into()
}

fn utf16(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

#[wasm_bindgen_test]
fn offsets_are_utf16_after_emoji() {
    let engine = engine();
    let text = "😀👍🏽 Baku";
    let triples = find(&engine, &JsValue::from_str(text));
    assert_eq!(triples, vec![7, 11, 0]);
    assert_eq!(String::from_utf16(&utf16(text)[7..11]).unwrap(), "Baku");
}

#[wasm_bindgen_test]
fn non_ascii_names_and_text() {
    let engine = engine();
    let text = "Görüşmede ERDOĞAN ve Erdogan";
    let triples = find(&engine, &JsValue::from_str(text));
    let units = utf16(text);
    let found: Vec<String> = triples.chunks(3).map(|t| String::from_utf16(&units[t[0] as usize..t[1] as usize]).unwrap()).collect();
    assert_eq!(found, ["ERDOĞAN", "Erdogan"]);
}

#[wasm_bindgen_test]
fn a_lone_surrogate_keeps_later_offsets_exact() {
    let engine = engine();
    // "\uD800 Baku": a lone high surrogate, which reaches Rust as U+FFFD.
    let mut units = vec![0xD800, 0x20];
    units.extend(utf16("Baku"));
    assert_eq!(find(&engine, &js_string(&units)), vec![2, 6, 0]);
    // And a lone low surrogate in the middle of text.
    let mut units = utf16("x ");
    units.push(0xDC00);
    units.extend(utf16(" Baku"));
    assert_eq!(find(&engine, &js_string(&units)), vec![4, 8, 0]);
}

#[wasm_bindgen_test]
fn ambiguous_mentions_give_one_triple_per_candidate() {
    let engine = engine();
    assert_eq!(find(&engine, &JsValue::from_str("Georgia")), vec![0, 7, 2, 0, 7, 3]);
}

#[wasm_bindgen_test]
fn type_counts_are_a_plain_object() {
    let engine = entity_highlighter_wasm_engine(DICTIONARY).unwrap();
    let counts: JsValue = JsValue::from(engine.type_counts());
    assert_eq!(Reflect::get(&counts, &"city".into()).unwrap().as_f64(), Some(1.0));
    assert_eq!(Reflect::get(&counts, &"country".into()).unwrap().as_f64(), Some(1.0));
    assert_eq!(js_sys::Object::keys(counts.unchecked_ref::<js_sys::Object>()).length(), 4);
}

#[wasm_bindgen_test]
fn a_bad_dictionary_throws_with_every_problem() {
    let error = entity_highlighter_wasm_engine(r#"{"entities":[{"id":"a","name":"","type":"city","summary":"s"},{"id":"b"}]}"#).err().expect("refused");
    let problems: js_sys::Array = Reflect::get(&error, &"problems".into()).unwrap().unchecked_into();
    assert_eq!(problems.length(), 4);
    let first = problems.get(0);
    assert_eq!(Reflect::get(&first, &"location".into()).unwrap().as_string().as_deref(), Some("entities[0] (id \"a\"), name"));
    let message = Reflect::get(&error, &"message".into()).unwrap().as_string().unwrap();
    assert!(message.contains("4 problems"), "{message}");
    assert_eq!(Reflect::get(&error, &"problemCount".into()).unwrap().as_f64(), Some(4.0));
}

#[wasm_bindgen_test]
fn a_dictionary_with_hundreds_of_problems_lists_some_and_counts_all() {
    let entities: Vec<String> = (0..240).map(|i| format!(r#"{{"id":"e{i}","name":"","type":"city","summary":"s"}}"#)).collect();
    let error = entity_highlighter_wasm_engine(&format!(r#"{{"entities":[{}]}}"#, entities.join(","))).err().expect("refused");
    let problems: js_sys::Array = Reflect::get(&error, &"problems".into()).unwrap().unchecked_into();
    assert_eq!(problems.length(), 200);
    assert_eq!(Reflect::get(&error, &"problemCount".into()).unwrap().as_f64(), Some(240.0));
}

#[wasm_bindgen_test]
fn a_compact_index_finds_the_same_mentions() {
    let dictionary = entity_highlighter::Dictionary::from_json(DICTIONARY).unwrap();
    let bytes = entity_highlighter::write_index(&dictionary, entity_highlighter::MatchOptions::default()).unwrap();
    let engine = JsValue::from(entity_highlighter::wasm::Engine::from_index(bytes).expect("the index opens"));
    let text = JsValue::from_str("😀 Baku, ERDOĞAN and Georgia");
    assert_eq!(find(&engine, &text), find(&self::engine(), &text));
    let method: Function = Reflect::get(&engine, &"entityFields".into()).unwrap().unchecked_into();
    let fields = method.call1(&engine, &Uint32Array::from(&[1u32][..])).unwrap().as_string().unwrap();
    assert_eq!(fields.split('\0').nth(1), Some("Erdoğan"));
    assert!(entity_highlighter::wasm::Engine::from_index(b"{\"entities\":[]}".to_vec()).is_err());
}

#[wasm_bindgen_test]
fn find_overlapping_keeps_every_occurrence_by_start_then_longest() {
    const OVERLAPPING: &str = r#"{"entities":[
      {"id":"talks","name":"Talks in Baku","type":"event","summary":"s"},
      {"id":"city","name":"Baku","type":"city","summary":"s"},
      {"id":"pipeline","name":"Baku Tbilisi","type":"organisation","summary":"s"}
    ]}"#;
    let dictionary = entity_highlighter::Dictionary::from_json(OVERLAPPING).unwrap();
    let index = entity_highlighter::write_index(&dictionary, entity_highlighter::MatchOptions::default()).unwrap();
    let compiled = JsValue::from(entity_highlighter_wasm_engine(OVERLAPPING).expect("the dictionary loads"));
    let index = JsValue::from(entity_highlighter::wasm::Engine::from_index(index).expect("the index opens"));
    let text = JsValue::from_str("😀 Talks in Baku Tbilisi");
    for engine in [&compiled, &index] {
        let method: Function = Reflect::get(engine, &"findOverlapping".into()).unwrap().unchecked_into();
        let found: Uint32Array = method.call1(engine, &text).expect("findOverlapping succeeds").unchecked_into();
        assert_eq!(found.to_vec(), vec![3, 16, 0, 12, 24, 2, 12, 16, 1]);
        assert_eq!(find(engine, &text), vec![3, 16, 0]);
    }
}

#[wasm_bindgen_test]
fn verify_finds_a_damaged_index_that_opens() {
    let dictionary = entity_highlighter::Dictionary::from_json(DICTIONARY).unwrap();
    let bytes = entity_highlighter::write_index(&dictionary, entity_highlighter::MatchOptions::default()).unwrap();
    let verify = |engine: &JsValue| -> Result<JsValue, JsValue> {
        let method: Function = Reflect::get(engine, &"verify".into()).unwrap().unchecked_into();
        method.call0(engine)
    };
    assert!(verify(&JsValue::from(entity_highlighter::wasm::Engine::from_index(bytes.clone()).unwrap())).is_ok());
    assert!(verify(&engine()).is_ok(), "a compiled dictionary passes");
    // A summary's letter changed: the structure is sound, the bytes are not.
    let mut damaged = bytes;
    let at = damaged.windows(7).position(|window| window == b"Capital").expect("a summary");
    damaged[at] = b'K';
    let engine = JsValue::from(entity_highlighter::wasm::Engine::from_index(damaged).expect("it opens"));
    let error = verify(&engine).expect_err("refused");
    let message = Reflect::get(&error, &"message".into()).unwrap().as_string().unwrap();
    assert!(message.starts_with("the index file is damaged between bytes 0 and") && message.contains("make it again"), "{message}");
}

#[wasm_bindgen_test]
fn unknown_options_are_refused() {
    let options = js_sys::Object::new();
    Reflect::set(&options, &"foldDiacritcs".into(), &JsValue::TRUE).unwrap();
    let error = entity_highlighter::wasm::Engine::new(DICTIONARY, options.unchecked_into()).err().expect("refused");
    let message = Reflect::get(&error, &"message".into()).unwrap().as_string().unwrap();
    assert!(message.contains("foldDiacritcs"), "{message}");
}

#[wasm_bindgen_test]
fn option_types() {
    let with = |value: JsValue| {
        let options = js_sys::Object::new();
        Reflect::set(&options, &"foldDiacritics".into(), &value).unwrap();
        entity_highlighter::wasm::Engine::new(DICTIONARY, options.unchecked_into())
    };
    let strict = JsValue::from(with(JsValue::FALSE).expect("false is accepted"));
    assert!(find(&strict, &"Erdogan".into()).is_empty());
    assert_eq!(find(&JsValue::from(with(JsValue::NULL).expect("null means the default")), &"Erdogan".into()).len(), 3);
    let error = with("yes".into()).err().expect("a string is refused");
    let message = Reflect::get(&error, &"message".into()).unwrap().as_string().unwrap();
    assert!(message.contains("foldDiacritics must be true or false"), "{message}");
}

#[wasm_bindgen_test]
fn entity_fields_reads_many_records_in_one_string() {
    let engine = entity_highlighter_wasm_engine(DICTIONARY).expect("the dictionary loads");
    let fields = engine.entity_fields(&[1, 0, 99, 3]);
    let split: Vec<&str> = fields.split('\0').collect();
    assert_eq!(
        split,
        [
            "person:erdogan", "Erdoğan", "person", "President of Türkiye.", "",
            "city:baku-az", "Baku", "city", "Capital of Azerbaijan.", "https://en.wikipedia.org/wiki/Baku",
            "", "", "", "", "",
            "region:us-ga", "Georgia", "region", "A US state.", "",
            // After the last field's NUL.
            "",
        ]
    );
    assert_eq!(engine.entity_fields(&[]), "");
}

/// Calls `engine.addText(piece)` for each piece, then `engine.find(last)`,
/// through JavaScript.
fn find_added(engine: &JsValue, pieces: &[&str], last: &str) -> Vec<u32> {
    let add: Function = Reflect::get(engine, &"addText".into()).unwrap().unchecked_into();
    for piece in pieces {
        add.call1(engine, &JsValue::from_str(piece)).expect("addText succeeds");
    }
    find(engine, &JsValue::from_str(last))
}

#[wasm_bindgen_test]
fn a_text_added_in_pieces_gives_what_find_gives() {
    let dictionary = entity_highlighter::Dictionary::from_json(DICTIONARY).unwrap();
    let bytes = entity_highlighter::write_index(&dictionary, entity_highlighter::MatchOptions::default()).unwrap();
    let engine = JsValue::from(entity_highlighter::wasm::Engine::from_index(bytes).expect("the index opens"));
    let pieces = ["😀 Georgia and Baku\u{2029}", "", "Erdoğan, ERDOĞAN\u{2029}", "Georgia\u{2029}"];
    let whole = JsValue::from_str(&(pieces.concat() + "Baku"));
    let expected = find(&engine, &whole);
    assert_eq!(expected.len(), 8 * 3, "Georgia twice with two candidates each, Baku twice, Erdoğan twice");
    assert_eq!(find(&self::engine(), &whole), expected, "the same as the compiled dictionary");
    assert_eq!(find_added(&engine, &pieces, "Baku"), expected);
    // The last piece may also come through addText.
    assert_eq!(find_added(&engine, &[&pieces.concat(), "Baku"], ""), expected);
    // find forgot the pieces: the next text starts afresh.
    assert_eq!(find(&engine, &JsValue::from_str("Baku")).len(), 3);
    // A text found apart leaves the pieces added so far for the next find.
    let add: Function = Reflect::get(&engine, &"addText".into()).unwrap().unchecked_into();
    add.call1(&engine, &JsValue::from_str(pieces[0])).expect("addText succeeds");
    let find_method: Function = Reflect::get(&engine, &"find".into()).unwrap().unchecked_into();
    let apart: Uint32Array = find_method.call2(&engine, &JsValue::from_str("Erdoğan"), &JsValue::TRUE).expect("find apart succeeds").unchecked_into();
    assert_eq!(apart.to_vec(), vec![0, 7, 1], "the text alone, at its own offsets");
    assert_eq!(find_added(&engine, &pieces[1..], "Baku"), expected, "then the pieces, first one included");
    assert!(find_added(&engine, &[], "").is_empty());
    // In parts: each call goes on to the first separator at or after its
    // UTF-16 offset (the first block's ends at 20); without one, to the end.
    let in_part = |text: &str, up_to: Option<u32>| -> Vec<u32> {
        let found: Uint32Array = find_method.call3(&engine, &JsValue::from_str(text), &JsValue::UNDEFINED, &up_to.map_or(JsValue::UNDEFINED, JsValue::from)).expect("find in parts succeeds").unchecked_into();
        found.to_vec()
    };
    for piece in &pieces {
        add.call1(&engine, &JsValue::from_str(piece)).expect("addText succeeds");
    }
    let first = in_part("Baku", Some(1));
    assert_eq!(first, expected[..9], "the first block: Georgia (two candidates) and Baku");
    assert!(in_part("", Some(5)).is_empty(), "an offset the last part passed: nothing more");
    let mut parts = first;
    parts.extend(in_part("", Some(21)));
    parts.extend(in_part("", None));
    assert_eq!(parts, expected, "the parts together");
    assert_eq!(find(&engine, &JsValue::from_str("Baku")).len(), 3, "the last part forgot the text");
    // A whole find forgets a text left half searched.
    add.call1(&engine, &JsValue::from_str(pieces[0])).expect("addText succeeds");
    assert_eq!(in_part("Baku", Some(0)).len(), 9);
    assert_eq!(find(&engine, &JsValue::from_str("Baku")), vec![0, 4, 0]);
    // A compiled dictionary takes whole texts only, and says so.
    let add: Function = Reflect::get(&self::engine(), &"addText".into()).unwrap().unchecked_into();
    let error = add.call1(&self::engine(), &JsValue::from_str("Baku")).expect_err("refused");
    let message = Reflect::get(&error, &"message".into()).unwrap().as_string().unwrap();
    assert!(message.contains("needs a compact index"), "{message}");
}

#[wasm_bindgen_test]
fn practice_rounds_run_in_webassembly_and_find_what_native_finds() {
    // The same count as the native test of `warm_up`: the practice index
    // opens and the whole index path runs in the module.
    let found = entity_highlighter::wasm::Engine::warm_up(2, None);
    assert_eq!(found as usize, entity_highlighter::warm_up(1, None));
    assert!(found > 0);
    assert_eq!(entity_highlighter::wasm::Engine::warm_up(0, None), 0);
    // With a page's text (a lone surrogate from JavaScript arrives as
    // U+FFFD): the same count, the page text practised on too.
    assert_eq!(entity_highlighter::wasm::Engine::warm_up(1, Some("Baku\u{FFFD} and Tbilisi\u{2029}".repeat(5_000))), found);
}
