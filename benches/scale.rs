//! Scale benchmark, native part: large dictionaries and real-sized texts.
//!
//! ```sh
//! cargo bench --bench scale -- [DATA_DIR] [--quick] [--runs N] [--out FILE] [--only bundled,100k,1m] [--no-full-1m] [--no-raw-1m]
//! ```
//!
//! Not a test: it prints markdown tables and writes a JSON report (default
//! `target/bench/native.json`) that `node bench/run.mjs` merges with the
//! browser measurements. DATA_DIR (default `target/bench-data`, made by
//! `scripts/build-bench-data`) holds `names-100k.json`, `names-1m.json`,
//! `article.txt`, `news-100k.txt` and `news-1mb.txt`; the bundled dictionary
//! is `data/world-news.json`. A missing file is skipped with a note.
//!
//! For each dictionary and text it measures:
//!
//! - the full compiled [`Matcher`] (one automaton of every name): dictionary
//!   load, automaton build, search; for the 1M dictionary the build is
//!   measured once (it takes tens of seconds), and skipped with `--quick` or
//!   `--no-full-1m`;
//! - the [`CompactIndex`]: `write_index` once, `CompactIndex::from_bytes`
//!   (open), then per text `matcher_for(text)` (folding the text, selecting
//!   the names it can contain, and their build) and `find` (search of the
//!   text folded by `matcher_for`); whether it reports the same mentions as
//!   the full matcher;
//! - the raw `aho-corasick` crate alone as native peer: the same names,
//!   leftmost-longest, ASCII case-insensitive, no folding, word, case or
//!   offset rules (so it reports more, and different, matches).
//!
//! Times are medians of `--runs` samples (default 11; `--quick` 3) after one
//! warm-up; a sample repeats a short operation until it lasts at least 5 ms
//! and reports the time per repetition.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aho_corasick::{AhoCorasick, MatchKind};
use entity_highlighter::{write_index, CompactIndex, Dictionary, Limits, MatchOptions, Matcher, Mention};
use serde_json::{json, Value};

const MIN_SAMPLE: Duration = Duration::from_millis(5);
/// Time allowed for the samples of one measurement (slow ones get fewer).
const BUDGET: Duration = Duration::from_secs(30);
/// Warm-up time before short measurements (see `warm_up`).
const WARM_UP: Duration = Duration::from_millis(50);

struct Options {
    data: PathBuf,
    out: PathBuf,
    runs: usize,
    quick: bool,
    full_1m: bool,
    raw_1m: bool,
    only: Option<Vec<String>>,
}

fn parse_args() -> Options {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut options = Options { data: root.join("target/bench-data"), out: root.join("target/bench/native.json"), runs: 11, quick: false, full_1m: true, raw_1m: true, only: None };
    let mut runs_given = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            // cargo bench passes --bench to every bench binary.
            "--bench" => {}
            "--quick" => options.quick = true,
            "--no-full-1m" => options.full_1m = false,
            "--no-raw-1m" => options.raw_1m = false,
            "--runs" => {
                options.runs = args.next().and_then(|n| n.parse().ok()).filter(|n| *n >= 1).unwrap_or_else(|| usage("--runs needs a number ≥ 1"));
                runs_given = true;
            }
            "--out" => options.out = PathBuf::from(args.next().unwrap_or_else(|| usage("--out needs a file"))),
            "--only" => options.only = Some(args.next().unwrap_or_else(|| usage("--only needs a list")).split(',').map(str::to_owned).collect()),
            "-h" | "--help" => usage(""),
            other if other.starts_with('-') => usage(&format!("unknown option {other}")),
            other => options.data = PathBuf::from(other),
        }
    }
    if options.quick {
        options.full_1m = false;
        options.raw_1m = false;
        if !runs_given {
            options.runs = 3;
        }
    }
    options
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("scale: {problem}");
    }
    eprintln!("usage: cargo bench --bench scale -- [DATA_DIR] [--quick] [--runs N] [--out FILE] [--only bundled,100k,1m] [--no-full-1m] [--no-raw-1m]");
    std::process::exit(2);
}

#[derive(Clone, Copy)]
struct Stats {
    median: Duration,
    min: Duration,
    samples: usize,
}

impl Stats {
    fn ms(&self) -> f64 {
        self.median.as_secs_f64() * 1e3
    }
}

/// Medians of `runs` samples after a warm-up (see `warm_up`); each sample repeats
/// `f` until it lasts `MIN_SAMPLE` (short operations) and keeps the time per
/// call. Returns the last result too.
fn bench<T>(runs: usize, mut f: impl FnMut() -> T) -> (Stats, T) {
    let (first, mut last) = warm_up(&mut f);
    let repeat = if first >= MIN_SAMPLE { 1 } else { (MIN_SAMPLE.as_nanos() / first.as_nanos().max(1)).clamp(1, 100_000) as u32 };
    let runs = budgeted(runs, first * repeat);
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        for _ in 0..repeat {
            last = std::hint::black_box(f());
        }
        samples.push(started.elapsed() / repeat);
    }
    samples.sort();
    (Stats { median: samples[samples.len() / 2], min: samples[0], samples: runs }, last)
}

