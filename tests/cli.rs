//! End-to-end tests of the real binary: exit codes, error messages, and snapshots of every
//! output format on a draft with emoji, accents and CRLF line endings.

use assert_cmd::Command;
use serde_json::Value;

fn vaglio() -> Command {
    let mut cmd = Command::cargo_bin("vaglio").expect("binary builds");
    cmd.env("NO_COLOR", "1");
    cmd
}

const PACK: &str = "tests/data/pack.toml";

fn check_with_test_pack(format: &str, file: &str) -> (String, i32) {
    let out = vaglio()
        .args([
            "check",
            "--no-config",
            "--no-default-rules",
            "--rules",
            PACK,
            "--format",
            format,
            file,
        ])
        .output()
        .expect("runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn human_format_snapshot() {
    let (out, code) = check_with_test_pack("human", "tests/data/crlf-emoji.txt");
    assert_eq!(code, 1);
    insta::assert_snapshot!("human", out);
}

#[test]
fn concise_format_snapshot() {
    let (out, code) = check_with_test_pack("concise", "tests/data/crlf-emoji.txt");
    assert_eq!(code, 1);
    insta::assert_snapshot!("concise", out);
}

#[test]
fn json_format_snapshot() {
    let (out, code) = check_with_test_pack("json", "tests/data/crlf-emoji.txt");
    assert_eq!(code, 1);
    insta::assert_snapshot!("json", out);
}

#[test]
fn json_offsets_slice_exactly_and_columns_agree() {
    let text = std::fs::read_to_string("tests/data/crlf-emoji.txt").unwrap();
    let out = vaglio()
        .args([
            "check",
            "--no-config",
            "--no-default-rules",
            "--rules",
            PACK,
            "--format",
            "json",
            "--no-redact",
            "tests/data/crlf-emoji.txt",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.len() >= 4, "{v:#}");
    for f in findings {
        let (s, e) = (
            f["start"].as_u64().unwrap() as usize,
            f["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], f["matched"].as_str().unwrap());
        // The column is the count of scalar values before the start on its line, plus one.
        let line = f["line"].as_u64().unwrap() as usize;
        let line_start: usize = text
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        let col = text[line_start..s].chars().count() + 1;
        assert_eq!(col as u64, f["column"].as_u64().unwrap());
    }
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"offensive/test-insulto"));
    assert!(rules.contains(&"personal-data/test-codice"));
}

#[test]
fn json_masks_personal_data_by_default() {
    let (out, _) = check_with_test_pack("json", "tests/data/crlf-emoji.txt");
    assert!(out.contains("RS************2S"), "{out}");
    assert!(!out.contains("RSSMRA85T10A562S"), "{out}");
}

#[test]
fn english_messages() {
    let out = vaglio()
        .args([
            "check",
            "--no-config",
            "--no-default-rules",
            "--rules",
            PACK,
            "--lang",
            "en",
            "tests/data/crlf-emoji.txt",
        ])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("error[offensive/test-insulto]: Insult"), "{s}");
    assert!(s.contains("problems"), "{s}");
}

#[test]
fn clean_text_exits_zero() {
    let (out, code) = check_with_test_pack("human", "tests/data/clean.txt");
    assert_eq!(code, 0);
    assert!(out.contains("Nessun problema"), "{out}");
}

#[test]
fn fail_on_controls_the_exit_code() {
    let out = vaglio()
        .args([
            "check",
            "--no-config",
            "--no-default-rules",
            "--rules",
            PACK,
            "--select",
            "style",
            "-",
        ])
        .write_stdin("basta!!!")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "info is below the default fail level"
    );
    let out = vaglio()
        .args([
            "check",
            "--no-config",
            "--no-default-rules",
            "--rules",
            PACK,
            "--select",
            "style",
            "--fail-on",
            "info",
            "-",
        ])
        .write_stdin("basta!!!")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn malformed_pack_names_file_line_and_column() {
    let out = vaglio()
        .args([
            "check",
            "--no-config",
            "--no-default-rules",
            "--rules",
            "tests/data/broken.toml",
            "-",
        ])
        .write_stdin("ciao")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tests/data/broken.toml:10:18"), "{err}");
}

#[test]
fn broken_regex_names_the_rule() {
    let out = vaglio()
        .args([
            "check",
            "--no-config",
            "--no-default-rules",
            "--rules",
            "tests/data/badregex.toml",
            "-",
        ])
        .write_stdin("ciao")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("security/regex-rotta"), "{err}");
    assert!(err.contains("regex"), "{err}");
}

