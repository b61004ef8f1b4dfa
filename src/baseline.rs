//! Baselines: accept today's findings, fail only on new ones.
//!
//! A fingerprint does not depend on line or column: it is a hash of the path, the rule,
//! the matched text (case- and accent-folded, spaces collapsed) and up to two words of
//! context on each side on the same line. Inserting or removing other lines, or moving the
//! paragraph, does not revive an accepted finding; changing the words around it does.
//! Identical findings are counted, so a second copy of an accepted problem is new.
//!
//! The file never holds personal data in clear: matched text is masked where the rule
//! redacts, and only the hash is compared.

use crate::finding::{FileReport, Finding};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

const CONTEXT_WORDS: usize = 2;

/// 64-bit FNV-1a: stable across Rust versions and platforms (std's hasher is not).
fn fnv1a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn normalise(s: &str) -> String {
    crate::text::fold(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The path as written in a fingerprint: forward slashes, no leading `./`.
pub fn normalise_path(p: &str) -> String {
    let p = p.replace('\\', "/");
    let mut p = p.as_str();
    while let Some(r) = p.strip_prefix("./") {
        p = r;
    }
    p.to_string()
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(normalise)
        .collect()
}

/// The fingerprint of a finding in the file `text`.
pub fn fingerprint(path: &str, f: &Finding, text: &str) -> String {
    let line_start = text
        .get(..f.start)
        .and_then(|t| t.rfind('\n'))
        .map(|i| i + 1)
        .unwrap_or(0);
    let line_end = text
        .get(f.end..)
        .and_then(|t| t.find('\n'))
        .map(|i| f.end + i)
        .unwrap_or(text.len());
    let before = words(text.get(line_start..f.start).unwrap_or(""));
    let after = words(text.get(f.end..line_end).unwrap_or(""));
    let before = &before[before.len().saturating_sub(CONTEXT_WORDS)..];
    let after = &after[..after.len().min(CONTEXT_WORDS)];
    let key = format!(
        "v1\0{}\0{}\0{}\0{}\0{}",
        normalise_path(path),
        f.rule,
        normalise(&f.matched),
        before.join(" "),
        after.join(" ")
    );
    format!("{:016x}", fnv1a(key.as_bytes()))
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    path: String,
    rule: String,
    /// For the reader only: where the finding was when the baseline was written.
    line: usize,
    matched: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    tool: String,
    findings: Vec<Entry>,
}

/// Writes the baseline for these reports; returns how many findings it holds.
pub fn write(path: &Path, reports: &[FileReport]) -> Result<usize> {
    let mut findings: Vec<Entry> = reports
        .iter()
        .flat_map(|r| {
            r.findings.iter().map(move |f| Entry {
                fingerprint: fingerprint(&r.path, f, &r.text),
                path: normalise_path(&r.path),
                rule: f.rule.clone(),
                line: f.line,
                matched: f.shown_match(true),
            })
        })
        .collect();
    findings.sort_by(|a, b| {
        (&a.path, a.line, &a.rule, &a.fingerprint).cmp(&(&b.path, b.line, &b.rule, &b.fingerprint))
    });
    let n = findings.len();
    let file = File {
        version: 1,
        tool: "vaglio".into(),
        findings,
    };
    let mut json = serde_json::to_string_pretty(&file)?;
    json.push('\n');
    crate::fix::write_atomically(path, json.as_bytes()).with_context(|| {
        format!(
            "{}: scrittura della baseline / writing the baseline",
            path.display()
        )
    })?;
    Ok(n)
}

/// Accepted fingerprints, with how many times each was seen.
#[derive(Debug, Default)]
pub struct Baseline {
    counts: HashMap<String, usize>,
    total: usize,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline> {
        let source = std::fs::read_to_string(path).with_context(|| {
            format!(
                "{}: lettura della baseline non riuscita / cannot read the baseline",
                path.display()
            )
        })?;
        let file: File = serde_json::from_str(&source).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}:{}: baseline non valida / invalid baseline: {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        if file.version != 1 {
            bail!(
                "{}: versione della baseline {} non supportata / unsupported baseline version",
                path.display(),
                file.version
            );
        }
        let mut b = Baseline::default();
        for e in file.findings {
            *b.counts.entry(e.fingerprint).or_default() += 1;
            b.total += 1;
        }
        Ok(b)
    }

    /// Drops the accepted findings from the reports; returns how many were dropped.
    pub fn filter(&mut self, reports: &mut [FileReport]) -> usize {
        let mut dropped = 0;
        for r in reports.iter_mut() {
            let (path, text) = (&r.path, &r.text);
            r.findings.retain(|f| {
                let fp = fingerprint(path, f, text);
                match self.counts.get_mut(&fp) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        dropped += 1;
                        false
                    }
                    _ => true,
                }
            });
        }
        dropped
    }

    /// Entries that matched nothing in this run (fixed since, or outside the checked paths).
    pub fn unmatched(&self) -> usize {
        self.counts.values().sum()
    }

    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Category, Severity};

    fn finding(text: &str, needle: &str) -> Finding {
        let start = text.find(needle).unwrap();
        Finding {
            rule: "offensive/x".into(),
            category: Category::Offensive,
            severity: Severity::Error,
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
            start,
            end: start + needle.len(),
            matched: needle.into(),
            sensitive: false,
            message: String::new(),
            reference: String::new(),
            suggestion: None,
            post_start: 0,
            post_end: 0,
        }
    }

    #[test]
    fn fingerprints_ignore_other_lines_but_not_context() {
        let a = "Ciao.\nSei un incapace davvero.\n";
        let b = "Riga nuova.\n\nCiao.\nSei un  INCAPACE davvero.\n";
        let c = "Ciao.\nSei proprio incapace davvero.\n";
        let fa = fingerprint("./x.txt", &finding(a, "incapace"), a);
        assert_eq!(fa, fingerprint("x.txt", &finding(b, "INCAPACE"), b));
        assert_ne!(fa, fingerprint("x.txt", &finding(c, "incapace"), c));
        assert_ne!(fa, fingerprint("y.txt", &finding(a, "incapace"), a));
    }
}
