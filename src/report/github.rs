//! GitHub Actions workflow commands: one annotation per finding, shown on the pull
//! request's diff (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`).
//! Personal data is masked unless `--no-redact`: workflow logs are often public.

use super::Options;
use crate::finding::FileReport;
use crate::rules::Severity;
use std::fmt::Write;

/// Escapes a command's message (`%`, CR, LF).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(reports: &[FileReport], opts: &Options) -> String {
    let mut out = String::new();
    for r in reports {
        let file = property(&crate::baseline::normalise_path(&r.path));
        for f in &r.findings {
            let cmd = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let shown = super::quoted_match(f, opts);
            let mut msg = if shown.is_empty() {
                f.message.clone()
            } else {
                format!("{} «{}»", f.message, shown)
            };
            let _ = write!(
                msg,
                "\n{} {}",
                opts.lang.pick("Fonte:", "Source:"),
                f.reference
            );
            if let Some(s) = &f.suggestion {
                let _ = write!(
                    msg,
                    "\n{} {s}",
                    opts.lang.pick("Suggerimento:", "Suggestion:")
                );
            }
            let _ = writeln!(
                out,
                "::{cmd} file={file},line={},col={},endLine={},endColumn={},title={}::{}",
                f.line,
                f.column,
                f.end_line,
                f.end_column,
                property(&format!("vaglio {}", f.rule)),
                data(&msg)
            );
        }
    }
    out
}
