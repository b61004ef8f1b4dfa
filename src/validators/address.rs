//! Postal codes (CAP) for street-address rules (pii-italy.md §9).

/// `cap`: an Italian postal code, five digits in the assigned range 00010-98168.
pub fn cap(s: &str) -> bool {
    let s = s.trim();
    s.len() == 5
        && s.bytes().all(|b| b.is_ascii_digit())
        && s.parse::<u32>().is_ok_and(|n| (10..=98_168).contains(&n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes() {
        for v in ["20016", "13836", "00184", "00010", "98168", " 20900 "] {
            assert!(cap(v), "{v}");
        }
        for v in [
            "00000", "00009", "98169", "99999", "2001", "200160", "2O016", "", "-2001",
        ] {
            assert!(!cap(v), "{v}");
        }
    }
}
