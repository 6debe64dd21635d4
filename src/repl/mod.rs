//! `vigie repl [PACK]`: try rules on an ad, see why they fire or not.
//!
//! On a terminal the REPL is a line editor (rustyline) with history kept in
//! the user's data directory, colours, hints, completion and multi-line
//! input. When standard input is not a terminal it reads inputs line by
//! line (an input goes on while a bracket is open), prints plain text, and
//! exits with 1 if any input failed, so that a session can be replayed as a
//! test.
//!
//! * [`session`]: the session's pack (loaded files + typed declarations)
//!   and the current ad;
//! * [`commands`]: what each input does;
//! * [`helper`]: completion, hints, colours and multi-line input for the
//!   line editor, on [`lex`]'s tokens;
//! * [`render`]: how values, evidence, explanations and summaries print.
//!
//! The REPL reads no file but those the user names (`PACK`, `:load`,
//! `:ad FILE`, `:scan FILE`) and its history file.

pub mod commands;
pub mod helper;
pub mod lex;
pub mod render;
pub mod session;

use crate::cli::ColorChoice;
use clap::Args;
use helper::{ReplHelper, Vocab};
use rustyline::config::{ColorMode, CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::Editor;
use session::Session;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ReplArgs {
    /// A pack to start from (a directory or a .vigie file).
    pub pack: Option<PathBuf>,
    /// When standard input is not a terminal: print each input (after `> `)
    /// before its output, for readable transcripts.
    #[arg(long)]
    pub echo: bool,
}

/// Runs the REPL; returns the exit status: 0, or 1 when standard input is
/// not a terminal and an input failed.
pub fn run(args: ReplArgs, color: ColorChoice) -> u8 {
    let interactive = std::io::stdin().is_terminal();
    let color = color.enabled(interactive && std::io::stdout().is_terminal());
    let mut session = Session::new();
    let mut failed = false;
    if let Some(path) = &args.pack {
        let reply = commands::load(&mut session, path, color);
        print_out(&reply.text);
        failed |= !reply.ok;
    }
    if interactive {
        interactive_loop(&mut session, color);
        0
    } else {
        failed |= !script_loop(&mut session, args.echo, color);
        u8::from(failed)
    }
}

fn print_out(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe: nothing more can be said.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Reads inputs from standard input; false when one failed.
fn script_loop(session: &mut Session, echo: bool, color: bool) -> bool {
    let mut ok = true;
    let mut pending = String::new();
    for line in std::io::stdin().lock().lines() {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                print_out(&format!("error: cannot read the input: {e}\n"));
                return false;
            }
        };
        // A line that starts a command or a declaration at column 0 ends an
        // input left open by a missing bracket (reported by the parser), as
        // in a rule file, rather than swallowing the rest of the script.
        if !pending.is_empty() && starts_input(&line) {
            let reply = commands::run_input(session, &std::mem::take(&mut pending), color);
            print_out(&reply.text);
            ok &= reply.ok;
            if reply.quit {
                return ok;
            }
        }
        if echo {
            let mark = if pending.is_empty() { ">" } else { "." };
            print_out(&if line.is_empty() {
                format!("{mark}\n")
            } else {
                format!("{mark} {line}\n")
            });
        }
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(&line);
        if lex::open_brackets(&pending) > 0 {
            continue;
        }
        let input = std::mem::take(&mut pending);
        let reply = commands::run_input(session, &input, color);
        print_out(&reply.text);
        ok &= reply.ok;
        if reply.quit {
            return ok;
        }
    }
    if !pending.trim().is_empty() {
        let open = lex::open_brackets(&pending);
        print_out(&format!(
            "error: the input ended with {open} bracket{} still open\n",
            if open == 1 { "" } else { "s" }
        ));
        ok = false;
    }
    ok
}

/// A `:command`, or a declaration keyword followed by a name, at column 0.
fn starts_input(line: &str) -> bool {
    if line.starts_with(':') {
        return true;
    }
    let word_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    crate::syntax::chunk::DECLARATION_KEYWORDS.contains(&&line[..word_end])
        && line[word_end..].starts_with(' ')
}

fn interactive_loop(session: &mut Session, color: bool) {
    let config = Config::builder()
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .history_ignore_space(true)
        .color_mode(if color {
            ColorMode::Enabled
        } else {
            ColorMode::Disabled
        });
    let config = config
        .history_ignore_dups(true)
        .and_then(|c| c.max_history_size(1000))
        .map(|c| c.build())
        .unwrap_or_default();
    let mut editor: Editor<ReplHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the line editor: {e}");
            return;
        }
    };
    editor.set_helper(Some(ReplHelper::new(Vocab::of(session), color)));
    let history = history_path();
    if let Some(path) = &history {
        // A first session has no history yet.
        let _ = editor.load_history(path);
    }
    let name = session.pack().checked().meta.name.clone();
    print_out(&format!(
        "Vigie REPL{}. `:help` for help, Tab to complete, Ctrl-D to leave.\n",
        if session.path().is_some() {
            format!(", pack {name}")
        } else {
            String::new()
        }
    ));
    let prompt = ("vigie> ", "\x1b[1;36mvigie>\x1b[0m ");
    loop {
        let line = if color {
            editor.readline(&prompt)
        } else {
            editor.readline(prompt.0)
        };
        match line {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                    if let Some(path) = &history {
                        save_history(&mut editor, path);
                    }
                }
                let reply = commands::run_input(session, &line, color);
                print_out(&reply.text);
                if let Some(helper) = editor.helper_mut() {
                    helper.vocab = Vocab::of(session);
                }
                if reply.quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                break;
            }
        }
    }
}

fn save_history(editor: &mut Editor<ReplHelper, DefaultHistory>, path: &std::path::Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    // Losing history is not worth interrupting the analyst for.
    let _ = editor.save_history(path);
}

/// `vigie/history.txt` in the user's data directory: `$XDG_DATA_HOME`, or
/// the platform's default (`~/.local/share`, `~/Library/Application
/// Support`, `%APPDATA%`).
pub fn history_path() -> Option<PathBuf> {
    let from_env = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let data = from_env("XDG_DATA_HOME").or_else(|| {
        if cfg!(windows) {
            from_env("APPDATA")
        } else if cfg!(target_os = "macos") {
            from_env("HOME").map(|h| h.join("Library/Application Support"))
        } else {
            from_env("HOME").map(|h| h.join(".local/share"))
        }
    })?;
    Some(data.join("vigie").join("history.txt"))
}
