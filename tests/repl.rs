//! `vigie repl` replayed from scripts: each `tests/repl_scripts/*.txt` is fed
//! on standard input (not a terminal: plain output, no prompt), with
//! `--echo` so that the snapshot reads as a transcript, input then output.
//!
//! The real-terminal side (completion, colours, history, multi-line
//! editing) is `tests/pty/test_repl.py`, run by `tests/pty/run.sh`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

struct Run {
    transcript: String,
    status: Option<i32>,
}

/// A fresh, empty directory for HOME and XDG_DATA_HOME, so that a test
/// can check the REPL wrote nothing there.
fn empty_home() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("vigie-repl-home-")
        .tempdir()
        .unwrap()
}

fn replay(script: &str, args: &[&str]) -> Run {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let input = std::fs::read_to_string(root.join("tests/repl_scripts").join(script)).unwrap();
    let home = empty_home();
    let home = home.path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .current_dir(root)
        .env("NO_COLOR", "1")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .arg("repl")
        .arg("--echo")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "nothing goes to stderr, got:\n{stderr}");
    // Scripted sessions keep no history.
    let written: Vec<_> = std::fs::read_dir(home).unwrap().collect();
    assert!(written.is_empty(), "the REPL wrote in HOME: {written:?}");
    Run {
        transcript: String::from_utf8(out.stdout).unwrap(),
        status: out.status.code(),
    }
}

#[test]
fn analyst_path_with_the_french_pack() {
    let run = replay("analyst.txt", &["rules/fr"]);
    insta::assert_snapshot!("analyst", run.transcript);
    // The evidence of `ad.body has euphemismes`, underlined.
    assert!(run
        .transcript
        .contains("^^^^^^^^^^^^^^^ euphemismes \"douche possible\""));
    assert_eq!(run.status, Some(0), "{}", run.transcript);
}

#[test]
fn a_session_on_a_small_pack() {
    let run = replay("session.txt", &[]);
    insta::assert_snapshot!("session", run.transcript);
    assert!(!run.transcript.contains("never read"));
    assert_eq!(run.status, Some(0), "{}", run.transcript);
}

#[test]
fn mistakes_are_reported_and_fail_the_replay() {
    let run = replay("errors.txt", &["tests/repl_scripts/mini.vigie"]);
    insta::assert_snapshot!("errors", run.transcript);
    // Every input after a mistake still ran.
    assert!(run.transcript.contains("90min : duration"));
    assert_eq!(run.status, Some(1), "{}", run.transcript);
}

#[test]
fn scan_summarises_a_file() {
    let run = replay("scan.txt", &["tests/repl_scripts/mini.vigie"]);
    insta::assert_snapshot!("scan", run.transcript);
    // Rejected records make the command, and so the replay, fail.
    assert_eq!(run.status, Some(1), "{}", run.transcript);
}

#[test]
fn a_pack_that_does_not_load_fails_the_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .current_dir(root)
        .env("NO_COLOR", "1")
        .args(["repl", "tests/repl_scripts/nowhere"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("error: cannot read"));
}

#[test]
fn a_clean_replay_exits_0_and_prints_only_results() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .current_dir(root)
        .env("NO_COLOR", "1")
        .args(["repl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"len(\"abc\") + 1\n\n# a comment\n:type [1h, 2d]\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    // No prompt, no banner, no colour: only what each input gave.
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "4 : number\nlist<duration>\n"
    );
}

/// What is typed at the prompt has the limits of a declaration (E0009):
/// 100,000 parentheses, `not`s, brackets or `+` are refused with the
/// limit named, and the session goes on (it was a stack overflow).
#[test]
fn deeply_nested_input_is_refused_with_the_limit_and_the_session_goes_on() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let home = empty_home();
    let home = home.path();
    let n = 100_000;
    let input = format!(
        "{}1{}\n{}true\n:type {}{}\n1{}\n1 + 1\n",
        "(".repeat(n),
        ")".repeat(n),
        "not ".repeat(n),
        "[".repeat(n),
        "]".repeat(n),
        " + 1".repeat(n),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .current_dir(root)
        .env("NO_COLOR", "1")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .args(["repl", "tests/repl_scripts/mini.vigie"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(stdout.matches("E0009").count(), 4, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("nests brackets more than 64 deep"),
        "{stdout}"
    );
    assert!(stdout.contains("holds more than 500 operators"), "{stdout}");
    assert!(stdout.contains("2 : number"), "{stdout}");
}
