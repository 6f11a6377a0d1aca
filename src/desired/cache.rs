//! The desired state held between reads, file by file: after a change, `specctl watch`
//! re-reads the spec and aspect files that changed, not the whole project.

use super::{AspectNames, Claim, FileRead, Item, discover_all, flavor_of, read_aspect, read_spec};
use crate::InputError;
use crate::config::Config;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every spec and aspect file as last read, and the last walk's warnings.
#[derive(Debug, Default)]
pub struct Cache {
    specs: BTreeMap<String, FileRead>,
    aspects: BTreeMap<String, FileRead>,
    warnings: Vec<String>,
}

/// One file of the desired state, as [`Cache::each`] gives it.
pub struct CachedFile<'c> {
    pub file: &'c str,
    pub items: &'c [Item],
    pub errors: &'c [InputError],
}

impl Cache {
    /// Every file of the project, read as [`super::load`] reads them.
    pub fn read(root: &Path, config: &Config) -> Cache {
        let mut cache = Cache::default();
        cache.walk(root, config);
        cache
    }

    /// Brings the cache up to date after `changed` (root-relative paths) changed, with the
    /// configuration unchanged: a file it holds is read again, or dropped when it is gone;
    /// anything else (a new file, a folder, an ignore file) walks the project again, reading
    /// only the files it did not hold. Returns the files read or dropped.
    pub fn update(&mut self, root: &Path, config: &Config, changed: &[String]) -> BTreeSet<String> {
        let mut touched = BTreeSet::new();
        let mut walk = false;
        for path in changed {
            let exists = root.join(path).is_file();
            if self.specs.contains_key(path) || self.aspects.contains_key(path) {
                touched.insert(path.clone());
                if exists {
                    self.read_one(root, config, path);
                } else {
                    self.specs.remove(path);
                    self.aspects.remove(path);
                }
            } else if !exists || super::is_desired_path(config, path) || is_ignore_file(path) {
                // A new spec, or a folder that came or went: only a walk says what it holds.
                walk = true;
            }
        }
        if walk {
            touched.extend(self.walk(root, config));
        }
        touched
    }

    /// Each file in the order `load` lists them (specs, then aspects), with its items and
    /// errors; an aspect whose name an earlier file took is refused here, as `load` does.
    pub fn each(&self, mut visit: impl FnMut(CachedFile<'_>)) {
        for (file, read) in &self.specs {
            visit(CachedFile {
                file,
                items: &read.items,
                errors: &read.errors,
            });
        }
        let mut names = AspectNames::default();
        for (file, read) in &self.aspects {
            let refused;
            let read = match Claim::of(read).and_then(|claim| names.check(claim)) {
                Some(err) => {
                    refused = err;
                    &refused
                }
                None => read,
            };
            visit(CachedFile {
                file,
                items: &read.items,
                errors: &read.errors,
            });
        }
    }

    /// One spec file as last read, `None` when the cache holds no such spec.
    pub fn spec(&self, file: &str) -> Option<CachedFile<'_>> {
        let (file, read) = self.specs.get_key_value(file)?;
        Some(CachedFile {
            file,
            items: &read.items,
            errors: &read.errors,
        })
    }

    /// Whether the cache holds `file`, a spec or an aspect.
    pub fn holds(&self, file: &str) -> bool {
        self.specs.contains_key(file) || self.aspects.contains_key(file)
    }

    /// The warnings of the last walk (files it had to skip).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    fn read_one(&mut self, root: &Path, config: &Config, file: &str) {
        if self.specs.contains_key(file) {
            let read = read_spec(root, file, config, flavor_of(config, file));
            self.specs.insert(file.to_string(), read);
        } else {
            self.aspects
                .insert(file.to_string(), read_aspect(root, file));
        }
    }

    /// Walks the project: files found and not held are read, files held and not found are
    /// dropped. Returns both.
    fn walk(&mut self, root: &Path, config: &Config) -> BTreeSet<String> {
        let found = discover_all(root, config);
        self.warnings = found.warnings;
        let mut touched = BTreeSet::new();
        let specs: BTreeSet<&String> = found.specs.iter().collect();
        let aspects: BTreeSet<&String> = found.aspects.iter().collect();
        for held in [&mut self.specs, &mut self.aspects] {
            let gone: Vec<String> = held
                .keys()
                .filter(|f| !specs.contains(f) && !aspects.contains(f))
                .cloned()
                .collect();
            for file in gone {
                held.remove(&file);
                touched.insert(file);
            }
        }
        for file in &found.specs {
            if !self.specs.contains_key(file) {
                let read = read_spec(root, file, config, flavor_of(config, file));
                self.specs.insert(file.clone(), read);
                touched.insert(file.clone());
            }
        }
        for file in &found.aspects {
            if !self.aspects.contains_key(file) {
                self.aspects.insert(file.clone(), read_aspect(root, file));
                touched.insert(file.clone());
            }
        }
        touched
    }
}

