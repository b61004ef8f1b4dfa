//! Regex sets of a large run: which regexes of a view match somewhere in a paragraph, for
//! the two views (original text and words) in one walk.
//!
//! Each set is a lazy DFA of every regex of its view, searched for all overlapping matches.
//! A lazy DFA takes a byte per step, and each step waits on the load of the one before: a
//! single walk leaves the core idle most of the time (2.5–5 ns per byte here, whatever the
//! regexes). Walking both views in one loop overlaps their loads, which `regex-automata`'s
//! own searches cannot do, so the loop is written here over its public lazy-DFA API. It
//! also skips the per-call work of `meta::Regex` (strategy, overlapping-state bookkeeping):
//! on Italian paragraphs the two sets cost about half as much as two `meta` searches.

use regex_automata::hybrid::LazyStateID;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::{Input, MatchKind, PatternSet};
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look};

/// Where the matches of a member that the engine may keep can start. The engine drops a
/// match whose edge touches a letter or digit when its rule asks for whole words, so the set
/// need not follow matches that start inside a word: unanchored, every byte of a word starts
/// a new attempt of every member, and those attempts multiplied the DFA's states and the
/// cache lines a walk touches (a third fewer L1 misses on the words view without them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Anywhere (a rule that takes matches inside words).
    Anywhere,
    /// At the start of the text or after a space: a word of the word view.
    AfterSpace,
    /// At the start of the text or after a character other than an ASCII letter or digit:
    /// any start that has no letter or digit before it, and some that have (a non-ASCII
    /// letter), which the engine then drops.
    AfterNonAlnum,
}

/// The regexes of one view as one lazy DFA.
pub struct RegexSet {
    dfa: DFA,
}

impl RegexSet {
    /// `cache_capacity`: room for the DFA's states, per cache (per thread).
    pub fn new(
        patterns: &[(&str, Start)],
        nfa_limit: usize,
        cache_capacity: usize,
    ) -> Result<RegexSet, String> {
        let hirs = patterns
            .iter()
            .map(|&(p, start)| {
                let hir = regex_syntax::parse(p).map_err(|e| e.to_string())?;
                Ok(restrict_start(hir, start))
            })
            .collect::<Result<Vec<Hir>, String>>()?;
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .which_captures(thompson::WhichCaptures::None)
                    .nfa_size_limit(Some(nfa_limit)),
            )
            .build_many_from_hir(&hirs)
            .map_err(|e| e.to_string())?;
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    // Every pattern that matches anywhere, not only the leftmost.
                    .match_kind(MatchKind::All)
                    .cache_capacity(cache_capacity)
                    // Give up (the caller then runs every regex) rather than crawl when the
                    // states of a huge set keep overflowing the cache: as `meta` does.
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10))
                    // A Unicode `\b` (a pack may use one) makes the DFA stop at the first
                    // non-ASCII byte; the caller then assumes every regex may match.
                    .unicode_word_boundary(true),
            )
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        Ok(RegexSet { dfa })
    }

    pub fn create_cache(&self) -> Cache {
        self.dfa.create_cache()
    }

    pub fn pattern_len(&self) -> usize {
        self.dfa.pattern_len()
    }
}

/// The member for a pattern whose kept matches start at `start`. Only when the engine judges
/// the edges of the whole match, or of a `value` group that begins it: a `value` group
/// further in may start at a word while the match does not.
fn restrict_start(hir: Hir, start: Start) -> Hir {
    let before = match start {
        Start::Anywhere => return hir,
        Start::AfterSpace => Hir::literal(*b" "),
        Start::AfterNonAlnum => {
            let mut alnum = ClassUnicode::new([
                ClassUnicodeRange::new('0', '9'),
                ClassUnicodeRange::new('A', 'Z'),
                ClassUnicodeRange::new('a', 'z'),
            ]);
            alnum.negate();
            Hir::class(Class::Unicode(alnum))
        }
    };
    if !starts_with_value(&hir) {
        return hir;
    }
    Hir::concat(vec![
        Hir::alternation(vec![Hir::look(Look::Start), before]),
        hir,
    ])
}

