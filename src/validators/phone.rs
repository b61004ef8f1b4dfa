//! Phone numbers: the Italian numbering plan (mobile 3xx, landline 0x) and
//! international numbers with a country calling code. pii-italy.md §5.
//!
//! Numbers nobody should be warned about are rejected here, whatever the context:
//! toll-free (800, 803), shared cost (84x), premium (89x, 0878), 199/178, short and
//! emergency numbers (1xx, 116xxx), and text that only looks like a number: dates
//! (`06/05/2024` would be a valid Rome landline), times, thousands-grouped amounts.

/// `telefono-it`: an Italian mobile or landline number, with or without `+39` /
/// `0039`, written with spaces, dots, dashes, slashes or `(0x)` around the area code.
pub fn telefono_it(s: &str) -> bool {
    let s = s.trim();
    if looks_like_date_time_or_amount(s) {
        return false;
    }
    let (international, rest) = strip_italian_prefix(s);
    let Some(n) = national_digits(rest) else {
        return false;
    };
    italian_number_ok(&n, international)
}

/// `telefono`: an international number `+CC …` or `00CC …` of any country, checked
/// against the ITU list of country codes and E.164 lengths; `+39` numbers must
/// also fit the Italian plan.
pub fn telefono(s: &str) -> bool {
    international(s.trim()).is_some()
}

/// `telefono-estero`: as `telefono`, but not Italian (`+39` numbers have their own
/// rule with `telefono-it`, so one number is never reported twice).
pub fn telefono_estero(s: &str) -> bool {
    international(s.trim()).is_some_and(|cc| cc != 39)
}

/// Returns the country code of a valid international number.
fn international(s: &str) -> Option<u16> {
    if looks_like_date_time_or_amount(s) {
        return None;
    }
    let t = s.strip_prefix('(').unwrap_or(s);
    let rest = t
        .strip_prefix('+')
        .or_else(|| t.strip_prefix("00"))?
        .trim_start();
    // "(+44) 20 …": drop the closing parenthesis after the country code.
    let owned;
    let rest = if t.len() == s.len() {
        rest
    } else {
        owned = rest.replacen(')', "", 1);
        owned.as_str()
    };
    if rest.starts_with('0') {
        return None; // "+0…" and "000…" are no country codes
    }
    let all = national_digits(rest)?;
    let (cc, nsn) = split_country_code(&all)?;
    if cc == 39 {
        return telefono_it(s).then_some(39);
    }
    let total = all.len();
    let ok = match cc {
        // North America: area code 2-9, 10 digits.
        1 => nsn.len() == 10 && nsn.first().is_some_and(|d| (b'2'..=b'9').contains(d)),
        _ => (6..=12).contains(&nsn.len()) && (8..=15).contains(&total),
    };
    ok.then_some(cc)
}

/// Strips `+39`, `+ 39`, `0039`, `(+39)` and the separators after it.
fn strip_italian_prefix(s: &str) -> (bool, &str) {
    let t = s.strip_prefix('(').unwrap_or(s);
    let after = t
        .strip_prefix("+39")
        .or_else(|| t.strip_prefix("+ 39"))
        .or_else(|| t.strip_prefix("0039"));
    match after {
        Some(rest) => {
            let rest = if t.len() == s.len() {
                rest
            } else {
                match rest.strip_prefix(')') {
                    Some(r) => r,
                    None => return (true, "x"), // unbalanced "(+39": reject below
                }
            };
            (true, rest.trim_start_matches([' ', '.', '-', '/']))
        }
        None => (false, s),
    }
}

