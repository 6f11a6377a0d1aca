//! Desired state: spec and aspect files read into items. Reads files and nothing else:
//! no evidence runs here, no process starts, no network is touched.

mod aspect;
mod cache;
mod discover;
mod frontmatter;
pub mod gherkin;
pub mod item;
mod read_ahead;
mod simple_front;
pub(crate) mod source;
mod spec;
mod stray;

pub(crate) use discover::is_feature_name;
pub(crate) use stray::{feature_folders, no_items, shallowest};

pub use cache::{Cache, CachedFile};
pub use gherkin::Flavor;
pub use item::{Aspect, DocString, Item, ItemKind, Scenario, Step};
pub use spec::EVIDENCE_TAG;

use crate::InputError;
use crate::config::Config;
use discover::FileKind;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;

/// Every item the project declares, every error found on the way, and what was skipped.
#[derive(Debug, Default)]
pub struct DesiredState {
    pub items: Vec<Item>,
    pub errors: Vec<InputError>,
    pub warnings: Vec<String>,
    pub spec_files: usize,
    pub aspect_files: usize,
}

/// Reads every spec and aspect file of the project at `root`, each spec file in its flavor
/// (see [`flavor_of`]). An error in one file never stops the others from being read.
pub fn load(root: &Path, config: &Config) -> DesiredState {
    load_with(root, config, |file| flavor_of(config, file))
}

/// How a spec file is read: Markdown for `*.feature.md`; and with behave's `'''` doc strings
/// where the runner that proves the file (its `paths:` runner, else `default`) runs behave.
/// Tags cannot decide it: they are read from the file being parsed.
pub fn flavor_of(config: &Config, file: &str) -> Flavor {
    let flavor = Flavor::for_file(file);
    let behave = config
        .file_runner(file)
        .and_then(|name| config.evidence.get(name))
        .is_some_and(crate::config::Runner::runs_behave);
    if behave {
        flavor.with_behave_doc_strings()
    } else {
        flavor
    }
}

/// [`load`], with each spec file read in the flavor `flavor_of` gives for its root-relative path.
fn load_with(
    root: &Path,
    config: &Config,
    flavor_of: impl Fn(&str) -> Flavor + Sync,
) -> DesiredState {
    let found = discover_all(root, config);
    let mut state = DesiredState {
        spec_files: found.specs.len(),
        aspect_files: found.aspects.len(),
        ..DesiredState::default()
    };
    read_found(
        root,
        config,
        &found,
        flavor_of,
        |read| read,
        |read| {
            state.add(read);
            ControlFlow::Continue(())
        },
    );
    state.warnings = found.warnings;
    state
}

/// Reads every file `found` names, specs then aspects, and hands what `prepare` makes of each
/// to `take` in that order. Files are read, and `prepare` run, on worker threads a few files
/// ahead of `take`, so what `prepare` leaves out is freed where it was made. An aspect whose
/// name an earlier file took is refused: what `prepare` makes of its refusal stands in for it.
/// When `take` breaks, reading stops.
pub(crate) fn read_found<T: Send>(
    root: &Path,
    config: &Config,
    found: &Found,
    flavor_of: impl Fn(&str) -> Flavor + Sync,
    prepare: impl Fn(FileRead) -> T + Sync,
    mut take: impl FnMut(T) -> ControlFlow<()>,
) {
    let specs = found.specs.len();
    let mut names = AspectNames::default();
    read_ahead::in_order(
        specs + found.aspects.len(),
        workers(),
        |index| match found.specs.get(index) {
            Some(file) => (
                None,
                prepare(read_spec(root, file, config, flavor_of(file))),
            ),
            None => {
                let read = read_aspect(root, &found.aspects[index - specs]);
                (Claim::of(&read), prepare(read))
            }
        },
        |(claim, prepared)| match claim.and_then(|claim| names.check(claim)) {
            Some(refusal) => take(prepare(refusal)),
            None => take(prepared),
        },
    );
}

