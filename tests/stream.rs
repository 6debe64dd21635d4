//! Stream indicators: windows, order, missing times, memory, threads.

use std::io::Write;
use std::process::{Command, Stdio};

const PACK: &str = r#"
pack flux "Flux"
  threshold 10

rule republication {
  when count(by: ad.phone, within: 24h) >= 3
  score 10
}

rule tournee {
  when distinct(ad.city, by: ad.phone, within: 14d) >= 3
  score 10
}

rule gabarit {
  when count(by: fingerprint(ad.body), within: 1h) >= 2
  score 10
}

rule couple {
  when count(by: [ad.phone, ad.city], within: 1d) >= 2
  score 10
}
"#;

fn pack() -> vigie::Pack {
    vigie::Pack::from_source("flux.vigie", PACK).unwrap_or_else(|e| panic!("{e}"))
}

fn ad(id: usize, phone: &str, city: &str, time: &str) -> String {
    serde_json::json!({"id": id.to_string(), "title": "t", "body": format!("annonce {id}"), "phone": phone, "city": city, "posted_at": time}).to_string()
}

/// Scans lines in order; the names of the rules that fired on each.
fn fired(lines: &[String]) -> Vec<Vec<String>> {
    let pack = pack();
    let mut scanner = pack.scanner();
    lines
        .iter()
        .map(|l| {
            let v = scanner.scan(&scanner.decode(l).unwrap());
            v.rules.into_iter().map(|r| r.rule).collect()
        })
        .collect()
}

#[test]
fn count_includes_the_ad_exactly_at_the_window_edge() {
    let p = "06 39 98 00 01";
    // 24 h window: 10:00, 22:00, then 10:00 next day (exactly 24 h after the
    // first: inside), then 10:00:01 the day after that (the first two are
    // out, only two remain).
    let lines = [
        ad(1, p, "Lyon", "2026-03-01T10:00:00Z"),
        ad(2, p, "Lyon", "2026-03-01T22:00:00Z"),
        ad(3, p, "Lyon", "2026-03-02T10:00:00Z"),
        ad(4, p, "Lyon", "2026-03-02T22:00:01Z"),
    ];
    let f = fired(&lines);
    assert!(!f[1].contains(&"republication".to_string()));
    assert!(
        f[2].contains(&"republication".to_string()),
        "exactly 24 h: inside"
    );
    assert!(
        !f[3].contains(&"republication".to_string()),
        "one second past: outside"
    );
}

#[test]
fn distinct_counts_values_not_ads() {
    let p = "06 39 98 00 02";
    let lines = [
        ad(1, p, "Lyon", "2026-03-01T10:00:00Z"),
        ad(2, p, "Lyon", "2026-03-02T10:00:00Z"),
        ad(3, p, "Nice", "2026-03-03T10:00:00Z"),
        ad(4, p, "Metz", "2026-03-15T10:00:00Z"),
        ad(5, "06 39 98 00 03", "Brest", "2026-03-15T11:00:00Z"),
    ];
    let f = fired(&lines);
    assert!(!f[2].contains(&"tournee".to_string()), "two cities");
    // 14 days before 03-15T10:00 is 03-01T10:00: still inside.
    assert!(f[3].contains(&"tournee".to_string()), "Lyon, Nice, Metz");
    assert!(!f[4].contains(&"tournee".to_string()), "another phone");
}

#[test]
fn a_list_key_groups_by_all_of_its_parts() {
    let lines = [
        ad(1, "06 39 98 00 04", "Lyon", "2026-03-01T10:00:00Z"),
        ad(2, "06 39 98 00 04", "Nice", "2026-03-01T11:00:00Z"),
        ad(3, "06 39 98 00 04", "Lyon", "2026-03-01T12:00:00Z"),
    ];
    let f = fired(&lines);
    assert!(!f[1].contains(&"couple".to_string()));
    assert!(f[2].contains(&"couple".to_string()));
}

#[test]
fn missing_times_and_keys_give_no_value() {
    let pack = pack();
    let mut scanner = pack.scanner();
    let p = "06 39 98 00 05";
    for i in 0..3 {
        let v = scanner.scan(
            &scanner
                .decode(&ad(i, p, "Lyon", "2026-03-01T10:00:00Z"))
                .unwrap(),
        );
        assert!(!v.untimed);
    }
    let untimed =
        serde_json::json!({"id": "x", "title": "t", "body": "b", "phone": p, "city": "Lyon"})
            .to_string();
    let v = scanner.scan(&scanner.decode(&untimed).unwrap());
    assert!(v.untimed);
    assert!(v.rules.is_empty(), "no stream rule can fire without a time");
    let no_phone = serde_json::json!({"id": "y", "title": "t", "body": "b", "posted_at": "2026-03-01T10:00:00Z"}).to_string();
    let v = scanner.scan(&scanner.decode(&no_phone).unwrap());
    assert!(!v.rules.iter().any(|r| r.rule == "republication"));
}

