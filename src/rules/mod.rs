//! Rule packs: the schema, loading with errors that name file, line, column and rule, and the
//! built-in packs embedded in the binary.

pub mod builtin;
pub mod expand;
pub mod schema;
pub mod testing;

pub use schema::*;

use anyhow::{Context, Result, anyhow, bail};
use std::collections::HashSet;
use std::sync::Arc;

/// The largest pack file read. The built-in packs together are under 1 MB; a user
/// lexicon of 100,000 words is about 2 MB.
pub const MAX_PACK_BYTES: u64 = 16 * 1024 * 1024;

/// The most rules one pack may hold (the built-in packs have about 120).
pub const MAX_RULES: usize = 10_000;

/// The most terms one pack may expand to, counting every `{a,b}` alternative: the
/// cartesian product of a few groups grows fast, and every term costs memory in the
/// automaton of every engine.
pub const MAX_TERMS: u64 = 1_000_000;

/// A rule as loaded: its definition and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedRule {
    /// Shared: every engine built in a run refers to the same definition.
    pub def: Arc<RuleDef>,
    pub pack: Arc<PackMeta>,
    /// The file the rule was read from (`builtin:rules/x.toml` for embedded packs).
    pub origin: Arc<str>,
}

/// Every loaded rule, in load order; ids are unique.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub packs: Vec<(Arc<PackMeta>, Arc<str>)>,
    pub rules: Vec<LoadedRule>,
    files: Vec<std::path::PathBuf>,
}

impl RuleSet {
    /// The built-in packs.
    pub fn builtin() -> Result<RuleSet> {
        Self::builtin_from(true)
    }

    /// The built-in packs without their rules' examples (`tests`): all `check` needs, and
    /// about half as much to parse at start-up.
    pub fn builtin_without_examples() -> Result<RuleSet> {
        Self::builtin_from(false)
    }

    fn builtin_from(examples: bool) -> Result<RuleSet> {
        let mut set = RuleSet::default();
        for (name, source, full, lean) in builtin::PACKS {
            let origin = format!("builtin:{name}");
            let json = if examples { full } else { lean };
            // The JSON form parses several times faster; the TOML gives the error messages.
            match serde_json::from_str::<PackFile>(json) {
                Ok(file) if !json.is_empty() => {
                    set.add_file_struct(&origin, file, Trust::Builtin)?
                }
                _ => set.add(&origin, source, Trust::Builtin)?,
            }
        }
        Ok(set)
    }

    /// Adds a pack read from a file.
    pub fn add_file(&mut self, path: &std::path::Path) -> Result<()> {
        // The same pack named twice (in vaglio.toml and with --rules) is loaded once.
        if let Ok(canonical) = std::fs::canonicalize(path) {
            if self.files.contains(&canonical) {
                return Ok(());
            }
            self.files.push(canonical);
        }
        // Refused before reading: a huge file named by mistake costs nothing.
        if let Ok(meta) = std::fs::metadata(path)
            && meta.is_file()
            && meta.len() > MAX_PACK_BYTES
        {
            bail!("{}: {}", path.display(), too_big_pack(meta.len()));
        }
        let source = std::fs::read_to_string(path).with_context(|| {
            format!(
                "impossibile leggere il pacchetto di regole {} / cannot read rule pack",
                path.display()
            )
        })?;
        self.add_source(&path.display().to_string(), &source)
    }

    /// Parses and validates a pack; on any error nothing of it is added.
    pub fn add_source(&mut self, origin: &str, source: &str) -> Result<()> {
        self.add(origin, source, Trust::Validate)
    }

    fn add(&mut self, origin: &str, source: &str, trust: Trust) -> Result<()> {
        if source.len() as u64 > MAX_PACK_BYTES {
            bail!("{origin}: {}", too_big_pack(source.len() as u64));
        }
        let file: PackFile = toml::from_str(source).map_err(|e| toml_error(origin, source, &e))?;
        self.add_parsed(origin, Some(source), file, trust)
    }

    fn add_file_struct(&mut self, origin: &str, file: PackFile, trust: Trust) -> Result<()> {
        self.add_parsed(origin, None, file, trust)
    }