impl DesiredState {
    fn add(&mut self, read: FileRead) {
        self.items.extend(read.items);
        self.errors.extend(read.errors);
    }
}

/// Threads to read files on: one per core.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// The spec and aspect files a walk of the project finds now (READMEs left out), and what
/// the walk had to skip.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub specs: Vec<String>,
    pub aspects: Vec<String>,
    pub warnings: Vec<String>,
}

pub(crate) fn discover_all(root: &Path, config: &Config) -> Found {
    let specs = discover::find(root, &config.specs, FileKind::Spec);
    let aspects = discover::find(root, &config.aspects, FileKind::Aspect);
    let mut warnings = specs.warnings;
    warnings.extend(aspects.warnings);
    Found {
        specs: specs.files,
        aspects: aspects
            .files
            .into_iter()
            .filter(|f| !is_readme(f))
            .collect(),
        warnings,
    }
}

/// What one spec or aspect file holds as read: its items and its errors, each error with
/// the file's text for its source line.
#[derive(Debug, Clone, Default)]
pub(crate) struct FileRead {
    pub items: Vec<Item>,
    pub errors: Vec<InputError>,
    /// The file's text: an aspect whose name another file took is refused with it.
    source: Option<Arc<str>>,
}

impl FileRead {
    fn errors(errors: Vec<InputError>, source: Option<Arc<str>>) -> FileRead {
        let errors = errors
            .into_iter()
            .map(|e| e.with_source(source.clone()))
            .collect();
        FileRead {
            items: Vec::new(),
            errors,
            source,
        }
    }
}

pub(crate) fn read_spec(root: &Path, file: &str, config: &Config, flavor: Flavor) -> FileRead {
    let text = match read(root, file) {
        Ok(text) => text,
        Err(err) => return FileRead::errors(vec![err], None),
    };
    let (items, errors) = spec::parse(file, &text, config, flavor);
    let source = (!errors.is_empty()).then(|| Arc::from(text));
    FileRead {
        items,
        ..FileRead::errors(errors, source)
    }
}

pub(crate) fn read_aspect(root: &Path, file: &str) -> FileRead {
    let text = match read(root, file) {
        Ok(text) => text,
        Err(err) => return FileRead::errors(vec![err], None),
    };
    let source: Arc<str> = Arc::from(text);
    match aspect::parse(file, &source) {
        Ok(item) => FileRead {
            items: vec![item],
            errors: Vec::new(),
            source: Some(source),
        },
        Err(err) => FileRead::errors(vec![err], Some(source)),
    }
}

/// Aspect names are ids: the first file to use a name keeps it, a later one is refused.
#[derive(Default)]
pub(crate) struct AspectNames(HashMap<String, (String, usize)>);

/// The name an aspect file's item takes, where, and the file's text: all that refusing the
/// file needs, so the file's read can go where it was made.
pub(crate) struct Claim {
    name: String,
    file: String,
    line: usize,
    source: Option<Arc<str>>,
}

impl Claim {
    /// The claim of an aspect file's read; `None` when it has no item.
    pub fn of(read: &FileRead) -> Option<Claim> {
        let item = read.items.first()?;
        Some(Claim {
            name: item.name.clone(),
            file: item.file.clone(),
            line: item.line,
            source: read.source.clone(),
        })
    }
}

impl AspectNames {
    /// The refusal of the file that makes `claim` when an earlier file took its name; else
    /// the name is taken from here on.
    pub fn check(&mut self, claim: Claim) -> Option<FileRead> {
        if let Some((first_file, first_line)) = self.0.get(&claim.name) {
            let err = InputError::new(
                claim.file.as_str(),
                claim.line,
                1,
                format!(
                    "the aspect name `{}` is already used at {first_file}:{first_line}: aspect names are ids, give this one another",
                    claim.name
                ),
            );
            return Some(FileRead::errors(vec![err], claim.source));
        }
        self.0.insert(claim.name, (claim.file, claim.line));
        None
    }
}

