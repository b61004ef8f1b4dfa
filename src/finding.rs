//! Findings with positions computed on the original text.

use crate::engine::{Engine, Hit};
use crate::i18n::Lang;
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
        let rule = engine.rule(hit);
        let def = &rule.rule.def;
        let (start, end) = (base + hit.start, base + hit.end);
        let (line, column) = lines.position(text, start);
        let (end_line, end_column) = lines.position(text, end);
        Finding {
            rule: def.id.clone(),
            category: def.category,
            severity: rule.severity,
            line,
            column,
            end_line,
            end_column,
            start,
            end,
            matched: text.get(start..end).unwrap_or("").to_string(),
            sensitive: def.redact,
            message: def.message.get(lang).to_string(),
            reference: def.reference.clone(),
            suggestion: def.suggestion.as_ref().map(|s| s.get(lang).to_string()),
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
