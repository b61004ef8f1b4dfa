//! The bodies of the fuzz targets. One copy, included with `#[path]` by the targets in
//! `fuzz_targets/` (nightly, libFuzzer) and by `tests/robustness.rs` (stable), which replays
//! the seed corpus in `fuzz/seeds/`: the library ships no fuzz-only code, and the stable
//! suite exercises exactly what the fuzzer does.
//!
//! Both bodies only use vaglio's public API. A panic is the bug; an `Err` is a fine answer.

#![allow(dead_code)]

use std::sync::OnceLock;
use vaglio::config::Config;
use vaglio::engine::{Engine, EngineOptions};
use vaglio::finding::FileReport;
use vaglio::i18n::Lang;
use vaglio::input::{self, Content};
use vaglio::markup::SplitOptions;
use vaglio::pipeline::{self, EngineCache, Settings};
use vaglio::rules::{Profile, RuleSet};

/// Arbitrary bytes as a user rule pack: loading returns Ok or Err. A pack that loads must
/// also build an engine in every profile and check its own source text.
pub fn load_pack(data: &[u8]) {
    // `RuleSet::add_file` reads the file as UTF-8 first; lossy decoding keeps the fuzzer's
    // mutations useful instead of stopping at the first invalid byte.
    let source = String::from_utf8_lossy(data);
    let mut set = RuleSet::default();
    if set.add_source("fuzz.toml", &source).is_err() {
        return;
    }
    for profile in Profile::ALL {
        let opts = EngineOptions {
            profile,
            ..Default::default()
        };
        if let Ok(engine) = Engine::new(&set, &opts)
            && let Ok(hits) = engine.check(&source)
        {
            for h in hits {
                assert!(h.start <= h.end && h.end <= source.len(), "{h:?}");
                assert!(
                    source.is_char_boundary(h.start) && source.is_char_boundary(h.end),
                    "{h:?}"
                );
            }
        }
    }
}

/// One `Settings` per profile over every built-in pack, built once per process.
fn settings() -> &'static [Settings<'static>] {
    static SETTINGS: OnceLock<Vec<Settings<'static>>> = OnceLock::new();
    SETTINGS.get_or_init(|| {
        let set: &'static RuleSet = Box::leak(Box::new(
            RuleSet::builtin().unwrap_or_else(|e| panic!("built-in packs: {e:#}")),
        ));
        let config: &'static Config = Box::leak(Box::new(Config::default()));
        Profile::ALL
            .into_iter()
            .map(|profile| Settings {
                engines: EngineCache::new(
                    set,
                    EngineOptions {
                        profile,
                        ..Default::default()
                    },
                ),
                set,
                config,
                overrides: Vec::new(),
                base_dir: None,
                cli_profile: Some(profile),
                cli_role: None,
                marker: vaglio::suppress::DEFAULT_MARKER.to_string(),
                split: SplitOptions::default(),
                forced_kind: None,
                lang: Lang::It,
                report_suppressions: true,
            })
            .collect()
    })
}

/// The file names whose extensions choose each markup splitter.
const NAMES: [&str; 5] = ["post.txt", "post.md", "post.csv", "post.json", "post.jsonl"];

/// Arbitrary bytes as a file, the way `vaglio check FILE` sees it: decoded by
/// `input::decode`, split by the markup of its extension (chosen by the first byte), checked
/// in every profile with every built-in pack. Every finding must lie on character
/// boundaries and agree with its line and column.
pub fn check_bytes(data: &[u8]) {
    let name = NAMES[usize::from(data.first().copied().unwrap_or(0)) % NAMES.len()];
    let text = match input::decode(data.to_vec()) {
        Content::Binary => return,
        Content::Text { text, .. } => text,
    };
    for s in settings() {
        // A malformed CSV or JSON file is an error for the user, not a panic.
        if let Ok(checked) = pipeline::check_file(s, name, None, text.clone()) {
            verify(&checked.report);
        }
    }
}

/// 1-based line and column (in chars) of a byte offset, counted independently of
/// `LineIndex`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Every finding's span is inside the text, on char boundaries, and its line and column
/// (start and end) are where the byte offsets say.
pub fn verify(report: &FileReport) {
    let text = report.text.as_str();
    for f in &report.findings {
        assert!(
            f.start <= f.end && f.end <= text.len(),
            "{} {}..{} outside {} bytes",
            f.rule,
            f.start,
            f.end,
            text.len()
        );
        assert!(
            text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
            "{} {}..{} not on char boundaries in {text:?}",
            f.rule,
            f.start,
            f.end
        );
        assert_eq!(
            line_col(text, f.start),
            (f.line, f.column),
            "{} start in {text:?}",
            f.rule
        );
        assert_eq!(
            line_col(text, f.end),
            (f.end_line, f.end_column),
            "{} end in {text:?}",
            f.rule
        );
        assert_eq!(f.matched, text[f.start..f.end], "{}", f.rule);
    }
}
