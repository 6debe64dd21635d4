//! The stdio transport. Like `lsp_server::Connection::stdio`, except that a
//! message that is not valid JSON-RPC does not end the connection: it is
//! answered with a `ParseError` or `InvalidRequest` (when it has an id) and
//! skipped. A broken header (no `Content-Length`) still ends it, since
//! there is no way to find the next message.

use lsp_server::{Connection, ErrorCode, Message, RequestId, Response};
use std::io::{self, BufRead, Write};
use std::thread;

pub struct Threads {
    writer: thread::JoinHandle<io::Result<()>>,
}

impl Threads {
    /// Waits until everything sent has been written.
    pub fn join(self) -> io::Result<()> {
        self.writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("writer thread panicked")))
    }
}

pub fn stdio() -> (Connection, Threads) {
    // The channels of an in-memory pair: the server gets one end, the
    // threads that read stdin and write stdout the other.
    let (server, client) = Connection::memory();
    let Connection {
        sender: to_server,
        receiver: from_server,
    } = client;
    let writer = thread::Builder::new()
        .name("vigie-lsp-writer".into())
        .spawn(move || {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            for msg in from_server {
                msg.write(&mut out)?;
            }
            out.flush()
        })
        .expect("spawn the writer thread");
    let replies = server.sender.clone();
    thread::Builder::new()
        .name("vigie-lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            loop {
                let text = match read_frame(&mut input) {
                    Ok(Some(text)) => text,
                    Ok(None) => return,
                    Err(e) => {
                        eprintln!("vigie lsp: cannot read from the client: {e}");
                        return;
                    }
                };
                match serde_json::from_str::<Message>(&text) {
                    Ok(msg) => {
                        let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                        if to_server.send(msg).is_err() || exit {
                            return;
                        }
                    }
                    Err(e) => {
                        eprintln!("vigie lsp: skipped a malformed message: {e}");
                        if let Some(reply) = error_reply(&text, &e) {
                            let _ = replies.send(reply.into());
                        }
                    }
                }
            }
        })
        .expect("spawn the reader thread");
    (server, Threads { writer })
}

/// The answer to a message that did not read as JSON-RPC, when it has an
/// id to answer to.
fn error_reply(text: &str, error: &serde_json::Error) -> Option<Response> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let id: RequestId = match value.get("id")? {
        serde_json::Value::Number(n) => RequestId::from(i32::try_from(n.as_i64()?).ok()?),
        serde_json::Value::String(s) => RequestId::from(s.clone()),
        _ => return None,
    };
    Some(Response::new_err(
        id,
        ErrorCode::InvalidRequest as i32,
        format!("not a valid request: {error}"),
    ))
}

/// Reads one `Content-Length`-framed message; `None` at the end of input.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<String>> {
    let mut size = None;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if size.is_some() {
                break;
            }
            continue;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                size = value.trim().parse::<usize>().ok();
            }
        }
    }
    let size = size.ok_or_else(|| io::Error::other("no Content-Length"))?;
    let mut buf = vec![0; size];
    input.read_exact(&mut buf)?;
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}
