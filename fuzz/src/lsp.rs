//! The language server on random sessions: `vigie::lsp::serve` on an
//! in-memory `lsp_server::Connection`, fed a sequence of JSON-RPC messages
//! decoded from the input with `arbitrary` (open, incremental and full
//! changes with random UTF-16 ranges, close, save, watched-file changes,
//! every request the server supports at random positions, commands, and
//! raw messages with any method and any JSON parameters).
//!
//! Checks: the server answers every request exactly once, never with
//! `InternalError` (a panic in a handler, which the server would catch;
//! here libFuzzer's panic hook aborts first, so the panic itself is the
//! report), never takes longer than 20 s per message, and ends cleanly
//! after `shutdown` and `exit`.
//!
//! Documents: two `untitled:` buffers (each its own pack), three files of
//! an empty folder, and the six files of a copy of `rules/fr` (so the rest
//! of the French pack comes from disk). Both folders are made once per
//! process under the system temp dir; no other path is ever named.

use arbitrary::Arbitrary;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Arbitrary, Debug)]
pub struct Session {
    snippets: bool,
    lens_refresh: bool,
    watch_files: bool,
    ops: Vec<Op>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
struct Pos {
    line: u8,
    character: u8,
    /// Far past the end of the document.
    huge: bool,
}

#[derive(Arbitrary, Debug)]
struct Change {
    range: Option<(Pos, Pos)>,
    text: String,
}

#[derive(Arbitrary, Debug)]
enum Op {
    /// Opens a document: a donor text (a file of `rules/fr`, chosen by
    /// `base`) with `text` inserted at `at`, or `text` alone.
    Open {
        doc: u8,
        version: i32,
        base: u8,
        at: u16,
        text: String,
    },
    Change {
        doc: u8,
        version: i32,
        changes: Vec<Change>,
    },
    Close {
        doc: u8,
    },
    Save {
        doc: u8,
    },
    Watched {
        doc: u8,
        kind: u8,
    },
    Hover {
        doc: u8,
        pos: Pos,
    },
    Completion {
        doc: u8,
        pos: Pos,
    },
    Definition {
        doc: u8,
        pos: Pos,
    },
    References {
        doc: u8,
        pos: Pos,
        declaration: bool,
    },
    PrepareRename {
        doc: u8,
        pos: Pos,
    },
    Rename {
        doc: u8,
        pos: Pos,
        name: String,
    },
    Symbols {
        doc: u8,
    },
    Folding {
        doc: u8,
    },
    Tokens {
        doc: u8,
    },
    Format {
        doc: u8,
    },
    Actions {
        doc: u8,
        start: Pos,
        end: Pos,
    },
    Lens {
        doc: u8,
    },
    Explain {
        code: String,
    },
    RunTest {
        doc: u8,
        name: String,
    },
    RunTests {
        doc: u8,
    },
    /// Any method (one the server knows, or any string), any parameters
    /// (the JSON `params` reads as, or the string itself).
    Raw {
        method: u8,
        other: String,
        params: String,
        notify: bool,
    },
}

const METHODS: &[&str] = &[
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "textDocument/didSave",
    "workspace/didChangeWatchedFiles",
    "textDocument/hover",
    "textDocument/completion",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/documentSymbol",
    "textDocument/foldingRange",
    "textDocument/semanticTokens/full",
    "textDocument/formatting",
    "textDocument/codeAction",
    "textDocument/codeLens",
    "workspace/executeCommand",
    "$/cancelRequest",
    "initialize",
    "initialized",
];

const FR_FILES: &[&str] = &[
    "flux.vigie",
    "lexiques.vigie",
    "motifs.vigie",
    "pack.vigie",
    "regles.vigie",
    "tests.vigie",
];

struct Docs {
    uris: Vec<String>,
    /// Texts to open documents with: the French pack's files.
    bases: Vec<String>,
}

fn docs() -> &'static Docs {
    static DOCS: OnceLock<Docs> = OnceLock::new();
    DOCS.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("vigie-fuzz-lsp-{}", std::process::id()));
        let empty = root.join("empty");
        let fr = root.join("fr");
        std::fs::create_dir_all(&empty).expect("temp dir");
        std::fs::create_dir_all(&fr).expect("temp dir");
        let src = PathBuf::from(crate::repo()).join("rules/fr");
        let mut bases = Vec::new();
        for f in FR_FILES {
            let text = std::fs::read_to_string(src.join(f)).unwrap_or_default();
            std::fs::write(fr.join(f), &text).expect("copy of rules/fr");
            bases.push(text);
        }
        let mut uris = vec![
            "untitled:Untitled-1".to_string(),
            "untitled:Untitled-2".to_string(),
        ];
        for f in ["a.vigie", "b.vigie", "notes.txt"] {
            uris.push(format!("file://{}", empty.join(f).display()));
        }
        for f in FR_FILES {
            uris.push(format!("file://{}", fr.join(f).display()));
        }
        Docs { uris, bases }
    })
}

