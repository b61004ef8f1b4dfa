//! The command line: `check`, `explain`, `rules`, `rules test`. Errors become one clear
//! message on stderr and exit code 2.

use crate::config::Config;
use crate::engine::{Engine, EngineOptions};
use crate::finding::{FileReport, Finding};
use crate::i18n::Lang;
use crate::input::{self, Content, Input};
use crate::markup::{InputKind, SplitOptions};
use crate::pipeline::{Checked, EngineCache, Settings};
use crate::report::{self, Format, RuleMeta, Summary};
use crate::rules::{Profile, Role, RuleSet, Severity};
use crate::suppress;
use crate::text::LineIndex;
use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// The exit codes of `check`, as `vaglio check --help` shows them.
const CHECK_EXIT_HELP: &str = "\
Codici di uscita:
  0  nessun problema al livello di --fail-on o sopra
  1  almeno un problema a quel livello
  2  errore d'uso, di configurazione o di un pacchetto di regole, oppure un input che esiste
     ma non si è potuto controllare (illeggibile, oltre 256 MB, percorso inesistente): vince
     su 1, e i problemi degli altri file vengono comunque riportati
  File binari o vuoti, collegamenti simbolici rotti e cartelle senza file da controllare
  danno solo un avviso e non cambiano il codice.

Exit codes:
  0  no finding at or above --fail-on
  1  at least one finding at that level
  2  usage, configuration or rule-pack error, or an input that exists but could not be
     checked (unreadable, over 256 MB, missing path): it wins over 1, and the other files'
     findings are still reported
  Binary or empty files, broken symlinks and folders with no file to check only get a
  note and leave the code unchanged.";

