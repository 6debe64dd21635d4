//! The formatter: one canonical layout for rule files, like gofmt.
//!
//! # How it works
//!
//! The file is parsed to a syntax tree; the tree is printed again in the
//! canonical layout (two-space indentation, one property, term, field or
//! expectation per line, one space around operators, the fewest
//! parentheses that keep the meaning). The tree has no comments, so they
//! are read separately ([`scan_comments`]) with their offsets, and put back
//! by position while printing:
//!
//! * a comment on a line of its own is printed before the item that
//!   follows it, at that item's indentation;
//! * a comment after code on the same line stays at the end of that line;
//! * a comment inside an expression moves just above the line that holds
//!   the expression (the only place a comment can move).
//!
//! One blank line between items is kept where the author left one or more;
//! blank lines right after `{` are dropped. A `when` or `let` longer than
//! [`WIDTH`] is broken before each `and` (or `or`) of its top level.
//!
//! The layout depends only on the tree and the comments, so formatting is
//! idempotent; printing keeps every literal's value and inserts parentheses
//! wherever precedence needs them, so it never changes meaning. Both
//! properties are tested on every file in `rules/` (`tests/fmt.rs`).

use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::*;

/// Lines longer than this get their conditions broken.
pub const WIDTH: usize = 100;

/// Formats one file. Returns the parse errors when it does not parse: a
/// file is only formatted whole.
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    let (decls, diags) = crate::syntax::parse_file(0, text);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    let mut f = Formatter {
        src: text,
        comments: scan_comments(text),
        next: 0,
        out: String::with_capacity(text.len() + 64),
        last_end: 0,
        block_start: true,
    };
    for decl in &decls {
        f.decl(decl);
    }
    f.leading(text.len(), "");
    // Exactly one newline at the end.
    let trimmed = f.out.trim_end().len();
    f.out.truncate(trimmed);
    if !f.out.is_empty() {
        f.out.push('\n');
    }
    Ok(f.out)
}

/// A comment in the source: `#` to the end of its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub start: usize,
    pub end: usize,
    /// After code on the same line.
    pub trailing: bool,
}

/// Finds the comments of a file (a `#` outside strings and regex literals).
pub fn scan_comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            if in_string {
                match c {
                    '\\' if !escaped => {
                        escaped = true;
                        continue;
                    }
                    '"' if !escaped => in_string = false,
                    _ => {}
                }
                escaped = false;
                continue;
            }
            match c {
                '"' => in_string = true,
                '#' => {
                    let end = offset + line.trim_end().len();
                    out.push(Comment {
                        start: offset + i,
                        end: end.max(offset + i + 1),
                        trailing: !line[..i].trim().is_empty(),
                    });
                    break;
                }
                _ => {}
            }
        }
        offset += line.len();
    }
    out
}

struct Formatter<'a> {
    src: &'a str,
    comments: Vec<Comment>,
    /// The next comment not yet printed.
    next: usize,
    out: String,
    /// Source offset of the end of what was printed last.
    last_end: usize,
    /// True right after a `{` (no blank line there).
    block_start: bool,
}