#[test]
fn missing_path_is_reported_and_the_rest_goes_on() {
    let out = vaglio()
        .args([
            "check",
            "--no-config",
            "--no-default-rules",
            "--rules",
            PACK,
            "--format",
            "concise",
            "nope.txt",
            "tests/data/crlf-emoji.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.txt"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("crlf-emoji.txt:2:"));
}

#[test]
fn folders_are_walked_with_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("post")).unwrap();
    std::fs::write(dir.path().join("post/a.txt"), "sei un incapace").unwrap();
    std::fs::write(dir.path().join("post/b.md"), "che c4zz0").unwrap();
    std::fs::write(dir.path().join("post/c.rs"), "incapace").unwrap();
    std::fs::write(dir.path().join("post/skip.txt"), "incapace").unwrap();
    std::fs::write(dir.path().join(".gitignore"), "skip.txt\n").unwrap();
    let out = vaglio()
        .current_dir(dir.path())
        .args(["check", "--no-config", "--no-default-rules", "--rules"])
        .arg(std::fs::canonicalize(PACK).unwrap())
        .args(["--format", "concise", "."])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("a.txt:1:8"), "{s}");
    assert!(s.contains("b.md:1:5"), "{s}");
    assert!(!s.contains("c.rs"), "{s}");
    assert!(!s.contains("skip.txt"), "{s}");
}

#[test]
fn config_is_discovered_upward() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::fs::write(
        dir.path().join("vaglio.toml"),
        "[check]\ndisable = [\"personal-data\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a/b/post.txt"),
        "il CF è RSSMRA85T10A562S, incapace",
    )
    .unwrap();
    let out = vaglio()
        .args(["check", "--no-default-rules", "--rules"])
        .arg(std::fs::canonicalize(PACK).unwrap())
        .args(["--format", "concise"])
        .arg(dir.path().join("a/b/post.txt"))
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("offensive/test-insulto"), "{s}");
    assert!(!s.contains("personal-data"), "{s}");
}

#[test]
fn unknown_selector_is_an_error() {
    let out = vaglio()
        .args(["check", "--no-config", "--select", "offensiv", "-"])
        .write_stdin("x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn explain_shows_source_and_examples() {
    let out = vaglio()
        .args([
            "explain",
            "--no-config",
            "--no-default-rules",
            "--rules",
            PACK,
            "offensive/test-insulto",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("SMP Provincia di Biella"), "{s}");
    assert!(s.contains("sei un incapace"), "{s}");
    let out = vaglio()
        .args(["explain", "--no-config", "nessuna/regola"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rules_list_and_test() {
    let out = vaglio()
        .args([
            "rules",
            "--no-config",
            "--no-default-rules",
            "--rules",
            PACK,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    let out = vaglio().args(["rules", "test", PACK]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn builtin_rules_all_pass_their_examples() {
    let out = vaglio()
        .args(["rules", "--no-config", "test"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_issue_example_reports_three_categories_with_exact_offsets() {
    let text = "Sono un dipendente del Comune e vi dico che il sindaco è un incapace. Il CF di Mario è RSSMRA85T10A562S";
    let out = vaglio()
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--no-redact",
            "-",
        ])
        .write_stdin(text)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    for cat in ["disclaimer", "reputation", "personal-data"] {
        assert!(
            findings.iter().any(|f| f["category"] == cat),
            "{cat} missing: {v:#}"
        );
    }
    for f in findings {
        let (s, e) = (
            f["start"].as_u64().unwrap() as usize,
            f["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], f["matched"].as_str().unwrap());
    }
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_clean_institutional_announcement_is_silent() {
    let out = vaglio()
        .args(["check", "--no-config", "--profile", "institutional", "--format", "json", "-"])
        .write_stdin("Sabato 12 ottobre alle 10 inaugurazione della nuova biblioteca comunale in via Roma: ingresso libero, letture per bambini e visita guidata.")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v:#}");
    assert_eq!(out.status.code(), Some(0));
}
