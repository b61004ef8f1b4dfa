//! Build-time prefilters for the built-in regexes: one small forward DFA per pattern that
//! says "no match anywhere" cheaply, so that a post on which a regex cannot match never pays
//! for compiling it (most of a one-post run otherwise).
//!
//! A prefilter must never say no when the regex matches; it may say yes when it does not
//! (the real regex then decides). So when the exact DFA would be too big, it is built for a
//! *larger* language instead, which is still sound:
//!
//! - every class with non-ASCII characters becomes its ASCII part or "any non-ASCII UTF-8
//!   character" (Unicode classes such as `\p{L}` or a case-folded `(?i)k` are what make
//!   DFAs big, and Italian posts are mostly ASCII);
//! - Unicode word boundaries, which a DFA cannot search, are dropped;
//! - then, level by level: bounded repetitions lose their upper bound, then their lower
//!   bound above one (`{0,8}` and `{20,}` multiply states when the search is unanchored).
//!
//! regex-automata builds and serializes the DFAs; this rewriting of the HIR into a superset
//! is hand-written (no crate does it).

use regex_automata::dfa::{StartKind, dense};
use regex_automata::nfa::thompson;
use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, Hir, HirKind, Look, Repetition};

/// Largest DFA built (in bytes, before minimization): beyond it the pattern keeps the
/// run-time path. Bigger limits save few regexes and cost seconds of build time.
const DFA_LIMIT: usize = 256 * 1024;

/// For the patterns that fit no level under [`DFA_LIMIT`] (big alternations of words), one
/// more try at the loosest level.
const LAST_LIMIT: usize = 2 * 1024 * 1024;

/// How many relaxation levels `relax` knows.
const LEVELS: u32 = 4;

/// At level 2, repetitions need at most this many items.
const FEW: u32 = 3;

/// "Any one non-ASCII character": a UTF-8 lead byte and as many continuation bytes as it
/// announces (deterministic, unlike "one to three", which multiplies DFA states).
fn non_ascii() -> Hir {
    let bytes = |a, b| Hir::class(Class::Bytes(ClassBytes::new([ClassBytesRange::new(a, b)])));
    let seq = |lead: (u8, u8), n: usize| {
        let mut v = vec![bytes(lead.0, lead.1)];
        v.extend((0..n).map(|_| bytes(0x80, 0xBF)));
        Hir::concat(v)
    };
    Hir::alternation(vec![
        seq((0xC2, 0xDF), 1),
        seq((0xE0, 0xEF), 2),
        seq((0xF0, 0xF4), 3),
    ])
}

/// Classes with at most this many non-ASCII ranges (`[èéÈ]`, a case-folded `k`) stay exact.
const SMALL_CLASS: usize = 4;

fn unicode_word_look(l: Look) -> bool {
    matches!(
        l,
        Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode
    )
}

/// A HIR matching everything `h` matches (and maybe more); `level` 0 only simplifies
/// classes and looks, 1 also unbounds repetitions, 2 also caps their minimum at
/// [`FEW`], 3 at one.
fn relax(h: &Hir, level: u32) -> Hir {
    match h.kind() {
        HirKind::Class(Class::Unicode(c)) => {
            let ascii: Vec<ClassBytesRange> = c
                .ranges()
                .iter()
                .filter(|r| r.start().is_ascii())
                .map(|r| ClassBytesRange::new(r.start() as u8, r.end().min('\x7F') as u8))
                .collect();
            let wide = c.ranges().iter().filter(|r| !r.end().is_ascii()).count();
            if wide <= SMALL_CLASS {
                return h.clone();
            }
            let narrow = Hir::class(Class::Bytes(ClassBytes::new(ascii.iter().copied())));
            if ascii.is_empty() {
                non_ascii()
            } else {
                Hir::alternation(vec![narrow, non_ascii()])
            }
        }
        HirKind::Look(l) if unicode_word_look(*l) => Hir::empty(),
        HirKind::Capture(c) => relax(&c.sub, level),
        HirKind::Repetition(r) => {
            let (mut min, mut max) = (r.min, r.max);
            if level >= 1 && max.is_some_and(|m| m > min && m > 1) {
                max = None;
            }
            if level >= 2 && max.is_none_or(|m| m > 1) {
                min = min.min(if level == 2 { FEW } else { 1 });
                max = None;
            }
            Hir::repetition(Repetition {
                min,
                max,
                greedy: r.greedy,
                sub: Box::new(relax(&r.sub, level)),
            })
        }
        HirKind::Concat(v) => Hir::concat(v.iter().map(|x| relax(x, level)).collect()),
        HirKind::Alternation(v) => Hir::alternation(v.iter().map(|x| relax(x, level)).collect()),
        _ => h.clone(),
    }
}

fn build(hir: &Hir, limit: usize) -> Option<Vec<u8>> {
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                // Byte classes above may split a character: only whole-match existence
                // matters here.
                .utf8(false)
                .which_captures(thompson::WhichCaptures::None),
        )
        .build_from_hir(hir)
        .ok()?;
    let dfa = dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Unanchored)
                .minimize(true)
                .dfa_size_limit(Some(limit))
                .determinize_size_limit(Some(4 * limit)),
        )
        .build_from_nfa(&nfa)
        .ok()?;
    // Little endian whatever the build host: the run time uses them only on such targets.
    Some(dfa.to_sparse().ok()?.to_bytes_little_endian())
}

/// The serialized sparse DFA prefilter of a pattern, or `None` when none fits (or the
/// pattern does not parse: the run-time loader reports that).
pub fn prefilter(pattern: &str) -> Option<Vec<u8>> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    (0..LEVELS)
        .find_map(|level| build(&relax(&hir, level), DFA_LIMIT))
        .or_else(|| build(&relax(&hir, LEVELS - 1), LAST_LIMIT))
}
