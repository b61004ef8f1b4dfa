//! Markup: one file may hold several posts. Plain text is one post; Markdown is its body
//! after YAML (`---`) or TOML (`+++`) front matter; a CSV export of an editorial calendar
//! is one post per row (`--column`); JSON and JSON Lines are one post per item (`--field`).
//!
//! The engine checks one post at a time, with offsets into the post's own text. Every post
//! carries an [`OffsetMap`] back to the file, so findings keep the JSON contract: byte
//! offsets into the input as given, lines and columns of the file. CSV cells with `""`
//! escapes and JSON strings with `\n` or `\u00e8` escapes map each decoded character to
//! the place of its escape.

use anyhow::{Result, anyhow, bail};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// How a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputKind {
    /// Testo semplice: un post / plain text: one post
    Plain,
    /// Markdown con front matter YAML o TOML / Markdown with front matter
    Markdown,
    /// CSV (o TSV): un post per riga / one post per row
    Csv,
    /// JSON: un post per elemento / one post per item
    Json,
    /// JSON Lines: un post per riga / one post per line
    Jsonl,
}

impl InputKind {
    /// The kind a file name suggests (plain text when unsure).
    pub fn for_path(name: &str) -> InputKind {
        let ext = std::path::Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "md" | "markdown" | "mdx" => InputKind::Markdown,
            "csv" | "tsv" => InputKind::Csv,
            "json" => InputKind::Json,
            "jsonl" | "ndjson" => InputKind::Jsonl,
            _ => InputKind::Plain,
        }
    }
}

/// Maps byte offsets in a post's text to byte offsets in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetMap {
    /// `(post offset, file offset)`, sorted; between two entries the mapping is contiguous.
    segs: Vec<(usize, usize)>,
    /// The post's length and the file offset of its end.
    len: usize,
    file_end: usize,
}

impl OffsetMap {
    /// A post that is a contiguous slice of the file starting at `base`.
    pub fn contiguous(base: usize, len: usize) -> OffsetMap {
        OffsetMap {
            segs: vec![(0, base)],
            len,
            file_end: base + len,
        }
    }

    /// The file offset of a post offset (a char boundary of the post). An offset inside an
    /// escape maps to the escape's start; the post's end maps to the end of its source.
    pub fn to_file(&self, p: usize) -> usize {
        if p >= self.len {
            return self.file_end;
        }
        let i = self.segs.partition_point(|&(ps, _)| ps <= p);
        match i.checked_sub(1).and_then(|i| self.segs.get(i)) {
            Some(&(ps, fs)) => fs + (p - ps),
            None => self.file_end,
        }
    }
}

/// Builds an [`OffsetMap`] while a post's text is decoded.
struct MapBuilder {
    segs: Vec<(usize, usize)>,
}

impl MapBuilder {
    fn new(file_start: usize) -> MapBuilder {
        MapBuilder {
            segs: vec![(0, file_start)],
        }
    }

    /// From post offset `p` on, the text comes from file offset `f`.
    fn at(&mut self, p: usize, f: usize) {
        if let Some(last) = self.segs.last_mut()
            && last.0 == p
        {
            *last = (p, f);
            return;
        }
        self.segs.push((p, f));
    }

    fn finish(self, len: usize, file_end: usize) -> OffsetMap {
        OffsetMap {
            segs: self.segs,
            len,
            file_end,
        }
    }
}

/// How a post's text is written in the file (to write a fixed post back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// The text as it is (plain text, Markdown body).
    Raw,
    /// A CSV cell; `quoted` when it was written between double quotes.
    Csv { quoted: bool, delimiter: u8 },
    /// A JSON string literal, quotes included.
    Json,
}

