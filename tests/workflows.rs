//! End-to-end tests of the workflows of issue 5, on the real binary: CI formats (SARIF
//! validated against the official 2.1.0 schema, GitHub annotations, GitLab Code Quality,
//! JSON Lines, statistics), suppressions, baseline, Markdown/CSV/JSON inputs, per-path
//! overrides, `--fix` / `--diff`, `init`, completions and the man page.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/workflows")
        .join(rel)
}

fn pack() -> String {
    data("pack.toml").display().to_string()
}

fn vaglio() -> Command {
    let mut cmd = Command::cargo_bin("vaglio").expect("binary builds");
    cmd.env("NO_COLOR", "1").env_remove("VAGLIO_CONFIG");
    cmd
}

/// `vaglio check` with the test pack, run in `dir`.
fn check(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = vaglio()
        .current_dir(dir)
        .args(["check", "--no-default-rules", "--rules", &pack()])
        .args(args)
        .output()
        .expect("runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn repo() -> PathBuf {
    data("repo")
}

/// A temporary folder with a vaglio.toml naming the entity and its disclaimer.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vaglio.toml"),
        "[entity]\nname = \"Comune di Pero\"\ndisclaimer = \"Le opinioni espresse sono personali e non impegnano il Comune di Pero.\"\n",
    )
    .unwrap();
    dir
}

// ---------------------------------------------------------------- CI formats

/// The official SARIF 2.1.0 schema (tests/data/workflows/README.md says where it comes
/// from), compiled with format checks on (URIs, dates).
///
/// The published schema has one pattern with a stray `]` (`run.language`), legal as a
/// literal in ECMA 262 but refused by the validator's regex check; it is escaped here, with
/// the same meaning, rather than edited in the vendored file.
fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(data("sarif-schema-2.1.0.json")).unwrap();
    let text = text.replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
    );
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let (out, _, code) = check(
        &repo(),
        &["--format", "sarif", "--extensions", "txt,md,csv", "."],
    );
    assert_eq!(code, 1);
    let log: Value = serde_json::from_str(&out).unwrap();
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The validator does reject what code scanning would: a result without a message.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&broken));
    // What code scanning needs: the column unit, rules with help, regions.
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .all(|r| r["help"]["text"].as_str().is_some_and(|t| !t.is_empty()))
    );
    for r in run["results"].as_array().unwrap() {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
    }
    // Personal data is masked in the snippets.
    assert!(!out.contains("347 1234567"), "{out}");
    insta::assert_snapshot!("sarif", out);
}

#[test]
fn sarif_of_a_clean_run_is_valid_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.txt"), "Tutto bene.\n").unwrap();
    let (out, _, code) = check(dir.path(), &["--no-config", "--format", "sarif", "ok.txt"]);
    assert_eq!(code, 0);
    let log: Value = serde_json::from_str(&out).unwrap();
    assert!(sarif_validator().is_valid(&log));
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);
}

#[test]
fn github_annotations_carry_file_line_and_column() {
    let (out, _, code) = check(
        &repo(),
        &["--format", "github", "--extensions", "txt,md,csv", "."],
    );
    assert_eq!(code, 1);
    for line in out.lines() {
        assert!(
            line.starts_with("::error file=") || line.starts_with("::warning file="),
            "{line}"
        );
        for key in [",line=", ",col=", ",endLine=", ",endColumn=", ",title="] {
            assert!(line.contains(key), "{line}");
        }
    }
    assert!(out.contains("::error file=post/bozza.txt,line=3,col=36,endLine=3,endColumn=47,"));
    assert!(!out.contains("347 1234567"));
    insta::assert_snapshot!("github", out);
}