/// Every spec and aspect file the project has now, readable or not, without reading them.
pub fn files(root: &Path, config: &Config) -> Vec<String> {
    let found = discover_all(root, config);
    found.specs.into_iter().chain(found.aspects).collect()
}

/// Whether `path` is where a spec or an aspect lives (whether or not it exists now).
pub fn is_desired_path(config: &Config, path: &str) -> bool {
    discover::names(&config.specs, FileKind::Spec, path)
        || (discover::names(&config.aspects, FileKind::Aspect, path) && !is_readme(path))
}

/// Reads one aspect file's text into its item (what discovery does for each `aspects/*.md`).
pub fn parse_aspect(file: &str, text: &str) -> Result<Item, InputError> {
    aspect::parse(file, text)
}

/// Reads one feature file's text into its items and errors, in its flavor ([`flavor_of`]).
pub fn parse_feature(file: &str, text: &str, config: &Config) -> (Vec<Item>, Vec<InputError>) {
    spec::parse(file, text, config, flavor_of(config, file))
}

/// Reads one feature file's text in `flavor`: `Flavor::for_file(file).with_behave_doc_strings()`
/// accepts behave's `'''` doc strings.
pub fn parse_feature_with(
    file: &str,
    text: &str,
    config: &Config,
    flavor: Flavor,
) -> (Vec<Item>, Vec<InputError>) {
    spec::parse(file, text, config, flavor)
}

/// An aspects folder often explains itself in a README, which is not an aspect.
fn is_readme(file: &str) -> bool {
    file.rsplit('/')
        .next()
        .is_some_and(|name| name.eq_ignore_ascii_case("readme.md"))
}