#[derive(Parser, Debug)]
#[command(
    name = "vaglio",
    version,
    about = "Controlla le bozze di post e commenti di chi lavora nella PA (DPR 62/2013 art. 11-ter).\n\
             Screens social-media drafts of Italian public employees.",
    after_help = "Esempi / examples:\n  vaglio check bozza.txt\n  vaglio check --profile institutional post/\n  pbpaste | vaglio check -\n  vaglio explain personal-data/codice-fiscale\n  vaglio rules test"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Controlla file, cartelle o lo standard input (-) / check files, folders or stdin
    #[command(after_help = CHECK_EXIT_HELP)]
    Check(CheckArgs),
    /// Spiega una regola: fonte, esempi, correzione / explain a rule
    Explain(ExplainArgs),
    /// Elenca le regole o ne esegue gli esempi / list rules or run their examples
    Rules(RulesArgs),
    /// Scrive un vaglio.toml commentato per l'ente / write a commented vaglio.toml
    Init(InitArgs),
    /// Completamento della shell sullo standard output / shell completions on stdout
    Completions(CompletionsArgs),
    /// La pagina di manuale (roff) / the man page (roff)
    Man(ManArgs),
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Cartella (o file) dove scrivere vaglio.toml / folder (or file) to write vaglio.toml in
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,
    /// Il nome dell'ente, es. "Comune di Pero" / the entity's name
    #[arg(long, value_name = "NAME")]
    pub entity: Option<String>,
    /// Sovrascrive un vaglio.toml esistente / overwrite an existing vaglio.toml
    #[arg(long)]
    pub force: bool,
    /// Lingua dei messaggi / message language
    #[arg(long, value_enum, default_value = "it")]
    pub lang: Lang,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// La shell / the shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Scrive una pagina per comando in questa cartella / write one page per command here
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct RuleSource {
    /// Pacchetto di regole in più (ripetibile) / extra rule pack (repeatable)
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Non caricare i pacchetti incorporati / do not load the built-in packs
    #[arg(long)]
    pub no_default_rules: bool,
    /// File di configurazione (predefinito: vaglio.toml cercato risalendo dal percorso)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignora ogni vaglio.toml / ignore any vaglio.toml
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Lingua dei messaggi / message language
    #[arg(long, value_enum, default_value = "it")]
    pub lang: Lang,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// File, cartelle o - per lo standard input / files, folders, or - for stdin
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Formato del rapporto / report format
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Profilo: personal (profilo del dipendente), institutional (account dell'ente), moderation (commenti dei cittadini)
    #[arg(long, value_enum)]
    pub profile: Option<Profile>,
    /// Ruolo di chi scrive (art. 11-ter c. 4: gravità graduata) / author's role
    #[arg(long, value_enum)]
    pub role: Option<Role>,
    /// Severità minima che fa uscire con 1 / lowest severity that exits with 1
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Solo queste regole o categorie (separate da virgole) / only these rules or categories
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Escludi queste regole o categorie / skip these rules or categories
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Nome da mostrare per lo standard input / name shown for stdin
    #[arg(long, value_name = "NAME", default_value = "-")]
    pub stdin_filename: String,
    /// Maschera i dati personali anche nel rapporto leggibile / mask personal data in human output too
    #[arg(long, conflicts_with = "no_redact")]
    pub redact: bool,
    /// Mostra i dati personali anche nei formati per macchine / show personal data in machine formats
    #[arg(long)]
    pub no_redact: bool,
    /// Estensioni dei file da controllare nelle cartelle (separate da virgole)
    #[arg(long, value_delimiter = ',', value_name = "EXT")]
    pub extensions: Option<Vec<String>>,
    /// Colori / colour
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Conteggi per regola, categoria e file al posto dei dettagli / counts per rule, category and file
    #[arg(long)]
    pub statistics: bool,
    /// Mostra solo i problemi che non sono nella baseline / report only findings not in this baseline
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Registra i problemi di oggi come accettati / record today's findings as accepted
    #[arg(long, value_name = "FILE", conflicts_with_all = ["fix", "diff"])]
    pub write_baseline: Option<PathBuf>,
    /// Corregge i file: aggiunge il disclaimer e maschera i dati personali / fix files in place
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Mostra le correzioni come diff senza scrivere / show the fixes as a diff, write nothing
    #[arg(long)]
    pub diff: bool,
    /// Colonna del CSV con il testo (nome o numero) / CSV column holding the text
    #[arg(long, value_name = "NAME")]
    pub column: Option<String>,
    /// Campo JSON con il testo (es. text, post.body) / JSON field holding the text
    #[arg(long, value_name = "NAME")]
    pub field: Option<String>,
    /// Formato dei file (predefinito: dall'estensione) / input format (default: by extension)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputKind>,
    /// Niente barra di avanzamento / no progress bar
    #[arg(long)]
    pub no_progress: bool,
    #[command(flatten)]
    pub source: RuleSource,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// L'id della regola, es. personal-data/codice-fiscale / the rule id
    pub rule: String,
    #[command(flatten)]
    pub source: RuleSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub action: Option<RulesAction>,
    /// Formato dell'elenco / list format
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    /// Elenca i validatori disponibili / list the validators
    #[arg(long)]
    pub validators: bool,
    #[command(flatten)]
    pub source: RuleSource,
}

#[derive(Subcommand, Debug)]
pub enum RulesAction {
    /// Esegue gli esempi bad/good di ogni regola / run every rule's examples
    Test {
        /// Pacchetti da provare (predefinito: quelli caricati) / packs to test
        #[arg(value_name = "PACK")]
        packs: Vec<PathBuf>,
    },
}

fn parse_severity(s: &str) -> std::result::Result<Severity, String> {
    Severity::from_id(s).ok_or_else(|| format!("«{s}»: usa error, warning o info"))
}

/// Entry point of the binary: runs and turns any error into exit code 2.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    EXIT_CLEAN
                }
                _ => EXIT_ERROR,
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            let mut msg = format!("vaglio: errore / error: {e}");
            for cause in e.chain().skip(1) {
                msg.push_str(&format!("\n  causa / caused by: {cause}"));
            }
            eprintln!("{msg}");
            EXIT_ERROR
        }
    }
}

pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Explain(args) => explain(args),
        Command::Rules(args) => rules(args),
        Command::Init(args) => init(args),
        Command::Completions(args) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut cmd, "vaglio", &mut std::io::stdout());
            Ok(EXIT_CLEAN)
        }
        Command::Man(args) => man(args),
    }
}

/// Finds and reads the configuration for a run.
fn load_config(source: &RuleSource, first_path: Option<&PathBuf>) -> Result<Config> {
    if source.no_config {
        return Ok(Config::default());
    }
    if let Some(p) = &source.config {
        return Config::from_file(p);
    }
    let start = match first_path {
        Some(p) if p.as_os_str() != "-" => p.clone(),
        _ => std::env::current_dir().unwrap_or_default(),
    };
    match Config::discover(&start) {
        Some(p) => Config::from_file(&p),
        None => Ok(Config::default()),
    }
}

