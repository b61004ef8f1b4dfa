//! E-mail addresses: syntax, and the classification that decides how serious a
//! finding is (pii-italy.md §6): a personal address is personal data; a PEC, a role
//! mailbox (`urp@`, `protocollo@`, `info@`) or an address on an administration's
//! domain belongs to an office.

/// `email`: a syntactically valid address (practical RFC 5321 subset, IDN domains).
pub fn email(s: &str) -> bool {
    split(s.trim()).is_some()
}

/// `email-personale`: a valid address that is neither a role mailbox nor on a
/// public administration's domain (`mario.rossi@gmail.com`, `nome.cognome@pec.it`
/// of a professional).
pub fn email_personale(s: &str) -> bool {
    split(s.trim()).is_some_and(|(local, domain)| !is_role(local) && !is_public_body(domain))
}

/// `email-istituzionale`: a valid address of an office: a role mailbox, a PEC of an
/// office, or any address on a public administration's domain.
pub fn email_istituzionale(s: &str) -> bool {
    split(s.trim()).is_some_and(|(local, domain)| is_role(local) || is_public_body(domain))
}

/// `pec`: a valid address on a certified-mail (PEC) domain.
pub fn pec(s: &str) -> bool {
    split(s.trim()).is_some_and(|(_, domain)| is_pec(domain))
}

/// `email-offuscata`: a personal address written to dodge harvesters, as Italian posts
/// do: `mario.rossi [at] gmail [dot] com`, `mario(at)libero.it`, `mario chiocciola
/// gmail punto com`. The text must contain such a disguise (a plain address is the
/// `email-personale` rule's), and once decoded it must be a personal address.
pub fn email_offuscata(s: &str) -> bool {
    let Some(decoded) = deobfuscate(s.trim()) else {
        return false;
    };
    email_personale(&decoded)
}

/// Replaces the spelled-out `@` and `.` and drops the spaces around them; `None` when
/// the text has no spelled-out `@`.
fn deobfuscate(s: &str) -> Option<String> {
    const AT: &[&str] = &[
        "[at]",
        "(at)",
        "[chiocciola]",
        "(chiocciola)",
        " at ",
        " chiocciola ",
    ];
    const DOT: &[&str] = &["[dot]", "(dot)", "[punto]", "(punto)", " dot ", " punto "];
    let mut t = s.to_lowercase();
    let before = t.clone();
    for a in AT {
        t = t.replace(a, "@");
    }
    if t == before || t.matches('@').count() != 1 {
        return None;
    }
    for d in DOT {
        t = t.replace(d, ".");
    }
    Some(t.chars().filter(|c| !c.is_whitespace()).collect())
}

