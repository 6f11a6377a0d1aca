//! Feature files outside the folders specctl.yaml names: what a project with no items holds,
//! so that the error can say where its specs are instead of passing on nothing.

use std::collections::BTreeSet;
use std::path::Path;

/// Most folders named in the message; a monorepo could have hundreds.
const SHOWN: usize = 8;

/// The folders under `root` that hold `.feature` files (the shallowest of nested ones), as
/// root-relative paths, at most a few; ignored files (.gitignore, `.specctl/`) left out.
pub(crate) fn feature_folders(root: &Path) -> Vec<String> {
    let mut folders: BTreeSet<String> = BTreeSet::new();
    let walk = ignore::WalkBuilder::new(root)
        .hidden(true)
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some("node_modules" | "target")))
        .build();
    for entry in walk.flatten() {
        let path = entry.path();
        let is_feature = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(super::is_feature_name);
        if !is_feature || !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let folder = path
            .parent()
            .and_then(|p| p.strip_prefix(root).ok())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        folders.insert(if folder.is_empty() {
            ".".into()
        } else {
            folder
        });
    }
    let mut kept = shallowest(folders);
    // The top-level folders first: they are where a project keeps its suite, and examples or
    // fixtures deeper down should not crowd them out of the message.
    kept.sort_by_key(|f| (f.matches('/').count(), f.clone()));
    if kept.len() > SHOWN {
        let more = kept.len() - SHOWN;
        kept.truncate(SHOWN);
        kept.push(format!("… and {more} more"));
    }
    kept
}

/// Why a project with no items is an error, and where its specs might be.
pub(crate) fn no_items(specs: &[String], aspects: &[String], folders: &[String]) -> String {
    let looked = format!(
        "no specs or aspects found in {} and {}",
        specs.join(", "),
        aspects.join(", ")
    );
    if folders.is_empty() {
        return format!(
            "{looked}: write a scenario in specs/*.feature or an aspect in aspects/*.md, or set `specs:` in specctl.yaml to where yours are"
        );
    }
    let named: Vec<&String> = folders.iter().filter(|f| !f.starts_with('…')).collect();
    let quoted: Vec<String> = folders
        .iter()
        .map(|f| {
            if f.starts_with('…') {
                f.clone()
            } else {
                format!("`{f}`")
            }
        })
        .collect();
    let listed: Vec<&str> = named.iter().map(|f| f.as_str()).collect();
    format!(
        "{looked}, but .feature files are in {}: set `specs:` in specctl.yaml to the ones that are specs, e.g. `specs: [{}]`",
        quoted.join(", "),
        listed.join(", ")
    )
}

/// `a` and `a/b` are one place: `a`; and `.` is every place.
pub(crate) fn shallowest(folders: BTreeSet<String>) -> Vec<String> {
    let all: Vec<String> = folders.into_iter().collect();
    all.iter()
        .filter(|f| {
            !all.iter()
                .any(|o| o != *f && (o == "." || f.starts_with(&format!("{o}/"))))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_folders_collapse_and_ignored_ones_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "features/a.feature",
            "features/sub/b.feature",
            "issue.features/c.feature",
            "docs/d.feature.md",
            "node_modules/x/e.feature",
            "src/lib.rs",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "Feature: x\n").unwrap();
        }
        assert_eq!(
            feature_folders(dir.path()),
            ["docs", "features", "issue.features"]
        );
        for n in 0..9 {
            let path = dir.path().join(format!("examples/e{n}/features/x.feature"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "Feature: x\n").unwrap();
        }
        let folders = feature_folders(dir.path());
        assert_eq!(folders[..3], ["docs", "features", "issue.features"]);
        assert_eq!(folders.len(), SHOWN + 1);
        assert_eq!(folders[SHOWN], "… and 4 more");
        let empty = tempfile::tempdir().unwrap();
        assert!(feature_folders(empty.path()).is_empty());
    }

    #[test]
    fn the_message_names_the_folders_or_says_what_to_write() {
        let specs = ["specs".to_string()];
        let aspects = ["aspects".to_string()];
        assert_eq!(
            no_items(
                &specs,
                &aspects,
                &["features".into(), "issue.features".into()]
            ),
            "no specs or aspects found in specs and aspects, but .feature files are in `features`, `issue.features`: set `specs:` in specctl.yaml to the ones that are specs, e.g. `specs: [features, issue.features]`"
        );
        assert!(
            no_items(&specs, &aspects, &[])
                .ends_with("or set `specs:` in specctl.yaml to where yours are")
        );
    }
}
