//! Inline suppressions, with a reason that is required.
//!
//! In Markdown (and anywhere, since an HTML comment is never published):
//!
//! ```text
//! <!-- vaglio-ignore personal-data/telefono: è il numero del centralino -->   next line
//! <!-- vaglio-ignore-start offensive: citazione della sentenza -->            a range…
//! <!-- vaglio-ignore-end -->                                                  …until here
//! <!-- vaglio-ignore-file style: bozza interna -->                            the whole file
//! ```
//!
//! In plain text a line that starts with the marker (`vaglio-ignore` unless `vaglio.toml`
//! says otherwise) does the same: `vaglio-ignore confidentiality: già pubblicato`. A
//! directive on a line with other text applies to that line; otherwise to the next line
//! with text. Rules are named by id or by category; the reason follows a colon.
//!
//! Directives are blanked (replaced by spaces, offsets unchanged) before the engine reads
//! the post. A directive that suppresses nothing, names an unknown rule or has no reason is
//! reported as `style/suppression`.

/// The pseudo-rule that reports problems with suppressions.
pub const RULE: &str = "style/suppression";

pub const DEFAULT_MARKER: &str = "vaglio-ignore";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// This line (when the directive shares it with text) or the next line with text.
    Next,
    Start,
    End,
    File,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub kind: Kind,
    /// Rule ids or categories.
    pub selectors: Vec<String>,
    pub reason: Option<String>,
    /// Where the directive is written, in post bytes.
    pub span: (usize, usize),
    /// The post bytes it covers (the whole post for `File`).
    pub range: (usize, usize),
    /// For each selector: did it suppress something?
    pub used: Vec<bool>,
}

impl Directive {
    /// Whether the directive can suppress at all (it has rules and a reason).
    pub fn valid(&self) -> bool {
        self.reason.is_some() && !self.selectors.is_empty()
    }
}

/// A structural problem found while reading directives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// `-end` with no open `-start`.
    EndWithoutStart,
    /// `-start` never closed: it runs to the end of the post.
    Unclosed,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub directives: Vec<Directive>,
    /// Byte ranges to blank before checking.
    pub blank: Vec<(usize, usize)>,
    pub problems: Vec<(Problem, (usize, usize))>,
}

/// Splits `rest` (what follows the marker keyword) into selectors and reason.
fn selectors_and_reason(rest: &str) -> (Vec<String>, Option<String>) {
    let (sel, reason) = match rest.split_once(':') {
        Some((s, r)) => (s, Some(r.trim())),
        None => (rest, None),
    };
    let selectors = sel
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let reason = reason.filter(|r| !r.is_empty()).map(str::to_string);
    (selectors, reason)
}

/// Reads a directive's body (`vaglio-ignore-start a, b: reason`); `None` if it is not one.
fn directive_body(body: &str, marker: &str) -> Option<(Kind, Vec<String>, Option<String>)> {
    let rest = body.trim().strip_prefix(marker)?;
    let (kind, rest) = if let Some(r) = rest.strip_prefix("-start") {
        (Kind::Start, r)
    } else if let Some(r) = rest.strip_prefix("-end") {
        (Kind::End, r)
    } else if let Some(r) = rest.strip_prefix("-file") {
        (Kind::File, r)
    } else {
        (Kind::Next, rest)
    };
    if !(rest.is_empty() || rest.starts_with(|c: char| c.is_whitespace() || c == ':')) {
        return None;
    }
    let (selectors, reason) = selectors_and_reason(rest);
    Some((kind, selectors, reason))
}

/// Line ranges of a text: `(start, end)` without the line break.
fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        out.push((offset, offset + content.len()));
        offset += line.len();
    }
    if text.is_empty() || text.ends_with('\n') {
        out.push((text.len(), text.len()));
    }
    out
}

/// A directive as read: kind, selectors, reason, span.
type Found = (Kind, Vec<String>, Option<String>, (usize, usize));

/// Whether `needle` occurs in `hay`, with memchr's SIMD substring search (`str::contains`
/// took 15 ms on 100 MB), in two halves side by side for a large text: the search ran
/// on one core while the other waited.
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    const SIDE_BY_SIDE: usize = 8 * 1024 * 1024;
    if hay.len() < SIDE_BY_SIDE {
        return memchr::memmem::find(hay, needle).is_some();
    }
    // The halves overlap by a needle's length less one, so no occurrence is cut.
    let mid = hay.len() / 2;
    let first = &hay[..(mid + needle.len().saturating_sub(1)).min(hay.len())];
    let second = &hay[mid..];
    let (a, b) = rayon::join(
        || memchr::memmem::find(first, needle).is_some(),
        || memchr::memmem::find(second, needle).is_some(),
    );
    a || b
}

