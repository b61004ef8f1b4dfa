//! GitLab Code Quality (a Code Climate subset): a JSON array for
//! `artifacts: reports: codequality`, shown in merge requests. Fingerprints are the
//! baseline's, independent of line numbers, so GitLab tracks a finding across edits.

use super::Options;
use crate::finding::FileReport;
use crate::rules::Severity;

pub fn render(reports: &[FileReport], opts: &Options) -> String {
    let mut items = Vec::new();
    for r in reports {
        for f in &r.findings {
            let shown = super::quoted_match(f, opts);
            let description = if shown.is_empty() {
                f.message.clone()
            } else {
                format!("{} «{}»", f.message, shown)
            };
            items.push(serde_json::json!({
                "description": description,
                "check_name": f.rule,
                "fingerprint": crate::baseline::fingerprint(&r.path, f, &r.text),
                "severity": match f.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                "categories": [f.category.id()],
                "location": {
                    "path": crate::baseline::normalise_path(&r.path),
                    "positions": {
                        "begin": { "line": f.line, "column": f.column },
                        "end": { "line": f.end_line, "column": f.end_column },
                    }
                }
            }));
        }
    }
    let mut s = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}
