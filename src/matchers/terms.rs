//! The terms matcher: every term of every loaded rule (and of their conditions, exceptions
//! and keywords) in one Aho-Corasick automaton over the word view, so the cost of a scan
//! does not grow with the number of terms, and a term shared by several rules is matched
//! once. A second automaton over the evasion view catches disguised forms.

use super::BytePairs;
use crate::text::{MaskedWord, View, collapse_runs};
use anyhow::{Result, anyhow};
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::OnceLock;

/// What a term is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The matcher of rule `r`.
    Match(usize),
    /// Condition `slot` of rule `r`.
    Condition(usize, usize),
    /// An exception of rule `r`.
    Exception(usize),
    /// A keyword gating the patterns of rule `r`.
    Keyword(usize),
}

#[derive(Debug, Clone, Copy)]
struct TermUse {
    owner: Owner,
    stem: bool,
}

/// A term hit: who it is for, and the view byte range (stems extended to the word's end).
#[derive(Debug, Clone, Copy)]
pub struct TermHit {
    pub owner: Owner,
    pub norm_start: usize,
    pub norm_end: usize,
}

/// Collects terms, then builds the index.
#[derive(Default)]
pub struct TermSetBuilder<'a> {
    terms: Vec<(&'a str, bool, Owner)>,
}

impl<'a> TermSetBuilder<'a> {
    pub fn add(&mut self, words: &'a str, stem: bool, owner: Owner) {
        self.terms.push((words, stem, owner));
    }

    /// Every distinct term once, with its uses in the order they were added. Sorted by
    /// words (stably), equal terms sit next to each other and need no map to be found
    /// again: hashing 20,000 terms of a large pack was a fifth of its start-up, and the
    /// term tables come sorted already, so the sort is a merge of sorted runs.
    fn merged(mut self) -> Merged {
        self.terms.sort_by(|a, b| a.0.cmp(b.0));
        let mut m = Merged::default();
        for (w, stem, owner) in self.terms {
            if m.word_spans
                .last()
                .is_none_or(|&(a, b)| m.text.get(a..b) != Some(w))
            {
                let start = m.text.len();
                m.text.push_str(w);
                m.word_spans.push((start, m.text.len()));
                m.use_spans.push((m.uses.len(), m.uses.len()));
            }
            if let Some(span) = m.use_spans.last_mut() {
                let known = m.uses.get(span.0..span.1).unwrap_or(&[]);
                if !known.iter().any(|u| u.owner == owner && u.stem == stem) {
                    m.uses.push(TermUse { owner, stem });
                    span.1 = m.uses.len();
                }
            }
        }
        m
    }

