//! Finds the spec and aspect files named by specctl.yaml's folders and globs, honouring
//! .gitignore and .ignore, and never following a symlink loop.

use globset::{Glob, GlobMatcher};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What a walk found: root-relative paths with `/` separators, sorted, and what it had to skip.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Found {
    pub files: Vec<String>,
    pub warnings: Vec<String>,
}

/// Which files a walk is after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// `*.feature`, a file named just `.feature` (cucumber-rs writes them), and `*.feature.md`.
    Spec,
    /// `*.md`.
    Aspect,
}

/// Whether a file's name (or path) is a spec file's: `*.feature`, a file named `.feature`
/// (`Path::extension` is `None` for it, so names are read whole) or Markdown `*.feature.md`.
pub(crate) fn is_feature_name(name: &str) -> bool {
    name.ends_with(".feature") || name.ends_with(".feature.md")
}

impl FileKind {
    fn matches(self, path: &Path) -> bool {
        // Lossy, so a name that is not UTF-8 is still found, and then refused with a warning.
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        match self {
            // `Path::extension` is `None` for `.feature`, so names are read whole.
            FileKind::Spec => is_feature_name(&name),
            FileKind::Aspect => path.extension().is_some_and(|e| e == "md"),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            FileKind::Spec => ".feature or .feature.md",
            FileKind::Aspect => ".md",
        }
    }

    /// Hidden entries are skipped (`.git`, `.cache`…), except a spec file named `.feature`.
    fn walks_into(self, entry: &ignore::DirEntry) -> bool {
        let name = entry.file_name().to_string_lossy();
        entry.depth() == 0
            || !name.starts_with('.')
            || (self == FileKind::Spec
                && name == ".feature"
                && entry.file_type().is_some_and(|t| !t.is_dir()))
    }
}

/// Files under `root` matching `patterns` (folders, files or globs) and of `kind`.
pub(crate) fn find(root: &Path, patterns: &[String], kind: FileKind) -> Found {
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
                kind,
                &mut files,
                &mut warnings,
            );
        } else {
            let start = root.join(pattern);
            if start.is_file() {
                if kind.matches(&start) {
                    files.insert(relative(root, &start));
                } else {
                    warnings.push(format!(
                        "`{pattern}` is a file, not a folder of {} files: skipped",
                        kind.describe()
                    ));
                }
            } else if start.is_dir() {
                walk(root, &start, None, kind, &mut files, &mut warnings);
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
    kind: FileKind,
    files: &mut BTreeSet<String>,
    warnings: &mut Vec<String>,
) {
    if !start.is_dir() {
        return;
    }
    let walker = ignore::WalkBuilder::new(start)
        .require_git(false)
        .follow_links(true)
        .hidden(false)
        .filter_entry(move |entry| entry.file_name() != ".specctl" && kind.walks_into(entry))
        .build();
    let mut links = Links::new(root, start);
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                warnings.push(describe_walk_error(root, &err));
                continue;
            }
        };
        links.note(&entry);
        let path = entry.path();
        if !entry.file_type().is_some_and(|t| t.is_file()) || !kind.matches(path) {
            continue;
        }
        if path.to_str().is_none() {
            warnings.push(format!(
                "{}: the file name is not UTF-8, so it cannot be an item id: skipped (rename it)",
                relative(root, path)
            ));
            continue;
        }
        if !links.inside(&entry) {
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
}

/// Links are followed inside the project only: a spec reached through a link must still be a
/// file of the project. Only a path the walk reached through a link (the start folder's own,
/// a followed folder, the file itself) is resolved to tell: resolving costs a system call per
/// component of every path, and any other path is inside the project as it stands.
struct Links {
    real_root: PathBuf,
    /// Every path is resolved when the start folder is not where its path says.
    start_is_real: bool,
    /// Folder links the walk followed so far; it gives a folder before what it holds.
    followed: Vec<PathBuf>,
}

impl Links {
    fn new(root: &Path, start: &Path) -> Links {
        let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let start_is_real = start
            .canonicalize()
            .is_ok_and(|real| real == real_root.join(relative(root, start)));
        Links {
            real_root,
            start_is_real,
            followed: Vec::new(),
        }
    }

    fn note(&mut self, entry: &ignore::DirEntry) {
        if entry.path_is_symlink() && entry.file_type().is_some_and(|t| t.is_dir()) {
            self.followed.push(entry.path().to_path_buf());
        }
    }