impl Encoding {
    /// The text to put in the post's `span` for a new post text.
    pub fn encode(self, text: &str) -> String {
        match self {
            Encoding::Raw => text.to_string(),
            Encoding::Csv { quoted, delimiter } => {
                let needs = quoted
                    || text
                        .bytes()
                        .any(|b| b == b'"' || b == b'\n' || b == b'\r' || b == delimiter);
                if needs {
                    format!("\"{}\"", text.replace('"', "\"\""))
                } else {
                    text.to_string()
                }
            }
            Encoding::Json => serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into()),
        }
    }
}

/// What a file says about its posts: keys of the front matter, or columns of a row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    pub profile: Option<String>,
    pub role: Option<String>,
    pub account: Option<String>,
}

impl Meta {
    fn set(&mut self, key: &str, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        let slot = match key.trim().to_lowercase().as_str() {
            "profile" | "profilo" | "vaglio_profile" | "vaglio-profile" => &mut self.profile,
            "role" | "ruolo" | "vaglio_role" | "vaglio-role" => &mut self.role,
            "account" | "account_type" | "canale" => &mut self.account,
            _ => return,
        };
        *slot = Some(value.to_string());
    }
}

/// One post of a file.
#[derive(Debug, Clone)]
pub struct Post {
    /// The decoded text the engine checks, when it differs from the file's bytes at `span`
    /// (an escaped CSV cell or JSON string). A plain or Markdown body is the file itself,
    /// and copying it doubled the memory and the page faults of a large file.
    decoded: Option<String>,
    pub map: OffsetMap,
    pub meta: Meta,
    /// Where the post is written in the file, delimiters included (quotes of a CSV cell or
    /// a JSON string), and how.
    pub span: (usize, usize),
    pub encoding: Encoding,
}

impl Post {
    /// The text the engine checks; `file` is the text the post was split from.
    pub fn text<'a>(&'a self, file: &'a str) -> &'a str {
        match &self.decoded {
            Some(t) => t,
            None => file.get(self.span.0..self.span.1).unwrap_or(""),
        }
    }
}

/// How to find posts in structured files.
#[derive(Debug, Clone, Default)]
pub struct SplitOptions {
    /// CSV column (name or 1-based number).
    pub column: Option<String>,
    /// JSON field (dotted path for nested objects).
    pub field: Option<String>,
}

/// Names tried, in order, when `--column` or `--field` is not given.
pub const TEXT_FIELDS: &[&str] = &[
    "testo",
    "text",
    "post",
    "messaggio",
    "message",
    "contenuto",
    "content",
    "body",
    "commento",
    "comment",
    "caption",
    "descrizione",
    "description",
];

/// The posts of a file.
pub fn split(text: &str, kind: InputKind, opts: &SplitOptions) -> Result<Vec<Post>> {
    match kind {
        InputKind::Plain => Ok(vec![whole(text, 0, Meta::default())]),
        InputKind::Markdown => Ok(vec![markdown(text)?]),
        InputKind::Csv => csv(text, opts),
        InputKind::Json => json(text, opts),
        InputKind::Jsonl => jsonl(text, opts),
    }
}

fn whole(text: &str, base: usize, meta: Meta) -> Post {
    let body = text.get(base..).unwrap_or("");
    Post {
        decoded: None,
        map: OffsetMap::contiguous(base, body.len()),
        meta,
        span: (base, text.len()),
        encoding: Encoding::Raw,
    }
}

fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{FEFF}') { 3 } else { 0 }
}

/// A Markdown file: front matter (YAML between `---` lines, or TOML between `+++` lines)
/// gives the post's metadata; the body after it is the post.
fn markdown(text: &str) -> Result<Post> {
    let start = bom_len(text);
    let rest = &text[start..];
    let fence = if rest.starts_with("---") {
        "---"
    } else if rest.starts_with("+++") {
        "+++"
    } else {
        return Ok(whole(text, start, Meta::default()));
    };
    let mut lines = rest.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != fence {
        return Ok(whole(text, start, Meta::default()));
    }
    let mut offset = start + first.len();
    let fm_start = offset;
    for line in lines {
        let t = line.trim_end();
        if t == fence || (fence == "---" && t == "...") {
            let fm = &text[fm_start..offset];
            let body = offset + line.len();
            let meta = if fence == "+++" {
                toml_meta(fm)?
            } else {
                yaml_meta(fm)
            };
            return Ok(whole(text, body, meta));
        }
        offset += line.len();
    }
    // An opening fence that is never closed is not front matter.
    Ok(whole(text, start, Meta::default()))
}

