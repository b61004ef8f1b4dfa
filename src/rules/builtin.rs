//! The built-in packs, embedded at compile time so that `vaglio check` needs no set-up, with
//! the tables the build script precomputes from them (see build.rs): expanded terms, their
//! owners, the required literals of every regex, and a prefilter DFA per regex.

include!(concat!(env!("OUT_DIR"), "/builtin_data.rs"));

/// Whether a rule's terms are in the precomputed tables.
pub fn is_precomputed(rule_id: &str) -> bool {
    PRECOMPUTED.binary_search(&rule_id).is_ok()
}

/// The precomputed requirement of a built-in regex, or `None` if it was not precomputed.
pub fn requirement_of(pattern: &str) -> Option<crate::matchers::literals::Requirement> {
    LITERALS
        .binary_search_by(|(p, ..)| (*p).cmp(pattern))
        .ok()
        .map(|i| crate::matchers::literals::Requirement {
            literals: LITERALS[i].1.iter().map(|s| s.to_string()).collect(),
            min_digits: LITERALS[i].2,
        })
}

/// The prefilter of a built-in regex (as compiled, placeholders filled): a DFA that finds
/// out whether the regex can match a haystack at all, with nothing to compile. `None` for
/// regexes that have none (too big, or not built in).
pub fn prefilter_of(source: &str) -> Option<regex_automata::dfa::sparse::DFA<&'static [u8]>> {
    if !cfg!(target_endian = "little") {
        return None;
    }
    let i = PREFILTERS
        .binary_search_by(|(p, ..)| (*p).cmp(source))
        .ok()?;
    let (_, offset, len) = PREFILTERS[i];
    let bytes = PREFILTER_BYTES.get(offset..offset + len)?;
    // SAFETY: these bytes are the output of `to_bytes_little_endian` of a sparse DFA, made
    // by build.rs in this very build with the same regex-automata (one version per
    // lockfile), on a little-endian target (checked above); the header (version,
    // endianness) is still checked. Checked deserialization costs several milliseconds on
    // the DFAs a post needs, more than what it saves; `embedded_prefilters_are_valid`
    // runs the full validation on every one of them.
    let (dfa, _) = unsafe { regex_automata::dfa::sparse::DFA::from_bytes_unchecked(bytes) }.ok()?;
    Some(dfa)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::expand::has_placeholder;

    #[test]
    fn embedded_prefilters_are_valid() {
        use regex_automata::dfa::sparse::DFA;
        assert!(PREFILTERS.windows(2).all(|w| w[0].0 < w[1].0));
        for (p, offset, len) in PREFILTERS {
            let bytes = &PREFILTER_BYTES[*offset..offset + len];
            assert!(DFA::from_bytes(bytes).is_ok(), "{p}");
            assert!(prefilter_of(p).is_some(), "{p}");
        }
    }

    /// A prefilter may say yes when its regex does not match, never the other way round:
    /// checked on every example of every built-in rule.
    #[test]
    fn prefilters_never_hide_a_match() {
        use regex_automata::{Input, dfa::Automaton};
        let set = crate::rules::RuleSet::builtin().unwrap();
        let mut texts: Vec<String> = Vec::new();
        for r in &set.rules {
            for e in r.def.tests.iter().flat_map(|t| t.bad.iter().chain(&t.good)) {
                let t = e.text().to_string();
                texts.push(crate::text::word_view(&t).text.clone());
                texts.push(t);
            }
        }
        assert!(PREFILTERS.len() > 200, "{}", PREFILTERS.len());
        for (p, ..) in PREFILTERS {
            let re = regex::Regex::new(p).unwrap();
            let dfa = prefilter_of(p).unwrap();
            for t in texts.iter().filter(|t| re.is_match(t)) {
                let got = dfa.try_search_fwd(&Input::new(t.as_str()).earliest(true));
                assert!(!matches!(got, Ok(None)), "{p} on {t:?}");
            }
        }
    }

    #[test]
    fn every_pack_file_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .map(|n| format!("rules/{n}"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = PACKS.iter().map(|p| p.0.to_string()).collect();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn every_builtin_rule_is_precomputed() {
        let set = crate::rules::RuleSet::builtin().unwrap();
        for r in &set.rules {
            assert!(is_precomputed(&r.def.id), "{}", r.def.id);
        }
    }

    /// The tables must say exactly what run-time expansion says.
    #[test]
    fn precomputed_terms_agree_with_runtime_expansion() {
        use crate::rules::expand::{Placeholders, expand_term, has_placeholder};
        let set = crate::rules::RuleSet::builtin().unwrap();
        let mut expected: Vec<(String, bool, String)> = Vec::new();
        for r in &set.rules {
            for t in r.def.terms.iter().filter(|t| !has_placeholder(t)) {
                for s in expand_term(t, &Placeholders::default()).unwrap() {
                    expected.push((s.words, s.stem, r.def.id.clone()));
                }
            }
        }
        expected.sort();
        expected.dedup();
        let mut got: Vec<(String, bool, String)> = TERMS
            .iter()
            .filter(|(_, _, o)| OWNERS[*o as usize].1 == 0)
            .map(|(w, s, o)| (w.to_string(), s, OWNERS[o as usize].0.to_string()))
            .collect();
        got.sort();
        got.dedup();
        assert_eq!(got, expected);
    }

    #[test]
    fn precomputed_literals_agree_with_runtime_extraction() {
        for (p, ..) in LITERALS.iter() {
            let runtime = crate::matchers::literals::requirement(p).unwrap_or_default();
            assert_eq!(Some(runtime), requirement_of(p), "{p}");
        }
    }

    #[test]
    fn json_and_toml_give_the_same_packs() {
        for (name, toml_src, json, lean) in PACKS {
            assert!(!json.is_empty(), "{name} was not converted");
            let a: crate::rules::PackFile = toml::from_str(toml_src).unwrap();
            let b: crate::rules::PackFile = serde_json::from_str(json).unwrap();
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{name}");
            // Without examples and with thinned term lists (first term and placeholder
            // terms kept, each list as empty as before), otherwise the same.
            let mut c: crate::rules::PackFile = serde_json::from_str(lean).unwrap();
            assert!(c.rules.iter().all(|r| r.tests.is_none()), "{name}");
            for (r, full) in c.rules.iter_mut().zip(&a.rules) {
                for (thin, all) in [
                    (&r.terms, &full.terms),
                    (&r.exceptions, &full.exceptions),
                    (&r.keywords, &full.keywords),
                ] {
                    assert_eq!(thin.is_empty(), all.is_empty(), "{}", r.id);
                    assert!(thin.iter().all(|t| all.contains(t)), "{}", r.id);
                    assert!(
                        all.iter()
                            .filter(|t| has_placeholder(t))
                            .all(|t| thin.contains(t)),
                        "{}",
                        r.id
                    );
                }
                r.tests = full.tests.clone();
                r.terms = full.terms.clone();
                r.exceptions = full.exceptions.clone();
                r.keywords = full.keywords.clone();
                r.near = full.near.clone();
                r.unless = full.unless.clone();
                r.require = full.require.clone();
            }
            assert_eq!(format!("{a:?}"), format!("{c:?}"), "{name}");
        }
    }
}
