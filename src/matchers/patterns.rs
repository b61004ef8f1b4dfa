//! The patterns matcher: regexes compiled on first use (a rule whose keywords are absent
//! never pays for its regex), matched on the original text or on the word view, with the
//! Unicode word-boundary check done here on each candidate instead of `\b` inside the
//! automaton (a Unicode `\b` on Italian text pushes the `regex` crate off its fast DFA).

use crate::rules::ViewKind;
use crate::text::View;
use anyhow::{Result, anyhow};
use regex::{Regex, RegexBuilder};
use regex_automata::dfa::{Automaton, sparse};
use regex_automata::meta;
use std::sync::OnceLock;

/// Haystacks longer than this use the full regex even in a small run.
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
    /// The DFA made at build time for a built-in regex (see build/prefilter.rs): when it
    /// finds no match, the regex cannot match and is neither compiled nor run.
    prefilter: OnceLock<Option<sparse::DFA<&'static [u8]>>>,
}

impl LazyRegex {
    pub fn new(source: String, view: ViewKind) -> Self {
        LazyRegex {
            source,
            view,
            gate: None,
            compiled: OnceLock::new(),
            light: OnceLock::new(),
            prefilter: OnceLock::new(),
        }
    }

    /// Whether the regex may match somewhere in `hay` (false only when it surely cannot).
    /// Once the full regex is compiled its own lazy DFA is as quick, so it is asked
    /// directly; the light one (a PikeVM) is slower than the prefilter, which stays.
    fn may_match(&self, hay: &str, full: bool) -> bool {
        if full && self.compiled.get().is_some() {
            return true;
        }
        let Some(dfa) = self
            .prefilter
            .get_or_init(|| crate::rules::builtin::prefilter_of(&self.source))
        else {
            return true;
        };
        // An error (the DFA gave up) is not a "no".
        !matches!(
            dfa.try_search_fwd(&regex_automata::Input::new(hay).earliest(true)),
            Ok(None)
        )
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
        big: bool,
        out: &mut Vec<(usize, usize)>,
    ) -> Result<()> {
        let hay = match self.view {
            ViewKind::Raw => raw,
            ViewKind::Words => words.text.as_str(),
        };
        let mut push = |s: usize, e: usize| -> bool {
            match self.view {
                ViewKind::Raw => {
                    if !boundary || clean_edges(raw, s, e) {
                        out.push((s, e));
                        return true;
                    }
                }
                ViewKind::Words => {
                    if !boundary || (words.starts_word(s) && words.ends_word(e)) {
                        out.push(words.original_span(s, e));
                        return true;
                    }
                }
            }
            false
        };
        // A match that fails the boundary check is not the end of the story: a valid one may
        // start at a later word inside it ("della chat dell'ufficio" for
        // "(?:la )?chat dell ufficio"), so the search resumes at the next word start rather
        // than after the rejected match. Every resumption moves forward: linear overall.
        let full = big || hay.len() > LIGHT_MAX;
        if !self.may_match(hay, full) {
            return Ok(());
        }
        let mut pos = 0;
        while pos <= hay.len() {
            let Some((ms, me, value)) = self.search(hay, pos, full)? else {
                break;
            };
            let next = if me > ms { me } else { next_char(hay, me) };
            match value {
                // The regex matched but its `value` group took no part: an alternative that
                // exists to consume text that must not be reported. Go on after it.
                None => pos = next,
                Some((vs, ve)) if vs < ve && push(vs, ve) => pos = next,
                Some(_) => pos = next_word_start(hay, ms, self.view),
            }
        }
        Ok(())
    }
}

impl LazyRegex {
    /// The leftmost match at or after `pos`: (match start, match end, the value's span), the
    /// value being the `value` group when the regex has one (`None` when it took no part),
    /// else the whole match. `full`: use the regex with every engine (a large run) rather
    /// than the light one.
    #[allow(clippy::type_complexity)]
    fn search(
        &self,
        hay: &str,
        pos: usize,
        full: bool,
    ) -> Result<Option<(usize, usize, Option<(usize, usize)>)>> {
        if !full {
            let re = self.get_light()?;
            let input = regex_automata::Input::new(hay).range(pos..);
            let has_value = re
                .group_info()
                .to_index(regex_automata::PatternID::ZERO, "value")
                .is_some();
            if !has_value {
                return Ok(re
                    .search(&input)
                    .map(|m| (m.start(), m.end(), Some((m.start(), m.end())))));
            }
            let mut caps = re.create_captures();
            re.search_captures(&input, &mut caps);
            return Ok(caps.get_match().map(|m| {
                let value = caps.get_group_by_name("value").map(|v| (v.start, v.end));
                (m.start(), m.end(), value)
            }));
        }
        let re = self.get()?;
        if re.capture_names().any(|n| n == Some("value")) {
            return Ok(re.captures_at(hay, pos).and_then(|c| {
                let m = c.get(0)?;
                let value = c.name("value").map(|v| (v.start(), v.end()));
                Some((m.start(), m.end(), value))
            }));
        }
        Ok(re
            .find_at(hay, pos)
            .map(|m| (m.start(), m.end(), Some((m.start(), m.end())))))
    }
}

/// The char boundary after `i`.
fn next_char(hay: &str, i: usize) -> usize {
    hay.get(i..)
        .and_then(|t| t.chars().next())
        .map(|c| i + c.len_utf8())
        .unwrap_or(hay.len() + 1)
}

/// The first place after `i` where a match that respects word boundaries could start.
fn next_word_start(hay: &str, i: usize, view: ViewKind) -> usize {
    match view {
        ViewKind::Words => hay
            .get(i..)
            .and_then(|t| t.find(' '))
            .map(|j| i + j + 1)
            .unwrap_or(hay.len() + 1),
        ViewKind::Raw => {
            let mut prev_alnum = true;
            let mut first = true;
            for (j, c) in hay.get(i..).unwrap_or("").char_indices() {
                if !first && !prev_alnum {
                    return i + j;
                }
                first = false;
                prev_alnum = c.is_alphanumeric();
            }
            hay.len() + 1
        }
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
        re.find(text, &word_view(text), true, false, &mut out)
            .unwrap();
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
        re.find(text, &word_view(text), true, false, &mut out)
            .unwrap();
        assert_eq!(&text[out[0].0..out[0].1], "la SUA pratica è\nferma");
    }

    #[test]
    fn a_rejected_match_does_not_hide_a_later_one() {
        let re = LazyRegex::new("(?:la )?chat dell ufficio".into(), ViewKind::Words);
        let text = "Vi giro uno screenshot della chat dell'ufficio";
        let mut out = Vec::new();
        re.find(text, &word_view(text), true, false, &mut out)
            .unwrap();
        assert_eq!(
            out.iter().map(|&(s, e)| &text[s..e]).collect::<Vec<_>>(),
            ["chat dell'ufficio"]
        );
        let raw = LazyRegex::new(r"(?i)chat".into(), ViewKind::Raw);
        let text = "Chatta nella chat";
        let mut out = Vec::new();
        raw.find(text, &word_view(text), true, false, &mut out)
            .unwrap();
        assert_eq!(
            out.iter().map(|&(s, e)| &text[s..e]).collect::<Vec<_>>(),
            ["chat"]
        );
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
        re.find(short, &word_view(short), true, false, &mut a)
            .unwrap();
        re.find(&long, &word_view(&long), true, false, &mut b)
            .unwrap();
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