    fn add_parsed(
        &mut self,
        origin: &str,
        source: Option<&str>,
        file: PackFile,
        trust: Trust,
    ) -> Result<()> {
        validate_pack_meta(&file.pack).map_err(|e| anyhow!("{origin}: {e:#}"))?;
        if trust == Trust::Validate && file.rules.len() > MAX_RULES {
            bail!(
                "{origin}: {} regole, più del massimo di {MAX_RULES} per pacchetto: dividilo in più file / {} rules, more than {MAX_RULES} per pack: split it",
                file.rules.len(),
                file.rules.len()
            );
        }
        let mut ids: HashSet<&str> = self.rules.iter().map(|r| r.def.id.as_str()).collect();
        let mut terms: u64 = 0;
        for rule in &file.rules {
            if !ids.insert(rule.id.as_str()) {
                bail!(
                    "{origin}: regola «{}» duplicata: un'altra regola caricata ha lo stesso id / duplicate rule id",
                    rule.id
                );
            }
            if trust == Trust::Builtin {
                continue;
            }
            // Counted before validation expands anything: one term of a few brace groups
            // could otherwise take all the memory there is.
            terms = terms.saturating_add(rule_expansions(rule));
            if terms > MAX_TERMS {
                bail!(
                    "{origin}{}: regola «{}»: il pacchetto supera {MAX_TERMS} termini espansi (contando ogni alternativa {{a,b}}) / the pack expands to more than {MAX_TERMS} terms",
                    source
                        .and_then(|s| rule_line(s, &rule.id))
                        .map(|l| format!(":{l}"))
                        .unwrap_or_default(),
                    rule.id
                );
            }
            validate_rule(rule).map_err(|e| {
                anyhow!(
                    "{origin}{}: regola «{}»: {e:#}",
                    source
                        .and_then(|s| rule_line(s, &rule.id))
                        .map(|l| format!(":{l}"))
                        .unwrap_or_default(),
                    rule.id
                )
            })?;
        }
        if file.rules.is_empty() {
            bail!("{origin}: il pacchetto non contiene regole ([[rule]]) / the pack has no rules");
        }
        let pack = Arc::new(file.pack);
        let origin: Arc<str> = Arc::from(origin);
        self.packs.push((pack.clone(), origin.clone()));
        self.rules
            .extend(file.rules.into_iter().map(|def| LoadedRule {
                def: Arc::new(def),
                pack: pack.clone(),
                origin: origin.clone(),
            }));
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&LoadedRule> {
        self.rules.iter().find(|r| r.def.id == id)
    }
}

fn too_big_pack(len: u64) -> String {
    format!(
        "pacchetto di regole di {} MB, più del massimo di {} MB / rule pack larger than {} MB",
        len >> 20,
        MAX_PACK_BYTES >> 20,
        MAX_PACK_BYTES >> 20
    )
}

/// How many concrete terms a term expands to (the product of its `{a,b}` groups; a
/// placeholder counts as one), computed without expanding it.
fn expansions(term: &str) -> u64 {
    let mut n: u64 = 1;
    let mut rest = term;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + len];
        n = n.saturating_mul(inner.matches(',').count() as u64 + 1);
        rest = &rest[open + len + 1..];
    }
    n
}

/// Every term a rule expands to: its own, its exceptions, keywords and conditions.
fn rule_expansions(r: &RuleDef) -> u64 {
    let conditions = r
        .near
        .iter()
        .chain(r.unless.iter())
        .flat_map(|n| match n {
            OneOrMany::One(c) => std::slice::from_ref(c),
            OneOrMany::Many(v) => v.as_slice(),
        })
        .chain(r.require.iter());
    r.terms
        .iter()
        .chain(&r.exceptions)
        .chain(&r.keywords)
        .chain(conditions.flat_map(|c| c.terms.iter()))
        .fold(0u64, |n, t| n.saturating_add(expansions(t)))
}

/// How much checking a pack gets at load time. The built-in packs are validated in full by
/// the test suite (`builtin_packs_are_valid`), so a run skips the costly part (parsing every
/// regex) for them: start-up time is most of a one-post run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trust {
    Builtin,
    Validate,
}

/// The 1-based line where a rule's `id = "…"` is written, to point errors at it.
fn rule_line(source: &str, id: &str) -> Option<usize> {
    let needle_a = format!("\"{id}\"");
    let needle_b = format!("'{id}'");
    source
        .lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with("id") && (l.contains(&needle_a) || l.contains(&needle_b))
        })
        .map(|i| i + 1)
}