impl Formatter<'_> {
    fn comment_text(&self, c: &Comment) -> &str {
        self.src[c.start..c.end].trim_end()
    }

    /// Prints the comments that start before `upto`, each on its own line.
    fn leading(&mut self, upto: usize, indent: &str) {
        while let Some(c) = self.comments.get(self.next).cloned() {
            if c.start >= upto {
                break;
            }
            self.next += 1;
            self.blank_line_before(c.start);
            let text = self.comment_text(&c).to_string();
            self.out.push_str(indent);
            self.out.push_str(&text);
            self.out.push('\n');
            self.last_end = c.end;
            self.block_start = false;
        }
    }

    /// The comment after code at the end of the line where `end` is, if any.
    fn trailing(&mut self, end: usize) -> Option<String> {
        let c = self.comments.get(self.next)?.clone();
        let between = &self.src[end.min(c.start)..c.start];
        if c.start < end || !between.trim().is_empty() || between.contains('\n') {
            return None;
        }
        self.next += 1;
        self.last_end = c.end;
        Some(self.comment_text(&c).to_string())
    }

    /// Comments inside `span` (in an expression): printed above.
    fn inner(&mut self, span_end: usize, indent: &str) {
        self.leading(span_end, indent);
    }

    fn blank_line_before(&mut self, start: usize) {
        if self.block_start || self.out.is_empty() {
            return;
        }
        let between = self.src.get(self.last_end.min(start)..start).unwrap_or("");
        let mut newlines = 0;
        for ch in between.chars() {
            if ch == '\n' {
                newlines += 1;
                if newlines >= 2 {
                    self.out.push('\n');
                    return;
                }
            } else if !ch.is_whitespace() {
                newlines = 0;
            }
        }
    }

    /// Prints one line-sized item: comments before it, the line, and the
    /// comment after it.
    fn line(&mut self, span: Span, indent: &str, text: &str) {
        self.leading(span.start as usize, indent);
        self.inner(span.end as usize, indent);
        self.blank_line_before(span.start as usize);
        self.out.push_str(indent);
        self.out.push_str(text);
        self.last_end = self.last_end.max(span.end as usize);
        if let Some(c) = self.trailing(span.end as usize) {
            self.out.push_str("  ");
            self.out.push_str(&c);
        }
        self.out.push('\n');
        self.block_start = false;
    }

    /// Opens a block: comments before it, then `header {`. `header_end` is
    /// where the header ends in the source; the `{` follows it.
    fn open(&mut self, start: usize, header_end: usize, indent: &str, header: &str) {
        self.leading(start, indent);
        self.blank_line_before(start);
        self.out.push_str(indent);
        self.out.push_str(header);
        self.out.push_str(" {");
        let brace = self.src[header_end..]
            .find('{')
            .map_or(header_end, |i| header_end + i + 1);
        self.last_end = brace;
        let header_end = brace;
        if let Some(c) = self.trailing(header_end) {
            self.out.push_str("  ");
            self.out.push_str(&c);
        }
        self.out.push('\n');
        self.block_start = true;
    }

    /// Closes a block that ends at `end` (just after its `}`).
    fn close(&mut self, end: usize, indent: &str) {
        self.leading(end.saturating_sub(1), &format!("{indent}  "));
        self.out.push_str(indent);
        self.out.push('}');
        self.last_end = end;
        if let Some(c) = self.trailing(end) {
            self.out.push_str("  ");
            self.out.push_str(&c);
        }
        self.out.push('\n');
        self.block_start = false;
    }

    fn decl(&mut self, decl: &Decl) {
        let start = decl.span.start as usize;
        let end = decl.span.end as usize;
        match &decl.kind {
            DeclKind::Pack(p) => {
                let mut header = format!("pack {}", p.name.text);
                let mut header_end = p.name.span.end;
                if let Some(t) = &p.title {
                    header.push(' ');
                    header.push_str(&string(&t.value));
                    header_end = t.span.end;
                }
                self.line(Span::new(0, start, header_end as usize), "", &header);
                let mut props: Vec<(u32, String, Span)> = Vec::new();
                if let Some(v) = &p.version {
                    props.push((
                        v.span.start,
                        format!("version {}", string(&v.value)),
                        v.span,
                    ));
                }
                if let Some((_, span)) = &p.threshold {
                    props.push((
                        span.start,
                        format!("threshold {}", self.slice(*span)),
                        *span,
                    ));
                }
                props.sort_by_key(|p| p.0);
                for (_, text, span) in props {
                    self.line(span, "  ", &text);
                }
            }
            DeclKind::Lexicon(l) => {
                let mut header = format!("lexicon {}", l.name.text);
                let mut header_end = l.name.span.end as usize;
                if let Some(fold) = &l.fold {
                    let names: Vec<&str> = fold.iter().map(|n| n.text.as_str()).collect();
                    header.push_str(&format!(" fold({})", names.join(", ")));
                    header_end = l.fold_span.map_or(header_end, |s| s.end as usize);
                }
                if l.terms.is_empty() && !self.has_comment_before(end) {
                    self.line(Span::new(0, start, end), "", &format!("{header} {{}}"));
                    return;
                }
                self.open(start, header_end, "", &header);
                for term in &l.terms {
                    self.line(term.span, "  ", &string(&term.value));
                }
                self.close(end, "");
            }
            DeclKind::Pattern(p) => {
                let raw = if p.raw { " raw" } else { "" };
                let text = format!("pattern {}{raw} = re\"{}\"", p.name.text, p.regex);
                self.line(Span::new(0, start, end), "", &text);
            }
            DeclKind::Schema(s) => {
                self.open(
                    start,
                    s.name.span.end as usize,
                    "",
                    &format!("schema {}", s.name.text),
                );
                for field in &s.fields {
                    let span = field.name.span.to(field.ty.span);
                    self.line(
                        span,
                        "  ",
                        &format!("{}: {}", field.name.text, type_expr(&field.ty)),
                    );
                }
                self.close(end, "");
            }
            DeclKind::Let(l) => {
                let prefix = format!("let {} = ", l.name.text);
                let text = self.condition(&prefix, &l.value, "");
                self.line(Span::new(0, start, end), "", &text);
            }
            DeclKind::Rule(r) => {
                self.open(
                    start,
                    r.name.span.end as usize,
                    "",
                    &format!("rule {}", r.name.text),
                );
                for prop in &r.props {
                    let (text, span) = self.rule_prop(prop);
                    self.line(span, "  ", &text);
                }
                self.close(end, "");
            }
            DeclKind::Test(t) => {
                self.open(
                    start,
                    t.name.span.end as usize,
                    "",
                    &format!("test {}", string(&t.name.value)),
                );
                for item in &t.items {
                    self.test_item(item);
                }
                self.close(end, "");
            }
            DeclKind::Broken { .. } => {
                // Unreachable: files with syntax errors are not formatted.
                let text = self.slice(decl.span).trim_end().to_string();
                self.line(decl.span, "", &text);
            }
        }
    }

    fn has_comment_before(&self, end: usize) -> bool {
        self.comments.get(self.next).is_some_and(|c| c.start < end)
    }

    fn slice(&self, span: Span) -> String {
        self.src[span.range()]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn rule_prop(&self, prop: &RuleProp) -> (String, Span) {
        let k = prop.keyword_span;
        match &prop.kind {
            RulePropKind::Title(s) => (format!("title {}", string(&s.value)), k.to(s.span)),
            RulePropKind::Ref(s) => (format!("ref {}", string(&s.value)), k.to(s.span)),
            RulePropKind::Note(s) => (format!("note {}", string(&s.value)), k.to(s.span)),
            RulePropKind::Level(n) => (format!("level {}", n.text), k.to(n.span)),
            RulePropKind::Tags(tags) => {
                let names: Vec<&str> = tags.iter().map(|t| t.text.as_str()).collect();
                let end = tags.last().map_or(k, |t| t.span);
                (format!("tags {}", names.join(", ")), k.to(end))
            }
            RulePropKind::When(e) => (self.condition("when ", e, "  "), k.to(e.span)),
            RulePropKind::Score(_, span) => (format!("score {}", self.slice(*span)), k.to(*span)),
        }
    }

    /// `prefix EXPR`, broken before each top-level `and`/`or` when long.
    fn condition(&self, prefix: &str, e: &Expr, indent: &str) -> String {
        let flat = format!("{prefix}{}", self.expr(e, 0));
        if indent.len() + flat.chars().count() <= WIDTH {
            return flat;
        }
        let (word, min) = match &e.kind {
            ExprKind::And(..) => ("and", 3),
            ExprKind::Or(..) => ("or", 2),
            _ => return flat,
        };
        let mut operands = Vec::new();
        let mut cur = e;
        loop {
            match &cur.kind {
                ExprKind::And(a, b) if word == "and" => {
                    operands.push(b.as_ref());
                    cur = a;
                }
                ExprKind::Or(a, b) if word == "or" => {
                    operands.push(b.as_ref());
                    cur = a;
                }
                _ => {
                    operands.push(cur);
                    break;
                }
            }
        }
        operands.reverse();
        let first_min = if word == "and" { 2 } else { 1 };
        let mut text = format!("{prefix}{}", self.expr(operands[0], first_min));
        for operand in &operands[1..] {
            text.push('\n');
            text.push_str(indent);
            text.push_str("    ");
            text.push_str(word);
            text.push(' ');
            text.push_str(&self.expr(operand, min));
        }
        text
    }

    /// Prints an expression, in parentheses when its precedence is below
    /// `min`.
    fn expr(&self, e: &Expr, min: u8) -> String {
        let p = precedence(e);
        let text = match &e.kind {
            ExprKind::Or(a, b) => format!("{} or {}", self.expr(a, 1), self.expr(b, 2)),
            ExprKind::And(a, b) => format!("{} and {}", self.expr(a, 2), self.expr(b, 3)),
            ExprKind::Not(a) => format!("not {}", self.expr(a, 3)),
            ExprKind::Cmp(op, a, b) => {
                format!("{} {} {}", self.expr(a, 5), op.as_str(), self.expr(b, 5))
            }
            ExprKind::Has(a, b) => format!("{} has {}", self.expr(a, 5), self.expr(b, 5)),
            ExprKind::Arith(op, a, b) => {
                let sign = if *op == ArithOp::Add { "+" } else { "-" };
                format!("{} {sign} {}", self.expr(a, 5), self.expr(b, 6))
            }
            ExprKind::Member(base, name) => format!("{}.{}", self.expr(base, 6), name.text),
            ExprKind::Call(f, args) => {
                let args: Vec<String> = args
                    .iter()
                    .map(|a| match &a.name {
                        Some(n) => format!("{}: {}", n.text, self.expr(&a.value, 0)),
                        None => self.expr(&a.value, 0),
                    })
                    .collect();
                format!("{}({})", f.text, args.join(", "))
            }
            ExprKind::Lambda(param, body) => format!("{} => {}", param.text, self.expr(body, 0)),
            ExprKind::List(items) => {
                let items: Vec<String> = items.iter().map(|i| self.expr(i, 0)).collect();
                format!("[{}]", items.join(", "))
            }
            ExprKind::Text(s) => string(s),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Null => "null".to_string(),
            ExprKind::Var(n) => n.text.clone(),
            ExprKind::Number(_) | ExprKind::Money(..) | ExprKind::Duration(_) | ExprKind::Error => {
                self.slice(e.span)
            }
        };
        if p < min {
            format!("({text})")
        } else {
            text
        }
    }

    fn test_item(&mut self, item: &TestItem) {
        match item {
            TestItem::Ad(rec) => {
                let flat = format!("ad {}", record(rec));
                if 2 + flat.chars().count() <= WIDTH {
                    self.line(rec.span, "  ", &flat);
                } else {
                    self.record_block(rec, "  ", "ad ");
                }
            }
            TestItem::Ads(recs, span) => {
                let start = span.start as usize;
                self.leading(start, "  ");
                self.blank_line_before(start);
                self.out.push_str("  ads [\n");
                self.last_end = start;
                self.block_start = true;
                for rec in recs {
                    let flat = record(rec);
                    if 4 + flat.chars().count() <= WIDTH {
                        self.line(rec.span, "    ", &flat);
                    } else {
                        self.record_block(rec, "    ", "");
                    }
                }
                self.leading(span.end as usize - 1, "    ");
                self.out.push_str("  ]");
                self.last_end = span.end as usize;
                if let Some(c) = self.trailing(span.end as usize) {
                    self.out.push_str("  ");
                    self.out.push_str(&c);
                }
                self.out.push('\n');
            }
            TestItem::Expect(e, span) => {
                let text = match e {
                    Expectation::Rule { rule, on } => match on {
                        Some((n, _)) => format!("expect {} on {n}", rule.text),
                        None => format!("expect {}", rule.text),
                    },
                    Expectation::NotRule { rule, on } => match on {
                        Some((n, _)) => format!("expect not {} on {n}", rule.text),
                        None => format!("expect not {}", rule.text),
                    },
                    Expectation::Nothing => "expect nothing".to_string(),
                    Expectation::Score { op, value, .. } => format!(
                        "expect score {} {}",
                        op.as_str(),
                        crate::value::format_number(*value)
                    ),
                };
                self.line(*span, "  ", &text);
            }
        }
    }

    /// A record on several lines, one field per line.
    fn record_block(&mut self, rec: &RecordLit, indent: &str, prefix: &str) {
        self.leading(rec.span.start as usize, indent);
        self.inner(rec.span.end as usize, indent);
        self.blank_line_before(rec.span.start as usize);
        self.out.push_str(indent);
        self.out.push_str(prefix);
        self.out.push_str("{\n");
        for (name, value) in &rec.fields {
            self.out.push_str(indent);
            self.out.push_str("  ");
            self.out
                .push_str(&format!("{}: {}\n", name.text, record_value(value)));
        }
        self.out.push_str(indent);
        self.out.push('}');
        self.last_end = rec.span.end as usize;
        if let Some(c) = self.trailing(rec.span.end as usize) {
            self.out.push_str("  ");
            self.out.push_str(&c);
        }
        self.out.push('\n');
        self.block_start = false;
    }
}

fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Lambda(..) => 0,
        ExprKind::Or(..) => 1,
        ExprKind::And(..) => 2,
        ExprKind::Not(..) => 3,
        ExprKind::Cmp(..) | ExprKind::Has(..) => 4,
        ExprKind::Arith(..) => 5,
        _ => 6,
    }
}

/// A string literal with the canonical escapes.
pub fn string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn type_expr(t: &TypeExpr) -> String {
    let mut s = t.name.text.clone();
    if let Some(arg) = &t.arg {
        s.push('<');
        s.push_str(&type_expr(arg));
        s.push('>');
    }
    if t.optional {
        s.push('?');
    }
    s
}

fn record(rec: &RecordLit) -> String {
    if rec.fields.is_empty() {
        return "{}".to_string();
    }
    let fields: Vec<String> = rec
        .fields
        .iter()
        .map(|(n, v)| format!("{}: {}", n.text, record_value(v)))
        .collect();
    format!("{{ {} }}", fields.join(", "))
}

fn record_value(v: &RecordValue) -> String {
    use crate::value::format_number;
    match v {
        RecordValue::Text(s) => string(s),
        RecordValue::Number(n) => format_number(*n),
        RecordValue::Quantity(n, unit) => {
            if unit.chars().all(|c| c.is_ascii_uppercase()) {
                format!("{} {unit}", format_number(*n))
            } else {
                format!("{}{unit}", format_number(*n))
            }
        }
        RecordValue::Bool(b) => b.to_string(),
        RecordValue::Null => "null".to_string(),
        RecordValue::List(items) => {
            let items: Vec<String> = items.iter().map(record_value).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> String {
        format_source(s).unwrap_or_else(|d| panic!("{d:#?}"))
    }

    #[test]
    fn lays_out_a_rule_and_keeps_comments() {
        let src = "# head\n\n\nrule r{title \"T\"   # the title\nwhen (ad.body has x) and not(ad.price<100 EUR)\n  # about the score\nscore 10}\nlexicon x{\"a b\",\"c*\"}\n";
        let out = fmt(src);
        assert_eq!(
            out,
            "# head\n\nrule r {\n  title \"T\"  # the title\n  when ad.body has x and not ad.price < 100 EUR\n  # about the score\n  score 10\n}\nlexicon x {\n  \"a b\"\n  \"c*\"\n}\n"
        );
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn keeps_needed_parentheses() {
        let out = fmt("let a = (x or y) and not (z and w)\nlet b = x - (y - z)\n");
        assert_eq!(
            out,
            "let a = (x or y) and not (z and w)\nlet b = x - (y - z)\n"
        );
    }

    #[test]
    fn breaks_long_conditions() {
        let long = "rule r {\n  when ad.body has aaaaaaaaaaaaaaaaaaaa and ad.body has bbbbbbbbbbbbbbbbbbbbbbbb and ad.body has cccccccccccccccccccccc\n  score 1\n}\n";
        let out = fmt(long);
        assert_eq!(out, "rule r {\n  when ad.body has aaaaaaaaaaaaaaaaaaaa\n      and ad.body has bbbbbbbbbbbbbbbbbbbbbbbb\n      and ad.body has cccccccccccccccccccccc\n  score 1\n}\n");
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn refuses_files_that_do_not_parse() {
        assert!(format_source("rule r { when }").is_err());
    }
}
