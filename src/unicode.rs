//! The Unicode data that folding needs, and nothing more: canonical
//! combining classes, canonical decomposition (NFD) and full case folding.
//!
//! The `unicode-normalization` and `caseless` crates give the same answers,
//! but their tables (perfect hashes, plus the compatibility decompositions
//! that the crate links in even when only NFD is asked for) were over half
//! of the `.wasm`. The tables here live in `unicode_tables.rs`, which the
//! test `regenerate_tables` below writes from those very crates (kept as
//! dev-dependencies); other tests compare every code point with them, so
//! folding is exactly what it was.
//!
//! The tables are sorted and searched by bisection: slower per lookup than
//! a perfect hash, but they compress several times better, and ASCII (most
//! text) never reaches them. The two largest are stored as varint deltas
//! (half the gzipped size of plain arrays) and unpacked on first use into
//! about 28 KB of memory.

use crate::unicode_tables::{COMBINING_CLASSES_PACKED, DECOMPOSED_PACKED, DECOMPOSITION_FIRST_PACKED, DECOMPOSITION_SECOND_PACKED, FULL_FOLDS, SIMPLE_FOLDS};

struct Unpacked {
    /// `code << 8 | class` at each code point where the class changes.
    combining_classes: Vec<u32>,
    /// Sorted; the one-level decomposition of `decomposed[i]` is
    /// `first[i]`, then `second[i]` unless it is NUL.
    decomposed: Vec<char>,
    first: Vec<char>,
    second: Vec<char>,
}

/// LEB128 numbers, one after another.
fn varints(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let mut value = 0u32;
        let mut shift = 0u32;
        loop {
            let byte = *bytes.get(at)?;
            at += 1;
            value |= u32::from(byte & 0x7F).checked_shl(shift).unwrap_or(0);
            shift += 7;
            if byte < 0x80 {
                return Some(value);
            }
        }
    })
}

fn unpack() -> Unpacked {
    let mut combining_classes = Vec::new();
    let mut code = 0u32;
    let mut numbers = varints(&COMBINING_CLASSES_PACKED);
    while let (Some(delta), Some(class)) = (numbers.next(), numbers.next()) {
        code += delta;
        combining_classes.push(code << 8 | class);
    }
    let mut key = 0u32;
    let decomposed_codes: Vec<u32> = varints(&DECOMPOSED_PACKED).map(|delta| {
        key += delta;
        key
    }).collect();
    // The first character is stored as its zigzag distance from the key.
    let first = varints(&DECOMPOSITION_FIRST_PACKED).zip(&decomposed_codes).map(|(zigzag, &key)| {
        let distance = (zigzag >> 1) as i32 ^ -((zigzag & 1) as i32);
        key.checked_add_signed(distance).and_then(char::from_u32).unwrap_or('\0')
    });
    Unpacked {
        combining_classes,
        first: first.collect(),
        second: varints(&DECOMPOSITION_SECOND_PACKED).map(|code| char::from_u32(code).unwrap_or('\0')).collect(),
        decomposed: decomposed_codes.into_iter().map(|code| char::from_u32(code).unwrap_or('\0')).collect(),
    }
}

/// Shared by all threads natively; in WebAssembly, which has one, a
/// thread-local: the `.wasm` then holds no `Once` (with the panic hook's
/// in `wasm.rs`, ~240 bytes gzipped).
#[cfg(not(target_arch = "wasm32"))]
fn tables() -> &'static Unpacked {
    static TABLES: std::sync::OnceLock<Unpacked> = std::sync::OnceLock::new();
    TABLES.get_or_init(unpack)
}

#[cfg(target_arch = "wasm32")]
fn tables() -> &'static Unpacked {
    thread_local! {
        static TABLES: &'static Unpacked = Box::leak(Box::new(unpack()));
    }
    TABLES.with(|tables| *tables)
}

/// The canonical combining class of `c` (0 for a starter).
pub(crate) fn combining_class(c: char) -> u8 {
    let code = c as u32;
    // Nothing below U+0300 has a non-zero class.
    if code < 0x300 {
        return 0;
    }
    let classes = &tables().combining_classes;
    let after = classes.partition_point(|&entry| entry >> 8 <= code);
    match after.checked_sub(1).and_then(|i| classes.get(i)) {
        Some(entry) => (entry & 0xFF) as u8,
        None => 0,
    }
}

const HANGUL_S_BASE: u32 = 0xAC00;
const HANGUL_L_BASE: u32 = 0x1100;
const HANGUL_V_BASE: u32 = 0x1161;
const HANGUL_T_BASE: u32 = 0x11A7;
const HANGUL_T_COUNT: u32 = 28;
const HANGUL_N_COUNT: u32 = 21 * HANGUL_T_COUNT;
const HANGUL_S_COUNT: u32 = 19 * HANGUL_N_COUNT;