#[test]
fn json_lines_one_finding_per_line_masked_unless_asked() {
    let (out, _, _) = check(&repo(), &["--format", "json-lines", "post/bozza.txt"]);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let phone = lines
        .iter()
        .find(|v| v["rule"] == "personal-data/test-telefono")
        .unwrap();
    assert_eq!(phone["matched"], "34* *****67");
    insta::assert_snapshot!("json_lines", out);
    let (out, _, _) = check(
        &repo(),
        &["--format", "json-lines", "--no-redact", "post/bozza.txt"],
    );
    assert!(out.contains("\"matched\":\"347 1234567\""));
    let text = std::fs::read_to_string(repo().join("post/bozza.txt")).unwrap();
    for l in out.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        let (s, e) = (
            v["start"].as_u64().unwrap() as usize,
            v["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], v["matched"].as_str().unwrap());
    }
}

#[test]
fn gitlab_code_quality_report() {
    let (out, _, code) = check(&repo(), &["--format", "gitlab", "post/bozza.txt"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 3);
    for i in items {
        assert_eq!(i["location"]["path"], "post/bozza.txt");
        assert_eq!(i["fingerprint"].as_str().unwrap().len(), 16);
    }
    insta::assert_snapshot!("gitlab", out);
}

#[test]
fn statistics_per_rule_category_and_file() {
    let (out, _, code) = check(
        &repo(),
        &["--statistics", "--extensions", "txt,md,csv", "."],
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!("statistics", out);
    let (out, _, _) = check(
        &repo(),
        &[
            "--statistics",
            "--format",
            "json",
            "--lang",
            "en",
            "--extensions",
            "txt,md,csv",
            ".",
        ],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let offensive = v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "offensive")
        .unwrap();
    assert_eq!(offensive["count"], 2);
}

// ---------------------------------------------------------------- suppressions

#[test]
fn markdown_suppressions_need_a_reason_and_are_reported_when_unused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.md"),
        "# Titolo\n\n\
<!-- vaglio-ignore offensive: citazione testuale della sentenza -->\n\
Il giudice scrisse: «sei un incapace».\n\n\
<!-- vaglio-ignore personal-data -->\n\
Chiama 347 1234567.\n\n\
<!-- vaglio-ignore-start confidentiality, nessuna/regola: già annunciato dal sindaco -->\n\
Il Progetto Aurora parte domani.\n\
<!-- vaglio-ignore-end -->\n\n\
<!-- vaglio-ignore offensive: non serve più -->\n\
Tutto bene.\n\n\
<!-- vaglio-ignore-end -->\n",
    )
    .unwrap();
    let (out, _, code) = check(dir.path(), &["--no-config", "--format", "concise", "s.md"]);
    assert_eq!(
        code, 1,
        "the unexplained suppression does not hide the phone number"
    );
    insta::assert_snapshot!("suppressions_markdown", out);
    // The pseudo-rule can be switched off like any rule.
    let (out, _, _) = check(
        dir.path(),
        &[
            "--no-config",
            "--format",
            "concise",
            "--ignore",
            "style/suppression",
            "s.md",
        ],
    );
    assert!(!out.contains("style/suppression"), "{out}");
    assert!(out.contains("personal-data/test-telefono"));
}

#[test]
fn plain_text_marker_lines_and_a_configured_marker() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "vaglio-ignore offensive: citazione\nsei un incapace\nvaglio-ignore-file personal-data: numeri pubblici del Comune\n347 1234567\n",
    )
    .unwrap();
    let (out, _, code) = check(dir.path(), &["--no-config", "--format", "concise", "a.txt"]);
    assert_eq!((out.as_str(), code), ("", 0));
    // The same file with another marker: the lines are no longer directives.
    std::fs::write(
        dir.path().join("vaglio.toml"),
        "[suppress]\nmarker = \"@vaglio-ok\"\n",
    )
    .unwrap();
    let (out, _, code) = check(dir.path(), &["--format", "concise", "a.txt"]);
    assert_eq!(code, 1);
    assert!(out.contains("offensive/test-insulto"), "{out}");
    std::fs::write(
        dir.path().join("b.txt"),
        "@vaglio-ok offensive: citazione\nsei un incapace\n",
    )
    .unwrap();
    let (out, _, code) = check(dir.path(), &["--format", "concise", "b.txt"]);
    assert_eq!((out.as_str(), code), ("", 0));
}

