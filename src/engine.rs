//! The engine: compiles the loaded rules for one profile and role into shared automata, then
//! checks posts. Compiling happens once per run; checking a post is one pass of each
//! automaton over its views plus the few regexes whose keywords are present.

use crate::matchers::conditions::{Condition, Regions};
use crate::matchers::literals::{Requirement, requirement};
use crate::matchers::metric;
use crate::matchers::patterns::{LazyRegex, REGEX_SIZE_LIMIT};
use crate::matchers::sets::{RegexSet, Search, Start, search_both};
use crate::matchers::terms::{MaskableTerm, Owner, TermHit, TermTable, evasion_form, mask_fits};
use crate::matchers::{BytePairs, Locator, Span};
use crate::rules::builtin;
use crate::rules::expand::{Placeholders, expand_pattern, expand_term, has_placeholder};
use crate::rules::{
    Category, ConditionDef, LoadedRule, MetricDef, OneOrMany, Profile, Role, RuleSet, Scope,
    Severity, ViewKind, Within,
};
use crate::text::{View, evasion_view, may_evade_with, word_view_into};
use crate::validators::{self, Validator};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use anyhow::{Result, anyhow, bail};
use regex_automata::{PatternSet, hybrid};
use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// A post longer than this is matched with the automaton of every term (built once) rather
/// than one of the terms its words can start.
const SMALL_POST: usize = 16 * 1024;
/// After this many bytes in a run, every post uses the full automaton: its one-off cost is
/// then smaller than rebuilding small ones.
const SMALL_RUN: usize = 1024 * 1024;
/// Texts longer than this are not one post (nobody publishes 64 KB): they are checked in
/// chunks of about [`CHUNK`] bytes cut at blank lines or line breaks, in parallel, so memory
/// stays flat on huge files and a regex runs only on the chunks that hold its words.
pub const MAX_POST: usize = 64 * 1024;
pub const CHUNK: usize = 16 * 1024;

/// Chunks per parallel job in a long text: enough to keep the per-job buffers busy, few
/// enough that no worker is left alone with a long stretch at the end.
const JOB_CHUNKS: usize = 4;

/// What the engine is compiled for.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub profile: Profile,
    pub role: Option<Role>,
    /// Rule ids or categories to keep (empty: all).
    pub select: Vec<String>,
    /// Rule ids or categories to drop.
    pub ignore: Vec<String>,
    pub placeholders: Placeholders,
    /// The entity's own contacts, never reported as personal data.
    pub contacts: Vec<String>,
    pub gulpease_min: Option<f64>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            profile: Profile::Personal,
            role: None,
            select: Vec::new(),
            ignore: Vec::new(),
            placeholders: Placeholders::default(),
            contacts: Vec::new(),
            gulpease_min: None,
        }
    }
}

enum Kind {
    Terms,
    Patterns(Vec<Arc<LazyRegex>>),
    Metric(MetricDef),
}

/// A rule compiled for this run.
pub struct ActiveRule {
    pub rule: LoadedRule,
    /// Severity after the role grading.
    pub severity: Severity,
    kind: Kind,
    validate: Option<Validator>,
    boundary: bool,
    has_keywords: bool,
    has_exceptions: bool,
    /// Condition slots: `near` first, then `unless`, then `require`.
    conditions: Vec<Condition>,
    n_near: usize,
    n_unless: usize,
    has_require: bool,
    /// Whether a condition has terms: they are matched only for rules with candidates.
    context_terms: bool,
}

impl ActiveRule {
    pub fn id(&self) -> &str {
        &self.rule.def.id
    }

    pub fn category(&self) -> Category {
        self.rule.def.category
    }
}

/// A finding before positions are computed: rule index and original byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub rule: usize,
}

/// Which regexes may match a post. In a short post: their required literals (found by
/// substring search) and a count of numeric characters; a regex runs, and is compiled, only
/// when its requirement is met. In a large run: one regex set per view, whose single pass
/// tells exactly which regexes match somewhere in the post, so only those run to find
/// where (most posts open none).
struct LiteralGate {
    /// Literal → regexes it opens, over the original text (ASCII case-insensitive).
    raw: Literals,
    /// Over the word view (already lower case).
    words: Literals,
    /// Per regex: whether it needs a literal, and how many numeric characters.
    needs: Vec<(bool, usize)>,
    /// Per regex, by gate index: the regex itself, for the sets.
    sources: Vec<Arc<LazyRegex>>,
    /// Per regex, by gate index: whether every rule using it wants whole words.
    whole_words: Vec<bool>,
    raw_ac: OnceLock<Option<AhoCorasick>>,
    words_ac: OnceLock<Option<AhoCorasick>>,
    sets: OnceLock<Option<RegexSets>>,
}

/// The regexes of each view as one set, with the gate index of each member.
struct RegexSets {
    raw: RegexSet,
    raw_ids: Vec<usize>,
    words: RegexSet,
    words_ids: Vec<usize>,
    /// One pair of search caches per worker thread, by rayon thread index. The sets run on
    /// every paragraph, and taking caches from a shared pool each time made the threads
    /// fight over the pool's owner word (3–4% of a large run).
    caches: Vec<OwnCaches>,
    /// Caches for any other thread (a library caller's own), taken and given back.
    spare: Mutex<Vec<SetCaches>>,
}

/// By view (raw, words); `None` until the view's set first runs on the thread, and for a
/// view without regexes, whose set never runs (a cache costs allocations).
type SetCaches = [Option<hybrid::dfa::Cache>; 2];

/// One worker's caches, on cache lines of their own: side by side in one vector, one
/// worker's writes to its caches (every walk records its progress in them) and the other's
/// lock word shared a line, and locking was 2–3% of a large run.
#[derive(Default)]
#[repr(align(128))]
struct OwnCaches(Mutex<SetCaches>);

impl RegexSets {
    /// `whole_words`, by gate index: whether every rule using the regex keeps only matches
    /// with clean edges.
    fn build(sources: &[Arc<LazyRegex>], whole_words: &[bool]) -> Option<RegexSets> {
        let of = |view: ViewKind| -> Option<(RegexSet, Vec<usize>)> {
            let (ids, patterns): (Vec<usize>, Vec<(&str, Start)>) = sources
                .iter()
                .enumerate()
                .filter(|(_, re)| re.view == view)
                .map(|(i, re)| {
                    let start = match (whole_words.get(i), view) {
                        (Some(true), ViewKind::Raw) => Start::AfterNonAlnum,
                        (Some(true), ViewKind::Words) => Start::AfterSpace,
                        _ => Start::Anywhere,
                    };
                    (i, (re.source.as_str(), start))
                })
                .unzip();
            let set = RegexSet::new(&patterns, 8 * REGEX_SIZE_LIMIT, REGEX_SET_DFA).ok()?;
            Some((set, ids))
        };
        // Built side by side: the other workers wait for the sets.
        let (raw, words) = rayon::join(|| of(ViewKind::Raw), || of(ViewKind::Words));
        let ((raw, raw_ids), (words, words_ids)) = (raw?, words?);
        // Each made on first use: a view without regexes never gets one.
        let caches = (0..rayon::current_num_threads())
            .map(|_| OwnCaches::default())
            .collect();
        Some(RegexSets {
            raw,
            raw_ids,
            words,
            words_ids,
            caches,
            spare: Mutex::default(),
        })
    }

