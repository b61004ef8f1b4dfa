//! Reporters, one file per output format.

pub mod concise;
pub mod human;
pub mod json;

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
    match format {
        Format::Human => human::render(reports, summary, opts),
        Format::Concise => concise::render(reports, opts),
        Format::Json => json::render(reports, summary, opts),
    }
}
