//! Context conditions: `near`, `unless` and `require` ask whether one of their terms or
//! patterns occurs within some words of a match, in its sentence, its line, or the post.

use super::Span;
use crate::matchers::patterns::LazyRegex;
use crate::rules::{Direction, Scope, Within};

pub struct Condition {
    pub within: Within,
    pub direction: Direction,
    pub patterns: Vec<std::sync::Arc<LazyRegex>>,
}

/// Where the sentences and lines of a post start, for region conditions.
pub struct Regions {
    pub sentences: Vec<usize>,
    pub lines: Vec<usize>,
}

impl Regions {
    pub fn new(text: &str) -> Self {
        let mut lines = vec![0];
        lines.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Regions {
            sentences: crate::text::sentence_starts(text),
            lines,
        }
    }

    fn same(&self, scope: Scope, a: &Span, b: &Span) -> bool {
        let starts = match scope {
            Scope::Post => return true,
            Scope::Sentence => &self.sentences,
            Scope::Line => &self.lines,
        };
        let region = |s: &Span| {
            (
                crate::text::region_of(starts, s.start),
                crate::text::region_of(starts, s.end.saturating_sub(1).max(s.start)),
            )
        };
        let (a0, a1) = region(a);
        let (b0, b1) = region(b);
        a0 <= b1 && b0 <= a1
    }
}

impl Condition {
    /// Whether a context hit satisfies this condition for a match.
    pub fn holds(&self, regions: &Regions, m: &Span, ctx: &Span) -> bool {
        // `before` excludes context wholly after the match, `after` context wholly before
        // it; context overlapping the match counts for both (the packs rely on it).
        match self.direction {
            Direction::Before if ctx.start >= m.end => return false,
            Direction::After if ctx.end <= m.start => return false,
            _ => {}
        }
        match self.within {
            Within::Region(scope) => regions.same(scope, m, ctx),
            Within::Words(n) => {
                if m.overlaps(ctx) {
                    return true;
                }
                // Words strictly between the two: the larger of the two one-sided gaps (the
                // other saturates to zero; both are zero when the token ranges touch).
                let gap = m
                    .tok_start
                    .saturating_sub(ctx.tok_end)
                    .max(ctx.tok_start.saturating_sub(m.tok_end));
                gap < n
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matchers::Locator;
    use crate::text::word_view;

    fn span_of(text: &str, needle: &str) -> Span {
        let v = word_view(text);
        let s = text.find(needle).unwrap();
        Locator { tokens: &v.tokens }.span(s, s + needle.len())
    }

    #[test]
    fn words_within_count_the_words_between() {
        let text = "sei proprio un vero scemo. Poi basta";
        let regions = Regions::new(text);
        let m = span_of(text, "scemo");
        let ctx = span_of(text, "sei");
        let c = |n| Condition {
            within: Within::Words(n),
            direction: Direction::Both,
            patterns: vec![],
        };
        // Three words between "sei" and "scemo".
        assert!(c(4).holds(&regions, &m, &ctx));
        assert!(!c(3).holds(&regions, &m, &ctx));
        let sentence = Condition {
            within: Within::Region(Scope::Sentence),
            direction: Direction::Both,
            patterns: vec![],
        };
        assert!(sentence.holds(&regions, &m, &ctx));
        assert!(!sentence.holds(&regions, &m, &span_of(text, "basta")));
        let after = Condition {
            within: Within::Region(Scope::Post),
            direction: Direction::After,
            patterns: vec![],
        };
        assert!(!after.holds(&regions, &m, &ctx));
        assert!(after.holds(&regions, &m, &span_of(text, "basta")));
    }
}
