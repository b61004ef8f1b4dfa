//! `path:line:col: severity[rule] message`, one finding per line (for editors and grep).

use super::Options;
use crate::finding::FileReport;
use std::fmt::Write;

pub fn render(reports: &[FileReport], opts: &Options) -> String {
    let mut out = String::new();
    for r in reports {
        for f in &r.findings {
            let _ = writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                r.path,
                f.line,
                f.column,
                f.severity.id(),
                f.rule,
                f.message
            );
        }
    }
    let _ = opts;
    out
}
