//! Required literals of a regex: a set of strings one of which every match must contain.
//! They gate a regex behind one Aho-Corasick pass, so a rule whose words are absent from a
//! post never pays for compiling its regex (the gitleaks keyword idea, derived
//! automatically).
//!
//! `regex-syntax` has a literal extractor, but it extracts prefixes and suffixes, gives up on
//! case-insensitive words (it enumerates every case variant), and reports no inner words
//! (`(?:vi|ti) do solo un indizio`). This walks the HIR for inner words, folding
//! case-insensitive classes back to one lower-case letter.
//!
//! Also compiled into the build script, which precomputes the literals of the built-in
//! packs: it may use only `regex-syntax`.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Sets larger than this are not worth tracking.
const MAX_SET: usize = 64;
/// An alternation of words may make a larger set (a list of job titles): one Aho-Corasick
/// pass finds any of them, and such a list is a far rarer gate than a word around it.
const MAX_ALTERNATION: usize = 256;
/// A literal shorter than this (in bytes) is too common to gate anything.
const MIN_LEN: usize = 3;

#[derive(Debug, Clone, Default)]
struct Info {
    /// Every string the node can match, when that set is small.
    exact: Option<Vec<String>>,
    /// Strings one of which every match contains.
    req: Option<Vec<String>>,
}

/// The placeholders a pattern may use, matched by anything for the purpose of extraction.
const PLACEHOLDERS: [&str; 4] = ["{entity}", "{confidential}", "{disclaimer}", "{accounts}"];

/// What a post must contain for a regex to have a chance: one of `literals` (empty: no
/// such requirement), and at least `min_digits` numeric characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirement {
    pub literals: Vec<String>,
    pub min_digits: usize,
}

/// The requirement of a pattern, or `None` when it cannot be parsed.
pub fn requirement(pattern: &str) -> Option<Requirement> {
    let mut p = pattern.to_string();
    for ph in PLACEHOLDERS {
        p = p.replace(ph, "(?s:.+)");
    }
    let hir = regex_syntax::ParserBuilder::new().build().parse(&p).ok()?;
    Some(Requirement {
        literals: literals_of(&hir).unwrap_or_default(),
        min_digits: min_digits(&hir),
    })
}

/// The required literals of a pattern (lower case, ASCII, at least three bytes each, or
/// made of rare punctuation such as `@` or `!!`), or `None` when some match may contain
/// none of a useful set.
pub fn required_literals(pattern: &str) -> Option<Vec<String>> {
    requirement(pattern)
        .map(|r| r.literals)
        .filter(|l| !l.is_empty())
}

/// Punctuation rare enough in prose that one character of it is a useful gate.
fn rare(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            matches!(
                c,
                '@' | '#'
                    | '!'
                    | '['
                    | ']'
                    | '_'
                    | '|'
                    | '~'
                    | '^'
                    | '<'
                    | '>'
                    | '{'
                    | '}'
                    | '$'
                    | '%'
            )
        })
}

fn literals_of(hir: &Hir) -> Option<Vec<String>> {
    let info = walk(hir);
    let set = best(&info)?;
    let mut out = Vec::new();
    for s in set {
        let ascii = longest_ascii_run(&s);
        if ascii.len() < MIN_LEN && !rare(&ascii) {
            return None;
        }
        out.push(ascii);
    }
    out.sort();
    out.dedup();
    // A literal that contains another one adds nothing: the shorter is found wherever the
    // longer is.
    let kept: Vec<String> = out
        .iter()
        .filter(|l| {
            !out.iter()
                .any(|o| o.len() < l.len() && l.contains(o.as_str()))
        })
        .cloned()
        .collect();
    Some(kept)
}

/// Whether every character of a class is numeric (what `char::is_numeric` counts).
fn numeric_class(class: &Class) -> bool {
    match class {
        Class::Unicode(c) => c
            .ranges()
            .iter()
            .all(|r| (r.start()..=r.end()).all(char::is_numeric)),
        Class::Bytes(c) => c
            .ranges()
            .iter()
            .all(|r| (r.start()..=r.end()).all(|b| b.is_ascii_digit())),
    }
}

