//! The analyst's loop: running a pack's own tests, and measuring a pack on
//! labelled ads.

pub mod eval;
pub mod tests;
