//! Expansion of the term syntax: `{a,b}` alternatives, `stem*` and the placeholders
//! `{entity}`, `{confidential}`, `{disclaimer}`, `{accounts}` filled from `vaglio.toml`.
//!
//! Also compiled into the build script, which pre-expands the built-in terms: it may use
//! only `anyhow` and `crate::fold`.

use anyhow::{Result, bail};

/// Values for the placeholders; an empty list drops every term that uses the placeholder.
#[derive(Debug, Clone, Default)]
pub struct Placeholders {
    pub entity: Vec<String>,
    pub confidential: Vec<String>,
    pub disclaimer: Vec<String>,
    pub accounts: Vec<String>,
}

pub const PLACEHOLDERS: [&str; 4] = ["entity", "confidential", "disclaimer", "accounts"];

impl Placeholders {
    fn values(&self, name: &str) -> Option<&[String]> {
        Some(match name {
            "entity" => &self.entity,
            "confidential" => &self.confidential,
            "disclaimer" => &self.disclaimer,
            "accounts" => &self.accounts,
            _ => return None,
        })
    }

    /// Dummy values, to validate a pack without a configuration.
    pub fn dummy() -> Self {
        let one = || vec!["x".to_string()];
        Placeholders {
            entity: one(),
            confidential: one(),
            disclaimer: one(),
            accounts: one(),
        }
    }
}

/// One concrete term: folded words joined by one space, and whether the last word is a stem.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TermSpec {
    pub words: String,
    pub stem: bool,
}

/// A term that is already lower-case words, possibly a stem (`incompetent*`): its words
/// and whether it is a stem. Most terms of a large lexicon are: they need no expansion,
/// folding or validation, which a pack of 10,000 terms spent a third of its start-up on.
pub fn plain_term(term: &str) -> Option<(&str, bool)> {
    let (body, stem) = match term.strip_suffix('*') {
        Some(b) => (b, true),
        None => (term, false),
    };
    crate::fold::is_folded_words(body).then_some((body, stem))
}

/// Expands a term as written in a pack into its concrete forms.
pub fn expand_term(term: &str, ph: &Placeholders) -> Result<Vec<TermSpec>> {
    if let Some((words, stem)) = plain_term(term) {
        return Ok(vec![TermSpec {
            words: words.to_string(),
            stem,
        }]);
    }
    let mut out = Vec::new();
    for raw in expand_braces(term, ph)? {
        let trimmed = raw.trim();
        let (body, stem) = match trimmed.strip_suffix('*') {
            Some(b) => (b, true),
            None => (trimmed, false),
        };
        if body.contains('*') {
            bail!("termine «{term}»: `*` (radice) è ammesso solo in fondo al termine");
        }
        let words = crate::fold::fold_words(body);
        if words.is_empty() {
            if raw.trim().is_empty() {
                continue;
            }
            bail!("termine «{term}»: non contiene lettere né cifre");
        }
        out.push(TermSpec { words, stem });
    }
    Ok(out)
}

/// Expands `{a,b,c}` groups (cartesian product) and placeholders.
fn expand_braces(s: &str, ph: &Placeholders) -> Result<Vec<String>> {
    let Some(open) = s.find('{') else {
        if s.contains('}') {
            bail!("termine «{s}»: `}}` senza `{{`");
        }
        return Ok(vec![s.to_string()]);
    };
    let Some(close_rel) = s[open..].find('}') else {
        bail!("termine «{s}»: `{{` senza `}}`");
    };
    let close = open + close_rel;
    let inner = &s[open + 1..close];
    if inner.contains('{') {
        bail!("termine «{s}»: graffe annidate non ammesse");
    }
    let head = &s[..open];
    let tail = expand_braces(&s[close + 1..], ph)?;
    let alternatives: Vec<String> = if inner.contains(',') {
        inner.split(',').map(str::to_string).collect()
    } else if let Some(values) = ph.values(inner.trim()) {
        values.to_vec()
    } else {
        bail!(
            "termine «{s}»: segnaposto sconosciuto {{{inner}}} (noti: {})",
            PLACEHOLDERS.join(", ")
        );
    };
    let mut out = Vec::new();
    for alt in &alternatives {
        for t in &tail {
            out.push(format!("{head}{alt}{t}"));
        }
    }
    Ok(out)
}