/// Whether every match that has a `value` group starts where the group does (also true of a
/// pattern without one: the whole match is its value).
fn starts_with_value(hir: &Hir) -> bool {
    fn has_value(hir: &Hir) -> bool {
        match hir.kind() {
            HirKind::Capture(c) => c.name.as_deref() == Some("value") || has_value(&c.sub),
            HirKind::Repetition(r) => has_value(&r.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(has_value),
            HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => false,
        }
    }
    match hir.kind() {
        HirKind::Capture(c) if c.name.as_deref() == Some("value") => true,
        HirKind::Capture(c) => starts_with_value(&c.sub),
        // Zero-width items (an anchor) may come first.
        HirKind::Concat(v) => {
            let mut items = v
                .iter()
                .skip_while(|h| matches!(h.kind(), HirKind::Look(_) | HirKind::Empty));
            match items.next() {
                Some(first) => starts_with_value(first) && !items.any(has_value),
                None => true,
            }
        }
        HirKind::Alternation(v) => v.iter().all(starts_with_value),
        _ => !has_value(hir),
    }
}

/// One search: the set, a cache of its own (a cache holds one walk's state), the text, and
/// the patterns found, added to `found`.
pub struct Search<'a> {
    pub set: &'a RegexSet,
    pub cache: &'a mut Cache,
    pub hay: &'a [u8],
    pub found: &'a mut PatternSet,
}

/// A search under way.
struct Walk<'a> {
    search: Search<'a>,
    state: LazyStateID,
    /// Whether bytes still matter: false after a dead state, a full set or an error.
    live: bool,
    /// False when the DFA gave up: `found` is then incomplete.
    complete: bool,
}

impl<'a> Walk<'a> {
    fn new(search: Search<'a>) -> Walk<'a> {
        let start = search
            .set
            .dfa
            .start_state_forward(search.cache, &Input::new(search.hay));
        let complete = start.is_ok();
        // Bytes walked since the last clear feed the give-up rule above.
        search.cache.search_start(0);
        Walk {
            state: start.unwrap_or_default(),
            search,
            live: complete,
            complete,
        }
    }

    #[inline(always)]
    fn step(&mut self, byte: u8) {
        // Most steps go from an ordinary state to another: one load and one test, without
        // the checks of the general transition (4% of the walk).
        if !self.state.is_tagged() {
            let next = self
                .search
                .set
                .dfa
                .next_state_untagged(self.search.cache, self.state, byte);
            if !next.is_tagged() {
                self.state = next;
                return;
            }
        }
        self.step_any(byte);
    }

    /// A step from or to a tagged state: a transition not computed yet, a match, or the
    /// dead or quit state.
    #[inline(never)]
    fn step_any(&mut self, byte: u8) {
        match self
            .search
            .set
            .dfa
            .next_state(self.search.cache, self.state, byte)
        {
            Ok(next) => {
                self.state = next;
                if next.is_tagged() {
                    self.special();
                }
            }
            Err(_) => self.give_up(),
        }
    }

    /// A match, dead or quit state (start states are not tagged: no prefilter).
    #[cold]
    #[inline(never)]
    fn special(&mut self) {
        let (dfa, cache, state) = (&self.search.set.dfa, &*self.search.cache, self.state);
        if state.is_match() {
            for i in 0..dfa.match_len(cache, state) {
                // The set is sized for every pattern: an insert cannot fail.
                let _ = self
                    .search
                    .found
                    .try_insert(dfa.match_pattern(cache, state, i));
            }
            if self.search.found.is_full() {
                self.live = false;
            }
        } else if state.is_dead() {
            self.live = false;
        } else if state.is_quit() {
            self.give_up();
        }
    }

    fn give_up(&mut self) {
        self.live = false;
        self.complete = false;
    }

    /// Matches are reported one byte late: the end of the text is one more transition.
    fn finish(mut self) -> bool {
        self.search.cache.search_finish(self.search.hay.len());
        if self.live {
            match self
                .search
                .set
                .dfa
                .next_eoi_state(self.search.cache, self.state)
            {
                Ok(state) => {
                    self.state = state;
                    if state.is_tagged() {
                        self.special();
                    }
                }
                Err(_) => self.give_up(),
            }
        }
        self.complete
    }
}

/// Runs the searches side by side (either may be absent). For each: `Some(true)` when its
/// `found` holds exactly the patterns that match, `Some(false)` when the DFA gave up and
/// any pattern may match.
pub fn search_both(a: Option<Search<'_>>, b: Option<Search<'_>>) -> [Option<bool>; 2] {
    let mut a = a.map(Walk::new);
    let mut b = b.map(Walk::new);
    // Bytes walked side by side, while both walks are live.
    let mut together = 0;
    if let (Some(wa), Some(wb)) = (&mut a, &mut b) {
        for (&x, &y) in wa.search.hay.iter().zip(wb.search.hay) {
            if !(wa.live && wb.live) {
                break;
            }
            wa.step(x);
            wb.step(y);
            together += 1;
        }
    }
    // The rest of each text, or all of the only one.
    for w in [&mut a, &mut b].into_iter().flatten() {
        let hay = w.search.hay;
        for &x in hay.get(together..).unwrap_or(&[]) {
            if !w.live {
                break;
            }
            w.step(x);
        }
    }
    [a.map(Walk::finish), b.map(Walk::finish)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::meta;

    fn meta_set(patterns: &[&str]) -> meta::Regex {
        meta::Builder::new()
            .configure(meta::Config::new().match_kind(MatchKind::All))
            .build_many(patterns)
            .unwrap()
    }

    fn anywhere<'a>(patterns: &[&'a str]) -> Vec<(&'a str, Start)> {
        patterns.iter().map(|&p| (p, Start::Anywhere)).collect()
    }