    pub fn build(self) -> Result<TermSet> {
        let merged = self.merged();
        // Keyed by hash from the start: the index keeps no keys, only their shapes.
        let mut by_first: FastMap<u64, FirstWord> = FastMap::default();
        let mut shapes = BytePairs::default();
        let mut by_pair: FastMap<u64, Vec<usize>> = FastMap::default();
        let mut stems: FastMap<Box<str>, Vec<usize>> = FastMap::default();
        let mut short_stems = Vec::new();
        for id in 0..merged.word_spans.len() {
            let words = merged.word(id);
            let first = words.split(' ').next().unwrap_or("");
            if first.is_empty() {
                continue;
            }
            let single = first.len() == words.len();
            let uses = merged.uses(id);
            // Phrases are keyed by their first two words: hundreds start with "di" or "il".
            // A two-word phrase whose second word is a stem cannot be: it stays with its
            // first word.
            let pair = match words.match_indices(' ').nth(1) {
                Some((i, _)) => Some(&words[..i]),
                None if !single && uses.iter().all(|u| !u.stem) => Some(words),
                None => None,
            };
            if let Some(pair) = pair {
                by_pair.entry(key_hash(pair)).or_default().push(id);
                by_first.entry(key_hash(first)).or_default().phrases = true;
                shapes.insert_head(&shape(first));
            } else if uses.iter().any(|u| !u.stem) || !single {
                by_first.entry(key_hash(first)).or_default().push(id);
                shapes.insert_head(&shape(first));
            }
            if single && uses.iter().any(|u| u.stem) {
                match stem_key(first) {
                    Some(key) => stems.entry(key.into()).or_default().push(id),
                    None => short_stems.push(id),
                }
            }
        }
        let mut stem_heads = BytePairs::default();
        for key in stems.keys() {
            stem_heads.insert_head(key.as_bytes());
        }
        // Worth a lookup per word only if it turns words away: not when the keys have most
        // shapes of ordinary words (the built-in packs, with their articles and prepositions).
        let ordinary = (1..=12u8).flat_map(|len| (b'a'..=b'z').map(move |c| [len, c]));
        let (taken, all) = ordinary.fold((0, 0), |(t, a), key| {
            (t + usize::from(shapes.has_head(&key)), a + 1)
        });
        let first_shapes = (2 * taken < all).then_some(shapes);
        let mut ids = Vec::new();
        let mut list = |v: &[usize]| {
            let start = ids.len();
            ids.extend(v.iter().filter_map(|&i| u32::try_from(i).ok()));
            (start as u32, ids.len() as u32)
        };
        let by_first = HashIndex::new(by_first.into_iter().map(|(h, w)| {
            let entry = FirstEntry {
                first: w.first.map_or(NO_TERM, |t| t as u32),
                more: list(&w.more),
                phrases: w.phrases,
            };
            (h, entry)
        }));
        let by_pair = HashIndex::new(by_pair.into_iter().map(|(h, v)| (h, list(&v))));
        Ok(TermSet {
            terms: merged,
            first_shapes,
            by_first,
            by_pair,
            ids,
            stems,
            stem_heads,
            short_stems,
        })
    }
}

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Every distinct term's words in one string and its uses in one list, by term id: a
/// string and a list per term were most of the allocations of loading a large pack.
#[derive(Default)]
struct Merged {
    text: String,
    word_spans: Vec<(usize, usize)>,
    uses: Vec<TermUse>,
    use_spans: Vec<(usize, usize)>,
}

impl Merged {
    fn word(&self, id: usize) -> &str {
        self.word_spans
            .get(id)
            .and_then(|&(a, b)| self.text.get(a..b))
            .unwrap_or("")
    }

    fn uses(&self, id: usize) -> &[TermUse] {
        self.use_spans
            .get(id)
            .and_then(|&(a, b)| self.uses.get(a..b))
            .unwrap_or(&[])
    }
}

/// What starts with one word.
#[derive(Default)]
struct FirstWord {
    /// Terms keyed by this word: single words, and two-word phrases ending in a stem. Most
    /// words key one term, kept inline (one allocation less per term of a large pack).
    first: Option<usize>,
    more: Vec<usize>,
    /// Whether some phrase of three words or more, or of two plain words, starts with it.
    phrases: bool,
}

impl FirstWord {
    fn push(&mut self, id: usize) {
        match self.first {
            None => self.first = Some(id),
            Some(_) => self.more.push(id),
        }
    }
}

/// A [`FirstWord`] in the index: its first term (`NO_TERM` for none), the span of its other
/// terms in [`TermSet::ids`], and whether phrases start with it.
#[derive(Clone, Copy, Default)]
struct FirstEntry {
    first: u32,
    more: (u32, u32),
    phrases: bool,
}

const NO_TERM: u32 = u32::MAX;

/// The hash a key is known by in a [`HashIndex`]; never 0, which marks an empty slot.
fn key_hash(key: &str) -> u64 {
    const HASHER: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x5eed);
    HASHER.hash_one(key).max(1)
}

