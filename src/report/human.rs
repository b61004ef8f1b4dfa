//! The human report: the source line, a caret underline under the exact span, the message,
//! the legal source and the fix, then a summary line.
//!
//! Written by hand rather than with annotate-snippets: its level labels are fixed English
//! words ("error", "warning"), and vaglio speaks Italian first.

use super::{Options, Summary};
use crate::finding::{FileReport, Finding};
use crate::i18n::Lang;
use crate::rules::Severity;
use crate::text::LineIndex;
use std::fmt::Write;
use unicode_width::UnicodeWidthChar;

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn severity_code(sev: Severity) -> &'static str {
        match sev {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        }
    }
}

/// Display width of a character in a terminal: tabs are shown as four spaces, control
/// characters and zero-width ones take no room.
fn width(c: char) -> usize {
    if c == '\t' { 4 } else { c.width().unwrap_or(0) }
}

fn display_line(line: &str) -> String {
    // One buffer for the line: a string per character made a report of many findings on
    // long lines slower than checking them.
    let mut shown = String::with_capacity(line.len());
    for c in line.chars() {
        if c == '\t' {
            shown.push_str("    ");
        } else if !c.is_control() {
            shown.push(c);
        }
    }
    shown
}

pub fn render(reports: &[FileReport], summary: &Summary, opts: &Options) -> String {
    let style = Style { on: opts.color };
    let mut out = String::new();
    for r in reports {
        let lines = LineIndex::new(&r.text);
        for f in &r.findings {
            render_finding(&mut out, r, f, &lines, &style, opts);
        }
    }
    out.push_str(&summary_line(summary, opts.lang, &style));
    out
}

fn render_finding(
    out: &mut String,
    r: &FileReport,
    f: &Finding,
    lines: &LineIndex,
    style: &Style,
    opts: &Options,
) {
    let lang = opts.lang;
    let code = Style::severity_code(f.severity);
    let _ = writeln!(
        out,
        "{}{} {}",
        style.paint(code, &format!("{}[{}]", lang.severity(f.severity), f.rule)),
        style.paint("1", ":"),
        style.paint("1", &f.message)
    );
    let gutter = f.line.to_string().len().max(f.end_line.to_string().len());
    let pad = " ".repeat(gutter);
    let blue = |s: &str| style.paint("1;34", s);
    let _ = writeln!(
        out,
        "{pad}{} {}:{}:{}",
        blue("-->"),
        r.path,
        f.line,
        f.column
    );
    let _ = writeln!(out, "{pad} {}", blue("|"));
    let line_text = lines.line_text(&r.text, f.line - 1);
    let line_start = lines.line_start(f.line - 1);
    let hide = opts.redact && f.sensitive;
    let (shown, underline) = underline_for(line_text, line_start, f, hide);
    let _ = writeln!(
        out,
        "{} {} {}",
        blue(&format!("{:>gutter$}", f.line)),
        blue("|"),
        shown
    );
    let more = if f.end_line > f.line {
        lang.pick(
            " (continua nelle righe seguenti)",
            " (continues on the next lines)",
        )
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "{pad} {} {}{}",
        blue("|"),
        style.paint(code, &underline),
        more
    );
    let _ = writeln!(
        out,
        "{pad} {} {} {}",
        blue("="),
        style.paint("1", lang.pick("fonte:", "source:")),
        f.reference
    );
    if let Some(s) = &f.suggestion {
        let _ = writeln!(
            out,
            "{pad} {} {} {}",
            blue("="),
            style.paint("1", lang.pick("suggerimento:", "suggestion:")),
            s
        );
    }
    let _ = writeln!(
        out,
        "{pad} {} {} vaglio explain {}",
        blue("="),
        style.paint("1", lang.pick("dettagli:", "details:")),
        f.rule
    );
    out.push('\n');
}

/// The line as shown (masked where the finding is personal data and redaction is on) and
/// the caret line under the span, aligned by display width. Widths are taken per grapheme
/// cluster, so an emoji with a skin tone or a ZWJ sequence counts as the two columns a
/// terminal gives it.
fn underline_for(line: &str, line_start: usize, f: &Finding, hide: bool) -> (String, String) {
    use unicode_segmentation::UnicodeSegmentation;
    let span_start = f.start.saturating_sub(line_start).min(line.len());
    let span_end = f
        .end
        .saturating_sub(line_start)
        .min(line.len())
        .max(span_start);
    let mut before = 0;
    let mut under = 0;
    for (i, g) in line.grapheme_indices(true) {
        if i >= span_end {
            break;
        }
        let w = grapheme_width(g);
        if i + g.len() <= span_start {
            before += w;
        } else if i < span_end {
            under += w;
        }
    }
    let piece = |a: usize, b: usize| line.get(a..b).unwrap_or("");
    let shown = if hide {
        format!(
            "{}{}{}",
            display_line(piece(0, span_start)),
            crate::finding::mask(piece(span_start, span_end)),
            display_line(piece(span_end, line.len()))
        )
    } else {
        display_line(line)
    };
    let carets = "^".repeat(under.max(1));
    (shown, format!("{}{}", " ".repeat(before), carets))
}

fn grapheme_width(g: &str) -> usize {
    let mut chars = g.chars();
    let Some(first) = chars.next() else { return 0 };
    if g.chars().count() == 1 {
        return width(first);
    }
    // A cluster with an emoji, a variation selector 16 or a joiner shows as one wide glyph.
    if g.chars()
        .any(|c| c == '\u{FE0F}' || c == '\u{200D}' || crate::matchers::metric::is_emoji(c))
    {
        return 2;
    }
    g.chars().map(width).sum()
}

fn summary_line(s: &Summary, lang: Lang, style: &Style) -> String {
    let files = match (lang, s.files) {
        (Lang::It, 1) => "1 file controllato".to_string(),
        (Lang::It, n) => format!("{n} file controllati"),
        (Lang::En, 1) => "1 file checked".to_string(),
        (Lang::En, n) => format!("{n} files checked"),
    };
    if s.findings == 0 {
        let msg = lang.pick("Nessun problema trovato", "No problems found");
        return format!("{} ({files}).\n", style.paint("1;32", msg));
    }
    let (problems, errors, warnings) = match lang {
        Lang::It => (
            if s.findings == 1 {
                "1 problema".to_string()
            } else {
                format!("{} problemi", s.findings)
            },
            if s.errors == 1 {
                "1 errore".to_string()
            } else {
                format!("{} errori", s.errors)
            },
            if s.warnings == 1 {
                "1 avviso".to_string()
            } else {
                format!("{} avvisi", s.warnings)
            },
        ),
        Lang::En => (
            if s.findings == 1 {
                "1 problem".to_string()
            } else {
                format!("{} problems", s.findings)
            },
            if s.errors == 1 {
                "1 error".to_string()
            } else {
                format!("{} errors", s.errors)
            },
            if s.warnings == 1 {
                "1 warning".to_string()
            } else {
                format!("{} warnings", s.warnings)
            },
        ),
    };
    format!(
        "{}: {errors}, {warnings}, {} info ({files}).\n",
        style.paint("1", &problems),
        s.infos
    )
}
