//! The server loop: initialisation, dispatch of requests and
//! notifications, diagnostics publishing, shutdown.
//!
//! One thread does everything, in order. Edits only mark their pack as
//! changed; the pack is analysed again when a request needs it, or when no
//! message is waiting (then its diagnostics are published), so a burst of
//! keystrokes costs one analysis. Every request is answered: unknown
//! methods get `MethodNotFound`, parameters that do not fit
//! `InvalidParams`, and a panic in a handler (a bug) `InternalError`
//! instead of taking the server down.

use super::actions::{self, TestResults, EXPLAIN, RUN_TEST, RUN_TESTS};
use super::convert::uri_to_path;
use super::workspace::{pack_dir, Analysis, Workspace};
use super::{completion, diagnostics, hover, navigation, symbols, tokens};
use crate::source::FileId;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::*;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;

/// How the client handles what the server sends.
#[derive(Debug, Default, Clone)]
struct ClientCaps {
    snippets: bool,
    lens_refresh: bool,
    watch_files: bool,
}

pub struct Server {
    connection: Connection,
    ws: Workspace,
    /// Packs whose diagnostics are not published yet.
    unpublished: BTreeSet<PathBuf>,
    /// Files whose diagnostics were published, by pack folder.
    published: HashMap<PathBuf, Vec<Url>>,
    results: TestResults,
    caps: ClientCaps,
    next_id: i32,
    shutdown: bool,
}

type Failure = (ErrorCode, String);

fn invalid_params(e: impl std::fmt::Display) -> Failure {
    (ErrorCode::InvalidParams, e.to_string())
}

pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                will_save: None,
                will_save_wait_until: None,
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), "(".into()]),
            ..Default::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: tokens::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: Default::default(),
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![RUN_TEST.into(), RUN_TESTS.into(), EXPLAIN.into()],
            work_done_progress_options: Default::default(),
        }),
        ..Default::default()
    }
}

/// Serves one client on `connection` until `exit`. Returns whether the
/// client shut the server down properly (`shutdown` before `exit`).
pub fn serve(connection: Connection) -> Result<bool, String> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("initialisation failed: {e}"))?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let text = params.capabilities.text_document.as_ref();
    let caps = ClientCaps {
        snippets: text
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false),
        lens_refresh: params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false),
        watch_files: params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
    };
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "vigie".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    connection
        .initialize_finish(id, serde_json::to_value(result).expect("serialisable"))
        .map_err(|e| format!("initialisation failed: {e}"))?;
    let mut server = Server {
        connection,
        ws: Workspace::default(),
        unpublished: BTreeSet::new(),
        published: HashMap::new(),
        results: HashMap::new(),
        caps,
        next_id: 0,
        shutdown: false,
    };
    if server.caps.watch_files {
        server.register_watcher();
    }
    server.run()
}

