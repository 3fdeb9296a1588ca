//! Profiling driver: one index, one text, selection + build + search.
//! `cargo build --release --example index_page` then
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*page_work*' target/release/examples/index_page INDEX TEXT [REPEAT [PIECES]]`
//! With PIECES, the text is selected from in that many pieces (cut after a
//! line break), as a worker does while the page is still being read; with
//! BLOCKS set, line breaks become block separators first, as in the text
//! the shell extracts from a page (and pieces then end with one). With
//! RECORDS set, it also times reading the records of the entities found
//! (profile it with `--toggle-collect='*read_records*'`).
use entity_highlighter::{CompactIndex, PageSelection};
use std::time::Instant;

#[inline(never)]
fn page_work(index: &CompactIndex, text: &str, pieces: &[&str]) -> (usize, usize, u64) {
    let page = if pieces.len() > 1 {
        let mut selection = PageSelection::default();
        for piece in pieces {
            index.select_piece(&mut selection, piece).expect("piece");
        }
        index.finish_selection(selection).expect("page matcher")
    } else {
        index.matcher_for(text).expect("page matcher")
    };
    let mentions = page.find();
    let mut sum: u64 = 0;
    for m in &mentions {
        sum = sum.wrapping_mul(31).wrapping_add((m.start as u64) << 32 ^ (m.end as u64) << 8 ^ m.entities.iter().fold(0u64, |a, e| a.wrapping_mul(7).wrapping_add(*e as u64)));
    }
    (page.candidates, mentions.len(), sum)
}

/// `text` in about `count` pieces, each ending just after a line break.
fn pieces(text: &str, count: usize) -> Vec<&str> {
    let size = text.len() / count.max(1) + 1;
    let mut pieces = Vec::new();
    let mut from = 0;
    while from < text.len() {
        let mut target = (from + size).min(text.len());
        while !text.is_char_boundary(target) {
            target += 1;
        }
        // Cut after a line break or a block separator, never inside a
        // character.
        let end = text[target..].find(['\n', '\u{2029}']).map_or(text.len(), |at| target + at + text[target + at..].chars().next().map_or(1, char::len_utf8));
        pieces.push(&text[from..end]);
        from = end;
    }
    pieces
}

/// Reads the records of the distinct entities found, as the shell's first
/// pass on a page does (`entityFields`); returns their bytes.
#[inline(never)]
fn read_records(index: &CompactIndex, entities: &[usize]) -> usize {
    entities.iter().filter_map(|&entity| index.entity(entity)).map(|e| e.id.len() + e.name.len() + e.kind.len() + e.summary.len() + e.url.map_or(0, str::len)).sum()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let index = CompactIndex::from_bytes(std::fs::read(&args[1]).expect("index")).expect("opens");
    let mut text = std::fs::read_to_string(&args[2]).expect("text");
    if std::env::var_os("BLOCKS").is_some() {
        text = text.replace('\n', "\u{2029}");
    }
    let repeat: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(1);
    let split = pieces(&text, args.get(4).and_then(|n| n.parse().ok()).unwrap_or(1));
    let mut times = Vec::new();
    let mut result = (0, 0, 0);
    for _ in 0..repeat {
        let started = Instant::now();
        result = std::hint::black_box(page_work(&index, &text, &split));
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    if std::env::var_os("RECORDS").is_some() {
        let mut entities: Vec<usize> = index.matcher_for(&text).expect("page matcher").find().iter().flat_map(|m| m.entities.clone()).collect();
        entities.sort_unstable();
        entities.dedup();
        let started = Instant::now();
        let mut bytes = 0;
        for _ in 0..repeat {
            bytes = std::hint::black_box(read_records(&index, &entities));
        }
        println!("records {} ({} bytes) {:.3} ms each pass", entities.len(), bytes, started.elapsed().as_secs_f64() * 1e3 / repeat as f64);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!("pieces {} candidates {} mentions {} checksum {:x} median {:.2} ms min {:.2} ms", split.len(), result.0, result.1, result.2, times[times.len() / 2], times[0]);
}
