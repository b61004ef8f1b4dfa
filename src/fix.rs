//! `--fix` and `--diff`: append the configured disclaimer to posts where a `disclaimer/*`
//! rule fired, and mask personal data (rules with `redact = true`).
//!
//! Fixes are computed per post on its decoded text, then the post is written back in the
//! file's own encoding (a CSV cell keeps its quoting, a JSON string its escapes). Files
//! are written to a temporary file in the same folder and renamed over the original, so an
//! interrupted fix loses nothing.

use crate::finding::{Finding, mask};
use crate::markup::Post;
use crate::rules::Category;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// What fixing one file did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub text: String,
    /// Disclaimers added.
    pub disclaimers: usize,
    /// Pieces of personal data masked.
    pub masked: usize,
    /// Posts that needed a disclaimer, with none configured.
    pub missing_disclaimer: usize,
}

impl Outcome {
    pub fn changes(&self) -> usize {
        self.disclaimers + self.masked
    }
}

/// Fixes the findings of `file` (whose posts are `posts`); `post_of[i]` is the post of
/// `findings[i]`.
pub fn fix(
    file: &str,
    posts: &[Post],
    findings: &[(usize, &Finding)],
    disclaimer: Option<&str>,
) -> Outcome {
    let mut out = Outcome::default();
    // (file span, replacement), one per changed post.
    let mut edits: Vec<((usize, usize), String)> = Vec::new();
    for (pi, post) in posts.iter().enumerate() {
        let mine: Vec<&Finding> = findings
            .iter()
            .filter(|(p, _)| *p == pi)
            .map(|(_, f)| *f)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let mut text = post.text(file).to_string();
        // Masks, from the end so earlier offsets stay valid; overlapping spans once.
        let mut spans: Vec<(usize, usize)> = mine
            .iter()
            .filter(|f| f.sensitive && f.post_end > f.post_start)
            .map(|f| (f.post_start, f.post_end))
            .collect();
        spans.sort_unstable();
        spans.dedup();
        let mut last_start = usize::MAX;
        for &(s, e) in spans.iter().rev() {
            if e > last_start {
                continue;
            }
            if let Some(piece) = text.get(s..e) {
                let masked = mask(piece);
                if masked != piece {
                    text.replace_range(s..e, &masked);
                    out.masked += 1;
                }
                last_start = s;
            }
        }
        if mine.iter().any(|f| f.category == Category::Disclaimer) {
            match disclaimer.map(str::trim).filter(|d| !d.is_empty()) {
                Some(d) => {
                    let end = text.trim_end().len();
                    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
                    let sep = if end == 0 {
                        String::new()
                    } else {
                        format!("{nl}{nl}")
                    };
                    text.insert_str(end, &format!("{sep}{d}"));
                    out.disclaimers += 1;
                }
                None => out.missing_disclaimer += 1,
            }
        }
        if text != post.text(file) {
            edits.push((post.span, post.encoding.encode(&text)));
        }
    }
    edits.sort_by_key(|e| e.0);
    let mut result = String::with_capacity(file.len() + 64);
    let mut at = 0;
    for ((s, e), rep) in edits {
        if s < at || e > file.len() {
            continue;
        }
        result.push_str(&file[at..s]);
        result.push_str(&rep);
        at = e;
    }
    result.push_str(&file[at..]);
    out.text = result;
    out
}

/// A unified diff of a fix (`--- a/path`, `+++ b/path`), empty when nothing changes.
pub fn diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let name = crate::baseline::normalise_path(path);
    let mut s = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string();
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// Writes `data` to a temporary file beside `path`, then renames it over `path`: readers
/// see the old file or the new one, never half of it. Permissions are kept.
pub fn write_atomically(path: &Path, data: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".vaglio-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .with_context(|| format!("{}: file temporaneo / temporary file", dir.display()))?;
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("{}: sostituzione / rename", path.display()))?;
    Ok(())
}