/// The top-level `key: value` scalars of YAML front matter (enough for `profile`, `role`,
/// `account`; nested values and lists are not needed and are skipped).
fn yaml_meta(fm: &str) -> Meta {
    let mut meta = Meta::default();
    for line in fm.lines() {
        if line.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        let v = if let Some(q) = v.strip_prefix('"') {
            q.split('"').next().unwrap_or("")
        } else if let Some(q) = v.strip_prefix('\'') {
            q.split('\'').next().unwrap_or("")
        } else {
            v.split(" #").next().unwrap_or("").trim()
        };
        meta.set(k.trim().trim_matches(['"', '\'']), v);
    }
    meta
}

fn toml_meta(fm: &str) -> Result<Meta> {
    let table: toml::Table = toml::from_str(fm).map_err(|e| {
        anyhow!(
            "front matter TOML non valido / invalid TOML front matter: {}",
            e.message().trim()
        )
    })?;
    let mut meta = Meta::default();
    for (k, v) in &table {
        if let Some(s) = v.as_str() {
            meta.set(k, s);
        }
    }
    Ok(meta)
}

/// One CSV field: its raw span (quotes included) and decoded text.
struct Field {
    raw: (usize, usize),
    quoted: bool,
    text: String,
    map: OffsetMap,
}

/// Guesses the delimiter from the header line: `,`, `;` (Italian spreadsheets) or tab.
fn guess_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for b in text.bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => break,
            b',' if !in_quotes => counts[0] += 1,
            b';' if !in_quotes => counts[1] += 1,
            b'\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// RFC 4180 records, keeping every field's position in the file.
fn csv_records(text: &str, start: usize, delim: u8) -> Vec<Vec<Field>> {
    let bytes = text.as_bytes();
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut i = start;
    let n = bytes.len();
    if i >= n {
        return records;
    }
    loop {
        // One field starting at i.
        let field_start = i;
        let field;
        if bytes.get(i) == Some(&b'"') {
            let mut out = String::new();
            let mut mb = MapBuilder::new(i + 1);
            let mut j = i + 1;
            let mut run = j;
            let mut closed = false;
            loop {
                match bytes.get(j) {
                    None => {
                        out.push_str(&text[run..j]);
                        break;
                    }
                    Some(b'"') => {
                        out.push_str(&text[run..j]);
                        if bytes.get(j + 1) == Some(&b'"') {
                            mb.at(out.len(), j);
                            out.push('"');
                            j += 2;
                            mb.at(out.len(), j);
                            run = j;
                        } else {
                            j += 1;
                            closed = true;
                            break;
                        }
                    }
                    Some(_) => j += 1,
                }
            }
            let content_end = if closed { j - 1 } else { j };
            let map = mb.finish(out.len(), content_end);
            // Anything between the closing quote and the delimiter is kept as is.
            let mut k = j;
            while k < n && bytes[k] != delim && bytes[k] != b'\n' && bytes[k] != b'\r' {
                k += 1;
            }
            field = Field {
                raw: (field_start, j),
                quoted: true,
                text: out,
                map,
            };
            i = k;
        } else {
            let mut k = i;
            while k < n && bytes[k] != delim && bytes[k] != b'\n' && bytes[k] != b'\r' {
                k += 1;
            }
            field = Field {
                raw: (i, k),
                quoted: false,
                text: text[i..k].to_string(),
                map: OffsetMap::contiguous(i, k - i),
            };
            i = k;
        }
        record.push(field);
        match bytes.get(i) {
            Some(&b) if b == delim => {
                i += 1;
                if i >= n {
                    record.push(Field {
                        raw: (i, i),
                        quoted: false,
                        text: String::new(),
                        map: OffsetMap::contiguous(i, 0),
                    });
                    records.push(std::mem::take(&mut record));
                    break;
                }
            }
            Some(b'\r') | Some(b'\n') => {
                if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                i += 1;
                records.push(std::mem::take(&mut record));
                if i >= n {
                    break;
                }
            }
            _ => {
                records.push(std::mem::take(&mut record));
                break;
            }
        }
    }
    records
}

