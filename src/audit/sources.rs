//! Which source files `--mutants` changes: `audit.mutate`, else the selected items' evidence
//! `inputs`, never a protected or desired file; and the mutants made of them.

use super::mutate::{self, Language, MutateError};
use super::{AuditError, Mutant};
use crate::config::Config;
use crate::desired::Item;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The source files to mutate, by root-relative path, with their text.
#[derive(Debug, Default)]
pub(crate) struct Sources {
    pub texts: BTreeMap<String, String>,
    pub warnings: Vec<String>,
}

/// The globs that say what to mutate, and the key they came from.
pub(crate) fn patterns<'a>(config: &'a Config, items: &[&'a Item]) -> (Vec<&'a str>, &'static str) {
    if !config.audit.mutate.is_empty() {
        return (
            config.audit.mutate.iter().map(String::as_str).collect(),
            "audit.mutate",
        );
    }
    let mut patterns = BTreeSet::new();
    for item in items {
        patterns.extend(item.inputs(config).iter().map(String::as_str));
    }
    (patterns.into_iter().collect(), "inputs")
}

pub(crate) fn glob_set(patterns: &[&str], key: &'static str) -> Result<GlobSet, AuditError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|source| AuditError::Glob {
            pattern: pattern.to_string(),
            key,
            source,
        })?;
        builder.add(glob);
    }
    builder.build().map_err(|source| AuditError::Glob {
        pattern: patterns.join(", "),
        key,
        source,
    })
}

/// Reads every file under `root` that the patterns match and specctl can mutate. Binary and
/// non-UTF-8 files are skipped with a warning naming them.
pub(crate) fn find(root: &Path, config: &Config, items: &[&Item]) -> Result<Sources, AuditError> {
    let (patterns, key) = patterns(config, items);
    if patterns.is_empty() {
        return Err(AuditError::NoInputs);
    }
    let wanted = glob_set(&patterns, key)?;
    let protected: Vec<&str> = config
        .reconcile
        .protect
        .iter()
        .map(String::as_str)
        .collect();
    let protected = glob_set(&protected, "reconcile.protect")?;
    let mut sources = Sources::default();
    for file in walk(root) {
        let skip = !wanted.is_match(&file)
            || protected.is_match(&file)
            || crate::desired::is_feature_name(&file)
            || Language::of(&file).is_none();
        if skip {
            continue;
        }
        match std::fs::read(root.join(&file)) {
            Err(err) => sources
                .warnings
                .push(format!("skipped {file}: cannot read it: {err}")),
            Ok(bytes) if mutate::looks_binary(&bytes) => sources
                .warnings
                .push(format!("skipped {file}: it is a binary file, not source")),
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => {
                    sources.texts.insert(file, text);
                }
                Err(_) => sources
                    .warnings
                    .push(format!("skipped {file}: it is not UTF-8 text")),
            },
        }
    }
    if sources.texts.is_empty() {
        return Err(AuditError::NoSources {
            patterns: format!("{key} ({})", patterns.join(", ")),
        });
    }
    Ok(sources)
}

/// Every file of the project, root-relative, as `.gitignore` leaves them, without specctl's
/// state, git's data and the folders of installed packages.
fn walk(root: &Path) -> Vec<String> {
    // What a scratch copy leaves out or links is never a source to mutate.
    let never = |name: &std::ffi::OsStr| {
        super::scratch::SKIPPED
            .iter()
            .chain(&super::scratch::LINKED)
            .any(|n| name == *n)
    };
    let mut files: Vec<String> = ignore::WalkBuilder::new(root)
        .require_git(false)
        .hidden(false)
        .filter_entry(move |e| !never(e.file_name()))
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| {
            let path = e.path().strip_prefix(root).ok()?;
            Some(path.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    files.sort();
    files
}

/// The mutants of every source: one a line (the most severe) unless `all`, and only on the
/// changed lines where `changed` is given. A file that does not parse is skipped with a
/// warning at its line.
pub(crate) fn mutants(
    sources: &Sources,
    all: bool,
    changed: Option<&BTreeMap<String, BTreeSet<usize>>>,
    warnings: &mut Vec<String>,
) -> Vec<Mutant> {
    let mut out = Vec::new();
    for (file, text) in &sources.texts {
        let made = match mutate::mutants(file, text) {
            Ok(made) => made,
            Err(err @ MutateError::Syntax { .. }) => {
                warnings.push(format!("skipped {err}"));
                continue;
            }
            Err(err) => {
                warnings.push(err.to_string());
                continue;
            }
        };
        let made = match changed {
            Some(changed) => match changed.get(file) {
                Some(lines) => mutate::on_lines(made, lines),
                None => continue,
            },
            None => made,
        };
        out.extend(if all {
            made
        } else {
            mutate::one_per_line(made)
        });
    }
    out
}

/// Which selected items' evidence depends on a file: those whose `inputs` match it, else
/// those that declare no inputs (they may depend on anything).
pub(crate) struct Coverage {
    items: Vec<(String, Option<GlobSet>)>,
}

impl Coverage {
    pub(crate) fn new(config: &Config, items: &[&Item]) -> Coverage {
        let items = items
            .iter()
            .map(|item| {
                let inputs: Vec<&str> = item.inputs(config).iter().map(String::as_str).collect();
                let set = (!inputs.is_empty())
                    .then(|| glob_set(&inputs, "inputs").ok())
                    .flatten();
                (item.id.clone(), set)
            })
            .collect();
        Coverage { items }
    }

    pub(crate) fn of(&self, file: &str) -> Vec<String> {
        let matching: Vec<String> = self
            .items
            .iter()
            .filter(|(_, set)| set.as_ref().is_some_and(|s| s.is_match(file)))
            .map(|(id, _)| id.clone())
            .collect();
        if !matching.is_empty() {
            return matching;
        }
        self.items
            .iter()
            .filter(|(_, set)| set.is_none())
            .map(|(id, _)| id.clone())
            .collect()
    }
}