#[test]
fn explain_knows_the_suppression_rule() {
    let out = vaglio()
        .args([
            "explain",
            "--no-config",
            "--no-default-rules",
            "--rules",
            &pack(),
            "style/suppression",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("docs/workflows.md"));
}

// ---------------------------------------------------------------- baseline

#[test]
fn baseline_survives_unrelated_edits_and_reports_only_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let post = d.join("post.txt");
    std::fs::write(
        &post,
        "Buongiorno.\nSei un incapace.\nChiama 347 1234567.\n",
    )
    .unwrap();
    let (_, err, code) = check(
        d,
        &["--no-config", "--write-baseline", "baseline.json", "."],
    );
    assert_eq!(code, 0, "{err}");
    let base = std::fs::read_to_string(d.join("baseline.json")).unwrap();
    assert!(
        !base.contains("347 1234567"),
        "no personal data in clear: {base}"
    );

    // One unrelated line inserted above the findings: still accepted.
    std::fs::write(
        &post,
        "Buongiorno.\nUna riga nuova, innocua.\n\nSei un incapace.\nChiama 347 1234567.\n",
    )
    .unwrap();
    let (out, err, code) = check(
        d,
        &[
            "--no-config",
            "--baseline",
            "baseline.json",
            "--format",
            "concise",
            ".",
        ],
    );
    assert_eq!((out.as_str(), code), ("", 0), "{err}");
    assert!(err.contains("2 problemi già nella baseline"), "{err}");

    // A new finding: exit 1, and only the new one is reported.
    std::fs::write(
        &post,
        "Buongiorno.\nUna riga nuova, innocua.\n\nSei un incapace.\nChiama 347 1234567.\nE anche tu sei incapace.\n",
    )
    .unwrap();
    let (out, _, code) = check(
        d,
        &[
            "--no-config",
            "--baseline",
            "baseline.json",
            "--format",
            "concise",
            ".",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "./post.txt:6:16: error[offensive/test-insulto] Insulto\n"
    );

    // The baseline can be named in vaglio.toml.
    std::fs::write(
        d.join("vaglio.toml"),
        "[check]\nbaseline = \"baseline.json\"\n",
    )
    .unwrap();
    let (out, _, _) = check(d, &["--format", "concise", "."]);
    assert_eq!(
        out,
        "./post.txt:6:16: error[offensive/test-insulto] Insulto\n"
    );

    // A broken baseline is a clear error.
    std::fs::write(d.join("rotta.json"), "{ nope").unwrap();
    let (_, err, code) = check(d, &["--no-config", "--baseline", "rotta.json", "."]);
    assert_eq!(code, 2);
    assert!(err.contains("rotta.json"), "{err}");
}

// ---------------------------------------------------------------- inputs

#[test]
fn csv_multiline_cell_reports_the_file_line() {
    let (out, _, code) = check(
        &repo(),
        &["--format", "json", "--no-redact", "calendario.csv"],
    );
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let f = &v["findings"][0];
    // The cell starts on line 2; its third line is the file's line 4.
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(4), Some(33))
    );
    let bytes = std::fs::read(repo().join("calendario.csv")).unwrap();
    let (s, e) = (
        f["start"].as_u64().unwrap() as usize,
        f["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&bytes[s..e], b"incapaci");
    assert_eq!(f["matched"], "incapaci");
}

#[test]
fn csv_column_by_name_and_a_missing_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.csv"),
        "quando,messaggio,note\n2026-01-01,\"Sei un \"\"incapace\"\"\",sei un incapace\n",
    )
    .unwrap();
    let (out, _, _) = check(dir.path(), &["--no-config", "--format", "concise", "c.csv"]);
    assert_eq!(out, "c.csv:2:22: error[offensive/test-insulto] Insulto\n");
    let (out, _, _) = check(
        dir.path(),
        &[
            "--no-config",
            "--format",
            "concise",
            "--column",
            "note",
            "c.csv",
        ],
    );
    assert_eq!(out, "c.csv:2:41: error[offensive/test-insulto] Insulto\n");
    let (_, err, code) = check(dir.path(), &["--no-config", "--column", "testo", "c.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("quando, messaggio, note"), "{err}");
}

#[test]
fn json_and_json_lines_items_with_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let json = "[\n  {\"id\": 1, \"text\": \"Perch\\u00e9?\\nSei un incapace\"},\n  {\"id\": 2, \"text\": \"Tutto bene\", \"profile\": \"institutional\"}\n]\n";
    std::fs::write(dir.path().join("p.json"), json).unwrap();
    let jsonl = "{\"post\": {\"body\": \"ok\"}}\n{\"post\": {\"body\": \"\\\"incapace\\\"\"}}\n";
    std::fs::write(dir.path().join("p.jsonl"), jsonl).unwrap();
    let (out, _, _) = check(dir.path(), &["--no-config", "--format", "json", "p.json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let f = &v["findings"][0];
    let (s, e) = (
        f["start"].as_u64().unwrap() as usize,
        f["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&json[s..e], "incapace");
    assert_eq!(f["line"], 2);
    let (out, _, _) = check(
        dir.path(),
        &[
            "--no-config",
            "--format",
            "concise",
            "--field",
            "post.body",
            "p.jsonl",
        ],
    );
    assert_eq!(out, "p.jsonl:2:22: error[offensive/test-insulto] Insulto\n");
    // Stdin with a forced input format.
    let out = vaglio()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-config",
            "--no-default-rules",
            "--rules",
            &pack(),
        ])
        .args(["--input-format", "jsonl", "--format", "concise", "-"])
        .write_stdin("{\"text\": \"incapace\"}\n")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "-:1:11: error[offensive/test-insulto] Insulto\n"
    );
}

#[test]
fn front_matter_and_overrides_choose_the_profile() {
    // comunicati/** is institutional by override: the opinion rule applies there only.
    let (out, _, _) = check(&repo(), &["--format", "concise", "--select", "style", "."]);
    assert!(
        out.contains("comunicati/avviso.md:4:1: warning[style/test-opinione]"),
        "{out}"
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("vaglio.toml"),
        "[entity]\naccounts = [\"facebook.com/comunedipero\"]\n",
    )
    .unwrap();
    std::fs::write(
        d.join("a.md"),
        "---\nprofile: institutional\n---\n\nSecondo me sì.\n",
    )
    .unwrap();
    std::fs::write(
        d.join("b.md"),
        "+++\naccount = \"https://facebook.com/comunedipero/\"\n+++\nSecondo me sì.\n",
    )
    .unwrap();
    std::fs::write(
        d.join("c.md"),
        "---\ntitle: personale\n---\nSecondo me sì.\n",
    )
    .unwrap();
    std::fs::write(d.join("d.md"), "---\nprofile: boh\n---\nciao\n").unwrap();
    let (out, err, code) = check(d, &["--format", "concise", "a.md", "b.md", "c.md"]);
    assert_eq!(
        out,
        "a.md:5:1: warning[style/test-opinione] Opinione personale su un account istituzionale\n\
         b.md:4:1: warning[style/test-opinione] Opinione personale su un account istituzionale\n",
        "{err}"
    );
    assert_eq!(code, 0);
    // --profile on the command line wins over the front matter.
    let (out, _, _) = check(d, &["--format", "concise", "--profile", "personal", "a.md"]);
    assert_eq!(out, "");
    let (_, err, code) = check(d, &["d.md"]);
    assert_eq!(code, 2);
    assert!(err.contains("d.md: profilo «boh» sconosciuto"), "{err}");
}

#[test]
fn override_disables_rules_by_glob_and_bad_selectors_fail() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("citazioni")).unwrap();
    std::fs::write(d.join("citazioni/x.txt"), "sei un incapace\n").unwrap();
    std::fs::write(d.join("y.txt"), "sei un incapace\n").unwrap();
    std::fs::write(
        d.join("vaglio.toml"),
        "[[override]]\npaths = [\"citazioni/*.txt\"]\ndisable = [\"offensive\"]\n",
    )
    .unwrap();
    let (out, _, _) = check(d, &["--format", "concise", "."]);
    assert_eq!(out, "./y.txt:1:8: error[offensive/test-insulto] Insulto\n");
    std::fs::write(
        d.join("vaglio.toml"),
        "[[override]]\npaths = [\"citazioni/*.txt\"]\ndisable = [\"offensiv\"]\n",
    )
    .unwrap();
    let (_, err, code) = check(d, &["."]);
    assert_eq!(code, 2);
    assert!(err.contains("offensiv"), "{err}");
}

