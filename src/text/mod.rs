//! Ad text: folding with a map back to the original bytes, and phones.

mod fold;
pub mod phone;

pub use fold::{fold_into, fold_str, FoldProfile, Folded};
pub use phone::parse_phone;
