//! French numbers written in words, as phone numbers are read aloud:
//! "zéro six, trente-neuf, quatre-vingt-dix-huit" → 0, 6, 39, 98. Belgian
//! and Swiss forms (septante, huitante, octante, nonante) included.
//!
//! Words arrive folded (lower case, no accents) and split at hyphens.
//! Reading is greedy ("trente neuf" is 39, "dix sept" 17), except after
//! "quatre-vingts": with its plural s it is a whole number, so "quatre-vingts
//! douze" is 80, 12.

/// The value of a unit word (0..=9).
fn unit(w: &str) -> Option<u32> {
    Some(match w {
        "zero" => 0,
        "un" | "une" => 1,
        "deux" => 2,
        "trois" => 3,
        "quatre" => 4,
        "cinq" => 5,
        "six" => 6,
        "sept" => 7,
        "huit" => 8,
        "neuf" => 9,
        _ => return None,
    })
}

/// 10..=16.
fn teen(w: &str) -> Option<u32> {
    Some(match w {
        "dix" => 10,
        "onze" => 11,
        "douze" => 12,
        "treize" => 13,
        "quatorze" => 14,
        "quinze" => 15,
        "seize" => 16,
        _ => return None,
    })
}

fn tens(w: &str) -> Option<u32> {
    Some(match w {
        "vingt" | "vingts" => 20,
        "trente" => 30,
        "quarante" => 40,
        "cinquante" => 50,
        "soixante" => 60,
        "septante" => 70,
        "huitante" | "octante" => 80,
        "nonante" => 90,
        _ => return None,
    })
}

/// Whether a folded word can be part of a number.
pub fn is_number_word(w: &str) -> bool {
    w == "et" || unit(w).is_some() || teen(w).is_some() || tens(w).is_some()
}

/// 10..=19 at `words[i..]`: "dix", "onze", ..., "dix sept". Returns the
/// value and the number of words used.
fn teen_at(words: &[&str], i: usize) -> Option<(u32, usize)> {
    let v = teen(words.get(i)?)?;
    if v == 10 {
        if let Some(u) = words.get(i + 1).and_then(|w| unit(w)) {
            if (7..=9).contains(&u) {
                return Some((10 + u, 2));
            }
        }
    }
    Some((v, 1))
}

/// Reads numbers from 0 to 99 off a list of words, greedily. Stops at the
/// first word that is not part of a number. Returns each number with the
/// index of its first word and the number of words it used.
pub fn parse_french(words: &[&str]) -> Vec<(u32, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let start = i;
        let w = words[i];
        if w == "et" {
            i += 1;
            continue;
        }
        // quatre-vingt(s): 80.
        let base = if w == "quatre" && matches!(words.get(i + 1).copied(), Some("vingt" | "vingts"))
        {
            i += 2;
            Some(80)
        } else if let Some(t) = tens(w) {
            i += 1;
            Some(t)
        } else {
            None
        };
        if let Some(base) = base {
            // "quatre-vingts" with its s is a whole number: "quatre-vingts
            // douze" is 80, 12 (92 is "quatre-vingt-douze").
            if words[i - 1] == "vingts" {
                out.push((base, start, i - start));
                continue;
            }
            let mut value = base;
            let mut j = i;
            if words.get(j) == Some(&"et") {
                j += 1;
            }
            if base == 60 || base == 80 {
                if let Some((t, used)) = teen_at(words, j) {
                    value += t;
                    j += used;
                    i = j;
                    out.push((value, start, i - start));
                    continue;
                }
            }
            if let Some(u) = words.get(j).and_then(|w| unit(w)).filter(|u| *u > 0) {
                value += u;
                i = j + 1;
            }
            out.push((value, start, i - start));
            continue;
        }
        if let Some((t, used)) = teen_at(words, i) {
            i += used;
            out.push((t, start, used));
            continue;
        }
        if let Some(u) = unit(w) {
            i += 1;
            out.push((u, start, 1));
            continue;
        }
        break;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse_french;

    fn values(s: &str) -> Vec<u32> {
        let words: Vec<&str> = s.split([' ', '-']).filter(|w| !w.is_empty()).collect();
        parse_french(&words)
            .into_iter()
            .map(|(v, _, _)| v)
            .collect()
    }

    #[test]
    fn reads_phone_pairs() {
        assert_eq!(
            values("zero six trente-neuf quatre-vingt-dix-huit vingt-deux quatorze"),
            [0, 6, 39, 98, 22, 14]
        );
        assert_eq!(
            values("soixante et onze soixante-dix-sept quatre-vingts vingt et un"),
            [71, 77, 80, 21]
        );
        assert_eq!(
            values("nonante-huit septante-trois huitante octante-deux"),
            [98, 73, 80, 82]
        );
        assert_eq!(values("dix dix-sept seize zero"), [10, 17, 16, 0]);
        assert_eq!(
            values("quatre-vingts douze quatre-vingt-douze quatre vingts un"),
            [80, 12, 92, 80, 1]
        );
    }
}