fn pick_column(names: &[String], wanted: Option<&str>, what: &str, flag: &str) -> Result<usize> {
    if let Some(w) = wanted {
        if let Ok(n) = w.trim().parse::<usize>()
            && n >= 1
            && n <= names.len()
            && !names.iter().any(|h| h.eq_ignore_ascii_case(w.trim()))
        {
            return Ok(n - 1);
        }
        return names
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(w.trim()))
            .ok_or_else(|| {
                anyhow!(
                    "{what} «{w}» assente / not found; disponibili / available: {}",
                    names.join(", ")
                )
            });
    }
    for cand in TEXT_FIELDS {
        if let Some(i) = names
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(cand))
        {
            return Ok(i);
        }
    }
    bail!(
        "quale {what} contiene il testo dei post? usa {flag} NOME / which one holds the post text? use {flag} NAME; disponibili / available: {}",
        names.join(", ")
    )
}

fn csv(text: &str, opts: &SplitOptions) -> Result<Vec<Post>> {
    let mut start = bom_len(text);
    // Excel may write the delimiter on a first line of its own: `sep=;`.
    let first = text[start..].split('\n').next().unwrap_or("");
    let hint = first
        .trim_end_matches('\r')
        .strip_prefix("sep=")
        .filter(|d| d.len() == 1)
        .map(|d| d.as_bytes()[0]);
    if hint.is_some() {
        start = (start + first.len() + 1).min(text.len());
    }
    let delim = hint.unwrap_or_else(|| guess_delimiter(&text[start..]));
    let records = csv_records(text, start, delim);
    let Some((header, rows)) = records.split_first() else {
        return Ok(Vec::new());
    };
    let names: Vec<String> = header.iter().map(|f| f.text.trim().to_string()).collect();
    let col = pick_column(
        &names,
        opts.column.as_deref(),
        "colonna / column",
        "--column",
    )?;
    let meta_cols: Vec<(usize, &String)> = names.iter().enumerate().collect();
    let mut posts = Vec::new();
    for row in rows {
        if row.iter().all(|f| f.text.trim().is_empty()) {
            continue;
        }
        let Some(cell) = row.get(col) else { continue };
        let mut meta = Meta::default();
        for (i, name) in &meta_cols {
            if *i != col
                && let Some(f) = row.get(*i)
            {
                meta.set(name, &f.text);
            }
        }
        posts.push(Post {
            decoded: Some(cell.text.clone()),
            map: cell.map.clone(),
            meta,
            span: cell.raw,
            encoding: Encoding::Csv {
                quoted: cell.quoted,
                delimiter: delim,
            },
        });
    }
    Ok(posts)
}

/// The byte offset of a slice borrowed from `text`.
fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

