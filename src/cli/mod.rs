//! The `vigie` command line.
//!
//! Each subcommand lives in its own module and returns an exit status.
//! Exit statuses (documented in the README):
//!
//! * `check`: 0 no errors (warnings allowed), 1 errors, 2 could not run;
//! * `scan`: 0 every record read, 1 some records rejected (each reported),
//!   2 could not run (pack errors, unreadable input, output write error);
//! * `test`: 0 every test passed, 1 a test failed, 2 the pack has errors;
//! * `fmt`: 0 done (or, with `--check`, nothing to change), 1 `--check`
//!   found files to reformat, 2 a file does not parse or cannot be written;
//! * `eval`: 0 done, 1 some records rejected, 2 could not run.

mod check;
mod eval;
mod explain;
mod fmt;
pub(crate) mod pretty;
mod scan;
mod split;
pub(crate) mod test;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "vigie",
    version,
    about = "Indicator rules for classified ads: flag what fronts for online pimping, and show why.",
    long_about = None
)]
pub struct Cli {
    /// When to use colours: auto (a terminal without NO_COLOR), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a pack (a directory of .vigie files, or one file) and report
    /// every error and warning.
    Check {
        /// The pack: a directory or a .vigie file.
        pack: PathBuf,
        /// `pretty` (miette reports) or `json` (one JSON array).
        #[arg(long, value_enum, default_value_t = CheckFormat::Pretty)]
        format: CheckFormat,
    },
    /// Scan JSON Lines records with a pack and print verdicts.
    Scan(scan::ScanArgs),
    /// Rewrite rule files in the canonical layout (like gofmt).
    Fmt {
        /// Files or directories (every .vigie file below them).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Write nothing; list the files that would change and exit 1.
        #[arg(long)]
        check: bool,
    },
    /// Per-rule precision and recall, and the trade-off at every threshold,
    /// on labelled ads.
    Eval(eval::EvalArgs),
    /// Run the `test` blocks of a pack.
    Test(test::TestArgs),
    /// Try rules on an ad, interactively (or from a script on stdin).
    Repl(crate::repl::ReplArgs),
    /// Print the long explanation of a diagnostic code (e.g. E0101), or list
    /// every code.
    Explain {
        /// The code, such as E0101. Without it, every code is listed.
        code: Option<String>,
    },
    /// Run the language server (LSP over stdio) for editors.
    Lsp(crate::lsp::LspArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour what goes to a stream that is (or not) a terminal.
    pub fn enabled(self, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    Pretty,
    Json,
}

/// Runs the command line; the binary's `main` is this.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let stderr_color = cli.color.enabled(std::io::stderr().is_terminal());
    let code = match cli.command {
        Command::Check { pack, format } => check::run(&pack, format, stderr_color),
        Command::Scan(args) => scan::run(args, cli.color),
        Command::Explain { code } => explain::run(code.as_deref()),
        Command::Test(args) => test::run(args, cli.color),
        Command::Repl(args) => crate::repl::run(args, cli.color),
        Command::Fmt { paths, check } => fmt::run(&paths, check, stderr_color),
        Command::Eval(args) => eval::run(args, cli.color),
        Command::Lsp(args) => crate::lsp::run(args),
    };
    ExitCode::from(code)
}

/// Options for miette reports on stderr.
pub fn render_options(color: bool) -> crate::diagnostic::RenderOptions {
    crate::diagnostic::RenderOptions { color, width: 100 }
}
