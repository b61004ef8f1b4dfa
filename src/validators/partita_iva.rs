//! Partita IVA and codice fiscale numerico (11 digits: companies, PA bodies,
//! associations, sole traders' VAT numbers).
//!
//! d1-d7 matricola (not all zero), d8-d10 office code (001-100, 120, 121, 888, 999, as
//! python-stdnum `stdnum/it/iva.py`), d11 Luhn check digit. pii-italy.md §2.

use super::common::luhn_ok;

/// `partita-iva`: 11 digits, optionally with the EU VAT prefix (`IT01333550323`,
/// `IT 00743110157`, `IT-…`, `IT: …`) and single separators between digits.
pub fn partita_iva(s: &str) -> bool {
    let s = s.trim();
    let rest = match s.get(..2) {
        Some(p) if p.eq_ignore_ascii_case("IT") => s.get(2..).unwrap_or(""),
        _ => s,
    };
    // After the prefix: at most one ':' or '-' with optional spaces around it.
    let rest = if rest.len() == s.len() {
        rest
    } else {
        let t = rest.trim_start();
        let t = t
            .strip_prefix(':')
            .or_else(|| t.strip_prefix('-'))
            .unwrap_or(t);
        t.trim_start()
    };
    digits11(rest).is_some_and(|d| valid11(&d))
}

/// `codice-fiscale-numerico`: the 11-digit codice fiscale of a legal person (same
/// algorithm as the partita IVA, never with an `IT` prefix).
pub fn codice_fiscale_numerico(s: &str) -> bool {
    digits11(s.trim()).is_some_and(|d| valid11(&d))
}

/// The 11 digits, allowing single spaces, dots, dashes or underscores between them
/// (Presidio's vector `01333550_323`, python-stdnum's `IT 0 0 6 1 8 2 8 0 4 9 9`).
fn digits11(s: &str) -> Option<[u8; 11]> {
    let mut out = [0u8; 11];
    let mut n = 0usize;
    let mut last_sep = true;
    for c in s.chars() {
        if c.is_ascii_digit() {
            *out.get_mut(n)? = c as u8;
            n += 1;
            last_sep = false;
        } else if matches!(c, ' ' | '.' | '-' | '_') && !last_sep {
            last_sep = true;
        } else {
            return None;
        }
    }
    (n == 11 && !last_sep).then_some(out)
}

fn valid11(d: &[u8; 11]) -> bool {
    if d.iter().take(7).all(|&c| c == b'0') {
        return false;
    }
    let office = d
        .iter()
        .skip(7)
        .take(3)
        .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'));
    let office_ok = matches!(office, 1..=100 | 120 | 121 | 888 | 999);
    office_ok && luhn_ok(d)
}

#[cfg(test)]
mod tests {
    use super::super::common::testing::assert_substitutions_rejected;
    use super::*;

    const VALID: &[&str] = &[
        // microsoft/presidio:presidio-analyzer/tests/test_it_vat_code_recognizer.py
        "01333550323",
        // arthurdejong/python-stdnum:stdnum/it/iva.py docstring
        "00743110157",
        // arthurdejong/python-stdnum:tests/test_eu_vat.doctest (IT block)
        "01404480202",
        "00618280499",
        "00595000217",
        "09159800011",
        "02331250163",
        "12920760159",
        // a school's codice fiscale numerico (pii-italy.md §2.3)
        "80419420585",
    ];

    #[test]
    fn valid_vectors() {
        for v in VALID {
            assert!(partita_iva(v), "{v}");
            assert!(codice_fiscale_numerico(v), "{v}");
        }
        // Separators and prefixes: presidio and test_eu_vat.doctest.
        for v in [
            "01333550_323",
            "IT - 01404480202",
            "IT 0 0 6 1 8 2 8 0 4 9 9",
            "IT 00 595 000 217",
            "IT00743110157",
            "IT-09159800011",
            "IT: 02331250163",
            "IT 12920760159",
            "it12920760159",
        ] {
            assert!(partita_iva(v), "{v}");
        }
        assert!(!codice_fiscale_numerico("IT00743110157"));
    }

    #[test]
    fn invalid_vectors() {
        for v in [
            // presidio: all zeros
            "00000000000",
            "00000000001",
            // python-stdnum iva.py: checksum
            "00743110158",
            // test_eu_vat.doctest: office code 998
            "IT 00687129980",
            // derived: Luhn ok but office 890
            "12345678903",
            // validator.js format-only "valid" example fails Luhn
            "IT12345678910",
            // lengths, doubled separators, letters
            "0133355032",
            "013335503233",
            "01333  550323",
            "0133355032A",
            "XX01333550323",
            "",
        ] {
            assert!(!partita_iva(v), "{v}");
            assert!(!codice_fiscale_numerico(v), "{v}");
        }
    }

    #[test]
    fn one_changed_digit_is_rejected() {
        assert_substitutions_rejected(partita_iva, VALID, false);
        assert_substitutions_rejected(codice_fiscale_numerico, VALID, true);
    }
}
