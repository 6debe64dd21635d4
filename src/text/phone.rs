//! Phone numbers: normalising what a record's `phone` field holds.

use crate::value::Phone;

/// Normalises a phone number written with ordinary separators to E.164.
/// French national numbers (`06 12 34 56 78`) get `+33`; `0033` and `+33`
/// prefixes are understood, as is the `(0)` of `+33 (0)6 ...`. Other
/// international numbers are kept as `+` and their digits. Returns `None`
/// when the text is not a phone number.
pub fn parse_phone(text: &str) -> Option<Phone> {
    let trimmed = text.trim();
    let mut digits = String::with_capacity(16);
    let mut plus = false;
    for (i, c) in trimmed.char_indices() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => plus = true,
            ' ' | '.' | '-' | '/' | '(' | ')' | '\u{a0}' => {}
            _ => return None,
        }
    }
    let trimmed_digits = trimmed.replace("(0)", "");
    if trimmed_digits.len() != trimmed.len() {
        // "+33 (0)6 ..." : drop the national 0 written in parentheses.
        return parse_phone(&trimmed_digits);
    }
    if !plus {
        if let Some(rest) = digits.strip_prefix("00") {
            digits = rest.to_string();
            plus = true;
        }
    }
    let number = if plus {
        if !(8..=15).contains(&digits.len()) {
            return None;
        }
        if let Some(national) = digits.strip_prefix("33") {
            if national.len() != 9 {
                return None;
            }
        }
        format!("+{digits}")
    } else if digits.len() == 10 && digits.starts_with('0') && !digits.starts_with("00") {
        format!("+33{}", &digits[1..])
    } else {
        return None;
    };
    Some(Phone {
        number,
        obscured: false,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_phone;

    #[test]
    fn normalises_french_numbers() {
        for written in [
            "06 39 98 12 34",
            "0639981234",
            "06.39.98.12.34",
            "+33 6 39 98 12 34",
            "0033639981234",
            "+33 (0)6 39 98 12 34",
        ] {
            assert_eq!(
                parse_phone(written).map(|p| p.number),
                Some("+33639981234".to_string()),
                "{written}"
            );
        }
    }

    #[test]
    fn rejects_what_is_not_a_phone() {
        for bad in [
            "",
            "06 39 98",
            "appelez-moi",
            "12345678901234567",
            "+33 6 39 98 12",
        ] {
            assert_eq!(parse_phone(bad), None, "{bad}");
        }
    }
}
