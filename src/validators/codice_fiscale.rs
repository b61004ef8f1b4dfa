//! Codice fiscale of a natural person (16 characters, DM 23/12/1976).
//!
//! Checks, in order: layout (with omocodia letters at any subset of the numeric
//! positions), the name-triplet rule for surname and name, month letter, day (1-31,
//! women 41-71) against the calendar, birthplace code, and the check character.
//! Algorithm and vectors: pii-italy.md §1.

use super::common::cf_check_letter;

/// 0-based positions that hold digits, or omocodia letters replacing them.
const NUMERIC: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];
/// Omocodia substitution: digit d is written as `OMOCODE[d]`.
const OMOCODE: &[u8; 10] = b"LMNPQRSTUV";
/// Month letters, January to December.
const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";

/// `codice-fiscale`: a valid personal codice fiscale, upper or lower case, optionally
/// written in its natural groups (`CCC FBA 85 D03 L219 P`, `CCC-FBA-85-D03-L219-P`).
pub fn codice_fiscale(s: &str) -> bool {
    normalise(s.trim()).is_some_and(|code| is_valid(&code))
}

/// Strips single spaces or hyphens found only at the group boundaries 3-3-2-3-4-1
/// (python-codicefiscale accepts those; validator.js rejects `DML PRY/77D15H501-F`).
fn normalise(s: &str) -> Option<[u8; 16]> {
    const BOUNDARIES: [usize; 5] = [3, 6, 8, 11, 15];
    let mut out = [0u8; 16];
    let mut n = 0usize;
    let mut last_sep = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            let slot = out.get_mut(n)?;
            *slot = c.to_ascii_uppercase() as u8;
            n += 1;
            last_sep = false;
        } else if matches!(c, ' ' | '-') && !last_sep && BOUNDARIES.contains(&n) {
            last_sep = true;
        } else {
            return None;
        }
    }
    (n == 16 && !last_sep).then_some(out)
}

fn is_valid(code: &[u8; 16]) -> bool {
    let letters_at = [0usize, 1, 2, 3, 4, 5, 8, 11, 15];
    if !letters_at
        .iter()
        .all(|&i| code.get(i).is_some_and(u8::is_ascii_uppercase))
    {
        return false;
    }
    let (Some(surname), Some(name)) = (code.get(0..3), code.get(3..6)) else {
        return false;
    };
    if !triplet_ok(surname) || !triplet_ok(name) {
        return false;
    }
    // Decode the numeric positions (omocodia letters back to digits).
    let mut digits = [0u32; 7];
    for (slot, &pos) in digits.iter_mut().zip(NUMERIC.iter()) {
        let Some(d) = code.get(pos).and_then(|&c| decode_digit(c)) else {
            return false;
        };
        *slot = d;
    }
    let [y1, y2, d1, d2, p1, p2, p3] = digits;
    let year = y1 * 10 + y2;
    let Some(month) = code.get(8).and_then(|c| MONTHS.iter().position(|m| m == c)) else {
        return false;
    };
    let mut day = d1 * 10 + d2;
    if day > 40 {
        day -= 40; // women
    }
    if day == 0 || day > days_in_month(month, year) {
        return false;
    }
    // Birthplace: Belfiore codes use A-I, L, M for comuni and Z for foreign states.
    if !code
        .get(11)
        .is_some_and(|c| matches!(c, b'A'..=b'I' | b'L' | b'M' | b'Z'))
    {
        return false;
    }
    if p1 + p2 + p3 == 0 {
        return false; // place code 000 does not exist
    }
    match (code.get(0..15), code.get(15)) {
        (Some(body), Some(&check)) => cf_check_letter(body) == Some(check),
        _ => false,
    }
}