    /// One search as the first and only walk: whether it completed, and what it found.
    fn search_alone(set: &RegexSet, cache: &mut Cache, hay: &str) -> (Option<bool>, PatternSet) {
        let mut found = PatternSet::new(set.pattern_len());
        let search = Search {
            set,
            cache,
            hay: hay.as_bytes(),
            found: &mut found,
        };
        let [done, none] = search_both(Some(search), None);
        assert_eq!(none, None);
        (done, found)
    }

    fn found(set: &PatternSet) -> Vec<usize> {
        set.iter().map(|p| p.as_usize()).collect()
    }

    /// The walk reports what `meta::Regex::which_overlapping_matches` reports, for both
    /// views at once, on texts of different lengths (either may run out first).
    #[test]
    fn both_walks_agree_with_the_regex_crate() {
        let raw = [
            r"\d{3}",
            r"(?i)ciao",
            r"^Oggi",
            r"fine$",
            r"\p{Lu}\.\s?\p{Lu}\.",
            r"[èé]\s+un",
            r"a|b",
            r"x*",
        ];
        let words = [r"non e ufficiale", r"^la", r"sera$", r"[0-9]+ anni"];
        let (set_a, set_b) = (
            RegexSet::new(&anywhere(&raw), 1 << 24, 1 << 22).unwrap(),
            RegexSet::new(&anywhere(&words), 1 << 24, 1 << 22).unwrap(),
        );
        let (meta_a, meta_b) = (meta_set(&raw), meta_set(&words));
        let (mut cache_a, mut cache_b) = (set_a.create_cache(), set_b.create_cache());
        let texts = [
            "",
            "Oggi è un giorno, fine",
            "la sera",
            "Ciao A. B. 123",
            "non e ufficiale 12 anni la sera",
            "è  un",
            "qqqq",
            "Oggi",
            "la sera e poi la fine",
        ];
        for ta in texts {
            for tb in texts {
                let mut fa = PatternSet::new(raw.len());
                let mut fb = PatternSet::new(words.len());
                let done = search_both(
                    Some(Search {
                        set: &set_a,
                        cache: &mut cache_a,
                        hay: ta.as_bytes(),
                        found: &mut fa,
                    }),
                    Some(Search {
                        set: &set_b,
                        cache: &mut cache_b,
                        hay: tb.as_bytes(),
                        found: &mut fb,
                    }),
                );
                assert_eq!(done, [Some(true), Some(true)]);
                let mut ea = PatternSet::new(raw.len());
                meta_a.which_overlapping_matches(&Input::new(ta), &mut ea);
                let mut eb = PatternSet::new(words.len());
                meta_b.which_overlapping_matches(&Input::new(tb), &mut eb);
                assert_eq!(found(&fa), found(&ea), "{ta:?}");
                assert_eq!(found(&fb), found(&eb), "{tb:?}");
            }
        }
        // One search alone.
        let mut fa = PatternSet::new(raw.len());
        let done = search_both(
            None,
            Some(Search {
                set: &set_a,
                cache: &mut cache_a,
                hay: "Oggi 123".as_bytes(),
                found: &mut fa,
            }),
        );
        assert_eq!(done, [None, Some(true)]);
        assert_eq!(found(&fa), [0, 2, 7]);
    }

