//! Benchmark: dictionary load, automaton build and matching throughput.
//!
//! Run with `cargo bench --bench throughput`. Not a test: it prints a table
//! of medians. The peer row is the `aho-corasick` crate alone (ASCII case
//! folding, leftmost-longest, no Unicode folding, no word or case rules,
//! no offset mapping) on the same names and text, so the table shows what
//! the matching rules cost on top of the raw automaton.

use std::time::{Duration, Instant};

use aho_corasick::{AhoCorasick, MatchKind};
use entity_highlighter::{Dictionary, Limits, MatchOptions, Matcher, BUNDLED_JSON};

const TEXT_BYTES: usize = 1 << 20;
const RUNS: usize = 11;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SYLLABLES: &[&str] = &["ka", "lo", "mir", "san", "tev", "ru", "na", "bel", "gor", "dan", "yev", "ash", "ol", "zer", "pin", "qu", "ta", "vo", "len", "sha"];

fn word(rng: &mut Rng) -> String {
    let count = 2 + rng.below(2);
    let mut word: String = (0..count).map(|_| SYLLABLES[rng.below(SYLLABLES.len())]).collect();
    if let Some(first) = word.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    word
}

/// A dictionary of `count` generated two-word names.
fn generated_dictionary(count: usize) -> (String, Vec<String>) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut names = std::collections::BTreeSet::new();
    while names.len() < count {
        names.insert(format!("{} {}", word(&mut rng), word(&mut rng)));
    }
    let names: Vec<String> = names.into_iter().collect();
    let entities: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, name)| format!(r#"{{"id":"g{i}","name":"{name}","type":"person","summary":"Generated person {i}."}}"#))
        .collect();
    (format!(r#"{{"entities":[{}]}}"#, entities.join(",\n")), names)
}

/// About 1 MB of prose-like text: generated words, with one of `names` in
/// roughly every tenth slot.
fn generated_text(names: &[String]) -> String {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut text = String::with_capacity(TEXT_BYTES + 64);
    while text.len() < TEXT_BYTES {
        if rng.below(10) == 0 {
            text.push_str(&names[rng.below(names.len())]);
        } else {
            let mut filler = word(&mut rng);
            if rng.below(3) != 0 {
                filler.make_ascii_lowercase();
            }
            text.push_str(&filler);
        }
        text.push_str(if rng.below(12) == 0 { ". " } else { " " });
    }
    text
}

fn sample_text() -> String {
    let article = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sample-article.txt")).unwrap_or_else(|error| panic!("tests/data/sample-article.txt: {error}"));
    let mut text = String::with_capacity(TEXT_BYTES + article.len());
    while text.len() < TEXT_BYTES {
        text.push_str(&article);
        text.push('\n');
    }
    text
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut last = f();
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        last = f();
        samples.push(started.elapsed());
    }
    (median(samples), last)
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

fn mb_per_s(bytes: usize, d: Duration) -> String {
    format!("{:.1}", bytes as f64 / 1e6 / d.as_secs_f64())
}

// One argument per column of the table it prints.
#[allow(clippy::too_many_arguments)]
fn row(label: &str, names: usize, load: &str, build: &str, text: &str, search: Duration, mentions: usize, bytes: usize) {
    println!("| {label:<28} | {names:>7} | {load:>9} | {build:>9} | {text:<16} | {:>9} | {:>7} | {mentions:>8} |", ms(search), mb_per_s(bytes, search));
}

fn measure(label: &str, json: &str, text_label: &str, text: &str, build_runs: usize) {
    let limits = Limits { max_bytes: usize::MAX, ..Limits::default() };
    let (load, dictionary) = time(build_runs, || Dictionary::from_json_with_limits(json, &limits).expect("benchmark dictionary is valid"));
    let (build, matcher) = time(build_runs, || Matcher::new(&dictionary, MatchOptions::default()).expect("automaton builds"));
    let (search, mentions) = time(RUNS, || matcher.find(text));
    row(label, matcher.pattern_count(), &ms(load), &ms(build), text_label, search, mentions.len(), text.len());

    // The raw crate on the same names and text.
    let names: Vec<&str> = dictionary.entities().iter().flat_map(|e| e.names.iter().map(|n| n.text.as_str())).collect();
    let (raw_build, raw) = time(build_runs, || AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).ascii_case_insensitive(true).build(&names).expect("raw automaton builds"));
    let (raw_search, raw_count) = time(RUNS, || raw.find_iter(text).count());
    row("  peer: aho-corasick alone", names.len(), "-", &ms(raw_build), text_label, raw_search, raw_count, text.len());
}

fn main() {
    println!("Medians of {RUNS} runs (load and build: 3 runs for large dictionaries). Times in ms.\n");
    println!("| dictionary                   |   names | load (ms) | build(ms) | text             | match(ms) |    MB/s | mentions |");
    println!("|------------------------------|--------:|----------:|----------:|------------------|----------:|--------:|---------:|");
    let sample = sample_text();
    measure("bundled (world news)", BUNDLED_JSON, "article x ~150", &sample, RUNS);
    let (json, names) = generated_dictionary(10_000);
    measure("generated 10k names", &json, "generated 1 MB", &generated_text(&names), 3);
    let (json, names) = generated_dictionary(100_000);
    measure("generated 100k names", &json, "generated 1 MB", &generated_text(&names), 3);
}
