//! Identity and personal documents: carta d'identità (CIE 3.0, CIE 2.0, paper),
//! passport, driving licence, tessera sanitaria (TEAM). None has a public checksum,
//! so these check the layout only; rules must require a context word
//! (pii-italy.md §7).

/// Letters and digits only, upper-cased; single spaces or hyphens between groups
/// are dropped (`AR 1234567`, `CA 12345 AB`).
fn compact(s: &str) -> Option<Vec<u8>> {
    super::common::compact(s.trim(), |c| matches!(c, ' ' | '-' | '\u{a0}'))
}

/// Shape check: `L` = letter, `D` = digit, any other byte must match literally.
fn shape(code: &[u8], pattern: &[u8]) -> bool {
    code.len() == pattern.len()
        && code.iter().zip(pattern).all(|(&c, &p)| match p {
            b'L' => c.is_ascii_uppercase(),
            b'D' => c.is_ascii_digit(),
            _ => c == p,
        })
}

fn digits_all_zero(code: &[u8]) -> bool {
    code.iter()
        .filter(|c| c.is_ascii_digit())
        .all(|&c| c == b'0')
}

/// `cie`: number of an electronic identity card: CIE 3.0 `CA12345AB` (a `C`, a
/// letter, five digits, two letters) or CIE 2.0 `1234567AB`. The specimen
/// `CA00000AA` and other all-zero numbers are rejected (validator.js does so).
pub fn cie(s: &str) -> bool {
    compact(s).is_some_and(|c| {
        (shape(&c, b"CLDDDDDLL") || shape(&c, b"DDDDDDDLL")) && !digits_all_zero(&c)
    })
}

/// `carta-identita`: any identity card number: CIE (see `cie`) or the paper card
/// `AR1234567` (two letters, seven digits; same layout as a passport, so only the
/// context word tells them apart).
pub fn carta_identita(s: &str) -> bool {
    cie(s) || compact(s).is_some_and(|c| shape(&c, b"LLDDDDDDD") && !digits_all_zero(&c))
}

/// `passaporto`: Italian passport number, two letters and seven digits (2010 model:
/// «due lettere … seguite da sette numeri arabi»), e.g. `YA8335453`.
pub fn passaporto(s: &str) -> bool {
    compact(s).is_some_and(|c| shape(&c, b"LLDDDDDDD"))
}

/// `patente`: driving licence number: the current `U1` + 7 characters (digits and
/// letters other than A, I, O, Q, V) + a check letter, or the older province code +
/// 7 digits + letter (`MI1234567A`).
pub fn patente(s: &str) -> bool {
    compact(s).is_some_and(|c| {
        if shape(&c, b"LLDDDDDDDL") {
            return !digits_all_zero(&c);
        }
        // U1 format (Presidio it_driver_license_recognizer; J/K allowed, issue #1555).
        c.len() == 10
            && c.starts_with(b"U1")
            && c.get(2..9).is_some_and(|mid| {
                mid.iter().all(|b| {
                    b.is_ascii_digit() || (b.is_ascii_uppercase() && !b"AIOQV".contains(b))
                })
            })
            && c.last().is_some_and(u8::is_ascii_uppercase)
    })
}

/// `tessera-sanitaria`: the 20-digit identification number on the back of the
/// tessera sanitaria / European health card (TEAM, field 8). ISO/IEC 7812 gives
/// health cards the prefix 80 (Italy's are 80380…); nothing else is public, so the
/// prefix and length are all that is checked.
pub fn tessera_sanitaria(s: &str) -> bool {
    compact(s).is_some_and(|c| {
        c.len() == 20 && c.iter().all(u8::is_ascii_digit) && c.starts_with(b"80") && {
            // The personal part (last 10 digits) is never all zeros on a real card.
            c.get(10..).is_some_and(|tail| !digits_all_zero(tail))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_cards() {
        // validatorjs/validator.js:test/validators.test.js (isIdentityCard IT)
        for v in ["CR43675TM", "CA79382RA"] {
            assert!(cie(v), "{v}");
            assert!(carta_identita(v), "{v}");
        }
        for v in ["CA00000AA", "CB2342TG", "CS123456A", "C1236EC"] {
            assert!(!cie(v), "{v}");
            assert!(!carta_identita(v), "{v}");
        }
        // microsoft/presidio:presidio-analyzer/tests/test_it_identity_card_recognizer.py
        assert!(carta_identita("AA1234567"));
        assert!(carta_identita("aa 1234567"));
        assert!(cie("1234567Aa"));
        // Presidio's generic AA12345aa does not start with C: not a CIE 3.0.
        assert!(!cie("AA12345aa"));
        assert!(cie("ca 12345 ab"));
        assert!(!carta_identita("AA12345678"));
        assert!(!carta_identita(""));
    }

    #[test]
    fn passports() {
        // validator.js isPassportNumber IT; presidio test_it_passport_recognizer.py
        for v in ["YA8335453", "KK0000000", "AA1234567", "aa7654321"] {
            assert!(passaporto(v), "{v}");
        }
        for v in [
            "01234567",
            "KAK001122",
            "YA833545",
            "YA83354531",
            "Y18335453",
        ] {
            assert!(!passaporto(v), "{v}");
        }
    }

    #[test]
    fn driving_licences() {
        // microsoft/presidio:presidio-analyzer/tests/test_it_driver_license_recognizer.py
        for v in ["AA0123456B", "U1H00B000C", "U1K711J11M", "MI1234567A"] {
            assert!(patente(v), "{v}");
        }
        for v in [
            "U1H00A000B",
            "990123456B",
            "U1H00B000",
            "AA0123456",
            "MI0000000A",
        ] {
            assert!(!patente(v), "{v}");
        }
    }

    #[test]
    fn health_cards() {
        assert!(tessera_sanitaria("80380437725678513690"));
        assert!(tessera_sanitaria("8038 0003 2304 5539 7179"));
        for v in [
            "8038043772567851369",
            "803804377256785136900",
            "12380437725678513690",
            "80380000000000000000",
            "8038043772567851369A",
        ] {
            assert!(!tessera_sanitaria(v), "{v}");
        }
    }
}
