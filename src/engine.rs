//! The engine: compiles the loaded rules for one profile and role into shared automata, then
//! checks posts. Compiling happens once per run; checking a post is one pass of each
//! automaton over its views plus the few regexes whose keywords are present.

use crate::matchers::conditions::{Condition, Regions};
use crate::matchers::metric;
use crate::matchers::patterns::LazyRegex;
use crate::matchers::terms::{
    MaskableTerm, Owner, TermHit, TermSet, TermSetBuilder, evasion_form, mask_fits,
};
use crate::matchers::{Locator, Span};
use crate::rules::expand::{Placeholders, expand_pattern, expand_term};
use crate::rules::{
    Category, ConditionDef, LoadedRule, MetricDef, OneOrMany, Profile, Role, RuleSet, Scope,
    Severity, Within,
};
use crate::text::{View, evasion_view, word_view};
use crate::validators::{self, Validator};
use anyhow::{Result, anyhow, bail};

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
    Patterns(Vec<LazyRegex>),
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

pub struct Engine {
    pub rules: Vec<ActiveRule>,
    terms: TermSet,
    evasion: Option<TermSet>,
    maskable: Vec<MaskableTerm>,
    contacts: Vec<String>,
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

fn conditions_of(def: &Option<OneOrMany<ConditionDef>>) -> Vec<ConditionDef> {
    def.clone().map(OneOrMany::into_vec).unwrap_or_default()
}

impl Engine {
    pub fn new(set: &RuleSet, opts: &EngineOptions) -> Result<Engine> {
        check_selectors(set, &opts.select)?;
        check_selectors(set, &opts.ignore)?;
        let ph = &opts.placeholders;
        let mut terms = TermSetBuilder::default();
        let mut evasion = TermSetBuilder::default();
        let mut maskable = Vec::new();
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
            let kind = if !def.terms.is_empty() {
                let mut any = false;
                for t in &def.terms {
                    for spec in expand_term(t, ph).map_err(ctx)? {
                        any = true;
                        terms.add(&spec.words, spec.stem, Owner::Match(r));
                        if def.evasion {
                            evasion.add(&evasion_form(&spec.words), spec.stem, Owner::Match(r));
                            if !spec.words.contains(' ') {
                                maskable.push(MaskableTerm {
                                    letters: spec.words.chars().collect(),
                                    stem: spec.stem,
                                    rule: r,
                                });
                            }
                        }
                    }
                }
                if !any {
                    // Every term needs a placeholder this configuration does not fill.
                    continue;
                }
                Kind::Terms
            } else if !def.patterns.is_empty() {
                let regexes: Vec<LazyRegex> = def
                    .patterns
                    .iter()
                    .filter_map(|p| expand_pattern(p, ph))
                    .map(|p| LazyRegex::new(p, def.on))
                    .collect();
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
            for t in &def.exceptions {
                for spec in expand_term(t, ph).map_err(ctx)? {
                    terms.add(&spec.words, spec.stem, Owner::Exception(r));
                }
            }
            for t in &def.keywords {
                for spec in expand_term(t, ph).map_err(ctx)? {
                    terms.add(&spec.words, spec.stem, Owner::Keyword(r));
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
                for t in &c.terms {
                    for spec in expand_term(t, ph).map_err(ctx)? {
                        terms.add(&spec.words, spec.stem, Owner::Condition(r, slot));
                    }
                }
                conditions.push(Condition {
                    within: c.within.unwrap_or(default_within),
                    direction: c.direction,
                    patterns: c
                        .patterns
                        .iter()
                        .filter_map(|p| expand_pattern(p, ph))
                        .map(|p| LazyRegex::new(p, c.on))
                        .collect(),
                });
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
            });
        }
        let evasion = if evasion.is_empty() {
            None
        } else {
            Some(evasion.build()?)
        };
        Ok(Engine {
            rules,
            terms: terms.build()?,
            evasion,
            maskable,
            contacts: opts.contacts.iter().map(|c| contact_key(c)).collect(),
        })
    }

