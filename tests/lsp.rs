//! `vigie lsp` driven in process through `lsp_server::Connection::memory()`:
//! every feature on a small two-file pack (responses kept as insta
//! snapshots, with the temporary folder written `$DIR`), resilience (a
//! half-typed file, UTF-16 positions after accents and emoji, malformed
//! requests, unknown methods, shutdown), and the re-check time of the
//! French pack after a keystroke.

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(20);

struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<bool, String>>>,
    next_id: i32,
    /// Notifications and server requests received, oldest first.
    pending: Vec<Message>,
    dir: PathBuf,
}

const PACK: &str = r#"pack demo "Démo"
  threshold 30

lexicon euphemismes fold(case, accents) {
  "moment d'évasion"
  "douche possible"
  "masseu*"
}

lexicon inutile {
  "jamais"
}

pattern tarif = re"\b1h\s?\d{2,3}\b"
"#;

const RULES: &str = r#"# Règles 🌹 d'essai
let texte = ad.title + " " + ad.body

rule euphemisme {
  title "Euphémisme de prestation"
  level medium
  tags lexique, test
  when texte has euphemismes
  score 30
}

rule prix_code {
  title "Prix en mot code"
  when any(prices(texte), p => p.coded) and texte has tarif
  score 20
}

test "évasion" {
  ad { body: "Un moment d'évasion" }
  expect euphemisme
}

test "fleuriste" {
  ad { body: "Moment d'évasion, bouquet de roses" }
  expect nothing
}
"#;

fn uri(path: &Path) -> String {
    lsp_types::Url::from_file_path(path).unwrap().to_string()
}

impl Client {
    fn start(dir: &Path) -> Client {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || vigie::lsp::serve(server));
        let mut c = Client {
            conn: client,
            server: Some(handle),
            next_id: 0,
            pending: Vec::new(),
            dir: dir.to_path_buf(),
        };
        let caps = json!({
            "textDocument": {"completion": {"completionItem": {"snippetSupport": true}}},
            "workspace": {"codeLens": {"refreshSupport": true}}
        });
        let init = c.request(
            "initialize",
            json!({"capabilities": caps, "processId": null, "rootUri": null}),
        );
        assert!(init.is_ok(), "{init:?}");
        c.notify("initialized", json!({}));
        c
    }

    fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn
            .sender
            .send(Request::new(id.clone(), method.to_string(), params).into())
            .unwrap();
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self
                .conn
                .receiver
                .recv_timeout(deadline - Instant::now())
                .unwrap_or_else(|_| panic!("no answer to {method}"));
            match msg {
                Message::Response(r) if r.id == id => {
                    return match r.error {
                        Some(e) => Err(json!({"code": e.code, "message": e.message})),
                        None => Ok(r.result.unwrap_or(Value::Null)),
                    }
                }
                other => self.pending.push(other),
            }
        }
    }

    fn ok(&mut self, method: &str, params: Value) -> Value {
        self.request(method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Notification::new(method.to_string(), params).into())
            .unwrap();
    }

    fn open(&mut self, path: &Path) {
        let text = std::fs::read_to_string(path).unwrap();
        self.open_text(path, &text);
    }

    fn open_text(&mut self, path: &Path, text: &str) {
        self.pending.clear();
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "vigie", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, path: &Path, version: i32, changes: Value) {
        self.pending.clear();
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": changes}),
        );
    }

    /// The next diagnostics published for `path`.
    fn diagnostics(&mut self, path: &Path) -> Value {
        let want = uri(path);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(i) = self.pending.iter().position(|m| {
                matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == want.as_str())
            }) {
                let Message::Notification(n) = self.pending.remove(i) else {
                    unreachable!()
                };
                return n.params["diagnostics"].clone();
            }
            let msg = self
                .conn
                .receiver
                .recv_timeout(deadline - Instant::now())
                .expect("diagnostics");
            self.pending.push(msg);
        }
    }

    fn notifications(&self, method: &str) -> Vec<Value> {
        self.pending
            .iter()
            .filter_map(|m| match m {
                Message::Notification(n) if n.method == method => Some(n.params.clone()),
                _ => None,
            })
            .collect()
    }

    fn shutdown(mut self) -> bool {
        assert_eq!(self.ok("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap().unwrap()
    }

    /// `value` with the temporary folder written `$DIR`.
    fn redact(&self, value: &Value) -> Value {
        let text = value.to_string();
        let dir_uri = uri(&self.dir);
        let text = text.replace(&dir_uri, "file://$DIR");
        let text = text.replace(&self.dir.display().to_string(), "$DIR");
        serde_json::from_str(&text).unwrap()
    }
}

fn pos(path: &Path, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character}})
}

