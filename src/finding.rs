//! Findings with positions computed on the original text.

use crate::engine::{Engine, Hit};
use crate::i18n::Lang;
use crate::markup::OffsetMap;
use crate::rules::{Category, Severity};
use crate::text::LineIndex;

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    /// 1-based; columns count Unicode scalar values; the end is exclusive.
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Byte offsets into the input as given.
    pub start: usize,
    pub end: usize,
    pub matched: String,
    /// Personal data: masked in machine-readable output unless the user asks otherwise.
    pub sensitive: bool,
    pub message: String,
    pub reference: String,
    pub suggestion: Option<String>,
    /// The span in the checked post's own text (equal to `start`/`end` for a plain file);
    /// used by `--fix` to edit the post.
    pub post_start: usize,
    pub post_end: usize,
}

/// The checked input: its name, text and findings.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: String,
    pub text: String,
    pub findings: Vec<Finding>,
}

impl Finding {
    pub fn from_hit(
        engine: &Engine,
        hit: &Hit,
        text: &str,
        lines: &LineIndex,
        lang: Lang,
        base: usize,
    ) -> Finding {
        let map = OffsetMap::contiguous(base, text.len().saturating_sub(base));
        Finding::from_post_hit(engine, hit, text, lines, lang, &map)
    }

    /// A finding for a hit in a post whose offsets `map` turns into the file's.
    pub fn from_post_hit(
        engine: &Engine,
        hit: &Hit,
        text: &str,
        lines: &LineIndex,
        lang: Lang,
        map: &OffsetMap,
    ) -> Finding {
        let rule = engine.rule(hit);
        let def = &rule.rule.def;
        let mut f = Finding::at(
            text,
            lines,
            map.to_file(hit.start),
            map.to_file(hit.end),
            &def.id,
            def.category,
            rule.severity,
            def.message.get(lang),
            &def.reference,
            def.suggestion.as_ref().map(|s| s.get(lang)),
        );
        f.sensitive = def.redact;
        f.post_start = hit.start;
        f.post_end = hit.end;
        f
    }

    /// A finding at file bytes `start..end`.
    #[allow(clippy::too_many_arguments)]
    pub fn at(
        text: &str,
        lines: &LineIndex,
        start: usize,
        end: usize,
        rule: &str,
        category: Category,
        severity: Severity,
        message: &str,
        reference: &str,
        suggestion: Option<&str>,
    ) -> Finding {
        let end = end.max(start);
        let (line, column) = lines.position(text, start);
        let (end_line, end_column) = lines.position(text, end);
        Finding {
            rule: rule.to_string(),
            category,
            severity,
            line,
            column,
            end_line,
            end_column,
            start,
            end,
            matched: text.get(start..end).unwrap_or("").to_string(),
            sensitive: false,
            message: message.to_string(),
            reference: reference.to_string(),
            suggestion: suggestion.map(str::to_string),
            post_start: start,
            post_end: end,
        }
    }

    /// The matched text as it may be shown.
    pub fn shown_match(&self, redact: bool) -> String {
        if redact && self.sensitive {
            mask(&self.matched)
        } else {
            self.matched.clone()
        }
    }
}

/// Masks a piece of personal data, keeping only its first and last two letters or digits
/// (`RSSMRA85T10A562S` → `RS************2S`) and the separators, so the span stays
/// recognisable to its author without being readable in a CI log.
pub fn mask(s: &str) -> String {
    let total = s.chars().filter(|c| c.is_alphanumeric()).count();
    let keep = if total >= 8 {
        2
    } else if total >= 4 {
        1
    } else {
        0
    };
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                seen += 1;
                if seen <= keep || seen > total - keep {
                    c
                } else {
                    '*'
                }
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masking_keeps_the_edges() {
        assert_eq!(mask("RSSMRA85T10A562S"), "RS************2S");
        assert_eq!(mask("347 123 4567"), "34* *** **67");
        assert_eq!(mask("abc"), "***");
    }
}
