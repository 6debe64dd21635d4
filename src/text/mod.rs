//! Ad text: the tokenizer, folding with a map back to the original bytes,
//! and the phone and price extractors.

mod emoji;
pub mod fingerprint;
mod fold;
mod numbers;
pub mod phone;
pub mod price;
pub mod tokens;

pub use fold::{fold_into, fold_into_sparse, fold_str, FoldProfile, Folded};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_read_in_pieces_with_exact_spans() {
        let filler = "Très bon état, à venir chercher sur place. ".repeat(3000);
        let text =
            format!("{filler}Appelez le 06 39 98 12 34. {filler}Tarif 1h 150, ou 06 39 98 55 66.");
        assert!(text.len() > 3 * PIECE);
        let phones = extract_phones(&text);
        assert_eq!(phones.len(), 2);
        assert_eq!(&text[phones[0].start..phones[0].end], "06 39 98 12 34");
        assert_eq!(&text[phones[1].start..phones[1].end], "06 39 98 55 66");
        let prices = extract_prices(&text);
        assert_eq!(prices.len(), 1);
        assert_eq!(&text[prices[0].start..prices[0].end], "1h 150");
        let cut: Vec<(usize, &str)> = pieces(&text, PIECE);
        assert!(cut.iter().all(|(_, p)| p.len() <= PIECE));
        assert_eq!(cut.iter().map(|(_, p)| p.len()).sum::<usize>(), text.len());
    }
}
