//! Checking one file: split it into posts, choose the engine for each post (front matter,
//! CSV columns, `[[override]]` globs), honour inline suppressions, and turn hits into
//! findings at the file's lines and columns.
//!
//! Engines are compiled lazily, once per option set, and shared between threads: a run
//! over a folder where half the files are institutional builds two engines, not one per
//! file.

use crate::config::{Config, Override};
use crate::engine::{self, Engine, EngineOptions, Hit};
use crate::finding::{FileReport, Finding};
use crate::i18n::Lang;
use crate::markup::{self, InputKind, Meta, Post, SplitOptions};
use crate::rules::{Category, Profile, Role, RuleSet, Severity};
use crate::suppress::{self, Directive, Kind, Problem};
use crate::text::LineIndex;
use anyhow::{Result, anyhow, bail};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    profile: Profile,
    role: Option<Role>,
    ignore: Vec<String>,
}

type Slot = Arc<OnceLock<std::result::Result<Arc<Engine>, String>>>;

/// Engines by option set, built on first use.
pub struct EngineCache<'a> {
    set: &'a RuleSet,
    base: EngineOptions,
    cache: Mutex<HashMap<Key, Slot>>,
}

impl<'a> EngineCache<'a> {
    pub fn new(set: &'a RuleSet, base: EngineOptions) -> EngineCache<'a> {
        EngineCache {
            set,
            base,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The engine for a profile, a role and rules switched off on top of the base ones.
    pub fn get(
        &self,
        profile: Profile,
        role: Option<Role>,
        extra_ignore: &[String],
    ) -> Result<Arc<Engine>> {
        let mut ignore = self.base.ignore.clone();
        ignore.extend(extra_ignore.iter().cloned());
        ignore.sort();
        ignore.dedup();
        let key = Key {
            profile,
            role,
            ignore,
        };
        let slot = {
            let mut map = self
                .cache
                .lock()
                .map_err(|_| anyhow!("engine cache poisoned"))?;
            map.entry(key.clone()).or_default().clone()
        };
        let built = slot.get_or_init(|| {
            let opts = EngineOptions {
                profile: key.profile,
                role: key.role,
                ignore: key.ignore.clone(),
                ..self.base.clone()
            };
            Engine::new(self.set, &opts)
                .map(Arc::new)
                .map_err(|e| format!("{e:#}"))
        });
        built.clone().map_err(|e| anyhow!(e))
    }

    /// How many engines were built (for tests and `--verbose` diagnostics).
    pub fn built(&self) -> usize {
        self.cache.lock().map(|m| m.len()).unwrap_or(0)
    }
}

/// Everything that is the same for every file of a run.
pub struct Settings<'a> {
    pub engines: EngineCache<'a>,
    pub set: &'a RuleSet,
    pub config: &'a Config,
    pub overrides: Vec<(globset::GlobSet, Override)>,
    /// The configuration's folder, made absolute (globs are relative to it).
    pub base_dir: Option<PathBuf>,
    pub cli_profile: Option<Profile>,
    pub cli_role: Option<Role>,
    pub marker: String,
    pub split: SplitOptions,
    pub forced_kind: Option<InputKind>,
    pub lang: Lang,
    /// Report `style/suppression` findings.
    pub report_suppressions: bool,
}

/// A checked file: its report and what `--fix` needs.
pub struct Checked {
    pub report: FileReport,
    pub posts: Vec<Post>,
    /// The post of each finding of `report.findings`.
    pub post_of: Vec<usize>,
    pub kind: InputKind,
}

fn parse_profile(s: &str) -> Option<Profile> {
    match s.trim().to_lowercase().as_str() {
        "personal" | "personale" | "privato" | "private" => Some(Profile::Personal),
        "institutional" | "istituzionale" | "ente" | "ufficiale" | "official" => {
            Some(Profile::Institutional)
        }
        "moderation" | "moderazione" | "commenti" | "comments" | "comment" => {
            Some(Profile::Moderation)
        }
        _ => None,
    }
}

fn parse_role(s: &str) -> Option<Role> {
    <Role as clap::ValueEnum>::from_str(s.trim(), true).ok()
}

fn account_key(s: &str) -> String {
    let s = s.trim().to_lowercase();
    let s = s
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.");
    s.trim_end_matches('/').to_string()
}

impl Settings<'_> {
    /// The `[[override]]` tables that match a file, in order.
    fn overrides_for(&self, name: &str, path: Option<&Path>) -> Vec<&Override> {
        if self.overrides.is_empty() {
            return Vec::new();
        }
        let mut candidates: Vec<PathBuf> =
            vec![PathBuf::from(crate::baseline::normalise_path(name))];
        if let (Some(p), Some(base)) = (path, &self.base_dir)
            && let Ok(abs) = std::fs::canonicalize(p)
            && let Ok(rel) = abs.strip_prefix(base)
        {
            candidates.insert(0, rel.to_path_buf());
        }
        self.overrides
            .iter()
            .filter(|(g, _)| candidates.iter().any(|c| g.is_match(c)))
            .map(|(_, o)| o)
            .collect()
    }

    /// The profile a post's metadata asks for.
    fn meta_profile(&self, name: &str, meta: &Meta) -> Result<Option<Profile>> {
        if let Some(p) = &meta.profile {
            return match parse_profile(p) {
                Some(p) => Ok(Some(p)),
                None => bail!(
                    "{name}: profilo «{p}» sconosciuto / unknown profile (personal, institutional, moderation)"
                ),
            };
        }
        if let Some(a) = &meta.account {
            if let Some(p) = parse_profile(a) {
                return Ok(Some(p));
            }
            let key = account_key(a);
            if self
                .config
                .entity
                .accounts
                .iter()
                .any(|acc| account_key(acc) == key)
            {
                return Ok(Some(Profile::Institutional));
            }
        }
        Ok(None)
    }

    fn engine_for(&self, name: &str, meta: &Meta, ovr: &[&Override]) -> Result<Arc<Engine>> {
        let profile = match self.cli_profile {
            Some(p) => p,
            None => self
                .meta_profile(name, meta)?
                .or_else(|| ovr.iter().rev().find_map(|o| o.profile))
                .or(self.config.check.profile)
                .unwrap_or(Profile::Personal),
        };
        let role = match self.cli_role {
            Some(r) => Some(r),
            None => {
                let from_meta = match &meta.role {
                    Some(r) => Some(parse_role(r).ok_or_else(|| {
                        anyhow!("{name}: ruolo «{r}» sconosciuto / unknown role")
                    })?),
                    None => None,
                };
                from_meta
                    .or_else(|| ovr.iter().rev().find_map(|o| o.role))
                    .or(self.config.check.role)
            }
        };
        let ignore: Vec<String> = ovr
            .iter()
            .flat_map(|o| o.disable.iter())
            .filter(|s| s.as_str() != suppress::RULE)
            .cloned()
            .collect();
        self.engines.get(profile, role, &ignore)
    }

    fn marker(&self) -> &str {
        &self.marker
    }
}

/// What a suppression problem says.
fn suppression_message(lang: Lang, what: &SuppressionIssue) -> (String, String) {
    match what {
        SuppressionIssue::Unused(sel) => (
            match lang {
                Lang::It => format!("Soppressione inutilizzata: «{sel}» non segnala nulla qui"),
                Lang::En => format!("Unused suppression: «{sel}» reports nothing here"),
            },
            lang.pick(
                "Togli la soppressione, o il nome della regola, dal commento.",
                "Remove the suppression, or the rule's name, from the comment.",
            )
            .to_string(),
        ),
        SuppressionIssue::Unknown(sel) => (
            match lang {
                Lang::It => format!("Soppressione di una regola o categoria sconosciuta: «{sel}»"),
                Lang::En => format!("Suppression of an unknown rule or category: «{sel}»"),
            },
            lang.pick(
                "Scrivi l'id di una regola (vaglio rules) o una categoria.",
                "Write a rule id (vaglio rules) or a category.",
            )
            .to_string(),
        ),
        SuppressionIssue::NoReason => (
            lang.pick(
                "Soppressione senza motivazione: non ha effetto",
                "Suppression without a reason: it has no effect",
            )
            .to_string(),
            lang.pick(
                "Scrivi il motivo dopo i due punti: <!-- vaglio-ignore REGOLA: motivo -->.",
                "Write the reason after a colon: <!-- vaglio-ignore RULE: reason -->.",
            )
            .to_string(),
        ),
        SuppressionIssue::NoRules => (
            lang.pick(
                "Soppressione senza regole: non ha effetto",
                "Suppression naming no rule: it has no effect",
            )
            .to_string(),
            lang.pick(
                "Indica le regole o le categorie da ignorare: <!-- vaglio-ignore REGOLA: motivo -->.",
                "Name the rules or categories to ignore: <!-- vaglio-ignore RULE: reason -->.",
            )
            .to_string(),
        ),
        SuppressionIssue::Structure(Problem::EndWithoutStart) => (
            lang.pick(
                "vaglio-ignore-end senza un vaglio-ignore-start aperto",
                "vaglio-ignore-end without an open vaglio-ignore-start",
            )
            .to_string(),
            lang.pick("Togli la riga o apri l'intervallo.", "Remove the line or open the range.")
                .to_string(),
        ),
        SuppressionIssue::Structure(Problem::Unclosed) => (
            lang.pick(
                "vaglio-ignore-start mai chiuso: vale fino alla fine del post",
                "vaglio-ignore-start never closed: it runs to the end of the post",
            )
            .to_string(),
            lang.pick(
                "Chiudi l'intervallo con <!-- vaglio-ignore-end -->.",
                "Close the range with <!-- vaglio-ignore-end -->.",
            )
            .to_string(),
        ),
    }
}

enum SuppressionIssue {
    Unused(String),
    Unknown(String),
    NoReason,
    NoRules,
    Structure(Problem),
}

/// The reference shown for `style/suppression`.
pub const SUPPRESSION_REFERENCE: &str = "vaglio, docs/workflows.md (soppressioni / suppressions)";

/// The description of `style/suppression` for `explain` and SARIF.
pub fn suppression_meta(lang: Lang) -> crate::report::RuleMeta {
    crate::report::RuleMeta {
        id: suppress::RULE.to_string(),
        category: Category::Style.id(),
        severity: Severity::Warning,
        message: lang
            .pick(
                "Soppressione inutilizzata, sconosciuta o senza motivazione",
                "Unused, unknown or unexplained suppression",
            )
            .to_string(),
        explain: lang
            .pick(
                "Una soppressione (<!-- vaglio-ignore REGOLA: motivo --> o una riga che inizia con il marcatore) deve nominare regole o categorie esistenti e dire perché. Una soppressione che non sopprime più nulla va tolta: altrimenti nasconderebbe in futuro un problema nuovo senza che nessuno lo decida.",
                "A suppression (<!-- vaglio-ignore RULE: reason --> or a line starting with the marker) must name existing rules or categories and say why. One that no longer suppresses anything should go: otherwise it would hide a new problem in the future without anyone deciding so.",
            )
            .to_string(),
        reference: SUPPRESSION_REFERENCE.to_string(),
        suggestion: None,
    }
}

fn is_known(set: &RuleSet, sel: &str) -> bool {
    Category::from_id(sel).is_some() || set.get(sel).is_some()
}

fn is_active(engine: &Engine, sel: &str) -> bool {
    engine
        .rules
        .iter()
        .any(|r| r.id() == sel || r.category().id() == sel)
}

/// Findings whose positions one parallel job works out: fewer are not worth a job.
const FINDINGS_PER_JOB: usize = 512;

/// Checks one file's text.
pub fn check_file(s: &Settings, name: &str, path: Option<&Path>, text: String) -> Result<Checked> {
    let kind = s.forced_kind.unwrap_or_else(|| InputKind::for_path(name));
    let posts = markup::split(&text, kind, &s.split).map_err(|e| anyhow!("{name}: {e:#}"))?;
    let ovr = s.overrides_for(name, path);
    let lang = s.lang;

    let mut parsed: Vec<suppress::Parsed> = posts
        .iter()
        .map(|p| suppress::parse(p.text(&text), s.marker(), kind == InputKind::Markdown))
        .collect();
    // File-wide directives, wherever they are written: (post, directive index).
    let file_level: Vec<(usize, usize)> = parsed
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| {
            p.directives
                .iter()
                .enumerate()
                .filter(|(_, d)| d.kind == Kind::File)
                .map(move |(di, _)| (pi, di))
        })
        .collect();