/// Decodes a JSON string literal found at `raw` (quotes included), mapping every decoded
/// character to its place in the file.
fn json_string(text: &str, raw: &str) -> Option<(String, OffsetMap, (usize, usize))> {
    let base = offset_in(text, raw);
    let b = raw.as_bytes();
    if b.first() != Some(&b'"') || b.len() < 2 {
        return None;
    }
    let mut out = String::new();
    let mut mb = MapBuilder::new(base + 1);
    let mut i = 1;
    let mut run = 1;
    let end = b.len() - 1;
    while i < end {
        if b[i] == b'\\' {
            out.push_str(raw.get(run..i)?);
            let esc_start = i;
            mb.at(out.len(), base + esc_start);
            let c = match b.get(i + 1)? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let hex = |at: usize| {
                        raw.get(at..at + 4)
                            .and_then(|h| u32::from_str_radix(h, 16).ok())
                    };
                    let hi = hex(i + 2)?;
                    i += 4;
                    if (0xD800..0xDC00).contains(&hi)
                        && raw.get(i + 2..i + 4) == Some("\\u")
                        && let Some(lo) = hex(i + 4)
                        && (0xDC00..0xE000).contains(&lo)
                    {
                        i += 6;
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            .unwrap_or('\u{FFFD}')
                    } else {
                        char::from_u32(hi).unwrap_or('\u{FFFD}')
                    }
                }
                _ => return None,
            };
            i += 2;
            out.push(c);
            mb.at(out.len(), base + i);
            run = i;
        } else {
            i += 1;
        }
    }
    out.push_str(raw.get(run..end)?);
    let len = out.len();
    Some((out, mb.finish(len, base + end), (base, base + raw.len())))
}

type Object<'a> = BTreeMap<String, &'a RawValue>;

fn field_path<'a>(obj: &Object<'a>, path: &str) -> Option<&'a RawValue> {
    let mut parts = path.split('.');
    let mut cur: &'a RawValue = obj.get(parts.next()?).copied()?;
    for p in parts {
        let inner: Object<'a> = serde_json::from_str(cur.get()).ok()?;
        cur = inner.get(p).copied()?;
    }
    Some(cur)
}

fn json_post(text: &str, obj: &Object, field: &str) -> Option<Post> {
    let raw = field_path(obj, field)?;
    let (decoded, map, span) = json_string(text, raw.get())?;
    let mut meta = Meta::default();
    for (k, v) in obj {
        if k != field
            && let Ok(s) = serde_json::from_str::<String>(v.get())
        {
            meta.set(k, &s);
        }
    }
    Some(Post {
        decoded: Some(decoded),
        map,
        meta,
        span,
        encoding: Encoding::Json,
    })
}

fn choose_field(first: &Object, opts: &SplitOptions) -> Result<String> {
    if let Some(f) = &opts.field {
        return Ok(f.clone());
    }
    let names: Vec<String> = first.keys().cloned().collect();
    let i = pick_column(&names, None, "campo / field", "--field")?;
    Ok(names[i].clone())
}

fn json_error(text: &str, e: &serde_json::Error, base_line: usize) -> anyhow::Error {
    let _ = text;
    anyhow!(
        "JSON non valido / invalid JSON (riga / line {}, colonna / column {}): {e}",
        e.line() + base_line,
        e.column()
    )
}

