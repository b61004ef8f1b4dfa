//! Matchers, one file per kind: terms (one Aho-Corasick automaton for every term of every
//! rule), patterns (regexes with a keyword prefilter and validators), context conditions,
//! and metrics over the whole post.

pub mod conditions;
pub mod literals;
pub mod metric;
pub mod patterns;
pub mod sets;
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

/// Which pairs of adjacent bytes occur, as a 64 Kbit bitmap: a literal with a pair a text
/// lacks cannot be in it. The gate of a short post tests hundreds of literals against the
/// post's pairs; the term index tests each word's first pair against its stem keys'.
#[derive(Clone)]
pub struct BytePairs([u64; 1024]);

impl Default for BytePairs {
    fn default() -> Self {
        BytePairs([0; 1024])
    }
}

impl BytePairs {
    fn key(a: u8, b: u8) -> usize {
        (usize::from(a) << 8) | usize::from(b)
    }

    fn insert(&mut self, a: u8, b: u8) {
        let k = Self::key(a, b);
        self.0[k >> 6] |= 1 << (k & 63);
    }

    fn has(&self, a: u8, b: u8) -> bool {
        let k = Self::key(a, b);
        self.0[k >> 6] & (1 << (k & 63)) != 0
    }

    /// Every pair of adjacent bytes of `text`.
    pub fn of(text: &str) -> Self {
        let mut pairs = BytePairs::default();
        for w in text.as_bytes().windows(2) {
            pairs.insert(w[0], w[1]);
        }
        pairs
    }

    /// Adds the first pair of `bytes` (nothing when shorter than two).
    pub fn insert_head(&mut self, bytes: &[u8]) {
        if let [a, b, ..] = bytes {
            self.insert(*a, *b);
        }
    }

    /// Whether every pair of `literal` is in the set.
    pub fn may_contain(&self, literal: &str) -> bool {
        literal.as_bytes().windows(2).all(|w| self.has(w[0], w[1]))
    }

    /// Whether `bytes` starts with a pair of the set.
    pub fn has_head(&self, bytes: &[u8]) -> bool {
        matches!(bytes, [a, b, ..] if self.has(*a, *b))
    }
}
