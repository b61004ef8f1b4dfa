//! Precomputes what a run would otherwise redo at every start for the built-in packs:
//! the expanded terms of every rule (sorted, so the engine can look them up by word without
//! building an automaton for a short post) and the required literals of every regex (so a
//! regex whose words are absent is never compiled). Start-up dominates a one-post run; this
//! moves tens of milliseconds to build time.
//!
//! It also builds a small DFA per built-in regex (build/prefilter.rs) that tells, without
//! compiling anything at run time, when a regex cannot match a post.
//!
//! A pack that does not parse here is skipped with a warning: the run-time loader reports
//! it properly (file, line, column), and the rules it could not precompute are expanded at
//! run time.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

#[path = "src/fold.rs"]
#[allow(dead_code)]
mod fold;

#[allow(dead_code)]
mod rules {
    #[path = "../src/rules/expand.rs"]
    pub mod expand;
}

#[path = "src/matchers/literals.rs"]
#[allow(dead_code)]
mod literals;

#[path = "build/prefilter.rs"]
mod prefilter;

use rules::expand::{Placeholders, expand_pattern, expand_term, has_placeholder};

const KIND_MATCH: u8 = 0;
const KIND_CONDITION: u8 = 1;
const KIND_EXCEPTION: u8 = 2;
const KIND_KEYWORD: u8 = 3;

struct Out {
    owners: Vec<(String, u8, u16)>,
    terms: Vec<(String, bool, u32)>,
    evasion: Vec<(String, bool, u32)>,
    maskable: Vec<(String, bool, u32)>,
    precomputed: Vec<String>,
    literals: BTreeMap<String, (Vec<String>, usize)>,
    /// Every built-in regex as the engine compiles it with no configuration (patterns with
    /// placeholders are dropped then, and have no prefilter).
    filled: std::collections::BTreeSet<String>,
}

