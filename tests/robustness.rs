//! No input may break the engine: random bytes, hostile Unicode, huge lines. Every finding
//! must lie on character boundaries and agree with its line and column.

#[path = "../fuzz/bodies.rs"]
mod bodies;

use vaglio::engine::{Engine, EngineOptions};
use vaglio::rules::{Profile, RuleSet};
use vaglio::text::LineIndex;

/// A small deterministic generator (xorshift): the same inputs on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const NAUGHTY: &[&str] = &[
    "",
    "\u{FEFF}",
    "\u{200B}\u{200B}\u{200B}",
    "c\u{200B}a\u{200B}z\u{200B}z\u{200B}o",
    "\u{202E}otseT\u{202C} RSSMRA85T10A562S",
    "e\u{301}\u{301}\u{301}\u{301} perche\u{301}",
    "👨‍👩‍👧‍👦👍🏽🏳️‍🌈 stronzo 👨‍👩‍👧‍👦",
    "Z\u{35C}\u{361}a\u{334}\u{320}l\u{338}g\u{335}o\u{336}",
    "ＲＳＳＭＲＡ８５Ｔ１０Ａ５６２Ｓ",
    "\r\r\n\n\r",
    "***** ### %%% @@@ $$$",
    "a a a a a a a a a a a a a a a a a a a a a a a a",
    "i d i o t a e c a z z o",
    "İstanbul ǅ ß ﬁ ﬀ",
    "\u{0}\u{1}\u{7F}",
    "<!-- vaglio-ignore --> ---\nprofile: x\n---",
    "+39 +39 +39 0039 3 3 3 3 3 3 3 3",
    "IT60X0542811101000000123456IT60X0542811101000000123456",
];

fn engines(set: &RuleSet) -> Vec<Engine> {
    Profile::ALL
        .into_iter()
        .map(|profile| {
            Engine::new(
                set,
                &EngineOptions {
                    profile,
                    ..Default::default()
                },
            )
            .expect("engine builds")
        })
        .collect()
}

fn check_all(engines: &[Engine], text: &str) {
    let lines = LineIndex::new(text);
    for e in engines {
        let hits = e.check(text).expect("check never fails on text");
        for h in hits {
            assert!(h.start <= h.end && h.end <= text.len(), "{h:?} in {text:?}");
            assert!(
                text.is_char_boundary(h.start) && text.is_char_boundary(h.end),
                "{h:?} in {text:?}"
            );
            let (line, col) = lines.position(text, h.start);
            let line_start = lines.line_start(line - 1);
            assert_eq!(text[line_start..h.start].chars().count() + 1, col);
        }
    }
}

#[test]
fn hostile_strings_and_random_text_never_break_the_engine() {
    let set = RuleSet::builtin().expect("built-in packs load");
    let engines = engines(&set);
    for s in NAUGHTY {
        check_all(&engines, s);
    }
    // Random bytes decoded leniently, and random mixes of Italian words and symbols.
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let pieces = [
        "sei",
        "un",
        "cazzo",
        "c4zz0",
        "RSSMRA85T10A562S",
        "347 123 4567",
        "è",
        "😀",
        "\u{200B}",
        "*",
        "\r\n",
        ".",
        "sindaco",
        "lavoro",
        "in",
        "comune",
        "votate",
        "#",
        "@",
        "IT60X0542811101000000123456",
    ];
    for _ in 0..300 {
        let len = (rng.next() % 200) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xFF) as u8).collect();
        check_all(&engines, &String::from_utf8_lossy(&bytes));
        let words: Vec<&str> = (0..(rng.next() % 40))
            .map(|_| pieces[(rng.next() % pieces.len() as u64) as usize])
            .collect();
        let sep = if rng.next().is_multiple_of(2) {
            " "
        } else {
            ""
        };
        check_all(&engines, &words.join(sep));
    }
}

#[test]
fn a_huge_single_line_is_checked_in_chunks() {
    let set = RuleSet::builtin().expect("built-in packs load");
    let e = Engine::new(&set, &EngineOptions::default()).expect("engine builds");
    let mut text = "tranquillo ".repeat(200_000);
    text.push_str("che cazzo");
    let hits = e.check(&text).expect("checks");
    assert!(hits.iter().any(|h| &text[h.start..h.end] == "cazzo"));
}

/// The seed corpus of the fuzz targets (and the crashes they found, kept as seeds), run
/// through the very bodies `cargo +nightly fuzz run` uses: on stable, in every `cargo test`.
#[test]
fn fuzz_seeds_replay_through_the_fuzz_bodies() {
    for (target, body) in [
        ("load_pack", bodies::load_pack as fn(&[u8])),
        ("check_bytes", bodies::check_bytes as fn(&[u8])),
    ] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/seeds")
            .join(target);
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).expect("seed folder") {
            let path = entry.expect("seed entry").path();
            let data = std::fs::read(&path).expect("seed readable");
            body(&data);
            // Also as the fuzzer's mutations often leave it: cut in the middle.
            body(&data[..data.len() / 2]);
            n += 1;
        }
        assert!(n >= 5, "{target}: only {n} seeds in {dir:?}");
    }
}

/// The Big List of Naughty Strings (tests/data/blns, MIT): each string alone and inside a
/// sentence with findings around it, in every profile, through the engine and through the
/// file path of the CLI (decode, markup, suppressions).
#[test]
fn naughty_strings_never_break_any_profile() {
    let json = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/blns/blns.json"),
    )
    .expect("blns.json");
    let strings: Vec<String> = serde_json::from_str(&json).expect("a JSON list of strings");
    assert!(strings.len() > 400, "{}", strings.len());
    let set = RuleSet::builtin().expect("built-in packs load");
    let engines = engines(&set);
    for s in &strings {
        let sentence = format!(
            "Lavoro in Comune e sei un cretino {s}, il mio CF è RSSMRA85T10A562S.\r\n{s} chiamami al 347 123 4567 {s}"
        );
        for text in [s.as_str(), sentence.as_str()] {
            check_all(&engines, text);
            bodies::check_bytes(text.as_bytes());
        }
    }
}