fn read(root: &Path, file: &str) -> Result<String, InputError> {
    let bytes = std::fs::read(root.join(file))
        .map_err(|err| InputError::new(file, 1, 1, format!("cannot read this file: {err}")))?;
    source::decode(file, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (file, text) in files {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    const BEHAVE: &str =
        "Feature: f\n  Scenario: quoted\n    Given a text\n      '''\n      hi\n      '''\n";

    #[test]
    fn markdown_and_dot_feature_files_become_items_with_their_full_names() {
        let dir = project(&[
            (
                "specs/a.feature.md",
                "# Feature: A\n## Scenario: Name\n* Given x\n",
            ),
            (
                "specs/.feature",
                "Feature: B\n  Scenario: Other\n    Given y\n",
            ),
        ]);
        let state = load(dir.path(), &Config::default());
        assert_eq!(state.errors, vec![]);
        assert_eq!(state.spec_files, 2);
        let ids: Vec<&str> = state.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["specs/.feature::Other", "specs/a.feature.md::Name"]);
        let step = &state.items[1].scenario().unwrap().steps[0];
        assert_eq!((step.keyword.as_str(), step.text.as_str()), ("Given ", "x"));
        assert!(is_desired_path(&Config::default(), "specs/a.feature.md"));
        assert_eq!(
            files(dir.path(), &Config::default()),
            ["specs/.feature", "specs/a.feature.md"]
        );
    }

    #[test]
    fn behave_doc_strings_are_read_where_the_caller_asks() {
        let dir = project(&[("specs/b.feature", BEHAVE)]);
        let plain = load(dir.path(), &Config::default());
        assert_eq!(plain.items, vec![]);
        assert_eq!(
            plain
                .errors
                .iter()
                .map(|e| (e.file.as_str(), e.line))
                .collect::<Vec<_>>(),
            [
                ("specs/b.feature", 4),
                ("specs/b.feature", 5),
                ("specs/b.feature", 6)
            ]
        );
        let behave = load_with(dir.path(), &Config::default(), |file| {
            Flavor::for_file(file).with_behave_doc_strings()
        });
        assert_eq!(behave.errors, vec![]);
        // The config decides: a `default` runner that runs behave reads its files so.
        let config = Config::parse("evidence:\n  default:\n    run: behave\n").unwrap();
        assert_eq!(load(dir.path(), &config).errors, vec![]);
        let pytest = Config::parse("evidence:\n  default:\n    run: pytest\n").unwrap();
        assert_eq!(load(dir.path(), &pytest).errors.len(), 3);
        let step = &behave.items[0].scenario().unwrap().steps[0];
        assert_eq!(
            step.doc_string.as_ref().map(|d| d.content.as_str()),
            Some("hi")
        );
        let (items, errors) = parse_feature_with(
            "specs/b.feature",
            BEHAVE,
            &Config::default(),
            Flavor::Behave,
        );
        assert_eq!((items.len(), errors.len()), (1, 0));
        assert_eq!(
            parse_feature("specs/b.feature", BEHAVE, &Config::default()).0,
            vec![]
        );
    }

    #[test]
    fn aspect_names_are_ids_and_a_scenario_of_the_same_name_is_no_rival() {
        let dir = project(&[
            (
                "specs/a.feature",
                "Feature: f\n  Scenario: pure\n    Given x\n",
            ),
            ("aspects/a.md", "---\nname: pure\nevidence: true\n---\n"),
            ("aspects/b.md", "---\nname: pure\nevidence: false\n---\n"),
            ("aspects/c.md", "---\nname: other\nevidence: true\n---\n"),
        ]);
        let state = load(dir.path(), &Config::default());
        let shown: Vec<(&str, &str)> = state
            .items
            .iter()
            .map(|i| (i.id.as_str(), i.file.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("specs/a.feature::pure", "specs/a.feature"),
                ("aspect:pure", "aspects/a.md"),
                ("aspect:other", "aspects/c.md"),
            ]
        );
        let errors: Vec<(&str, usize, &str)> = state
            .errors
            .iter()
            .map(|e| (e.file.as_str(), e.line, e.message.as_str()))
            .collect();
        assert_eq!(
            errors,
            [(
                "aspects/b.md",
                2,
                "the aspect name `pure` is already used at aspects/a.md:2: aspect names are ids, give this one another"
            )]
        );
        assert_eq!((state.spec_files, state.aspect_files), (1, 3));
    }

    /// Files of very different sizes, so that the workers finish them out of order.
    fn many_files() -> Vec<(String, String)> {
        let mut files = Vec::new();
        for n in 0..300 {
            let scenarios = if n % 7 == 0 { 200 } else { 1 + n % 3 };
            let mut text = format!("Feature: f{n}\n");
            for s in 0..scenarios {
                text.push_str(&format!("  Scenario: s{s} of {n}\n    Given step {s}\n"));
            }
            if n % 50 == 3 {
                text.push_str("  oops\n");
            }
            files.push((format!("specs/f{n:03}.feature"), text));
        }
        for n in 0..40 {
            // Every tenth aspect takes a name an earlier one has.
            let name = if n % 10 == 9 { n - 1 } else { n };
            let text = format!("---\nname: a{name}\nevidence: true\n---\n");
            files.push((format!("aspects/a{n:02}.md"), text));
        }
        files
    }

    #[test]
    fn files_read_on_many_threads_come_in_file_order_as_one_by_one() {
        let files = many_files();
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|(f, t)| (f.as_str(), t.as_str()))
            .collect();
        let dir = project(&borrowed);
        let config = Config::default();
        // The same files read one after another on this thread, as the loader did before.
        let mut expected = DesiredState::default();
        let mut names = AspectNames::default();
        for (file, _) in &files {
            let read = if file.ends_with(".md") {
                let read = read_aspect(dir.path(), file);
                Claim::of(&read)
                    .and_then(|claim| names.check(claim))
                    .unwrap_or(read)
            } else {
                read_spec(dir.path(), file, &config, Flavor::Classic)
            };
            expected.add(read);
        }
        for _ in 0..3 {
            let state = load(dir.path(), &config);
            assert_eq!(state.items, expected.items);
            assert_eq!(state.errors, expected.errors);
        }
        let lines: Vec<usize> = expected.errors.iter().map(|e| e.line).collect();
        assert_eq!(
            lines.len(),
            6 + 4,
            "6 broken specs, 4 refused aspects: {lines:?}"
        );
    }
}