/// The digits of a number written with separators: single spaces, dots, dashes or
/// slashes between digits (also ` - ` and ` / `), and one optional pair of
/// parentheses around the leading area code (`(06) 6982 1234`, `(0331)749131`).
fn national_digits(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(16);
    let mut run = String::new();
    let mut open = false;
    let mut closed = false;
    for (i, c) in s.chars().enumerate() {
        match c {
            '0'..='9' => {
                if out.len() >= 20 || !separator_run_ok(&run) {
                    return None;
                }
                out.push(c as u8);
                run.clear();
            }
            '(' if i == 0 => open = true,
            ')' if open && !closed && (2..=5).contains(&out.len()) && run.is_empty() => {
                closed = true;
                run.push(')');
            }
            ' ' | '.' | '-' | '/' | '\u{a0}' if !out.is_empty() => {
                run.push(if c == '\u{a0}' { ' ' } else { c });
                if run.len() > 3 {
                    return None;
                }
            }
            _ => return None,
        }
    }
    if open != closed || out.is_empty() || !(run.is_empty() || run == ")") {
        return None;
    }
    Some(out)
}

/// Separators between two digit groups: one character, `)` plus at most one, or a
/// dash or slash with spaces around it. "347  1234567" is two things side by side.
fn separator_run_ok(run: &str) -> bool {
    matches!(
        run,
        "" | " " | "." | "-" | "/" | ")" | ") " | ")-" | ")/" | " - " | " / "
    )
}

fn italian_number_ok(n: &[u8], international: bool) -> bool {
    let len = n.len();
    match n {
        // Mobile: 3 + 8-9 digits; the 31x range only with 10 digits.
        [b'3', b'1', ..] => len == 10,
        [b'3', b'1'..=b'9', ..] => (9..=10).contains(&len),
        // Premium-rate 0878 is not anybody's line.
        [b'0', b'8', b'7', b'8', ..] => false,
        // Landline: the 0 of the area code is part of the number; 00 is the
        // international prefix. 8-11 digits: shorter strings starting with 0 are far
        // more often codes or protocol numbers than the few old 6-7 digit lines.
        [b'0', b'1'..=b'9', ..] => (8..=11).contains(&len),
        // Personal VoIP numbers (55…), only when written as +39 55…: a bare 55… is too
        // easily an amount or a code.
        [b'5', b'5', ..] => international && len == 10,
        _ => false,
    }
}

/// Dates (`06/05/2024`, `6.5.24`), times (`10.30`, `9:00`) and amounts grouped by
/// thousands (`3.450.000`) that the digit patterns would otherwise accept.
fn looks_like_date_time_or_amount(s: &str) -> bool {
    let groups: Vec<&str> = s.split(['/', '.', '-', ':']).collect();
    let all_digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let seps: Vec<char> = s
        .chars()
        .filter(|c| matches!(c, '/' | '.' | '-' | ':'))
        .collect();
    let same_sep = seps.windows(2).all(|w| w.first() == w.last());
    if !groups.iter().all(|g| all_digits(g)) || !same_sep {
        return false;
    }
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    match lens.as_slice() {
        // day/month/year
        [1 | 2, 1 | 2, 2 | 4] => true,
        // time
        [1 | 2, 2] => true,
        // Thousands: 1-2 digits, then 2+ dot-separated groups of exactly 3. A phone
        // number never starts with such a short group; "347.123.456" stays a mobile.
        [first, rest @ ..] if seps.first() == Some(&'.') && rest.len() >= 2 => {
            (1..=2).contains(first) && rest.iter().all(|&l| l == 3)
        }
        _ => false,
    }
}

/// Splits the country calling code off (ITU-T E.164 codes are prefix-free).
fn split_country_code(d: &[u8]) -> Option<(u16, &[u8])> {
    for len in 1..=3 {
        let (head, tail) = (d.get(..len)?, d.get(len..)?);
        let cc = head
            .iter()
            .fold(0u16, |acc, &c| acc * 10 + u16::from(c - b'0'));
        if COUNTRY_CODES.binary_search(&cc).is_ok() {
            return Some((cc, tail));
        }
    }
    None
}