#[test]
fn verdicts_name_the_other_ads() {
    let p = "06 39 98 00 06";
    let pack = pack();
    let mut scanner = pack.scanner();
    let mut last = None;
    for i in 1..=4 {
        last = Some(
            scanner.scan(
                &scanner
                    .decode(&ad(i, p, "Lyon", &format!("2026-03-01T1{i}:00:00Z")))
                    .unwrap(),
            ),
        );
    }
    let v = last.unwrap();
    let rule = v.rules.iter().find(|r| r.rule == "republication").unwrap();
    assert_eq!(rule.related, ["3", "2", "1"], "most recent first");
}

#[test]
fn near_duplicate_texts_share_a_fingerprint_window() {
    let pack = pack();
    let mut scanner = pack.scanner();
    let body = |name: &str, city: &str| {
        format!("Bonjour messieurs, petite nouvelle juste arrivée sur {city} pour quelques jours. Moi c'est {name}, je vous propose un moment de détente dans un cadre discret et propre.")
    };
    let line = |id: &str, b: String, t: &str| {
        serde_json::json!({"id": id, "title": "t", "body": b, "posted_at": t}).to_string()
    };
    let v1 = scanner.scan(
        &scanner
            .decode(&line("1", body("Lila", "Lyon"), "2026-03-01T10:00:00Z"))
            .unwrap(),
    );
    let v2 = scanner.scan(
        &scanner
            .decode(&line("2", body("Emma", "Nice"), "2026-03-01T10:30:00Z"))
            .unwrap(),
    );
    let v3 = scanner.scan(
        &scanner
            .decode(&line(
                "3",
                "Vends vélo de course, très bon état.".into(),
                "2026-03-01T10:40:00Z",
            ))
            .unwrap(),
    );
    assert!(!v1.rules.iter().any(|r| r.rule == "gabarit"));
    assert!(v2
        .rules
        .iter()
        .any(|r| r.rule == "gabarit" && r.related == ["1"]));
    assert!(!v3.rules.iter().any(|r| r.rule == "gabarit"));
}

/// Memory is bounded by the window, not by the stream: 100,000 ads with
/// ever-new phones, one a minute, with a 24 h window, hold at most a day of
/// ads (1,440) per aggregate.
#[test]
fn stream_state_stays_within_the_window() {
    let pack = pack();
    let mut scanner = pack.scanner();
    let start = 1_772_359_200i64; // 2026-03-01T10:00:00Z
    let mut peak = 0;
    for i in 0..100_000i64 {
        let time = vigie::scan::time::format_rfc3339(start + i * 60);
        let line = ad(
            i as usize,
            &format!("06 39 98 {:02} {:02}", (i / 100) % 100, i % 100),
            "Lyon",
            &time,
        );
        scanner.scan(&scanner.decode(&line).unwrap());
        peak = peak.max(scanner.stream_entries());
    }
    // Per ad: 1 entry for republication, 1 for couple (1 d), 1 for tournee
    // (14 d: the bound that dominates), 20 band entries for gabarit (1 h).
    // Windows include both ends, hence the + 1s.
    let per_day = 24 * 60;
    let bound = (14 * per_day + 1) + (per_day + 1) + (per_day + 1) + 20 * 61;
    assert!(peak <= bound, "peak {peak} > {bound}");
    assert!(
        peak >= 14 * per_day,
        "the 14-day window is full at the end: {peak}"
    );
}

fn vigie(args: &[&str], stdin: &str) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code().unwrap_or(-1),
    )
}

/// Writes `content` to `name` in `dir` and returns its path.
fn scratch(dir: &tempfile::TempDir, name: &str, content: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}