fn uri(doc: u8) -> String {
    let uris = &docs().uris;
    uris[doc as usize % uris.len()].clone()
}

fn pos(p: Pos) -> Value {
    if p.huge {
        json!({ "line": u32::MAX, "character": u32::MAX })
    } else {
        json!({ "line": p.line, "character": p.character })
    }
}

fn td(doc: u8) -> Value {
    json!({ "textDocument": { "uri": uri(doc) } })
}

fn at(doc: u8, p: Pos) -> Value {
    json!({ "textDocument": { "uri": uri(doc) }, "position": pos(p) })
}

/// The message for one operation: (method, params, is a request).
fn message(op: &Op) -> (String, Value, bool) {
    let (m, params, request) = match op {
        Op::Open {
            doc,
            version,
            base,
            at,
            text,
        } => {
            let bases = &docs().bases;
            let mut full = String::new();
            if let Some(b) = bases.get(*base as usize % (bases.len() + 1)) {
                full.push_str(b);
            }
            let mut i = (*at as usize).min(full.len());
            while !full.is_char_boundary(i) {
                i -= 1;
            }
            full.insert_str(i, text);
            (
                "textDocument/didOpen",
                json!({ "textDocument": {
                    "uri": uri(*doc), "languageId": "vigie", "version": version, "text": full,
                }}),
                false,
            )
        }
        Op::Change {
            doc,
            version,
            changes,
        } => {
            let changes: Vec<Value> = changes
                .iter()
                .map(|c| match c.range {
                    Some((s, e)) => json!({
                        "range": { "start": pos(s), "end": pos(e) }, "text": c.text,
                    }),
                    None => json!({ "text": c.text }),
                })
                .collect();
            (
                "textDocument/didChange",
                json!({
                    "textDocument": { "uri": uri(*doc), "version": version },
                    "contentChanges": changes,
                }),
                false,
            )
        }
        Op::Close { doc } => ("textDocument/didClose", td(*doc), false),
        Op::Save { doc } => ("textDocument/didSave", td(*doc), false),
        Op::Watched { doc, kind } => (
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": uri(*doc), "type": 1 + kind % 3 }] }),
            false,
        ),
        Op::Hover { doc, pos } => ("textDocument/hover", at(*doc, *pos), true),
        Op::Completion { doc, pos } => ("textDocument/completion", at(*doc, *pos), true),
        Op::Definition { doc, pos } => ("textDocument/definition", at(*doc, *pos), true),
        Op::References {
            doc,
            pos: p,
            declaration,
        } => (
            "textDocument/references",
            json!({
                "textDocument": { "uri": uri(*doc) }, "position": pos(*p),
                "context": { "includeDeclaration": declaration },
            }),
            true,
        ),
        Op::PrepareRename { doc, pos } => ("textDocument/prepareRename", at(*doc, *pos), true),
        Op::Rename { doc, pos: p, name } => (
            "textDocument/rename",
            json!({ "textDocument": { "uri": uri(*doc) }, "position": pos(*p), "newName": name }),
            true,
        ),
        Op::Symbols { doc } => ("textDocument/documentSymbol", td(*doc), true),
        Op::Folding { doc } => ("textDocument/foldingRange", td(*doc), true),
        Op::Tokens { doc } => ("textDocument/semanticTokens/full", td(*doc), true),
        Op::Format { doc } => (
            "textDocument/formatting",
            json!({
                "textDocument": { "uri": uri(*doc) },
                "options": { "tabSize": 2, "insertSpaces": true },
            }),
            true,
        ),
        Op::Actions { doc, start, end } => (
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri(*doc) },
                "range": { "start": pos(*start), "end": pos(*end) },
                "context": { "diagnostics": [] },
            }),
            true,
        ),
        Op::Lens { doc } => ("textDocument/codeLens", td(*doc), true),
        Op::Explain { code } => (
            "workspace/executeCommand",
            json!({ "command": "vigie.explain", "arguments": [code] }),
            true,
        ),
        Op::RunTest { doc, name } => (
            "workspace/executeCommand",
            json!({ "command": "vigie.runTest", "arguments": [uri(*doc), name] }),
            true,
        ),
        Op::RunTests { doc } => (
            "workspace/executeCommand",
            json!({ "command": "vigie.runTests", "arguments": [uri(*doc)] }),
            true,
        ),
        Op::Raw {
            method,
            other,
            params,
            notify,
        } => {
            let m = METHODS
                .get(*method as usize)
                .copied()
                .unwrap_or(other.as_str());
            let params = serde_json::from_str(params).unwrap_or_else(|_| json!(params));
            return (m.to_string(), params, !notify);
        }
    };
    (m.to_string(), params, request)
}