/// `file:line:column: message` for a TOML error.
fn toml_error(origin: &str, source: &str, e: &toml::de::Error) -> anyhow::Error {
    let msg = e.message().trim();
    match e.span() {
        Some(span) => {
            let idx = crate::text::LineIndex::new(source);
            let (line, col) = idx.position(source, span.start);
            anyhow!("{origin}:{line}:{col}: TOML non valido / invalid TOML: {msg}")
        }
        None => anyhow!("{origin}: TOML non valido / invalid TOML: {msg}"),
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn validate_pack_meta(p: &PackMeta) -> Result<()> {
    if !is_slug(&p.id) {
        bail!(
            "[pack] id «{}» non valido: solo minuscole, cifre e trattini / invalid pack id",
            p.id
        );
    }
    if p.name.trim().is_empty() || p.version.trim().is_empty() || p.language.trim().is_empty() {
        bail!("[pack]: name, version e language non possono essere vuoti / must not be empty");
    }
    Ok(())
}

fn nonempty(t: &LocalText) -> bool {
    match t {
        LocalText::Italian(s) => !s.trim().is_empty(),
        LocalText::Both { it, .. } => !it.trim().is_empty(),
    }
}

/// Checks a regex as the engine will compile it (placeholders filled with dummies).
pub fn check_regex(pattern: &str) -> Result<()> {
    let filled = expand::expand_pattern(pattern, &expand::Placeholders::dummy())
        .unwrap_or_else(|| pattern.to_string());
    regex_syntax::ParserBuilder::new()
        .build()
        .parse(&filled)
        .map_err(|e| anyhow!("regex non valida / invalid regex «{pattern}»:\n{e}"))?;
    // The engine compiles a regex only when a post needs it, so a pattern too big for the
    // size limit would otherwise surface in the middle of a run, on some files only. The
    // forward NFA under the engine's limit is the part that fails.
    let config = regex_automata::nfa::thompson::Config::new()
        .nfa_size_limit(Some(crate::matchers::patterns::REGEX_SIZE_LIMIT));
    regex_automata::nfa::thompson::Compiler::new()
        .configure(config)
        .build(&filled)
        .map_err(|e| {
            anyhow!(
                "regex troppo grande: supera il limite di {} MB una volta compilata; riducila o dividila / regex too big once compiled «{}»: {e}",
                crate::matchers::patterns::REGEX_SIZE_LIMIT >> 20,
                shorten(pattern)
            )
        })?;
    Ok(())
}

/// A pattern as quoted in an error: a huge one is cut, not printed whole.
fn shorten(pattern: &str) -> String {
    const MAX: usize = 120;
    match pattern.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &pattern[..i]),
        None => pattern.to_string(),
    }
}

fn check_terms(terms: &[String]) -> Result<()> {
    let ph = expand::Placeholders::dummy();
    for t in terms {
        // A plain word or stem is valid as it is: no need to expand it only to drop the
        // result.
        if expand::plain_term(t).is_none() {
            expand::expand_term(t, &ph)?;
        }
    }
    Ok(())
}

fn check_condition(c: &ConditionDef, what: &str) -> Result<()> {
    if c.terms.is_empty() && c.patterns.is_empty() {
        bail!("`{what}` senza terms né patterns / `{what}` has no terms or patterns");
    }
    if c.within == Some(Within::Words(0)) {
        bail!("`{what}`: within = 0 non ha senso / within must be at least 1");
    }
    check_terms(&c.terms).with_context(|| format!("in `{what}`"))?;
    for p in &c.patterns {
        check_regex(p).with_context(|| format!("in `{what}`"))?;
    }
    Ok(())
}

