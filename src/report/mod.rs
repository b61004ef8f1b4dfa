//! Reporters, one file per output format.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod json_lines;
pub mod sarif;
pub mod statistics;

use crate::finding::FileReport;
use crate::rules::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Riga, sottolineatura, messaggio, fonte e correzione / line, caret, message, source, fix
    Human,
    /// path:riga:colonna: severità[regola] messaggio
    Concise,
    /// Il contratto JSON di DESIGN.md / the JSON contract
    Json,
    /// Un oggetto JSON per riga, uno per problema / one JSON object per finding per line
    JsonLines,
    /// SARIF 2.1.0 per la code scanning / for code scanning
    Sarif,
    /// Annotazioni di GitHub Actions / GitHub Actions annotations
    Github,
    /// GitLab Code Quality (artifacts: reports: codequality)
    Gitlab,
}

impl Format {
    /// Formats read by programs: personal data is masked unless `--no-redact`.
    pub fn machine(self) -> bool {
        !matches!(self, Format::Human | Format::Concise)
    }
}

/// What a report may say about a rule (SARIF describes the rules it reports).
#[derive(Debug, Clone)]
pub struct RuleMeta {
    pub id: String,
    pub category: &'static str,
    pub severity: Severity,
    pub message: String,
    pub explain: String,
    pub reference: String,
    pub suggestion: Option<String>,
}

/// The matched text as a message may quote it: masked where it must be, and empty for a
/// suppression problem (the span is the comment itself, which says nothing new).
pub(crate) fn quoted_match(f: &crate::finding::Finding, opts: &Options) -> String {
    if f.rule == crate::suppress::RULE {
        String::new()
    } else {
        f.shown_match(opts.redact)
    }
}

/// How the report is shown.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub lang: crate::i18n::Lang,
    pub color: bool,
    /// Mask personal data.
    pub redact: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport], files: usize) -> Summary {
        let mut s = Summary {
            files,
            ..Default::default()
        };
        for f in reports.iter().flat_map(|r| &r.findings) {
            s.findings += 1;
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

pub fn render(format: Format, reports: &[FileReport], summary: &Summary, opts: &Options) -> String {
    render_with(format, reports, summary, opts, &[])
}

/// Renders a report; `rules` describes the rules for the formats that need it (SARIF).
pub fn render_with(
    format: Format,
    reports: &[FileReport],
    summary: &Summary,
    opts: &Options,
    rules: &[RuleMeta],
) -> String {
    match format {
        Format::Human => human::render(reports, summary, opts),
        Format::Concise => concise::render(reports, opts),
        Format::Json => json::render(reports, summary, opts),
        Format::JsonLines => json_lines::render(reports, opts),
        Format::Sarif => sarif::render(reports, summary, opts, rules),
        Format::Github => github::render(reports, opts),
        Format::Gitlab => gitlab::render(reports, opts),
    }
}