#[test]
fn files_are_scanned_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let pack = scratch(&dir, "flux.vigie", PACK);
    let p = "06 39 98 00 07";
    let sorted = [
        ad(1, p, "Lyon", "2026-03-01T10:00:00Z"),
        ad(2, p, "Nice", "2026-03-01T11:00:00Z"),
        ad(3, p, "Metz", "2026-03-01T12:00:00Z"),
    ];
    let shuffled = [sorted[2].clone(), sorted[0].clone(), sorted[1].clone()];
    let a = scratch(&dir, "sorted.jsonl", &(sorted.join("\n") + "\n"));
    let b = scratch(&dir, "shuffled.jsonl", &(shuffled.join("\n") + "\n"));
    let (out_a, _, _) = vigie(&["scan", &pack, &a, "--all", "--format", "jsonl"], "");
    let (out_b, err_b, code) = vigie(&["scan", &pack, &b, "--all", "--format", "jsonl"], "");
    assert_eq!(code, 0, "{err_b}");
    assert_eq!(out_a, out_b);
    assert!(out_a.lines().last().unwrap().contains("tournee"));
}

#[test]
fn stdin_reorders_within_max_delay_and_marks_later_ads_late() {
    let dir = tempfile::tempdir().unwrap();
    let pack = scratch(&dir, "flux2.vigie", PACK);
    let p = "06 39 98 00 08";
    let lines = [
        ad(1, p, "Lyon", "2026-03-01T10:00:00Z"),
        ad(2, p, "Nice", "2026-03-01T12:00:00Z"),
        // 30 min out of order: put back in place with --max-delay 1h.
        ad(3, p, "Metz", "2026-03-01T11:30:00Z"),
        ad(4, p, "Brest", "2026-03-01T15:00:00Z"),
        // 4 h behind the newest ad: beyond 1 h. It comes out before ad 4
        // (still held), but after ad 2 (12:00), already scanned: late.
        ad(5, p, "Caen", "2026-03-01T11:00:00Z"),
    ];
    let (out, err, code) = vigie(
        &[
            "scan",
            &pack,
            "-",
            "--all",
            "--format",
            "jsonl",
            "--max-delay",
            "1h",
        ],
        &(lines.join("\n") + "\n"),
    );
    assert_eq!(code, 0, "{err}");
    let verdicts: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = verdicts.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1", "3", "2", "5", "4"]);
    let late: Vec<bool> = verdicts
        .iter()
        .map(|v| v["late"].as_bool().unwrap_or(false))
        .collect();
    assert_eq!(late, [false, false, false, true, false]);
    // The late ad is still judged, against the ads already seen whose time
    // is in its window (ending at 11:00): ad 1 and itself, so two, under the
    // rule's three; ad 4 then counts 1, 3, 2 and itself, not the late one.
    assert!(!verdicts[3]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["rule"] == "republication"));
    let related = verdicts[4]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "republication")
        .expect("ad 4 is the fourth of its phone in 24 h")["related"]
        .clone();
    assert_eq!(related, serde_json::json!(["2", "3", "1"]));
    assert!(
        err.contains("5 records read: 5 scanned, 0 rejected"),
        "{err}"
    );
    assert!(err.contains("1 late"), "{err}");
}

#[test]
fn one_and_two_threads_give_the_same_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    // The bundled ads with the French pack (stream rules included), and a
    // longer generated stream.
    let mut lines = Vec::new();
    for i in 0..6000 {
        let phone = format!("06 39 98 {:02} {:02}", i % 37, i % 11);
        let city = ["Lyon", "Nice", "Metz", "Brest"][i % 4];
        let time = vigie::scan::time::format_rfc3339(1_772_359_200 + (i as i64) * 97);
        let body = if i % 5 == 0 {
            format!(
                "Moment d'évasion, douche possible, 1h {}. Moi c'est Lila.",
                100 + i % 50
            )
        } else {
            format!("Vends objet numéro {i}, très bon état.")
        };
        lines.push(serde_json::json!({"id": i.to_string(), "title": "t", "body": body, "phone": phone, "city": city, "posted_at": time}).to_string());
    }
    let generated = scratch(&dir, "many.jsonl", &(lines.join("\n") + "\n"));
    for input in ["examples/annonces.jsonl", generated.as_str()] {
        let (one, _, _) = vigie(
            &[
                "scan",
                "rules/fr",
                input,
                "--all",
                "--format",
                "jsonl",
                "--threads",
                "1",
            ],
            "",
        );
        let (two, _, _) = vigie(
            &[
                "scan",
                "rules/fr",
                input,
                "--all",
                "--format",
                "jsonl",
                "--threads",
                "2",
            ],
            "",
        );
        assert!(!one.is_empty());
        assert_eq!(one, two, "{input}");
    }
}