fn json(text: &str, opts: &SplitOptions) -> Result<Vec<Post>> {
    let body = &text[bom_len(text)..];
    let root: &RawValue = serde_json::from_str(body).map_err(|e| json_error(text, &e, 0))?;
    let trimmed = root.get().trim_start();
    let items: Vec<&RawValue> = if trimmed.starts_with('[') {
        serde_json::from_str(root.get()).map_err(|e| json_error(text, &e, 0))?
    } else if trimmed.starts_with('{') {
        let obj: Object = serde_json::from_str(root.get()).map_err(|e| json_error(text, &e, 0))?;
        let direct = opts
            .field
            .as_deref()
            .map(|f| field_path(&obj, f).is_some())
            .unwrap_or_else(|| obj.keys().any(|k| TEXT_FIELDS.contains(&k.as_str())));
        if direct {
            vec![root]
        } else {
            // An export such as {"posts": [...]}: the first array of objects.
            obj.values()
                .find_map(|v| {
                    let v = v.get().trim_start();
                    if v.starts_with('[') {
                        serde_json::from_str::<Vec<&RawValue>>(v).ok()
                    } else {
                        None
                    }
                })
                .unwrap_or_else(|| vec![root])
        }
    } else {
        bail!("JSON: mi aspetto un elenco di oggetti / expected an array of objects");
    };
    let objects: Vec<Object> = items
        .iter()
        .filter_map(|v| serde_json::from_str(v.get()).ok())
        .collect();
    let Some(first) = objects.first() else {
        return Ok(Vec::new());
    };
    let field = choose_field(first, opts)?;
    let posts: Vec<Post> = objects
        .iter()
        .filter_map(|o| json_post(text, o, &field))
        .collect();
    if posts.is_empty() && !objects.iter().any(|o| field_path(o, &field).is_some()) {
        bail!(
            "campo «{field}» assente / field not found; disponibili / available: {}",
            first.keys().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(posts)
}

fn jsonl(text: &str, opts: &SplitOptions) -> Result<Vec<Post>> {
    let mut posts = Vec::new();
    let mut field: Option<String> = opts.field.clone();
    let mut offset = bom_len(text);
    let mut seen_field = false;
    let mut first_keys = Vec::new();
    for (n, line) in text[offset..].split_inclusive('\n').enumerate() {
        let this = &text[offset..offset + line.len()];
        offset += line.len();
        if this.trim().is_empty() {
            continue;
        }
        let obj: Object =
            serde_json::from_str(this.trim_end_matches(['\n', '\r'])).map_err(|e| {
                anyhow!(
                    "JSON Lines non valido / invalid JSON Lines (riga / line {}): {e}",
                    n + 1
                )
            })?;
        if first_keys.is_empty() {
            first_keys = obj.keys().cloned().collect();
        }
        let f = match &field {
            Some(f) => f.clone(),
            None => {
                let f = choose_field(&obj, opts)?;
                field = Some(f.clone());
                f
            }
        };
        if field_path(&obj, &f).is_some() {
            seen_field = true;
        }
        if let Some(p) = json_post(text, &obj, &f) {
            posts.push(p);
        }
    }
    if !seen_field && let Some(f) = field.filter(|_| !first_keys.is_empty()) {
        bail!(
            "campo «{f}» assente / field not found; disponibili / available: {}",
            first_keys.join(", ")
        );
    }
    Ok(posts)
}

/// Replaces the bytes in `ranges` with spaces (line breaks stay), so the engine does not
/// read comments or directives while every offset stays the same.
pub fn blank<'a>(text: &'a str, ranges: &[(usize, usize)]) -> std::borrow::Cow<'a, str> {
    if ranges.is_empty() {
        // Nearly every post: no copy (a 100 MB file would otherwise be held twice).
        return std::borrow::Cow::Borrowed(text);
    }
    let mut sorted: Vec<(usize, usize)> = ranges.to_vec();
    sorted.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (s, e) in sorted {
        let s = crate::text::floor_char_boundary(text, s.max(at).min(text.len()));
        let e = crate::text::floor_char_boundary(text, e.min(text.len()));
        if e <= s {
            continue;
        }
        out.push_str(&text[at.min(s)..s]);
        for c in text[s..e].chars() {
            if c == '\n' || c == '\r' {
                out.push(c);
            } else {
                out.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
        }
        at = e;
    }
    out.push_str(&text[at.min(text.len())..]);
    std::borrow::Cow::Owned(out)
}

/// The byte ranges of HTML comments (`<!-- … -->`); an unclosed one runs to the end.
pub fn html_comments(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(s) = text.get(from..).and_then(|t| t.find("<!--")) {
        let s = from + s;
        let e = text
            .get(s + 4..)
            .and_then(|t| t.find("-->"))
            .map(|e| s + 4 + e + 3)
            .unwrap_or(text.len());
        out.push((s, e));
        from = e;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_map(file: &str, post: &Post) {
        // Every char of the post maps to the same char in the file (or its escape).
        for (i, c) in post.text(file).char_indices() {
            let f = post.map.to_file(i);
            let rest = &file[f..];
            if !(rest.starts_with(c) || rest.starts_with('\\') || rest.starts_with("\"\"")) {
                panic!("{i} {c:?} → {f} {:?}", &rest[..rest.len().min(5)]);
            }
        }
    }

    /// A plain or Markdown body is read from the file's own text, not copied.
    #[test]
    fn plain_and_markdown_bodies_are_not_copied() {
        let f = "Ciao a tutti\n\nsecondo paragrafo";
        let p = &split(f, InputKind::Plain, &Default::default()).unwrap()[0];
        assert!(p.decoded.is_none());
        assert_eq!(p.text(f), f);
        let f = "---\ntitle: x\n---\nCiao";
        let p = &split(f, InputKind::Markdown, &Default::default()).unwrap()[0];
        assert!(p.decoded.is_none());
        assert_eq!(p.text(f), "Ciao");
    }

    #[test]
    fn front_matter_yaml_and_toml() {
        let f = "---\ntitle: \"x\"\nprofile: institutional\nrole: 'dirigente'\n---\nCiao\n";
        let p = &split(f, InputKind::Markdown, &Default::default()).unwrap()[0];
        assert_eq!(p.text(f), "Ciao\n");
        assert_eq!(p.meta.profile.as_deref(), Some("institutional"));
        assert_eq!(p.meta.role.as_deref(), Some("dirigente"));
        assert_eq!(p.map.to_file(0), f.find("Ciao").unwrap());
        let f = "+++\naccount = \"personale\"\n+++\nCiao";
        let p = &split(f, InputKind::Markdown, &Default::default()).unwrap()[0];
        assert_eq!(p.meta.account.as_deref(), Some("personale"));
        assert_eq!(p.text(f), "Ciao");
        let f = "---\nnon chiuso\nCiao";
        let p = &split(f, InputKind::Markdown, &Default::default()).unwrap()[0];
        assert_eq!(p.text(f), f);
    }

    #[test]
    fn csv_cells_with_escapes_and_line_breaks() {
        let f = "data;testo;profilo\n2026-01-01;\"riga 1\nriga \"\"2\"\"\nriga 3 QUI\";institutional\n2026-01-02;semplice;\n";
        let posts = split(f, InputKind::Csv, &Default::default()).unwrap();
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[0].text(f), "riga 1\nriga \"2\"\nriga 3 QUI");
        assert_eq!(posts[0].meta.profile.as_deref(), Some("institutional"));
        check_map(f, &posts[0]);
        let qui = posts[0].text(f).find("QUI").unwrap();
        assert_eq!(&f[posts[0].map.to_file(qui)..][..3], "QUI");
        assert_eq!(
            posts[0].map.to_file(posts[0].text(f).len()),
            f.find("\";inst").unwrap()
        );
        assert_eq!(posts[1].text(f), "semplice");
        assert_eq!(&f[posts[1].span.0..posts[1].span.1], "semplice");
        let err = split(
            f,
            InputKind::Csv,
            &SplitOptions {
                column: Some("nulla".into()),
                field: None,
            },
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("data, testo, profilo"), "{err}");
        let by_number = split(
            f,
            InputKind::Csv,
            &SplitOptions {
                column: Some("1".into()),
                field: None,
            },
        )
        .unwrap();
        assert_eq!(by_number[0].text(f), "2026-01-01");
        let excel = "sep=,\r\ntesto,note;a;b\r\nciao;a;b,1\r\n";
        let posts = split(excel, InputKind::Csv, &Default::default()).unwrap();
        assert_eq!(posts[0].text(excel), "ciao;a;b");
        assert_eq!(&excel[posts[0].span.0..posts[0].span.1], "ciao;a;b");
    }

    #[test]
    fn json_items_with_escapes() {
        let f = r#"[{"text": "caf\u00e8 \"x\"\nSECONDA", "profile": "moderation"}, {"text": "due"}, {"altro": 1}]"#;
        let posts = split(f, InputKind::Json, &Default::default()).unwrap();
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[0].text(f), "cafè \"x\"\nSECONDA");
        assert_eq!(posts[0].meta.profile.as_deref(), Some("moderation"));
        check_map(f, &posts[0]);
        let s = posts[0].text(f).find("SECONDA").unwrap();
        assert_eq!(&f[posts[0].map.to_file(s)..][..7], "SECONDA");
        let nested = r#"{"posts": [{"m": {"body": "uno"}}]}"#;
        let posts = split(
            nested,
            InputKind::Json,
            &SplitOptions {
                column: None,
                field: Some("m.body".into()),
            },
        )
        .unwrap();
        assert_eq!(posts[0].text(nested), "uno");
        assert!(split("[1,", InputKind::Json, &Default::default()).is_err());
    }

    #[test]
    fn json_lines() {
        let f = "{\"text\": \"uno\"}\n\n{\"text\": \"d\\u00f2\"}\n";
        let posts = split(f, InputKind::Jsonl, &Default::default()).unwrap();
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[1].text(f), "dò");
        assert_eq!(posts[1].map.to_file(0), f.rfind("d\\u").unwrap());
        assert_eq!(Encoding::Json.encode("a\"b"), "\"a\\\"b\"");
        assert!(
            split(
                "{\"text\": 1}\nnope\n",
                InputKind::Jsonl,
                &Default::default()
            )
            .is_err()
        );
    }

    #[test]
    fn blanking_keeps_offsets() {
        let t = "a <!-- è -->\nb";
        let c = html_comments(t);
        let b = blank(t, &c);
        assert_eq!(b.len(), t.len());
        assert!(b.ends_with("\nb"));
        assert!(!b.contains("<!--"));
    }

    /// Random inputs built from the characters that matter to the parsers: no panic, and
    /// every post offset maps inside the file, in order.
    #[test]
    fn random_inputs_never_panic_and_maps_stay_in_bounds() {
        const PIECES: &[&str] = &[
            "\"",
            "\"\"",
            ",",
            ";",
            "\t",
            "\n",
            "\r\n",
            "\\",
            "\\u00e8",
            "\\ud83d\\ude00",
            "\\n",
            "{",
            "}",
            "[",
            "]",
            ":",
            "text",
            "testo",
            "---",
            "+++",
            "<!--",
            "-->",
            "vaglio-ignore",
            "-start",
            "-end",
            "-file",
            " offensive",
            ": motivo",
            "è",
            "😀",
            "a",
            " ",
            "profile",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let n = (next() % 40) as usize;
            let text: String = (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            for kind in [
                InputKind::Plain,
                InputKind::Markdown,
                InputKind::Csv,
                InputKind::Json,
                InputKind::Jsonl,
            ] {
                let Ok(posts) = split(&text, kind, &SplitOptions::default()) else {
                    continue;
                };
                for p in posts {
                    let mut last = 0;
                    for (i, _) in p
                        .text(&text)
                        .char_indices()
                        .chain(std::iter::once((p.text(&text).len(), ' ')))
                    {
                        let f = p.map.to_file(i);
                        assert!(f <= text.len() && f >= last, "{kind:?} {text:?} {i} {f}");
                        last = f;
                    }
                    assert!(p.span.0 <= p.span.1 && p.span.1 <= text.len());
                    let parsed = crate::suppress::parse(
                        p.text(&text),
                        crate::suppress::DEFAULT_MARKER,
                        true,
                    );
                    assert_eq!(
                        blank(p.text(&text), &parsed.blank).len(),
                        p.text(&text).len()
                    );
                    let _ = p.encoding.encode(p.text(&text));
                }
            }
        }
    }
}