/// Warm-up: at least one call, and more (up to 3) while they add up to less
/// than `WARM_UP`: first calls after a build are slower (caches, allocator).
/// Returns the last call's time and result.
fn warm_up<T>(f: &mut impl FnMut() -> T) -> (Duration, T) {
    let began = Instant::now();
    let mut calls = 0;
    loop {
        let started = Instant::now();
        let value = f();
        let elapsed = started.elapsed();
        calls += 1;
        if calls >= 3 || began.elapsed() >= WARM_UP {
            return (elapsed, value);
        }
    }
}

/// Fewer samples (but at least 3) when `runs` samples of `sample` would
/// take longer than `BUDGET`.
fn budgeted(runs: usize, sample: Duration) -> usize {
    let affordable = (BUDGET.as_secs_f64() / sample.as_secs_f64().max(1e-9)) as usize;
    runs.min(affordable.max(3))
}

/// One timed call, for operations too slow to repeat.
fn once<T>(f: impl FnOnce() -> T) -> (Stats, T) {
    let started = Instant::now();
    let value = f();
    let elapsed = started.elapsed();
    (Stats { median: elapsed, min: elapsed, samples: 1 }, value)
}

fn mb_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64().max(1e-12)
}

fn stats_json(stats: Stats) -> Value {
    json!({ "ms": round(stats.ms()), "min_ms": round(stats.min.as_secs_f64() * 1e3), "samples": stats.samples })
}

fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

struct Text {
    key: &'static str,
    label: &'static str,
    text: String,
}

struct DictionarySpec {
    key: &'static str,
    label: &'static str,
    path: PathBuf,
    /// Build (and load) runs: few for big dictionaries.
    heavy: bool,
    huge: bool,
}

/// The index on one text: each sample selects and builds a page matcher,
/// then searches; medians of both stages and of their sum.
fn bench_index(runs: usize, index: &CompactIndex, text: &str) -> (Stats, Stats, Stats, usize, Vec<Mention>) {
    let one = || {
        let started = Instant::now();
        let page = index.matcher_for(text).expect("page matcher builds");
        let built = Instant::now();
        let mentions = page.find();
        let done = Instant::now();
        (built - started, done - built, page.candidates, mentions)
    };
    let (first, (_, _, candidates, mentions)) = warm_up(&mut || one());
    let repeat = if first >= MIN_SAMPLE { 1 } else { (MIN_SAMPLE.as_nanos() / first.as_nanos().max(1)).clamp(1, 100_000) as u32 };
    let runs = budgeted(runs, first * repeat);
    let (mut selects, mut searches, mut totals) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let (mut select, mut search) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..repeat {
            let (a, b, _, _) = one();
            select += a;
            search += b;
        }
        selects.push(select / repeat);
        searches.push(search / repeat);
        totals.push((select + search) / repeat);
    }
    let stats = |mut v: Vec<Duration>| {
        v.sort();
        Stats { median: v[v.len() / 2], min: v[0], samples: v.len() }
    };
    (stats(selects), stats(searches), stats(totals), candidates, mentions)
}

fn mention_spans(mentions: &[Mention]) -> Vec<(usize, usize)> {
    mentions.iter().map(|m| (m.start, m.end)).collect()
}

/// (missing, extra) of `b` against `a`, both sorted.
fn span_diff(a: &[(usize, usize)], b: &[(usize, usize)]) -> (usize, usize) {
    let a: std::collections::HashSet<_> = a.iter().collect();
    let b: std::collections::HashSet<_> = b.iter().collect();
    (a.difference(&b).count(), b.difference(&a).count())
}

struct Table {
    out: String,
}

impl Table {
    fn new(header: &[&str], align: &str) -> Table {
        let mut out = String::new();
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let marks: Vec<&str> = align.chars().map(|c| if c == 'r' { "--:" } else { "---" }).collect();
        let _ = writeln!(out, "|{}|", marks.join("|"));
        Table { out }
    }

    fn row(&mut self, cells: &[String]) {
        let _ = writeln!(self.out, "| {} |", cells.join(" | "));
    }
}

fn f1(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else if x >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split(':').nth(1)).map(|s| s.trim().to_owned()).unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    json!({ "cpu": model, "cores": cores, "loadavg_start": load.split_whitespace().take(3).collect::<Vec<_>>().join(" ") })
}