fn strings(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn conditions(v: Option<&toml::Value>) -> Vec<toml::Value> {
    match v {
        Some(toml::Value::Array(a)) => a.clone(),
        Some(t @ toml::Value::Table(_)) => vec![t.clone()],
        _ => Vec::new(),
    }
}

/// Expanded terms of one rule, or `None` if anything is off (the run-time loader will say what).
fn rule_terms(rule: &toml::Value) -> Option<Vec<(u8, u16, String, bool)>> {
    let ph = Placeholders::default();
    let mut out = Vec::new();
    let mut add = |kind: u8, slot: u16, terms: &[String]| -> Option<()> {
        for t in terms {
            if has_placeholder(t) {
                continue;
            }
            for spec in expand_term(t, &ph).ok()? {
                out.push((kind, slot, spec.words, spec.stem));
            }
        }
        Some(())
    };
    add(KIND_MATCH, 0, &strings(rule.get("terms")))?;
    add(KIND_EXCEPTION, 0, &strings(rule.get("exceptions")))?;
    add(KIND_KEYWORD, 0, &strings(rule.get("keywords")))?;
    let mut conds = conditions(rule.get("near"));
    conds.extend(conditions(rule.get("unless")));
    conds.extend(conditions(rule.get("require")));
    for (slot, c) in conds.iter().enumerate() {
        add(KIND_CONDITION, slot as u16, &strings(c.get("terms")))?;
    }
    Some(out)
}

fn patterns_of(rule: &toml::Value) -> Vec<String> {
    let mut p = strings(rule.get("patterns"));
    let mut conds = conditions(rule.get("near"));
    conds.extend(conditions(rule.get("unless")));
    conds.extend(conditions(rule.get("require")));
    for c in &conds {
        p.extend(strings(c.get("patterns")));
    }
    p
}

/// The pack as JSON for `check`: without the rules' examples, which it never reads, and,
/// for rules whose terms are in the precomputed tables, with only the terms the engine
/// still expands itself (those with placeholders) plus the first other one of each list,
/// which tells the engine the list has precomputed terms. Together they were 40% of what start-up parsed.
fn lean_json(value: &toml::Value, precomputed: &[String]) -> Option<String> {
    fn thin(list: Option<&mut toml::Value>) {
        if let Some(items) = list.and_then(|l| l.as_array_mut()) {
            let mut plain_kept = false;
            items.retain(|t| {
                if t.as_str().is_some_and(has_placeholder) {
                    return true;
                }
                !std::mem::replace(&mut plain_kept, true)
            });
        }
    }
    let mut lean = value.clone();
    if let Some(rules) = lean.get_mut("rule").and_then(|r| r.as_array_mut()) {
        for rule in rules {
            let Some(table) = rule.as_table_mut() else {
                continue;
            };
            table.remove("tests");
            let id = table.get("id").and_then(|v| v.as_str()).unwrap_or("");
            if !precomputed.iter().any(|p| p == id) {
                continue;
            }
            for key in ["terms", "exceptions", "keywords"] {
                thin(table.get_mut(key));
            }
            for key in ["near", "unless", "require"] {
                match table.get_mut(key) {
                    Some(toml::Value::Array(conds)) => {
                        for c in conds {
                            thin(c.get_mut("terms"));
                        }
                    }
                    Some(c) => thin(c.get_mut("terms")),
                    None => {}
                }
            }
        }
    }
    serde_json::to_string(&lean).ok()
}

/// Precomputes a pack; returns it as JSON (which parses several times faster than TOML),
/// in full and without examples.
fn process_pack(name: &str, source: &str, out: &mut Out) -> Option<(String, String)> {
    let value: toml::Value = match toml::from_str(source) {
        Ok(v) => v,
        Err(_) => {
            println!(
                "cargo:warning={name}: TOML non valido, non precalcolato (vaglio lo segnalerà all'avvio)"
            );
            return None;
        }
    };
    let full = serde_json::to_string(&value).ok();
    let Some(rules) = value.get("rule").and_then(|r| r.as_array()) else {
        return full.zip(lean_json(&value, &[]));
    };
    for rule in rules {
        let Some(id) = rule.get("id").and_then(|v| v.as_str()) else {
            continue;
        };
        for p in patterns_of(rule) {
            let req = literals::requirement(&p).unwrap_or_default();
            out.literals
                .insert(p.clone(), (req.literals, req.min_digits));
            if let Some(filled) = expand_pattern(&p, &Placeholders::default()) {
                out.filled.insert(filled);
            }
        }
        let Some(terms) = rule_terms(rule) else {
            continue;
        };
        let evasion = rule
            .get("evasion")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let mut owner_of: BTreeMap<(u8, u16), u32> = BTreeMap::new();
        for (kind, slot, words, stem) in terms {
            let owner = *owner_of.entry((kind, slot)).or_insert_with(|| {
                out.owners.push((id.to_string(), kind, slot));
                (out.owners.len() - 1) as u32
            });
            if evasion && kind == KIND_MATCH {
                out.evasion.push((fold::collapse_runs(&words), stem, owner));
                if !words.contains(' ') {
                    out.maskable.push((words.clone(), stem, owner));
                }
            }
            out.terms.push((words, stem, owner));
        }
        out.precomputed.push(id.to_string());
    }
    full.zip(lean_json(&value, &out.precomputed))
}

/// Writes a sorted term table as one string and (start, end, stem, owner) entries: a slice
/// of `&str` would need one relocation per term, which the loader applies at every start
/// (about a megabyte of pages for 34,000 terms).
fn write_terms(code: &mut String, name: &str, doc: &str, terms: &mut Vec<(String, bool, u32)>) {
    terms.sort();
    terms.dedup();
    let mut text = String::new();
    let mut entries = String::new();
    for (w, stem, owner) in terms.iter() {
        let start = text.len();
        text.push_str(w);
        let _ = writeln!(
            entries,
            "        ({start}, {}, {stem}, {owner}),",
            text.len()
        );
    }
    let _ = writeln!(code, "/// {doc}");
    let _ = writeln!(
        code,
        "pub static {name}: crate::matchers::terms::StaticTerms = crate::matchers::terms::StaticTerms {{\n    text: {text:?},\n    entries: &[\n{entries}    ],\n}};"
    );
}

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let dir = Path::new(&manifest).join("rules");
    println!("cargo:rerun-if-changed=rules");
    // The binary is linked at a fixed address on Linux: as a position-independent
    // executable the loader applied 20,000 relocations at every start, touching a hundred
    // pages, a fifth of a short post's check. This gives up address randomisation of the
    // executable itself (libraries, heap and stack keep theirs); VAGLIO_PIE=1 keeps PIE.
    println!("cargo:rerun-if-env-changed=VAGLIO_PIE");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu")
        && std::env::var_os("VAGLIO_PIE").is_none()
    {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    for f in [
        "src/fold.rs",
        "src/rules/expand.rs",
        "src/matchers/literals.rs",
        "build/prefilter.rs",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = Out {
        owners: Vec::new(),
        terms: Vec::new(),
        evasion: Vec::new(),
        maskable: Vec::new(),
        precomputed: Vec::new(),
        literals: BTreeMap::new(),
        filled: Default::default(),
    };
    let mut code = String::new();
    let _ = writeln!(
        code,
        "// Generated by build.rs from rules/*.toml: do not edit.\n"
    );
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let _ = writeln!(
        code,
        "/// (file name, TOML source, the same as JSON or \"\", JSON without examples or \"\") of every\n/// built-in pack, in load order."
    );
    let _ = writeln!(code, "pub const PACKS: &[(&str, &str, &str, &str)] = &[");
    for f in &files {
        let path = dir.join(f);
        println!("cargo:rerun-if-changed={}", path.display());
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        let (json, lean) = process_pack(f, &source, &mut out).unwrap_or_default();
        let embed = |name: String, content: String| {
            let path = Path::new(&out_dir).join(name);
            match std::fs::write(&path, content) {
                Ok(()) => format!("include_str!({:?})", path.display().to_string()),
                Err(_) => "\"\"".to_string(),
            }
        };
        let json_ref = embed(format!("{f}.json"), json);
        let lean_ref = embed(format!("{f}.lean.json"), lean);
        let _ = writeln!(
            code,
            "    ({:?}, include_str!({:?}), {json_ref}, {lean_ref}),",
            format!("rules/{f}"),
            path.display().to_string()
        );
    }
    let _ = writeln!(code, "];\n");
    let _ = writeln!(
        code,
        "/// Owners of the precomputed terms: (rule id, kind, condition slot); kind 0 = matcher, 1 = condition, 2 = exception, 3 = keyword."
    );
    let _ = writeln!(code, "pub static OWNERS: &[(&str, u8, u16)] = &[");
    for (id, kind, slot) in &out.owners {
        let _ = writeln!(code, "    ({id:?}, {kind}, {slot}),");
    }
    let _ = writeln!(code, "];\n");
    write_terms(
        &mut code,
        "TERMS",
        "Every expanded term (placeholder terms excepted), sorted: (words, stem, owner).",
        &mut out.terms,
    );
    write_terms(
        &mut code,
        "EVASION_TERMS",
        "Evasion forms of the matcher terms of rules with `evasion = true`, sorted.",
        &mut out.evasion,
    );
    write_terms(
        &mut code,
        "MASKABLE",
        "Single-word matcher terms of rules with `evasion = true`, sorted.",
        &mut out.maskable,
    );
    out.precomputed.sort();
    out.precomputed.dedup();
    let _ = writeln!(code, "/// Rules whose terms are all in the tables above.");
    let _ = writeln!(code, "pub static PRECOMPUTED: &[&str] = &[");
    for id in &out.precomputed {
        let _ = writeln!(code, "    {id:?},");
    }
    let _ = writeln!(code, "];\n");
    let _ = writeln!(
        code,
        "/// What every built-in regex needs to match, sorted by pattern: required literals (empty: none) and numeric characters."
    );
    let _ = writeln!(code, "pub static LITERALS: &[(&str, &[&str], usize)] = &[");
    for (p, (lits, digits)) in &out.literals {
        let _ = writeln!(code, "    ({p:?}, &{lits:?}, {digits}),");
    }
    let _ = writeln!(code, "];");
    write_prefilters(&mut code, &out.filled, Path::new(&out_dir));
    if let Err(e) = std::fs::write(Path::new(&out_dir).join("builtin_data.rs"), code) {
        println!("cargo:warning=cannot write builtin_data.rs: {e}");
    }
}

/// Builds the prefilter DFAs into one blob, `PREFILTER_BYTES`, indexed by `PREFILTERS`
/// (regex, offset, length), sorted by regex.
fn write_prefilters(
    code: &mut String,
    filled: &std::collections::BTreeSet<String>,
    out_dir: &Path,
) {
    // Determinization is most of the build script's time: spread it over the cores.
    let patterns: Vec<&String> = filled.iter().collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let built: Vec<Option<Vec<u8>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let patterns = &patterns;
                s.spawn(move || {
                    patterns
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % threads == t)
                        .map(|(i, p)| (i, prefilter::prefilter(p)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut built = vec![None; patterns.len()];
        for h in handles {
            // A panicking thread only costs its prefilters.
            for (i, b) in h.join().unwrap_or_default() {
                built[i] = b;
            }
        }
        built
    });
    let mut blob = Vec::new();
    let mut index = Vec::new();
    for (p, bytes) in patterns.iter().zip(built) {
        if let Some(bytes) = bytes {
            index.push((*p, blob.len(), bytes.len()));
            blob.extend_from_slice(&bytes);
        }
    }
    let path = out_dir.join("prefilters.bin");
    if let Err(e) = std::fs::write(&path, &blob) {
        println!("cargo:warning=cannot write {}: {e}", path.display());
        index.clear();
    }
    let _ = writeln!(
        code,
        "\n/// Serialized sparse DFAs (little endian), see build/prefilter.rs."
    );
    let _ = writeln!(
        code,
        "pub static PREFILTER_BYTES: &[u8] = include_bytes!({:?});",
        path.display().to_string()
    );
    let _ = writeln!(
        code,
        "/// (regex as compiled, offset, length) of each prefilter in `PREFILTER_BYTES`, sorted by regex."
    );
    let _ = writeln!(code, "pub static PREFILTERS: &[(&str, usize, usize)] = &[");
    for (p, offset, len) in index {
        let _ = writeln!(code, "    ({p:?}, {offset}, {len}),");
    }
    let _ = writeln!(code, "];");
}