/// The rules a command uses; `examples`: whether the built-in rules keep their `tests`
/// (only `explain` and `rules` show or run them).
fn load_rules(source: &RuleSource, config: &Config, examples: bool) -> Result<RuleSet> {
    let builtin = if examples {
        RuleSet::builtin
    } else {
        RuleSet::builtin_without_examples
    };
    let mut set = if source.no_default_rules {
        RuleSet::default()
    } else {
        builtin().context("pacchetti incorporati / built-in packs")?
    };
    for p in config.pack_paths() {
        set.add_file(&p)?;
    }
    for p in &source.rules {
        set.add_file(p)?;
    }
    if set.rules.is_empty() {
        bail!("nessuna regola caricata / no rules loaded (--no-default-rules senza --rules?)");
    }
    Ok(set)
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

/// Rule ids and categories for the engine, without the pseudo-rule of suppressions.
fn engine_selectors(list: &[String]) -> Vec<String> {
    list.iter()
        .filter(|s| s.as_str() != suppress::RULE)
        .cloned()
        .collect()
}

fn names_suppressions(list: &[String]) -> bool {
    list.iter()
        .any(|s| s == suppress::RULE || s == crate::rules::Category::Style.id())
}

/// What a reporter may say about every loaded rule.
fn rule_metas(set: &RuleSet, lang: Lang) -> Vec<RuleMeta> {
    let mut v: Vec<RuleMeta> = set
        .rules
        .iter()
        .map(|r| {
            let d = &r.def;
            RuleMeta {
                id: d.id.clone(),
                category: d.category.id(),
                severity: d.severity,
                message: d.message.get(lang).to_string(),
                explain: d.explain.get(lang).to_string(),
                reference: d.reference.clone(),
                suggestion: d.suggestion.as_ref().map(|s| s.get(lang).to_string()),
            }
        })
        .collect();
    v.push(crate::pipeline::suppression_meta(lang));
    v
}

fn write_stdout(out: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(e).context("scrittura del rapporto / writing the report");
    }
    Ok(())
}

