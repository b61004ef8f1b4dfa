//! IBAN of any country (ISO 13616): per-country BBAN layout and length, mod 97, and
//! for Italy and San Marino the national CIN check letter.
//!
//! Hand-written rather than the `iban_validate` crate: the whole job is a 90-line
//! table plus mod 97, it keeps the shared Cargo.toml untouched, and the Italian CIN
//! check (which no IBAN crate does) needs the codice fiscale tables we already have.
//! The table is the SWIFT IBAN registry as transcribed in python-stdnum
//! `stdnum/iban.dat` (facts, not code). pii-italy.md §3.

use super::common::cf_check_letter;

/// BBAN layout per country in registry notation: `5!n` = 5 digits, `4!a` = 4
/// upper-case letters, `12!c` = 12 alphanumerics. The IBAN length is 4 + the sum.
const BBAN: &[(&str, &str)] = &[
    ("AD", "4!n4!n12!c"),
    ("AE", "3!n16!n"),
    ("AL", "8!n16!c"),
    ("AT", "5!n11!n"),
    ("AZ", "4!a20!c"),
    ("BA", "3!n3!n8!n2!n"),
    ("BE", "3!n7!n2!n"),
    ("BG", "4!a4!n2!n8!c"),
    ("BH", "4!a14!c"),
    ("BI", "5!n5!n11!n2!n"),
    ("BR", "8!n5!n10!n1!a1!c"),
    ("BY", "4!c4!n16!c"),
    ("CH", "5!n12!c"),
    ("CR", "4!n14!n"),
    ("CY", "3!n5!n16!c"),
    ("CZ", "4!n6!n10!n"),
    ("DE", "8!n10!n"),
    ("DJ", "5!n5!n11!n2!n"),
    ("DK", "4!n9!n1!n"),
    ("DO", "4!c20!n"),
    ("EE", "2!n14!n"),
    ("EG", "4!n4!n17!n"),
    ("ES", "4!n4!n1!n1!n10!n"),
    ("FI", "3!n11!n"),
    ("FK", "2!a12!n"),
    ("FO", "4!n9!n1!n"),
    ("FR", "5!n5!n11!c2!n"),
    ("GB", "4!a6!n8!n"),
    ("GE", "2!a16!n"),
    ("GI", "4!a15!c"),
    ("GL", "4!n9!n1!n"),
    ("GR", "3!n4!n16!c"),
    ("GT", "4!c20!c"),
    ("HN", "4!a20!n"),
    ("HR", "7!n10!n"),
    ("HU", "3!n4!n1!n15!n1!n"),
    ("IE", "4!a6!n8!n"),
    ("IL", "3!n3!n13!n"),
    ("IQ", "4!a3!n12!n"),
    ("IS", "4!n2!n6!n10!n"),
    ("IT", "1!a5!n5!n12!c"),
    ("JO", "4!a4!n18!c"),
    ("KW", "4!a22!c"),
    ("KZ", "3!n13!c"),
    ("LB", "4!n20!c"),
    ("LC", "4!a24!c"),
    ("LI", "5!n12!c"),
    ("LT", "5!n11!n"),
    ("LU", "3!n13!c"),
    ("LV", "4!a13!c"),
    ("LY", "3!n3!n15!n"),
    ("MC", "5!n5!n11!c2!n"),
    ("MD", "2!c18!c"),
    ("ME", "3!n13!n2!n"),
    ("MK", "3!n10!c2!n"),
    ("MN", "4!n12!n"),
    ("MR", "5!n5!n11!n2!n"),
    ("MT", "4!a5!n18!c"),
    ("MU", "4!a2!n2!n12!n3!n3!a"),
    ("NI", "4!a20!n"),
    ("NL", "4!a10!n"),
    ("NO", "4!n6!n1!n"),
    ("OM", "3!n16!c"),
    ("PK", "4!a16!c"),
    ("PL", "8!n16!n"),
    ("PS", "4!a21!c"),
    ("PT", "4!n4!n11!n2!n"),
    ("QA", "4!a21!c"),
    ("RO", "4!a16!c"),
    ("RS", "3!n13!n2!n"),
    ("RU", "9!n5!n15!c"),
    ("SA", "2!n18!c"),
    ("SC", "4!a2!n2!n16!n3!a"),
    ("SD", "2!n12!n"),
    ("SE", "3!n16!n1!n"),
    ("SI", "5!n8!n2!n"),
    ("SK", "4!n6!n10!n"),
    ("SM", "1!a5!n5!n12!c"),
    ("SO", "4!n3!n12!n"),
    ("ST", "8!n11!n2!n"),
    ("SV", "4!a20!n"),
    ("TL", "3!n14!n2!n"),
    ("TN", "2!n3!n13!n2!n"),
    ("TR", "5!n1!n16!c"),
    ("UA", "6!n19!c"),
    ("VA", "3!n15!n"),
    ("VG", "4!a16!n"),
    ("XK", "4!n10!n2!n"),
    ("YE", "4!a4!n18!c"),
];

