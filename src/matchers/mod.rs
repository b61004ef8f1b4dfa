//! Matchers, one file per kind: terms (one Aho-Corasick automaton for every term of every
//! rule), patterns (regexes with a keyword prefilter and validators), context conditions,
//! and metrics over the whole post.

pub mod conditions;
pub mod literals;
pub mod metric;
pub mod patterns;
pub mod terms;

/// A matched stretch of the original text, with the word-view tokens it covers (for
/// distances in words) and the sentence and line it starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub tok_start: usize,
    pub tok_end: usize,
}

impl Span {
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Builds spans from original byte ranges, locating them among the word-view tokens.
pub struct Locator<'a> {
    pub tokens: &'a [crate::text::Token],
}

impl Locator<'_> {
    pub fn span(&self, start: usize, end: usize) -> Span {
        let tok_start = self.tokens.partition_point(|t| t.orig_end <= start);
        let tok_end = self
            .tokens
            .partition_point(|t| t.orig_start < end)
            .max(tok_start);
        Span {
            start,
            end,
            tok_start,
            tok_end,
        }
    }
}