/// Line and UTF-16 column of the first `needle` in `text` (plus `delta`
/// characters).
fn at(text: &str, needle: &str, delta: usize) -> (u32, u32) {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found"));
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col: usize = text[line_start..offset].encode_utf16().count();
    let extra: usize = text[offset..]
        .chars()
        .take(delta)
        .map(char::len_utf16)
        .sum();
    (line, (col + extra) as u32)
}

fn demo() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack.vigie");
    let rules = dir.path().join("regles.vigie");
    std::fs::write(&pack, PACK).unwrap();
    std::fs::write(&rules, RULES).unwrap();
    (dir, pack, rules)
}

#[test]
fn initialize_announces_the_features() {
    let (dir, _, _) = demo();
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || vigie::lsp::serve(server));
    client
        .sender
        .send(Request::new(1.into(), "initialize".into(), json!({"capabilities": {}})).into())
        .unwrap();
    let Message::Response(r) = client.receiver.recv_timeout(TIMEOUT).unwrap() else {
        panic!("expected the initialize response")
    };
    insta::assert_json_snapshot!("initialize", r.result.unwrap());
    client
        .sender
        .send(Notification::new("initialized".into(), json!({})).into())
        .unwrap();
    // exit without shutdown: served, but not cleanly.
    client
        .sender
        .send(Notification::new("exit".into(), Value::Null).into())
        .unwrap();
    assert_eq!(handle.join().unwrap(), Ok(false));
    drop(dir);
}

#[test]
fn diagnostics_for_the_whole_pack_and_a_broken_edit() {
    let (dir, pack, rules) = demo();
    let mut c = Client::start(dir.path());
    c.open(&rules);
    let on_rules = c.diagnostics(&rules);
    assert_eq!(on_rules, json!([]));
    // The other file of the pack, not open, gets its warnings too.
    let on_pack = c.diagnostics(&pack);
    insta::assert_json_snapshot!("diagnostics_unused", c.redact(&on_pack));

    // Half-typed: `euphemisme` misspelt, and a rule that does not parse.
    let (line, col) = at(RULES, "euphemismes\n", 0);
    c.change(
        &rules,
        2,
        json!([{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 11}}, "text": "euphemismez"}]),
    );
    let broken = c.diagnostics(&rules);
    let (line, col) = at(RULES, "  score 20", 0);
    c.change(
        &rules,
        3,
        json!([{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": "  when ad.body has\n"}]),
    );
    let twice = c.diagnostics(&rules);
    insta::assert_json_snapshot!(
        "diagnostics_broken_edit",
        c.redact(&json!({"misspelt": broken, "and_broken_rule": twice}))
    );
    assert!(c.shutdown());
}

#[test]
fn hover_names_builtins_fields_and_types() {
    let (dir, _pack, rules) = demo();
    let mut c = Client::start(dir.path());
    c.open(&rules);
    let mut out = serde_json::Map::new();
    for (label, needle, delta) in [
        ("lexicon_use", "euphemismes\n", 3),
        ("rule_name", "rule euphemisme", 7),
        ("let_use", "texte has euphemismes", 2),
        ("builtin", "prices(", 2),
        ("field", "ad.body", 4),
        ("lambda_member", "p.coded", 3),
        ("pattern_use", "tarif\n", 1),
        ("keyword", "has euphemismes", 1),
        ("expect_rule", "expect euphemisme", 9),
    ] {
        let (line, col) = at(RULES, needle, delta);
        out.insert(
            label.into(),
            c.ok("textDocument/hover", pos(&rules, line, col)),
        );
    }
    // Nothing in a comment or a string.
    let (line, col) = at(RULES, "Règles", 2);
    out.insert(
        "comment".into(),
        c.ok("textDocument/hover", pos(&rules, line, col)),
    );
    insta::assert_json_snapshot!("hover", c.redact(&Value::Object(out)));
    assert!(c.shutdown());
}

#[test]
fn utf16_positions_after_accents_and_emoji() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.vigie");
    // The name after "é" (1 unit) and "🌹" (2 units) on the same line.
    let text = "lexicon mots { \"é🌹\" }\nrule r { title \"é🌹\" when ad.body has mots score 1 }\n";
    std::fs::write(&file, text).unwrap();
    let mut c = Client::start(dir.path());
    c.open(&file);
    let _ = c.diagnostics(&file);
    let (line, col) = at(text, "has mots", 4);
    assert_eq!((line, col), (1, 38), "the column counts UTF-16 units");
    let hover = c.ok("textDocument/hover", pos(&file, line, col + 1));
    assert_eq!(
        hover["range"],
        json!({"start": {"line": 1, "character": 38}, "end": {"line": 1, "character": 42}})
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("`é🌹`"));
    // Completion after "ad." following the emoji.
    let (line, col) = at(text, "ad.body", 3);
    let items = c.ok("textDocument/completion", pos(&file, line, col));
    assert!(labels(&items).contains(&"body".to_string()));
    // A typed emoji before the cursor, then a misspelt name: the
    // diagnostic's range is in UTF-16 units.
    c.change(
        &file,
        2,
        json!([{"range": {"start": {"line": 1, "character": 38}, "end": {"line": 1, "character": 42}}, "text": "mot"}]),
    );
    let diags = c.diagnostics(&file);
    let unknown = diags
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E0102")
        .unwrap_or_else(|| panic!("{diags}"));
    assert_eq!(
        unknown["range"],
        json!({"start": {"line": 1, "character": 38}, "end": {"line": 1, "character": 41}})
    );
    assert!(c.shutdown());
}

/// Found by the `lsp` fuzz target: completing right after a non-ASCII
/// letter ("dé", "voilà ") sliced the text inside that letter and the
/// request failed with an internal error.
#[test]
fn completion_after_an_accented_word() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.vigie");
    let text = "rule r {\n  when dé\n}\nrule s {\n  when voilà \n}\n";
    std::fs::write(&file, text).unwrap();
    let mut c = Client::start(dir.path());
    c.open(&file);
    let _ = c.diagnostics(&file);
    // Just after "dé" (UTF-16 column 9), and after "voilà " (column 13).
    for (line, col) in [(1, 9), (4, 13)] {
        let items = c.ok("textDocument/completion", pos(&file, line, col));
        assert!(
            labels(&items).contains(&"ad".to_string()),
            "line {line}: {items}"
        );
    }
    assert!(c.shutdown());
}

