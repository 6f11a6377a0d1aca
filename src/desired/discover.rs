//! Finds the spec and aspect files named by specctl.yaml's folders and globs, honouring
//! .gitignore and .ignore, and never following a symlink loop.

use globset::{Glob, GlobMatcher};
use std::collections::BTreeSet;
use std::path::Path;

/// What a walk found: root-relative paths with `/` separators, sorted, and what it had to skip.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Found {
    pub files: Vec<String>,
    pub warnings: Vec<String>,
}

/// Files under `root` matching `patterns` (folders, files or globs) and ending in `extension`.
pub(crate) fn find(root: &Path, patterns: &[String], extension: &str) -> Found {
    let mut files = BTreeSet::new();
    let mut warnings = Vec::new();
    for pattern in patterns {
        let pattern = pattern.trim_start_matches("./");
        if is_glob(pattern) {
            let matcher = match Glob::new(pattern) {
                Ok(glob) => glob.compile_matcher(),
                Err(err) => {
                    warnings.push(format!("skipping the pattern `{pattern}`: {err}"));
                    continue;
                }
            };
            walk(
                root,
                &root.join(glob_base(pattern)),
                Some(&matcher),
                extension,
                &mut files,
                &mut warnings,
            );
        } else {
            let start = root.join(pattern);
            if start.is_file() {
                if has_extension(&start, extension) {
                    files.insert(relative(root, &start));
                } else {
                    warnings.push(format!(
                        "`{pattern}` is a file, not a folder of .{extension} files: skipped"
                    ));
                }
            } else if start.is_dir() {
                walk(root, &start, None, extension, &mut files, &mut warnings);
            }
        }
    }
    Found {
        files: files.into_iter().collect(),
        warnings,
    }
}

fn walk(
    root: &Path,
    start: &Path,
    glob: Option<&GlobMatcher>,
    extension: &str,
    files: &mut BTreeSet<String>,
    warnings: &mut Vec<String>,
) {
    if !start.is_dir() {
        return;
    }
    // Links are followed inside the project only: a spec reached through a link must still
    // be a file of the project.
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walker = ignore::WalkBuilder::new(start)
        .require_git(false)
        .follow_links(true)
        .filter_entry(|entry| entry.file_name() != ".specctl")
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let path = entry.path();
                if !has_extension(path, extension) {
                    continue;
                }
                if path.to_str().is_none() {
                    warnings.push(format!(
                        "{}: the file name is not UTF-8, so it cannot be an item id: skipped (rename it)",
                        relative(root, path)
                    ));
                    continue;
                }
                let inside = path
                    .canonicalize()
                    .is_ok_and(|real| real.starts_with(&real_root));
                if !inside {
                    warnings.push(format!(
                        "{}: a link that leads outside the project: not read",
                        relative(root, path)
                    ));
                    continue;
                }
                let rel = relative(root, path);
                if glob.is_none_or(|g| g.is_match(&rel)) {
                    files.insert(rel);
                }
            }
            Err(err) => warnings.push(describe_walk_error(root, &err)),
        }
    }
}

fn describe_walk_error(root: &Path, err: &ignore::Error) -> String {
    let mut err = err;
    while let ignore::Error::WithDepth { err: inner, .. } = err {
        err = inner;
    }
    match err {
        ignore::Error::Loop { child, .. } => {
            format!("{}: a symlink loop, not followed", relative(root, child))
        }
        ignore::Error::WithPath { path, err } => {
            format!("{}: cannot read ({}), skipped", relative(root, path), err)
        }
        other => format!("skipped a path: {other}"),
    }
}

/// Whether `find` would pick the root-relative `path` (were it there) for `patterns` and
/// `extension`: the same rule, asked of one path without walking.
pub(crate) fn names(patterns: &[String], extension: &str, path: &str) -> bool {
    if !has_extension(Path::new(path), extension) {
        return false;
    }
    patterns.iter().any(|pattern| {
        let pattern = pattern.trim_start_matches("./");
        if is_glob(pattern) {
            return Glob::new(pattern).is_ok_and(|g| g.compile_matcher().is_match(path));
        }
        let folder = pattern.trim_end_matches('/');
        path == folder || folder.is_empty() || path.starts_with(&format!("{folder}/"))
    })
}

fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '[', '{'])
}

/// The folder before the first component that holds a glob character.
fn glob_base(pattern: &str) -> String {
    pattern
        .split('/')
        .take_while(|part| !is_glob(part))
        .collect::<Vec<_>>()
        .join("/")
}

fn has_extension(path: &Path, extension: &str) -> bool {
    path.extension().is_some_and(|e| e == extension)
}

pub(crate) fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_path_is_named_as_a_walk_would_name_it() {
        let specs = vec!["specs".to_string(), "more/**/*.feature".to_string()];
        assert!(names(&specs, "feature", "specs/a.feature"));
        assert!(names(&specs, "feature", "more/x/b.feature"));
        assert!(!names(&specs, "feature", "specs/a.md"));
        assert!(!names(&specs, "feature", "other/a.feature"));
        assert!(!names(&specs, "feature", "specsx/a.feature"));
    }

    #[test]
    fn glob_bases_stop_at_the_first_wildcard() {
        assert_eq!(glob_base("features/**/*.feature"), "features");
        assert_eq!(glob_base("**/*.feature"), "");
        assert_eq!(glob_base("a/b/c*.feature"), "a/b");
    }
}
