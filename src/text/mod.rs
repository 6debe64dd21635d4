//! Ad text: the tokenizer, folding with a map back to the original bytes,
//! and the phone and price extractors.

mod emoji;
pub mod fingerprint;
mod fold;
mod numbers;
pub mod phone;
pub mod price;
pub mod tokens;

pub use fold::{fold_into, fold_str, FoldProfile, Folded};

/// Texts longer than this are read by the extractors in pieces, so their
/// working memory stays bounded whatever the size of an ad.
pub const PIECE: usize = 64 * 1024;

/// Cuts a long text into pieces of about `max` bytes, each ending at a line
/// end, else a sentence end, else a space (a phone or a price never spans
/// one of those in practice); with each piece's offset.
pub(crate) fn pieces(text: &str, max: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    while text.len() - start > max {
        let limit = crate::source::floor_char_boundary(text, start + max);
        let window = &text[start..limit];
        let cut = window
            .rfind('\n')
            .or_else(|| window.rfind(". "))
            .or_else(|| window.rfind(' '))
            .map(|i| start + i + 1)
            .filter(|&c| c > start)
            .unwrap_or(limit);
        out.push((start, &text[start..cut]));
        start = cut;
    }
    out.push((start, &text[start..]));
    out
}
pub use phone::{extract_phones, parse_phone, FoundPhone};
pub use price::{extract_prices, FoundPrice};