fn labels(items: &Value) -> Vec<String> {
    let list = if items.is_array() {
        items
    } else {
        &items["items"]
    };
    list.as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn completion_knows_where_it_is() {
    let (dir, _pack, rules) = demo();
    let mut c = Client::start(dir.path());
    let text = format!(
        "{RULES}\nrule neuf {{\n  when ad. and texte has  and any(prices(texte), q => q.) and hits(texte, )\n  \n}}\n\nlexicon l fold(case, ) {{ \"x\" }}\n\ntest \"t\" {{\n  expect \n  ad {{  }}\n}}\n"
    );
    c.open_text(&rules, &text);
    let mut out = serde_json::Map::new();
    for (label, needle, delta) in [
        ("after_ad_dot", "ad. and", 3),
        ("after_has", "has  and", 4),
        ("lambda_member", "q.)", 2),
        ("hits_second_argument", "hits(texte, )", 12),
        ("rule_property", "  \n}", 2),
        ("fold_profile", "fold(case, )", 11),
        ("expect", "expect \n", 7),
        ("test_ad_field", "ad {  }", 5),
        ("line_start", "\nlexicon l", 0),
    ] {
        let (line, col) = at(&text, needle, delta);
        let items = c.ok("textDocument/completion", pos(&rules, line, col));
        out.insert(label.into(), json!(labels(&items)));
    }
    // The expression context: lets, ad, built-ins with snippets.
    let (line, col) = at(RULES, "texte has euphemismes", 0);
    let items = c.ok("textDocument/completion", pos(&rules, line, col));
    let any = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "any")
        .unwrap()
        .clone();
    out.insert("expression".into(), json!(labels(&items)));
    out.insert("builtin_item".into(), any);
    insta::assert_json_snapshot!("completion", c.redact(&Value::Object(out)));
    assert!(c.shutdown());
}

