//! Named validators run on each pattern match (`validate = "name"` in a rule).
//!
//! A validator gets the matched text exactly as written (spaces, dots or dashes included)
//! and answers whether it is a real identifier: checksums, lengths, prefixes. Rejecting is
//! how vaglio stays silent on look-alikes (protocol numbers, wrong check characters).
//!
//! Every validator normalises its own input and never panics: it only ever answers
//! `false` to text it does not understand.

mod address;
mod card;
mod codice_fiscale;
mod common;
mod date;
mod documents;
mod email;
mod iban;
mod partita_iva;
mod phone;
mod plate;

/// A validator: the matched text as written → is it a real identifier of its kind?
pub type Validator = fn(&str) -> bool;

/// Every validator, with a one-line Italian and English description for `vaglio rules`.
pub const VALIDATORS: &[(&str, Validator, &str, &str)] = &[
    (
        "codice-fiscale",
        codice_fiscale::codice_fiscale,
        "codice fiscale di persona fisica: struttura, omocodia, data, carattere di controllo",
        "personal tax code: layout, omocodia, birth date, check character",
    ),
    (
        "codice-fiscale-numerico",
        partita_iva::codice_fiscale_numerico,
        "codice fiscale numerico (11 cifre) di enti e società: ufficio e cifra di controllo",
        "11-digit tax code of legal persons: office code and check digit",
    ),
    (
        "partita-iva",
        partita_iva::partita_iva,
        "partita IVA (11 cifre, prefisso IT facoltativo): ufficio e cifra di controllo",
        "Italian VAT number (11 digits, optional IT prefix): office code and check digit",
    ),
    (
        "iban",
        iban::iban,
        "IBAN di qualsiasi paese: lunghezza e struttura per paese, mod 97, CIN per IT e SM",
        "IBAN of any country: per-country length and layout, mod 97, CIN for IT and SM",
    ),
    (
        "iban-privato",
        iban::iban_privato,
        "IBAN valido che non è un conto di tesoreria presso la Banca d'Italia (ABI 01000)",
        "valid IBAN that is not a treasury account at the Bank of Italy (ABI 01000)",
    ),
    (
        "luhn",
        card::luhn,
        "numero con cifra di controllo Luhn (mod 10)",
        "number with a Luhn (mod 10) check digit",
    ),
    (
        "carta-pagamento",
        card::carta_pagamento,
        "numero di carta di pagamento: Luhn, prefisso del circuito, lunghezza (no IMEI, SIM)",
        "payment card number: Luhn, issuer prefix, length (not IMEI or SIM numbers)",
    ),
    (
        "telefono-it",
        phone::telefono_it,
        "numero di telefono italiano, cellulare o fisso (no numeri verdi, brevi, date, importi)",
        "Italian mobile or landline number (not toll-free, short numbers, dates, amounts)",
    ),
    (
        "telefono",
        phone::telefono,
        "numero di telefono internazionale (+prefisso del paese)",
        "international phone number (+country code)",
    ),
    (
        "telefono-estero",
        phone::telefono_estero,
        "numero di telefono internazionale non italiano (+prefisso diverso da +39)",
        "international phone number outside Italy (country code other than +39)",
    ),
    (
        "email",
        email::email,
        "indirizzo e-mail sintatticamente valido",
        "syntactically valid e-mail address",
    ),
    (
        "email-personale",
        email::email_personale,
        "indirizzo e-mail personale (non casella di ufficio, non dominio di un ente pubblico)",
        "personal e-mail address (not a role mailbox, not a public body's domain)",
    ),
    (
        "email-offuscata",
        email::email_offuscata,
        "indirizzo e-mail personale scritto in forma camuffata ([at], chiocciola, punto)",
        "personal e-mail address written in disguise ([at], chiocciola, punto)",
    ),
    (
        "email-istituzionale",
        email::email_istituzionale,
        "indirizzo e-mail di un ufficio (casella di ruolo o dominio di un ente pubblico)",
        "office e-mail address (role mailbox or a public body's domain)",
    ),
    (
        "pec",
        email::pec,
        "indirizzo di posta elettronica certificata (PEC)",
        "certified e-mail (PEC) address",
    ),
    (
        "cie",
        documents::cie,
        "numero di carta d'identità elettronica (CIE 3.0 o 2.0)",
        "electronic identity card number (CIE 3.0 or 2.0)",
    ),
    (
        "carta-identita",
        documents::carta_identita,
        "numero di carta d'identità (elettronica o cartacea)",
        "identity card number (electronic or paper)",
    ),
    (
        "passaporto",
        documents::passaporto,
        "numero di passaporto italiano (due lettere e sette cifre)",
        "Italian passport number (two letters, seven digits)",
    ),
    (
        "patente",
        documents::patente,
        "numero di patente di guida (U1… o sigla provincia + 7 cifre + lettera)",
        "driving licence number (U1… or province code + 7 digits + letter)",
    ),
    (
        "tessera-sanitaria",
        documents::tessera_sanitaria,
        "numero di identificazione della tessera sanitaria / TEAM (20 cifre, prefisso 80)",
        "health card / EHIC identification number (20 digits, prefix 80)",
    ),
    (
        "targa",
        plate::targa,
        "targa di autoveicolo, rimorchio o motociclo",
        "car, trailer or motorcycle number plate",
    ),
    (
        "data-nascita",
        date::data_nascita,
        "data di nascita plausibile: data di calendario valida, passata, dal 1900",
        "plausible birth date: valid calendar date, in the past, from 1900",
    ),
    (
        "cap",
        address::cap,
        "codice di avviamento postale italiano (00010-98168)",
        "Italian postal code (00010-98168)",
    ),
];

/// Looks a validator up by the name a rule gives in `validate`.
pub fn lookup(name: &str) -> Option<Validator> {
    VALIDATORS
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, v, ..)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        for (i, (name, ..)) in VALIDATORS.iter().enumerate() {
            assert!(lookup(name).is_some());
            assert!(
                VALIDATORS.iter().skip(i + 1).all(|(n, ..)| n != name),
                "duplicate validator {name}"
            );
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{name}"
            );
        }
        assert!(lookup("no-such-validator").is_none());
    }

    /// Cheap deterministic fuzzing: no validator may panic on odd input.
    #[test]
    fn no_validator_panics() {
        let mut inputs: Vec<String> = [
            "",
            " ",
            "\u{0}",
            "(",
            ")",
            "+",
            "-",
            "@",
            ".",
            "°",
            "+39",
            "0039",
            "((",
            "@@",
            "IT",
            "ÀÈÌ",
            "٣٤٧",
            "🙂🙂🙂",
            "\u{200b}",
            "a@b",
            "1/2/3",
            "99/99/9999",
            "IT60",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        // Pseudo-random strings over a nasty alphabet (xorshift, fixed seed).
        let alphabet: Vec<char> = "0123456789 ABCXYZ.-/()+@:°€àè\u{a0}".chars().collect();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in 0..40 {
            for _ in 0..40 {
                let mut s = String::new();
                for _ in 0..len {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let i = usize::try_from(x % alphabet.len() as u64).unwrap_or(0);
                    s.push(alphabet.get(i).copied().unwrap_or('0'));
                }
                inputs.push(s);
            }
        }
        inputs.push("9".repeat(10_000));
        inputs.push("A".repeat(10_000));
        for (name, v, ..) in VALIDATORS {
            for s in &inputs {
                let r = std::panic::catch_unwind(|| v(s));
                assert!(r.is_ok(), "{name} panicked on {s:?}");
            }
        }
    }
}
