//! Profiling driver: one index, one text, selection + build + search.
//! `cargo build --release --example index_page` then
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*page_work*' target/release/examples/index_page INDEX TEXT [REPEAT]`
use entity_highlighter::CompactIndex;
use std::time::Instant;

#[inline(never)]
fn page_work(index: &CompactIndex, text: &str) -> (usize, usize, u64) {
    let page = index.matcher_for(text).expect("page matcher");
    let mentions = page.find();
    let mut sum: u64 = 0;
    for m in &mentions {
        sum = sum.wrapping_mul(31).wrapping_add((m.start as u64) << 32 ^ (m.end as u64) << 8 ^ m.entities.iter().fold(0u64, |a, e| a.wrapping_mul(7).wrapping_add(*e as u64)));
    }
    (page.candidates, mentions.len(), sum)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let index = CompactIndex::from_bytes(std::fs::read(&args[1]).expect("index")).expect("opens");
    let text = std::fs::read_to_string(&args[2]).expect("text");
    let repeat: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(1);
    let mut times = Vec::new();
    let mut result = (0, 0, 0);
    for _ in 0..repeat {
        let started = Instant::now();
        result = std::hint::black_box(page_work(&index, &text));
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!("candidates {} mentions {} checksum {:x} median {:.2} ms min {:.2} ms", result.0, result.1, result.2, times[times.len() / 2], times[0]);
}