/// The fewest numeric characters any match contains.
fn min_digits(h: &Hir) -> usize {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => 0,
        HirKind::Literal(lit) => String::from_utf8_lossy(&lit.0)
            .chars()
            .filter(|c| c.is_numeric())
            .count(),
        HirKind::Class(c) => usize::from(numeric_class(c)),
        HirKind::Capture(c) => min_digits(&c.sub),
        HirKind::Repetition(r) => (r.min as usize).saturating_mul(min_digits(&r.sub)),
        HirKind::Concat(children) => children
            .iter()
            .map(min_digits)
            .fold(0, usize::saturating_add),
        HirKind::Alternation(children) => children.iter().map(min_digits).min().unwrap_or(0),
    }
}

/// The longest run of ASCII characters: matching is ASCII case-insensitive, so a
/// non-ASCII letter (which may appear upper-cased in the text) is left out; any substring of
/// a required string is still required.
fn longest_ascii_run(s: &str) -> String {
    s.split(|c: char| !c.is_ascii())
        .max_by_key(|r| r.len())
        .unwrap_or("")
        .to_string()
}

/// The most frequent Italian words, with the stems of the commonest verbs and the
/// administration's everyday vocabulary. A gate made of one of these opens its regex in
/// most posts, so a rarer required word of the same regex is preferred. Chosen from word
/// frequency in Italian prose, not from any test text.
const FREQUENT: &[&str] = &[
    "a",
    "ad",
    "agli",
    "ai",
    "al",
    "all",
    "alla",
    "alle",
    "allo",
    "anche",
    "che",
    "chi",
    "ci",
    "col",
    "come",
    "con",
    "cosa",
    "cui",
    "da",
    "dagli",
    "dai",
    "dal",
    "dall",
    "dalla",
    "dalle",
    "degli",
    "dei",
    "del",
    "dell",
    "della",
    "delle",
    "dello",
    "di",
    "dopo",
    "e",
    "ed",
    "gli",
    "ha",
    "hanno",
    "ho",
    "i",
    "il",
    "in",
    "io",
    "la",
    "le",
    "lo",
    "lui",
    "ma",
    "mi",
    "ne",
    "negli",
    "nei",
    "nel",
    "nell",
    "nella",
    "nelle",
    "noi",
    "non",
    "o",
    "per",
    "perche",
    "piu",
    "poi",
    "qui",
    "se",
    "sei",
    "si",
    "sia",
    "siamo",
    "sono",
    "sta",
    "su",
    "sua",
    "sue",
    "sugli",
    "sui",
    "sul",
    "sull",
    "sulla",
    "suo",
    "suoi",
    "ti",
    "tra",
    "tu",
    "tutti",
    "tutto",
    "un",
    "una",
    "uno",
    "vi",
    "voi",
    "stato",
    "stata",
    "essere",
    "fare",
    "anno",
    "oggi",
    "ogni",
    "comune",
    "comunale",
    "ufficio",
    "servizio",
    "sito",
    "pubblico",
    "pubblica",
    "cittadini",
    "cittadinanza",
];

/// Whether a literal, once its spaces are trimmed, is a frequent word or a fragment short
/// enough to be found in many words.
fn frequent(literal: &str) -> bool {
    let core = literal.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    core.len() <= 3 || FREQUENT.contains(&core)
}

/// Better sets first: fewer frequent members, then the longest shortest member, then fewer
/// members.
fn quality(set: &[String]) -> (std::cmp::Reverse<usize>, usize, std::cmp::Reverse<usize>) {
    let runs = || set.iter().map(|s| longest_ascii_run(s));
    let weak = runs().filter(|r| frequent(r) && !rare(r)).count();
    let min = runs().map(|r| r.len()).min().unwrap_or(0);
    (std::cmp::Reverse(weak), min, std::cmp::Reverse(set.len()))
}

fn usable(set: &Option<Vec<String>>) -> Option<&Vec<String>> {
    set.as_ref()
        .filter(|s| !s.is_empty() && s.iter().all(|x| !x.is_empty()))
}