    fn inside(&self, entry: &ignore::DirEntry) -> bool {
        let path = entry.path();
        let through_link = !self.start_is_real
            || entry.path_is_symlink()
            || self.followed.iter().any(|link| path.starts_with(link));
        !through_link
            || path
                .canonicalize()
                .is_ok_and(|real| real.starts_with(&self.real_root))
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
/// `kind`: the same rule, asked of one path without walking.
pub(crate) fn names(patterns: &[String], kind: FileKind, path: &str) -> bool {
    if !kind.matches(Path::new(path)) {
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

pub(crate) fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // A walk's paths are already written as ids are: taken whole, without splitting them.
    if let Some(text) = rel.to_str()
        && text.split('/').all(|part| !part.is_empty() && part != ".")
    {
        return text.to_string();
    }
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
        let spec = FileKind::Spec;
        assert!(names(&specs, spec, "specs/a.feature"));
        assert!(names(&specs, spec, "more/x/b.feature"));
        assert!(names(&specs, spec, "specs/.feature"));
        assert!(names(&specs, spec, "specs/a.feature.md"));
        assert!(!names(&specs, spec, "specs/a.md"));
        assert!(!names(&specs, spec, "specs/a.featurex"));
        assert!(!names(&specs, spec, "other/a.feature"));
        assert!(!names(&specs, spec, "specsx/a.feature"));
        assert!(names(&specs, FileKind::Aspect, "specs/a.md"));
        assert!(!names(&specs, FileKind::Aspect, "specs/.md"));
    }

    #[test]
    fn a_walk_finds_dot_feature_and_markdown_specs_but_not_other_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "specs/.feature",
            "specs/a.feature",
            "specs/b.feature.md",
            "specs/notes.md",
            "specs/.hidden.feature",
            "specs/.cache/c.feature",
            "specs/sub/.feature",
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "Feature: f\n").unwrap();
        }
        let found = find(root, &["specs".to_string()], FileKind::Spec);
        assert_eq!(
            found,
            Found {
                files: vec![
                    "specs/.feature".into(),
                    "specs/a.feature".into(),
                    "specs/b.feature.md".into(),
                    "specs/sub/.feature".into(),
                ],
                warnings: vec![],
            }
        );
        let by_glob = find(root, &["specs/**/*.feature".to_string()], FileKind::Spec);
        // A glob's `*` matches the empty name too, so `.feature` files are found by it as well.
        assert_eq!(
            by_glob.files,
            ["specs/.feature", "specs/a.feature", "specs/sub/.feature"]
        );
        let named = find(root, &["specs/.feature".to_string()], FileKind::Spec);
        assert_eq!(named.files, ["specs/.feature"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_inside_the_project_and_refused_outside_it() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("far.feature"), "Feature: f\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in ["real/a.feature", "specs/b.feature"] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "Feature: f\n").unwrap();
        }
        symlink(root.join("real"), root.join("specs/inner")).unwrap();
        symlink(root.join("real/a.feature"), root.join("specs/c.feature")).unwrap();
        symlink(outside.path(), root.join("specs/outer")).unwrap();
        symlink(
            outside.path().join("far.feature"),
            root.join("specs/d.feature"),
        )
        .unwrap();
        // A start folder that is itself a link, inward and outward.
        symlink(root.join("real"), root.join("via")).unwrap();
        symlink(outside.path(), root.join("away")).unwrap();
        let find = |pattern: &str| find(root, &[pattern.to_string()], FileKind::Spec);
        let mut specs = find("specs");
        // The walk meets them in the order the folder lists them.
        specs.warnings.sort();
        assert_eq!(
            specs,
            Found {
                files: vec![
                    "specs/b.feature".into(),
                    "specs/c.feature".into(),
                    "specs/inner/a.feature".into(),
                ],
                warnings: vec![
                    "specs/d.feature: a link that leads outside the project: not read".into(),
                    "specs/outer/far.feature: a link that leads outside the project: not read"
                        .into(),
                ],
            }
        );
        assert_eq!(find("via").files, ["via/a.feature"]);
        assert_eq!(
            find("away").warnings,
            ["away/far.feature: a link that leads outside the project: not read"]
        );
        assert_eq!(find("away").files, Vec::<String>::new());
    }

    #[test]
    fn relative_paths_are_ids_with_slashes_however_the_path_was_written() {
        let root = Path::new("/p");
        // What every path gave before the whole-path shortcut: its parts, joined by `/`.
        let by_parts = |path: &Path| {
            let rel = path.strip_prefix(root).unwrap_or(path);
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        };
        for path in [
            "/p/specs/a.feature",
            "/p/specs//a.feature",
            "/p/./specs/./a.feature",
            "/p/specs/",
            "/p/../q/a.feature",
            "/elsewhere/a.feature",
            "/p",
        ] {
            let path = Path::new(path);
            assert_eq!(relative(root, path), by_parts(path), "{}", path.display());
        }
        assert_eq!(
            relative(root, Path::new("/p/specs//a.feature")),
            "specs/a.feature"
        );
    }

    #[test]
    fn glob_bases_stop_at_the_first_wildcard() {
        assert_eq!(glob_base("features/**/*.feature"), "features");
        assert_eq!(glob_base("**/*.feature"), "");
        assert_eq!(glob_base("a/b/c*.feature"), "a/b");
    }
}