// ---------------------------------------------------------------- fixes

#[test]
fn fix_appends_the_disclaimer_and_masks_personal_data_and_diff_writes_nothing() {
    let dir = workdir();
    let d = dir.path();
    let draft = "Lavoro in Comune e domani vi racconto la festa.\nChiamatemi al 347 1234567.\n";
    std::fs::write(d.join("bozza.txt"), draft).unwrap();

    let (diff, _, code) = check(d, &["--diff", "bozza.txt"]);
    assert_eq!(code, 1, "a diff means there is something to fix");
    assert_eq!(
        std::fs::read(d.join("bozza.txt")).unwrap(),
        draft.as_bytes(),
        "--diff writes nothing"
    );
    insta::assert_snapshot!("diff", diff);

    let (_, err, code) = check(d, &["--fix", "bozza.txt"]);
    assert_eq!(code, 0, "{err}");
    let fixed = std::fs::read_to_string(d.join("bozza.txt")).unwrap();
    assert_eq!(
        fixed,
        "Lavoro in Comune e domani vi racconto la festa.\nChiamatemi al 34* *****67.\n\nLe opinioni espresse sono personali e non impegnano il Comune di Pero.\n"
    );
    let (out, _, code) = check(d, &["--format", "json", "bozza.txt"]);
    assert_eq!(code, 0);
    assert!(!out.contains("disclaimer/"), "{out}");
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".vaglio-")),
        "{names:?}"
    );
}

