//! The command-line tool, run as a user runs it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_entity-highlighter"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // A tool that refuses its dictionary exits without reading standard
    // input; the broken pipe that leaves is not the test's concern.
    let _ = child.stdin.take().expect("stdin").write_all(stdin);
    child.wait_with_output().expect("the binary finishes")
}

fn temp_file(name: &str, contents: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("entity-highlighter-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write temp file");
    path.to_string_lossy().into_owned()
}

const DICTIONARY: &str = r#"{"entities":[
  {"id":"country:georgia","name":"Georgia","type":"country","summary":"A country."},
  {"id":"region:us-ga","name":"Georgia","type":"region","summary":"A US state."},
  {"id":"city:baku-az","name":"Baku","type":"city","summary":"A city."}
]}"#;

#[test]
fn match_prints_one_json_line_per_mention_with_utf16_offsets() {
    let dict = temp_file("dict.json", DICTIONARY.as_bytes());
    let output = run(&["match", "--dict", &dict, "-"], "😀 Baku and Georgia".as_bytes());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["entity"], "city:baku-az");
    assert_eq!(lines[0]["name"], "Baku");
    assert_eq!(lines[0]["type"], "city");
    assert_eq!(lines[0]["text"], "Baku");
    assert_eq!((lines[0]["start"].as_u64(), lines[0]["end"].as_u64()), (Some(3), Some(7)));
    assert!(lines[0].get("candidates").is_none());
    let candidates: Vec<&str> = lines[1]["candidates"].as_array().unwrap().iter().map(|c| c["entity"].as_str().unwrap()).collect();
    assert_eq!(candidates, ["country:georgia", "region:us-ga"]);
}

#[test]
fn match_reads_a_file_and_uses_the_bundled_dictionary_by_default() {
    let text = temp_file("text.txt", "Talks in Baku and Yerevan.".as_bytes());
    let output = run(&["match", &text], b"");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains(r#""text":"Baku""#), "{stdout}");
    assert!(stdout.contains(r#""text":"Yerevan""#), "{stdout}");
}

#[test]
fn check_accepts_a_good_dictionary() {
    let dict = temp_file("good.json", DICTIONARY.as_bytes());
    let output = run(&["check", &dict], b"");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("ok, 3 entities, 3 names"));
}

#[test]
fn check_reads_a_compact_index_against_its_checksums() {
    let dict = temp_file("for-index.json", DICTIONARY.as_bytes());
    let index = temp_file("checked.ehx", b"");
    assert!(run(&["index", &dict, "-o", &index], b"").status.success());
    let output = run(&["check", &index], b"");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("ok, a compact index of 3 entities, 3 names; its checksums match"));
    // From standard input too, told apart by its first bytes.
    let output = run(&["check", "-"], &std::fs::read(&index).unwrap());
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("-: ok, a compact index of 3 entities"));
    // One letter of a canonical name changed.
    let mut bytes = std::fs::read(&index).unwrap();
    let at = bytes.windows(4).position(|window| window == b"Baku").expect("a canonical name");
    bytes[at] = b'b';
    let damaged = temp_file("damaged.ehx", &bytes);
    let output = run(&["check", &damaged], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("damaged.ehx: the index file is damaged between bytes 0 and"), "{}", stderr_of(&output));
}

