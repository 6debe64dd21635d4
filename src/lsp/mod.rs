//! `vigie lsp`: a language server for rule files, over stdio.
//!
//! The workspace of a file is its pack: every `.vigie` file of its folder,
//! open in the editor or not (unsaved edits win over the disk). The server
//! publishes every error and warning of the pack, and answers hover,
//! completion, definition, references, rename, document symbols,
//! formatting (`vigie fmt`), semantic tokens, folding ranges, code actions
//! (a diagnostic's fix, removing an unused declaration) and a code lens
//! that runs each `test`.
//!
//! Modules: [`server`] (loop and dispatch), [`workspace`] (documents and
//! packs), [`convert`] (UTF-16 positions at the edge), then one module per
//! group of features. Everything inside works on byte offsets; positions
//! are converted only when a message comes in or goes out.

mod actions;
mod completion;
pub mod convert;
mod diagnostics;
mod hover;
mod navigation;
mod query;
pub mod server;
mod symbols;
mod tokens;
mod transport;
pub mod workspace;

pub use server::serve;

/// `vigie lsp` takes no option; `--stdio` is accepted because clients such
/// as VS Code's add it.
#[derive(clap::Args, Debug)]
pub struct LspArgs {
    /// Talk over standard input and output (the only transport; accepted
    /// for clients that pass it).
    #[arg(long)]
    pub stdio: bool,
}

/// Runs the server on stdin/stdout. Exit status: 0 after `shutdown` and
/// `exit`, 1 otherwise.
pub fn run(_args: LspArgs) -> u8 {
    let (connection, threads) = transport::stdio();
    let status = match serve(connection) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(e) => {
            eprintln!("vigie lsp: {e}");
            1
        }
    };
    if let Err(e) = threads.join() {
        eprintln!("vigie lsp: {e}");
    }
    status
}
