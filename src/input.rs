//! Inputs: files, folders walked recursively (honouring .gitignore), and standard input.
//!
//! Nothing here stops a run: a path that cannot be walked or read becomes one message (in
//! `problems` when something that exists went unchecked, in `notes` when there was nothing
//! to check) and the other inputs go on.

use anyhow::Result;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Extensions checked by default when walking a folder; a file named explicitly is always
/// checked.
pub const DEFAULT_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "text"];

/// The largest input read. Checking needs about six times the text in memory (views that
/// map back to the original bytes), so a bigger file is almost surely not a draft or a
/// calendar export but a dump named by mistake: it is skipped with an error instead of
/// taking gigabytes and minutes.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

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

/// The inputs named on the command line, expanded. `problems` are inputs that exist but
/// could not be walked (the run exits with 2); `notes` say why something named checks
/// nothing (a folder with no matching files, a dangling symlink) and do not change the
/// exit code.
#[derive(Debug, Default)]
pub struct Inputs {
    pub items: Vec<Input>,
    pub problems: Vec<String>,
    pub notes: Vec<String>,
}

pub fn collect(paths: &[PathBuf], extensions: &[String], stdin_name: &str) -> Inputs {
    let mut inputs = Inputs::default();
    for p in paths {
        if p.as_os_str() == "-" {
            inputs.items.push(Input::Stdin {
                name: stdin_name.to_string(),
            });
        } else if p.is_dir() {
            let before = inputs.items.len();
            walk(p, extensions, &mut inputs);
            if inputs.items.len() == before {
                inputs.notes.push(format!(
                    "{}: nessun file da controllare con le estensioni {} (vedi --extensions) / no files to check with these extensions",
                    p.display(),
                    extensions.join(", ")
                ));
            }
        } else if p.exists() {
            inputs.items.push(Input::File(p.clone()));
        } else if p.symlink_metadata().is_ok() {
            inputs.problems.push(format!(
                "{}: collegamento simbolico rotto o circolare / broken or looping symbolic link",
                p.display()
            ));
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
    // Symbolic links are followed, so a draft linked into the folder is checked like one
    // named on the command line; the walker detects links back to an ancestor.
    let walker = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .follow_links(true)
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
            Err(err) => walk_error(dir, &err, inputs),
        }
    }
}

/// Sorts a walker error into a note (nothing there to check: a dangling link, a link that
/// loops, a link back to a folder already walked) or a problem (something unreadable).
fn walk_error(dir: &Path, err: &ignore::Error, inputs: &mut Inputs) {
    match err {
        ignore::Error::Loop { child, .. } => inputs.notes.push(format!(
            "{}: collegamento simbolico a una cartella già controllata, saltato / symbolic link to a folder already checked, skipped",
            child.display()
        )),
        ignore::Error::WithPath { path, err } => {
            let link = path.symlink_metadata().is_ok_and(|m| m.is_symlink());
            if link && std::fs::metadata(path).is_err() {
                inputs.notes.push(format!(
                    "{}: collegamento simbolico rotto o circolare, saltato / broken or looping symbolic link, skipped",
                    path.display()
                ));
            } else {
                match io_error(err) {
                    Some(e) => inputs
                        .problems
                        .push(format!("{}: {}", path.display(), io_reason(e))),
                    None => inputs.problems.push(format!(
                        "{}: non leggibile / unreadable: {err}",
                        path.display()
                    )),
                }
            }
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(dir, err, inputs)
        }
        ignore::Error::Partial(errs) => {
            for e in errs {
                walk_error(dir, e, inputs);
            }
        }
        other => inputs.problems.push(format!(
            "{}: cartella non leggibile / folder unreadable: {other}",
            dir.display()
        )),
    }
}

fn io_error(err: &ignore::Error) -> Option<&std::io::Error> {
    match err {
        ignore::Error::Io(e) => Some(e),
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => io_error(err),
        _ => None,
    }
}

/// Why a path could not be read, Italian first.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        PermissionDenied => "non leggibile, permesso negato / unreadable, permission denied".into(),
        NotFound => "file o cartella inesistente / no such file or directory".into(),
        IsADirectory => "è una cartella / is a directory".into(),
        _ => format!("lettura non riuscita / cannot read: {e}"),
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

fn too_large(name: &str, cap: u64) -> anyhow::Error {
    let mb = cap >> 20;
    anyhow::anyhow!(
        "{name}: più grande di {mb} MB, saltato (non sembra una bozza) / larger than {mb} MB, skipped (not a draft)"
    )
}

/// Reads at most `cap` bytes (plus one, to tell a file of exactly the limit from a
/// bigger one): a pipe or a device such as /dev/zero never makes the run hang or exhaust
/// memory.
fn read_capped(mut r: impl Read, name: &str, hint: usize, cap: u64) -> Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(hint);
    (&mut r)
        .take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| anyhow::anyhow!("{name}: {}", io_reason(&e)))?;
    if buf.len() as u64 > cap {
        return Err(too_large(name, cap));
    }
    Ok(buf)
}

pub fn read(input: &Input) -> Result<Content> {
    let bytes = match input {
        Input::Stdin { .. } => read_capped(
            std::io::stdin().lock(),
            "standard input",
            0,
            MAX_INPUT_BYTES,
        )?,
        Input::File(p) => {
            let name = p.display().to_string();
            let file =
                std::fs::File::open(p).map_err(|e| anyhow::anyhow!("{name}: {}", io_reason(&e)))?;
            // The size is known for a regular file: refuse it before reading anything.
            let len = file.metadata().map(|m| m.len()).unwrap_or(0);
            if len > MAX_INPUT_BYTES {
                return Err(too_large(&name, MAX_INPUT_BYTES));
            }
            let hint = usize::try_from(len).unwrap_or(0);
            match read_in_halves(&file, hint) {
                Some(bytes) => bytes,
                None => read_capped(file, &name, hint, MAX_INPUT_BYTES)?,
            }
        }
    };
    Ok(decode(bytes))
}