    /// Marks in `found` (by gate index) the regexes that match somewhere in the post, by
    /// walking both sets at once; `matched` keeps the per-view pattern sets between posts.
    fn open(
        &self,
        text: &str,
        words: &View,
        found: &mut [bool],
        opened: &mut Vec<usize>,
        matched: &mut Option<[PatternSet; 2]>,
    ) {
        let sizes = [self.raw.pattern_len(), self.words.pattern_len()];
        let found_by_view = matched.get_or_insert_with(|| sizes.map(PatternSet::new));
        // This worker's caches; another thread takes spare ones.
        let mut own = rayon::current_thread_index()
            .and_then(|i| self.caches.get(i))
            .and_then(|c| c.0.try_lock().ok());
        let mut spare = None;
        let caches: &mut SetCaches = match own.as_deref_mut() {
            Some(c) => c,
            None => spare.insert(
                self.spare
                    .lock()
                    .ok()
                    .and_then(|mut s| s.pop())
                    .unwrap_or_default(),
            ),
        };
        let [raw_found, words_found] = found_by_view;
        let [raw_cache, words_cache] = caches;
        let views = [
            (&self.raw, &self.raw_ids, text, raw_cache, raw_found),
            (
                &self.words,
                &self.words_ids,
                words.text.as_str(),
                words_cache,
                words_found,
            ),
        ];
        // A set of no regexes (a pack of terms only) is not searched at all.
        let [a, b] = views.map(|(set, ids, hay, cache, found)| {
            if ids.is_empty() {
                return None;
            }
            found.clear();
            let cache = cache.get_or_insert_with(|| set.create_cache());
            Some(Search {
                set,
                cache,
                hay: hay.as_bytes(),
                found,
            })
        });
        let complete = search_both(a, b);
        for (view, (ids, complete)) in [&self.raw_ids, &self.words_ids]
            .into_iter()
            .zip(complete)
            .enumerate()
        {
            match complete {
                None => {}
                // Iterating a set visits every pattern slot: most paragraphs match none.
                Some(true) if found_by_view[view].is_empty() => {}
                Some(true) => {
                    for p in found_by_view[view].iter() {
                        if let Some(&id) = ids.get(p.as_usize())
                            && let Some(f) = found.get_mut(id)
                        {
                            *f = true;
                            opened.push(id);
                        }
                    }
                }
                // The DFA gave up (a Unicode `\b` on non-ASCII text): every regex of
                // the view runs, and decides.
                Some(false) => {
                    for &id in ids {
                        if let Some(f) = found.get_mut(id) {
                            *f = true;
                            opened.push(id);
                        }
                    }
                }
            }
        }
        // Only a thread that took spare caches touches the shared pool: locking it for
        // every paragraph made the workers pass its cache line back and forth.
        if let Some(caches) = spare
            && let Ok(mut pool) = self.spare.lock()
        {
            pool.push(caches);
        }
    }
}

/// Room for the lazy DFA of each regex set, per thread: enough that Italian prose does not
/// keep clearing it.
const REGEX_SET_DFA: usize = 8 * 1024 * 1024;

/// Hash maps keyed by patterns a few kilobytes long, built at every start: SipHash over
/// them showed in the start-up profile.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Literals and the regexes each opens, flat: two allocations per literal (its text and
/// its list of regexes) for the 2,300 literals of the built-in packs were a sixth of the
/// memory a short check touches.
#[derive(Default)]
struct Literals {
    text: String,
    /// Per literal: its range in `text` and in `ids`.
    spans: Vec<((usize, usize), (usize, usize))>,
    ids: Vec<usize>,
}

impl Literals {
    fn len(&self) -> usize {
        self.spans.len()
    }

    fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    fn get(&self, i: usize) -> (&str, &[usize]) {
        match self.spans.get(i) {
            Some(&((a, b), (c, d))) => (
                self.text.get(a..b).unwrap_or(""),
                self.ids.get(c..d).unwrap_or(&[]),
            ),
            None => ("", &[]),
        }
    }

