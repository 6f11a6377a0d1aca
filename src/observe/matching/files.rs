//! A path as a runner wrote it, resolved against the feature files in scope: runners write
//! paths relative to their own folders, absolute, or as `file://` URLs.

use std::collections::BTreeSet;

/// What a reported path could mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolved<'a> {
    File(&'a str),
    /// Two or more files in scope end with the reported path.
    Ambiguous(Vec<&'a str>),
    None,
}

/// The feature files in scope (the runner's own), relative to the project root, and the
/// project's others: a path that is exactly another runner's file is none of these.
pub(crate) struct Files<'a> {
    files: BTreeSet<&'a str>,
    others: BTreeSet<&'a str>,
    root: String,
}

impl<'a> Files<'a> {
    pub(crate) fn new(files: impl IntoIterator<Item = &'a str>, root: &str) -> Self {
        Files {
            files: files.into_iter().collect(),
            others: BTreeSet::new(),
            root: root.trim_end_matches('/').to_string(),
        }
    }

    /// The project's other feature files, which the runner does not prove.
    pub(crate) fn with_others(mut self, others: impl IntoIterator<Item = &'a str>) -> Self {
        self.others = others
            .into_iter()
            .filter(|f| !self.files.contains(f))
            .collect();
        self
    }

    /// The file a reported path names: itself, else the one file that it is a path suffix of
    /// (pytest-bdd writes `features/login.feature` for `a/features/login.feature`), else the
    /// one file that is a path suffix of it.
    pub(crate) fn resolve(&self, reported: &str) -> Resolved<'a> {
        let reported = normal(reported, &self.root);
        if let Some(&file) = self.files.get(reported.as_str()) {
            return Resolved::File(file);
        }
        if self.others.contains(reported.as_str()) {
            return Resolved::None;
        }
        let ends_with = |long: &str, short: &str| {
            long.strip_suffix(short)
                .is_some_and(|rest| rest.ends_with('/'))
        };
        let found: Vec<&'a str> = self
            .files
            .iter()
            .copied()
            .filter(|f| ends_with(f, &reported) || ends_with(&reported, f))
            .collect();
        match found.len() {
            0 => Resolved::None,
            1 => Resolved::File(found[0]),
            _ => Resolved::Ambiguous(found),
        }
    }
}

/// `./a`, `file:///root/a` and `/root/a` are all `a`.
fn normal(reported: &str, root: &str) -> String {
    let path = reported.strip_prefix("file://").unwrap_or(reported);
    let path = match path.strip_prefix(root) {
        Some(rest) if !root.is_empty() && rest.starts_with('/') => &rest[1..],
        _ => path,
    };
    let mut path = path;
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    path.replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files<'static> {
        Files::new(
            [
                "a/features/login.feature",
                "b/features/login.feature",
                "specs/shop.feature",
            ],
            "/work/p",
        )
    }

    #[test]
    fn exact_absolute_url_and_dotted_paths_resolve() {
        let f = files();
        for reported in [
            "specs/shop.feature",
            "./specs/shop.feature",
            "/work/p/specs/shop.feature",
            "file:///work/p/specs/shop.feature",
            "shop.feature",
            "/elsewhere/checkout/specs/shop.feature",
        ] {
            assert_eq!(
                f.resolve(reported),
                Resolved::File("specs/shop.feature"),
                "{reported}"
            );
        }
        assert_eq!(
            f.resolve("b/features/login.feature"),
            Resolved::File("b/features/login.feature")
        );
    }

    #[test]
    fn a_path_two_files_end_with_is_ambiguous_and_a_stranger_is_none() {
        let f = files();
        assert_eq!(
            f.resolve("features/login.feature"),
            Resolved::Ambiguous(vec!["a/features/login.feature", "b/features/login.feature"])
        );
        assert_eq!(
            f.resolve("login.feature"),
            f.resolve("features/login.feature")
        );
        assert_eq!(f.resolve("hop.feature"), Resolved::None);
        assert_eq!(f.resolve("other/shop.feature"), Resolved::None);
    }
}