fn best(info: &Info) -> Option<Vec<String>> {
    let mut candidates: Vec<&Vec<String>> = Vec::new();
    if let Some(r) = usable(&info.req) {
        candidates.push(r);
    }
    if let Some(e) = usable(&info.exact) {
        candidates.push(e);
    }
    candidates.into_iter().max_by_key(|s| quality(s)).cloned()
}

fn cross(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() * b.len() > MAX_SET {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            out.push(format!("{x}{y}"));
        }
    }
    Some(out)
}

/// The lower-case letters a small class stands for (`[Aa]` → `a`).
fn class_chars(class: &Class) -> Option<Vec<String>> {
    let ranges: Vec<(u32, u32)> = match class {
        Class::Unicode(c) => c
            .ranges()
            .iter()
            .map(|r| (r.start() as u32, r.end() as u32))
            .collect(),
        // A byte class stands for characters only in its ASCII part.
        Class::Bytes(c) if c.ranges().iter().all(|r| r.end().is_ascii()) => c
            .ranges()
            .iter()
            .map(|r| (r.start() as u32, r.end() as u32))
            .collect(),
        Class::Bytes(_) => return None,
    };
    if ranges.iter().map(|(a, b)| b - a + 1).sum::<u32>() > 8 {
        return None;
    }
    let chars: Vec<char> = ranges
        .iter()
        .flat_map(|&(a, b)| (a..=b).filter_map(char::from_u32))
        .collect();
    let mut lower: Vec<String> = chars
        .into_iter()
        .map(|c| c.to_lowercase().collect::<String>())
        .collect();
    lower.sort();
    lower.dedup();
    // Case folding adds look-alikes that nobody types (ſ for s, the Kelvin sign for k):
    // keep the ASCII letter alone, or every `s` would double the set.
    if lower.len() > 1 && lower.iter().any(|l| l.is_ascii()) && lower.len() <= 3 {
        lower.retain(|l| l.is_ascii());
    }
    if lower.len() > 4 { None } else { Some(lower) }
}