#[test]
fn fix_rewrites_csv_cells_and_json_strings_in_their_own_encoding() {
    let dir = workdir();
    let d = dir.path();
    std::fs::write(
        d.join("c.csv"),
        "testo;note\nLavoro in Comune e basta;x\n\"Lavoro in Comune, \"\"ciao\"\"\";y\n",
    )
    .unwrap();
    std::fs::write(
        d.join("p.json"),
        "[{\"text\": \"Lavoro in Comune\\nciao\"}]\n",
    )
    .unwrap();
    let (_, err, code) = check(d, &["--fix", "c.csv", "p.json"]);
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(d.join("c.csv")).unwrap();
    assert_eq!(
        csv,
        "testo;note\n\"Lavoro in Comune e basta\n\nLe opinioni espresse sono personali e non impegnano il Comune di Pero.\";x\n\"Lavoro in Comune, \"\"ciao\"\"\n\nLe opinioni espresse sono personali e non impegnano il Comune di Pero.\";y\n"
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("p.json")).unwrap()).unwrap();
    assert!(
        json[0]["text"]
            .as_str()
            .unwrap()
            .ends_with("non impegnano il Comune di Pero.")
    );
    let (out, _, code) = check(d, &["--format", "concise", "c.csv", "p.json"]);
    assert_eq!((out.as_str(), code), ("", 0));
}

#[test]
fn fix_without_a_configured_disclaimer_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.txt"), "Lavoro in Comune.\n").unwrap();
    let (_, err, code) = check(dir.path(), &["--no-config", "--fix", "b.txt"]);
    assert_eq!(code, 1);
    assert!(err.contains("[entity] disclaimer"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.txt")).unwrap(),
        "Lavoro in Comune.\n"
    );
}

#[test]
fn fix_on_stdin_prints_the_fixed_text() {
    let dir = workdir();
    let out = vaglio()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-default-rules",
            "--rules",
            &pack(),
            "--fix",
            "-",
        ])
        .write_stdin("Lavoro in Comune.")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Lavoro in Comune.\n\nLe opinioni espresse sono personali e non impegnano il Comune di Pero."
    );
    assert_eq!(out.status.code(), Some(0));
    // Nothing to fix: the text comes back unchanged, so a pipe never loses it.
    let out = vaglio()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-default-rules",
            "--rules",
            &pack(),
            "--fix",
            "-",
        ])
        .write_stdin("Tutto bene, sei un incapace.\n")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Tutto bene, sei un incapace.\n"
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "what is left is still reported by the exit code"
    );
}

