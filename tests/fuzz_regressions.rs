//! Replays every fuzz corpus file and every input a fuzzer once crashed on
//! through the fuzz targets' own checks, so that a plain `cargo test` (and
//! CI) keeps them fixed without nightly or cargo-fuzz.
//!
//! Inputs live in `fuzz/corpus/<target>/` (kept small with `cargo fuzz
//! cmin`) and `tests/data/fuzz-regressions/<target>/` (minimised crashes,
//! each named after what it caught).

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [root.join("fuzz/corpus").join(target), root.join("tests/data/fuzz-regressions").join(target)] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            if entry.path().is_file() && entry.file_name() != "README.md" {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    files
}

/// Runs `check` on every input, naming the file that fails.
fn replay(target: &str, check: fn(&[u8])) {
    let files = inputs(target);
    assert!(!files.is_empty(), "no inputs for the {target} target: fuzz/corpus/{target}/ is missing");
    let mut failed = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()));
        if std::panic::catch_unwind(|| check(&bytes)).is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(failed.is_empty(), "{} of {} {target} inputs fail: {failed:#?}", failed.len(), files.len());
}

#[test]
fn dictionary_inputs_keep_the_loader_invariants() {
    replay("dictionary", checks::dictionary);
}

#[test]
fn matcher_inputs_keep_the_mention_invariants() {
    replay("matcher", checks::matcher);
}

#[test]
fn index_inputs_open_or_are_refused_without_panicking() {
    replay("index", checks::index);
}