    // The line index serves only the findings: for a long text it is built while the posts
    // are checked. A 100 MB file has 1.7 million lines, and indexing them took 80 ms before
    // any worker started.
    let index = || LineIndex::new(&text);
    let check_posts = || -> Result<Vec<(Arc<Engine>, Vec<Hit>)>> {
        let mut checked = Vec::with_capacity(posts.len());
        for (pi, post) in posts.iter().enumerate() {
            let engine = s.engine_for(name, &post.meta, &ovr)?;
            let checked_text = markup::blank(post.text(&text), &parsed[pi].blank);
            let hits = engine
                .check(&checked_text)
                .map_err(|e| anyhow!("{name}: {e:#}"))?;
            checked.push((engine, hits));
        }
        Ok(checked)
    };
    let (lines, checked) = if text.len() >= engine::MAX_POST {
        rayon::join(index, check_posts)
    } else {
        (index(), check_posts())
    };
    let checked = checked?;

    let mut found: Vec<(usize, Finding)> = Vec::new();
    let mut engines: Vec<Arc<Engine>> = Vec::with_capacity(posts.len());
    for (pi, (post, (engine, hits))) in posts.iter().zip(checked).enumerate() {
        // Positions and messages of tens of thousands of findings (a large file) are
        // worked out in parallel; which of them a directive silences is decided below, in
        // order, since directives count what they silence.
        let make = |hit: &Hit| Finding::from_post_hit(&engine, hit, &text, &lines, lang, &post.map);
        let made: Vec<Finding> = if hits.len() >= 2 * FINDINGS_PER_JOB {
            use rayon::prelude::*;
            hits.par_iter()
                .with_min_len(FINDINGS_PER_JOB)
                .map(make)
                .collect()
        } else {
            hits.iter().map(make).collect()
        };
        for (hit, finding) in hits.iter().zip(made) {
            let rule = engine.rule(hit);
            let (id, cat) = (rule.id(), rule.category().id());
            let mut silenced = false;
            for d in parsed[pi].directives.iter_mut() {
                if d.kind != Kind::File && d.suppress(id, cat, hit.start) {
                    silenced = true;
                }
            }
            for &(fp, fd) in &file_level {
                if parsed[fp].directives[fd].suppress(id, cat, hit.start) {
                    silenced = true;
                }
            }
            if !silenced {
                found.push((pi, finding));
            }
        }
        engines.push(engine);
    }

