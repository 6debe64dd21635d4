//! `vigie scan` and `vigie check` as a user runs them: the binary, real
//! files, exit statuses, stdout and stderr.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn vigie() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigie"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn run(args: &[&str]) -> Output {
    vigie().args(args).output().expect("vigie runs")
}

/// Runs vigie with `input` on its standard input.
fn run_with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = vigie()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch directory for one test, removed when it is dropped.
fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("vigie-test-{name}-"))
        .tempdir()
        .unwrap()
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
}

const SUSPECT: &str = r#"{"id":"s1","title":"Moment d'évasion","body":"Douche possible, 30min=80, 1h 150. Discrétion assurée, snap: x"}"#;
const ORDINARY: &str = r#"{"id":"o1","title":"Canapé","body":"Très bon état, 150 € à débattre"}"#;

#[test]
fn bundled_ads_scan_with_all_records_read() {
    let o = run(&[
        "scan",
        "rules/fr",
        "examples/annonces.jsonl",
        "--format",
        "jsonl",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines = stdout(&o).lines().count();
    assert!(lines > 20, "expected flagged ads, got {lines}");
    let summary = stderr(&o);
    let total = std::fs::read_to_string("examples/annonces.jsonl")
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    assert!(
        summary.contains(&format!(
            "{total} records read: {total} scanned, 0 rejected; {lines} flagged"
        )),
        "{summary}"
    );
}

#[test]
fn malformed_lines_are_reported_with_file_and_line_and_the_scan_goes_on() {
    let scratch = scratch("malformed");
    let dir = scratch.path();
    let input = dir.join("ads.jsonl");
    let lines = [
        SUSPECT,
        "{not json",
        r#"{"id":"w1","title":12,"body":"x"}"#,
        r#"{"id":"m1","body":"x"}"#,
        r#"["an array"]"#,
        r#"{"id":"p1","title":"t","body":"b","phone":"appelez-moi"}"#,
        r#"{"id":"t1","title":"t","body":"b","posted_at":"hier"}"#,
        "",
        ORDINARY,
    ];
    write(&input, lines.join("\n").as_bytes());
    let o = run(&[
        "scan",
        "rules/fr",
        input.to_str().unwrap(),
        "--format",
        "jsonl",
        "--all",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "rejections give status 1: {err}");
    let name = input.display().to_string();
    for (line, reason) in [
        (2, "invalid JSON"),
        (3, "field `title`: expected a string, found a number"),
        (4, "missing required field `title`"),
        (5, "expected a JSON object, found an array"),
        (6, "field `phone`: `appelez-moi` is not a phone number"),
        (7, "field `posted_at`: `hier` is not an RFC 3339 time"),
    ] {
        let expected = format!("{name}:{line}: {reason}");
        assert!(err.contains(&expected), "missing `{expected}` in:\n{err}");
    }
    // The blank line 8 is not a record; 8 records read = 2 scanned + 6 rejected.
    assert!(
        err.contains("8 records read: 2 scanned, 6 rejected; 1 flagged"),
        "{err}"
    );
    let ids: Vec<String> = stdout(&o)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, ["s1", "o1"]);
}

#[test]
fn invalid_utf8_is_rejected_with_its_line() {
    let scratch = scratch("utf8");
    let dir = scratch.path();
    let input = dir.join("ads.jsonl");
    let mut bytes = Vec::new();
    bytes.extend_from_slice(ORDINARY.as_bytes());
    bytes.extend_from_slice(b"\n{\"id\":\"x\",\"title\":\"caf\xe9\",\"body\":\"b\"}\n");
    bytes.extend_from_slice(SUSPECT.as_bytes());
    write(&input, &bytes);
    let o = run(&[
        "scan",
        "rules/fr",
        input.to_str().unwrap(),
        "--format",
        "jsonl",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        // The first bad byte, counted from 1: the `\xe9` after `caf`.
        err.contains(&format!(
            "{}:2: invalid UTF-8 at byte 23 of the line",
            input.display()
        )),
        "{err}"
    );
    assert!(
        err.contains("3 records read: 2 scanned, 1 rejected; 1 flagged"),
        "{err}"
    );
}

#[test]
fn empty_input_reads_nothing_and_succeeds() {
    let scratch = scratch("empty");
    let dir = scratch.path();
    let input = dir.join("empty.jsonl");
    write(&input, b"");
    let o = run(&["scan", "rules/fr", input.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("0 records read: 0 scanned, 0 rejected; 0 flagged"));
}

#[test]
fn a_ten_megabyte_line_is_scanned_and_evidence_found_at_its_end() {
    let scratch = scratch("big");
    let dir = scratch.path();
    let input = dir.join("big.jsonl");
    let filler = "Très bon état, à venir chercher sur place. ".repeat(10 * 1024 * 1024 / 44);
    let body = format!("{filler}Moment d'évasion, douche possible, 30min=80, 1h 150.");
    let line = serde_json::json!({"id": "big", "title": "Annonce", "body": body}).to_string();
    assert!(line.len() > 10 * 1024 * 1024);
    write(&input, line.as_bytes());
    let o = run(&[
        "scan",
        "rules/fr",
        input.to_str().unwrap(),
        "--format",
        "jsonl",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let verdict: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let evidence = &verdict["rules"][0]["evidence"][0];
    let start = evidence["start"].as_u64().unwrap() as usize;
    assert_eq!(
        &body[start..evidence["end"].as_u64().unwrap() as usize],
        evidence["text"].as_str().unwrap()
    );
    assert!(start > filler.len() - 1);
}

#[test]
fn stdin_is_read_with_a_dash_or_no_input() {
    for args in [
        &["scan", "rules/fr", "-", "--format", "jsonl"][..],
        &["scan", "rules/fr", "--format", "jsonl"][..],
    ] {
        let o = run_with_stdin(args, format!("{SUSPECT}\n{ORDINARY}\nnope\n").as_bytes());
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("<stdin>:3: invalid JSON"),
            "{}",
            stderr(&o)
        );
        assert_eq!(stdout(&o).lines().count(), 1);
    }
}

/// Every verdict line has exactly the documented shape, and every piece of
/// evidence is the exact text of its span in the original field.
#[test]
fn jsonl_verdicts_match_the_documented_format() {
    let o = run(&[
        "scan",
        "rules/fr",
        "examples/annonces.jsonl",
        "--format",
        "jsonl",
        "--all",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let originals: std::collections::HashMap<String, serde_json::Value> =
        std::fs::read_to_string("examples/annonces.jsonl")
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (v["id"].as_str().unwrap().to_string(), v)
            })
            .collect();
    let mut evidence_seen = 0;
    for line in stdout(&o).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let obj = v.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort();
        // `late` and `untimed` appear only when true.
        for optional in ["late", "untimed"] {
            if let Some(flag) = obj.get(optional) {
                assert_eq!(flag, true);
                keys.retain(|k| *k != optional);
            }
        }
        assert_eq!(keys, ["flagged", "id", "rules", "score"]);
        let score = v["score"].as_f64().unwrap();
        let mut sum = 0.0;
        for rule in v["rules"].as_array().unwrap() {
            let mut keys: Vec<&str> = rule
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            keys.sort();
            // `related` (stream rules) appears only when not empty.
            if let Some(related) = rule.get("related") {
                let ids = related.as_array().unwrap();
                assert!(!ids.is_empty());
                assert!(ids
                    .iter()
                    .all(|i| originals.contains_key(i.as_str().unwrap())));
                keys.retain(|k| *k != "related");
            }
            assert_eq!(keys, ["evidence", "level", "rule", "score"]);
            assert!(["low", "medium", "high"].contains(&rule["level"].as_str().unwrap()));
            sum += rule["score"].as_f64().unwrap();
            for ev in rule["evidence"].as_array().unwrap() {
                let mut keys: Vec<&str> =
                    ev.as_object().unwrap().keys().map(String::as_str).collect();
                keys.sort();
                assert_eq!(keys, ["end", "field", "start", "text", "via"]);
                let original = originals[v["id"].as_str().unwrap()][ev["field"].as_str().unwrap()]
                    .as_str()
                    .unwrap();
                let (s, e) = (
                    ev["start"].as_u64().unwrap() as usize,
                    ev["end"].as_u64().unwrap() as usize,
                );
                assert_eq!(&original[s..e], ev["text"].as_str().unwrap());
                assert!(!ev["via"].as_str().unwrap().is_empty());
                evidence_seen += 1;
            }
        }
        assert!((sum - score).abs() < 1e-9, "score is the sum of the rules");
        assert_eq!(v["flagged"].as_bool().unwrap(), score >= 60.0);
    }
    assert!(evidence_seen > 100);
}

#[test]
fn pretty_output_underlines_the_evidence() {
    let scratch = scratch("pretty");
    let dir = scratch.path();
    let input = dir.join("ads.jsonl");
    write(&input, format!("{SUSPECT}\n").as_bytes());
    let o = run(&[
        "scan",
        "rules/fr",
        input.to_str().unwrap(),
        "--format",
        "pretty",
    ]);
    let out = stdout(&o);
    assert!(out.contains("s1  score"), "{out}");
    assert!(out.contains("FLAGGED"));
    // The caret line sits under "Douche possible" in the body line.
    let lines: Vec<&str> = out.lines().collect();
    let body = lines
        .iter()
        .position(|l| l.contains("body: Douche possible"))
        .expect("body snippet");
    let caret = lines[body + 1];
    let col = lines[body].find("Douche").unwrap();
    assert_eq!(caret.find('^'), Some(col));
    assert!(caret.contains(&"^".repeat("Douche possible".len())));
}

#[test]
fn a_closed_output_pipe_stops_the_scan_with_an_error() {
    let scratch = scratch("pipe");
    let dir = scratch.path();
    let input = dir.join("many.jsonl");
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&SUSPECT.replace("\"s1\"", &format!("\"s{i}\"")));
        text.push('\n');
    }
    write(&input, text.as_bytes());
    stops_on_a_closed_pipe(&[
        "scan",
        "rules/fr",
        input.to_str().unwrap(),
        "--format",
        "jsonl",
        // The reading, scanning and writing threads must all stop.
        "--threads",
        "2",
    ]);
}

/// Runs `vigie ARGS`, reads the first bytes of its output and closes it:
/// the scan must stop with status 2 and say why.
fn stops_on_a_closed_pipe(args: &[&str]) {
    let mut child = vigie()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    let mut out = child.stdout.take().unwrap();
    out.read_exact(&mut first).unwrap();
    drop(out);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(2), "{args:?}: {err}");
    assert!(err.contains("cannot write the verdicts"), "{err}");
}

/// A full disk (`/dev/full`: every write fails with ENOSPC) stops the scan
/// with a message and status 2, on every output format and thread count.
#[test]
fn a_full_disk_stops_the_scan_with_an_error() {
    if !Path::new("/dev/full").exists() {
        eprintln!("no /dev/full on this system; skipped");
        return;
    }
    for args in [
        &["--format", "jsonl", "--all", "--threads", "2"][..],
        &["--format", "pretty", "--threads", "2"][..],
        &["--format", "jsonl", "--threads", "1"][..],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = vigie()
            .args(["scan", "rules/fr", "examples/annonces.jsonl"])
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("cannot write the verdicts: No space left on device"),
            "{args:?}: {err}"
        );
        assert!(err.contains("the scan stopped"), "{args:?}: {err}");
    }
}