    fn iter(&self) -> impl Iterator<Item = (&str, &[usize])> {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// The literals of one view while the rules are read: each in the order first used (sorting
/// them, for a stable order, showed in the start-up profile), with the regexes it opens.
#[derive(Default)]
struct LiteralsBuilder {
    index: FastMap<String, usize>,
    /// (literal slot, regex), in the order added.
    opens: Vec<(usize, usize)>,
}

impl LiteralsBuilder {
    fn add(&mut self, literal: String, id: usize) {
        let next = self.index.len();
        let slot = *self.index.entry(literal).or_insert(next);
        self.opens.push((slot, id));
    }

    fn build(self) -> Literals {
        let mut slots: Vec<Option<String>> = vec![None; self.index.len()];
        for (literal, slot) in self.index {
            if let Some(s) = slots.get_mut(slot) {
                *s = Some(literal);
            }
        }
        // The regexes of each literal together, in the order added (a counting sort).
        let mut counts = vec![0usize; slots.len() + 1];
        for &(slot, _) in &self.opens {
            counts[slot + 1] += 1;
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let mut ids = vec![0; self.opens.len()];
        let mut fill = counts.clone();
        for &(slot, id) in &self.opens {
            ids[fill[slot]] = id;
            fill[slot] += 1;
        }
        let mut lits = Literals {
            text: String::new(),
            spans: Vec::with_capacity(slots.len()),
            ids,
        };
        for (slot, literal) in slots.iter().enumerate() {
            let start = lits.text.len();
            lits.text.push_str(literal.as_deref().unwrap_or(""));
            lits.spans
                .push(((start, lits.text.len()), (counts[slot], counts[slot + 1])));
        }
        lits
    }
}

#[derive(Default)]
struct GateBuilder {
    raw: LiteralsBuilder,
    words: LiteralsBuilder,
    needs: Vec<(bool, usize)>,
    sources: Vec<Arc<LazyRegex>>,
    whole_words: Vec<bool>,
    /// One compiled regex per distinct pattern: many rules share context patterns (a
    /// person's initials, a name), and each compile costs a fraction of a millisecond.
    shared: FastMap<(String, ViewKind), Arc<LazyRegex>>,
}

impl GateBuilder {
    /// The regex for a pattern (`source` as written, `filled` with placeholders), shared
    /// with every other rule that uses the same one, and gated by its requirement.
    /// `whole_words`: whether this use keeps only matches with clean edges.
    fn regex(
        &mut self,
        source: &str,
        filled: String,
        view: ViewKind,
        builtin_rule: bool,
        whole_words: bool,
    ) -> Arc<LazyRegex> {
        let key = (filled, view);
        if let Some(re) = self.shared.get(&key) {
            if let Some(w) = re.gate.and_then(|g| self.whole_words.get_mut(g)) {
                *w &= whole_words;
            }
            return re.clone();
        }
        let mut re = LazyRegex::new(key.0.clone(), view);
        self.gate(&mut re, literals_for(source, builtin_rule));
        self.whole_words.push(whole_words);
        let re = Arc::new(re);
        self.sources.push(re.clone());
        self.shared.insert(key, re.clone());
        re
    }

    /// Gives a regex its gate: every regex has one (the regex sets open it in large runs),
    /// with its requirement when known.
    fn gate(&mut self, re: &mut LazyRegex, req: Option<Requirement>) {
        let id = self.needs.len();
        re.gate = Some(id);
        let Some(req) = req.filter(|r| !r.literals.is_empty() || r.min_digits > 0) else {
            self.needs.push((false, 0));
            return;
        };
        self.needs.push((!req.literals.is_empty(), req.min_digits));
        let list = match re.view {
            ViewKind::Raw => &mut self.raw,
            ViewKind::Words => &mut self.words,
        };
        for l in req.literals {
            list.add(l, id);
        }
    }

    fn build(self) -> LiteralGate {
        LiteralGate {
            raw: self.raw.build(),
            words: self.words.build(),
            needs: self.needs,
            sources: self.sources,
            whole_words: self.whole_words,
            raw_ac: OnceLock::new(),
            words_ac: OnceLock::new(),
            sets: OnceLock::new(),
        }
    }
}

impl LiteralGate {
    /// The regex sets of a large run, built on first use.
    fn sets(&self) -> Option<&RegexSets> {
        self.sets
            .get_or_init(|| RegexSets::build(&self.sources, &self.whole_words))
            .as_ref()
    }

    /// Which gated regexes may match.
    fn open(
        &self,
        text: &str,
        words: &View,
        big: bool,
        found: &mut Vec<bool>,
        opened: &mut Vec<usize>,
        matched: &mut Option<[PatternSet; 2]>,
    ) {
        found.clear();
        found.resize(self.needs.len(), false);
        opened.clear();
        if big && let Some(sets) = self.sets() {
            sets.open(text, words, found, opened, matched);
            return;
        }
        let lower;
        let hays = [
            (&self.raw, &self.raw_ac, true, {
                lower = if big || self.raw.is_empty() {
                    String::new()
                } else {
                    text.to_ascii_lowercase()
                };
                if big { text } else { lower.as_str() }
            }),
            (&self.words, &self.words_ac, false, words.text.as_str()),
        ];
        for (lits, ac_cell, ci, hay) in hays {
            if lits.is_empty() {
                continue;
            }
            if big {
                let ac = ac_cell.get_or_init(|| {
                    AhoCorasickBuilder::new()
                        .match_kind(MatchKind::Standard)
                        .ascii_case_insensitive(ci)
                        .build(lits.iter().map(|l| l.0))
                        .ok()
                });
                match ac {
                    Some(ac) => {
                        for m in ac.find_overlapping_iter(hay) {
                            for &id in lits.get(m.pattern().as_usize()).1 {
                                found[id] = true;
                            }
                        }
                    }
                    None => found.iter_mut().for_each(|f| *f = true),
                }
            } else {
                let pairs = BytePairs::of(hay);
                for (lit, ids) in lits.iter() {
                    if pairs.may_contain(lit) && hay.contains(lit) {
                        for &id in ids {
                            found[id] = true;
                        }
                    }
                }
            }
        }
        let digits = if self.needs.iter().any(|n| n.1 > 0) {
            text.chars().filter(|c| c.is_numeric()).count()
        } else {
            0
        };
        for (&(needs_literal, min_digits), found) in self.needs.iter().zip(found.iter_mut()) {
            *found = (*found || !needs_literal) && digits >= min_digits;
        }
        opened.extend(
            found
                .iter()
                .enumerate()
                .filter(|(_, o)| **o)
                .map(|(g, _)| g),
        );
    }
}

fn may_match(re: &LazyRegex, open: &[bool]) -> bool {
    re.gate.is_none_or(|g| open.get(g).copied().unwrap_or(true))
}

pub struct Engine {
    pub rules: Vec<ActiveRule>,
    /// Terms that find candidates (matchers, exceptions, keywords): matched in every post.
    terms: TermTable,
    /// Terms of conditions: common words (articles, pronouns), matched only in posts where a
    /// rule that needs them has candidates.
    context: TermTable,
    evasion: Option<TermTable>,
    maskable: Vec<MaskableTerm>,
    gate: LiteralGate,
    /// By gate index: the pattern rules whose matcher that regex is. A post visits only the
    /// rules of the regexes its gate opens: following every rule's regexes to their gate
    /// was a tenth of a large run.
    rules_by_gate: Vec<Vec<usize>>,
    /// Pattern rules with an ungated regex, and metric rules: visited in every post.
    always_visited: Vec<usize>,
    contacts: Vec<String>,
}

/// Bytes checked so far in this process, by every engine: a run with engines for several
/// profiles is large as a whole, not per engine.
static CHECKED: AtomicUsize = AtomicUsize::new(0);

/// The owner a precomputed (rule, kind, slot) stands for in this engine.
fn owner_for(rule: usize, kind: u8, slot: u16) -> Option<Owner> {
    Some(match kind {
        0 => Owner::Match(rule),
        1 => Owner::Condition(rule, slot as usize),
        2 => Owner::Exception(rule),
        3 => Owner::Keyword(rule),
        _ => return None,
    })
}

/// Whether a selector (rule id or category id) names a rule.
fn selects(selector: &str, rule: &LoadedRule) -> bool {
    selector == rule.def.id || selector == rule.def.category.id()
}

/// Checks that every selector names a loaded rule or a category, so a typo in `--select`
/// does not silently select nothing.
pub fn check_selectors(set: &RuleSet, selectors: &[String]) -> Result<()> {
    for s in selectors {
        if Category::from_id(s).is_none() && set.get(s).is_none() {
            bail!(
                "«{s}» non è né una regola né una categoria / is neither a rule nor a category (vedi `vaglio rules`)"
            );
        }
    }
    Ok(())
}

fn conditions_of(def: &Option<OneOrMany<ConditionDef>>) -> &[ConditionDef] {
    match def {
        Some(OneOrMany::One(c)) => std::slice::from_ref(c),
        Some(OneOrMany::Many(v)) => v,
        None => &[],
    }
}

impl Engine {
    pub fn new(set: &RuleSet, opts: &EngineOptions) -> Result<Engine> {
        check_selectors(set, &opts.select)?;
        check_selectors(set, &opts.ignore)?;
        let ph = &opts.placeholders;
        // Terms expanded at run time: user packs, placeholders, rules not precomputed.
        let mut terms: Vec<(String, bool, Owner)> = Vec::new();
        let mut context: Vec<(String, bool, Owner)> = Vec::new();
        let mut evasion: Vec<(String, bool, Owner)> = Vec::new();
        let mut maskable = Vec::new();
        let mut gates = GateBuilder::default();
        // Active built-in rules whose terms come from the precomputed tables.
        let mut precomputed: HashMap<&str, (usize, bool)> = HashMap::new();
        let mut rules = Vec::new();
        for loaded in &set.rules {
            let def = &loaded.def;
            if !def.profiles().contains(&opts.profile)
                || (!opts.select.is_empty() && !opts.select.iter().any(|s| selects(s, loaded)))
                || opts.ignore.iter().any(|s| selects(s, loaded))
            {
                continue;
            }
            let r = rules.len();
            let ctx = |e: anyhow::Error| anyhow!("regola «{}» ({}): {e:#}", def.id, loaded.origin);
            let builtin_rule = loaded.origin.starts_with("builtin:");
            let pre = builtin_rule && builtin::is_precomputed(&def.id);
            // Which terms this run expands itself: all of them, or only the placeholders.
            let runtime = |t: &&String| !pre || has_placeholder(t);
            let kind = if !def.terms.is_empty() {
                let mut any = pre && def.terms.iter().any(|t| !has_placeholder(t));
                for t in def.terms.iter().filter(runtime) {
                    for spec in expand_term(t, ph).map_err(ctx)? {
                        any = true;
                        if def.evasion {
                            evasion.push((evasion_form(&spec.words), spec.stem, Owner::Match(r)));
                            if !spec.words.contains(' ') {
                                maskable.push(MaskableTerm {
                                    letters: spec.words.chars().collect(),
                                    stem: spec.stem,
                                    rule: r,
                                });
                            }
                        }
                        terms.push((spec.words, spec.stem, Owner::Match(r)));
                    }
                }
                if !any {
                    // Every term needs a placeholder this configuration does not fill.
                    continue;
                }
                Kind::Terms
            } else if !def.patterns.is_empty() {
                let mut regexes = Vec::new();
                let whole_words = def.word_boundary.unwrap_or(true);
                for p in &def.patterns {
                    if let Some(filled) = expand_pattern(p, ph) {
                        regexes.push(gates.regex(p, filled, def.on, builtin_rule, whole_words));
                    }
                }
                if regexes.is_empty() {
                    continue;
                }
                Kind::Patterns(regexes)
            } else if let Some(m) = &def.metric {
                let mut m = m.clone();
                if m.name == crate::rules::MetricName::Gulpease
                    && let Some(min) = opts.gulpease_min
                {
                    m.below = Some(min);
                }
                Kind::Metric(m)
            } else {
                bail!("regola «{}»: nessun matcher", def.id);
            };
            for t in def.exceptions.iter().filter(runtime) {
                for spec in expand_term(t, ph).map_err(ctx)? {
                    terms.push((spec.words, spec.stem, Owner::Exception(r)));
                }
            }
            for t in def.keywords.iter().filter(runtime) {
                for spec in expand_term(t, ph).map_err(ctx)? {
                    terms.push((spec.words, spec.stem, Owner::Keyword(r)));
                }
            }
            let near = conditions_of(&def.near);
            let unless = conditions_of(&def.unless);
            let mut conditions = Vec::new();
            let defaults = near
                .iter()
                .map(|c| (c, Within::Region(Scope::Sentence)))
                .chain(unless.iter().map(|c| (c, Within::Region(Scope::Sentence))))
                .chain(def.require.iter().map(|c| (c, Within::Region(Scope::Post))));
            for (slot, (c, default_within)) in defaults.enumerate() {
                for t in c.terms.iter().filter(runtime) {
                    for spec in expand_term(t, ph).map_err(ctx)? {
                        context.push((spec.words, spec.stem, Owner::Condition(r, slot)));
                    }
                }
                let mut patterns = Vec::new();
                for p in &c.patterns {
                    if let Some(filled) = expand_pattern(p, ph) {
                        // Condition patterns always ask for whole words.
                        patterns.push(gates.regex(p, filled, c.on, builtin_rule, true));
                    }
                }
                conditions.push(Condition {
                    within: c.within.unwrap_or(default_within),
                    direction: c.direction,
                    patterns,
                });
            }
            if pre {
                precomputed.insert(def.id.as_str(), (r, def.evasion));
            }
            let validate = match &def.validate {
                Some(name) => Some(validators::lookup(name).ok_or_else(|| {
                    anyhow!("regola «{}»: validatore sconosciuto «{name}»", def.id)
                })?),
                None => None,
            };
            let severity = opts
                .role
                .and_then(|role| def.role_severity.get(&role).copied())
                .unwrap_or(def.severity);
            rules.push(ActiveRule {
                rule: loaded.clone(),
                severity,
                kind,
                validate,
                boundary: def.word_boundary.unwrap_or(true),
                has_keywords: !def.keywords.is_empty(),
                has_exceptions: !def.exceptions.is_empty(),
                conditions,
                n_near: near.len(),
                n_unless: unless.len(),
                has_require: def.require.is_some(),
                context_terms: near
                    .iter()
                    .chain(unless)
                    .chain(&def.require)
                    .any(|c| !c.terms.is_empty()),
            });
        }
        let owners: Vec<Option<Owner>> = builtin::OWNERS
            .iter()
            .map(|(id, kind, slot)| {
                precomputed
                    .get(id)
                    .and_then(|&(r, _)| owner_for(r, *kind, *slot))
            })
            .collect();
        for (w, stem, o) in builtin::MASKABLE.iter() {
            if let Some(Some(Owner::Match(r))) = owners.get(o as usize) {
                maskable.push(MaskableTerm {
                    letters: w.chars().collect(),
                    stem,
                    rule: *r,
                });
            }
        }
        let any_static_evasion = precomputed.values().any(|&(_, ev)| ev);
        let evasion = if evasion.is_empty() && !any_static_evasion {
            None
        } else {
            Some(TermTable::new(
                builtin::EVASION_TERMS,
                owners.clone(),
                evasion,
            ))
        };
        let of_kind = |context: bool| -> Vec<Option<Owner>> {
            owners
                .iter()
                .map(|o| o.filter(|o| matches!(o, Owner::Condition(..)) == context))
                .collect()
        };
        let gate = gates.build();
        let mut rules_by_gate = vec![Vec::new(); gate.needs.len()];
        let mut always_visited = Vec::new();
        for (r, rule) in rules.iter().enumerate() {
            match &rule.kind {
                Kind::Patterns(regexes) => {
                    for re in regexes {
                        match re.gate.and_then(|g| rules_by_gate.get_mut(g)) {
                            Some(by_gate) => by_gate.push(r),
                            None => always_visited.push(r),
                        }
                    }
                }
                Kind::Metric(_) => always_visited.push(r),
                Kind::Terms => {}
            }
        }
        always_visited.dedup();
        Ok(Engine {
            rules,
            rules_by_gate,
            always_visited,
            terms: TermTable::new(builtin::TERMS, of_kind(false), terms),
            context: TermTable::new(builtin::TERMS, of_kind(true), context),
            evasion,
            maskable,
            gate,
            contacts: opts.contacts.iter().map(|c| contact_key(c)).collect(),
        })
    }

    /// Checks one post; hits are sorted by position and de-duplicated. A text longer than
    /// [`MAX_POST`] is not one post: each of its paragraphs (separated by blank lines) is
    /// checked as a post of its own, in chunks of paragraphs checked in parallel.
    pub fn check(&self, text: &str) -> Result<Vec<Hit>> {
        if text.len() <= MAX_POST {
            let before = CHECKED.fetch_add(text.len(), Ordering::Relaxed);
            let big = text.len() > SMALL_POST || before > SMALL_RUN;
            return self.check_post_with(text, big, &mut Scratch::default());
        }
        use rayon::prelude::*;
        // A long text is a large run by itself: the shared automata pay off at once. They
        // are built here, before the workers start, so that all of them build in parallel
        // rather than one worker building each while the others wait for it.
        CHECKED.fetch_add(text.len(), Ordering::Relaxed);
        self.prepare_large_run();
        let chunks = split_chunks(text, CHUNK);
        // One set of buffers per rayon job rather than per chunk: allocating the state of
        // every rule again for each 16 KB showed in the profile.
        let parts: Vec<Result<Vec<Hit>>> = chunks
            .par_iter()
            // Small jobs: rayon otherwise splits a few times and leaves each worker a
            // quarter of the text, and the last of them ran alone for a tenth of a large run.
            .with_max_len(JOB_CHUNKS)
            .map_init(Scratch::default, |scratch, &(base, chunk)| {
                let mut hits = Vec::new();
                for (offset, post) in paragraphs(chunk) {
                    let found = self.check_post_with(post, true, scratch)?;
                    hits.extend(found.into_iter().map(|h| Hit {
                        start: h.start + base + offset,
                        end: h.end + base + offset,
                        rule: h.rule,
                    }));
                }
                Ok(hits)
            })
            .collect();
        let mut all = Vec::new();
        for p in parts {
            all.extend(p?);
        }
        Ok(all)
    }

    /// Builds, in parallel, what a large run uses: the regex sets and every term index.
    /// Errors are left for the first post to report.
    fn prepare_large_run(&self) {
        use rayon::prelude::*;
        let tables = [
            Some(&self.terms),
            Some(&self.context),
            self.evasion.as_ref(),
        ];
        rayon::join(
            || {
                self.gate.sets();
            },
            || {
                tables.par_iter().flatten().for_each(|t| {
                    let _ = t.full();
                })
            },
        );
    }

    /// Every term hit in a view: with the automaton of every term for large inputs, else
    /// by looking each word up in the sorted tables.
    fn find_terms(
        &self,
        table: &TermTable,
        view: &View,
        big: bool,
        accept: impl FnMut(usize, usize) -> bool,
        out: &mut Vec<TermHit>,
    ) -> Result<()> {
        if big {
            table.full()?.find(view, accept, out);
        } else {
            table.find_direct(view, accept, out);
        }
        Ok(())
    }

    /// Marks the run as large (many or big inputs): automata are built once and used for
    /// every post from now on.
    pub fn expect_volume(&self, bytes: usize) {
        if bytes > SMALL_RUN {
            CHECKED.fetch_add(bytes, Ordering::Relaxed);
        }
    }

    /// `big`: match with the automaton of every term instead of the post's own. `scratch`
    /// is left clean for the next post.
    fn check_post_with(&self, text: &str, big: bool, scratch: &mut Scratch) -> Result<Vec<Hit>> {
        scratch.reset(self.rules.len());
        let mut words = std::mem::take(&mut scratch.words);
        word_view_into(text, &mut words);
        let result = self.check_view(text, &words, big, scratch);
        scratch.words = words;
        scratch.clear();
        result
    }

    fn check_view(
        &self,
        text: &str,
        words: &View,
        big: bool,
        scratch: &mut Scratch,
    ) -> Result<Vec<Hit>> {
        let locate = Locator {
            tokens: &words.tokens,
        };
        let term_hits = &mut scratch.term_hits;
        term_hits.clear();
        self.find_terms(&self.terms, words, big, |_, _| true, term_hits)?;
        record_terms(words, &locate, term_hits, &mut scratch.rules, |_| true);

        if let Some(ev_table) = &self.evasion
            && may_evade_with(text, words)
        {
            let (ev, masked) = evasion_view(text);
            let ev_hits = &mut scratch.term_hits;
            ev_hits.clear();
            self.find_terms(
                ev_table,
                &ev,
                big,
                |s, e| {
                    let a = ev.token_at(s);
                    let b = ev.token_at(e.saturating_sub(1));
                    ev.tokens
                        .get(a..=b.max(a))
                        .is_some_and(|t| t.iter().any(|t| t.evasive))
                },
                ev_hits,
            )?;
            record_terms(&ev, &locate, ev_hits, &mut scratch.rules, |_| true);
            for word in &masked {
                for term in &self.maskable {
                    if mask_fits(word, term) {
                        scratch
                            .rules
                            .get(term.rule)
                            .cands
                            .push(locate.span(word.orig_start, word.orig_end));
                    }
                }
            }
        }

        let open = &mut scratch.open;
        let opened = &mut scratch.opened;
        self.gate.open(
            text,
            words,
            big,
            open,
            opened,
            &mut scratch.matched_patterns,
        );
        let visit = &mut scratch.visit;
        visit.clear();
        visit.extend_from_slice(&self.always_visited);
        // The opened gates as a list: most paragraphs open a few of some two hundred, and
        // scanning all of them was a quarter of this function's own time.
        for &g in opened.iter() {
            if let Some(rules) = self.rules_by_gate.get(g) {
                visit.extend_from_slice(rules);
            }
        }
        // In rule order, as a pass over every rule would go.
        visit.sort_unstable();
        visit.dedup();
        let state = &mut scratch.rules;
        let mut buf = Vec::new();
        let mut stats = None;
        for &r in visit.iter() {
            let rule = &self.rules[r];
            match &rule.kind {
                Kind::Patterns(regexes) => {
                    if rule.has_keywords && !state.peek(r).is_some_and(|s| s.keyword) {
                        continue;
                    }
                    for re in regexes.iter().filter(|re| may_match(re, open)) {
                        buf.clear();
                        re.find(text, words, rule.boundary, big, &mut buf)
                            .map_err(|e| anyhow!("regola «{}»: {e}", rule.id()))?;
                        for &(s, e) in &buf {
                            if let Some(v) = rule.validate
                                && !text.get(s..e).is_some_and(v)
                            {
                                continue;
                            }
                            state.get(r).cands.push(locate.span(s, e));
                        }
                    }
                }
                Kind::Metric(m) => {
                    let stats = stats.get_or_insert_with(|| metric::Stats::of(text));
                    if let Some(span) = metric_hit(m, stats, text, words) {
                        state.get(r).cands.push(locate.span(span.0, span.1));
                    }
                }
                Kind::Terms => {}
            }
        }

        // Context terms, for the rules that have something to judge.
        let needs_context = |r: usize, state: &RuleStates| {
            self.rules[r].context_terms && state.peek(r).is_some_and(|s| !s.cands.is_empty())
        };
        if state.touched.iter().any(|&r| needs_context(r, state)) {
            let ctx_hits = &mut scratch.term_hits;
            ctx_hits.clear();
            self.find_terms(&self.context, words, big, |_, _| true, ctx_hits)?;
            let wanted: Vec<bool> = (0..self.rules.len())
                .map(|r| needs_context(r, state))
                .collect();
            record_terms(words, &locate, ctx_hits, state, |r| wanted[r]);
        }

        let regions = OnceCell::new();
        let mut hits = Vec::new();
        let mut touched = std::mem::take(&mut state.touched);
        touched.sort_unstable();
        for &r in &touched {
            let rule = &self.rules[r];
            let st = state.get(r);
            if st.cands.is_empty() {
                continue;
            }
            // Condition patterns run only for rules that have something to judge.
            for (slot, cond) in rule.conditions.iter().enumerate() {
                for re in cond.patterns.iter().filter(|re| may_match(re, open)) {
                    buf.clear();
                    re.find(text, words, true, big, &mut buf)
                        .map_err(|e| anyhow!("regola «{}»: {e}", rule.id()))?;
                    for &(s, e) in &buf {
                        st.slot(slot).push(locate.span(s, e));
                    }
                }
            }
            let mut cands = std::mem::take(&mut st.cands);
            cands.sort_by_key(|c| (c.start, std::cmp::Reverse(c.end)));
            cands.dedup();
            if rule.has_exceptions {
                cands.retain(|c| !st.exceptions.iter().any(|x| x.overlaps(c)));
            }
            let holds = |slot: usize, c: &Span| {
                let cond = &rule.conditions[slot];
                st.conds.get(slot).is_some_and(|hits| {
                    let regions = regions.get_or_init(|| Regions::new(text));
                    hits.iter().any(|h| cond.holds(regions, c, h))
                })
            };
            cands.retain(|c| (0..rule.n_near).all(|slot| holds(slot, c)));
            cands
                .retain(|c| !(rule.n_near..rule.n_near + rule.n_unless).any(|slot| holds(slot, c)));
            if rule.category() == Category::PersonalData && !self.contacts.is_empty() {
                cands.retain(|c| {
                    let key = contact_key(text.get(c.start..c.end).unwrap_or(""));
                    !self.contacts.contains(&key)
                });
            }
            if rule.has_require {
                let slot = rule.n_near + rule.n_unless;
                cands.retain(|c| !holds(slot, c));
                cands.truncate(1);
            }
            // One finding per stretch of text: a hit inside a longer hit of the same rule
            // (a word inside a phrase) is the same problem.
            let mut last_end = 0;
            for c in &cands {
                if c.start < last_end {
                    continue;
                }
                last_end = c.end;
                hits.push(Hit {
                    start: c.start,
                    end: c.end,
                    rule: r,
                });
            }
            // Hand the buffer back, so its capacity serves the next post.
            cands.clear();
            st.cands = cands;
        }
        state.touched = touched;
        hits.sort();
        Ok(hits)
    }

    pub fn rule(&self, hit: &Hit) -> &ActiveRule {
        &self.rules[hit.rule]
    }
}

/// Records term hits in the state of the rules they belong to (those `wanted`).
fn record_terms(
    view: &View,
    locate: &Locator,
    hits: &[TermHit],
    state: &mut RuleStates,
    wanted: impl Fn(usize) -> bool,
) {
    for h in hits {
        let rule = match h.owner {
            Owner::Match(r) | Owner::Condition(r, _) | Owner::Exception(r) | Owner::Keyword(r) => r,
        };
        if !wanted(rule) {
            continue;
        }
        let (s, e) = view.original_span(h.norm_start, h.norm_end);
        let st = state.get(rule);
        match h.owner {
            Owner::Match(_) => st.cands.push(locate.span(s, e)),
            Owner::Condition(_, slot) => st.slot(slot).push(locate.span(s, e)),
            Owner::Exception(_) => st.exceptions.push(locate.span(s, e)),
            Owner::Keyword(_) => st.keyword = true,
        }
    }
}

/// Buffers reused from one post to the next: a large file has hundreds of thousands of
/// paragraphs, and allocating the state of every rule for each of them would cost more
/// than checking most of them.
#[derive(Default)]
pub struct Scratch {
    words: View,
    rules: RuleStates,
    term_hits: Vec<TermHit>,
    open: Vec<bool>,
    /// The indices of `open` that are set.
    opened: Vec<usize>,
    visit: Vec<usize>,
    matched_patterns: Option<[PatternSet; 2]>,
}

impl Scratch {
    fn reset(&mut self, rules: usize) {
        if self.rules.states.len() < rules {
            self.rules.states.resize_with(rules, RuleState::default);
        }
    }

    fn clear(&mut self) {
        for r in self.rules.touched.drain(..) {
            if let Some(st) = self.rules.states.get_mut(r) {
                st.clear();
            }
        }
    }
}

/// The state of every rule in one post, with the list of those touched.
#[derive(Default)]
struct RuleStates {
    states: Vec<RuleState>,
    touched: Vec<usize>,
}

impl RuleStates {
    fn get(&mut self, r: usize) -> &mut RuleState {
        let st = &mut self.states[r];
        if !st.touched {
            st.touched = true;
            self.touched.push(r);
        }
        st
    }

    fn peek(&self, r: usize) -> Option<&RuleState> {
        self.states.get(r).filter(|s| s.touched)
    }
}

#[derive(Default)]
struct RuleState {
    touched: bool,
    cands: Vec<Span>,
    conds: Vec<Vec<Span>>,
    exceptions: Vec<Span>,
    keyword: bool,
}

impl RuleState {
    fn slot(&mut self, slot: usize) -> &mut Vec<Span> {
        if self.conds.len() <= slot {
            self.conds.resize_with(slot + 1, Vec::new);
        }
        &mut self.conds[slot]
    }

    fn clear(&mut self) {
        self.touched = false;
        self.cands.clear();
        self.conds.iter_mut().for_each(Vec::clear);
        self.exceptions.clear();
        self.keyword = false;
    }
}

/// The paragraphs of a text (runs of lines between blank lines), with their offsets.
fn paragraphs(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut pos = 0;
    // Lines found with memchr: `split_inclusive` spent more on each of the 1.7 million lines
    // of a 100 MB file than the test for a blank one.
    let ends = memchr::memchr_iter(b'\n', text.as_bytes())
        .map(|i| i + 1)
        .chain((!text.ends_with('\n')).then_some(text.len()));
    for line_end in ends {
        let line = text.get(pos..line_end).unwrap_or("");
        if line.trim().is_empty() {
            if let Some(s) = start.take() {
                out.push((s, &text[s..end]));
            }
        } else {
            start.get_or_insert(pos);
            end = line_end;
        }
        pos = line_end;
    }
    if let Some(s) = start {
        out.push((s, &text[s..end]));
    }
    out
}

/// The first non-empty line of a post, trimmed: where a post-level metric is reported.
fn first_line_span(text: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            let lead = line.len() - line.trim_start().len();
            return Some((offset + lead, offset + lead + trimmed.len()));
        }
        offset += line.len();
    }
    None
}

fn metric_hit(
    m: &MetricDef,
    stats: &metric::Stats,
    text: &str,
    words: &View,
) -> Option<(usize, usize)> {
    let (value, counts) = metric::measure(m.name, stats, words);
    if m.min_letters.is_some_and(|n| counts.letters < n)
        || m.min_words.is_some_and(|n| counts.words < n)
    {
        return None;
    }
    let fires = m.above.is_some_and(|a| value > a) || m.below.is_some_and(|b| value < b);
    if fires { first_line_span(text) } else { None }
}

/// The required literals of a pattern: precomputed for the built-in packs, extracted here
/// for the others.
fn literals_for(pattern: &str, builtin_rule: bool) -> Option<Requirement> {
    if builtin_rule && let Some(req) = builtin::requirement_of(pattern) {
        return Some(req);
    }
    requirement(pattern)
}

/// Cuts a long text into chunks of at most `max` bytes, preferring a blank line, then a line
/// break, then a space, as the place to cut.
pub fn split_chunks(text: &str, max: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        if text.len() - pos <= max {
            out.push((pos, &text[pos..]));
            break;
        }
        let limit = crate::text::floor_char_boundary(text, pos + max);
        let window = &text[pos..limit];
        let cut = window
            .rfind("\n\n")
            .map(|i| i + 2)
            .or_else(|| window.rfind('\n').map(|i| i + 1))
            .or_else(|| window.rfind(' ').map(|i| i + 1))
            .filter(|&i| i > 0)
            .unwrap_or(window.len().max(1));
        let end = crate::text::floor_char_boundary(text, pos + cut).max(pos + 1);
        let end = if text.is_char_boundary(end) {
            end
        } else {
            limit
        };
        out.push((pos, &text[pos..end]));
        pos = end;
    }
    out
}