fn walk(h: &Hir) -> Info {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Info {
            exact: Some(vec![String::new()]),
            req: None,
        },
        HirKind::Literal(lit) => {
            let s = String::from_utf8_lossy(&lit.0).to_lowercase();
            Info {
                exact: Some(vec![s]),
                req: None,
            }
        }
        HirKind::Class(c) => Info {
            exact: class_chars(c),
            req: None,
        },
        HirKind::Capture(c) => walk(&c.sub),
        HirKind::Repetition(r) => {
            if r.min == 0 {
                return Info::default();
            }
            let sub = walk(&r.sub);
            let exact = if r.min == 1 && r.max == Some(1) {
                sub.exact.clone()
            } else {
                None
            };
            Info {
                req: best(&sub),
                exact,
            }
        }
        HirKind::Concat(children) => {
            let infos: Vec<Info> = children.iter().map(walk).collect();
            let mut exact = Some(vec![String::new()]);
            for i in &infos {
                exact = match (exact, &i.exact) {
                    (Some(a), Some(b)) => cross(&a, b),
                    _ => None,
                };
            }
            let mut candidates: Vec<Vec<String>> = infos.iter().filter_map(best).collect();
            // Runs of adjacent exact children make longer literals.
            for start in 0..infos.len() {
                let Some(first) = &infos[start].exact else {
                    continue;
                };
                let mut acc = first.clone();
                for next in &infos[start + 1..] {
                    match next.exact.as_ref().and_then(|b| cross(&acc, b)) {
                        Some(c) => {
                            acc = c;
                            if acc.iter().all(|s| !s.is_empty()) {
                                candidates.push(acc.clone());
                            }
                        }
                        None => break,
                    }
                }
            }
            let req = candidates.into_iter().max_by_key(|s| quality(s));
            Info { exact, req }
        }
        HirKind::Alternation(children) => {
            let infos: Vec<Info> = children.iter().map(walk).collect();
            let mut exact: Option<Vec<String>> = Some(Vec::new());
            let mut req: Option<Vec<String>> = Some(Vec::new());
            for i in &infos {
                exact = match (exact, &i.exact) {
                    (Some(mut a), Some(b)) if a.len() + b.len() <= MAX_ALTERNATION => {
                        a.extend(b.iter().cloned());
                        Some(a)
                    }
                    _ => None,
                };
                req = match (req, best(i)) {
                    (Some(mut a), Some(b)) if a.len() + b.len() <= MAX_ALTERNATION => {
                        a.extend(b);
                        Some(a)
                    }
                    _ => None,
                };
            }
            Info { exact, req }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{required_literals, requirement};

    #[test]
    fn digits_and_rare_punctuation_gate_identifier_patterns() {
        let phone =
            requirement(r"(?P<value>(?:(?:\+|00)\s?39[\s.\-/]?)?3\d{2}(?:[\s.\-/]?\d){6,7})")
                .unwrap();
        assert_eq!(phone.min_digits, 9);
        let cf = requirement(r"(?i)[A-Z]{6}[0-9LMNP-V]{2}").unwrap();
        assert_eq!(cf.min_digits, 0);
        assert_eq!(
            required_literals(r"[a-z0-9._%+\-]+@[\p{L}\-]+").unwrap(),
            ["@"]
        );
        assert_eq!(required_literals(r"!{2,}|[!?]{3,}").map(|l| l.len()), None);
    }

    fn lits(p: &str) -> Option<Vec<String>> {
        required_literals(p)
    }

    #[test]
    fn words_inside_alternations_and_case_insensitive_groups() {
        assert_eq!(
            lits(r"(?i)(?:vi|ti)\s+do\s+solo\s+un\s+indizio").unwrap(),
            ["indizio"]
        );
        assert_eq!(
            lits(r"(?i:votate|votiamo)\s+\w+").unwrap(),
            ["votate", "votiamo"]
        );
        assert_eq!(
            lits(r"la sua pratica (e|resta) ferma").unwrap(),
            ["la sua pratica e ferma", "la sua pratica resta ferma"]
        );
        assert_eq!(lits(r"(?i)sostenete\s+la").unwrap(), ["sostenete"]);
    }

    #[test]
    fn rare_words_gate_rather_than_frequent_ones() {
        // "io", "come", "sono" are in most Italian posts: the job title is the better gate.
        assert_eq!(
            lits(r"(?:io|come|sono) (?:bibliotecario|archivista|assistente(?: sociale)?)").unwrap(),
            ["archivista", "assistente", "bibliotecario"]
        );
        // A longer literal that contains a shorter one of the same set adds nothing.
        assert_eq!(
            lits(r"(?:vigile|vigile urbano|agente)").unwrap(),
            ["agente", "vigile"]
        );
    }

    #[test]
    fn no_literal_no_gate() {
        assert!(lits(r"(?i)[A-Z]{6}[0-9LMNP-V]{2}").is_none());
        assert!(lits(r"(?:ab)?\d+").is_none());
        assert!(lits(r"foo|\d+").is_none());
    }

    #[test]
    fn non_ascii_letters_are_cut_out() {
        assert_eq!(lits(r"(?i)perché mai").unwrap(), ["perch"]);
        assert_eq!(lits(r"già fatto").unwrap(), [" fatto"]);
    }

    #[test]
    fn placeholders_match_anything() {
        assert_eq!(
            lits(r"lavoro (?:al|per il) {entity}").unwrap(),
            ["lavoro al ", "lavoro per il "]
        );
    }

    /// The gate must never hide a match: every literal set must hit every match.
    #[test]
    fn gates_are_sound_on_samples() {
        let cases = [
            (
                r"(?i)(?:consigli[oa]|raccomand[oa])\s+(?:lo|la)\s+studio",
                "Consiglio lo Studio Ferri",
            ),
            (r"(?i:invit\w*|esort\w*)\s+a\s+votare", "ESORTIAMO a votare"),
            (
                r"codice\s+(?:sconto|promo)\s*:?\s*[A-Z0-9]{4,}",
                "codice promo: ESTATE20",
            ),
        ];
        for (p, text) in cases {
            let re = regex::Regex::new(p).unwrap();
            assert!(re.is_match(text), "{p}");
            let set = lits(p).unwrap();
            let lower = text.to_lowercase();
            assert!(
                set.iter().any(|l| lower.contains(l.as_str())),
                "{p}: {set:?}"
            );
        }
    }
}