    #[test]
    fn a_value_group_that_begins_the_match_counts_as_its_start() {
        let starts = |p: &str| starts_with_value(&regex_syntax::parse(p).unwrap());
        for p in [
            "cane",
            "(?P<value>gatto)x",
            "(?i)(?P<value>gatto)",
            "^(?P<value>a)b",
            "(?P<value>a)|b",
            "(?:(?P<value>a)b)c",
        ] {
            assert!(starts(p), "{p}");
        }
        for p in [
            "x(?P<value>a)",
            "(?P<value>a)?b",
            "(?:^|\\s)(?P<value>a)",
            "a|x(?P<value>b)",
        ] {
            assert!(!starts(p), "{p}");
        }
    }

    /// A member restricted to word starts reports the matches that start at a word, and no
    /// others; one whose `value` group starts later is left unrestricted.
    #[test]
    fn restricted_members_follow_only_matches_at_a_word_start() {
        let run = |members: &[(&str, Start)], hay: &str| {
            let set = RegexSet::new(members, 1 << 24, 1 << 22).unwrap();
            let (done, found) = search_alone(&set, &mut set.create_cache(), hay);
            assert_eq!(done, Some(true));
            self::found(&found)
        };
        let words = [("la", Start::AfterSpace), ("la", Start::Anywhere)];
        assert_eq!(run(&words, "scala"), [1]);
        assert_eq!(run(&words, "la scala"), [0, 1]);
        assert_eq!(run(&words, "una scala la"), [0, 1]);
        let raw = [
            ("(?i)cane", Start::AfterNonAlnum),
            ("x(?P<value>cane)", Start::AfterNonAlnum),
        ];
        assert_eq!(run(&raw, "Scane"), Vec::<usize>::new());
        assert_eq!(run(&raw, "(Cane)"), [0]);
        assert_eq!(run(&raw, "Cane"), [0]);
        assert_eq!(run(&raw, "axcane"), [1]);
        // Any character other than an ASCII letter or digit may come before (the engine
        // judges a non-ASCII letter).
        assert_eq!(run(&raw, "ècane"), [0]);
    }

    /// A Unicode `\b` stops the DFA at non-ASCII text: the search says so instead of
    /// reporting too little.
    #[test]
    fn a_unicode_word_boundary_gives_up_on_non_ascii_text() {
        let set = RegexSet::new(&[(r"\bcane\b", Start::Anywhere)], 1 << 24, 1 << 22).unwrap();
        let mut cache = set.create_cache();
        let mut run = |hay: &str| {
            let (done, found) = search_alone(&set, &mut cache, hay);
            (done, found.contains(regex_automata::PatternID::ZERO))
        };
        assert_eq!(run("il cane"), (Some(true), true));
        let (done, _) = run("perché il cane");
        assert_eq!(done, Some(false));
    }
}
