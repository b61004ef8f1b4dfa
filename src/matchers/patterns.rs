//! The patterns matcher: regexes compiled on first use (a rule whose keywords are absent
//! never pays for its regex), matched on the original text or on the word view, with the
//! Unicode word-boundary check done here on each candidate instead of `\b` inside the
//! automaton (a Unicode `\b` on Italian text pushes the `regex` crate off its fast DFA).

use crate::rules::ViewKind;
use crate::text::View;
use anyhow::{Result, anyhow};
use regex::{Regex, RegexBuilder};
use std::sync::OnceLock;

/// Upper bound for one compiled regex; a pack that needs more is rejected with a clear error.
pub const REGEX_SIZE_LIMIT: usize = 8 * 1024 * 1024;

pub struct LazyRegex {
    pub source: String,
    pub view: ViewKind,
    compiled: OnceLock<std::result::Result<Regex, String>>,
}

impl LazyRegex {
    pub fn new(source: String, view: ViewKind) -> Self {
        LazyRegex {
            source,
            view,
            compiled: OnceLock::new(),
        }
    }

    pub fn get(&self) -> Result<&Regex> {
        self.compiled
            .get_or_init(|| {
                RegexBuilder::new(&self.source)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .dfa_size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|e| e.to_string())
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
        let re = self.get()?;
        let value = re.capture_names().any(|n| n == Some("value"));
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
        if value {
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
    fn oversized_regex_is_an_error_not_a_panic() {
        let re = LazyRegex::new(r"\w{1000}\w{1000}\w{1000}".into(), ViewKind::Raw);
        assert!(re.get().is_err());
    }
}