fn decode_digit(c: u8) -> Option<u32> {
    if c.is_ascii_digit() {
        return Some(u32::from(c - b'0'));
    }
    OMOCODE
        .iter()
        .position(|&l| l == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// Days in a month (0-based) of a two-digit year: the code cannot tell 1900 from
/// 2000, so every year divisible by 4 allows 29 February (as Presidio's regex does).
fn days_in_month(month: usize, yy: u32) -> u32 {
    match month {
        1 if yy.is_multiple_of(4) => 29,
        1 => 28,
        3 | 5 | 8 | 10 => 30,
        _ => 31,
    }
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'A' | b'E' | b'I' | b'O' | b'U')
}

/// Name-triplet rule: consonants first, then vowels, then `X` padding. A leading `X`
/// is a consonant (foreign names). Shapes as Presidio's
/// `[A-Z][AEIOU][AEIOUX] | [AEIOU]XX | [^AEIOU]{2}[A-Z]`.
fn triplet_ok(t: &[u8]) -> bool {
    let [a, b, c] = t else {
        return false;
    };
    let (a, b, c) = (*a, *b, *c);
    (is_vowel(b) && (is_vowel(c) || c == b'X'))
        || (is_vowel(a) && b == b'X' && c == b'X')
        || (!is_vowel(a) && !is_vowel(b))
}

#[cfg(test)]
mod tests {
    use super::super::common::testing::assert_substitutions_rejected;
    use super::*;

    /// Standard-check valid vectors.
    const VALID: &[&str] = &[
        // arthurdejong/python-stdnum:tests/test_it_codicefiscale.doctest
        "RCCMNL83S18D969H",
        "MRTNTN23M02D969P",
        "MRSMSR81D60Z611H",
        "CNTCHR83T41D969D",
        "FOXDRA26C24H872Y",
        "MAILCU91A25F839D",
        "RSSMRA45C12F205C",
        "RSSMRA45C12F20RX",
        "RSSMRA45C12F2L5N",
        "RSSMRA45C12F2LRI",
        "RSSMRAQRCMNFNLRG",
        // fabiocaccamo/python-codicefiscale:tests/test_checks.py (omocodes)
        "CCCFBA85D03L219P",
        "CCCFBA85D03L21VE",
        "CCCFBA85D03L2MVP",
        "CCCFBA85D03LNMVE",
        "CCCFBA85D0PLNMVA",
        "CCCFBA85DLPLNMVL",
        "CCCFBA8RDLPLNMVX",
        "CCCFBAURDLPLNMVU",
        // fabiocaccamo/python-codicefiscale:tests/test_decode.py (female)
        "MRTMRA83T56A269B",
        "TKKYKU87B68L219F",
        // lucavandro/CodiceFiscaleJS:tests/index.spec.js, tests/omocodie.spec.js
        "MRNLCU00A01H501J",
        "BNZVCN32S10E57PV",
        "BNZVCNPNSMLERTPX",
        "CCHGNN67R05H1S3I",
        // Marketto/codice-fiscale-utils:test/validator/validity.test.ts
        "VRNGNY07D68C351V",
        "VRNGNY07A68D843I",
        "MRNMIA02E45L219X",
        "GSTPPP31C06D620Z",
        // microsoft/presidio:presidio-analyzer/tests/test_it_fiscal_code_recognizer.py
        "AAAAAA00B11C333Y",
        // validatorjs/validator.js:test/validators.test.js (isTaxID it-IT)
        "DMLPRY77D15H501F",
    ];

    #[test]
    fn valid_vectors() {
        for v in VALID {
            assert!(codice_fiscale(v), "{v} should be valid");
        }
        // Lower case (CodiceFiscaleJS) and natural groups (python-codicefiscale).
        assert!(codice_fiscale("mrnlcu00a01h501j"));
        assert!(codice_fiscale("CCC FBA 85 D03 L219 P"));
        assert!(codice_fiscale("CCC-FBA-85-D03-L219-P"));
        assert!(codice_fiscale(" RCCMNL83S18D969H "));
    }

    #[test]
    fn invalid_vectors() {
        for v in [
            // python-stdnum doctest: month I, check char, day 32, length 15
            "CSTNGL22I10D086I",
            "FOXDRA26C24H872A",
            "CNTCHR83T32D969H",
            "RCCMNL83S18D969",
            // python-codicefiscale test_checks.py: wrong CIN, too long
            "CCCFBA85D03L219B",
            "CCCFBA85D03L219PP",
            // CodiceFiscaleJS index.spec.js
            "VNDLDL87D07B963G",
            "MRNLCU00A01H501JK",
            "MRNLCU00A01H501J3",
            // codice-fiscale-utils validity.test.ts (CRC)
            "VRNGNY07D68C351K",
            // presidio: no structural match
            "A55AAA00B11C333N",
            "AAAAAA - 00B11C333N",
            // validator.js isTaxID it-IT: 29 Feb 1977, triplet rule, length, separators
            "DMLPRY77B29H501F",
            "AAPPRY77D15H501F",
            "DMLAXA77D15H501F",
            "DMLPRY77D15H501",
            "DML PRY/77D15H501-F",
            // validator.js non-standard omocode check (standard check char is M)
            "AXXFAXTTD41H501D",
            // derived: separators off the group boundaries, doubled, edges
            "CCCF BA85D03L219P",
            "CCC  FBA85D03L219P",
            "CCCFBA85D03L219P-",
            // empty and non-ASCII input
            "",
            "ÀÀÀÀÀÀÀÀÀÀÀÀÀÀÀÀ",
        ] {
            assert!(!codice_fiscale(v), "{v} should be invalid");
        }
    }

    #[test]
    fn calendar_checks() {
        // Built with the real check letter so only the date/place rule can reject.
        let with_check = |body: &str| {
            let c = cf_check_letter(body.as_bytes()).unwrap_or(b'?') as char;
            format!("{body}{c}")
        };
        assert!(codice_fiscale(&with_check("RSSMRA80B29H501"))); // 1980 leap
        assert!(!codice_fiscale(&with_check("RSSMRA81B29H501")));
        assert!(!codice_fiscale(&with_check("RSSMRA80D31H501"))); // 31 April
        assert!(codice_fiscale(&with_check("RSSMRA80D70H501"))); // 30 April, woman
        assert!(!codice_fiscale(&with_check("RSSMRA80D00H501"))); // day 0
        assert!(!codice_fiscale(&with_check("RSSMRA80D40H501"))); // day 40
        assert!(!codice_fiscale(&with_check("RSSMRA80D72H501"))); // day 72
        assert!(!codice_fiscale(&with_check("RSSMRA80D10H000"))); // place 000
        assert!(!codice_fiscale(&with_check("RSSMRA80D10HLLL"))); // place 000 (omocode)
        assert!(!codice_fiscale(&with_check("RSSMRA80D10K501"))); // no Belfiore K
        assert!(!codice_fiscale(&with_check("RSSMRA8AD10H501"))); // A is no omocode
    }

    #[test]
    fn all_127_omocodes_of_a_code_are_valid() {
        // 2^7 - 1 omocodes (lucavandro/CodiceFiscaleJS:tests/omocodie.spec.js asserts 127).
        let base = b"CCCFBA85D03L219";
        let mut count = 0;
        for mask in 1u32..128 {
            let mut body = *base;
            for (bit, &pos) in NUMERIC.iter().enumerate() {
                if mask & (1 << bit) != 0 {
                    let d = usize::from(body[pos] - b'0');
                    body[pos] = OMOCODE[d];
                }
            }
            let check = cf_check_letter(&body).unwrap_or(b'?');
            let code = format!("{}{}", String::from_utf8_lossy(&body), check as char);
            assert!(codice_fiscale(&code), "{code}");
            count += 1;
        }
        assert_eq!(count, 127);
    }

    #[test]
    fn one_changed_character_is_rejected() {
        assert_substitutions_rejected(codice_fiscale, VALID, true);
    }

    #[test]
    fn never_panics() {
        for s in [
            "",
            " ",
            "-",
            "Ω",
            "A-",
            "ÄÖÜäöüÄÖÜäöüÄÖÜä",
            "CCC-FBA-85-D03-L219-",
        ] {
            let _ = codice_fiscale(s);
        }
    }
}
