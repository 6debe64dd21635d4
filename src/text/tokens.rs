//! The ad-text tokenizer (logos).
//!
//! Folding, phone and price extraction all need to know where words,
//! numbers and emoji are. [`tokenize`] cuts a text into [`Token`]s that
//! cover it completely (every byte belongs to exactly one token), so any
//! consumer can map back to the original by offsets.
//!
//! A *word* is a run of letters and digits, with the look-alike symbols of
//! leet speak allowed inside (`év@sion`, `d!spo`, `M4ss4ge`): whether it
//! holds letters, digits or both is left to the consumer.

use logos::Logos;

#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// White space of any kind (Unicode `White_Space`): spaces, tabs,
    /// newlines, the no-break spaces of French typography.
    #[regex(r"\s+")]
    Space,
    /// Zero-width characters, direction marks and soft hyphens: invisible,
    /// always dropped by folding (the same set as `fold::is_invisible`).
    #[regex(r"[\u{ad}\u{180e}\u{200b}-\u{200f}\u{202a}-\u{202e}\u{2060}-\u{2064}\u{2066}-\u{206f}\u{feff}]+")]
    Invisible,
    #[regex(r"https?://[^ \t\r\n]+", priority = 10)]
    #[regex(r"www\.[^ \t\r\n]+", priority = 10)]
    Url,
    /// `@name`. The leet symbols that a word may start with (`@$`) are
    /// part of a name too: otherwise `leet`, folding the word glued to a
    /// name (`@.@@e` → `@.aae`), would make the name longer when the text
    /// is folded again, and the spacing around it change (the `text` fuzz
    /// target found it: `tests/regressions/text-leet-lengthens-a-handle`).
    #[regex(r"@[\p{L}\p{N}_.@$]+", priority = 6)]
    Handle,
    /// Letters and digits (and the marks that follow them), with leet
    /// symbols inside (`@$!|`) or at the edges (`@$`). A symbol takes what a
    /// letter in its place would take (any number of `@$` at the edges,
    /// marks after it), so the word is cut the same once `leet` has made
    /// its symbols letters: folding stays idempotent.
    #[regex(r"[@$]*[\p{L}\p{N}][\p{L}\p{N}\p{M}--[\u{fe0f}\u{20e3}]]*(?:[@$!|]+[\p{L}\p{N}\p{M}--[\u{fe0f}\u{20e3}]]+)*[@$]*", priority = 4)]
    Word,
    /// A keycap digit: `6️⃣` (digit, optional VS16, U+20E3).
    #[regex(r"[0-9#*]\u{fe0f}?\u{20e3}", priority = 8)]
    Keycap,
    /// A pictographic emoji with its variation selector and modifiers.
    #[regex(
        r"\p{Extended_Pictographic}[\u{fe0f}\u{200d}\p{Extended_Pictographic}\u{1f3fb}-\u{1f3ff}]*"
    )]
    #[regex(r"[\u{1f1e6}-\u{1f1ff}]{2}")]
    Emoji,
    #[regex(r"[€$£¥]")]
    Currency,
    /// Any other character: punctuation, symbols.
    #[regex(r".", priority = 0)]
    Other,
}

/// A token: its kind and its byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// Cuts `text` into tokens that cover it entirely.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 4 + 1);
    tokenize_into(text, &mut out);
    out
}

/// Like [`tokenize`], reusing a buffer.
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    out.clear();
    let mut lexer = TokenKind::lexer(text);
    while let Some(kind) = lexer.next() {
        let span = lexer.span();
        // logos reports an error for input no pattern accepts (a lone
        // combining mark, say); keep it as `Other` so nothing is lost.
        let kind = kind.unwrap_or(TokenKind::Other);
        out.push(Token {
            kind,
            start: span.start,
            end: span.end,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize(text)
            .iter()
            .map(|t| (t.kind, t.text(text)))
            .collect()
    }

    #[test]
    fn cuts_ad_text() {
        use TokenKind::*;
        assert_eq!(
            kinds("M4ss4ge 150€/h, snap: @lila_x 0️⃣6️⃣ 🌹"),
            vec![
                (Word, "M4ss4ge"),
                (Space, " "),
                (Word, "150"),
                (Currency, "€"),
                (Other, "/"),
                (Word, "h"),
                (Other, ","),
                (Space, " "),
                (Word, "snap"),
                (Other, ":"),
                (Space, " "),
                (Handle, "@lila_x"),
                (Space, " "),
                (Keycap, "0️⃣"),
                (Keycap, "6️⃣"),
                (Space, " "),
                (Emoji, "🌹"),
            ]
        );
    }

    #[test]
    fn covers_every_byte() {
        for text in [
            "",
            "é\u{301}\u{301}",
            "a\u{200b}b",
            "https://x.y/z ok",
            "év@sion d!spo !",
        ] {
            let tokens = tokenize(text);
            let mut at = 0;
            for t in &tokens {
                assert_eq!(t.start, at, "{text:?}");
                at = t.end;
            }
            assert_eq!(at, text.len(), "{text:?}");
        }
    }
}
