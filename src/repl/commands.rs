//! What to do with one input: a `:command`, a declaration, or an
//! expression. Each input gives a [`Reply`] (what to print, and whether it
//! succeeded) and says whether the session goes on.

use super::render::{self, paint};
use super::session::{Problem, Session};
use crate::check::Def;
use crate::source::SourceFile;
use crate::syntax::chunk::DECLARATION_KEYWORDS;
use crate::Record;
use std::fmt::Write as _;
use std::path::Path;

/// The commands: name, arguments, what it does. `:help`, completion and
/// hints read this table.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (
        ":ad",
        "[{ field: value, ... } | FILE N]",
        "set the current ad, or show it and its verdict",
    ),
    (
        ":why",
        "RULE",
        "each part of RULE's condition on the current ad",
    ),
    (":rules", "", "the rules, and which fired on the current ad"),
    (
        ":type",
        "EXPR",
        "the type of an expression, without evaluating it",
    ),
    (
        ":scan",
        "FILE",
        "run the pack on a JSON Lines file: counts and top flagged ads",
    ),
    (":test", "[FILTER]", "run the pack's test blocks"),
    (
        ":load",
        "PATH",
        "start again from a pack (a directory or a .vigie file)",
    ),
    (
        ":reload",
        "",
        "read the pack's files again (typed declarations are kept)",
    ),
    (":help", "", "this help"),
    (":quit", "", "leave (Ctrl-D does too)"),
];

pub const HELP: &str = "\
Vigie REPL: try rules on an ad, see why they fire or not.

Type an expression to evaluate it on the current ad:
  ad.body has euphemismes        true or false, and the words that matched
  hits(ad.body, euphemismes)     how many distinct terms of the lexicon
  ad.price < 100 EUR             any expression of the rule language