// ---------------------------------------------------------------- set-up helpers

#[test]
fn init_writes_a_commented_config_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |args: &[&str]| {
        vaglio()
            .current_dir(d)
            .arg("init")
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--entity", "Provincia di Biella"]);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(d.join("vaglio.toml")).unwrap();
    assert!(text.contains("name = \"Provincia di Biella\""));
    assert!(text.contains("non impegnano la Provincia di Biella"));
    assert!(
        text.lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
            > 20
    );
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(d.join("vaglio.toml")).unwrap(),
        text
    );
    let out = run(&["--force"]);
    assert_eq!(out.status.code(), Some(0));
    // The written file is a valid configuration for check.
    std::fs::write(d.join("a.txt"), "ciao\n").unwrap();
    let (_, err, code) = check(d, &["a.txt"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = vaglio().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let s = String::from_utf8_lossy(&out.stdout);
        assert!(s.contains("write-baseline"), "{shell}");
    }
    let out = vaglio().arg("man").output().unwrap();
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH vaglio"),
        "{page}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = vaglio()
        .args(["man", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(dir.path().join("vaglio-check.1").exists());
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..60 {
        std::fs::write(dir.path().join(format!("p{i}.txt")), "ciao\n").unwrap();
    }
    let (_, err, code) = check(dir.path(), &["--no-config", "."]);
    assert_eq!((err.as_str(), code), ("", 0));
}

#[test]
fn hostile_inputs_give_clear_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases: &[(&str, &[u8])] = &[
        (
            "a.json",
            b"{\"text\": \"\\ud800 broken surrogate\"} trailing",
        ),
        ("b.json", b"[\"not an object\", 3, null]"),
        ("c.csv", b"\"unterminated, quote\nsei un incapace"),
        ("d.csv", b""),
        ("e.md", b"---\n"),
        ("f.md", b"+++\nnot = [toml\n+++\nciao"),
        ("g.jsonl", b"{\"text\": \"ok\"}\n{broken\n"),
        ("h.txt", b"<!-- vaglio-ignore-start"),
        ("i.csv", b"testo\n\"\"\"\"\"\n"),
    ];
    for (name, bytes) in cases {
        std::fs::write(d.join(name), bytes).unwrap();
        let (_, err, code) = check(d, &["--no-config", "--format", "json", name]);
        assert!(code == 0 || code == 1 || code == 2, "{name}: {code}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        if code == 2 {
            assert!(err.contains(name), "{name}: {err}");
        }
    }
}

#[test]
fn legacy_csv_is_decoded_with_a_warning_and_binary_files_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("w.csv"), b"testo\ncaff\xe8 e sei un incapace\n").unwrap();
    std::fs::write(d.join("b.txt"), b"PK\x03\x04\0\0binary").unwrap();
    let (out, err, code) = check(d, &["--no-config", "--format", "concise", "w.csv", "b.txt"]);
    assert_eq!(code, 1);
    assert_eq!(out, "w.csv:2:16: error[offensive/test-insulto] Insulto\n");
    assert!(err.contains("w.csv: non è UTF-8"), "{err}");
    assert!(err.contains("b.txt: file binario, saltato"), "{err}");
    // Not fixed: writing it back would change its encoding.
    std::fs::write(d.join("vaglio.toml"), "[entity]\ndisclaimer = \"D.\"\n").unwrap();
    std::fs::write(d.join("x.txt"), b"Lavoro in Comune, perch\xe9\n").unwrap();
    let (_, err, _) = check(d, &["--fix", "x.txt"]);
    assert!(err.contains("non lo correggo"), "{err}");
    assert_eq!(
        std::fs::read(d.join("x.txt")).unwrap(),
        b"Lavoro in Comune, perch\xe9\n"
    );
}
