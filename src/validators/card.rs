//! Luhn numbers and payment card numbers (PAN). pii-italy.md §4.

use super::common::luhn_ok;

/// `luhn`: digits (with single spaces or dashes between groups) passing Luhn mod 10.
pub fn luhn(s: &str) -> bool {
    digits(s.trim()).is_some_and(|d| luhn_ok(&d))
}

/// `carta-pagamento`: a payment card number: Luhn, a known issuer prefix (IIN) and a
/// length that issuer uses. IMEI (15 digits, Luhn-valid) and SIM ICCID (`89…`)
/// numbers are rejected: only American Express has 15-digit cards, and no card
/// network issues under 89.
pub fn carta_pagamento(s: &str) -> bool {
    let Some(d) = digits(s.trim()) else {
        return false;
    };
    let len = d.len();
    if !(12..=19).contains(&len) || !luhn_ok(&d) {
        return false;
    }
    // Test patterns such as 0000 0000 0000 0000 or 4444 4444 4444 4448 are no PAN
    // anyone would post by mistake; a run of one digit is a placeholder.
    if d.iter().all(|c| Some(c) == d.first()) {
        return false;
    }
    let prefix = |n: usize| -> u32 {
        d.iter()
            .take(n)
            .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'))
    };
    let (p1, p2, p3, p4) = (prefix(1), prefix(2), prefix(3), prefix(4));
    if p2 == 89 {
        return false; // ICCID (SIM card)
    }
    if len == 15 {
        return p2 == 34 || p2 == 37; // American Express; any other 15-digit is an IMEI
    }
    match () {
        _ if p1 == 4 => matches!(len, 13 | 16 | 19),   // Visa
        _ if (51..=55).contains(&p2) => len == 16,     // Mastercard
        _ if (2221..=2720).contains(&p4) => len == 16, // Mastercard 2-series
        _ if (2200..=2204).contains(&p4) => len >= 16, // Mir
        _ if (300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39 => len >= 14, // Diners
        _ if (3528..=3589).contains(&p4) => len >= 16, // JCB
        _ if p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 => len >= 16, // Discover
        _ if p2 == 62 => len >= 16,                    // UnionPay
        _ if p2 == 50 || (56..=69).contains(&p2) => true, // Maestro, 12-19
        _ => false,
    }
}

/// The digits, with single spaces or dashes allowed between them.
fn digits(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(19);
    let mut last_sep = true;
    for c in s.chars() {
        if c.is_ascii_digit() {
            if out.len() >= 32 {
                return None;
            }
            out.push(c as u8);
            last_sep = false;
        } else if matches!(c, ' ' | '-' | '\u{a0}') && !last_sep {
            last_sep = true;
        } else {
            return None;
        }
    }
    (!last_sep).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::super::common::testing::assert_substitutions_rejected;
    use super::*;

    /// microsoft/presidio:presidio-analyzer/tests/test_credit_card_recognizer.py
    /// (less `122000000000003`, a 15-digit UATP number we treat as an IMEI look-alike),
    /// plus a Mastercard 2-series number (pii-italy.md §4).
    const VALID: &[&str] = &[
        "4012888888881881",
        "371449635398431",
        "5555555555554444",
        "5019717010103742",
        "30569309025904",
        "6011000400000000",
        "3528000700000000",
        "6759649826438453",
        "4111111111111111",
        "4917300800000000",
        "4484070000000000",
        "2223003122003222",
    ];

    #[test]
    fn valid_vectors() {
        for v in VALID {
            assert!(carta_pagamento(v), "{v}");
            assert!(luhn(v), "{v}");
        }
        assert!(carta_pagamento("4012-8888-8888-1881"));
        assert!(carta_pagamento("4012 8888 8888 1881"));
        // arthurdejong/python-stdnum:tests/test_luhn.doctest
        assert!(luhn("49927398716"));
    }

    #[test]
    fn invalid_vectors() {
        for v in [
            // presidio test_credit_card_recognizer.py invalid
            "4012-8888-8888-1882",
            "36168002586008",
            "1748503543012",
            // IMEI, Luhn-valid (python-stdnum test_luhn.doctest)
            "490154203237518",
            // ICCID-like 89… Luhn-valid
            "8939104520000000008",
            // UATP 15 digits (treated as IMEI-like)
            "122000000000003",
            // placeholders, wrong lengths, doubled separators, letters
            "0000000000000000",
            "4111 1111 1111 111",
            "4012  8888 8888 1881",
            "4012-8888-8888-188A",
            "",
        ] {
            assert!(!carta_pagamento(v), "{v}");
        }
        assert!(!luhn("4992739871"));
        assert!(!luhn("49927398717"));
    }

    #[test]
    fn iccid_and_imei_are_rejected_even_when_luhn_valid() {
        // Build Luhn-valid numbers with those prefixes to be sure the veto is what rejects.
        for body in ["893910452000000000", "35209900176148", "86012345678901"] {
            let with_check = (0..10)
                .map(|d| format!("{body}{d}"))
                .find(|c| luhn_ok(c.as_bytes()))
                .unwrap_or_default();
            assert!(luhn(&with_check));
            assert!(!carta_pagamento(&with_check), "{with_check}");
        }
    }

    #[test]
    fn one_changed_digit_is_rejected() {
        // Luhn catches every single-digit substitution.
        assert_substitutions_rejected(carta_pagamento, VALID, false);
        assert_substitutions_rejected(luhn, VALID, true);
    }
}