/// Files at least this large are read by two threads, a half each.
const SPLIT_READ: usize = 16 * 1024 * 1024;

/// Reads a large regular file by halves on two threads: copying 100 MB from the page cache
/// (and faulting in the buffer) took a tenth of a second on one core while the other
/// waited. `None` when the file is small, not a plain file at that size any more (it
/// shrank or grew while read), or a read fails: the caller then reads it the usual way,
/// which reports errors.
#[cfg(unix)]
fn read_in_halves(file: &std::fs::File, len: usize) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    if len < SPLIT_READ {
        return None;
    }
    let mut buf = vec![0u8; len];
    let mid = len / 2;
    let (first, second) = buf.split_at_mut(mid);
    let (a, b) = std::thread::scope(|s| {
        let other = s.spawn(|| file.read_exact_at(second, mid as u64));
        (file.read_exact_at(first, 0), other.join())
    });
    let grew = file
        .read_at(&mut [0u8; 1], len as u64)
        .map_or(true, |n| n > 0);
    (a.is_ok() && matches!(b, Ok(Ok(()))) && !grew).then_some(buf)
}

#[cfg(not(unix))]
fn read_in_halves(_file: &std::fs::File, _len: usize) -> Option<Vec<u8>> {
    None
}

/// UTF-8; UTF-16 with a byte-order mark (what Windows Notepad calls "Unicode"), or
/// Windows-1252 for legacy files, each with a warning; other NUL bytes mean binary.
pub fn decode(bytes: Vec<u8>) -> Content {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&bytes)
        && enc != encoding_rs::UTF_8
    {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return Content::Text {
            text: text.into_owned(),
            warning: Some(format!(
                "è {}: convertito in UTF-8; le posizioni in byte si riferiscono al testo convertito / {}: converted to UTF-8",
                enc.name(),
                enc.name()
            )),
        };
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Content::Binary;
    }
    match utf8(bytes) {
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

/// `String::from_utf8`, validating the two halves of a large buffer side by side: on one
/// core the check of a 100 MB file took 25 ms while the other core waited.
fn utf8(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    if bytes.len() < SPLIT_READ {
        return String::from_utf8(bytes);
    }
    // A cut before a byte that starts a character (at most three bytes back), so that a
    // valid text is valid on both sides.
    let mut mid = bytes.len() / 2;
    for _ in 0..3 {
        if bytes.get(mid).is_some_and(|&b| b & 0xC0 == 0x80) {
            mid -= 1;
        }
    }
    let (first, second) = bytes.split_at(mid);
    let (a, b) = rayon::join(
        || std::str::from_utf8(first).is_ok(),
        || std::str::from_utf8(second).is_ok(),
    );
    if a && b {
        // SAFETY: both parts are valid UTF-8, and so is their concatenation (UTF-8 is
        // self-synchronising: a valid part starts and ends on whole characters).
        Ok(unsafe { String::from_utf8_unchecked(bytes) })
    } else {
        // The error, with its position, comes from the whole.
        String::from_utf8(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_files_read_by_halves_come_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grande.txt");
        // Not a multiple of anything, with a two-byte letter across the middle.
        let mut text = "abcdè".repeat(SPLIT_READ / 6 + 7);
        text.push_str("fine");
        std::fs::write(&path, &text).unwrap();
        match read(&Input::File(path)).unwrap() {
            Content::Text {
                text: read,
                warning,
            } => {
                assert!(warning.is_none());
                assert_eq!(read.len(), text.len());
                assert!(read == text);
            }
            _ => panic!("not read as text"),
        }
    }

    #[test]
    fn large_texts_are_validated_by_halves_to_the_same_verdict() {
        let n = SPLIT_READ / 3 + 1;
        // Three-byte letters, one across the middle whatever the cut.
        let valid = "€".repeat(n).into_bytes();
        assert_eq!(
            utf8(valid.clone()).map(String::into_bytes),
            Ok(valid.clone())
        );
        // One bad byte in either half, or a letter cut in two at the middle: refused, at
        // the position the whole-text check gives.
        for at in [10, valid.len() - 10, valid.len() / 2] {
            let mut bad = valid.clone();
            bad[at] = 0xFF;
            let expected = String::from_utf8(bad.clone()).unwrap_err().utf8_error();
            assert_eq!(utf8(bad).unwrap_err().utf8_error(), expected, "at {at}");
        }
    }

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

    #[test]
    fn utf16_with_a_bom_is_text() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "perché".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        match decode(bytes) {
            Content::Text { text, warning } => {
                assert_eq!(text, "perché");
                assert!(warning.is_some_and(|w| w.contains("UTF-16LE")));
            }
            Content::Binary => panic!("not binary"),
        }
    }

    #[test]
    fn reading_stops_past_the_limit() {
        let endless = std::io::repeat(b'a');
        let err = read_capped(endless, "zero", 0, 4 << 20)
            .unwrap_err()
            .to_string();
        assert!(err.contains("4 MB"), "{err}");
        let ok = read_capped(&b"abc"[..], "abc", 0, 3).unwrap();
        assert_eq!(ok, b"abc");
    }
}
