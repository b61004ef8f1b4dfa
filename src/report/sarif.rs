//! SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps). Columns count Unicode
//! code points (`columnKind: "unicodeCodePoints"`), the same unit as the JSON contract;
//! regions also carry byte offsets. Personal data is masked in the snippets unless
//! `--no-redact`. Only rules that produced a result are described in `tool.driver.rules`.

use super::{Options, RuleMeta, Summary};
use crate::finding::FileReport;
use crate::rules::Severity;
use serde_json::{Value, json};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI reference for a path: forward slashes, reserved characters escaped.
pub fn uri(path: &str) -> String {
    let p = crate::baseline::normalise_path(path);
    let mut out = String::with_capacity(p.len() + 8);
    // An absolute path is a file: URI; a relative one stays relative to the checkout.
    if p.starts_with('/') {
        out.push_str("file://");
    } else if p.as_bytes().get(1) == Some(&b':') {
        out.push_str("file:///");
    }
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn rule_descriptor(m: &RuleMeta, lang: crate::i18n::Lang) -> Value {
    let mut help = format!(
        "{}\n\n{} {}",
        m.explain.trim_end(),
        lang.pick("Fonte:", "Source:"),
        m.reference
    );
    let mut md = format!(
        "{}\n\n**{}** {}",
        m.explain.trim_end(),
        lang.pick("Fonte:", "Source:"),
        m.reference
    );
    if let Some(s) = &m.suggestion {
        let label = lang.pick("Come correggere:", "How to fix:");
        help.push_str(&format!("\n{label} {s}"));
        md.push_str(&format!("\n\n**{label}** {s}"));
    }
    json!({
        "id": m.id,
        "name": m.id.replace(['/', '-'], "_"),
        "shortDescription": { "text": m.message },
        "fullDescription": { "text": m.explain.trim_end() },
        "help": { "text": help, "markdown": md },
        "defaultConfiguration": { "level": level(m.severity) },
        "properties": {
            "category": m.category,
            "tags": [m.category, "vaglio"],
            "reference": m.reference,
            "problem.severity": match m.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "recommendation",
            },
        }
    })
}

pub fn render(
    reports: &[FileReport],
    summary: &Summary,
    opts: &Options,
    rules: &[RuleMeta],
) -> String {
    let mut used: Vec<&str> = reports
        .iter()
        .flat_map(|r| r.findings.iter().map(|f| f.rule.as_str()))
        .collect();
    used.sort_unstable();
    used.dedup();
    let descriptors: Vec<Value> = used
        .iter()
        .map(|id| match rules.iter().find(|m| m.id == *id) {
            Some(m) => rule_descriptor(m, opts.lang),
            None => json!({ "id": id, "shortDescription": { "text": id } }),
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        for f in &r.findings {
            let index = used.iter().position(|u| *u == f.rule).unwrap_or(0);
            let shown = super::quoted_match(f, opts);
            let text = if shown.is_empty() {
                f.message.clone()
            } else {
                format!("{}: «{}»", f.message, shown)
            };
            let mut region = json!({
                "startLine": f.line,
                "startColumn": f.column,
                "endLine": f.end_line,
                "endColumn": f.end_column,
                "byteOffset": f.start,
                "byteLength": f.end - f.start,
            });
            if !shown.is_empty() {
                region["snippet"] = json!({ "text": shown });
            }
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": index,
                "level": level(f.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&r.path) },
                        "region": region,
                    }
                }],
                "partialFingerprints": {
                    "vaglioFingerprint/v1": crate::baseline::fingerprint(&r.path, f, &r.text),
                },
                "properties": { "category": f.category.id(), "reference": f.reference },
            });
            if let Some(s) = &f.suggestion {
                result["properties"]["suggestion"] = json!(s);
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "vaglio",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "language": match opts.lang { crate::i18n::Lang::It => "it", crate::i18n::Lang::En => "en" },
                    "rules": descriptors,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "files": summary.files,
                "errors": summary.errors,
                "warnings": summary.warnings,
                "infos": summary.infos,
            }
        }]
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