    /// Checks one post; hits are sorted by position and de-duplicated.
    pub fn check(&self, text: &str) -> Result<Vec<Hit>> {
        let words = word_view(text);
        let locate = Locator {
            tokens: &words.tokens,
        };
        let mut state: Vec<RuleState> = (0..self.rules.len())
            .map(|_| RuleState::default())
            .collect();

        let mut term_hits = Vec::new();
        self.terms.find(&words, |_, _| true, &mut term_hits);
        self.record_terms(&words, &locate, &term_hits, &mut state);

        if let Some(ev_terms) = &self.evasion {
            let (ev, masked) = evasion_view(text);
            let mut ev_hits = Vec::new();
            ev_terms.find(
                &ev,
                |s, e| {
                    let a = ev.token_at(s);
                    let b = ev.token_at(e.saturating_sub(1));
                    ev.tokens
                        .get(a..=b.max(a))
                        .is_some_and(|t| t.iter().any(|t| t.evasive))
                },
                &mut ev_hits,
            );
            self.record_terms(&ev, &locate, &ev_hits, &mut state);
            for word in &masked {
                for term in &self.maskable {
                    if mask_fits(word, term) {
                        state[term.rule]
                            .cands
                            .push(locate.span(word.orig_start, word.orig_end));
                    }
                }
            }
        }

        let mut buf = Vec::new();
        for (r, rule) in self.rules.iter().enumerate() {
            match &rule.kind {
                Kind::Patterns(regexes) => {
                    if rule.has_keywords && !state[r].keyword {
                        continue;
                    }
                    for re in regexes {
                        buf.clear();
                        re.find(text, &words, rule.boundary, &mut buf)
                            .map_err(|e| anyhow!("regola «{}»: {e}", rule.id()))?;
                        for &(s, e) in &buf {
                            if let Some(v) = rule.validate
                                && !text.get(s..e).is_some_and(v)
                            {
                                continue;
                            }
                            state[r].cands.push(locate.span(s, e));
                        }
                    }
                }
                Kind::Metric(m) => {
                    if let Some(span) = metric_hit(m, text, &words) {
                        state[r].cands.push(locate.span(span.0, span.1));
                    }
                }
                Kind::Terms => {}
            }
        }

        let regions = Regions::new(text);
        let mut hits = Vec::new();
        for (r, rule) in self.rules.iter().enumerate() {
            let st = &mut state[r];
            if st.cands.is_empty() {
                continue;
            }
            // Condition patterns run only for rules that have something to judge.
            for (slot, cond) in rule.conditions.iter().enumerate() {
                for re in &cond.patterns {
                    buf.clear();
                    re.find(text, &words, true, &mut buf)
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
                st.conds
                    .get(slot)
                    .is_some_and(|hits| hits.iter().any(|h| cond.holds(&regions, c, h)))
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
            for c in cands {
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
        }
        hits.sort();
        Ok(hits)
    }

    fn record_terms(
        &self,
        view: &View,
        locate: &Locator,
        hits: &[TermHit],
        state: &mut [RuleState],
    ) {
        for h in hits {
            let (s, e) = view.original_span(h.norm_start, h.norm_end);
            match h.owner {
                Owner::Match(r) => state[r].cands.push(locate.span(s, e)),
                Owner::Condition(r, slot) => state[r].slot(slot).push(locate.span(s, e)),
                Owner::Exception(r) => state[r].exceptions.push(locate.span(s, e)),
                Owner::Keyword(r) => state[r].keyword = true,
            }
        }
    }

    pub fn rule(&self, hit: &Hit) -> &ActiveRule {
        &self.rules[hit.rule]
    }
}

#[derive(Default)]
struct RuleState {
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

fn metric_hit(m: &MetricDef, text: &str, words: &View) -> Option<(usize, usize)> {
    let (value, counts) = metric::measure(m.name, text, words);
    if m.min_letters.is_some_and(|n| counts.letters < n)
        || m.min_words.is_some_and(|n| counts.words < n)
    {
        return None;
    }
    let fires = m.above.is_some_and(|a| value > a) || m.below.is_some_and(|b| value < b);
    if fires { first_line_span(text) } else { None }
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
