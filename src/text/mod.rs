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
pub use phone::{extract_phones, parse_phone, FoundPhone};
pub use price::{extract_prices, FoundPrice};
