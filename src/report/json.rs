//! The JSON contract of DESIGN.md (version 1). Other tools read it: fields are only ever
//! added, never renamed.

use super::{Options, Summary};
use crate::finding::{FileReport, Finding};
use serde::Serialize;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
pub(crate) struct JsonFinding<'a> {
    path: &'a str,
    rule: &'a str,
    category: &'a str,
    severity: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    start: usize,
    end: usize,
    matched: String,
    message: &'a str,
    reference: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// One finding as the contract writes it (also one line of `--format json-lines`).
pub(crate) fn finding<'a>(r: &'a FileReport, f: &'a Finding, opts: &Options) -> JsonFinding<'a> {
    JsonFinding {
        path: &r.path,
        rule: &f.rule,
        category: f.category.id(),
        severity: f.severity.id(),
        line: f.line,
        column: f.column,
        end_line: f.end_line,
        end_column: f.end_column,
        start: f.start,
        end: f.end,
        matched: f.shown_match(opts.redact),
        message: &f.message,
        reference: &f.reference,
        suggestion: f.suggestion.as_deref(),
    }
}

pub fn render(reports: &[FileReport], summary: &Summary, opts: &Options) -> String {
    let findings = reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| finding(r, f, opts)))
        .collect();
    let out = Output {
        version: 1,
        findings,
        summary: JsonSummary {
            files: summary.files,
            findings: summary.findings,
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
        },
    };
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}