/// «1 problema», «3 problemi».
fn count(_lang: Lang, n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Inputs checked in parallel at a time: enough to keep every core busy, few enough that
/// memory does not grow with the number of files.
const BATCH: usize = 256;

/// One input's outcome.
enum Outcome {
    Checked(Box<Checked>, Option<String>),
    Binary,
}

fn check(args: CheckArgs) -> Result<i32> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    };
    let config = load_config(&args.source, paths.first())?;
    // Leaked on purpose: freeing thousands of rules and compiled regexes at exit costs
    // more than a short run's check; the process ends right after.
    let set: &'static RuleSet = Box::leak(Box::new(load_rules(&args.source, &config, false)?));
    let lang = args.source.lang;
    let mut ignore = args.ignore.clone();
    ignore.extend(config.check.disable.iter().cloned());
    let overrides = config.compiled_overrides()?;
    for (_, o) in &overrides {
        crate::engine::check_selectors(set, &engine_selectors(&o.disable))?;
    }
    let report_suppressions = !ignore.iter().any(|s| s == suppress::RULE)
        && (args.select.is_empty() || names_suppressions(&args.select));
    let base = EngineOptions {
        profile: args
            .profile
            .or(config.check.profile)
            .unwrap_or(Profile::Personal),
        role: args.role.or(config.check.role),
        select: engine_selectors(&args.select),
        ignore: engine_selectors(&ignore),
        placeholders: config.placeholders(),
        contacts: config.entity.contacts.clone(),
        gulpease_min: config.style.gulpease_min,
    };
    let engines = EngineCache::new(set, base.clone());
    // The default engine now: a bad selector is an error before any file is read.
    engines.get(base.profile, base.role, &[])?;
    let base_dir = config
        .path
        .as_ref()
        .and_then(|_| std::fs::canonicalize(config.base_dir()).ok())
        .or_else(|| std::env::current_dir().ok());
    let settings = std::mem::ManuallyDrop::new(Settings {
        engines,
        set,
        config: &config,
        overrides,
        base_dir,
        cli_profile: args.profile,
        cli_role: args.role,
        marker: config
            .suppress
            .marker
            .clone()
            .unwrap_or_else(|| suppress::DEFAULT_MARKER.to_string()),
        split: SplitOptions {
            column: args.column.clone().or_else(|| config.input.column.clone()),
            field: args.field.clone().or_else(|| config.input.field.clone()),
        },
        forced_kind: args.input_format,
        lang,
        report_suppressions,
    });
    let fail_on = args
        .fail_on
        .or(config.check.fail_on)
        .unwrap_or(Severity::Error);
    let extensions: Vec<String> = args
        .extensions
        .clone()
        .or_else(|| config.check.extensions.clone())
        .unwrap_or_else(|| {
            input::DEFAULT_EXTENSIONS
                .iter()
                .map(|s| s.to_string())
                .collect()
        });
    // A baseline named in vaglio.toml that was never written is not an error (the
    // project may be about to write it); one named with --baseline must exist.
    let baseline_path = args.baseline.clone().or_else(|| {
        let p = config.check.baseline.as_ref().map(|b| config.base_dir().join(b))?;
        if args.write_baseline.is_some() {
            return None;
        }
        if !p.exists() {
            eprintln!(
                "vaglio: {}: {}",
                p.display(),
                lang.pick(
                    "baseline di vaglio.toml assente, la ignoro (scrivila con --write-baseline)",
                    "baseline named in vaglio.toml is missing, ignored (write it with --write-baseline)"
                )
            );
            return None;
        }
        Some(p)
    });

    let inputs = input::collect(&paths, &extensions, &args.stdin_filename);
    for n in &inputs.notes {
        eprintln!("vaglio: {n}");
    }
    let mut problems = inputs.problems.clone();
    if inputs
        .items
        .iter()
        .any(|i| matches!(i, Input::Stdin { .. }))
        && std::io::stdin().is_terminal()
    {
        eprintln!(
            "{}",
            lang.pick(
                "Scrivi o incolla la bozza, poi premi Ctrl-D (Ctrl-Z e Invio su Windows) per controllarla.",
                "Type or paste the draft, then press Ctrl-D (Ctrl-Z and Enter on Windows) to check it."
            )
        );
    }

    let format = args.format.unwrap_or(Format::Human);
    let redact = if format.machine() {
        !args.no_redact
    } else {
        args.redact
    };
    let ropts = report::Options {
        lang,
        color: format == Format::Human && use_color(args.color),
        redact,
    };
    // Formats with no header are written batch by batch, so a run over 100,000 files keeps
    // only one batch in memory (the human summary line comes at the end); the others keep
    // the reports of files with findings (a clean file's text is dropped once checked).
    let streaming = !(args.fix || args.diff || args.statistics || args.write_baseline.is_some())
        && matches!(
            format,
            Format::Concise | Format::JsonLines | Format::Github | Format::Human
        );
    // What the human report appends for a batch: its summary line, cut from each batch.
    let batch_tail = report::render_with(format, &[], &Summary::default(), &ropts, &[]);
    let mut streamed = Summary::default();
    let mut stream_baseline = match (&baseline_path, streaming) {
        (Some(p), true) => Some(crate::baseline::Baseline::read(p)?),
        _ => None,
    };
    let (mut stream_failing, mut stream_hidden) = (false, 0);

    let progress = progress_bar(&args, inputs.items.len(), lang);
    let mut checked: Vec<(Input, Checked, Option<String>)> = Vec::new();
    let mut files = 0;
    for (b, batch) in inputs.items.chunks(BATCH).enumerate() {
        let last_batch = (b + 1) * BATCH >= inputs.items.len();
        let check_one = |item: &Input| {
            let r = check_input(&settings, item);
            if let Some(p) = &progress {
                p.inc(1);
            }
            r
        };
        // One file (the pre-publish case) is checked on this thread: starting the thread
        // pool costs more than a short post (a long file still uses it, inside the engine).
        let results: Vec<Result<Outcome>> = if batch.len() == 1 {
            batch.iter().map(check_one).collect()
        } else {
            batch.par_iter().map(check_one).collect()
        };
        let mut shown: Vec<FileReport> = Vec::new();
        for (item, result) in batch.iter().zip(results) {
            match result {
                Ok(Outcome::Checked(c, warning)) => {
                    files += 1;
                    if let Some(w) = &warning {
                        eprintln!("vaglio: {}: {w}", item.display_name());
                    }
                    if c.report.text.is_empty() {
                        eprintln!(
                            "vaglio: {}: {}",
                            item.display_name(),
                            lang.pick("vuoto, niente da controllare", "empty, nothing to check")
                        );
                    }
                    let stdin = matches!(item, Input::Stdin { .. });
                    if streaming {
                        if !c.report.findings.is_empty() {
                            shown.push(c.report);
                        }
                    } else if !c.report.findings.is_empty() || stdin {
                        // Standard input is kept even when clean: `--fix -` echoes it.
                        checked.push((item.clone(), *c, warning));
                    }
                }
                Ok(Outcome::Binary) => eprintln!(
                    "vaglio: {}: {}",
                    item.display_name(),
                    lang.pick("file binario, saltato", "binary file, skipped")
                ),
                Err(e) => problems.push(format!("{e:#}")),
            }
        }
        if !shown.is_empty() {
            if let Some(b) = &mut stream_baseline {
                stream_hidden += b.filter(&mut shown);
            }
            stream_failing |= fails(&shown, fail_on);
            let s = Summary::of(&shown, 0);
            streamed.findings += s.findings;
            streamed.errors += s.errors;
            streamed.warnings += s.warnings;
            streamed.infos += s.infos;
            let out = report::render_with(format, &shown, &Summary::default(), &ropts, &[]);
            write_stdout(out.strip_suffix(batch_tail.as_str()).unwrap_or(&out))?;
            if last_batch {
                left_to_exit(shown);
            }
        }
    }
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    if streaming {
        if let Some(b) = &stream_baseline {
            baseline_notes(lang, b.len(), stream_hidden);
        }
        if format == Format::Human {
            streamed.files = files;
            write_stdout(&report::render_with(format, &[], &streamed, &ropts, &[]))?;
        }
        return Ok(finish(&problems, stream_failing));
    }

    if let Some(bpath) = &args.write_baseline {
        let reports: Vec<FileReport> = checked.iter().map(|c| c.1.report.clone()).collect();
        let n = crate::baseline::write(bpath, &reports)?;
        eprintln!(
            "vaglio: {}",
            match lang {
                Lang::It => format!(
                    "baseline scritta in {}: {n} problemi accettati",
                    bpath.display()
                ),
                Lang::En => format!(
                    "baseline written to {}: {n} findings accepted",
                    bpath.display()
                ),
            }
        );
        for p in &problems {
            eprintln!("vaglio: {p}");
        }
        return Ok(if problems.is_empty() {
            EXIT_CLEAN
        } else {
            EXIT_ERROR
        });
    }

    let baseline = match &baseline_path {
        Some(p) => Some(crate::baseline::Baseline::read(p)?),
        None => None,
    };
    let apply_baseline = |reports: &mut Vec<FileReport>| -> usize {
        match &baseline_path {
            Some(p) => match crate::baseline::Baseline::read(p) {
                Ok(mut b) => b.filter(reports),
                Err(_) => 0,
            },
            None => 0,
        }
    };

    // Only --fix and --diff read `checked` again: otherwise its reports move rather than
    // being copied (a large file's whole text and every finding).
    let mut reports: Vec<FileReport> = if args.fix || args.diff {
        checked.iter().map(|c| c.1.report.clone()).collect()
    } else {
        std::mem::take(&mut checked)
            .into_iter()
            .map(|c| c.1.report)
            .collect()
    };
    let mut hidden = apply_baseline(&mut reports);

    if args.fix || args.diff {
        let disclaimer = config.entity.disclaimer.as_deref();
        let mut diffs = String::new();
        let (mut fixed_files, mut changes, mut missing) = (0, 0, 0);
        let mut stdin_text = String::new();
        let mut stdin_fixed = false;
        for (i, (item, c, warning)) in checked.iter().enumerate() {
            let shown = &reports[i].findings;
            let pairs: Vec<(usize, &Finding)> = c
                .report
                .findings
                .iter()
                .zip(&c.post_of)
                .filter(|(f, _)| shown.contains(f))
                .map(|(f, p)| (*p, f))
                .collect();
            let out = crate::fix::fix(&c.report.text, &c.posts, &pairs, disclaimer);
            missing += out.missing_disclaimer;
            if args.fix && matches!(item, Input::Stdin { .. }) {
                // Standard input fixed: the text goes to stdout (unchanged when there is
                // nothing to fix), so `vaglio check --fix - < a > b` always gives b.
                stdin_text.push_str(&out.text);
                stdin_fixed = true;
                let again = crate::pipeline::check_file(
                    &settings,
                    &item.display_name(),
                    None,
                    out.text.clone(),
                )?;
                changes += out.changes();
                reports[i] = again.report;
                continue;
            }
            if out.text == c.report.text {
                continue;
            }
            if warning.is_some() && !args.diff {
                eprintln!(
                    "vaglio: {}: {}",
                    item.display_name(),
                    lang.pick(
                        "non è UTF-8: non lo correggo (convertilo prima in UTF-8)",
                        "not UTF-8: not fixed (convert it to UTF-8 first)"
                    )
                );
                continue;
            }
            changes += out.changes();
            fixed_files += 1;
            if args.diff {
                diffs.push_str(&crate::fix::diff(
                    &item.display_name(),
                    &c.report.text,
                    &out.text,
                ));
                continue;
            }
            match item {
                Input::Stdin { .. } => {}
                Input::File(p) => {
                    crate::fix::write_atomically(p, out.text.as_bytes()).with_context(|| {
                        format!("{}: correzione non scritta / fix not written", p.display())
                    })?;
                    let again = crate::pipeline::check_file(
                        &settings,
                        &item.display_name(),
                        Some(p),
                        out.text.clone(),
                    )?;
                    reports[i] = again.report;
                }
            }
        }
        if missing > 0 {
            eprintln!(
                "vaglio: {}",
                lang.pick(
                    "manca il disclaimer da aggiungere: scrivilo in vaglio.toml, [entity] disclaimer = \"…\"",
                    "no disclaimer to add: set it in vaglio.toml, [entity] disclaimer = \"…\""
                )
            );
        }
        if args.diff {
            write_stdout(&diffs)?;
            for p in &problems {
                eprintln!("vaglio: {p}");
            }
            if !problems.is_empty() {
                return Ok(EXIT_ERROR);
            }
            return Ok(if diffs.is_empty() {
                EXIT_CLEAN
            } else {
                EXIT_FINDINGS
            });
        }
        if fixed_files > 0 || stdin_fixed {
            if changes > 0 {
                let fixed_files = fixed_files.max(1);
                eprintln!(
                    "vaglio: {}",
                    match lang {
                        Lang::It => format!(
                            "{} in {fixed_files} file",
                            count(lang, changes, "correzione", "correzioni")
                        ),
                        Lang::En => format!(
                            "{} in {}",
                            count(lang, changes, "fix", "fixes"),
                            count(lang, fixed_files, "file", "files")
                        ),
                    }
                );
            }
            // The fixed files were checked again: apply the baseline to the new reports.
            let mut fresh: Vec<FileReport> = checked
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if reports[i].text != c.1.report.text {
                        reports[i].clone()
                    } else {
                        c.1.report.clone()
                    }
                })
                .collect();
            hidden = apply_baseline(&mut fresh);
            reports = fresh;
        }
        if stdin_fixed {
            write_stdout(&stdin_text)?;
            return Ok(exit_code(&problems, &reports, fail_on));
        }
    }

    if let Some(b) = &baseline {
        baseline_notes(lang, b.len(), hidden);
    }

    let summary = Summary::of(&reports, files);
    let out = if args.statistics {
        match format {
            Format::Json | Format::JsonLines => report::statistics::json(&reports),
            _ => report::statistics::table(&reports, &ropts),
        }
    } else {
        report::render_with(format, &reports, &summary, &ropts, &rule_metas(set, lang))
    };
    write_stdout(&out)?;
    let code = exit_code(&problems, &reports, fail_on);
    left_to_exit((reports, checked, out));
    Ok(code)
}