#[test]
fn check_lists_every_problem_and_fails() {
    let dict = temp_file("bad.json", br#"{"entities":[{"id":"a","name":"","type":"city","summary":"s"},{"id":"b","name":"B","type":"city","summary":"s","url":"javascript:alert(1)"}]}"#);
    let output = run(&["check", &dict], b"");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("2 problems"), "{stderr}");
    assert!(stderr.contains("entities[0] (id \"a\"), name: empty name"), "{stderr}");
    assert!(stderr.contains("entities[1] (id \"b\"), url"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn syntax_errors_say_line_and_column() {
    let dict = temp_file("syntax.json", b"{\"entities\": [\n  {\"id\": \"a\" \"name\": \"x\"}\n]}");
    let output = run(&["check", &dict], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("line 2, column 14: JSON syntax error"), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn invalid_utf8_and_control_characters_are_refused_with_where() {
    let dict = temp_file("latin1.json", b"{\"entities\": [{\"id\": \"a\", \"name\": \"Bak\xfc\"}]}");
    let output = run(&["check", &dict], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not valid UTF-8"));

    let dict = temp_file("control.json", br#"{"entities":[{"id":"a","name":"Ba\u0007ku","type":"city","summary":"s"}]}"#);
    let output = run(&["check", &dict], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("control character"));

    let output = run(&["match", "-"], b"Baku \xff");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not valid UTF-8 at byte 5"));
}

#[test]
fn usage_errors_exit_2_and_missing_files_exit_1() {
    assert_eq!(run(&[], b"").status.code(), Some(2));
    assert_eq!(run(&["frobnicate"], b"").status.code(), Some(2));
    assert_eq!(run(&["match", "--dict"], b"").status.code(), Some(2));
    assert_eq!(run(&["match", "--bogus"], b"").status.code(), Some(2));
    let missing = run(&["check", "/nonexistent/dictionary.json"], b"");
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read \"/nonexistent/dictionary.json\""));
}

#[test]
fn oversized_dictionaries_are_refused_with_the_limit() {
    let dict = temp_file("big.json", DICTIONARY.as_bytes());
    let output = run(&["check", "--max-size", "100", &dict], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("the limit is 100 bytes"));
}

/// Runs the tool with its address space capped at `limit_mib` by the
/// shell's `ulimit -v`: that is the bound the tests rely on, since needing
/// more cannot pass unnoticed (the allocation fails and the tool aborts
/// instead of exiting 1 with its message). The peak resident size (VmHWM,
/// Linux), polled while the tool runs, is reported too; a run shorter than
/// the polling interval reads 0. Returns the output, that peak in KiB and
/// the wall time.
fn run_limited(args: &[&str], limit_mib: u64) -> (Output, u64, std::time::Duration) {
    let started = std::time::Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v "$1" && shift && exec "$@""#)
        .arg("sh")
        .arg((limit_mib * 1024).to_string())
        .arg(env!("CARGO_BIN_EXE_entity-highlighter"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    while child.try_wait().expect("wait").is_none() {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            let hwm = status.lines().find_map(|line| line.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak_kib = peak_kib.max(hwm.unwrap_or(0));
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let output = child.wait_with_output().expect("output");
    (output, peak_kib, started.elapsed())
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_fifty_megabyte_dictionary_is_refused_before_it_is_read() {
    // Valid JSON padded to 50 MB: only the size is wrong. Refused from the
    // file's size, within a 48 MiB address space that could not even hold
    // the file.
    let mut bytes = DICTIONARY.as_bytes().to_vec();
    bytes.resize(50 * 1000 * 1000, b' ');
    let dict = temp_file("fifty.json", &bytes);
    drop(bytes);
    let text = temp_file("fifty-text.txt", b"Baku");
    let out = temp_file("fifty.ehix", b"");
    for args in [vec!["check", dict.as_str()], vec!["match", "--dict", dict.as_str(), text.as_str()], vec!["index", dict.as_str(), "-o", out.as_str()]] {
        let (output, peak_kib, time) = run_limited(&args, 48);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {}", stderr_of(&output));
        assert!(stderr_of(&output).contains("file: the file is 50000000 bytes; the limit is 33554432 bytes (32 MiB): make a compact index of a larger dictionary with `entity-highlighter index --max-size BYTES`"), "{args:?}: {}", stderr_of(&output));
        assert!(output.stdout.is_empty(), "{args:?} printed {:?}", String::from_utf8_lossy(&output.stdout));
        assert!(time < std::time::Duration::from_secs(5), "{args:?} took {time:?}");
        println!("{args:?}: refused in {time:?}, peak resident {peak_kib} KiB");
        assert!(peak_kib < 16 * 1024, "{args:?}: peak resident {peak_kib} KiB");
    }
    // Within a raised limit the size is no longer the problem.
    let (output, _, _) = run_limited(&["check", "--max-size", "60000000", &dict], 256);
    assert!(output.status.success(), "{}", stderr_of(&output));
    std::fs::remove_file(&dict).ok();
}

#[test]
fn a_dictionary_piped_in_over_the_limit_is_refused_without_reading_it_all() {
    let mut bytes = DICTIONARY.as_bytes().to_vec();
    bytes.resize(2_000, b' ');
    let output = run(&["check", "--max-size", "1000", "-"], &bytes);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("-: the dictionary was refused: it is more than 1000 bytes, the limit; raise it with --max-size"), "{}", stderr_of(&output));
}

#[test]
fn a_bad_dictionary_prints_no_mentions() {
    // Good entities that the text names, and one bad one: nothing is
    // matched, nothing printed, the exit status says so.
    let dict = temp_file(
        "half.json",
        br#"{"entities":[{"id":"city:baku","name":"Baku","type":"city","summary":"s"},{"id":"city:x","name":"X","type":"city","summary":"s","url":"javascript:alert(1)"}]}"#,
    );
    let output = run(&["match", "--dict", &dict, "-"], b"Baku and X.");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "{:?}", String::from_utf8_lossy(&output.stdout));
    assert!(stderr_of(&output).contains("entities[1] (id \"city:x\"), url: \"javascript:\" links are not allowed"), "{}", stderr_of(&output));
    let truncated = temp_file("truncated.json", br#"{"entities":[{"id":"city:baku","name":"Baku","type":"city","summary":"s"},"#);
    let output = run(&["match", "--dict", &truncated, "-"], b"Baku");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(stderr_of(&output).contains("line 1, column 75: the file ends too early"), "{}", stderr_of(&output));
}

#[test]
fn invalid_utf8_says_line_column_and_byte_for_dictionaries_and_texts() {
    let dict = temp_file("latin1-3.json", b"{\"entities\":[\n{\"id\":\"a\",\n\"name\":\"Bak\xfc\",\"type\":\"x\",\"summary\":\"s\"}]}");
    let expected = "line 3, column 12: the file is not valid UTF-8 (byte 36 is not part of a UTF-8 character); save it as UTF-8";
    for args in [vec!["check", dict.as_str()], vec!["match", "--dict", dict.as_str(), "-"]] {
        let output = run(&args, b"Baku");
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(stderr_of(&output).contains(expected), "{args:?}: {}", stderr_of(&output));
        assert!(output.stdout.is_empty());
    }
    let good = temp_file("utf8-good.json", DICTIONARY.as_bytes());
    let text = temp_file("latin1.txt", b"Baku\nand Georgia\nin Bak\xfc");
    for args in [vec!["match", text.as_str()], vec!["match", "--dict", good.as_str(), text.as_str()]] {
        let output = run(&args, b"");
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(stderr_of(&output).contains("not valid UTF-8 at byte 23 (line 3)"), "{args:?}: {}", stderr_of(&output));
        assert!(output.stdout.is_empty(), "{args:?}: mentions before the bad byte were printed");
    }
}

#[test]
fn a_million_bad_entries_give_a_capped_report_in_bounded_memory() {
    let json = format!("{{\"entities\":[{}]}}", vec!["1"; 1_000_000].join(","));
    let dict = temp_file("million-bad.json", json.as_bytes());
    let (output, peak_kib, time) = run_limited(&["check", &dict], 128);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("the dictionary was refused: 1000000 problems"), "{stderr:.300}");
    assert!(stderr.trim_end().ends_with("... and 999800 more"), "{}", &stderr[stderr.len().saturating_sub(200)..]);
    assert!(stderr.lines().count() <= 202, "{} lines", stderr.lines().count());
    println!("a million bad entries ({} bytes): {time:?}, peak resident {peak_kib} KiB", json.len());
    assert!(peak_kib < 32 * 1024, "peak resident {peak_kib} KiB");
}

#[test]
fn control_characters_and_long_names_are_refused_with_where() {
    let long = "N".repeat(10_000);
    let dict = temp_file(
        "controls.json",
        format!(r#"{{"entities":[{{"id":"a","name":"Ba\u0000ku","type":"x","summary":"bell \u0007"}},{{"id":"b","name":"B\u202Eb","type":"x","summary":"s"}},{{"id":"c","name":"{long}","type":"x","summary":"s"}}]}}"#).as_bytes(),
    );
    let output = run(&["check", &dict], b"");
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    for expected in [
        "entities[0] (id \"a\"), summary: contains the control character U+0007 at character 6",
        "entities[0] (id \"a\"), name: \"Ba\\0ku\" contains the control character or line separator U+0000 at character 3",
        "entities[1] (id \"b\"), name: \"B\\u{202e}b\" contains the invisible bidirectional control U+202E at character 2",
        "entities[2] (id \"c\"), name: name of 10000 characters; the limit is 200",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in {stderr}");
    }
    assert!(stderr.len() < 1_000, "the report copies the long name: {} bytes", stderr.len());
}
