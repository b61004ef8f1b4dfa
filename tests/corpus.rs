//! Scores the project's own labelled corpus (tests/corpus/*.jsonl, the dev-set format) with
//! the real engine, per category, against fixed thresholds. The scoring follows the dev
//! scorer: a category counts once per case; an expected `match` must be overlapped by a
//! finding of that category; `allow` tolerates a category either way; only warnings and
//! errors count.

use serde_json::Value;
use std::collections::BTreeMap;
use vaglio::engine::{Engine, EngineOptions};
use vaglio::rules::{Profile, RuleSet, Severity};

/// Minimum precision and recall per category, as the issues ask of the dev set.
fn threshold(category: &str) -> f64 {
    match category {
        "personal-data" => 0.97,
        "offensive" => 0.95,
        _ => 0.90,
    }
}

#[derive(Default, Debug)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

fn profile(s: &str) -> Profile {
    match s {
        "institutional" => Profile::Institutional,
        "moderation" => Profile::Moderation,
        _ => Profile::Personal,
    }
}

#[test]
fn corpus_meets_the_thresholds() {
    let set = RuleSet::builtin().expect("built-in packs load");
    let engines: BTreeMap<&str, Engine> = ["personal", "institutional", "moderation"]
        .into_iter()
        .map(|p| {
            let opts = EngineOptions {
                profile: profile(p),
                ..EngineOptions::default()
            };
            (p, Engine::new(&set, &opts).expect("engine builds"))
        })
        .collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/corpus exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    let mut clean = (0usize, 0usize);
    let mut report = Vec::new();
    let mut cases = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (lineno, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            cases += 1;
            let case: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", file.display(), lineno + 1));
            let id = case["id"].as_str().unwrap_or("?");
            let body = case["text"].as_str().unwrap_or("");
            let engine = &engines[case["profile"].as_str().unwrap_or("personal")];
            let hits = engine.check(body).unwrap();
            let found: Vec<(String, usize, usize)> = hits
                .iter()
                .filter(|h| engine.rule(h).severity >= Severity::Warning)
                .map(|h| (engine.rule(h).category().id().to_string(), h.start, h.end))
                .collect();
            let allow: Vec<&str> = case["allow"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let expect = case["expect"].as_array().cloned().unwrap_or_default();
            let mut expected: BTreeMap<String, Vec<Option<String>>> = BTreeMap::new();
            for e in &expect {
                let cat = e["category"].as_str().unwrap_or("").to_string();
                expected
                    .entry(cat)
                    .or_default()
                    .push(e["match"].as_str().map(str::to_string));
            }
            for (cat, matches) in &expected {
                let of_cat: Vec<&(String, usize, usize)> =
                    found.iter().filter(|f| &f.0 == cat).collect();
                let ok = !of_cat.is_empty()
                    && matches.iter().all(|m| match m {
                        None => true,
                        Some(m) => body.find(m.as_str()).is_some_and(|s| {
                            let e = s + m.len();
                            of_cat.iter().any(|f| f.1 < e && s < f.2)
                        }),
                    });
                let c = counts.entry(cat.clone()).or_default();
                if ok {
                    c.tp += 1;
                } else if !allow.contains(&cat.as_str()) {
                    c.fn_ += 1;
                    report.push(format!("MISS {id} {cat}: {body}"));
                }
            }
            let mut loud = false;
            let mut seen = Vec::new();
            for (cat, s, e) in &found {
                if expected.contains_key(cat) || allow.contains(&cat.as_str()) || seen.contains(cat)
                {
                    continue;
                }
                seen.push(cat.clone());
                loud = true;
                counts.entry(cat.clone()).or_default().fp += 1;
                report.push(format!("FALSE {id} {cat} «{}»: {body}", &body[*s..*e]));
            }
            if expect.is_empty() {
                clean.0 += 1;
                if !loud {
                    clean.1 += 1;
                }
            }
        }
    }
    assert!(cases > 0, "the corpus is empty");
    let mut failed = Vec::new();
    let mut table = String::new();
    for (cat, c) in &counts {
        let p = if c.tp + c.fp == 0 {
            1.0
        } else {
            c.tp as f64 / (c.tp + c.fp) as f64
        };
        let r = if c.tp + c.fn_ == 0 {
            1.0
        } else {
            c.tp as f64 / (c.tp + c.fn_) as f64
        };
        table.push_str(&format!(
            "{cat:<16} tp {:>3} fp {:>3} fn {:>3}  P {p:.3}  R {r:.3}\n",
            c.tp, c.fp, c.fn_
        ));
        // Categories the corpus does not label (style, security) only count against silence.
        if ["style", "security"].contains(&cat.as_str()) {
            continue;
        }
        if p < threshold(cat) || r < threshold(cat) {
            failed.push(cat.clone());
        }
    }
    let silent = clean.1 as f64 / clean.0.max(1) as f64;
    table.push_str(&format!(
        "clean silent {}/{} ({silent:.3})\n",
        clean.1, clean.0
    ));
    println!("{table}");
    assert!(
        failed.is_empty() && silent >= 0.97,
        "corpus below thresholds for {failed:?}\n{table}\n{}",
        report.join("\n")
    );
}