/// `iban`: a valid IBAN of any country in the registry, compact or in groups
/// separated by single spaces or hyphens, any case.
pub fn iban(s: &str) -> bool {
    let Some(code) = normalise(s.trim()) else {
        return false;
    };
    let (Some(country), Some(check), Some(bban)) = (code.get(0..2), code.get(2..4), code.get(4..))
    else {
        return false;
    };
    if !check.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let Some((_, layout)) = BBAN.iter().find(|(cc, _)| cc.as_bytes() == country) else {
        return false;
    };
    if !bban_matches(bban, layout) || mod97(&code) != Some(1) {
        return false;
    }
    if country == b"IT" || country == b"SM" {
        // CIN: national check letter over ABI + CAB + conto (schwifty checksum/italy.py).
        return match (bban.first(), bban.get(1..)) {
            (Some(&cin), Some(rest)) => cf_check_letter(rest) == Some(cin),
            _ => false,
        };
    }
    true
}

/// Compact upper-case form. Single spaces or hyphens are allowed where people put
/// them: every 4 characters (the printed form `IT60 X054 2811 …`) or, for Italy and
/// San Marino, between the parts `IT 60 X 05428 11101 000000123456`. Anywhere else
/// (`G T82 …`) the text is not an IBAN written with separators.
/// `iban-privato`: a valid IBAN that is not an Italian treasury account at the Bank
/// of Italy (ABI 01000, the "tesoreria unica" of public bodies). No private person
/// holds an account there, so it is never personal data.
pub fn iban_privato(s: &str) -> bool {
    iban(s)
        && normalise(s.trim()).is_some_and(|code| {
            !(code.get(..2) == Some(b"IT") && code.get(5..10) == Some(b"01000"))
        })
}

fn normalise(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(34);
    let mut seps = Vec::new();
    let mut last_sep = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if out.len() >= 34 {
                return None; // longer than any IBAN
            }
            out.push(c.to_ascii_uppercase() as u8);
            last_sep = false;
        } else if matches!(c, ' ' | '-' | '\u{a0}') && !last_sep {
            seps.push(out.len());
            last_sep = true;
        } else {
            return None;
        }
    }
    if last_sep {
        return None;
    }
    let printed = seps.iter().all(|p| p % 4 == 0);
    let italian_parts = matches!(out.get(..2), Some(b"IT" | b"SM"))
        && seps.iter().all(|p| [2, 4, 5, 10, 15].contains(p));
    (printed || italian_parts).then_some(out)
}

/// Does `bban` follow the registry layout (e.g. `1!a5!n5!n12!c`) exactly?
fn bban_matches(bban: &[u8], layout: &str) -> bool {
    let mut pos = 0usize;
    let mut count = 0usize;
    for c in layout.bytes() {
        match c {
            b'0'..=b'9' => count = count * 10 + usize::from(c - b'0'),
            b'!' => {}
            b'n' | b'a' | b'c' => {
                let Some(part) = bban.get(pos..pos + count) else {
                    return false;
                };
                let ok = part.iter().all(|b| match c {
                    b'n' => b.is_ascii_digit(),
                    b'a' => b.is_ascii_uppercase(),
                    _ => b.is_ascii_alphanumeric(),
                });
                if !ok {
                    return false;
                }
                pos += count;
                count = 0;
            }
            _ => return false,
        }
    }
    pos == bban.len()
}