/// Finds the directives of a post. `markdown` blanks every HTML comment, not only
/// directives (comments are not published).
pub fn parse(text: &str, marker: &str, markdown: bool) -> Parsed {
    let mut parsed = Parsed::default();
    let marker = if marker.trim().is_empty() {
        DEFAULT_MARKER
    } else {
        marker.trim()
    };
    let contains = |needle: &str| contains(text.as_bytes(), needle.as_bytes());
    if !(contains(marker) || (markdown && contains("<!--"))) {
        return parsed;
    }
    let mut found: Vec<Found> = Vec::new();
    let comments = crate::markup::html_comments(text);
    for &(s, e) in &comments {
        let inner = text
            .get(s + 4..e)
            .map(|t| t.strip_suffix("-->").unwrap_or(t))
            .unwrap_or("");
        if let Some((k, sel, reason)) = directive_body(inner, marker) {
            found.push((k, sel, reason, (s, e)));
            parsed.blank.push((s, e));
        } else if markdown {
            parsed.blank.push((s, e));
        }
    }
    let line_ranges = lines(text);
    for &(s, e) in &line_ranges {
        let line = &text[s..e];
        let lead = line.len() - line.trim_start().len();
        let at = s + lead;
        if comments.iter().any(|&(cs, ce)| at >= cs && at < ce) {
            continue;
        }
        if let Some((k, sel, reason)) = directive_body(line, marker) {
            found.push((k, sel, reason, (at, e)));
            parsed.blank.push((at, e));
        }
    }
    found.sort_by_key(|f| f.3);
    let blanked = crate::markup::blank(text, &parsed.blank);
    let has_text = |(s, e): (usize, usize)| blanked.get(s..e).is_some_and(|l| !l.trim().is_empty());
    let line_of = |b: usize| {
        line_ranges
            .partition_point(|&(s, _)| s <= b)
            .saturating_sub(1)
    };

    let mut open: Vec<usize> = Vec::new();
    for (kind, selectors, reason, span) in found {
        let n = selectors.len();
        let range = match kind {
            Kind::File => (0, text.len()),
            Kind::Start => (span.1, text.len()),
            Kind::End => {
                match open.pop() {
                    Some(i) => parsed.directives[i].range.1 = span.0,
                    None => parsed.problems.push((Problem::EndWithoutStart, span)),
                }
                continue;
            }
            Kind::Next => {
                let first = line_of(span.0);
                let last = line_of(span.1.saturating_sub(1).max(span.0));
                if has_text(line_ranges[first]) {
                    line_ranges[first]
                } else if last != first && has_text(line_ranges[last]) {
                    line_ranges[last]
                } else {
                    line_ranges
                        .iter()
                        .skip(last + 1)
                        .find(|&&l| has_text(l))
                        .copied()
                        .unwrap_or((text.len(), text.len()))
                }
            }
        };
        if kind == Kind::Start {
            open.push(parsed.directives.len());
        }
        parsed.directives.push(Directive {
            kind,
            selectors,
            reason,
            span,
            range,
            used: vec![false; n],
        });
    }
    for i in open {
        parsed
            .problems
            .push((Problem::Unclosed, parsed.directives[i].span));
    }
    parsed
}

impl Directive {
    /// Whether this directive silences a finding of `rule` (of `category`) starting at
    /// `at`; marks the selector that did as used.
    pub fn suppress(&mut self, rule: &str, category: &str, at: usize) -> bool {
        let inside = self.kind == Kind::File || (at >= self.range.0 && at < self.range.1);
        if !self.valid() || !inside {
            return false;
        }
        let mut hit = false;
        for (i, s) in self.selectors.iter().enumerate() {
            if s == rule || s == category {
                self.used[i] = true;
                hit = true;
            }
        }
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_is_found_in_either_half_and_across_the_middle() {
        let len = 9 * 1024 * 1024;
        let needle = DEFAULT_MARKER.as_bytes();
        for at in [0, len / 2 - 3, len / 2, len - needle.len()] {
            let mut hay = vec![b'a'; len];
            hay[at..at + needle.len()].copy_from_slice(needle);
            assert!(contains(&hay, needle), "at {at}");
        }
        assert!(!contains(&vec![b'a'; len], needle));
    }

    #[test]
    fn next_line_range_file_and_blanking() {
        let t = "uno\n<!-- vaglio-ignore offensive, personal-data/cf: citazione -->\n\ndue\ntre <!-- vaglio-ignore style: ok -->\n";
        let p = parse(t, DEFAULT_MARKER, true);
        assert_eq!(p.directives.len(), 2);
        let d = &p.directives[0];
        assert_eq!(d.selectors, ["offensive", "personal-data/cf"]);
        assert_eq!(d.reason.as_deref(), Some("citazione"));
        assert_eq!(&t[d.range.0..d.range.1], "due");
        let d = &p.directives[1];
        assert_eq!(
            &t[d.range.0..d.range.1],
            "tre <!-- vaglio-ignore style: ok -->"
        );
        let b = crate::markup::blank(t, &p.blank);
        assert!(!b.contains("vaglio"));
        assert_eq!(b.len(), t.len());
    }

    #[test]
    fn ranges_and_problems() {
        let t = "<!-- vaglio-ignore-start offensive: motivo -->\na\n<!-- vaglio-ignore-end -->\nb\n<!-- vaglio-ignore-end -->\n<!-- vaglio-ignore-start style: x -->\nc";
        let p = parse(t, DEFAULT_MARKER, false);
        assert_eq!(p.directives.len(), 2);
        let r = p.directives[0].range;
        assert_eq!(t[r.0..r.1].trim(), "a");
        assert_eq!(p.problems.len(), 2);
        assert_eq!(p.problems[0].0, Problem::EndWithoutStart);
        assert_eq!(p.problems[1].0, Problem::Unclosed);
    }

    #[test]
    fn marker_lines_and_reasons() {
        let t = "vaglio-ignore offensive\nparolaccia\n  vaglio-ignore-file style: bozza\nvaglio-ignored non è una direttiva\n";
        let p = parse(t, DEFAULT_MARKER, false);
        assert_eq!(p.directives.len(), 2);
        assert!(!p.directives[0].valid());
        assert_eq!(
            &t[p.directives[0].range.0..p.directives[0].range.1],
            "parolaccia"
        );
        assert_eq!(p.directives[1].kind, Kind::File);
        let p = parse("# nolint offensive: x\nciao", "# nolint", false);
        assert_eq!(p.directives.len(), 1);
        let mut d = p.directives[0].clone();
        assert!(d.suppress("offensive/x", "offensive", 23));
        assert!(!d.suppress("style/x", "style", 23));
        assert!(!d.suppress("offensive/x", "offensive", 0));
    }
}