/// Pushes the full canonical decomposition of `c` (not yet reordered).
fn decompose(c: char, out: &mut Vec<char>) {
    let code = c as u32;
    // No character below U+00C0 decomposes.
    if code < 0xC0 {
        out.push(c);
        return;
    }
    // Hangul syllables decompose by arithmetic, not by table.
    let s = code.wrapping_sub(HANGUL_S_BASE);
    if s < HANGUL_S_COUNT {
        let jamo = [HANGUL_L_BASE + s / HANGUL_N_COUNT, HANGUL_V_BASE + (s % HANGUL_N_COUNT) / HANGUL_T_COUNT, HANGUL_T_BASE + s % HANGUL_T_COUNT];
        let count = if s % HANGUL_T_COUNT == 0 { 2 } else { 3 };
        out.extend(jamo[..count].iter().filter_map(|&j| char::from_u32(j)));
        return;
    }
    // The table holds one level (at most two characters); the first of them
    // may decompose further, which keeps every entry the same size.
    let tables = tables();
    match tables.decomposed.binary_search(&c) {
        Ok(i) => {
            decompose(tables.first.get(i).copied().unwrap_or(c), out);
            let second = tables.second.get(i).copied().unwrap_or('\0');
            if second != '\0' {
                decompose(second, out);
            }
        }
        Err(_) => out.push(c),
    }
}

/// Sorts each run of non-starters by combining class, keeping the order of
/// equal classes (the canonical ordering algorithm).
fn reorder(chars: &mut [char]) {
    let mut i = 0;
    while i < chars.len() {
        if combining_class(chars[i]) == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && combining_class(chars[i]) != 0 {
            i += 1;
        }
        sort_marks(&mut chars[start..i]);
    }
}

/// Sorts a run of marks by combining class, stably. Written out rather than
/// `sort_by_key`, whose instance cost 2 KB of the `.wasm`: runs are nearly
/// always one to three marks (insertion sort); a hostile run of thousands
/// goes through a counting sort, so it stays linear.
fn sort_marks(run: &mut [char]) {
    if run.len() <= 16 {
        for i in 1..run.len() {
            let c = run[i];
            let class = combining_class(c);
            let mut j = i;
            while j > 0 && combining_class(run[j - 1]) > class {
                run[j] = run[j - 1];
                j -= 1;
            }
            run[j] = c;
        }
        return;
    }
    // starts[k]: where the marks of class k go.
    let mut starts = [0usize; 256];
    for &c in run.iter() {
        if let Some(next) = starts.get_mut(usize::from(combining_class(c)) + 1) {
            *next += 1;
        }
    }
    for k in 1..starts.len() {
        starts[k] += starts[k - 1];
    }
    // Read from a copy: the loop writes the sorted order into `run`.
    #[allow(clippy::unnecessary_to_owned)]
    for c in run.to_vec() {
        let start = &mut starts[usize::from(combining_class(c))];
        run[*start] = c;
        *start += 1;
    }
}

/// Appends the NFD form of `chars` to `out` (cleared first).
pub(crate) fn nfd_into(chars: impl Iterator<Item = char>, out: &mut Vec<char>) {
    out.clear();
    for c in chars {
        decompose(c, out);
    }
    reorder(out);
}