fn main() {
    let options = parse_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let runs = options.runs;
    let mut notes: Vec<String> = Vec::new();

    let texts: Vec<Text> = [("article", "article.txt (7 KB)"), ("news-100k", "news-100k.txt"), ("news-1mb", "news-1mb.txt")]
        .into_iter()
        .filter_map(|(key, label)| {
            let path = options.data.join(format!("{key}.txt"));
            match std::fs::read_to_string(&path) {
                Ok(text) => Some(Text { key, label, text }),
                Err(error) => {
                    notes.push(format!("text {}: {error}; skipped", path.display()));
                    None
                }
            }
        })
        .collect();
    let dictionaries = [
        DictionarySpec { key: "bundled", label: "bundled (world news)", path: root.join("data/world-news.json"), heavy: false, huge: false },
        DictionarySpec { key: "100k", label: "names-100k", path: options.data.join("names-100k.json"), heavy: true, huge: false },
        DictionarySpec { key: "1m", label: "names-1m", path: options.data.join("names-1m.json"), heavy: true, huge: true },
    ];

    println!("Scale benchmark, native. Data: {}. Medians of {runs} runs after a warm-up.\n", options.data.display());
    let mut summary = Table::new(&["dictionary", "entities", "names", "JSON MB", "load ms", "full build ms", "index write ms", "index MB", "index open ms", "raw a-c build ms"], "lrrrrrrrrr");
    let mut per_text = Table::new(&["dictionary", "text", "KB", "engine", "select+build ms", "search ms", "total ms", "MB/s", "mentions", "candidates"], "llllrrrrrr");
    let mut results = Vec::new();

    for spec in &dictionaries {
        if let Some(only) = &options.only {
            if !only.iter().any(|k| k == spec.key) {
                continue;
            }
        }
        let json_text = match std::fs::read_to_string(&spec.path) {
            Ok(text) => text,
            Err(error) => {
                notes.push(format!("dictionary {}: {error}; skipped", spec.path.display()));
                continue;
            }
        };
        eprintln!("scale: {} ({} bytes)", spec.label, json_text.len());
        let limits = Limits { max_bytes: usize::MAX, max_entities: usize::MAX };
        let load_runs = if spec.heavy { 1.max(runs.min(3)) } else { runs };
        let (load, dictionary) = if spec.huge {
            once(|| Dictionary::from_json_with_limits(&json_text, &limits).expect("benchmark dictionary is valid"))
        } else {
            bench(load_runs, || Dictionary::from_json_with_limits(&json_text, &limits).expect("benchmark dictionary is valid"))
        };
        let names: Vec<&str> = dictionary.entities().iter().flat_map(|e| e.names.iter().map(|n| n.text.as_str())).collect();
        let mut record = json!({
            "key": spec.key, "label": spec.label, "file": spec.path.display().to_string(), "json_bytes": json_text.len(),
            "entities": dictionary.entities().len(), "names": names.len(), "load": stats_json(load),
        });
        drop(json_text);

        // The compact index.
        let (write, bytes) = once(|| write_index(&dictionary, MatchOptions::default()).expect("index writes"));
        let index_bytes = bytes.len();
        let (open, index) = {
            let mut samples = Vec::new();
            let mut index = None;
            for _ in 0..runs.max(1) {
                let copy = bytes.clone();
                let started = Instant::now();
                let opened = CompactIndex::from_bytes(copy).expect("index opens");
                samples.push(started.elapsed());
                index = Some(opened);
            }
            samples.sort();
            (Stats { median: samples[samples.len() / 2], min: samples[0], samples: samples.len() }, index.expect("at least one run"))
        };
        drop(bytes);

        // The full matcher.
        let full_wanted = !spec.huge || options.full_1m;
        let build_runs = if spec.heavy { 1.max(runs.min(3)) } else { runs };
        let full = if full_wanted {
            eprintln!("scale:   full build");
            let (build, matcher) = if spec.huge { once(|| Matcher::new(&dictionary, MatchOptions::default()).expect("automaton builds")) } else { bench(build_runs, || Matcher::new(&dictionary, MatchOptions::default()).expect("automaton builds")) };
            Some((build, matcher))
        } else {
            notes.push(format!("{}: the full compiled matcher was not built (--quick or --no-full-1m); the index is measured", spec.label));
            None
        };

        let mut full_spans: Vec<Option<Vec<(usize, usize)>>> = Vec::new();
        if let Some((build, matcher)) = &full {
            let mut texts_json = Vec::new();
            for text in &texts {
                let (search, mentions) = bench(runs, || matcher.find(&text.text));
                let speed = mb_per_s(text.text.len(), search.median);
                per_text.row(&[spec.label.into(), text.key.into(), format!("{:.0}", text.text.len() as f64 / 1e3), "full matcher".into(), "–".into(), f1(search.ms()), f1(search.ms()), f1(speed), mentions.len().to_string(), format!("{} (all)", matcher.pattern_count())]);
                texts_json.push(json!({ "text": text.key, "bytes": text.text.len(), "search": stats_json(search), "mb_s": round(speed), "mentions": mentions.len() }));
                full_spans.push(Some(mention_spans(&mentions)));
            }
            record["full"] = json!({ "build": stats_json(*build), "patterns": matcher.pattern_count(), "texts": texts_json });
        } else {
            record["full"] = json!({ "skipped": "the full compiled matcher of 1M names is built only in the full run (it takes tens of seconds); see the index" });
            full_spans.resize(texts.len(), None);
        }
        drop(full);

        // Index: per text, selection + build, then search.
        eprintln!("scale:   index");
        let mut texts_json = Vec::new();
        for (text, full_spans) in texts.iter().zip(&full_spans) {
            let (select, search, total, candidates, mentions) = bench_index(runs, &index, &text.text);
            let speed = mb_per_s(text.text.len(), total.median);
            let spans = mention_spans(&mentions);
            let same = full_spans.as_ref().map(|full| span_diff(full, &spans));
            per_text.row(&[spec.label.into(), text.key.into(), format!("{:.0}", text.text.len() as f64 / 1e3), "index".into(), f1(select.ms()), f1(search.ms()), f1(total.ms()), f1(speed), mentions.len().to_string(), candidates.to_string()]);
            texts_json.push(json!({
                "text": text.key, "bytes": text.text.len(), "select_build": stats_json(select), "search": stats_json(search), "total": stats_json(total),
                "mb_s": round(speed), "mentions": mentions.len(), "candidates": candidates,
                "vs_full": same.map(|(missing, extra)| json!({ "missing": missing, "extra": extra })),
            }));
        }
        record["index"] = json!({ "write": stats_json(write), "bytes": index_bytes, "open": stats_json(open), "keys": index.key_count(), "texts": texts_json });
        drop(index);

        // The raw crate on the same names and texts.
        let mut raw_build_ms = "not built".to_owned();
        if !spec.huge || options.raw_1m {
            eprintln!("scale:   raw aho-corasick");
            let build = || AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).ascii_case_insensitive(true).build(&names).expect("raw automaton builds");
            let (raw_build, raw) = if spec.heavy { once(build) } else { bench(build_runs, build) };
            let mut texts_json = Vec::new();
            for text in &texts {
                let (search, count) = bench(runs, || raw.find_iter(&text.text).count());
                let speed = mb_per_s(text.text.len(), search.median);
                per_text.row(&[spec.label.into(), text.key.into(), format!("{:.0}", text.text.len() as f64 / 1e3), "peer: aho-corasick crate".into(), "–".into(), f1(search.ms()), f1(search.ms()), f1(speed), count.to_string(), format!("{} (all)", names.len())]);
                texts_json.push(json!({ "text": text.key, "bytes": text.text.len(), "search": stats_json(search), "mb_s": round(speed), "matches": count }));
            }
            record["raw"] = json!({ "build": stats_json(raw_build), "memory_bytes": raw.memory_usage(), "texts": texts_json });
            raw_build_ms = f1(raw_build.ms());
        } else {
            notes.push(format!("{}: the raw aho-corasick crate was not built (--quick or --no-raw-1m)", spec.label));
        }

        let full_build = record["full"]["build"]["ms"].as_f64().map(f1).unwrap_or_else(|| "not built".into());
        summary.row(&[
            spec.label.into(),
            dictionary.entities().len().to_string(),
            names.len().to_string(),
            format!("{:.1}", record["json_bytes"].as_f64().unwrap_or(0.0) / 1e6),
            f1(load.ms()),
            full_build,
            f1(write.ms()),
            format!("{:.1}", index_bytes as f64 / 1e6),
            f1(open.ms()),
            raw_build_ms,
        ]);
        results.push(record);
    }

    println!("{}", summary.out);
    println!("{}", per_text.out);
    for note in &notes {
        println!("- {note}");
    }
    let report = json!({
        "machine": machine(),
        "runs": runs,
        "quick": options.quick,
        "data": options.data.display().to_string(),
        "texts": texts.iter().map(|t| json!({ "key": t.key, "label": t.label, "bytes": t.text.len() })).collect::<Vec<_>>(),
        "dictionaries": results,
        "notes": notes,
        "tables": { "summary": summary.out, "texts": per_text.out },
    });
    if let Some(parent) = options.out.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let text = serde_json::to_string_pretty(&report).expect("report serialises");
    match std::fs::write(&options.out, text) {
        Ok(()) => println!("\nWrote {}", relative(&options.out, &root)),
        Err(error) => {
            eprintln!("scale: could not write {}: {error}", options.out.display());
            std::process::exit(1);
        }
    }
}

fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}
