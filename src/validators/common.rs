//! Helpers shared by the validators: separator handling and the check tables that
//! the codice fiscale and the Italian IBAN CIN have in common.

/// Upper-cased ASCII alphanumerics of `s`, dropping the separators `sep` accepts.
///
/// Returns `None` when anything else appears, when the text starts or ends with a
/// separator, or when two separators are adjacent: "347  123" or "12--34" is not one
/// number written with separators but two things side by side.
pub(crate) fn compact(s: &str, sep: fn(char) -> bool) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let mut last_sep = true; // a leading separator is rejected
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase() as u8);
            last_sep = false;
        } else if sep(c) {
            if last_sep {
                return None;
            }
            last_sep = true;
        } else {
            return None;
        }
    }
    if last_sep || out.is_empty() {
        return None;
    }
    Some(out)
}

/// Value of a character in an odd position (1st, 3rd, …) of the codice fiscale
/// check: digits and the letter of the same index share a value (0/A, 1/B, …).
/// DM 23/12/1976; table in pii-italy.md §1.3.
pub(crate) fn cf_odd_value(c: u8) -> Option<u32> {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let i = match c {
        b'0'..=b'9' => c - b'0',
        b'A'..=b'Z' => c - b'A',
        _ => return None,
    };
    ODD.get(usize::from(i)).copied()
}

/// Value of a character in an even position of the codice fiscale check: a digit is
/// itself, a letter its alphabet index (A=0 … Z=25).
pub(crate) fn cf_even_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        _ => None,
    }
}

/// The codice fiscale style check letter over `chars` (odd/even tables, sum mod 26).
/// Also the CIN of an Italian or San Marino IBAN, computed over ABI+CAB+conto.
pub(crate) fn cf_check_letter(chars: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (i, &c) in chars.iter().enumerate() {
        // i is 0-based: index 0 is the 1st (odd) position.
        sum += if i % 2 == 0 {
            cf_odd_value(c)?
        } else {
            cf_even_value(c)?
        };
    }
    // sum % 26 < 26, so the cast cannot truncate.
    Some(b'A' + (sum % 26) as u8)
}

/// Luhn (mod 10) over ASCII digits, the rightmost being the check digit.
pub(crate) fn luhn_ok(digits: &[u8]) -> bool {
    if digits.len() < 2 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

#[cfg(test)]
pub(crate) mod testing {
    //! Shared test helpers: the single-substitution property.

    /// Every way of replacing one alphanumeric character of `code` by another
    /// character of the same kind (digit by digit, letter by letter) and, when
    /// `cross` is set, also by a character of the other kind.
    pub(crate) fn single_substitutions(code: &str, cross: bool) -> Vec<String> {
        const DIGITS: &str = "0123456789";
        const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let chars: Vec<char> = code.chars().collect();
        let mut out = Vec::new();
        for (i, &c) in chars.iter().enumerate() {
            if !c.is_ascii_alphanumeric() {
                continue;
            }
            let mut pool = String::new();
            if c.is_ascii_digit() || cross {
                pool.push_str(DIGITS);
            }
            if c.is_ascii_alphabetic() || cross {
                pool.push_str(LETTERS);
            }
            for r in pool.chars() {
                if r == c.to_ascii_uppercase() {
                    continue;
                }
                let mut v = chars.clone();
                if let Some(slot) = v.get_mut(i) {
                    *slot = r;
                }
                out.push(v.into_iter().collect());
            }
        }
        out
    }

    /// Asserts that no single substitution of a valid vector is accepted.
    pub(crate) fn assert_substitutions_rejected(
        validator: fn(&str) -> bool,
        valid: &[&str],
        cross: bool,
    ) {
        for v in valid {
            assert!(validator(v), "precondition: {v} should be valid");
            for changed in single_substitutions(v, cross) {
                assert!(
                    !validator(&changed),
                    "{changed} (one character changed from {v}) was accepted"
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sep(c: char) -> bool {
        c == ' '
    }

    #[test]
    fn compact_rejects_double_and_edge_separators() {
        assert_eq!(compact("ab 12", sep).as_deref(), Some(&b"AB12"[..]));
        assert!(compact(" ab", sep).is_none());
        assert!(compact("ab ", sep).is_none());
        assert!(compact("a  b", sep).is_none());
        assert!(compact("a+b", sep).is_none());
        assert!(compact("", sep).is_none());
    }

    #[test]
    fn odd_table_is_a_permutation() {
        let mut seen = [false; 26];
        for c in b'A'..=b'Z' {
            let v = cf_odd_value(c).unwrap_or(99) as usize;
            assert!(v < 26 && !seen[v]);
            seen[v] = true;
        }
    }

    #[test]
    fn check_letter_worked_examples() {
        // pii-italy.md §1.3 worked checks.
        assert_eq!(cf_check_letter(b"RCCMNL83S18D969"), Some(b'H'));
        assert_eq!(cf_check_letter(b"MRTMRA83T56A269"), Some(b'B'));
        // CIN examples from mdomke/schwifty tests (pii-italy.md §3.1).
        assert_eq!(cf_check_letter(b"0542811101000000123456"), Some(b'X'));
        assert_eq!(cf_check_letter(b"3918913896CHTEE9UATVVO"), Some(b'D'));
        assert_eq!(cf_check_letter(b"a"), None);
    }

    #[test]
    fn luhn_vectors() {
        // arthurdejong/python-stdnum:tests/test_luhn.doctest
        assert!(luhn_ok(b"49927398716"));
        assert!(!luhn_ok(b"4992739871"));
        assert!(!luhn_ok(b"4"));
        assert!(!luhn_ok(b"49a27398716"));
    }
}
