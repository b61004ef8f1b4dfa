//! Dates of birth (pii-italy.md §10): a real calendar date, not in the future, born
//! after 1900. Whether a date is a birth date is the rule's context (`nato il`,
//! `data di nascita`); this only rejects what cannot be one (`31/02/1980`,
//! `12/25/1980`, a deadline in 2031).

use std::time::{SystemTime, UNIX_EPOCH};

const MONTHS: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];

/// `data-nascita`: `01/09/1949`, `1.9.49`, `01-09-1949`, `1 settembre 1949`,
/// `1° set. 1949` that is a valid past date (year 1900 or later).
pub fn data_nascita(s: &str) -> bool {
    let Some((d, m, y)) = parse(s.trim()) else {
        return false;
    };
    let (ty, tm, td) = today();
    let year = match y {
        Year::Full(y) => y,
        // Two digits: the most recent year not in the future (83 → 1983, 07 → 2007).
        Year::Short(yy) => {
            let century = ty - ty % 100;
            if century + yy > ty {
                century - 100 + yy
            } else {
                century + yy
            }
        }
    };
    if !(1900..=ty).contains(&year) || m == 0 || m > 12 || d == 0 || d > days_in(m, year) {
        return false;
    }
    (year, m, d) <= (ty, tm, td)
}

enum Year {
    Full(u32),
    Short(u32),
}

fn parse(s: &str) -> Option<(u32, u32, Year)> {
    if s.chars().next()?.is_ascii_digit() && s.contains(['/', '.', '-']) && !s.contains(' ') {
        return parse_numeric(s);
    }
    parse_textual(s)
}

/// `dd/mm/yyyy`, `d.m.yy`: the same separator twice.
fn parse_numeric(s: &str) -> Option<(u32, u32, Year)> {
    let sep = s.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<&str> = s.split(sep).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let num = |p: &str, lens: &[usize]| -> Option<u32> {
        (lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let year = match y.len() {
        4 => Year::Full(num(y, &[4])?),
        2 => Year::Short(num(y, &[2])?),
        _ => return None,
    };
    Some((num(d, &[1, 2])?, num(m, &[1, 2])?, year))
}

/// `1 settembre 1949`, `1° set. 1949`, `1º settembre 1949`.
fn parse_textual(s: &str) -> Option<(u32, u32, Year)> {
    let lower = s.to_lowercase();
    let mut words = lower.split_whitespace();
    let day = words.next()?.trim_end_matches(['°', 'º']);
    if day.is_empty() || day.len() > 2 || !day.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let month_word = words.next()?.trim_end_matches('.');
    let month = MONTHS
        .iter()
        .position(|m| *m == month_word || (month_word.len() == 3 && m.starts_with(month_word)))?;
    let year = words.next()?;
    if words.next().is_some() || year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let month = u32::try_from(month).ok()? + 1;
    Some((day.parse().ok()?, month, Year::Full(year.parse().ok()?)))
}

fn days_in(m: u32, y: u32) -> u32 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Today's date (UTC) from the system clock; a clock before 1970 counts as 1970.
fn today() -> (u32, u32, u32) {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// Days since 1970-01-01 → (year, month, day), H. Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (u32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let u = |v: i64| u32::try_from(v).unwrap_or(0);
    (u(y), u(m), u(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
    }

    #[test]
    fn birth_dates() {
        for v in [
            "01/09/1949",
            "1/9/1949",
            "05.06.1983",
            "05-06-83",
            "29/02/2000",
            "29/02/1996",
            "17 dicembre 1952",
            "1° marzo 1950",
            "1º marzo 1950",
            "3 gen. 1963",
            "3 Gennaio 1963",
        ] {
            assert!(data_nascita(v), "{v}");
        }
    }

    #[test]
    fn impossible_birth_dates() {
        for v in [
            "31/02/1980",
            "29/02/1900",
            "29/02/1981",
            "12/25/1980",
            "00/10/1980",
            "31/04/1980",
            "01/01/1899",
            "01/01/2999",
            "01/09/194",
            "01/09-1949",
            "1949/09/01",
            "32 marzo 1950",
            "3 brumaio 1963",
            "3 marzo 63",
            "",
            "°",
        ] {
            assert!(!data_nascita(v), "{v}");
        }
    }
}