/// What a run has shown (its last reports and output), left for the process to give back
/// when it exits right after: freeing the tens of thousands of findings of a large file one
/// by one took 40 ms on one core.
fn left_to_exit<T>(shown: T) {
    std::mem::forget(shown);
}

/// What the baseline hid and which of its entries match nothing any more.
fn baseline_notes(lang: Lang, total: usize, hidden: usize) {
    if hidden > 0 {
        eprintln!(
            "vaglio: {}",
            match lang {
                Lang::It => format!(
                    "{} già nella baseline non mostrati",
                    count(lang, hidden, "problema", "problemi")
                ),
                Lang::En => format!(
                    "{} already in the baseline not shown",
                    count(lang, hidden, "finding", "findings")
                ),
            }
        );
    }
    let stale = total.saturating_sub(hidden);
    if stale > 0 {
        eprintln!(
            "vaglio: {}",
            match lang {
                Lang::It => format!(
                    "{stale} voci della baseline non corrispondono più a nulla: aggiornala con --write-baseline"
                ),
                Lang::En => format!(
                    "{stale} baseline entries no longer match anything: refresh it with --write-baseline"
                ),
            }
        );
    }
}

/// Prints the problems met on the way and turns the run into its exit code.
fn exit_code(problems: &[String], reports: &[FileReport], fail_on: Severity) -> i32 {
    finish(problems, fails(reports, fail_on))
}