/// Appends the full (Unicode "C + F") case folding of `c` to `out`.
pub(crate) fn case_fold_into(c: char, out: &mut impl Extend<char>) {
    let code = c as u32;
    if code < 0x80 {
        out.extend(Some(c.to_ascii_lowercase()));
        return;
    }
    if let Ok(i) = FULL_FOLDS.binary_search_by_key(&c, |entry| entry.0) {
        out.extend(FULL_FOLDS[i].1.iter().copied().filter(|&f| f != '\0'));
        return;
    }
    // A run holds `len` characters `stride` apart from `start`, each folding
    // to itself plus `delta`.
    let after = SIMPLE_FOLDS.partition_point(|run| run.0 <= code);
    if let Some(&(start, delta, len, stride)) = after.checked_sub(1).and_then(|i| SIMPLE_FOLDS.get(i)) {
        let offset = code - start;
        let stride = u32::from(stride);
        if offset % stride == 0 && offset / stride < u32::from(len) {
            if let Some(folded) = code.checked_add_signed(delta).and_then(char::from_u32) {
                out.extend(Some(folded));
                return;
            }
        }
    }
    out.extend(Some(c));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    use caseless::Caseless;
    use unicode_normalization::UnicodeNormalization;

    fn all_chars() -> impl Iterator<Item = char> {
        (0..=0x10FFFFu32).filter_map(char::from_u32)
    }

    fn crate_nfd(c: char) -> Vec<char> {
        std::iter::once(c).nfd().collect()
    }

    fn crate_fold(c: char) -> Vec<char> {
        std::iter::once(c).default_case_fold().collect()
    }

    fn push_varint(out: &mut Vec<u8>, mut value: u32) {
        while value >= 0x80 {
            out.push((value & 0x7F) as u8 | 0x80);
            value >>= 7;
        }
        out.push(value as u8);
    }

    fn push_bytes(out: &mut String, name: &str, bytes: &[u8]) {
        writeln!(out, "pub(crate) static {name}: [u8; {}] = [", bytes.len()).unwrap();
        for chunk in bytes.chunks(20) {
            let line: Vec<String> = chunk.iter().map(|b| b.to_string()).collect();
            writeln!(out, "    {},", line.join(", ")).unwrap();
        }
        out.push_str("];\n\n");
    }

    /// The Rust source of `unicode_tables.rs`, from the crates' answers for
    /// every code point.
    fn generate() -> String {
        let mut out = String::new();
        out.push_str("//! Generated by `UPDATE_UNICODE_TABLES=1 cargo test --lib unicode::tests::regenerate_tables`\n");
        out.push_str("//! from the crates `unicode-normalization` and `caseless`; do not edit.\n");
        out.push_str("//! The lookups and what each table means are in `unicode.rs`.\n\n");

        // Combining classes: the class that starts at each code point where
        // it changes, as `code << 8 | class`.
        let mut breaks = Vec::new();
        let mut previous = 0u8;
        for c in all_chars() {
            let class = unicode_normalization::char::canonical_combining_class(c);
            if class != previous {
                breaks.push((c as u32) << 8 | u32::from(class));
                previous = class;
            }
        }
        let mut packed = Vec::new();
        let mut previous_code = 0;
        for entry in &breaks {
            push_varint(&mut packed, (entry >> 8) - previous_code);
            push_varint(&mut packed, entry & 0xFF);
            previous_code = entry >> 8;
        }
        push_bytes(&mut out, "COMBINING_CLASSES_PACKED", &packed);

        // Decompositions, one level at a time: the full decomposition minus
        // its last character is itself a character's full decomposition.
        let mut by_decomposition = std::collections::HashMap::new();
        let mut full = Vec::new();
        for c in all_chars() {
            if (0xAC00..0xAC00 + 11172).contains(&(c as u32)) {
                continue;
            }
            let d = crate_nfd(c);
            if d != [c] {
                by_decomposition.insert(d.clone(), c);
                full.push((c, d));
            }
        }
        let mut entries = Vec::new();
        for (c, d) in &full {
            let entry = match d.len() {
                1 => (*c, d[0], '\0'),
                2 => (*c, d[0], d[1]),
                n => {
                    let prefix = &d[..n - 1];
                    let first = by_decomposition.get(prefix).copied().unwrap_or_else(|| panic!("no character decomposes to the head of {c:?}'s {d:?}"));
                    (*c, first, d[n - 1])
                }
            };
            entries.push(entry);
        }
        let (mut keys, mut firsts, mut seconds) = (Vec::new(), Vec::new(), Vec::new());
        let mut previous_key = 0;
        for &(c, first, second) in &entries {
            push_varint(&mut keys, c as u32 - previous_key);
            previous_key = c as u32;
            let distance = first as i64 - c as i64;
            push_varint(&mut firsts, if distance < 0 { (-distance * 2 - 1) as u32 } else { (distance * 2) as u32 });
            push_varint(&mut seconds, second as u32);
        }
        push_bytes(&mut out, "DECOMPOSED_PACKED", &keys);
        push_bytes(&mut out, "DECOMPOSITION_FIRST_PACKED", &firsts);
        push_bytes(&mut out, "DECOMPOSITION_SECOND_PACKED", &seconds);

        // Case folds to several characters, then runs of single folds.
        let mut full_folds = Vec::new();
        let mut singles = Vec::new();
        for c in all_chars().filter(|c| *c as u32 >= 0x80) {
            let f = crate_fold(c);
            if f.len() > 1 {
                let mut three = ['\0'; 3];
                three[..f.len()].copy_from_slice(&f);
                full_folds.push((c, three));
            } else if f[0] != c {
                singles.push((c as u32, f[0] as i64 - c as i64));
            }
        }
        writeln!(out, "pub(crate) static FULL_FOLDS: [(char, [char; 3]); {}] = [", full_folds.len()).unwrap();
        for (c, f) in &full_folds {
            let f: Vec<String> = f.iter().map(|x| format!("'\\u{{{:X}}}'", *x as u32)).collect();
            writeln!(out, "    ('\\u{{{:X}}}', [{}]),", *c as u32, f.join(", ")).unwrap();
        }
        out.push_str("];\n\n");
        // (start, delta, len, stride): consecutive folding characters only,
        // so runs never interleave and bisection finds the right one.
        let mut runs: Vec<(u32, i64, u32, u32)> = Vec::new();
        for &(code, delta) in &singles {
            if let Some(run) = runs.last_mut() {
                let last = run.0 + (run.2 - 1) * run.3;
                let stride = code - last;
                if run.1 == delta && run.2 < u8::MAX as u32 && ((run.2 == 1 && stride <= 2) || stride == run.3) {
                    run.3 = stride;
                    run.2 += 1;
                    continue;
                }
            }
            runs.push((code, delta, 1, 1));
        }
        writeln!(out, "pub(crate) static SIMPLE_FOLDS: [(u32, i32, u8, u8); {}] = [", runs.len()).unwrap();
        for (start, delta, len, stride) in &runs {
            writeln!(out, "    (0x{start:X}, {delta}, {len}, {stride}),").unwrap();
        }
        out.push_str("];\n");
        out
    }

    #[test]
    fn regenerate_tables() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/unicode_tables.rs");
        let generated = generate();
        if std::env::var_os("UPDATE_UNICODE_TABLES").is_some() {
            std::fs::write(path, generated).unwrap();
        } else {
            let current = std::fs::read_to_string(path).unwrap();
            assert!(current == generated, "src/unicode_tables.rs is stale: run UPDATE_UNICODE_TABLES=1 cargo test --lib unicode::tests::regenerate_tables");
        }
    }

    #[test]
    fn combining_classes_match_the_crate_for_every_code_point() {
        for c in all_chars() {
            assert_eq!(combining_class(c), unicode_normalization::char::canonical_combining_class(c), "{c:?}");
        }
    }

    #[test]
    fn decompositions_match_the_crate_for_every_code_point() {
        let mut ours = Vec::new();
        for c in all_chars() {
            nfd_into(std::iter::once(c), &mut ours);
            assert_eq!(ours, crate_nfd(c), "{c:?}");
        }
    }

    #[test]
    fn long_runs_of_marks_are_ordered_as_the_crate_orders_them() {
        let marks: Vec<char> = all_chars().filter(|&c| unicode_normalization::char::canonical_combining_class(c) != 0).collect();
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for len in [15, 16, 17, 40, 300] {
            for _ in 0..20 {
                let mut s = String::from("e");
                for _ in 0..len {
                    s.push(marks[(crate::xorshift(&mut seed) % marks.len() as u64) as usize]);
                }
                let mut ours = Vec::new();
                nfd_into(s.chars(), &mut ours);
                assert_eq!(ours, s.nfd().collect::<Vec<char>>(), "{s:?}");
            }
        }
    }

    #[test]
    fn case_folds_match_the_crate_for_every_code_point() {
        let mut ours = Vec::new();
        for c in all_chars() {
            ours.clear();
            case_fold_into(c, &mut ours);
            assert_eq!(ours, crate_fold(c), "{c:?}");
        }
    }

    /// What folding did with the crates: NFD, full case fold, NFD.
    fn crate_caseless(s: &str) -> String {
        s.nfd().default_case_fold().nfd().collect()
    }

    fn ours_caseless(s: &str) -> String {
        let mut nfd = Vec::new();
        nfd_into(s.chars(), &mut nfd);
        let mut folded = Vec::new();
        for c in nfd {
            case_fold_into(c, &mut folded);
        }
        let mut again = Vec::new();
        nfd_into(folded.into_iter(), &mut again);
        again.into_iter().collect()
    }

    #[test]
    fn whole_folding_matches_the_crates_for_every_code_point_and_mark_orders() {
        for c in all_chars() {
            let s = c.to_string();
            assert_eq!(ours_caseless(&s), crate_caseless(&s), "{c:?}");
            assert_eq!(ours_caseless(&s), crate_caseless(&s), "{c:?}");
        }
        // Marks of several classes in every order, on bases that decompose
        // or fold (U+0345 folds to a starter; U+1F80 carries it).
        let bases = ["a", "A", "\u{1E63}", "\u{1F80}", "\u{0130}", "\u{00DF}", "\u{0390}", "\u{AC01}", "\u{0F73}", ""];
        let marks = ['\u{0301}', '\u{0323}', '\u{0345}', '\u{0308}', '\u{031B}', '\u{0344}', '\u{0F71}', '\u{05B0}', '\u{0300}'];
        for base in bases {
            for a in marks {
                for b in marks {
                    for c in marks {
                        let s = format!("{base}{a}{b}{c}");
                        assert_eq!(ours_caseless(&s), crate_caseless(&s), "{s:?}");
                        let ours_nfd: String = {
                            let mut v = Vec::new();
                            nfd_into(s.chars(), &mut v);
                            v.into_iter().collect()
                        };
                        assert_eq!(ours_nfd, s.nfd().collect::<String>(), "{s:?}");
                    }
                }
            }
        }
    }
}
