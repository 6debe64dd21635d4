//! `vigie repl`: try rules on an ad. (Being written.)

use crate::cli::ColorChoice;
use std::path::Path;

/// Runs the REPL; returns the exit status.
pub fn run(_pack: Option<&Path>, _color: ColorChoice) -> u8 {
    eprintln!("the REPL is not available yet");
    2
}