/// Whether a finding is at or above the fail level.
fn fails(reports: &[FileReport], fail_on: Severity) -> bool {
    reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.severity >= fail_on)
}

/// Prints the problems (after the report, so they are the last thing a long run shows)
/// and gives the exit code: 2 when any input could not be read or checked, even if other
/// files have findings (the run is incomplete, which matters more); else 1 when a finding
/// is at or above the fail level; else 0.
fn finish(problems: &[String], failing: bool) -> i32 {
    for p in problems {
        eprintln!("vaglio: {p}");
    }
    if !problems.is_empty() {
        EXIT_ERROR
    } else if failing {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// A progress bar on stderr, only for many files on a terminal.
fn progress_bar(args: &CheckArgs, n: usize, lang: Lang) -> Option<indicatif::ProgressBar> {
    const MIN_FILES: usize = 50;
    if args.no_progress
        || n < MIN_FILES
        || !std::io::stderr().is_terminal()
        || std::env::var_os("CI").is_some()
    {
        return None;
    }
    let bar = indicatif::ProgressBar::new(n as u64);
    let template = format!(
        "{{spinner}} {} {{pos}}/{{len}} [{{bar:30}}] {{eta}}",
        lang.pick("controllo", "checking")
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

/// Checks one input.
fn check_input(settings: &Settings, item: &Input) -> Result<Outcome> {
    let (text, warning) = match input::read(item)? {
        Content::Binary => return Ok(Outcome::Binary),
        Content::Text { text, warning } => (text, warning),
    };
    let path = match item {
        Input::File(p) => Some(p.as_path()),
        Input::Stdin { .. } => None,
    };
    let checked = crate::pipeline::check_file(settings, &item.display_name(), path, text)?;
    Ok(Outcome::Checked(Box::new(checked), warning))
}

fn init(args: InitArgs) -> Result<i32> {
    let lang = args.lang;
    let target = if args.path.is_dir() {
        args.path.join(crate::config::FILE_NAME)
    } else {
        args.path.clone()
    };
    if target.exists() && !args.force {
        bail!(
            "{}: {}",
            target.display(),
            lang.pick(
                "esiste già; usa --force per sovrascriverlo",
                "already exists; use --force to overwrite it"
            )
        );
    }
    let text = crate::init::template(args.entity.as_deref());
    crate::fix::write_atomically(&target, text.as_bytes())
        .with_context(|| format!("{}: scrittura / write", target.display()))?;
    eprintln!(
        "vaglio: {} {}",
        lang.pick("scritto", "written"),
        target.display()
    );
    eprintln!(
        "{}",
        lang.pick(
            "Completa [entity] (nome, alias, account, disclaimer) e [confidential], poi: vaglio check .",
            "Fill in [entity] (name, aliases, accounts, disclaimer) and [confidential], then: vaglio check ."
        )
    );
    Ok(EXIT_CLEAN)
}

fn man(args: ManArgs) -> Result<i32> {
    let cmd = <Cli as clap::CommandFactory>::command();
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("{}: cartella / folder", dir.display()))?;
            clap_mangen::generate_to(cmd, &dir)
                .with_context(|| format!("{}: pagine di manuale / man pages", dir.display()))?;
            eprintln!("vaglio: {}", dir.display());
        }
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut buf)?;
            write_stdout(&String::from_utf8_lossy(&buf))?;
        }
    }
    Ok(EXIT_CLEAN)
}