    if s.report_suppressions {
        for (pi, p) in parsed.iter().enumerate() {
            let post = &posts[pi];
            let mut issue = |span: (usize, usize), what: SuppressionIssue| {
                let (message, suggestion) = suppression_message(lang, &what);
                let f = Finding::at(
                    &text,
                    &lines,
                    post.map.to_file(span.0),
                    post.map.to_file(span.1),
                    suppress::RULE,
                    Category::Style,
                    Severity::Warning,
                    &message,
                    SUPPRESSION_REFERENCE,
                    Some(&suggestion),
                );
                found.push((
                    pi,
                    Finding {
                        post_start: span.0,
                        post_end: span.1,
                        ..f
                    },
                ));
            };
            for &(problem, span) in &p.problems {
                issue(span, SuppressionIssue::Structure(problem));
            }
            for d in &p.directives {
                report_directive(s.set, &engines, pi, d, &mut issue);
            }
        }
    }
    found.sort_by(|a, b| (a.1.start, a.1.end, &a.1.rule).cmp(&(b.1.start, b.1.end, &b.1.rule)));
    let post_of = found.iter().map(|(p, _)| *p).collect();
    let findings = found.into_iter().map(|(_, f)| f).collect();
    Ok(Checked {
        report: FileReport {
            path: name.to_string(),
            text,
            findings,
        },
        posts,
        post_of,
        kind,
    })
}

