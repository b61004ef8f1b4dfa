//! JSON Lines: one finding per line, each with the fields of the JSON contract (streams
//! well into `jq`, log collectors, spreadsheets). No summary line.

use super::Options;
use crate::finding::FileReport;

pub fn render(reports: &[FileReport], opts: &Options) -> String {
    let mut out = String::new();
    for r in reports {
        for f in &r.findings {
            let v = serde_json::to_string(&super::json::finding(r, f, opts)).unwrap_or_default();
            out.push_str(&v);
            out.push('\n');
        }
    }
    out
}