/// Checks a whole text as one post and computes the findings' positions.
pub fn check_text(engine: &Engine, text: &str, lang: Lang) -> Result<Vec<Finding>> {
    let lines = LineIndex::new(text);
    let hits = engine.check(text)?;
    Ok(hits
        .iter()
        .map(|h| Finding::from_hit(engine, h, text, &lines, lang, 0))
        .collect())
}

fn explain(args: ExplainArgs) -> Result<i32> {
    let config = load_config(&args.source, None)?;
    let set = load_rules(&args.source, &config, true)?;
    let lang = args.source.lang;
    if args.rule == suppress::RULE {
        let m = crate::pipeline::suppression_meta(lang);
        print!(
            "{}\n{}\n\n{}\n\n{} {} ({})\n{} {}\n{} {}\n\n{}\n",
            m.id,
            "=".repeat(m.id.len()),
            m.message,
            lang.pick("Categoria:", "Category:"),
            m.category,
            crate::rules::Category::Style.label(lang),
            lang.pick("Severità:", "Severity:"),
            m.severity.id(),
            lang.pick("Fonte:", "Source:"),
            m.reference,
            m.explain
        );
        return Ok(EXIT_CLEAN);
    }
    let Some(rule) = set.get(&args.rule) else {
        let close: Vec<&str> = set
            .rules
            .iter()
            .map(|r| r.def.id.as_str())
            .filter(|id| {
                let name = args.rule.rsplit('/').next().unwrap_or(&args.rule);
                id.contains(name) || id.starts_with(&args.rule)
            })
            .take(5)
            .collect();
        if close.is_empty() {
            bail!(
                "regola «{}» sconosciuta / unknown rule (vedi `vaglio rules`)",
                args.rule
            );
        }
        bail!(
            "regola «{}» sconosciuta / unknown rule; forse / did you mean: {}",
            args.rule,
            close.join(", ")
        );
    };
    print!("{}", explain_text(rule, lang));
    Ok(EXIT_CLEAN)
}

