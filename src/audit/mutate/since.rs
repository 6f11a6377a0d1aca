//! The lines changed since a git revision, read from `git diff --unified=0 --no-color
//! --no-ext-diff --src-prefix=a/ --dst-prefix=b/ REF -- …`, for `audit --since REF`.

use std::collections::{BTreeMap, BTreeSet};

/// For each file in the diff that still exists, its changed lines in the new version
/// (1-based). Paths are as git prints them after `b/`, unquoted. A hunk that only deletes
/// records the lines on either side of the gap: the code around a deletion is what it
/// changed, and a mutant there asks whether the specs noticed. Deleted files, binary files
/// and pure renames record nothing.
pub fn changed_lines(diff: &str) -> BTreeMap<String, BTreeSet<usize>> {
    let mut changed: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut file: Option<String> = None;
    // The hunk lines still to come, so that a body line starting `+++` is not a header.
    let mut pending = (0usize, 0usize);
    for line in diff.lines() {
        if pending != (0, 0) {
            pending = consume(line, pending);
            continue;
        }
        if line.starts_with("diff ") {
            file = None;
        } else if let Some(path) = line.strip_prefix("+++ ") {
            file = new_path(path);
        } else if let (Some(name), Some(hunk)) = (&file, hunk(line)) {
            pending = (hunk.old_len, hunk.new_len);
            let lines = changed.entry(name.clone()).or_default();
            if hunk.new_len == 0 {
                lines.extend(
                    [hunk.new_start, hunk.new_start + 1]
                        .into_iter()
                        .filter(|&l| l > 0),
                );
            } else {
                lines.extend(hunk.new_start..hunk.new_start.saturating_add(hunk.new_len));
            }
        }
    }
    changed
}

/// What is left of a hunk's body after one of its lines.
fn consume(line: &str, (old, new): (usize, usize)) -> (usize, usize) {
    match line.as_bytes().first() {
        Some(b'-') => (old.saturating_sub(1), new),
        Some(b'+') => (old, new.saturating_sub(1)),
        Some(b' ') => (old.saturating_sub(1), new.saturating_sub(1)),
        // "\ No newline at end of file" belongs to the line before it.
        Some(b'\\') => (old, new),
        // Anything else means the counts were off; resync on headers.
        _ => (0, 0),
    }
}

struct Hunk {
    old_len: usize,
    new_start: usize,
    new_len: usize,
}

/// `@@ -a[,b] +c[,d] @@ …`; `None` for anything else, combined diffs' `@@@` included.
fn hunk(line: &str) -> Option<Hunk> {
    let rest = line.strip_prefix("@@ -")?;
    let (ranges, _) = rest.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let (_, old_len) = range(old)?;
    let (new_start, new_len) = range(new)?;
    Some(Hunk {
        old_len,
        new_start,
        new_len,
    })
}

fn range(text: &str) -> Option<(usize, usize)> {
    match text.split_once(',') {
        Some((start, len)) => Some((start.parse().ok()?, len.parse().ok()?)),
        None => Some((text.parse().ok()?, 1)),
    }
}

/// The path of a `+++` line: `None` for `/dev/null` (the file was deleted). Git ends a name
/// holding a space with a tab, and quotes one holding special characters C-style.
fn new_path(text: &str) -> Option<String> {
    let text = text.trim_end_matches(['\r', '\n']);
    if text == "/dev/null" {
        return None;
    }
    let path = if text.starts_with('"') {
        unquote(text)?
    } else {
        text.split('\t').next().unwrap_or(text).to_string()
    };
    Some(path.strip_prefix("b/").map(str::to_string).unwrap_or(path))
}

/// A C-style quoted name, as git writes it: `\"`, `\\`, `\t`, `\n` and octal bytes.
fn unquote(text: &str) -> Option<String> {
    let body = text.strip_prefix('"')?;
    let mut bytes = Vec::with_capacity(body.len());
    let mut chars = body.bytes();
    while let Some(b) = chars.next() {
        match b {
            b'"' => return Some(String::from_utf8_lossy(&bytes).into_owned()),
            b'\\' => match chars.next()? {
                b'n' => bytes.push(b'\n'),
                b't' => bytes.push(b'\t'),
                b'r' => bytes.push(b'\r'),
                b'a' => bytes.push(0x07),
                b'b' => bytes.push(0x08),
                b'f' => bytes.push(0x0c),
                b'v' => bytes.push(0x0b),
                d @ b'0'..=b'7' => {
                    let mut value = u32::from(d - b'0');
                    for _ in 0..2 {
                        let next = chars.next()?;
                        value = value * 8 + u32::from(next.checked_sub(b'0').filter(|v| *v < 8)?);
                    }
                    bytes.push(u8::try_from(value).ok()?);
                }
                other => bytes.push(other),
            },
            other => bytes.push(other),
        }
    }
    None
}