/// Keys' hashes to values, without the keys. Every value found is a list of candidates that
/// the caller compares with the text anyway (a term's words), so keys need not be kept or
/// compared, and two keys with one hash only share their candidates. Written here rather
/// than used from `HashMap`: the keys' boxes, their comparison and the map's probing were
/// two thirds of looking up a word, and the slots of this one fit in a few cache lines per
/// thousand keys. Open addressing, half full at most, linear probing: the keys are fixed
/// when it is built, so no text can lengthen a probe.
struct HashIndex<V> {
    slots: Vec<(u64, V)>,
    mask: usize,
}

impl<V: Copy + Default> HashIndex<V> {
    /// From distinct hashes (as [`key_hash`] gives them).
    fn new(entries: impl ExactSizeIterator<Item = (u64, V)>) -> HashIndex<V> {
        let size = (2 * entries.len()).next_power_of_two().max(2);
        let mut index = HashIndex {
            slots: vec![(0, V::default()); size],
            mask: size - 1,
        };
        for (hash, value) in entries {
            let mut i = hash as usize & index.mask;
            while index.slots[i].0 != 0 {
                i = (i + 1) & index.mask;
            }
            index.slots[i] = (hash, value);
        }
        index
    }

    #[inline]
    fn get(&self, hash: u64) -> Option<&V> {
        let mut i = hash as usize & self.mask;
        loop {
            let (h, v) = self.slots.get(i)?;
            if *h == hash {
                return Some(v);
            }
            if *h == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// A word's length (capped) and first byte, as a pair for [`BytePairs`].
fn shape(word: &str) -> [u8; 2] {
    let len = u8::try_from(word.len()).unwrap_or(u8::MAX);
    [len, word.as_bytes().first().copied().unwrap_or(0)]
}

/// Stems are bucketed by their first three characters; shorter ones are few and checked on
/// every word.
fn stem_key(word: &str) -> Option<&str> {
    // Called on every word of a large input: most are ASCII, and their key is three bytes.
    if let Some(head) = word.as_bytes().get(..3)
        && head.is_ascii()
    {
        return word.get(..3);
    }
    word.char_indices()
        .nth(3)
        .map(|(i, _)| &word[..i])
        .or_else(|| (word.chars().count() == 3).then_some(word))
}

/// Every term, indexed by its first word (phrases by their first two, single-word stems by
/// their first three characters), for large inputs: about two hash lookups per word of the
/// view. An Aho-Corasick automaton over 30,000 terms walks a large NFA byte by byte and
/// reports every article and preposition; words are already split here, so looking them up
/// costs a fraction of that and takes far less memory than a DFA.
pub struct TermSet {
    terms: Merged,
    /// The [`shape`] of every key of `by_first`: a word of a length and first letter that
    /// no key has (most of the short words of a text, against a user's list of long terms)
    /// skips hashing and probing the map. `None` when most words would pass anyway.
    first_shapes: Option<BytePairs>,
    by_first: HashIndex<FirstEntry>,
    by_pair: HashIndex<(u32, u32)>,
    /// The lists of term ids the entries above point to, by (start, end).
    ids: Vec<u32>,
    stems: FastMap<Box<str>, Vec<usize>>,
    /// The first two bytes of every stem key: a few dozen keys, so almost every word of a
    /// text fails this test and skips the key and the lookup (a seventh of a term-only run).
    stem_heads: BytePairs,
    short_stems: Vec<usize>,
}

impl TermSet {
    /// Every whole-word hit in a view, overlapping ones included (a phrase and a word inside
    /// it both count). `accept` filters hits by their view range (evasion evidence).
    pub fn find(
        &self,
        view: &View,
        mut accept: impl FnMut(usize, usize) -> bool,
        out: &mut Vec<TermHit>,
    ) {
        let text = view.text.as_str();
        let tokens = &view.tokens;
        let starts = tokens.iter().enumerate().flat_map(|(k, t)| {
            let next_end = tokens.get(k + 1).map(|n| n.norm_end);
            std::iter::once(t.norm_start)
                .chain(t.alt_start)
                .map(move |s| (s, t.norm_end, next_end))
        });
        for (pos, word_end, next_end) in starts {
            let Some(word) = text.get(pos..word_end) else {
                continue;
            };
            let keyed = if self
                .first_shapes
                .as_ref()
                .is_none_or(|s| s.has_head(&shape(word)))
            {
                self.by_first.get(key_hash(word))
            } else {
                None
            };
            if let Some(first) = keyed {
                let rest = &text[pos..];
                let phrases = if first.phrases {
                    next_end
                        .and_then(|n| text.get(pos..n))
                        .and_then(|p| self.by_pair.get(key_hash(p)))
                } else {
                    None
                };
                let list = |span: Option<&(u32, u32)>| {
                    span.and_then(|&(a, b)| self.ids.get(a as usize..b as usize))
                        .unwrap_or(&[])
                };
                let firsts = (first.first != NO_TERM).then_some(first.first);
                let ids = firsts
                    .into_iter()
                    .chain(list(Some(&first.more)).iter().copied())
                    .chain(list(phrases).iter().copied());
                // Keys are known by their hash only: every candidate is compared here.
                for id in ids.map(|i| i as usize) {
                    let w = self.terms.word(id);
                    if !rest.starts_with(w) {
                        continue;
                    }
                    let e = pos + w.len();
                    let whole = view.ends_word(e);
                    for u in self.terms.uses(id) {
                        // A single-word stem is found below, with the other stems.
                        if u.stem && w.len() == word.len() {
                            continue;
                        }
                        if !u.stem && !whole {
                            continue;
                        }
                        let end = if u.stem { view.word_end(e) } else { e };
                        if accept(pos, end) {
                            out.push(TermHit {
                                owner: u.owner,
                                norm_start: pos,
                                norm_end: end,
                            });
                        }
                    }
                }
            }
            let bucket = if self.stem_heads.has_head(word.as_bytes()) {
                stem_key(word).and_then(|k| self.stems.get(k))
            } else {
                None
            };
            for &id in bucket.into_iter().flatten().chain(&self.short_stems) {
                if !word.starts_with(self.terms.word(id)) {
                    continue;
                }
                for u in self.terms.uses(id).iter().filter(|u| u.stem) {
                    if accept(pos, word_end) {
                        out.push(TermHit {
                            owner: u.owner,
                            norm_start: pos,
                            norm_end: word_end,
                        });
                    }
                }
            }
        }
    }
}

/// A sorted table of terms precomputed by the build script: their words in one string,
/// and (start, end, stem, owner) per term.
#[derive(Clone, Copy)]
pub struct StaticTerms {
    pub text: &'static str,
    pub entries: &'static [(u32, u32, bool, u32)],
}

impl StaticTerms {
    fn entry(&self, e: &(u32, u32, bool, u32)) -> (&'static str, bool, u32) {
        let words = self.text.get(e.0 as usize..e.1 as usize).unwrap_or("");
        (words, e.2, e.3)
    }

    /// (words, stem, owner) of every term, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, bool, u32)> + '_ {
        self.entries.iter().map(|e| self.entry(e))
    }

    /// The terms from the first whose words are not below `word`.
    fn from(&self, word: &str) -> impl Iterator<Item = (&'static str, bool, u32)> + '_ {
        let start = self.entries.partition_point(|e| self.entry(e).0 < word);
        self.entries[start..].iter().map(|e| self.entry(e))
    }
}

/// Every term the engine knows, in two sorted lists: the built-in tables precomputed by the
/// build script, and the terms expanded at run time (user packs, placeholders). A short post
/// gets an automaton of just the terms whose first word it contains (building one for every
/// term costs more than checking the post); a large input, or a run past a few megabytes,
/// gets the automaton of every term, built once.
pub struct TermTable {
    static_terms: StaticTerms,
    /// Owner of each precomputed owner index, `None` where the rule is not active.
    static_owners: Vec<Option<Owner>>,
    dynamic: Vec<(String, bool, Owner)>,
    full: OnceLock<std::result::Result<TermSet, String>>,
}

impl TermTable {
    pub fn new(
        static_terms: StaticTerms,
        static_owners: Vec<Option<Owner>>,
        mut dynamic: Vec<(String, bool, Owner)>,
    ) -> Self {
        dynamic.sort_by(|a, b| a.0.cmp(&b.0));
        TermTable {
            static_terms,
            static_owners,
            dynamic,
            full: OnceLock::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.dynamic.is_empty() && !self.static_owners.iter().any(Option::is_some)
    }

    fn owner(&self, i: u32) -> Option<Owner> {
        self.static_owners.get(i as usize).copied().flatten()
    }

    /// The automaton of every active term, built on first use.
    pub fn full(&self) -> Result<&TermSet> {
        self.full
            .get_or_init(|| {
                let mut b = TermSetBuilder::default();
                for (w, stem, o) in self.static_terms.iter() {
                    if let Some(owner) = self.owner(o) {
                        b.add(w, stem, owner);
                    }
                }
                for (w, stem, owner) in &self.dynamic {
                    b.add(w, *stem, *owner);
                }
                b.build().map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map_err(|e| anyhow!("{e}"))
    }

    /// Every whole-word hit in a view without building an automaton: at each word, the
    /// sorted tables give the terms that start with it (and the stems that begin it), and
    /// each is compared in place. For a short post this costs far less than building the
    /// automaton of every term; the results are the same as [`TermSet::find`] on
    /// [`TermTable::full`] (a test checks it on every built-in example).
    pub fn find_direct(
        &self,
        view: &View,
        mut accept: impl FnMut(usize, usize) -> bool,
        out: &mut Vec<TermHit>,
    ) {
        let text = view.text.as_str();
        let starts = view.tokens.iter().flat_map(|t| {
            std::iter::once(t.norm_start)
                .chain(t.alt_start)
                .map(move |s| (s, t.norm_end))
        });
        for (pos, word_end) in starts {
            let word = &text[pos..word_end];
            let rest = &text[pos..];
            let mut hit = |w: &str, stem: bool, owner: Owner, out: &mut Vec<TermHit>| {
                if !rest.starts_with(w) {
                    return;
                }
                let e = pos + w.len();
                if !stem && !view.ends_word(e) {
                    return;
                }
                let end = if stem { view.word_end(e) } else { e };
                if accept(pos, end) {
                    out.push(TermHit {
                        owner,
                        norm_start: pos,
                        norm_end: end,
                    });
                }
            };
            // Terms equal to the word or starting with it and a space: contiguous in sort
            // order, since a space sorts before every letter and digit.
            let starts = |w: &str| {
                w == word || (w.starts_with(word) && w.as_bytes().get(word.len()) == Some(&b' '))
            };
            for (w, stem, o) in self.static_terms.from(word).take_while(|t| starts(t.0)) {
                if let Some(owner) = self.owner(o) {
                    hit(w, stem, owner, out);
                }
            }
            let from = self.dynamic.partition_point(|t| t.0.as_str() < word);
            for (w, stem, owner) in self.dynamic[from..].iter().take_while(|t| starts(&t.0)) {
                hit(w, *stem, *owner, out);
            }
            // Stems that are a proper prefix of the word.
            for (i, _) in word.char_indices().skip(1) {
                let prefix = &word[..i];
                for (w, stem, o) in self.static_terms.from(prefix).take_while(|t| t.0 == prefix) {
                    if stem && let Some(owner) = self.owner(o) {
                        hit(w, stem, owner, out);
                    }
                }
                let from = self.dynamic.partition_point(|t| t.0.as_str() < prefix);
                for (w, stem, owner) in self.dynamic[from..].iter().take_while(|t| t.0 == prefix) {
                    if *stem {
                        hit(w, *stem, *owner, out);
                    }
                }
            }
        }
    }
}

/// A single-word term that a masked word (`c***o`) may hide.
#[derive(Debug, Clone)]
pub struct MaskableTerm {
    pub letters: Vec<char>,
    pub stem: bool,
    pub rule: usize,
}

/// Whether a masked word can hide a term: the letters before the first mask and after the
/// last one agree with the term's start and end, and the hidden part has about the right
/// length. At least two letters must be visible.
pub fn mask_fits(word: &MaskedWord, term: &MaskableTerm) -> bool {
    let w = &word.letters;
    let visible = w.iter().filter(|c| c.is_some()).count();
    if visible < 2 || w.first().is_none_or(|c| c.is_none()) {
        return false;
    }
    let prefix: Vec<char> = w.iter().map_while(|c| *c).collect();
    let suffix: Vec<char> = {
        let mut s: Vec<char> = w.iter().rev().map_while(|c| *c).collect();
        s.reverse();
        s
    };
    let t = &term.letters;
    if prefix.len() > t.len() || !t.starts_with(&prefix) {
        return false;
    }
    if term.stem {
        // The stem must be covered by the visible prefix plus masks; any ending may follow.
        let extra = w.len().saturating_sub(t.len());
        return w.len() > prefix.len() && w.len() >= t.len() && extra <= 4;
    }
    if suffix.len() + prefix.len() >= t.len() || !t.ends_with(&suffix) {
        return false;
    }
    let hidden_term = t.len() - prefix.len() - suffix.len();
    let hidden_word = w.len() - prefix.len() - suffix.len();
    hidden_word.abs_diff(hidden_term) <= 1 && hidden_word >= 1
}

/// The evasion form of a term: run-collapsed, like the evasion view.
pub fn evasion_form(words: &str) -> String {
    collapse_runs(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{evasion_view, word_view};

    #[test]
    fn overlapping_terms_and_stems() {
        let mut b = TermSetBuilder::default();
        b.add("testa di cazzo", false, Owner::Match(0));
        b.add("cazzo", false, Owner::Match(1));
        b.add("stronz", true, Owner::Match(2));
        b.add("di", false, Owner::Condition(0, 0));
        let set = b.build().unwrap();
        let v = word_view("Sei una Testa  di CAZZO, stronzone; stronz");
        let mut hits = Vec::new();
        set.find(&v, |_, _| true, &mut hits);
        let got: Vec<(Owner, &str)> = hits
            .iter()
            .map(|h| (h.owner, &v.text[h.norm_start..h.norm_end]))
            .collect();
        assert!(got.contains(&(Owner::Match(0), "testa di cazzo")));
        assert!(got.contains(&(Owner::Match(1), "cazzo")));
        assert!(got.contains(&(Owner::Match(2), "stronzone")));
        assert!(got.contains(&(Owner::Match(2), "stronz")));
        assert!(got.contains(&(Owner::Condition(0, 0), "di")));
    }

    #[test]
    fn the_builder_merges_equal_terms_added_in_any_order() {
        let mut b = TermSetBuilder::default();
        b.add("cretino", false, Owner::Match(0));
        b.add("idiot", true, Owner::Match(0));
        b.add("cretino", false, Owner::Match(1));
        b.add("cretino", false, Owner::Match(1));
        b.add("cretino", true, Owner::Match(2));
        b.add("scemo", false, Owner::Match(2));
        let set = b.build().unwrap();
        let view = word_view("Che cretino, che idiota, che scemo");
        let mut out = Vec::new();
        set.find(&view, |_, _| true, &mut out);
        let mut found: Vec<(&str, Owner)> = out
            .iter()
            .map(|h| (&view.text[h.norm_start..h.norm_end], h.owner))
            .collect();
        found.sort_by_key(|f| (f.0, format!("{:?}", f.1)));
        assert_eq!(
            found,
            [
                ("cretino", Owner::Match(0)),
                ("cretino", Owner::Match(1)),
                ("cretino", Owner::Match(2)),
                ("idiota", Owner::Match(0)),
                ("scemo", Owner::Match(2)),
            ]
        );
    }

    /// Hashes that share their low bits land in one run of slots: each is still found, and a
    /// hash that is not there ends the probe at the next empty slot.
    #[test]
    fn the_hash_index_probes_past_neighbours() {
        let index = HashIndex::new([(8, 'a'), (16, 'b'), (9, 'c'), (3, 'd')].into_iter());
        assert_eq!(index.slots.len(), 8);
        for (hash, value) in [(8, 'a'), (16, 'b'), (9, 'c'), (3, 'd')] {
            assert_eq!(index.get(hash), Some(&value));
        }
        assert_eq!(index.get(24), None);
        assert_eq!(index.get(5), None);
        assert_ne!(key_hash(""), 0);
        let empty = HashIndex::<u32>::new(std::iter::empty());
        assert_eq!(empty.get(key_hash("di")), None);
    }

    #[test]
    fn stems_are_keyed_by_their_first_three_characters() {
        assert_eq!(stem_key("comunale"), Some("com"));
        assert_eq!(stem_key("città"), Some("cit"));
        assert_eq!(stem_key("però"), Some("per"));
        assert_eq!(stem_key("èra"), Some("èra"));
        assert_eq!(stem_key("àèìò"), Some("àèì"));
        assert_eq!(stem_key("da"), None);
        assert_eq!(stem_key("dà"), None);
    }

    #[test]
    fn whole_words_only() {
        let mut b = TermSetBuilder::default();
        b.add("cazzo", false, Owner::Match(0));
        let set = b.build().unwrap();
        let mut hits = Vec::new();
        set.find(&word_view("la cazzuola e il cazzo"), |_, _| true, &mut hits);
        assert_eq!(hits.len(), 1);
    }

    #[test]
    fn the_word_shape_filter_keeps_every_term() {
        let terms = ["x", "cazzo", "stronzo di merda", "idiota patentato", "z9"];
        let text = "x, cazzo! Stronzo di merda e idiota patentato: z9 e il resto";
        // Few terms: the filter is on. With a word of every ordinary shape: it is off.
        let fillers: Vec<String> = (1..=12usize)
            .flat_map(|n| (b'a'..=b'z').map(move |c| (c as char).to_string().repeat(n)))
            .collect();
        let mut found = Vec::new();
        for dense in [false, true] {
            let mut b = TermSetBuilder::default();
            for t in terms {
                b.add(t, false, Owner::Match(0));
            }
            if dense {
                for f in &fillers {
                    b.add(f, false, Owner::Match(1));
                }
            }
            let set = b.build().unwrap();
            assert_eq!(set.first_shapes.is_some(), !dense);
            let mut hits = Vec::new();
            set.find(&word_view(text), |_, _| true, &mut hits);
            hits.retain(|h| h.owner == Owner::Match(0));
            found.push(
                hits.iter()
                    .map(|h| (h.norm_start, h.norm_end))
                    .collect::<Vec<_>>(),
            );
        }
        assert_eq!(found[0].len(), terms.len());
        assert_eq!(found[0], found[1]);
    }

    #[test]
    fn masks_fit_terms_of_the_right_shape() {
        let (_, masked) = evasion_view("c***o str**zo m*");
        let cazzo = MaskableTerm {
            letters: "cazzo".chars().collect(),
            stem: false,
            rule: 0,
        };
        let stronzo = MaskableTerm {
            letters: "stronzo".chars().collect(),
            stem: false,
            rule: 0,
        };
        assert!(mask_fits(&masked[0], &cazzo));
        assert!(!mask_fits(&masked[0], &stronzo));
        assert!(mask_fits(&masked[1], &stronzo));
        assert!(!mask_fits(&masked[2], &cazzo));
    }
}