/// The full explanation of a rule, as `vaglio explain` prints it.
pub fn explain_text(rule: &crate::rules::LoadedRule, lang: Lang) -> String {
    use std::fmt::Write as _;
    let d = &rule.def;
    let mut s = String::new();
    let _ = writeln!(s, "{}", d.id);
    let _ = writeln!(s, "{}", "=".repeat(d.id.chars().count()));
    let _ = writeln!(s);
    let _ = writeln!(s, "{}", d.message.get(lang));
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{} {} ({})",
        lang.pick("Categoria:", "Category:"),
        d.category.id(),
        d.category.label(lang)
    );
    let _ = writeln!(
        s,
        "{} {}",
        lang.pick("Severità:", "Severity:"),
        d.severity.id()
    );
    if !d.role_severity.is_empty() {
        let grades: Vec<String> = d
            .role_severity
            .iter()
            .map(|(r, sev)| format!("{} → {}", r.id(), sev.id()))
            .collect();
        let _ = writeln!(
            s,
            "{} {}",
            lang.pick(
                "Per ruolo (art. 11-ter c. 4):",
                "By role (art. 11-ter c. 4):"
            ),
            grades.join(", ")
        );
    }
    let profiles: Vec<&str> = d.profiles().iter().map(|p| p.id()).collect();
    let _ = writeln!(
        s,
        "{} {}",
        lang.pick("Profili:", "Profiles:"),
        profiles.join(", ")
    );
    let _ = writeln!(s, "{} {}", lang.pick("Fonte:", "Source:"), d.reference);
    let _ = writeln!(
        s,
        "{} {} {} ({})",
        lang.pick("Pacchetto:", "Pack:"),
        rule.pack.id,
        rule.pack.version,
        rule.origin
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "{}", d.explain.get(lang).trim_end());
    if let Some(sug) = &d.suggestion {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{} {}",
            lang.pick("Come correggere:", "How to fix:"),
            sug.get(lang)
        );
    }
    if let Some(t) = &d.tests {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{}",
            lang.pick("Esempi che la attivano:", "Examples that trigger it:")
        );
        for ex in &t.bad {
            let _ = writeln!(s, "  ✗ {}", ex.text());
        }
        let _ = writeln!(
            s,
            "{}",
            lang.pick("Esempi che non la attivano:", "Examples that do not:")
        );
        for ex in &t.good {
            let _ = writeln!(s, "  ✓ {}", ex.text());
        }
    }
    s
}

fn rules(args: RulesArgs) -> Result<i32> {
    let lang = args.source.lang;
    if let Some(RulesAction::Test { packs }) = &args.action {
        let set = if packs.is_empty() {
            let config = load_config(&args.source, None)?;
            load_rules(&args.source, &config, true)?
        } else {
            let mut set = RuleSet::default();
            for p in packs {
                set.add_file(p)?;
            }
            set
        };
        return rules_test(&set, lang);
    }
    if args.validators {
        for (name, _, it, en) in crate::validators::VALIDATORS {
            println!("{name:<28} {}", lang.pick(it, en));
        }
        return Ok(EXIT_CLEAN);
    }
    let config = load_config(&args.source, None)?;
    let set = load_rules(&args.source, &config, true)?;
    match args.format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = set
                .rules
                .iter()
                .map(|r| {
                    let d = &r.def;
                    serde_json::json!({
                        "id": d.id,
                        "category": d.category.id(),
                        "severity": d.severity.id(),
                        "profiles": d.profiles().iter().map(|p| p.id()).collect::<Vec<_>>(),
                        "role_severity": d.role_severity.iter().map(|(k, v)| (k.id().to_string(), v.id())).collect::<std::collections::BTreeMap<_, _>>(),
                        "message": d.message.get(lang),
                        "reference": d.reference,
                        "pack": r.pack.id,
                        "origin": &*r.origin,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            );
        }
        ListFormat::Table => {
            let w = set.rules.iter().map(|r| r.def.id.len()).max().unwrap_or(10);
            println!(
                "{:<w$}  {:<8}  {:<32}  {}",
                lang.pick("REGOLA", "RULE"),
                lang.pick("SEVERITÀ", "SEVERITY"),
                lang.pick("PROFILI", "PROFILES"),
                lang.pick("FONTE", "SOURCE")
            );
            for r in &set.rules {
                let d = &r.def;
                let profiles: Vec<&str> = d.profiles().iter().map(|p| p.id()).collect();
                println!(
                    "{:<w$}  {:<8}  {:<32}  {}",
                    d.id,
                    d.severity.id(),
                    profiles.join(","),
                    d.reference
                );
            }
            println!(
                "\n{} {}",
                set.rules.len(),
                lang.pick(
                    "regole (vaglio explain REGOLA per i dettagli)",
                    "rules (vaglio explain RULE for details)"
                )
            );
        }
    }
    Ok(EXIT_CLEAN)
}

fn rules_test(set: &RuleSet, lang: Lang) -> Result<i32> {
    let outcome = crate::rules::testing::run(set)?;
    for f in &outcome.failures {
        println!(
            "{} {} ({}): {}\n    {}: {}",
            lang.pick("FALLITO", "FAILED"),
            f.rule,
            f.origin,
            f.detail,
            if f.bad { "bad" } else { "good" },
            f.example
        );
    }
    let passed = outcome.examples - outcome.failures.len();
    println!(
        "{}: {} {}, {} {}, {} {}",
        lang.pick("rules test", "rules test"),
        outcome.rules,
        lang.pick("regole", "rules"),
        passed,
        lang.pick("esempi superati", "examples passed"),
        outcome.failures.len(),
        lang.pick("falliti", "failed")
    );
    Ok(if outcome.failures.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}