struct Client {
    conn: Connection,
    next: i32,
}

impl Client {
    /// Sends a request and waits for its one response.
    fn request(&mut self, method: &str, params: Value) -> lsp_server::Response {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.conn
            .sender
            .send(Request::new(id.clone(), method.to_string(), params).into())
            .expect("server alive");
        loop {
            match self.conn.receiver.recv_timeout(TIMEOUT) {
                Ok(Message::Response(r)) => {
                    assert_eq!(r.id, id, "{method}: response to another request");
                    if let Some(e) = &r.error {
                        assert_ne!(
                            e.code,
                            lsp_server::ErrorCode::InternalError as i32,
                            "{method}: internal error: {}",
                            e.message
                        );
                    }
                    return r;
                }
                Ok(_) => {}
                Err(e) => panic!("{method}: no response within {TIMEOUT:?} ({e})"),
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Notification::new(method.to_string(), params).into())
            .expect("server alive");
    }
}

/// What the client says it can do.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub snippets: bool,
    pub lens_refresh: bool,
    pub watch_files: bool,
}

/// One message of a session: method, parameters, and whether it is a
/// request (answered) or a notification.
pub type Msg = (String, Value, bool);

/// The target: one session.
pub fn run(session: Session) {
    let caps = Caps {
        snippets: session.snippets,
        lens_refresh: session.lens_refresh,
        watch_files: session.watch_files,
    };
    // Running the tests compiles the pack and scans every test ad: the
    // first two runs of a session cover that code, later ones only made
    // the target slow (11 sessions a second, most of it in test runs).
    let mut test_runs = 0;
    let messages: Vec<Msg> = session
        .ops
        .iter()
        .filter(|op| {
            let runs_tests = matches!(op, Op::RunTest { .. } | Op::RunTests { .. });
            test_runs += usize::from(runs_tests);
            !runs_tests || test_runs <= 2
        })
        .take(64)
        .map(message)
        .collect();
    if std::env::var_os("VIGIE_FUZZ_PRINT").is_some() {
        // The session as a script (`run_script`'s format), to read or to
        // save as a regression.
        for (method, params, request) in &messages {
            eprintln!(
                "{}",
                json!({ "method": method, "params": params, "request": request })
            );
        }
    }
    run_messages(caps, &messages);
}

/// Runs a session: initialize, the messages in order (waiting for the
/// answer to each request), shutdown, exit.
pub fn run_messages(caps: Caps, messages: &[Msg]) {
    let (server, conn) = Connection::memory();
    let handle = std::thread::spawn(move || vigie::lsp::serve(server));
    let mut client = Client { conn, next: 0 };
    let init = client.request(
        "initialize",
        json!({
            "capabilities": {
                "textDocument": { "completion": { "completionItem": {
                    "snippetSupport": caps.snippets } } },
                "workspace": {
                    "codeLens": { "refreshSupport": caps.lens_refresh },
                    "didChangeWatchedFiles": { "dynamicRegistration": caps.watch_files },
                },
            },
        }),
    );
    assert!(init.error.is_none(), "initialize failed: {init:?}");
    client.notify("initialized", json!({}));
    for (method, params, request) in messages {
        if method == "exit" || method == "shutdown" {
            continue; // the end of the session is ours
        }
        if *request {
            client.request(method, params.clone());
        } else {
            client.notify(method, params.clone());
        }
    }
    let shutdown = client.request("shutdown", Value::Null);
    assert!(shutdown.error.is_none(), "shutdown failed: {shutdown:?}");
    client.notify("exit", Value::Null);
    let clean = handle.join().expect("server thread");
    assert_eq!(clean, Ok(true), "the server did not end cleanly");
}

/// The target on raw bytes (what libFuzzer and its artifacts hold).
/// `VIGIE_FUZZ_PRINT=1` prints the session as a script first.
pub fn run_bytes(data: &[u8]) {
    let u = arbitrary::Unstructured::new(data);
    if let Ok(session) = Session::arbitrary_take_rest(u) {
        run(session);
    }
}

/// A session written by hand (the regression files `lsp-*.jsonl`): one
/// JSON object per line, `{"method": ..., "params": ..., "request": true}`
/// (`request` false or absent: a notification). The client announces
/// snippets, code-lens refresh and file watching.
pub fn run_script(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let messages: Vec<Msg> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON object per line");
            (
                v["method"].as_str().expect("a method").to_string(),
                v.get("params").cloned().unwrap_or(Value::Null),
                v.get("request").and_then(Value::as_bool).unwrap_or(false),
            )
        })
        .collect();
    let caps = Caps {
        snippets: true,
        lens_refresh: true,
        watch_files: true,
    };
    run_messages(caps, &messages);
}
