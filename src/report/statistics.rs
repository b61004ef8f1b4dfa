//! `--statistics`: how many findings per rule, per category and per file, most frequent
//! first; a table, or JSON with `--format json` / `json-lines`.

use super::Options;
use crate::finding::FileReport;
use crate::rules::Severity;
use std::collections::BTreeMap;
use std::fmt::Write;

struct Counts<'a> {
    rules: Vec<(&'a str, &'static str, Severity, usize)>,
    categories: Vec<(&'static str, usize)>,
    files: Vec<(&'a str, usize)>,
}

fn sorted<K: Ord + Clone, V: Clone>(m: BTreeMap<K, (V, usize)>) -> Vec<(K, V, usize)> {
    let mut v: Vec<(K, V, usize)> = m.into_iter().map(|(k, (v, n))| (k, v, n)).collect();
    v.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    v
}

fn count(reports: &[FileReport]) -> Counts<'_> {
    let mut rules: BTreeMap<&str, ((&'static str, Severity), usize)> = BTreeMap::new();
    let mut cats: BTreeMap<&'static str, ((), usize)> = BTreeMap::new();
    let mut files: BTreeMap<&str, ((), usize)> = BTreeMap::new();
    for r in reports {
        for f in &r.findings {
            let e = rules
                .entry(f.rule.as_str())
                .or_insert(((f.category.id(), f.severity), 0));
            e.0.1 = e.0.1.max(f.severity);
            e.1 += 1;
            cats.entry(f.category.id()).or_insert(((), 0)).1 += 1;
            files.entry(r.path.as_str()).or_insert(((), 0)).1 += 1;
        }
    }
    Counts {
        rules: sorted(rules)
            .into_iter()
            .map(|(id, (cat, sev), n)| (id, cat, sev, n))
            .collect(),
        categories: sorted(cats).into_iter().map(|(c, _, n)| (c, n)).collect(),
        files: sorted(files).into_iter().map(|(p, _, n)| (p, n)).collect(),
    }
}

pub fn table(reports: &[FileReport], opts: &Options) -> String {
    let c = count(reports);
    let lang = opts.lang;
    let mut out = String::new();
    if c.rules.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            lang.pick("Nessun problema trovato.", "No problems found.")
        );
        return out;
    }
    let w = c.rules.iter().map(|r| r.0.len()).max().unwrap_or(5).max(6);
    let _ = writeln!(
        out,
        "{:>6}  {:<w$}  {:<16}  {}",
        lang.pick("NUM.", "COUNT"),
        lang.pick("REGOLA", "RULE"),
        lang.pick("CATEGORIA", "CATEGORY"),
        lang.pick("SEVERITÀ", "SEVERITY")
    );
    for (id, cat, sev, n) in &c.rules {
        let _ = writeln!(out, "{n:>6}  {id:<w$}  {cat:<16}  {}", lang.severity(*sev));
    }
    let _ = writeln!(out, "\n{}", lang.pick("Per categoria:", "By category:"));
    for (cat, n) in &c.categories {
        let _ = writeln!(out, "{n:>6}  {cat}");
    }
    let _ = writeln!(out, "\n{}", lang.pick("Per file:", "By file:"));
    for (p, n) in &c.files {
        let _ = writeln!(out, "{n:>6}  {p}");
    }
    out
}

pub fn json(reports: &[FileReport]) -> String {
    let c = count(reports);
    let v = serde_json::json!({
        "version": 1,
        "rules": c.rules.iter().map(|(id, cat, sev, n)| serde_json::json!({
            "rule": id, "category": cat, "severity": sev.id(), "count": n
        })).collect::<Vec<_>>(),
        "categories": c.categories.iter().map(|(cat, n)| serde_json::json!({
            "category": cat, "count": n
        })).collect::<Vec<_>>(),
        "files": c.files.iter().map(|(p, n)| serde_json::json!({
            "path": p, "count": n
        })).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
