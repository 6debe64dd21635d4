//! `vigie explain CODE`: the long page of a diagnostic code.

use crate::diagnostic::{did_you_mean, Code};

pub fn run(code: Option<&str>) -> u8 {
    let Some(code) = code else {
        for c in Code::ALL {
            println!("{}  {}", c.as_str(), c.title());
        }
        return 0;
    };
    match Code::parse(code) {
        Some(c) => {
            println!("{}: {}\n\n{}", c.as_str(), c.title(), c.explanation());
            0
        }
        None => {
            let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            eprintln!("error: no diagnostic code `{code}`");
            if let Some(s) = did_you_mean(&code.to_uppercase(), all) {
                eprintln!("help: did you mean `{s}`?");
            }
            eprintln!("help: `vigie explain` lists every code");
            2
        }
    }
}
