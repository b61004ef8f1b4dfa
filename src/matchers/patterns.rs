//! The patterns matcher: regexes compiled on first use (a rule whose keywords are absent
//! never pays for its regex), matched on the original text or on the word view, with the
//! Unicode word-boundary check done here on each candidate instead of `\b` inside the
//! automaton (a Unicode `\b` on Italian text pushes the `regex` crate off its fast DFA).

use crate::rules::ViewKind;
use crate::text::View;
use anyhow::{Result, anyhow};
use regex::{Regex, RegexBuilder};
use regex_automata::meta;
use std::sync::OnceLock;

/// Haystacks up to this size use the light regex.
pub const LIGHT_MAX: usize = 16 * 1024;

/// Upper bound for one compiled regex; a pack that needs more is rejected with a clear error.
pub const REGEX_SIZE_LIMIT: usize = 8 * 1024 * 1024;

/// `VAGLIO_TRACE_REGEX=1` prints every regex compiled and its cost: for pack authors
/// looking for what makes a run slow.
fn trace_regex() -> bool {
    static TRACE: OnceLock<bool> = OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("VAGLIO_TRACE_REGEX").is_some())
}

pub struct LazyRegex {
    pub source: String,
    pub view: ViewKind,
    /// Index in the engine's literal gate; `None` when no required literal gates it.
    pub gate: Option<usize>,
    /// For large inputs: every engine of the `regex` crate (lazy DFA included).
    compiled: OnceLock<std::result::Result<Regex, String>>,
    /// For short posts: the same regex with only the PikeVM and the backtracker, which
    /// compiles in about half the time (no reverse NFA, no DFA) and is just as fast on a
    /// few kilobytes. Both give the same matches.
    light: OnceLock<std::result::Result<meta::Regex, String>>,
}

impl LazyRegex {
    pub fn new(source: String, view: ViewKind) -> Self {
        LazyRegex {
            source,
            view,
            gate: None,
            compiled: OnceLock::new(),
            light: OnceLock::new(),
        }
    }

    fn get_light(&self) -> Result<&meta::Regex> {
        self.light
            .get_or_init(|| {
                let started = trace_regex().then(std::time::Instant::now);
                let config = meta::Config::new()
                    .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                    .hybrid(false)
                    .dfa(false)
                    .onepass(false);
                let re = meta::Builder::new()
                    .configure(config)
                    .build(&self.source)
                    .map_err(|e| e.to_string());
                if let Some(t) = started {
                    eprintln!(
                        "vaglio: regex compilata (leggera) in {:?}: {}",
                        t.elapsed(),
                        self.source
                    );
                }
                re
            })
            .as_ref()
            .map_err(|e| anyhow!("regex «{}»: {e}", self.source))
    }

    pub fn get(&self) -> Result<&Regex> {
        self.compiled
            .get_or_init(|| {
                let started = trace_regex().then(std::time::Instant::now);
                let re = RegexBuilder::new(&self.source)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .dfa_size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|e| e.to_string());
                if let Some(t) = started {
                    eprintln!(
                        "vaglio: regex compilata in {:?}: {}",
                        t.elapsed(),
                        self.source
                    );
                }
                re
            })
            .as_ref()
            .map_err(|e| anyhow!("regex «{}»: {e}", self.source))
    }

    /// Every match as an original byte range: the `value` group when the regex has one.
    /// `boundary` asks that no letter or digit touch the match on either side.
    pub fn find(
        &self,
        raw: &str,
        words: &View,
        boundary: bool,
        out: &mut Vec<(usize, usize)>,
    ) -> Result<()> {
        let hay = match self.view {
            ViewKind::Raw => raw,
            ViewKind::Words => words.text.as_str(),
        };
        let mut push = |s: usize, e: usize| {
            if s >= e {
                return;
            }
            match self.view {
                ViewKind::Raw => {
                    if !boundary || clean_edges(raw, s, e) {
                        out.push((s, e));
                    }
                }
                ViewKind::Words => {
                    if !boundary || (words.starts_word(s) && words.ends_word(e)) {
                        out.push(words.original_span(s, e));
                    }
                }
            }
        };
        if hay.len() <= LIGHT_MAX {
            let re = self.get_light()?;
            let value = re
                .group_info()
                .to_index(regex_automata::PatternID::ZERO, "value")
                .is_some();
            if value {
                for caps in re.captures_iter(hay) {
                    if let Some(m) = caps.get_group_by_name("value") {
                        push(m.start, m.end);
                    }
                }
            } else {
                for m in re.find_iter(hay) {
                    push(m.start(), m.end());
                }
            }
            return Ok(());
        }
        let re = self.get()?;
        if re.capture_names().any(|n| n == Some("value")) {
            for caps in re.captures_iter(hay) {
                if let Some(m) = caps.name("value") {
                    push(m.start(), m.end());
                }
            }
        } else {
            for m in re.find_iter(hay) {
                push(m.start(), m.end());
            }
        }
        Ok(())
    }
}

/// No letter or digit right before `s` or right after `e`.
pub fn clean_edges(text: &str, s: usize, e: usize) -> bool {
    let before = text.get(..s).and_then(|t| t.chars().next_back());
    let after = text.get(e..).and_then(|t| t.chars().next());
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::word_view;

    #[test]
    fn value_group_and_boundaries() {
        let re = LazyRegex::new(r"(?i)cf:?\s*(?P<value>[a-z]{3}\d)".into(), ViewKind::Raw);
        let text = "CF: abc1 e cf xabc1";
        let mut out = Vec::new();
        re.find(text, &word_view(text), true, &mut out).unwrap();
        assert_eq!(
            out.iter().map(|&(s, e)| &text[s..e]).collect::<Vec<_>>(),
            ["abc1"]
        );
    }

    #[test]
    fn words_view_maps_back() {
        let re = LazyRegex::new("la sua pratica (e|resta) ferma".into(), ViewKind::Words);
        let text = "Signora, la SUA pratica è\nferma.";
        let mut out = Vec::new();
        re.find(text, &word_view(text), true, &mut out).unwrap();
        assert_eq!(&text[out[0].0..out[0].1], "la SUA pratica è\nferma");
    }

    #[test]
    fn light_and_full_regexes_agree() {
        let re = LazyRegex::new(
            r"(?i)(?P<value>[a-z]+)\s+(?:sindaco|assessore)".into(),
            ViewKind::Raw,
        );
        let short = "Il SINDACO, l'Assessore e un altro sindaco";
        let long = format!("{}{short}", " ".repeat(LIGHT_MAX));
        let (mut a, mut b) = (Vec::new(), Vec::new());
        re.find(short, &word_view(short), true, &mut a).unwrap();
        re.find(&long, &word_view(&long), true, &mut b).unwrap();
        let shift: Vec<(usize, usize)> = b
            .iter()
            .map(|&(s, e)| (s - LIGHT_MAX, e - LIGHT_MAX))
            .collect();
        assert_eq!(a, shift);
        assert!(!a.is_empty());
    }

    #[test]
    fn oversized_regex_is_an_error_not_a_panic() {
        let re = LazyRegex::new(r"\w{1000}\w{1000}\w{1000}".into(), ViewKind::Raw);
        assert!(re.get().is_err());
    }
}
