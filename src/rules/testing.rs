//! Runs the `bad` and `good` examples embedded in every rule (`vaglio rules test`, and the
//! test suite for the built-in packs).

use super::{LoadedRule, RuleSet};
use crate::engine::{Engine, EngineOptions};
use crate::rules::expand::Placeholders;
use anyhow::Result;

#[derive(Debug)]
pub struct Failure {
    pub rule: String,
    pub origin: String,
    pub example: String,
    pub bad: bool,
    pub detail: String,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub rules: usize,
    pub examples: usize,
    pub failures: Vec<Failure>,
}

/// Runs every example of every rule, each rule on its own under the profile and role its
/// tests name (by default its first profile).
pub fn run(set: &RuleSet) -> Result<Outcome> {
    let mut outcome = Outcome::default();
    for rule in &set.rules {
        outcome.rules += 1;
        run_rule(set, rule, &mut outcome)?;
    }
    Ok(outcome)
}

fn run_rule(set: &RuleSet, rule: &LoadedRule, outcome: &mut Outcome) -> Result<()> {
    let def = &rule.def;
    let Some(tests) = &def.tests else {
        return Ok(());
    };
    let placeholders = Placeholders {
        entity: tests.entity.iter().cloned().collect(),
        confidential: tests.confidential.clone(),
        disclaimer: tests.disclaimer.iter().cloned().collect(),
        accounts: Vec::new(),
    };
    let opts = EngineOptions {
        profile: tests.profile.unwrap_or_else(|| def.profiles()[0]),
        role: tests.role,
        select: vec![def.id.clone()],
        placeholders,
        ..EngineOptions::default()
    };
    let engine = Engine::new(set, &opts)?;
    let mut fail = |example: &str, bad: bool, detail: String| {
        outcome.failures.push(Failure {
            rule: def.id.clone(),
            origin: rule.origin.to_string(),
            example: example.to_string(),
            bad,
            detail,
        });
    };
    for ex in &tests.bad {
        outcome.examples += 1;
        let text = ex.text();
        let hits = engine.check(text)?;
        if hits.is_empty() {
            fail(text, true, "non segnalato / not reported".into());
            continue;
        }
        if let Some(m) = ex.expected_match() {
            let Some(at) = text.find(m) else {
                fail(
                    text,
                    true,
                    format!("«{m}» non è nel testo dell'esempio / not in the example"),
                );
                continue;
            };
            let (ms, me) = (at, at + m.len());
            if !hits.iter().any(|h| h.start < me && ms < h.end) {
                let got = matched_texts(text, &hits);
                fail(
                    text,
                    true,
                    format!("atteso su «{m}», trovato su {got:?} / expected at «{m}»"),
                );
            }
        }
    }
    for ex in &tests.good {
        outcome.examples += 1;
        let text = ex.text();
        let hits = engine.check(text)?;
        if !hits.is_empty() {
            let got = matched_texts(text, &hits);
            fail(
                text,
                false,
                format!("segnalato per errore su {got:?} / reported by mistake"),
            );
        }
    }
    Ok(())
}

/// The texts the hits cover, for failure messages.
fn matched_texts<'a>(text: &'a str, hits: &[crate::engine::Hit]) -> Vec<&'a str> {
    hits.iter()
        .map(|h| text.get(h.start..h.end).unwrap_or(""))
        .collect()
}