#[test]
fn definition_references_and_rename_across_files() {
    let (dir, pack, rules) = demo();
    let mut c = Client::start(dir.path());
    c.open(&rules);
    let (line, col) = at(RULES, "euphemismes\n", 2);
    let definition = c.ok("textDocument/definition", pos(&rules, line, col));
    let mut refs_params = pos(&rules, line, col);
    refs_params["context"] = json!({"includeDeclaration": true});
    let references = c.ok("textDocument/references", refs_params);
    let prepare = c.ok("textDocument/prepareRename", pos(&rules, line, col));
    let mut rename_params = pos(&rules, line, col);
    rename_params["newName"] = json!("detournements");
    let rename = c.ok("textDocument/rename", rename_params.clone());
    // Refused: a reserved word, an existing name, not a name.
    let mut refusals = Vec::new();
    for bad in ["has", "texte", "2x", "score"] {
        rename_params["newName"] = json!(bad);
        refusals.push(
            c.request("textDocument/rename", rename_params.clone())
                .unwrap_err(),
        );
    }
    // From the definition, in the other file (not open).
    let (line, col) = at(PACK, "lexicon euphemismes", 9);
    let from_def = c.ok("textDocument/references", {
        let mut p = pos(&pack, line, col);
        p["context"] = json!({"includeDeclaration": false});
        p
    });
    insta::assert_json_snapshot!(
        "navigation",
        c.redact(&json!({
            "definition": definition,
            "references": references,
            "prepare_rename": prepare,
            "rename": rename,
            "refused": refusals,
            "references_from_definition": from_def,
        }))
    );
    assert!(c.shutdown());
}

#[test]
fn symbols_folding_tokens_and_formatting() {
    let (dir, pack, rules) = demo();
    let mut c = Client::start(dir.path());
    c.open(&rules);
    let doc = json!({"textDocument": {"uri": uri(&rules)}});
    let symbols = c.ok("textDocument/documentSymbol", doc.clone());
    let folding = c.ok("textDocument/foldingRange", doc.clone());
    let tokens = c.ok("textDocument/semanticTokens/full", doc.clone());
    let data = tokens["data"].as_array().unwrap();
    assert_eq!(data.len() % 5, 0);
    // Decode the first line's tokens: "# Règles 🌹 d'essai" is one comment
    // of 19 UTF-16 units.
    assert_eq!(
        &data[..5],
        &[json!(0), json!(0), json!(19), json!(1), json!(0)]
    );
    // Already formatted: no edit. Badly laid out: one edit, as `vigie fmt`.
    let none = c.ok("textDocument/formatting", json!({"textDocument": {"uri": uri(&rules)}, "options": {"tabSize": 2, "insertSpaces": true}}));
    assert_eq!(none, json!([]));
    let messy = "pack demo \"Démo\" threshold 30\nlexicon euphemismes { \"a b\", \"c\" }\n";
    c.open_text(&pack, messy);
    let edits = c.ok("textDocument/formatting", json!({"textDocument": {"uri": uri(&pack)}, "options": {"tabSize": 2, "insertSpaces": true}}));
    assert_eq!(
        edits[0]["newText"].as_str().unwrap(),
        vigie::fmt::format_source(messy).unwrap()
    );
    insta::assert_json_snapshot!(
        "outline",
        c.redact(&json!({"symbols": symbols, "folding": folding, "formatting": edits}))
    );
    assert!(c.shutdown());
}

#[test]
fn code_actions_apply_fixes_and_remove_unused() {
    let (dir, pack, rules) = demo();
    let mut c = Client::start(dir.path());
    let text = RULES.replace("texte has euphemismes", "texte has euphemismez");
    c.open_text(&rules, &text);
    c.open(&pack);
    let (line, col) = at(&text, "euphemismez\n", 2);
    let range =
        json!({"start": {"line": line, "character": col}, "end": {"line": line, "character": col}});
    let fix = c.ok("textDocument/codeAction", json!({"textDocument": {"uri": uri(&rules)}, "range": range, "context": {"diagnostics": []}}));
    let (line, col) = at(PACK, "inutile", 2);
    let range =
        json!({"start": {"line": line, "character": col}, "end": {"line": line, "character": col}});
    let unused = c.ok("textDocument/codeAction", json!({"textDocument": {"uri": uri(&pack)}, "range": range, "context": {"diagnostics": []}}));
    let strip = |v: &Value| {
        let mut v = v.clone();
        for a in v.as_array_mut().unwrap() {
            a.as_object_mut().unwrap().remove("diagnostics");
        }
        v
    };
    insta::assert_json_snapshot!(
        "code_actions",
        c.redact(&json!({"did_you_mean": strip(&fix), "remove_unused": strip(&unused)}))
    );
    assert!(c.shutdown());
}

