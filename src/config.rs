//! `vaglio.toml`: the entity's name, contacts and disclaimer, check defaults and confidential
//! terms. Discovered upward from the checked path, like `.editorconfig` or `ruff.toml`.

use crate::rules::{Profile, Role, Severity};
use anyhow::{Context, Result, anyhow};
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "vaglio.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub entity: Entity,
    #[serde(default)]
    pub check: CheckConfig,
    #[serde(default)]
    pub confidential: Confidential,
    #[serde(default)]
    pub style: StyleConfig,
    #[serde(default)]
    pub suppress: SuppressConfig,
    #[serde(default)]
    pub input: InputConfig,
    /// Per-path settings: `[[override]]` tables, applied in order (later ones win).
    #[serde(default, rename = "override")]
    pub overrides: Vec<Override>,
    /// Where the file was read from (not part of the TOML).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub accounts: Vec<String>,
    #[serde(default)]
    pub disclaimer: Option<String>,
    /// The entity's own phone numbers, e-mail and PEC addresses, VAT number, IBAN: never
    /// personal data.
    #[serde(default)]
    pub contacts: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    #[serde(default)]
    pub profile: Option<Profile>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub fail_on: Option<Severity>,
    /// Extra packs, relative to the configuration file.
    #[serde(default)]
    pub packs: Vec<PathBuf>,
    /// Rule ids or categories switched off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// File extensions checked when walking folders.
    #[serde(default)]
    pub extensions: Option<Vec<String>>,
    /// Baseline file used when `--baseline` is not given (relative to this file).
    #[serde(default)]
    pub baseline: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressConfig {
    /// The marker of suppression lines and comments (default `vaglio-ignore`).
    #[serde(default)]
    pub marker: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputConfig {
    /// CSV column holding the post text (name or 1-based number).
    #[serde(default)]
    pub column: Option<String>,
    /// JSON / JSON Lines field holding the post text (dotted path for nested objects).
    #[serde(default)]
    pub field: Option<String>,
}

/// Settings for the files matching some globs (relative to the configuration's folder).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub paths: Vec<String>,
    #[serde(default)]
    pub profile: Option<Profile>,
    #[serde(default)]
    pub role: Option<Role>,
    /// Rule ids or categories switched off for these files.
    #[serde(default)]
    pub disable: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confidential {
    #[serde(default)]
    pub terms: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleConfig {
    /// Gulpease readability index below which an institutional post is reported.
    #[serde(default)]
    pub gulpease_min: Option<f64>,
}

impl Config {
    pub fn from_file(path: &Path) -> Result<Config> {
        let source = std::fs::read_to_string(path).with_context(|| {
            format!(
                "impossibile leggere la configurazione {} / cannot read configuration",
                path.display()
            )
        })?;
        let mut cfg = Config::parse(&path.display().to_string(), &source)?;
        cfg.path = Some(path.to_path_buf());
        Ok(cfg)
    }

    pub fn parse(origin: &str, source: &str) -> Result<Config> {
        toml::from_str(source).map_err(|e| {
            let msg = e.message().trim().to_string();
            match e.span() {
                Some(span) => {
                    let idx = crate::text::LineIndex::new(source);
                    let (line, col) = idx.position(source, span.start);
                    anyhow!("{origin}:{line}:{col}: configurazione non valida / invalid configuration: {msg}")
                }
                None => anyhow!("{origin}: configurazione non valida / invalid configuration: {msg}"),
            }
        })
    }

    /// Finds `vaglio.toml` in `start` or the nearest folder above it.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = if start.is_file() || !start.exists() {
            start.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            start.to_path_buf()
        };
        let abs = if start.as_os_str().is_empty() {
            std::env::current_dir().ok()?
        } else {
            std::fs::canonicalize(&start).ok()?
        };
        abs.ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|p| p.is_file())
    }

    /// Packs named in `[check] packs`, resolved against the configuration's folder.
    pub fn pack_paths(&self) -> Vec<PathBuf> {
        let base = self
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        self.check.packs.iter().map(|p| base.join(p)).collect()
    }

    /// The configuration's folder (empty when there is no file).
    pub fn base_dir(&self) -> PathBuf {
        self.path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// Compiles the `[[override]]` globs.
    pub fn compiled_overrides(&self) -> Result<Vec<(globset::GlobSet, Override)>> {
        let mut out = Vec::new();
        for (i, o) in self.overrides.iter().enumerate() {
            let mut b = globset::GlobSetBuilder::new();
            for p in &o.paths {
                let g = globset::GlobBuilder::new(p.trim_start_matches("./"))
                    .literal_separator(false)
                    .build()
                    .with_context(|| {
                        format!(
                            "vaglio.toml: [[override]] n. {}: glob «{p}» non valido / invalid glob",
                            i + 1
                        )
                    })?;
                b.add(g);
            }
            out.push((b.build()?, o.clone()));
        }
        Ok(out)
    }

    pub fn placeholders(&self) -> crate::rules::expand::Placeholders {
        let mut entity: Vec<String> = self.entity.name.iter().cloned().collect();
        entity.extend(self.entity.aliases.iter().cloned());
        crate::rules::expand::Placeholders {
            entity,
            confidential: self.confidential.terms.clone(),
            disclaimer: self.entity.disclaimer.iter().cloned().collect(),
            accounts: self.entity.accounts.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_design_example() {
        let cfg = Config::parse(
            "vaglio.toml",
            r#"
[entity]
name = "Comune di Pero"
aliases = ["Comune", "Municipio di Pero"]
accounts = ["facebook.com/comunedipero"]
disclaimer = "Le opinioni espresse sono personali e non impegnano il Comune di Pero."

[check]
profile = "personal"
role = "dipendente"
fail_on = "error"
packs = ["rules/pero.toml"]
disable = ["style/emoji"]

[confidential]
terms = ["Progetto Aurora", "gara del verde 2026"]
"#,
        )
        .unwrap();
        assert_eq!(cfg.entity.name.as_deref(), Some("Comune di Pero"));
        assert_eq!(cfg.check.role, Some(Role::Dipendente));
        assert_eq!(cfg.placeholders().entity.len(), 3);
    }

    #[test]
    fn errors_name_line_and_column() {
        let err = Config::parse("v.toml", "[check]\nprofil = 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("v.toml:2:1"), "{err}");
    }
}