/// Fills placeholders in a regex: each becomes an escaped alternation. Returns `None` when a
/// placeholder has no value (the pattern is dropped), and leaves regex braces (`{2,3}`) alone.
pub fn expand_pattern(pattern: &str, ph: &Placeholders) -> Option<String> {
    // Nearly every pattern has none: one scan instead of one per placeholder.
    if !has_placeholder(pattern) {
        return Some(pattern.to_string());
    }
    let mut out = pattern.to_string();
    for name in PLACEHOLDERS {
        let key = format!("{{{name}}}");
        if out.contains(&key) {
            let values = ph.values(name).unwrap_or(&[]);
            if values.is_empty() {
                return None;
            }
            let alt: Vec<String> = values.iter().map(|v| escape_regex(v)).collect();
            out = out.replace(&key, &format!("(?:{})", alt.join("|")));
        }
    }
    Some(out)
}

/// Escapes regex meta characters (as `regex::escape`, which the build script cannot use).
pub fn escape_regex(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '.'
                | '+'
                | '*'
                | '?'
                | '('
                | ')'
                | '|'
                | '['
                | ']'
                | '{'
                | '}'
                | '^'
                | '$'
                | '#'
                | '&'
                | '-'
                | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether a term or pattern uses a placeholder filled from the configuration.
pub fn has_placeholder(s: &str) -> bool {
    const KEYS: [&str; 4] = ["{entity}", "{confidential}", "{disclaimer}", "{accounts}"];
    s.contains('{') && KEYS.iter().any(|k| s.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_multiply_and_stems_are_kept() {
        let t = expand_term("scem{o,a} {di,da}*", &Placeholders::default()).unwrap();
        let words: Vec<_> = t.iter().map(|t| (t.words.as_str(), t.stem)).collect();
        assert_eq!(
            words,
            [
                ("scemo di", true),
                ("scemo da", true),
                ("scema di", true),
                ("scema da", true)
            ]
        );
    }

    #[test]
    fn plain_terms_take_the_short_way_to_the_same_result() {
        let ph = Placeholders::default();
        let specs = |t: &str| -> Vec<(String, bool)> {
            expand_term(t, &ph)
                .unwrap()
                .into_iter()
                .map(|s| (s.words, s.stem))
                .collect()
        };
        assert_eq!(
            specs("ufficio tecnico"),
            [("ufficio tecnico".into(), false)]
        );
        assert_eq!(specs("incompetent*"), [("incompetent".into(), true)]);
        // Not plain: the general path folds, trims and checks them.
        assert_eq!(
            specs(" Ufficio  Tecnico "),
            [("ufficio tecnico".into(), false)]
        );
        assert_eq!(specs("città*"), [("citta".into(), true)]);
        assert!(expand_term("*", &ph).is_err());
        assert!(expand_term("ab*c", &ph).is_err());
        assert!(expand_term("ab **", &ph).is_err());
    }

    #[test]
    fn placeholders_fill_or_drop() {
        let mut ph = Placeholders::default();
        assert!(expand_term("lavoro al {entity}", &ph).unwrap().is_empty());
        ph.entity = vec!["Comune di Pero".into()];
        let t = expand_term("lavoro al {entity}", &ph).unwrap();
        assert_eq!(t[0].words, "lavoro al comune di pero");
        assert!(expand_term("{nope}", &ph).is_err());
    }

    #[test]
    fn escaping_matches_the_regex_crate() {
        for s in ["Comune di Pero (MI)", "a.b*c", "x{1}|y", "#1 & -2 ~"] {
            assert_eq!(escape_regex(s), regex::escape(s));
        }
    }

    #[test]
    fn misplaced_star_is_an_error() {
        assert!(expand_term("stro*nzo", &Placeholders::default()).is_err());
    }

    #[test]
    fn patterns_keep_quantifiers() {
        let ph = Placeholders {
            entity: vec!["Comune di Pero".into()],
            ..Default::default()
        };
        assert_eq!(
            expand_pattern(r"\d{2} {entity}", &ph).unwrap(),
            r"\d{2} (?:Comune di Pero)"
        );
        assert!(expand_pattern("{entity}", &Placeholders::default()).is_none());
    }
}