#[test]
fn code_lens_runs_a_test() {
    let (dir, _pack, rules) = demo();
    let mut c = Client::start(dir.path());
    c.open(&rules);
    let doc = json!({"textDocument": {"uri": uri(&rules)}});
    let before = c.ok("textDocument/codeLens", doc.clone());
    let pass = c.ok(
        "workspace/executeCommand",
        json!({"command": "vigie.runTest", "arguments": [uri(&rules), "évasion"]}),
    );
    let fail = c.ok(
        "workspace/executeCommand",
        json!({"command": "vigie.runTest", "arguments": [uri(&rules), "fleuriste"]}),
    );
    let after = c.ok("textDocument/codeLens", doc.clone());
    let messages = c.notifications("window/showMessage");
    let refresh = c
        .pending
        .iter()
        .filter(|m| matches!(m, Message::Request(r) if r.method == "workspace/codeLens/refresh"))
        .count();
    assert_eq!(refresh, 2);
    let explain = c.ok(
        "workspace/executeCommand",
        json!({"command": "vigie.explain", "arguments": ["e0102"]}),
    );
    assert!(explain["explanation"].as_str().unwrap().len() > 50);
    insta::assert_json_snapshot!(
        "code_lens",
        c.redact(&json!({"before": before, "pass": pass, "fail": fail, "after": after, "messages": messages}))
    );
    // An edit makes the results stale: the lens offers to run again.
    let (line, _) = at(RULES, "test \"évasion\"", 0);
    c.change(&rules, 2, json!([{"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": "\n"}]));
    let _ = c.diagnostics(&rules);
    let stale = c.ok("textDocument/codeLens", doc);
    assert_eq!(stale[0]["command"]["title"], "▶ Run test");
    assert!(c.shutdown());
}

#[test]
fn half_typed_file_still_answers_outside_the_broken_declaration() {
    let (dir, _pack, rules) = demo();
    let mut c = Client::start(dir.path());
    let text = RULES.replace("  score 20\n", "  score 20\n  when texte has (\n");
    c.open_text(&rules, &text);
    let diags = c.diagnostics(&rules);
    let codes: Vec<&str> = diags
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"E0001"), "{diags}");
    // The outline still has every declaration, the broken one by name.
    let symbols = c.ok(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&rules)}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["texte", "euphemisme", "prix_code", "évasion", "fleuriste"]
    );
    assert_eq!(symbols[2]["detail"], "rule (does not parse)");
    // Hover and completion outside it.
    let (line, col) = at(&text, "euphemismes\n", 2);
    let hover = c.ok("textDocument/hover", pos(&rules, line, col));
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("3 terms"));
    let (line, col) = at(&text, "ad.body", 3);
    assert!(
        labels(&c.ok("textDocument/completion", pos(&rules, line, col)))
            .contains(&"city".to_string())
    );
    // And inside it: completion after `has`, the lexicon's name found.
    let (line, col) = at(&text, "texte has tarif", 10);
    let hover = c.ok("textDocument/hover", pos(&rules, line, col + 1));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("pattern tarif"),
        "{hover}"
    );
    // References of `tarif` include the use inside the broken rule.
    let (line, col) = at(PACK, "pattern tarif", 9);
    let mut p = pos(&_pack, line, col);
    p["context"] = json!({"includeDeclaration": true});
    let refs = c.ok("textDocument/references", p);
    assert_eq!(refs.as_array().unwrap().len(), 2, "{refs}");
    assert!(c.shutdown());
}