/// Discovery honours .gitignore and .ignore: a change to one may add or hide specs.
fn is_ignore_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == ".gitignore" || name == ".ignore"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, file: &str, text: &str) {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn aspect(name: &str) -> String {
        format!("---\nname: {name}\nevidence: \"true\"\n---\nWhy.\n")
    }

    /// What the cache holds, as `load` would give it: (ids, errors as file:line).
    fn held(cache: &Cache) -> (Vec<String>, Vec<String>) {
        let (mut ids, mut errors) = (Vec::new(), Vec::new());
        cache.each(|f| {
            ids.extend(f.items.iter().map(|i| i.id.clone()));
            errors.extend(f.errors.iter().map(|e| format!("{}:{}", e.file, e.line)));
        });
        (ids, errors)
    }

    fn loaded(root: &Path) -> (Vec<String>, Vec<String>) {
        let state = super::super::load(root, &Config::default());
        let ids = state.items.iter().map(|i| i.id.clone()).collect();
        let errors = state
            .errors
            .iter()
            .map(|e| format!("{}:{}", e.file, e.line))
            .collect();
        (ids, errors)
    }

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "specs/a.feature",
            "Feature: A\n  Scenario: one\n    Given x\n",
        );
        write(
            root,
            "specs/b.feature",
            "Feature: B\n  Scenario: two\n    Given y\n",
        );
        write(
            root,
            "specs/bad.feature",
            "Feature: C\n  Scenario: x\n    Given y\n  this line is not gherkin\n",
        );
        write(root, "aspects/fast.md", &aspect("fast"));
        write(root, "aspects/twin.md", &aspect("fast"));
        dir
    }

    /// The project, read whole with the default configuration.
    fn read_project() -> (tempfile::TempDir, Config, Cache) {
        let dir = project();
        let config = Config::default();
        let cache = Cache::read(dir.path(), &config);
        (dir, config, cache)
    }

    #[test]
    fn a_whole_read_holds_what_load_reads() {
        let dir = project();
        let cache = Cache::read(dir.path(), &Config::default());
        assert_eq!(held(&cache), loaded(dir.path()));
        assert_eq!(
            held(&cache),
            (
                vec![
                    "specs/a.feature::one".to_string(),
                    "specs/b.feature::two".into(),
                    "aspect:fast".into()
                ],
                vec![
                    "specs/bad.feature:4".to_string(),
                    "aspects/twin.md:2".into()
                ]
            )
        );
    }

    #[test]
    fn a_change_rereads_only_the_files_it_names() {
        let (dir, config, mut cache) = read_project();
        let root = dir.path();
        write(
            root,
            "specs/a.feature",
            "Feature: A\n  Scenario: uno\n    Given x\n",
        );
        // b changed on disk too, but no change names it: it is not read again.
        write(
            root,
            "specs/b.feature",
            "Feature: B\n  Scenario: dos\n    Given y\n",
        );
        let touched = cache.update(root, &config, &["specs/a.feature".into()]);
        assert_eq!(touched, BTreeSet::from(["specs/a.feature".to_string()]));
        assert_eq!(
            held(&cache).0[..2],
            ["specs/a.feature::uno", "specs/b.feature::two"]
        );
        // A file that is not desired state touches nothing.
        write(root, "src/lib.rs", "fn main() {}\n");
        assert_eq!(
            cache.update(root, &config, &["src/lib.rs".into()]),
            BTreeSet::new()
        );
    }

    #[test]
    fn new_and_removed_files_and_folders_walk_the_project_again() {
        let (dir, config, mut cache) = read_project();
        let root = dir.path();
        write(
            root,
            "specs/deep/c.feature",
            "Feature: D\n  Scenario: three\n    Given z\n",
        );
        std::fs::remove_file(root.join("specs/b.feature")).unwrap();
        // The watcher names the new folder, not the file in it.
        let touched = cache.update(
            root,
            &config,
            &["specs/deep".into(), "specs/b.feature".into()],
        );
        assert_eq!(
            touched,
            BTreeSet::from(["specs/b.feature".to_string(), "specs/deep/c.feature".into()])
        );
        assert_eq!(held(&cache), loaded(root));
        assert!(
            held(&cache)
                .0
                .contains(&"specs/deep/c.feature::three".to_string())
        );
        assert!(cache.spec("specs/deep/c.feature").is_some());
        assert!(!cache.holds("specs/b.feature"));
    }

    #[test]
    fn an_aspect_renamed_frees_its_name_for_the_other_file() {
        let (dir, config, mut cache) = read_project();
        let root = dir.path();
        write(root, "aspects/fast.md", &aspect("quick"));
        cache.update(root, &config, &["aspects/fast.md".into()]);
        assert_eq!(held(&cache), loaded(root));
        assert_eq!(held(&cache).0[2..], ["aspect:quick", "aspect:fast"]);
        assert_eq!(held(&cache).1, ["specs/bad.feature:4"]);
    }
}
