//! Italian vehicle plates (targhe). pii-italy.md §8; formats as
//! `Defkon1/italian-toolkit` PlatesIdentifierPlugins (facts, re-implemented).

/// Plate letters exclude I, O, Q and U (too similar to 1, 0, and each other).
fn plate_letter(c: u8) -> bool {
    c.is_ascii_uppercase() && !b"IOQU".contains(&c)
}

/// `targa`: a car plate since 1994 (`AB 123 CD`), a trailer plate (`XA 123 AA`) or
/// a motorcycle plate (`AB 12345`), any case, spaces or hyphens between groups.
/// `EE` (Escursionisti Esteri) series and non-plate letters are rejected.
pub fn targa(s: &str) -> bool {
    let Some(c) = super::common::compact(s.trim(), |c| matches!(c, ' ' | '-' | '\u{a0}')) else {
        return false;
    };
    if c.starts_with(b"EE") {
        return false;
    }
    let l = |i: usize| c.get(i).is_some_and(|&b| plate_letter(b));
    let d = |i: usize| c.get(i).is_some_and(u8::is_ascii_digit);
    match c.len() {
        // Car and trailer (X…): LL DDD LL. W is not issued as a first letter.
        7 if l(0) && l(1) && d(2) && d(3) && d(4) && l(5) && l(6) => c.first() != Some(&b'W'),
        // Motorcycle: LL DDDDD (no X: that letter marks trailers).
        7 if l(0) && l(1) && (2..7).all(d) => c.first() != Some(&b'X'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_plates() {
        // Defkon1/italian-toolkit:src/ItalianToolkit.Tests/Transports/PlatesHelperTests.cs
        for v in [
            "AA 123BB",
            "AA999 EE",
            "dK 010 DB",
            "LL 333BA",
            "ll333 ba",
            "LL333bA", // car
            "XA 123 AA",
            "xl333 ba", // trailer
            "AX 92345",
            "BX 12345", // motorcycle
            "FE 086 LM",
            "DM-021-KB",
        ] {
            assert!(targa(v), "{v}");
        }
    }

    #[test]
    fn invalid_plates() {
        // same test file (car invalid) + derived
        for v in [
            "A123BB",
            "AA999E",
            "$$123EL",
            "OA555AA",
            "AA333IA",
            "AU333EE",
            "AB 333 IE",
            "EE 123 AB",
            "AB1234CD",
            "AB  123 CD",
            "",
            "ABCDEFG",
            "1234567",
            "XA 12345",
        ] {
            assert!(!targa(v), "{v}");
        }
    }
}