/// ISO 7064 mod 97-10 over the rearranged IBAN (first four characters moved to the
/// end, letters as 10-35), computed digit by digit so it never overflows.
fn mod97(code: &[u8]) -> Option<u32> {
    let (head, tail) = (code.get(..4)?, code.get(4..)?);
    let mut r = 0u32;
    for &c in tail.iter().chain(head.iter()) {
        match c {
            b'0'..=b'9' => r = (r * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => r = (r * 100 + u32::from(c - b'A') + 10) % 97,
            _ => return None,
        }
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::super::common::testing::assert_substitutions_rejected;
    use super::*;

    /// microsoft/presidio:presidio-analyzer/tests/test_iban_recognizer.py (one per
    /// country, compact) and mdomke/schwifty:tests/test_iban.py (Italian ones).
    const VALID: &[&str] = &[
        "AL47212110090000000235698741",
        "AD1200012030200359100100",
        "AT611904300234573201",
        "AZ21NABZ00000000137010001944",
        "BH67BMAG00001299123456",
        "BY13NBRB3600900000002Z00AB00",
        "BE68539007547034",
        "BA391290079401028494",
        "BR9700360305000010009795493P1",
        "BG80BNBG96611020345678",
        "CR05015202001026284066",
        "HR1210010051863000160",
        "CY17002001280000001200527600",
        "CZ6508000000192000145399",
        "DK5000400440116243",
        "DO28BAGR00000001212453611324",
        "TL380080012345678910157",
        "EE382200221020145685",
        "FO6264600001631634",
        "FI2112345600000785",
        "FR1420041010050500013M02606",
        "GE29NB0000000101904917",
        "DE89370400440532013000",
        "GI75NWBK000000007099453",
        "GR1601101250000000012300695",
        "GL8964710001000206",
        "GT82TRAJ01020000001210029690",
        "HU42117730161111101800000000",
        "IS140159260076545510730339",
        "IE29AIBK93115212345678",
        "IL620108000000099999999",
        "JO94CBJO0010000000000131000302",
        "KZ86125KZT5004100100",
        "XK051212012345678906",
        "KW81CBKU0000000000001234560101",
        "LV80BANK0000435195001",
        "LB62099900000001001901229114",
        "LI21088100002324013AA",
        "LT121000011101001000",
        "LU280019400644750000",
        "MT84MALT011000012345MTLCAST001S",
        "MR1300020001010000123456753",
        "MU17BOMM0101101030300200000MUR",
        "MD24AG000225100013104168",
        "MC5811222000010123456789030",
        "ME25505000012345678951",
        "NL91ABNA0417164300",
        "MK07250120000058984",
        "NO9386011117947",
        "PK36SCBL0000001123456702",
        "PS92PALS000000000400123456702",
        "PL61109010140000071219812874",
        "PT50000201231234567890154",
        "QA58DOHB00001234567890ABCDEFG",
        "RO49AAAA1B31007593840000",
        "SA0380000000608010167519",
        "RS35260005601001611379",
        "SK3112000000198742637541",
        "SI56263300012039086",
        "ES9121000418450200051332",
        "SE4550000000058398257466",
        "CH9300762011623852957",
        "TN5910006035183598478831",
        "TR330006100519786457841326",
        "AE070331234567890123456",
        "GB29NWBK60161331926819",
        "VA59001123000012345678",
        "SM86U0322509800000000270100",
        "IT60X0542811101000000123456",
        "IT18T0538703601000000198036",
        "IT57V0538703601000000198060",
        "IT40Z0538703601000000198072",
        "IT29P0538742530000000802006",
        "IT94I0306940101100100003599",
        "IT63M0335901600100000131525",
        "IT12D3918913896CHTEE9UATVVO",
        "IT21Q054280160000ABCD12ZE34",
        "IT39M7000030810MQ8GYACBZEQP",
    ];

    #[test]
    fn valid_vectors() {
        for v in VALID {
            assert!(iban(v), "{v}");
        }
        for v in [
            // presidio spaced forms
            "IT60 X054 2811 1010 0000 0123 456",
            "SM86 U032 2509 8000 0000 0270 100",
            "GB29 NWBK 6016 1331 9268 19",
            "FR14 2004 1010 0505 0001 3M02 606",
            // schwifty normalises lower case
            "it39m7000030810mq8gyacbzeqp",
            "IT60-X054-2811-1010-0000-0123-456",
            "IT 60 X 05428 11101 000000123456",
        ] {
            assert!(iban(v), "{v}");
        }
    }

    #[test]
    fn invalid_vectors() {
        for v in [
            // presidio test_iban_recognizer.py: format, checksum, missing CIN
            "IT60 XW54 2811 1010 0000 0123 456",
            "IT60 X054 2811 1010 0000 0123 457",
            "SM86 0032 2509 8000 0000 0270 100",
            "SM86 U032 2509 8000 0000 0270 101",
            "VA59 A011 2300 0012 3456 78",
            "AL47 212A 1009 0000 0002 3569 8741",
            "AT61 1904 3002 3457 320",
            "BE6853900754703",
            "EE38 2200 2210  014 5686",
            "G T82 TRAJ 0102 0000 0012 1002 9690",
            "NL91 1BNA 0417 1643 00",
            "DE89 3704 0044 0532 0130 01",
            // derived: unknown country, bad check digits, too long, junk
            "XX60X0542811101000000123456",
            "ITAAX0542811101000000123456",
            "IT60X05428111010000001234560000000000",
            "IT60X0542811101000000123456!",
            "",
            "IT",
        ] {
            assert!(!iban(v), "{v}");
        }
    }

    #[test]
    fn treasury_accounts_are_not_private() {
        // A Tesoreria comunale account at the Bank of Italy (ABI 01000).
        let treasury = "IT96 A010 0038 4458 1983 4234 217";
        assert!(iban(treasury));
        assert!(!iban_privato(treasury));
        assert!(iban_privato("IT60X0542811101000000123456"));
        assert!(iban_privato("DE89370400440532013000"));
        assert!(!iban_privato("IT60X0542811101000000123457"));
    }

    #[test]
    fn wrong_cin_with_fixed_check_digits_is_rejected() {
        // Same BBAN with another CIN and recomputed mod-97 digits: only the CIN can fail.
        let bban = "Y0542811101000000123456";
        let mut found = false;
        for cd in 2..=98u32 {
            let code = format!("IT{cd:02}{bban}");
            if mod97(code.as_bytes()) == Some(1) {
                found = true;
                assert!(!iban(&code), "{code}");
            }
        }
        assert!(found);
    }

    #[test]
    fn one_changed_character_is_rejected() {
        // Mod 97 catches every substitution of a digit by a digit or a letter by a
        // letter; a digit replaced by a letter changes the length of the expanded
        // number, which mod 97 does not guarantee to catch (the layout check mostly does).
        assert_substitutions_rejected(iban, VALID, false);
    }
}
