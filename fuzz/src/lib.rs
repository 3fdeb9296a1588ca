//! The checks behind the fuzz targets, kept in one module so that
//! `tests/fuzz_regressions.rs` replays the corpora through exactly the same
//! code under a plain `cargo test`.
#[path = "checks.rs"]
pub mod checks;
