//! Folding: how text is normalised before matching (NFKC compatibility, accents removed,
//! lower case, apostrophes unified, Cyrillic and Greek look-alikes to Latin).
//!
//! This file is also compiled into the build script (which pre-expands the built-in terms),
//! so it depends on nothing but `unicode-normalization`.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Characters that carry no text: zero-width spaces and joiners, soft hyphen, BOM, word
/// joiner. They are skipped by the views, so `caz\u{200b}zo` is one word.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}' | '\u{2061}'..='\u{2064}'
    )
}

/// Latin look-alikes from Cyrillic and Greek that NFKC leaves alone. Written by hand: the
/// full Unicode confusables table (as in `unicode-security`) also folds legitimate Latin
/// letters and digits into each other, which is wrong for Italian prose.
fn homoglyph(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'е' | 'ё' | 'ε' => 'e',
        'һ' => 'h',
        'і' | 'ї' | 'ι' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'н' | 'η' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'у' | 'υ' => 'u',
        'х' | 'χ' => 'x',
        'ν' => 'v',
        'ԝ' | 'ω' => 'w',
        'ᴢ' => 'z',
        _ => return None,
    })
}

/// The accented letters of Italian prose, folded without decomposing them: the general
/// path below allocates for every character and was a tenth of building the word view.
/// They are also the letters `text::may_evade` follows on its fast path. A test checks this
/// table against decomposition.
pub fn accented_latin(c: char) -> Option<char> {
    Some(match c {
        'à' | 'á' | 'â' | 'ä' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ç' | 'Ç' => 'c',
        'ñ' | 'Ñ' => 'n',
        _ => return None,
    })
}

/// Folds one original character into its normalised form: NFKC compatibility, accents
/// removed, lower case, typographic apostrophes unified, Cyrillic/Greek look-alikes to Latin.
/// Returns whether a look-alike was folded (evidence of an evasion).
pub fn fold_char(c: char, out: &mut String) -> bool {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return false;
    }
    if let Some(base) = accented_latin(c) {
        out.push(base);
        return false;
    }
    if is_invisible(c) {
        return false;
    }
    if matches!(
        c,
        '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{00B4}' | '\u{2032}'
    ) {
        out.push('\'');
        return false;
    }
    let lower_c: Vec<char> = c.to_lowercase().collect();
    if let [single] = lower_c.as_slice()
        && let Some(h) = homoglyph(*single)
    {
        out.push(h);
        return true;
    }
    for d in lower_c.into_iter().nfkd() {
        if is_combining_mark(d) {
            continue;
        }
        for l in d.to_lowercase() {
            if let Some(h) = homoglyph(l) {
                out.push(h);
            } else {
                out.push(l);
            }
        }
    }
    false
}

/// Folds a whole string the way the views fold text (used for terms and contacts).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Whether `s` is already in the word-view form: lower-case ASCII words and digits joined
/// by single spaces.
pub fn is_folded_words(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut after_space = true;
    for &b in bytes {
        if b == b' ' {
            if after_space {
                return false;
            }
            after_space = true;
        } else if b.is_ascii_lowercase() || b.is_ascii_digit() {
            after_space = false;
        } else {
            return false;
        }
    }
    !after_space
}

/// Folds a term into the word-view form: folded words joined by one space.
pub fn fold_words(s: &str) -> String {
    // Most terms of a large lexicon are already in this form: a user pack of 10,000 terms
    // spent a fifth of its start-up here.
    if is_folded_words(s) {
        return s.to_string();
    }
    let folded = if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        fold(s)
    };
    let mut out = String::with_capacity(folded.len());
    for word in folded.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Collapses every run of one repeated character into one (`caaazzo` → `cazo`).
pub fn collapse_runs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = None;
    for c in s.chars() {
        if Some(c) != last {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of accented letters folds each one as decomposition would.
    #[test]
    fn accented_letters_fold_as_decomposition_does() {
        for c in "àáâäÀÁÂÄèéêëÈÉÊËìíîïÌÍÎÏòóôöÒÓÔÖùúûüÙÚÛÜçÇñÑ".chars()
        {
            let decomposed: String = c
                .to_lowercase()
                .nfkd()
                .filter(|d| !is_combining_mark(*d))
                .collect();
            assert_eq!(accented_latin(c).map(String::from), Some(decomposed), "{c}");
        }
        assert_eq!(fold("Perché Sì"), "perche si");
    }

    #[test]
    fn terms_fold_to_words_joined_by_one_space() {
        for (term, words) in [
            ("ufficio tecnico", "ufficio tecnico"),
            ("covid19", "covid19"),
            (" ufficio  tecnico ", "ufficio tecnico"),
            ("Ufficio Tecnico", "ufficio tecnico"),
            ("l'ufficio", "l ufficio"),
            ("perché sì", "perche si"),
            ("", ""),
            ("   ", ""),
        ] {
            assert_eq!(fold_words(term), words, "{term:?}");
        }
        assert!(is_folded_words("ufficio tecnico 2"));
        for not in ["", " a", "a ", "a  b", "Ab", "è", "a-b"] {
            assert!(!is_folded_words(not), "{not:?}");
        }
    }
}