fn report_directive(
    set: &RuleSet,
    engines: &[Arc<Engine>],
    pi: usize,
    d: &Directive,
    issue: &mut impl FnMut((usize, usize), SuppressionIssue),
) {
    if d.kind == Kind::End {
        return;
    }
    if d.selectors.is_empty() {
        issue(d.span, SuppressionIssue::NoRules);
        return;
    }
    if d.reason.is_none() {
        issue(d.span, SuppressionIssue::NoReason);
    }
    for (i, sel) in d.selectors.iter().enumerate() {
        if !is_known(set, sel) {
            issue(d.span, SuppressionIssue::Unknown(sel.clone()));
            continue;
        }
        if d.reason.is_none() || d.used[i] {
            continue;
        }
        // Unused only where the rule could have fired: a rule switched off for this
        // profile or by --select/--ignore is not "unused".
        let active = if d.kind == Kind::File {
            engines.iter().any(|e| is_active(e, sel))
        } else {
            engines.get(pi).is_some_and(|e| is_active(e, sel))
        };
        if active {
            issue(d.span, SuppressionIssue::Unused(sel.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACK: &str = r#"
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
terms = ["incapace"]
tests = { bad = ["incapace"], good = ["capace"] }

[[rule]]
id = "style/t"
category = "style"
severity = "warning"
profiles = ["institutional"]
message = "m"
explain = "e"
reference = "r"
terms = ["secondo me"]
tests = { bad = ["secondo me"], good = ["no"] }
"#;

    fn settings<'a>(set: &'a RuleSet, config: &'a Config) -> Settings<'a> {
        Settings {
            engines: EngineCache::new(set, EngineOptions::default()),
            set,
            config,
            overrides: Vec::new(),
            base_dir: None,
            cli_profile: None,
            cli_role: None,
            marker: suppress::DEFAULT_MARKER.into(),
            split: SplitOptions::default(),
            forced_kind: None,
            lang: Lang::It,
            report_suppressions: true,
        }
    }

    #[test]
    fn one_engine_per_option_set_not_per_post() {
        let mut set = RuleSet::default();
        set.add_source("t.toml", PACK).unwrap();
        let config = Config::default();
        let s = settings(&set, &config);
        let mut csv = String::from("testo,profilo\n");
        for i in 0..40 {
            let p = if i % 2 == 0 {
                "institutional"
            } else {
                "personale"
            };
            csv.push_str(&format!("\"secondo me\nsei incapace\",{p}\n"));
        }
        let c = check_file(&s, "c.csv", None, csv.clone()).unwrap();
        assert_eq!(s.engines.built(), 2);
        // 40 insults, 20 opinions on the institutional rows only.
        let count = |id: &str| c.report.findings.iter().filter(|f| f.rule == id).count();
        assert_eq!((count("offensive/t"), count("style/t")), (40, 20));
        // Lines are the file's: row n starts on line 2n.
        let first = &c.report.findings[1];
        assert_eq!(
            (first.rule.as_str(), first.line, first.column),
            ("offensive/t", 3, 5)
        );
        check_file(&s, "d.csv", None, csv).unwrap();
        assert_eq!(s.engines.built(), 2);
    }

    #[test]
    fn suppressions_inside_csv_cells() {
        let mut set = RuleSet::default();
        set.add_source("t.toml", PACK).unwrap();
        let config = Config::default();
        let s = settings(&set, &config);
        let csv = "testo\n\"vaglio-ignore offensive: citazione\nsei incapace\"\nsei incapace\n";
        let c = check_file(&s, "c.csv", None, csv.to_string()).unwrap();
        let lines: Vec<(usize, &str)> = c
            .report
            .findings
            .iter()
            .map(|f| (f.line, f.rule.as_str()))
            .collect();
        assert_eq!(lines, [(4, "offensive/t")]);
    }
}