/// Assigned geographic and mobile country calling codes (ITU-T E.164 list),
/// sorted. International freephone/shared-cost/premium (800, 808, 878, 888, 979)
/// are left out on purpose: they are not anyone's personal line.
const COUNTRY_CODES: &[u16] = &[
    1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54,
    55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98, 211,
    212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234,
    235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253,
    254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 290, 291, 297, 298,
    299, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375, 376, 377,
    378, 380, 381, 382, 383, 385, 386, 387, 389, 420, 421, 423, 500, 501, 502, 503, 504, 505, 506,
    507, 508, 509, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675, 676,
    677, 678, 679, 680, 681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692, 850, 852, 853, 855,
    856, 870, 880, 881, 882, 883, 886, 960, 961, 962, 963, 964, 965, 966, 967, 968, 970, 971, 972,
    973, 974, 975, 976, 977, 992, 993, 994, 995, 996, 998,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_sorted() {
        assert!(COUNTRY_CODES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn valid_italian_numbers() {
        for v in [
            // google/libphonenumber PhoneNumberUtilTest.java (IT fixed line)
            "02 3661 8300",
            "+39 02 3661 8300",
            "+390236618300",
            "+39 02-36618 300",
            "02-36618 300",
            // validatorjs/validator.js isMobilePhone it-IT
            "370 3175423",
            "333202925",
            "+39 310 7688449",
            "+39 3339847632",
            // microsoft/presidio test_phone_recognizer.py
            "+39 06 678 4343",
            // derived with phonenumbers (pii-italy.md §5.5)
            "+39 347 123 4567",
            "0039 347 1234567",
            "347-1234567",
            "347.123.4567",
            "06 6982 1234",
            "06/69821234",
            "(06) 69821234",
            "0423 123456",
            "015/7441262",
            "(+39) 347 1234567",
            "+39 55 1234 5678",
        ] {
            assert!(telefono_it(v), "{v}");
        }
    }

    #[test]
    fn rejected_italian_look_alikes() {
        for v in [
            // validator.js invalid / derived: short, emergency, wrong country
            "12345",
            "112",
            "1522",
            "0612",
            "3201234",
            "+45 345 6782395",
            // toll-free, shared cost, premium, 199
            "800 182 189",
            "803 116",
            "848 800 333",
            "199 123 456",
            "892 892",
            "0878 123456",
            // dates, times, amounts
            "06/05/2024",
            "06.05.2024",
            "16-05-25",
            "10.30",
            "3.450.000",
            "1.234.567.890",
            // protocol-like and malformed
            "0036904",
            "2024/0012800",
            "347  1234567",
            "(06 69821234",
            "06) 69821234",
            "+39 6 6982 1234",
            "55 1234 5678",
            "347 123 4567 8",
            "",
            "+39",
        ] {
            assert!(!telefono_it(v), "{v}");
        }
    }

    #[test]
    fn international_numbers() {
        for v in [
            "+44 20 7946 0958",
            "+33 1 42 68 53 00",
            "0049 30 901820",
            "+1 212 555 0123",
            "+41 44 668 18 00",
            "(+44) 20 7946 0958",
            "+39 347 123 4567",
        ] {
            assert!(telefono(v), "{v}");
        }
        assert!(telefono_estero("+44 20 7946 0958"));
        assert!(!telefono_estero("+39 347 123 4567"));
        for v in [
            "+800 1234 5678", // international freephone
            "+1 012 555 0123",
            "+44 12",
            "+0 123456789",
            "347 123 4567",
            "+39 800 123456",
            "+999 123456789",
            "",
            "+",
        ] {
            assert!(!telefono(v), "{v}");
        }
    }

    #[test]
    fn never_panics() {
        for s in [
            "(",
            ")",
            "(+39",
            "+39)",
            "((06)) 1234",
            "+(",
            "00",
            "٣٤٧١٢٣٤٥٦٧",
        ] {
            let _ = telefono_it(s);
            let _ = telefono(s);
        }
    }
}