A name alone shows its declaration (`euphemismes`, a rule's name).

Type a declaration to add it to the session's pack; it is checked at once,
and replaces the lexicon, pattern, let, rule or test of the same name (from
the pack or typed before), if there is one:
  lexicon mots { \"douceur\" \"câlin*\" }
  rule douceur { when ad.body has mots  score 20 }
  let texte = ad.title + \" \" + ad.body
A line that leaves a { [ or ( open continues on the next one.

Set the current ad:
  :ad { title: \"...\", body: \"...\", price: 150€ }   written like a test's ad
  :ad examples/annonces.jsonl 11                    the 11th record of a file
  :ad examples/annonces.jsonl a011                  or the record with that id

Commands:
";

/// What an input produced.
#[derive(Debug, Default)]
pub struct Reply {
    pub text: String,
    pub ok: bool,
    pub quit: bool,
}

impl Reply {
    fn ok(text: String) -> Reply {
        Reply {
            text,
            ok: true,
            quit: false,
        }
    }

    fn failed(text: String) -> Reply {
        Reply {
            text,
            ok: false,
            quit: false,
        }
    }

    fn problem(p: &Problem, color: bool) -> Reply {
        Reply::failed(render::problem(p, color))
    }
}

/// Runs one complete input (possibly several lines).
pub fn run_input(session: &mut Session, input: &str, color: bool) -> Reply {
    let text = input.trim();
    let only_comments = super::lex::tokens(text)
        .iter()
        .all(|t| matches!(t.kind, super::lex::Kind::Space | super::lex::Kind::Comment));
    if only_comments {
        return Reply::ok(String::new());
    }
    let name = session.next_input();
    let display = SourceFile {
        name,
        text: text.into(),
    };
    if text.starts_with(':') {
        return command(session, &display, color);
    }
    let first = first_word(text);
    let rest = text[first.len()..].trim_start();
    if DECLARATION_KEYWORDS.contains(&first) && !rest.is_empty() && !starts_operator(rest) {
        return declare(session, &display, color);
    }
    if first.len() == text.len() {
        if let Some(reply) = show_name(session, first, color) {
            return reply;
        }
    }
    evaluate(session, &display, 0..text.len(), color)
}

/// Loads a pack at the start of the session or with `:load`.
pub fn load(session: &mut Session, path: &Path, color: bool) -> Reply {
    match session.load(path) {
        Ok(loaded) => {
            let mut text = render::warnings(&loaded.warnings, color);
            text.push_str(&pack_line(session, "loaded", path));
            if let Some(reason) = session.refresh_ad() {
                let _ = writeln!(
                    text,
                    "the current ad no longer fits the schema ({reason}): cleared"
                );
            }
            Reply::ok(text)
        }
        Err(p) => Reply::problem(&p, color),
    }
}

fn pack_line(session: &Session, verb: &str, path: &Path) -> String {
    let info = session.pack().checked();
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    format!(
        "{verb} {} (pack {}): {}, {}, {}, {}, {}\n",
        path.display(),
        info.meta.name,
        count(info.rules.len(), "rule"),
        count(
            info.lexicons.iter().filter(|l| !l.synthetic).count(),
            "lexicon"
        ),
        count(info.patterns.len(), "pattern"),
        count(info.lets.len(), "let"),
        count(info.tests.len(), "test"),
    )
}

fn first_word(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// `rule and x`: a name used in an expression, not a declaration.
fn starts_operator(rest: &str) -> bool {
    let word = first_word(rest);
    matches!(word, "and" | "or" | "has")
        || rest.starts_with(|c: char| "<>=!+-.(".contains(c)) && !rest.starts_with("=>")
}

fn command(session: &mut Session, display: &SourceFile, color: bool) -> Reply {
    let text = &display.text;
    let word_end = text.find(char::is_whitespace).unwrap_or(text.len());
    let word = &text[..word_end];
    let args_start = word_end + (text.len() - word_end - text[word_end..].trim_start().len());
    let args = text[args_start..].trim_end();
    let no_args = |reply: Reply| {
        if args.is_empty() {
            reply
        } else {
            Reply::failed(render::problem(
                &Problem::Message(format!("`{word}` takes no argument")),
                color,
            ))
        }
    };
    match word {
        ":help" | ":h" | ":?" => Reply::ok(help()),
        ":quit" | ":q" | ":exit" => Reply {
            text: String::new(),
            ok: true,
            quit: true,
        },
        ":type" | ":t" => {
            if args.is_empty() {
                return usage(":type", color);
            }
            match session.check_expr(display, args_start..text.len()) {
                Ok(expr) => {
                    let mut out = render::warnings(&expr.warnings, color);
                    let _ = writeln!(out, "{}", expr.ty);
                    Reply::ok(out)
                }
                Err(p) => Reply::problem(&p, color),
            }
        }
        ":ad" => ad(session, display, args_start, color),
        ":why" | ":w" => {
            if args.is_empty() {
                return usage(":why", color);
            }
            let rule = args;
            match session.why(rule) {
                Ok((lines, fired)) => {
                    let ad = session.ad().expect("why needs an ad");
                    let pack = session.pack();
                    let mut out = render::why(pack, rule, ad, &lines, fired, color);
                    let stream = pack
                        .checked()
                        .rules
                        .iter()
                        .find(|r| r.name == rule)
                        .is_some_and(|r| uses_stream(pack.checked(), &r.when));
                    if stream {
                        let _ = writeln!(out, "{}", paint(color, "2", STREAM_NOTE));
                    }
                    Reply::ok(out)
                }
                Err(p) => Reply::problem(&p, color),
            }
        }
        ":rules" | ":r" => no_args(rules(session, color)),
        ":scan" | ":s" => {
            if args.is_empty() {
                return usage(":scan", color);
            }
            scan(session, args, color)
        }
        ":test" => {
            let filter = (!args.is_empty()).then_some(args);
            let outcomes = crate::quality::tests::run_tests(session.pack(), filter);
            let out = crate::cli::test::pretty(session.pack(), &outcomes, color);
            if outcomes.iter().all(|o| o.passed()) {
                Reply::ok(out)
            } else {
                Reply::failed(out)
            }
        }
        ":load" | ":l" => {
            if args.is_empty() {
                return usage(":load", color);
            }
            load(session, Path::new(args), color)
        }
        ":reload" => no_args(reload(session, color)),
        _ => {
            let names = COMMANDS.iter().map(|(n, _, _)| *n);
            let hint = match crate::diagnostic::did_you_mean(word, names) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "`:help` lists the commands".to_string(),
            };
            Reply::problem(
                &Problem::Message(format!("unknown command `{word}`: {hint}")),
                color,
            )
        }
    }
}

fn help() -> String {
    let mut out = HELP.to_string();
    for (name, args, doc) in COMMANDS {
        let call = if args.is_empty() {
            name.to_string()
        } else {
            format!("{name} {args}")
        };
        if call.len() > 22 {
            let _ = writeln!(out, "  {call}\n  {:22}  {doc}", "");
        } else {
            let _ = writeln!(out, "  {call:22}  {doc}");
        }
    }
    out.push_str("Tab completes names, fields after `ad.` and commands; Up recalls history.\n");
    out
}

fn usage(name: &str, color: bool) -> Reply {
    let (_, args, doc) = COMMANDS
        .iter()
        .find(|(n, _, _)| *n == name)
        .expect("a known command");
    Reply::problem(
        &Problem::Message(format!("usage: {name} {args}  ({doc})")),
        color,
    )
}

fn ad(session: &mut Session, display: &SourceFile, args_start: usize, color: bool) -> Reply {
    let args = display.text[args_start..].trim_end();
    if args.is_empty() {
        let Some(ad) = session.ad() else {
            return Reply::problem(
                &Problem::Message(
                    "no current ad: set one with `:ad { body: \"...\" }` or `:ad FILE N`".into(),
                ),
                color,
            );
        };
        let pack = session.pack();
        let mut out = render::ad_fields(pack, ad, color);
        let verdict = session.verdict().expect("an ad is set");
        out.push_str(&crate::cli::pretty::verdict(
            pack, &ad.record, &verdict, color,
        ));
        return Reply::ok(out);
    }
    let result = if args.starts_with('{') {
        session.set_ad_literal(display, args_start..display.text.len())
    } else {
        match args.rsplit_once(char::is_whitespace) {
            Some((file, which)) => session.set_ad_file(file.trim_end(), which),
            None => Err(Problem::Message(
                "usage: `:ad FILE N` (the Nth record, or the record whose id is N), \
                 or `:ad { body: \"...\" }`"
                    .into(),
            )),
        }
    };
    match result {
        Ok(()) => Reply::ok(ad_summary(session, color)),
        Err(p) => Reply::problem(&p, color),
    }
}

/// `ad a011 (FILE:11): score 120 / 60 FLAGGED — ...` and its title.
fn ad_summary(session: &Session, color: bool) -> String {
    let (Some(ad), Some(verdict)) = (session.ad(), session.verdict()) else {
        return String::new();
    };
    let pack = session.pack();
    let mut out = format!(
        "{}: {}\n",
        render::ad_name(pack, ad),
        render::verdict_line(pack, &verdict, color)
    );
    let schema = &pack.checked().schema;
    if let Some(title) = schema.field("title").and_then(|i| ad.record.text(i)) {
        if !title.is_empty() {
            let _ = writeln!(out, "  {}", paint(color, "2", &format!("{title:?}")));
        }
    }
    out
}

fn rules(session: &Session, color: bool) -> Reply {
    let verdict = session.verdict();
    let typed = |span: crate::source::Span| {
        session
            .is_typed(span.file)
            .then(|| session.pack().sources().get(span.file).name.clone())
    };
    let mut out = render::rules(session.pack(), verdict.as_ref(), &typed, color);
    if let Some(ad) = session.ad() {
        out = out.replacen(
            '\n',
            &format!(", on {}\n", render::ad_name(session.pack(), ad)),
            1,
        );
    }
    Reply::ok(out)
}

fn reload(session: &mut Session, color: bool) -> Reply {
    let Some(path) = session.path().map(Path::to_path_buf) else {
        return Reply::problem(
            &Problem::Message(
                "no pack to reload: start with `vigie repl PACK` or `:load PATH`".into(),
            ),
            color,
        );
    };
    match session.reload() {
        Ok(loaded) => {
            let mut out = render::warnings(&loaded.warnings, color);
            let mut ok = true;
            for (name, problem) in &loaded.dropped {
                ok = false;
                out.push_str(&render::problem(problem, color));
                let _ = writeln!(out, "{name} no longer checks: dropped");
            }
            out.push_str(&pack_line(session, "reloaded", &path));
            if let Some(reason) = session.refresh_ad() {
                let _ = writeln!(
                    out,
                    "the current ad no longer fits the schema ({reason}): cleared"
                );
            }
            Reply {
                text: out,
                ok,
                quit: false,
            }
        }
        Err(p) => Reply::problem(&p, color),
    }
}

fn declare(session: &mut Session, display: &SourceFile, color: bool) -> Reply {
    let before = session.verdict();
    match session.declare(&display.name, &display.text) {
        Ok((items, warnings)) => {
            let mut out = render::warnings(&warnings, color);
            let dropped = session.refresh_ad();
            let after = session.verdict();
            for item in &items {
                let what = match item.kind {
                    "pack" | "schema" => item.kind.to_string(),
                    kind => format!("{kind} {}", item.name),
                };
                let verb = match &item.replaced {
                    Some(at) => format!("replaced (was {at})"),
                    None => "defined".to_string(),
                };
                let mut line = format!("{what} {verb}");
                if item.kind == "rule" {
                    if let Some(v) = &after {
                        let fired = v.rules.iter().find(|r| r.rule == item.name);
                        match fired {
                            Some(r) => {
                                let _ = write!(
                                    line,
                                    "; it {} on the current ad ({})",
                                    paint(color, "1;32", "fires"),
                                    render::signed(r.score)
                                );
                            }
                            None => {
                                let _ = write!(
                                    line,
                                    "; it {} on the current ad (`:why {}` tells why)",
                                    paint(color, "1;31", "does not fire"),
                                    item.name
                                );
                            }
                        }
                    }
                }
                if item.kind == "test" {
                    line.push_str(" (`:test` runs the tests)");
                }
                let _ = writeln!(out, "{line}");
            }
            if let Some(reason) = dropped {
                let _ = writeln!(
                    out,
                    "the current ad no longer fits the schema ({reason}): cleared"
                );
            }
            if let (Some(b), Some(a)) = (&before, &after) {
                if b.score != a.score || b.flagged != a.flagged {
                    let _ = writeln!(out, "{}", render::verdict_line(session.pack(), a, color));
                }
            }
            Reply::ok(out)
        }
        Err(p) => Reply::problem(&p, color),
    }
}

/// A bare name of a lexicon, pattern or rule: its declaration (and, for a
/// rule, whether it fires on the current ad). `None` for other names.
fn show_name(session: &Session, name: &str, color: bool) -> Option<Reply> {
    let (def, _) = session.names().get(name)?;
    if !matches!(def, Def::Lexicon(_) | Def::Pattern(_) | Def::Rule(_)) {
        return None;
    }
    let (at, text) = session.declaration_of(name)?;
    let mut out = format!("{}\n", paint(color, "2", &format!("# {at}")));
    out.push_str(&super::helper::colorize(text.trim_end(), color));
    out.push('\n');
    if let (Def::Rule(_), Some(v), Some(ad)) = (def, session.verdict(), session.ad()) {
        let fired = v.rules.iter().find(|r| r.rule == name);
        let _ = writeln!(
            out,
            "{}",
            match fired {
                Some(r) => format!(
                    "fires on {} ({})",
                    render::ad_name(session.pack(), ad),
                    render::signed(r.score)
                ),
                None => format!(
                    "does not fire on {} (`:why {name}` tells why)",
                    render::ad_name(session.pack(), ad)
                ),
            }
        );
    }
    Some(Reply::ok(out))
}

fn evaluate(
    session: &Session,
    display: &SourceFile,
    range: std::ops::Range<usize>,
    color: bool,
) -> Reply {
    let expr = match session.check_expr(display, range) {
        Ok(e) => e,
        Err(p) => return Reply::problem(&p, color),
    };
    let (value, evidence) = match session.eval(&expr) {
        Ok(v) => v,
        Err(p) => return Reply::problem(&p, color),
    };
    let mut out = render::warnings(&expr.warnings, color);
    out.push_str(&render::value(&value, &expr.ty, color));
    let record = match session.ad() {
        Some(ad) => ad.record.clone(),
        None => session.empty_ad().unwrap_or(Record { values: Vec::new() }),
    };
    out.push_str(&render::evidence(&expr.pack, &record, &evidence, color));
    if uses_stream(expr.pack.checked(), &expr.ir) {
        let _ = writeln!(out, "{}", paint(color, "2", STREAM_NOTE));
    }
    if session.ad().is_none() && reads_ad(&expr.ir) {
        let _ = writeln!(
            out,
            "{}",
            paint(
                color,
                "2",
                "(no current ad: evaluated on an empty one; set it with `:ad FILE N` or `:ad { body: \"...\" }`)"
            )
        );
    }
    Reply::ok(out)
}

/// The note for expressions and rules that use `count`/`distinct`.
const STREAM_NOTE: &str = "(count and distinct look at a stream of ads: on one ad at the prompt they have no value; `:scan FILE` runs them)";

/// True when `ir` (or a let it reads) uses a stream aggregate.
fn uses_stream(pack: &crate::check::CheckedPack, ir: &crate::check::Ir) -> bool {
    fn walk(
        pack: &crate::check::CheckedPack,
        ir: &crate::check::Ir,
        seen: &mut Vec<usize>,
    ) -> bool {
        let mut found = false;
        let mut lets = Vec::new();
        ir.walk(&mut |node| match node {
            crate::check::Ir::Aggregate(_) => found = true,
            crate::check::Ir::Let(i) => lets.push(*i),
            _ => {}
        });
        found
            || lets.into_iter().any(|i| {
                if seen.contains(&i) {
                    return false;
                }
                seen.push(i);
                pack.lets.get(i).is_some_and(|l| walk(pack, &l.value, seen))
            })
    }
    walk(pack, ir, &mut Vec::new())
}

fn reads_ad(ir: &crate::check::Ir) -> bool {
    let mut found = false;
    ir.walk(&mut |node| {
        found |= matches!(
            node,
            crate::check::Ir::Field(_) | crate::check::Ir::Let(_) | crate::check::Ir::Has { .. }
        )
    });
    found
}

fn scan(session: &Session, path: &str, color: bool) -> Reply {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            return Reply::problem(&Problem::Message(format!("cannot read {path}: {e}")), color)
        }
    };
    let pack = session.pack();
    let mut scanner = pack.scanner();
    let mut summary = render::ScanSummary::default();
    let mut records = Vec::new();
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        summary.read += 1;
        let Ok(line) = std::str::from_utf8(line) else {
            summary
                .rejected
                .push(format!("{path}:{}: invalid UTF-8", i + 1));
            continue;
        };
        match scanner.decode(line) {
            Ok(record) => records.push(record),
            Err(e) => summary.rejected.push(format!("{path}:{}: {e}", i + 1)),
        }
    }
    if scanner.has_stream_rules() {
        // In time order, as `vigie scan` reads a file: a record without a
        // time keeps the time of the one before it.
        let mut last = i64::MIN;
        let mut keyed: Vec<(i64, Record)> = records
            .into_iter()
            .map(|r| {
                last = scanner.time_of(&r).unwrap_or(last);
                (last, r)
            })
            .collect();
        keyed.sort_by_key(|(t, _)| *t);
        records = keyed.into_iter().map(|(_, r)| r).collect();
    }
    for record in &records {
        summary.scanned += 1;
        let v = scanner.scan(record);
        if v.flagged {
            let fired = v.rules.iter().map(|r| r.rule.clone()).collect();
            summary.flagged.push((v.score, v.id, fired));
        }
    }
    let out = render::scan_summary(&summary, color);
    if summary.rejected.is_empty() {
        Reply::ok(out)
    } else {
        Reply::failed(out)
    }
}