/// Local part and domain of a syntactically valid address.
fn split(s: &str) -> Option<(&str, &str)> {
    let (local, domain) = s.rsplit_once('@')?;
    if local.is_empty() || local.len() > 64 || domain.is_empty() || domain.len() > 253 {
        return None;
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._%+'-".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    if !local_ok {
        return None;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    for label in &labels {
        let n = label.chars().count();
        if n == 0
            || n > 63
            || label.starts_with('-')
            || label.ends_with('-')
            || !label.chars().all(|c| c.is_alphanumeric() || c == '-')
        {
            return None;
        }
    }
    let tld = labels.last()?;
    let tld_ok = tld.starts_with("xn--")
        || ((2..=24).contains(&tld.chars().count()) && tld.chars().all(char::is_alphabetic));
    tld_ok.then_some((local, domain))
}

/// Role mailboxes of offices (first word of the local part, `ufficio.tributi`).
fn is_role(local: &str) -> bool {
    const ROLES: &[&str] = &[
        "info",
        "informazioni",
        "urp",
        "protocollo",
        "segreteria",
        "sindaco",
        "stampa",
        "comunicazione",
        "tributi",
        "anagrafe",
        "demografici",
        "statocivile",
        "elettorale",
        "poliziamunicipale",
        "polizialocale",
        "vigili",
        "suap",
        "sue",
        "ragioneria",
        "personale",
        "privacy",
        "dpo",
        "rpd",
        "rpct",
        "trasparenza",
        "noreply",
        "no-reply",
        "webmaster",
        "helpdesk",
        "biblioteca",
        "redazione",
        "contatti",
        "amministrazione",
        "direzione",
        "presidenza",
        "cultura",
        "sport",
        "turismo",
        "ambiente",
        "urbanistica",
        "edilizia",
        "lavoripubblici",
        "economato",
        "commercio",
        "istruzione",
        "scuola",
        "prenotazioni",
        "assistenza",
        "supporto",
        "support",
        "admin",
        "office",
        "contact",
        "press",
        "posta",
        "mail",
        "comune",
        "municipio",
        "ced",
        "appalti",
        "gare",
        "contratti",
        "cimiteri",
        "tecnico",
        "sociale",
        "welfare",
        "giunta",
        "consiglio",
        "cittadini",
        "sportello",
        "ufficio",
        "uffici",
        "servizi",
        "settore",
        "area",
        "polizia",
        "pec",
        "ordini",
        "amministratore",
        "hello",
        "staff",
    ];
    let lower = local.to_ascii_lowercase();
    let first = lower.split(['.', '_', '-', '+']).next().unwrap_or("");
    // "ufficiotecnico", "servizisociali", "settorecultura": a role word as prefix.
    const PREFIXES: &[&str] = &["ufficio", "servizi", "settore", "sportello", "segreteria"];
    ROLES.contains(&first) || PREFIXES.iter().any(|p| first.starts_with(p))
}

/// Domains of public bodies: comuni, province, regioni, ASL, schools, ministries,
/// and their PEC domains (`pec.comune.x.it`, `postacert.regione.y.it`).
fn is_public_body(domain: &str) -> bool {
    let d = domain.to_lowercase();
    if d.ends_with(".gov.it") || d.ends_with("istruzione.it") || d.ends_with(".edu.it") {
        return true;
    }
    const LONG: &[&str] = &[
        "comune",
        "provincia",
        "regione",
        "cittametropolitana",
        "prefettura",
        "questura",
        "unione",
        "municipio",
        "camcom",
        "consiglioregionale",
    ];
    const SHORT: &[&str] = &[
        "asl",
        "ausl",
        "ats",
        "asst",
        "ulss",
        "usl",
        "aou",
        "asp",
        "inps",
        "inail",
        "cciaa",
        "mef",
        "gov",
        "istat",
        "agenziaentrate",
        "carabinieri",
        "poliziadistato",
        "giustizia",
        "interno",
        "esteri",
        "salute",
        "vigilfuoco",
    ];
    d.split('.').any(|label| {
        LONG.iter().any(|p| label.starts_with(p))
            || SHORT.iter().any(|p| {
                label == *p
                    || label.strip_prefix(p).is_some_and(|r| {
                        r.starts_with('-') || r.starts_with(|c: char| c.is_ascii_digit())
                    })
            })
    })
}

/// PEC domains: a `pec`/`cert`/`postacert` label or a known certified-mail provider.
fn is_pec(domain: &str) -> bool {
    let d = domain.to_lowercase();
    const LABELS: &[&str] = &[
        "pec",
        "cert",
        "postacert",
        "legalmail",
        "postecert",
        "arubapec",
        "sicurezzapostale",
        "pecimprese",
        "casellapec",
        "gigapec",
        "mypec",
        "registerpec",
    ];
    d.split('.').any(|l| LABELS.contains(&l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax() {
        // microsoft/presidio:presidio-analyzer/tests/test_email_recognizer.py
        for v in [
            "info@presidio.site",
            "user@xn--80ak6aa92e.com",
            "a@xn--d1acufc.xn--p1ai",
            "mario.rossi@gmail.com",
            "o'brien@example.ie",
            "anna+newsletter@libero.it",
            "protocollo@pec.comune.pero.mi.it",
            "info@città.it",
        ] {
            assert!(email(v), "{v}");
        }
        for v in [
            "info@presidio.",
            "info@presidio",
            "@gmail.com",
            "mario..rossi@gmail.com",
            ".mario@gmail.com",
            "mario.@gmail.com",
            "mario@-gmail.com",
            "mario@gmail..com",
            "mario@gmail.c",
            "mario@gmail.123",
            "mario rossi@gmail.com",
            "mario@gmail.com,",
            "",
            "@",
        ] {
            assert!(!email(v), "{v}");
        }
    }

    #[test]
    fn classification() {
        for v in [
            "mario.rossi@gmail.com",
            "telemaco69@virgilio.it",
            "avv.bianchi@pec.it",
            "studio.verdi@legalmail.it",
            "nadiagiannotti@icloud.com",
        ] {
            assert!(email_personale(v), "{v}");
            assert!(!email_istituzionale(v), "{v}");
        }
        for v in [
            "urp@comune.rho.mi.it",
            "tributi@comune.legnano.mi.it",
            "protocollo@pec.comune.legnano.mi.it",
            "comune.pero@postacert.regione.lombardia.it",
            "ufficio.tributi@gmail.com",
            "servizisociali@unione.example.it",
            "redazione@provincia.biella.it",
            "mario.rossi@comune.pero.mi.it",
            "segreteria@aslroma1.it",
            "miic8ab00x@istruzione.it",
            "info@ats-milano.it",
        ] {
            assert!(email_istituzionale(v), "{v}");
            assert!(!email_personale(v), "{v}");
        }
        assert!(pec("protocollo@pec.comune.legnano.mi.it"));
        assert!(pec("mario.rossi@pec.it"));
        assert!(pec("studio@legalmail.it"));
        assert!(!pec("mario.rossi@gmail.com"));
        // "asl" only as a whole label or with a number/dash, not any word starting so.
        assert!(email_personale("anna@aslan-design.com"));
    }

    #[test]
    fn obfuscated_addresses() {
        for v in [
            "mario.rossi [at] gmail [dot] com",
            "mario.rossi(at)libero.it",
            "mario chiocciola gmail punto com",
            "Mario.Rossi [AT] Gmail [DOT] com",
            "anna [at] libero.it",
        ] {
            assert!(email_offuscata(v), "{v}");
        }
        for v in [
            "mario.rossi@gmail.com",
            "urp [at] comune.esempio.it",
            "ci vediamo at home",
            "mario [at] gmail",
            "a [at] b [at] c.it",
            "",
        ] {
            assert!(!email_offuscata(v), "{v}");
        }
    }
}