#[test]
fn unknown_pack_or_input_is_a_usage_error() {
    let o = run(&["scan", "no/such/pack", "examples/annonces.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read no/such/pack"),
        "{}",
        stderr(&o)
    );
    let o = run(&["scan", "rules/fr", "no-such-file.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot open no-such-file.jsonl"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_reports_status_and_json() {
    let o = run(&["check", "rules/fr"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("fr: ok"));

    let scratch = scratch("check");
    let dir = scratch.path();
    let file = dir.join("broken.vigie");
    write(
        &file,
        b"pack p\n  threshold 10\nlexicon l { \"abc\" }\nrule r {\n  when ad.bdy has l\n  score 20\n}\n",
    );
    let o = run(&["check", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let diags: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let d = &diags[0];
    assert_eq!(d["code"], "E0103");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["primary"]["line"], 5);
    assert_eq!(d["primary"]["column"], 11);
    assert_eq!(d["help"], "did you mean `body`?");
    assert_eq!(d["fix"]["replacement"], "body");
}

#[test]
fn explain_prints_pages_and_rejects_unknown_codes() {
    let o = run(&["explain", "e0101"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("E0101: name defined twice"));
    let o = run(&["explain"]);
    assert!(stdout(&o).lines().count() >= 30);
    let o = run(&["explain", "E0100"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean"), "{}", stderr(&o));
}

/// A 100 MB ad is over the default line limit (16 MiB): rejected with the
/// limit named, read through without being held, and the next line is
/// scanned.
#[test]
fn a_hundred_megabyte_line_is_rejected_with_its_limit() {
    let mut child = vigie()
        .args(["scan", "rules/fr", "-", "--format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        stdin
            .write_all(br#"{"id":"huge","title":"t","body":""#)
            .unwrap();
        let chunk = "Très bon état. ".repeat(4096);
        let mut written = 0;
        while written < 100 * 1024 * 1024 {
            stdin.write_all(chunk.as_bytes()).unwrap();
            written += chunk.len();
        }
        stdin.write_all(b"\"}\n").unwrap();
        stdin.write_all(SUSPECT.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
    });
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("<stdin>:1: the line is 1048"), "{err}");
    assert!(
        err.contains("over the limit of 16777216 bytes (raise it with --max-line-bytes)"),
        "{err}"
    );
    assert!(
        err.contains("2 records read: 1 scanned, 1 rejected; 1 flagged"),
        "{err}"
    );
}

/// A pack shared by someone else cannot make Vigie read a file outside its
/// folder: a `.vigie` link pointing out of it is refused by name (its text
/// would otherwise show in diagnostics); a link within the folder is fine.
#[test]
fn a_pack_with_a_link_out_of_its_folder_is_refused() {
    let scratch = scratch("link-out");
    let dir = scratch.path();
    let pack = dir.join("pack");
    std::fs::create_dir_all(&pack).unwrap();
    let secret = dir.join("secret.txt");
    write(&secret, b"the key is 1234\n");
    write(
        &pack.join("a.vigie"),
        b"pack p\n  threshold 10\nrule r {\n  when ad.body has \"x\"\n  score 10\n}\n",
    );
    std::os::unix::fs::symlink(pack.join("a.vigie"), pack.join("b.vigie")).unwrap();
    let ok = run(&["check", pack.to_str().unwrap()]);
    assert!(
        !stderr(&ok).contains("outside"),
        "a link within the folder is read: {}",
        stderr(&ok)
    );
    std::os::unix::fs::symlink(&secret, pack.join("c.vigie")).unwrap();
    for command in ["check", "test"] {
        let out = run(&[command, pack.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        let err = stderr(&out);
        assert!(
            err.contains("c.vigie is a link to a file outside the pack's folder"),
            "{command}: {err}"
        );
        assert!(!err.contains("1234"), "{command}: {err}");
    }
}

/// A pack without stream rules, for the scan whose workers read their own
/// parts of each file (`cli/split.rs`).
const STATELESS: &[u8] =
    b"pack p\n  threshold 10\nlexicon l { \"douche possible\" \"discr\xc3\xa9tion\" }\nrule r {\n  when ad.body has l\n  score 20\n}\n";

/// Lines of every kind, over several 1 MiB ranges: records, flagged or
/// not, broken JSON, invalid UTF-8, blank lines, CRLF ends and a line over
/// `--max-line-bytes`.
fn many_kinds_of_lines(n: usize) -> Vec<u8> {
    let mut text = Vec::new();
    for i in 0..n {
        let line = match i % 97 {
            13 => b"{\"id\": broken".to_vec(),
            29 => b"{\"id\":\"u\",\"body\":\"caf\xe9\"}".to_vec(),
            41 => Vec::new(),
            53 => format!("{{\"id\":\"x{i}\",\"body\":\"{}\"}}", "a".repeat(5000)).into_bytes(),
            _ if i % 3 == 0 => SUSPECT.replace("\"s1\"", &format!("\"s{i}\"")).into_bytes(),
            _ => ORDINARY
                .replace("\"o1\"", &format!("\"o{i}\""))
                .into_bytes(),
        };
        text.extend_from_slice(&line);
        text.extend_from_slice(if i % 7 == 0 { b"\r\n" } else { b"\n" });
    }
    text
}

/// With one, two or three threads, the same verdicts, the same rejections
/// (with the same line numbers), the same summary and status, for two
/// files of several ranges each.
#[test]
fn threads_agree_on_files_without_stream_rules() {
    let scratch = scratch("split");
    let dir = scratch.path();
    let pack = dir.join("p.vigie");
    write(&pack, STATELESS);
    let (a, b) = (dir.join("a.jsonl"), dir.join("b.jsonl"));
    write(&a, &many_kinds_of_lines(30_000));
    write(&b, &many_kinds_of_lines(2_000));
    assert!(std::fs::metadata(&a).unwrap().len() > 3 << 20);
    let scan = |threads: &str| {
        run(&[
            "scan",
            pack.to_str().unwrap(),
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--all",
            "--format",
            "jsonl",
            "--max-line-bytes",
            "4096",
            "--threads",
            threads,
        ])
    };
    let one = scan("1");
    let err = stderr(&one);
    assert_eq!(one.status.code(), Some(1), "{err}");
    assert!(err.contains("a.jsonl:14: invalid JSON"), "{err}");
    assert!(err.contains("b.jsonl:30: invalid UTF-8"), "{err}");
    assert!(err.contains("over the limit of 4096 bytes"), "{err}");
    assert!(stdout(&one).lines().count() > 20_000);
    for threads in ["2", "3"] {
        let other = scan(threads);
        assert_eq!(other.status.code(), one.status.code(), "{threads}");
        assert_eq!(stderr(&other), err, "{threads} threads");
        assert!(
            other.stdout == one.stdout,
            "{threads} threads: other verdicts"
        );
    }
}

/// The workers reading their own parts stop too when the output is gone.
#[test]
fn a_closed_pipe_or_a_full_disk_stops_the_split_scan() {
    let scratch = scratch("split-stop");
    let dir = scratch.path();
    let pack = dir.join("p.vigie");
    write(&pack, STATELESS);
    let input = dir.join("many.jsonl");
    write(&input, &many_kinds_of_lines(40_000));
    let args = [
        "scan",
        pack.to_str().unwrap(),
        input.to_str().unwrap(),
        "--format",
        "jsonl",
        "--all",
        "--threads",
        "2",
    ];
    stops_on_a_closed_pipe(&args);
    if Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = vigie().args(args).stdout(full).output().unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("cannot write the verdicts"), "{err}");
    }
}

/// An input that fails to read (a directory: it opens, then reading fails)
/// stops the scan with status 2, after the lines already read from the
/// inputs before it are scanned and written.
#[test]
fn lines_read_before_an_input_error_are_written() {
    let scratch = scratch("read-error");
    let dir = scratch.path();
    let pack = dir.join("p.vigie");
    write(&pack, STATELESS);
    let good = dir.join("good.jsonl");
    write(&good, &many_kinds_of_lines(30));
    for threads in ["1", "2"] {
        let o = run(&[
            "scan",
            pack.to_str().unwrap(),
            good.to_str().unwrap(),
            dir.to_str().unwrap(),
            "--all",
            "--format",
            "jsonl",
            "--threads",
            threads,
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{threads}: {err}");
        assert!(err.contains("cannot read"), "{err}");
        assert!(err.contains("30 records read"), "{threads}: {err}");
        // Two of the 30 are rejected (broken JSON, invalid UTF-8).
        assert_eq!(stdout(&o).lines().count(), 28, "{threads}: {err}");
    }
}

/// The same with stream rules and standard input first: the lines the
/// reorder buffer holds when the next input fails are scanned and written.
#[test]
fn lines_held_for_reordering_are_written_before_an_input_error() {
    let scratch = scratch("reorder-error");
    let dir = scratch.path();
    let ads = std::fs::read_to_string("examples/annonces.jsonl").unwrap();
    let count = ads.lines().filter(|l| !l.trim().is_empty()).count();
    for threads in ["1", "2"] {
        let o = run_with_stdin(
            &[
                "scan",
                "rules/fr",
                "-",
                dir.to_str().unwrap(),
                "--all",
                "--format",
                "jsonl",
                "--threads",
                threads,
            ],
            ads.as_bytes(),
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{threads}: {err}");
        assert!(err.contains("cannot read"), "{err}");
        assert!(
            err.contains(&format!("{count} records read: {count} scanned")),
            "{threads}: {err}"
        );
        assert_eq!(stdout(&o).lines().count(), count, "{threads}: {err}");
    }
}