impl Server {
    fn run(&mut self) -> Result<bool, String> {
        loop {
            let msg = match self.connection.receiver.recv() {
                Ok(msg) => msg,
                // The client went away without `exit`.
                Err(_) => return Ok(false),
            };
            match msg {
                Message::Request(request) => self.on_request(request),
                Message::Notification(n) if n.method == notif::Exit::METHOD => {
                    return Ok(self.shutdown);
                }
                Message::Notification(n) => {
                    let method = n.method.clone();
                    let outcome =
                        std::panic::catch_unwind(AssertUnwindSafe(|| self.on_notification(n)));
                    match outcome {
                        Ok(Ok(())) => {}
                        Ok(Err((_, e))) => eprintln!("vigie lsp: {method}: {e}"),
                        Err(_) => eprintln!("vigie lsp: {method}: internal error (panic)"),
                    }
                }
                Message::Response(_) => {}
            }
            if self.connection.receiver.is_empty() {
                let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| self.publish()));
                if outcome.is_err() {
                    eprintln!("vigie lsp: publishing diagnostics: internal error (panic)");
                }
            }
        }
    }

    fn send(&self, msg: impl Into<Message>) {
        // The client may be gone; the loop notices on the next receive.
        let _ = self.connection.sender.send(msg.into());
    }

    fn notify<N: notif::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    fn request_client<R: req::Request>(&mut self, params: R::Params) {
        self.next_id += 1;
        let id = RequestId::from(format!("vigie-{}", self.next_id));
        self.send(Request::new(id, R::METHOD.to_string(), params));
    }

    fn register_watcher(&mut self) {
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String("**/*.vigie".into()),
                kind: None,
            }],
        };
        self.request_client::<req::RegisterCapability>(RegistrationParams {
            registrations: vec![Registration {
                id: "vigie-watch".into(),
                method: notif::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        });
    }

    /// Something in the pack of `path` changed.
    fn touch(&mut self, path: &std::path::Path) {
        self.ws.touch(path);
        let dir = pack_dir(path);
        self.results.retain(|(d, _), _| *d != dir);
        self.unpublished.insert(dir);
    }

    /// Publishes the diagnostics of every pack that changed.
    fn publish(&mut self) {
        let dirs: Vec<PathBuf> = std::mem::take(&mut self.unpublished).into_iter().collect();
        for dir in dirs {
            let has_open = self.ws.open.keys().any(|p| pack_dir(p) == dir);
            let previous = self.published.remove(&dir).unwrap_or_default();
            if !has_open {
                for uri in previous {
                    self.notify::<notif::PublishDiagnostics>(PublishDiagnosticsParams {
                        uri,
                        diagnostics: Vec::new(),
                        version: None,
                    });
                }
                continue;
            }
            let analysis = self.ws.analysis_of_dir(&dir);
            let all = diagnostics::publish_all(&analysis);
            let now: Vec<Url> = all.iter().map(|p| p.uri.clone()).collect();
            for uri in previous.into_iter().filter(|u| !now.contains(u)) {
                self.notify::<notif::PublishDiagnostics>(PublishDiagnosticsParams {
                    uri,
                    diagnostics: Vec::new(),
                    version: None,
                });
            }
            for params in all {
                self.notify::<notif::PublishDiagnostics>(params);
            }
            self.published.insert(dir, now);
        }
    }

    fn on_notification(&mut self, n: Notification) -> Result<(), Failure> {
        match n.method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                let p: DidOpenTextDocumentParams = parse(n.params)?;
                let path = uri_to_path(&p.text_document.uri);
                self.ws.open(
                    p.text_document.uri,
                    p.text_document.text,
                    p.text_document.version,
                );
                self.touch(&path);
            }
            notif::DidChangeTextDocument::METHOD => {
                let p: DidChangeTextDocumentParams = parse(n.params)?;
                let path = uri_to_path(&p.text_document.uri);
                let Some(doc) = self.ws.open.get_mut(&path) else {
                    return Err(invalid_params("change to a document that is not open"));
                };
                for change in &p.content_changes {
                    super::convert::apply_change(&mut doc.text, change);
                }
                doc.version = p.text_document.version;
                self.touch(&path);
            }
            notif::DidCloseTextDocument::METHOD => {
                let p: DidCloseTextDocumentParams = parse(n.params)?;
                self.ws.close(&p.text_document.uri);
                self.touch(&uri_to_path(&p.text_document.uri));
            }
            notif::DidSaveTextDocument::METHOD => {
                let p: DidSaveTextDocumentParams = parse(n.params)?;
                self.touch(&uri_to_path(&p.text_document.uri));
            }
            notif::DidChangeWatchedFiles::METHOD => {
                let p: DidChangeWatchedFilesParams = parse(n.params)?;
                for change in p.changes {
                    let path = uri_to_path(&change.uri);
                    if path.extension().is_some_and(|x| x == "vigie") {
                        self.touch(&path);
                    }
                }
            }
            // initialized, $/cancelRequest, $/setTrace, ...: nothing to do.
            _ => {}
        }
        Ok(())
    }

    fn on_request(&mut self, request: Request) {
        let id = request.id.clone();
        if self.shutdown {
            self.send(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            ));
            return;
        }
        if request.method == req::Shutdown::METHOD {
            self.shutdown = true;
            self.send(Response::new_ok(id, Value::Null));
            return;
        }
        let method = request.method.clone();
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| self.dispatch(request)));
        let response = match outcome {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("internal error while handling {method}"),
            ),
        };
        self.send(response);
    }

    /// The analysis, file and byte offset of a position in a document.
    fn locate(
        &mut self,
        position: &TextDocumentPositionParams,
    ) -> Option<(Arc<Analysis>, FileId, usize)> {
        let (analysis, file) = self.document(&position.text_document.uri)?;
        let offset = analysis.offset(file, position.position);
        Some((analysis, file, offset))
    }

    fn document(&mut self, uri: &Url) -> Option<(Arc<Analysis>, FileId)> {
        let path = uri_to_path(uri);
        let analysis = self.ws.analysis(&path)?;
        let file = analysis.file_of(&path)?;
        Some((analysis, file))
    }

    fn dispatch(&mut self, request: Request) -> Result<Value, Failure> {
        let params = request.params;
        let value = match request.method.as_str() {
            req::HoverRequest::METHOD => {
                let p: HoverParams = parse(params)?;
                json(
                    self.locate(&p.text_document_position_params)
                        .and_then(|(a, f, o)| hover::hover(&a, f, o)),
                )
            }
            req::Completion::METHOD => {
                let p: CompletionParams = parse(params)?;
                let snippets = self.caps.snippets;
                json(self.locate(&p.text_document_position).map(|(a, f, o)| {
                    CompletionResponse::Array(completion::complete(&a, f, o, snippets))
                }))
            }
            req::GotoDefinition::METHOD => {
                let p: GotoDefinitionParams = parse(params)?;
                json(
                    self.locate(&p.text_document_position_params)
                        .and_then(|(a, f, o)| navigation::definition(&a, f, o))
                        .map(GotoDefinitionResponse::Scalar),
                )
            }
            req::References::METHOD => {
                let p: ReferenceParams = parse(params)?;
                let with_decl = p.context.include_declaration;
                json(
                    self.locate(&p.text_document_position)
                        .and_then(|(a, f, o)| navigation::references(&a, f, o, with_decl)),
                )
            }
            req::PrepareRenameRequest::METHOD => {
                let p: TextDocumentPositionParams = parse(params)?;
                json(
                    self.locate(&p)
                        .and_then(|(a, f, o)| navigation::prepare_rename(&a, f, o)),
                )
            }
            req::Rename::METHOD => {
                let p: RenameParams = parse(params)?;
                let Some((a, f, o)) = self.locate(&p.text_document_position) else {
                    return Ok(Value::Null);
                };
                match navigation::rename(&a, f, o, &p.new_name) {
                    Ok(edit) => json(edit),
                    Err(navigation::RenameError::NoName) => {
                        return Err((
                            ErrorCode::RequestFailed,
                            "nothing to rename here: put the cursor on the name of a lexicon, pattern, let or rule".into(),
                        ))
                    }
                    Err(navigation::RenameError::Refused(why)) => {
                        return Err((ErrorCode::RequestFailed, why))
                    }
                }
            }
            req::DocumentSymbolRequest::METHOD => {
                let p: DocumentSymbolParams = parse(params)?;
                json(
                    self.document(&p.text_document.uri).map(|(a, f)| {
                        DocumentSymbolResponse::Nested(symbols::document_symbols(&a, f))
                    }),
                )
            }
            req::FoldingRangeRequest::METHOD => {
                let p: FoldingRangeParams = parse(params)?;
                json(
                    self.document(&p.text_document.uri)
                        .map(|(a, f)| symbols::folding_ranges(&a, f)),
                )
            }
            req::SemanticTokensFullRequest::METHOD => {
                let p: SemanticTokensParams = parse(params)?;
                json(self.document(&p.text_document.uri).map(|(a, f)| {
                    SemanticTokensResult::Tokens(SemanticTokens {
                        result_id: None,
                        data: tokens::semantic_tokens(&a, f),
                    })
                }))
            }
            req::Formatting::METHOD => {
                let p: DocumentFormattingParams = parse(params)?;
                json(
                    self.document(&p.text_document.uri)
                        .and_then(|(a, f)| actions::format(&a, f)),
                )
            }
            req::CodeActionRequest::METHOD => {
                let p: CodeActionParams = parse(params)?;
                json(
                    self.document(&p.text_document.uri)
                        .map(|(a, f)| actions::code_actions(&a, f, p.range)),
                )
            }
            req::CodeLensRequest::METHOD => {
                let p: CodeLensParams = parse(params)?;
                let results = &self.results;
                let path = uri_to_path(&p.text_document.uri);
                let lenses = self.ws.analysis(&path).and_then(|a| {
                    let f = a.file_of(&path)?;
                    Some(actions::code_lenses(&a, f, results))
                });
                json(lenses)
            }
            req::ExecuteCommand::METHOD => {
                let p: ExecuteCommandParams = parse(params)?;
                self.execute(p)?
            }
            _ => {
                return Err((
                    ErrorCode::MethodNotFound,
                    format!("unknown method {}", request.method),
                ))
            }
        };
        Ok(value)
    }

    fn execute(&mut self, p: ExecuteCommandParams) -> Result<Value, Failure> {
        let arg = |i: usize| -> Result<String, Failure> {
            p.arguments
                .get(i)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| {
                    invalid_params(format!(
                        "{}: argument {} must be a string",
                        p.command,
                        i + 1
                    ))
                })
        };
        match p.command.as_str() {
            EXPLAIN => {
                let code = arg(0)?;
                let code = crate::diagnostic::Code::parse(&code)
                    .ok_or_else(|| invalid_params(format!("unknown code {code}")))?;
                Ok(json!({
                    "code": code.as_str(),
                    "title": code.title(),
                    "explanation": code.explanation(),
                }))
            }
            RUN_TEST | RUN_TESTS => {
                let uri = Url::parse(&arg(0)?).map_err(invalid_params)?;
                let name = if p.command == RUN_TEST {
                    Some(arg(1)?)
                } else {
                    None
                };
                let path = uri_to_path(&uri);
                let analysis = self
                    .ws
                    .analysis(&path)
                    .ok_or_else(|| invalid_params(format!("{uri} is not a file of a pack")))?;
                match actions::run(&analysis, name.as_deref()) {
                    Ok((value, summaries)) => {
                        let failed: Vec<&(String, actions::TestSummary)> =
                            summaries.iter().filter(|(_, s)| !s.passed).collect();
                        let message = match (&name, failed.first()) {
                            (Some(n), None) => format!("✓ test \"{n}\" passed"),
                            (Some(n), Some((_, s))) => {
                                format!("✗ test \"{n}\" failed\n{}", s.message)
                            }
                            (None, None) => format!("✓ {} tests passed", summaries.len()),
                            (None, Some(_)) => format!(
                                "✗ {} of {} tests failed: {}",
                                failed.len(),
                                summaries.len(),
                                failed
                                    .iter()
                                    .map(|(n, _)| format!("\"{n}\""))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        };
                        let typ = if failed.is_empty() {
                            MessageType::INFO
                        } else {
                            MessageType::ERROR
                        };
                        for (test, summary) in summaries {
                            self.results.insert((analysis.dir.clone(), test), summary);
                        }
                        self.notify::<notif::ShowMessage>(ShowMessageParams { typ, message });
                        if self.caps.lens_refresh {
                            self.request_client::<req::CodeLensRefresh>(());
                        }
                        Ok(value)
                    }
                    Err(message) => {
                        self.notify::<notif::ShowMessage>(ShowMessageParams {
                            typ: MessageType::ERROR,
                            message: message.clone(),
                        });
                        Err((ErrorCode::RequestFailed, message))
                    }
                }
            }
            other => Err((ErrorCode::InvalidParams, format!("unknown command {other}"))),
        }
    }
}

fn parse<P: DeserializeOwned>(params: Value) -> Result<P, Failure> {
    serde_json::from_value(params).map_err(invalid_params)
}

fn json(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