/// The comparable form of a contact: digits only for numbers (without the +39/0039
/// prefix), lower case without spaces for addresses.
pub fn contact_key(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    if digits.len() >= 6 && letters <= 2 {
        let d = digits
            .strip_prefix("0039")
            .or_else(|| {
                if s.trim_start().starts_with('+') {
                    digits.strip_prefix("39")
                } else {
                    None
                }
            })
            .unwrap_or(&digits);
        return d.to_string();
    }
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(pack: &str, opts: EngineOptions) -> (Engine, RuleSet) {
        let mut set = RuleSet::default();
        set.add_source("t.toml", pack).unwrap();
        (Engine::new(&set, &opts).unwrap(), set)
    }

    #[test]
    fn literals_keep_the_order_first_used_and_every_regex_they_open() {
        let mut b = LiteralsBuilder::default();
        for (lit, id) in [
            ("bozza", 3),
            ("verbale", 1),
            ("bozza", 0),
            ("pec", 2),
            ("bozza", 5),
        ] {
            b.add(lit.to_string(), id);
        }
        let lits = b.build();
        let all: Vec<(&str, &[usize])> = lits.iter().collect();
        assert_eq!(
            all,
            [
                ("bozza", &[3, 0, 5][..]),
                ("verbale", &[1][..]),
                ("pec", &[2][..])
            ]
        );
        assert_eq!(lits.get(7), ("", &[][..]));
        assert!(LiteralsBuilder::default().build().is_empty());
    }

    fn pack(rule_body: &str) -> String {
        format!(
            r#"
[pack]
id = "t"
name = "t"
version = "1"
language = "it"

[[rule]]
id = "offensive/t"
category = "offensive"
severity = "error"
message = "m"
explain = "e"
reference = "r"
tests = {{ bad = ["x"], good = ["y"] }}
{rule_body}
"#
        )
    }

    fn spans(e: &Engine, text: &str) -> Vec<String> {
        e.check(text)
            .unwrap()
            .iter()
            .map(|h| text[h.start..h.end].to_string())
            .collect()
    }

    /// The text of every example of every rule in a set.
    fn examples(set: &RuleSet) -> Vec<String> {
        set.rules
            .iter()
            .filter_map(|r| r.def.tests.as_ref())
            .flat_map(|t| t.bad.iter().chain(&t.good))
            .map(|e| e.text().to_string())
            .collect()
    }

    /// The per-post automaton and the full one must find exactly the same things: checked
    /// on every example of every built-in rule, in every profile.
    #[test]
    fn small_and_full_automata_agree() {
        let set = RuleSet::builtin().unwrap();
        let texts = examples(&set);
        for profile in Profile::ALL {
            let e = Engine::new(
                &set,
                &EngineOptions {
                    profile,
                    ..Default::default()
                },
            )
            .unwrap();
            for t in &texts {
                let mut scratch = Scratch::default();
                assert_eq!(
                    e.check_post_with(t, false, &mut scratch).unwrap(),
                    e.check_post_with(t, true, &mut scratch).unwrap(),
                    "{t}"
                );
            }
        }
    }

    /// In a large run the regex sets follow only matches that start at a word when every
    /// rule using a regex wants whole words. A rule that takes matches inside words gets
    /// them still, also when it shares its regex with one that does not; on either view.
    #[test]
    fn matches_inside_words_reach_the_rules_that_take_them() {
        let rule = |id: &str, on: &str, pattern: &str, whole: bool| {
            format!(
                "[[rule]]\nid = \"{id}\"\ncategory = \"offensive\"\nseverity = \"error\"\n\
                 message = \"m\"\nexplain = \"e\"\nreference = \"r\"\non = \"{on}\"\n\
                 patterns = ['{pattern}']\nword_boundary = {whole}\n\
                 tests = {{ bad = [\"x\"], good = [\"y\"] }}\n"
            )
        };
        let pack = [
            "[pack]\nid = \"t\"\nname = \"t\"\nversion = \"1\"\nlanguage = \"it\"\n".to_string(),
            // The whole-word rule first: the regex is made for it, then shared.
            rule("offensive/whole-raw", "raw", "(?i)cane", true),
            rule("offensive/inside-raw", "raw", "(?i)cane", false),
            rule("offensive/value-raw", "raw", "(?P<value>gatt[oi])x?", true),
            rule("offensive/inside-words", "words", "lupo", false),
            rule("offensive/whole-words", "words", "orso bruno", true),
        ]
        .concat();
        let (e, _) = engine(&pack, EngineOptions::default());
        let found = |text: &str, big: bool| -> Vec<(String, &str)> {
            let hits = e
                .check_post_with(text, big, &mut Scratch::default())
                .unwrap();
            hits.iter()
                .map(|h| (text[h.start..h.end].to_string(), e.rule(h).id()))
                .collect()
        };
        for text in [
            "Scane, il cane e il Cane.",
            "ilcane",
            "gatto, agatto, gatti",
            "Il lupo e il dilupo, l'orso bruno e il gorso bruno",
            "perché cane è lupo",
        ] {
            assert_eq!(found(text, true), found(text, false), "{text}");
        }
        let big = found("Scane ilcane lupodi l'orso brunoo", true);
        assert!(
            big.contains(&("cane".into(), "offensive/inside-raw")),
            "{big:?}"
        );
        // A word-view match maps back to the whole original word.
        assert!(
            big.contains(&("lupodi".into(), "offensive/inside-words")),
            "{big:?}"
        );
        assert!(!big.iter().any(|h| h.1 == "offensive/whole-raw"), "{big:?}");
    }

    /// `check` loads the built-in packs without examples and with thinned term lists: the
    /// engine it builds must find exactly what the full packs find.
    #[test]
    fn packs_without_examples_find_the_same() {
        let full = RuleSet::builtin().unwrap();
        let lean = RuleSet::builtin_without_examples().unwrap();
        let texts = examples(&full);
        let opts = EngineOptions {
            placeholders: Placeholders {
                entity: vec!["Comune di Biella".into()],
                disclaimer: vec!["opinioni personali".into()],
                ..Default::default()
            },
            ..Default::default()
        };
        for profile in Profile::ALL {
            let opts = EngineOptions {
                profile,
                ..opts.clone()
            };
            let a = Engine::new(&full, &opts).unwrap();
            let b = Engine::new(&lean, &opts).unwrap();
            assert_eq!(a.rules.len(), b.rules.len());
            for t in &texts {
                assert_eq!(a.check(t).unwrap(), b.check(t).unwrap(), "{t}");
            }
        }
    }

    #[test]
    fn long_texts_are_checked_in_chunks_with_exact_offsets() {
        let (e, _) = engine(&pack("terms = [\"cazzo\"]"), EngineOptions::default());
        let para = "Un paragrafo tranquillo con parole normali e nessun problema.\n\n";
        let mut text = para.repeat(MAX_POST / para.len() + 10);
        text.push_str("che cazzo");
        let hits = e.check(&text).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(&text[hits[0].start..hits[0].end], "cazzo");
        let chunks = split_chunks(&text, CHUNK);
        assert!(chunks.len() >= 2);
        assert_eq!(chunks.iter().map(|c| c.1.len()).sum::<usize>(), text.len());
    }

    #[test]
    fn a_long_text_finds_what_its_paragraphs_find_alone() {
        // A Unicode `\b` makes the set's DFA give up on non-ASCII paragraphs, an ASCII
        // pattern does not: in a long text both must find what they find in a short one.
        let (e, _) = engine(
            &pack("patterns = ['\\bcane\\b', '(?i)gatt[oi] \\d+']"),
            EngineOptions::default(),
        );
        let paras = [
            "Perché il cane è qui?\n\n",
            "il cane\n\n",
            "Sì, tre gatti 12 e un cane.\n\n",
            "il canestro e l'amico\n\n",
        ];
        let mut text = String::new();
        let mut alone = Vec::new();
        while text.len() <= MAX_POST {
            for p in paras {
                for h in e.check(p).unwrap() {
                    alone.push((h.start + text.len(), h.end + text.len()));
                }
                text.push_str(p);
            }
        }
        let long: Vec<_> = e
            .check(&text)
            .unwrap()
            .iter()
            .map(|h| (h.start, h.end))
            .collect();
        assert!(alone.len() > 1000);
        assert_eq!(long, alone);
        // The same sets from a thread outside the pool (spare caches, taken and returned).
        for p in paras {
            let big = e.check_post_with(p, true, &mut Scratch::default()).unwrap();
            assert_eq!(
                big,
                e.check_post_with(p, false, &mut Scratch::default())
                    .unwrap()
            );
        }
        let sets = e.gate.sets.get().and_then(|s| s.as_ref()).unwrap();
        assert_eq!(sets.spare.lock().unwrap().len(), 1);
    }

    #[test]
    fn byte_pairs_never_rule_out_a_literal_that_is_there() {
        let text = "il bando scade il 30 giugno: dall'ufficio";
        let pairs = BytePairs::of(text);
        for lit in ["bando", "il 30", "'u", "o", "", text] {
            assert!(pairs.may_contain(lit), "{lit:?}");
        }
        for lit in ["bandi", "zz", "graduatoria"] {
            assert!(!pairs.may_contain(lit), "{lit:?}");
        }
    }

    #[test]
    fn chunks_respect_char_boundaries() {
        let text = "è".repeat(1000);
        let chunks = split_chunks(&text, 7);
        assert_eq!(chunks.iter().map(|c| c.1).collect::<String>(), text);
    }

    #[test]
    fn paragraphs_are_split_at_blank_lines() {
        let text = "uno\ndue\n\n \t\r\ntre\r\n\u{a0}\n\n\nquattro";
        let got = paragraphs(text);
        assert_eq!(got, [(0, "uno\ndue\n"), (13, "tre\r\n"), (23, "quattro")]);
        for (at, p) in got {
            assert_eq!(&text[at..at + p.len()], p);
        }
        assert!(paragraphs("").is_empty());
        assert!(paragraphs("\n \n").is_empty());
        assert_eq!(paragraphs("solo"), [(0, "solo")]);
    }

    #[test]
    fn terms_with_evasion_and_exceptions() {
        let (e, _) = engine(
            &pack("terms = [\"cazzo\", \"stronz*\"]\nevasion = true\nexceptions = [\"stronzio\"]"),
            EngineOptions::default(),
        );
        assert_eq!(
            spans(
                &e,
                "Che CAZZO! c4zz0, caaazzo, c a z z o, c***o, stronzata, stronzio"
            ),
            [
                "CAZZO",
                "c4zz0",
                "caaazzo",
                "c a z z o",
                "c***o",
                "stronzata"
            ]
        );
        assert!(spans(&e, "la cazzuola e le penne").is_empty());
    }

    #[test]
    fn near_and_unless() {
        let (e, _) = engine(
            &pack(
                "terms = [\"finocchio\"]\nnear = { terms = [\"sei\", \"quel\"], within = 3 }\nunless = { terms = [\"insalata\"], within = \"post\" }",
            ),
            EngineOptions::default(),
        );
        assert_eq!(spans(&e, "sei un finocchio"), ["finocchio"]);
        assert!(spans(&e, "compra un finocchio").is_empty());
        assert!(spans(&e, "sei un finocchio? no, è per l'insalata").is_empty());
    }

    #[test]
    fn require_reports_once_at_the_first_trigger() {
        let (e, _) = engine(
            &pack("terms = [\"lavoro in comune\"]\nrequire = { terms = [\"opinioni personali\"] }"),
            EngineOptions::default(),
        );
        assert_eq!(
            spans(&e, "Lavoro in Comune. Lavoro in comune!"),
            ["Lavoro in Comune"]
        );
        assert!(spans(&e, "Lavoro in Comune, opinioni personali.").is_empty());
    }

    #[test]
    fn patterns_validate_and_keywords_gate() {
        let body = "patterns = ['(?P<value>\\d{4})']\nkeywords = [\"pin\"]";
        let (e, _) = engine(&pack(body), EngineOptions::default());
        assert_eq!(spans(&e, "il pin è 0000, non 12345"), ["0000"]);
        assert!(spans(&e, "niente 0000").is_empty());
    }

    #[test]
    fn contacts_are_not_personal_data() {
        let src = pack("patterns = ['\\d{3} \\d{6}']")
            .replace("offensive/t", "personal-data/t")
            .replace("\"offensive\"", "\"personal-data\"");
        let opts = EngineOptions {
            contacts: vec!["+39 331 749131".into()],
            ..Default::default()
        };
        let (e, _) = engine(&src, opts);
        assert!(spans(&e, "chiama 331 749131").is_empty());
        assert_eq!(spans(&e, "chiama 331 749132"), ["331 749132"]);
    }

    #[test]
    fn role_grades_severity_and_profiles_filter() {
        let body =
            "terms = [\"x\"]\nrole_severity = { dirigente = \"error\" }\nprofiles = [\"personal\"]";
        let src = pack(body).replace("severity = \"error\"", "severity = \"warning\"");
        let (e, _) = engine(
            &src,
            EngineOptions {
                role: Some(Role::Dirigente),
                ..Default::default()
            },
        );
        assert_eq!(e.rules[0].severity, Severity::Error);
        let (e, _) = engine(
            &src,
            EngineOptions {
                profile: Profile::Moderation,
                ..Default::default()
            },
        );
        assert!(e.rules.is_empty());
    }
}
