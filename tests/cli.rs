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
    child.stdin.take().expect("stdin").write_all(stdin).expect("write stdin");
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