/// Validates one rule definition beyond what the schema already enforces.
pub fn validate_rule(r: &RuleDef) -> Result<()> {
    let Some((cat, name)) = r.id.split_once('/') else {
        bail!("l'id deve avere la forma categoria/nome / the id must be category/name");
    };
    if Category::from_id(cat) != Some(r.category) {
        bail!(
            "l'id comincia con «{cat}» ma la categoria è «{}» / id prefix and category differ",
            r.category.id()
        );
    }
    if !is_slug(name) {
        bail!("il nome «{name}» deve contenere solo minuscole, cifre e trattini");
    }
    if !nonempty(&r.message) || !nonempty(&r.explain) || r.reference.trim().is_empty() {
        bail!("message, explain e reference non possono essere vuoti / must not be empty");
    }
    if r.profiles.as_ref().is_some_and(|p| p.is_empty()) {
        bail!("profiles è vuoto: la regola non varrebbe mai / empty profiles");
    }
    let matchers = usize::from(!r.terms.is_empty())
        + usize::from(!r.patterns.is_empty())
        + usize::from(r.metric.is_some());
    if matchers == 0 {
        bail!("nessun matcher: servono terms, patterns o metric / no matcher");
    }
    if matchers > 1 {
        bail!("un solo matcher per regola: terms, patterns o metric / one matcher per rule");
    }
    check_terms(&r.terms)?;
    check_terms(&r.exceptions).context("in `exceptions`")?;
    check_terms(&r.keywords).context("in `keywords`")?;
    for p in &r.patterns {
        check_regex(p)?;
    }
    if r.evasion && r.terms.is_empty() {
        bail!("evasion vale solo con terms / evasion needs terms");
    }
    if !r.keywords.is_empty() && r.patterns.is_empty() {
        bail!("keywords vale solo con patterns / keywords needs patterns");
    }
    if let Some(v) = &r.validate {
        if r.patterns.is_empty() {
            bail!("validate vale solo con patterns / validate needs patterns");
        }
        if crate::validators::lookup(v).is_none() {
            let known: Vec<&str> = crate::validators::VALIDATORS.iter().map(|v| v.0).collect();
            bail!(
                "validatore sconosciuto «{v}» / unknown validator (noti / known: {})",
                known.join(", ")
            );
        }
    }
    if let Some(m) = &r.metric
        && m.above.is_none()
        && m.below.is_none()
    {
        bail!("metric senza above né below / metric needs above or below");
    }
    for c in r.near.iter().flat_map(|n| match n {
        OneOrMany::One(c) => std::slice::from_ref(c),
        OneOrMany::Many(v) => v.as_slice(),
    }) {
        check_condition(c, "near")?;
    }
    for c in r.unless.iter().flat_map(|n| match n {
        OneOrMany::One(c) => std::slice::from_ref(c),
        OneOrMany::Many(v) => v.as_slice(),
    }) {
        check_condition(c, "unless")?;
    }
    if let Some(c) = &r.require {
        check_condition(c, "require")?;
    }
    match &r.tests {
        None => bail!("mancano gli esempi [rule.tests] bad e good / tests are missing"),
        Some(t) if t.bad.is_empty() || t.good.is_empty() => {
            bail!("servono esempi sia bad sia good in tests / tests need bad and good examples")
        }
        Some(t) => {
            if let Some(p) = t.profile
                && !r.profiles().contains(&p)
            {
                bail!(
                    "tests.profile «{}» non è fra i profili della regola",
                    p.id()
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[pack]
id = "test"
name = "Test"
version = "1.0.0"
language = "it"

[[rule]]
id = "offensive/prova"
category = "offensive"
severity = "error"
message = "m"
explain = "e"
reference = "r"
terms = ["scemo"]
tests = { bad = ["sei scemo"], good = ["sei bravo"] }
"#;

    #[test]
    fn builtin_packs_are_valid() {
        for (name, source, ..) in builtin::PACKS {
            RuleSet::default()
                .add_source(name, source)
                .unwrap_or_else(|e| panic!("{e:#}"));
        }
    }

    #[test]
    fn a_good_pack_loads() {
        let mut s = RuleSet::default();
        s.add_source("t.toml", GOOD).unwrap();
        assert_eq!(s.rules.len(), 1);
    }

    #[test]
    fn malformed_toml_names_line_and_column() {
        let mut s = RuleSet::default();
        let err = s
            .add_source("t.toml", "[pack]\nid = \"x\nname = 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("t.toml:2:"), "{err}");
    }

    #[test]
    fn unknown_field_is_an_error() {
        let src = GOOD.replace("terms =", "termz =");
        let err = RuleSet::default()
            .add_source("t.toml", &src)
            .unwrap_err()
            .to_string();
        assert!(err.contains("termz"), "{err}");
    }

    #[test]
    fn broken_regex_names_the_rule() {
        let src = GOOD.replace("terms = [\"scemo\"]", "patterns = ['(a']");
        let err = RuleSet::default()
            .add_source("t.toml", &src)
            .unwrap_err()
            .to_string();
        assert!(err.contains("offensive/prova"), "{err}");
        assert!(err.contains("regex"), "{err}");
    }

    #[test]
    fn duplicates_unknown_categories_and_empty_matchers_are_errors() {
        let mut s = RuleSet::default();
        s.add_source("a.toml", GOOD).unwrap();
        assert!(s.add_source("b.toml", GOOD).is_err());
        let bad_cat = GOOD.replace("category = \"offensive\"", "category = \"rude\"");
        assert!(RuleSet::default().add_source("t.toml", &bad_cat).is_err());
        let no_matcher = GOOD.replace("terms = [\"scemo\"]", "");
        assert!(
            RuleSet::default()
                .add_source("t.toml", &no_matcher)
                .is_err()
        );
        let bad_validator = GOOD.replace(
            "terms = [\"scemo\"]",
            "patterns = ['x']\nvalidate = \"nope\"",
        );
        assert!(
            RuleSet::default()
                .add_source("t.toml", &bad_validator)
                .is_err()
        );
        let mismatch = GOOD.replace("id = \"offensive/prova\"", "id = \"style/prova\"");
        assert!(RuleSet::default().add_source("t.toml", &mismatch).is_err());
    }
}
