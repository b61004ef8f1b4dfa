//! Inputs: files, folders walked recursively (honouring .gitignore), and standard input.

use anyhow::Result;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Extensions checked by default when walking a folder; a file named explicitly is always
/// checked.
pub const DEFAULT_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "text"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin { name: String },
    File(PathBuf),
}

impl Input {
    pub fn display_name(&self) -> String {
        match self {
            Input::Stdin { name } => name.clone(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

/// The inputs named on the command line, expanded; paths that cannot be walked are
/// reported in `problems` and the rest goes on.
#[derive(Debug, Default)]
pub struct Inputs {
    pub items: Vec<Input>,
    pub problems: Vec<String>,
}

pub fn collect(paths: &[PathBuf], extensions: &[String], stdin_name: &str) -> Inputs {
    let mut inputs = Inputs::default();
    for p in paths {
        if p.as_os_str() == "-" {
            inputs.items.push(Input::Stdin {
                name: stdin_name.to_string(),
            });
        } else if p.is_dir() {
            walk(p, extensions, &mut inputs);
        } else if p.exists() {
            inputs.items.push(Input::File(p.clone()));
        } else {
            inputs.problems.push(format!(
                "{}: file o cartella inesistente / no such file or directory",
                p.display()
            ));
        }
    }
    inputs
}

fn has_extension(path: &Path, extensions: &[String]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn walk(dir: &Path, extensions: &[String], inputs: &mut Inputs) {
    let walker = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                if e.file_type().is_some_and(|t| t.is_file()) && has_extension(e.path(), extensions)
                {
                    inputs.items.push(Input::File(e.into_path()));
                }
            }
            Err(err) => inputs.problems.push(format!("{}: {err}", dir.display())),
        }
    }
}

/// What reading an input gave.
#[derive(Debug)]
pub enum Content {
    Text {
        text: String,
        warning: Option<String>,
    },
    /// A file with NUL bytes: not a draft, skipped with a note.
    Binary,
}

pub fn read(input: &Input) -> Result<Content> {
    let bytes = match input {
        Input::Stdin { .. } => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map_err(|e| {
                anyhow::anyhow!(
                    "lettura dello standard input non riuscita / cannot read stdin: {e}"
                )
            })?;
            buf
        }
        Input::File(p) => std::fs::read(p).map_err(|e| {
            anyhow::anyhow!("{}: lettura non riuscita / cannot read: {e}", p.display())
        })?,
    };
    Ok(decode(bytes))
}

/// UTF-8, or Windows-1252 for legacy files (with a warning); NUL bytes mean binary.
pub fn decode(bytes: Vec<u8>) -> Content {
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Content::Binary;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Content::Text {
            text,
            warning: None,
        },
        Err(e) => {
            let bytes = e.into_bytes();
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
            Content::Text {
                text: text.into_owned(),
                warning: Some(
                    "non è UTF-8: letto come Windows-1252; le posizioni in byte si riferiscono al testo convertito / not UTF-8: read as Windows-1252"
                        .to_string(),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_bytes_decode_with_a_warning() {
        match decode(b"perch\xe9".to_vec()) {
            Content::Text { text, warning } => {
                assert_eq!(text, "perché");
                assert!(warning.is_some());
            }
            Content::Binary => panic!("not binary"),
        }
        assert!(matches!(decode(b"a\0b".to_vec()), Content::Binary));
    }
}
