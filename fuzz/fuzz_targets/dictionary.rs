#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| entity_highlighter_fuzz::checks::dictionary(data));
