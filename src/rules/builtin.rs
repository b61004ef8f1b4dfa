//! The built-in packs, embedded at compile time so that `vaglio check` needs no set-up.

/// (file name, TOML source) of every pack in `rules/`. A test checks that no file of the
/// folder is missing here.
pub const PACKS: &[(&str, &str)] = &[
    (
        "rules/confidentiality.toml",
        include_str!("../../rules/confidentiality.toml"),
    ),
    (
        "rules/personal-data.toml",
        include_str!("../../rules/personal-data.toml"),
    ),
    (
        "rules/offensive.toml",
        include_str!("../../rules/offensive.toml"),
    ),
    (
        "rules/disclaimer.toml",
        include_str!("../../rules/disclaimer.toml"),
    ),
    (
        "rules/reputation.toml",
        include_str!("../../rules/reputation.toml"),
    ),
    (
        "rules/political.toml",
        include_str!("../../rules/political.toml"),
    ),
    (
        "rules/advertising.toml",
        include_str!("../../rules/advertising.toml"),
    ),
    (
        "rules/security.toml",
        include_str!("../../rules/security.toml"),
    ),
    ("rules/style.toml", include_str!("../../rules/style.toml")),
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_pack_file_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .map(|n| format!("rules/{n}"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = super::PACKS.iter().map(|p| p.0.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }
}