#[test]
fn malformed_requests_unknown_methods_and_shutdown() {
    let (dir, _pack, rules) = demo();
    let mut c = Client::start(dir.path());
    c.open(&rules);
    let unknown = c
        .request("textDocument/unknownThing", json!({}))
        .unwrap_err();
    assert_eq!(unknown["code"], -32601);
    let bad = c
        .request("textDocument/hover", json!({"nope": 1}))
        .unwrap_err();
    assert_eq!(bad["code"], -32602);
    let bad = c
        .request("textDocument/completion", json!("text"))
        .unwrap_err();
    assert_eq!(bad["code"], -32602);
    // Positions outside the file, a file outside any pack, a bad command.
    assert_eq!(
        c.ok("textDocument/hover", pos(&rules, 9999, 9999)),
        Value::Null
    );
    assert!(c
        .ok("textDocument/completion", pos(&rules, 3, 9999))
        .is_array());
    let elsewhere = dir.path().join("absent").join("x.vigie");
    assert_eq!(
        c.ok("textDocument/hover", pos(&elsewhere, 0, 0)),
        Value::Null
    );
    let bad = c
        .request(
            "workspace/executeCommand",
            json!({"command": "vigie.runTest", "arguments": [42]}),
        )
        .unwrap_err();
    assert_eq!(bad["code"], -32602);
    // A change to a document that is not open is ignored, not fatal.
    c.change(&elsewhere, 2, json!([{"text": "x"}]));
    assert_eq!(c.ok("textDocument/hover", pos(&rules, 0, 0)), Value::Null);
    // After shutdown, requests are refused; exit ends the server cleanly.
    assert_eq!(c.ok("shutdown", Value::Null), Value::Null);
    let after = c
        .request("textDocument/hover", pos(&rules, 0, 0))
        .unwrap_err();
    assert_eq!(after["code"], -32600);
    c.notify("exit", Value::Null);
    assert_eq!(c.server.take().unwrap().join().unwrap(), Ok(true));
}

/// The server reads only the pack's folder: a `.vigie` symbolic link to a
/// file elsewhere is not read (its declarations stay unknown, its text is
/// never shown); a link to a file of the same folder is.
#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_pack_folder_are_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "lexicon secret_lex {\n  \"SECRET\"\n}\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("other.txt"),
        "lexicon inner_lex {\n  \"inner\"\n}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("leak.vigie")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("other.txt"), dir.path().join("inner.vigie"))
        .unwrap();
    let main = dir.path().join("main.vigie");
    let text = "pack links\n  threshold 10\n\nrule r {\n  when ad.body has inner_lex or ad.body has secret_lex\n  score 10\n}\n";
    std::fs::write(&main, text).unwrap();
    let mut c = Client::start(dir.path());
    c.open(&main);
    let diags = c.diagnostics(&main);
    let messages: Vec<String> = diags
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == 1)
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(messages.len(), 1, "{diags:#}");
    assert!(messages[0].contains("secret_lex"), "{diags:#}");
    assert!(!diags.to_string().contains("SECRET"), "{diags:#}");
    // The link out of the folder gets no diagnostics of its own either.
    let hover = c.ok(
        "textDocument/hover",
        pos(&dir.path().join("leak.vigie"), 0, 0),
    );
    assert_eq!(hover, Value::Null);
    assert!(c.shutdown());
}

#[test]
fn french_pack_checks_clean_and_rechecks_fast() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/fr");
    let rules = dir.join("regles.vigie");
    let mut c = Client::start(&dir);
    c.open(&rules);
    let diags = c.diagnostics(&rules);
    assert!(
        diags.as_array().unwrap().iter().all(|d| d["severity"] != 1),
        "{diags}"
    );
    // Hover on a lexicon lists its terms.
    let text = std::fs::read_to_string(&rules).unwrap();
    let (line, col) = at(&text, "has euphemismes", 5);
    let hover = c.ok("textDocument/hover", pos(&rules, line, col));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("terms: `"),
        "{hover}"
    );
    // Keystrokes: type a character and delete it, each time waiting for
    // the diagnostics of the whole pack.
    let rounds = 20;
    let start = Instant::now();
    for i in 0..rounds {
        let version = 2 + 2 * i;
        let at0 = json!({"line": line, "character": col});
        let at1 = json!({"line": line, "character": col + 1});
        c.change(
            &rules,
            version,
            json!([{"range": {"start": at0, "end": at0}, "text": "x"}]),
        );
        let broken = c.diagnostics(&rules);
        assert!(!broken.as_array().unwrap().is_empty());
        c.change(
            &rules,
            version + 1,
            json!([{"range": {"start": at0, "end": at1}, "text": ""}]),
        );
        let _ = c.diagnostics(&rules);
    }
    // Printed for information only: the re-check's speed is measured by
    // the `check` section of `cargo bench --bench scan`, not asserted here.
    let per_keystroke = start.elapsed() / (2 * rounds as u32);
    println!("re-check of rules/fr after a keystroke (didChange → publishDiagnostics, whole pack): {per_keystroke:?}");
    assert!(c.shutdown());
}
