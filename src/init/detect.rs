//! Which runners a project already uses, and which feature files each one runs, from the
//! project's own files: a plain function over the file list and a reader, tested on data.

/// The runners `init` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Behave,
    CucumberJs,
    CucumberRs,
    Godog,
    PytestBdd,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Behave => "behave",
            Kind::CucumberJs => "cucumber-js",
            Kind::CucumberRs => "cucumber-rs",
            Kind::Godog => "godog",
            Kind::PytestBdd => "pytest-bdd",
        }
    }
}

/// One runner found, where it runs from and what it proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: Kind,
    /// behave's base folder (the one with `steps/`); the folder of package.json, Cargo.toml
    /// or go.mod; `""` for the project root.
    pub base: String,
    /// The feature files it runs, root-relative.
    pub features: Vec<String>,
    /// What gave it away, as a person reads it.
    pub because: String,
    /// cucumber-rs: the `harness = false` test targets.
    pub tests: Vec<String>,
}

/// What `init` found in a project.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Detected {
    pub features: Vec<String>,
    pub runners: Vec<Found>,
    /// Feature files no runner claims.
    pub unclaimed: Vec<String>,
    pub warnings: Vec<String>,
}

/// What was looked for, for the message that says nothing was found.
pub const LOOKED_FOR: &str = "behave (a `steps/` folder of Python that imports behave, beside \
the .feature files), pytest-bdd (test modules that import pytest_bdd), cucumber-js \
(`@cucumber/cucumber` in a package.json), cucumber-rs (`cucumber` in a Cargo.toml with a \
`harness = false` test) and godog (`github.com/cucumber/godog` in a go.mod)";

type Read<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// Finds the runners among `files` (root-relative, sorted), reading manifests with `read`.
pub fn detect(files: &[String], read: Read<'_>) -> Detected {
    let mut found = Detected {
        features: files
            .iter()
            .filter(|f| crate::desired::is_feature_name(f))
            .cloned()
            .collect(),
        ..Detected::default()
    };
    let mut unclaimed = found.features.clone();
    let mut warnings = Vec::new();
    let mut text = |file: &str| match read(file) {
        Ok(text) => Some(text),
        Err(why) => {
            warnings.push(format!(
                "cannot read {file}: {why}; a runner it would show was not looked for there"
            ));
            None
        }
    };
    let mut runners = behave(files, &mut unclaimed, &mut text);
    runners.extend(by_manifests(files, &mut unclaimed, &mut text));
    runners.extend(pytest_bdd(files, &mut unclaimed, &mut text));
    found.runners = runners;
    found.unclaimed = unclaimed;
    found.warnings = warnings;
    if let Some(w) = pytest_bdd_collisions(&found.runners) {
        found.warnings.push(w);
    }
    found
}

fn folder_of(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn under(file: &str, folder: &str) -> bool {
    folder.is_empty()
        || file
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Takes the unclaimed feature files under `folder`.
fn claim(unclaimed: &mut Vec<String>, folder: &str) -> Vec<String> {
    let (mine, rest): (Vec<String>, Vec<String>) =
        unclaimed.drain(..).partition(|f| under(f, folder));
    *unclaimed = rest;
    mine
}

/// behave's base folders: each holds a `steps/` folder of Python that imports behave and
/// feature files. A feature file belongs to the deepest base above it, as behave finds it.
fn behave(
    files: &[String],
    unclaimed: &mut Vec<String>,
    text: &mut dyn FnMut(&str) -> Option<String>,
) -> Vec<Found> {
    let mut bases: Vec<String> = Vec::new();
    for file in files {
        let Some((dir, name)) = file.rsplit_once('/') else {
            continue;
        };
        let Some(base) = dir.strip_suffix("steps").map(|b| b.trim_end_matches('/')) else {
            continue;
        };
        if !(dir == "steps" || dir.ends_with("/steps")) || !name.ends_with(".py") {
            continue;
        }
        if bases.last().is_some_and(|b| b == base) {
            continue;
        }
        if text(file).is_some_and(|t| t.contains("behave")) {
            bases.push(base.to_string());
        }
    }
    bases.dedup();
    // Deepest first, so a nested base claims its own files before the one above it.
    bases.sort_by_key(|b| std::cmp::Reverse(b.matches('/').count() + usize::from(!b.is_empty())));
    let mut found: Vec<Found> = bases
        .into_iter()
        .filter_map(|base| {
            let features = claim(unclaimed, &base);
            if features.is_empty() {
                return None;
            }
            let joined = |f: &str| {
                if base.is_empty() {
                    f.to_string()
                } else {
                    format!("{base}/{f}")
                }
            };
            let mut because = format!("{} imports behave", joined("steps/"));
            if files.contains(&joined("environment.py")) {
                because.push_str(&format!(", beside {}", joined("environment.py")));
            }
            Some(Found {
                kind: Kind::Behave,
                base,
                features,
                because,
                tests: Vec::new(),
            })
        })
        .collect();
    found.sort_by(|a, b| a.base.cmp(&b.base));
    found
}

/// The manifests that name a runner, and what each says.
const MANIFESTS: [(Kind, &str, &str); 3] = [
    (Kind::CucumberJs, "package.json", "@cucumber/cucumber"),
    (Kind::CucumberRs, "Cargo.toml", "cucumber"),
    (Kind::Godog, "go.mod", "github.com/cucumber/godog"),
];

/// Runners known by a manifest (package.json, Cargo.toml, go.mod) naming them: each runs
/// the unclaimed feature files under its manifest's folder, the deepest manifest first.
fn by_manifests(
    files: &[String],
    unclaimed: &mut Vec<String>,
    text: &mut dyn FnMut(&str) -> Option<String>,
) -> Vec<Found> {
    let mut candidates: Vec<(Kind, &str, &String, Vec<String>)> = Vec::new();
    for file in files {
        let name = file.rsplit('/').next().unwrap_or(file);
        let Some(&(kind, _, says)) = MANIFESTS.iter().find(|(_, m, _)| *m == name) else {
            continue;
        };
        let Some(content) = text(file) else { continue };
        let tests = match kind {
            Kind::CucumberRs => cucumber_rs_tests(&content),
            _ => Vec::new(),
        };
        let names_it = match kind {
            Kind::CucumberRs => !tests.is_empty(),
            _ => content.contains(says),
        };
        if names_it {
            candidates.push((kind, says, file, tests));
        }
    }
    candidates.sort_by_key(|(_, _, file, _)| std::cmp::Reverse(file.matches('/').count()));
    let mut found: Vec<Found> = candidates
        .into_iter()
        .filter_map(|(kind, says, file, tests)| {
            let base = folder_of(file).to_string();
            let features = claim(unclaimed, &base);
            if features.is_empty() {
                return None;
            }
            let because = match kind {
                Kind::CucumberRs => format!(
                    "{file} depends on cucumber and has a `harness = false` test ({})",
                    tests.join(", ")
                ),
                _ => format!("{file} names {says}"),
            };
            Some(Found {
                kind,
                base,
                features,
                because,
                tests,
            })
        })
        .collect();
    found.sort_by(|a, b| (a.kind, &a.base).cmp(&(b.kind, &b.base)));
    found
}

/// The `[[test]]` targets with `harness = false` of a Cargo.toml that depends on cucumber.
fn cucumber_rs_tests(toml: &str) -> Vec<String> {
    let depends = toml.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("cucumber ") || l.starts_with("cucumber=")
    });
    if !depends {
        return Vec::new();
    }
    let mut tests = Vec::new();
    for block in toml.split("[[test]]").skip(1) {
        let block = block.split("\n[").next().unwrap_or(block);
        let value = |key: &str| {
            block.lines().find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
            })
        };
        if value("harness").as_deref() == Some("false")
            && let Some(name) = value("name")
        {
            tests.push(name);
        }
    }
    tests
}

/// pytest-bdd: test modules that import it; it runs the project's remaining feature files.
fn pytest_bdd(
    files: &[String],
    unclaimed: &mut Vec<String>,
    text: &mut dyn FnMut(&str) -> Option<String>,
) -> Vec<Found> {
    let module = files.iter().find(|f| {
        let name = f.rsplit('/').next().unwrap_or(f);
        let test_module = name.ends_with(".py")
            && (name.starts_with("test_") || name.ends_with("_test.py") || name == "conftest.py");
        test_module && text(f).is_some_and(|t| t.contains("pytest_bdd"))
    });
    let Some(module) = module else {
        return Vec::new();
    };
    let features = claim(unclaimed, "");
    if features.is_empty() {
        return Vec::new();
    }
    vec![Found {
        kind: Kind::PytestBdd,
        base: String::new(),
        features,
        because: format!("{module} imports pytest_bdd"),
        tests: Vec::new(),
    }]
}

/// pytest-bdd reports a feature file as `<its folder's name>/<its name>`: two files that
/// share both cannot be told apart in its report.
fn pytest_bdd_collisions(runners: &[Found]) -> Option<String> {
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for runner in runners.iter().filter(|r| r.kind == Kind::PytestBdd) {
        for file in &runner.features {
            let mut parts = file.rsplit('/');
            let name = parts.next().unwrap_or_default();
            let key = format!("{}/{name}", parts.next().unwrap_or_default());
            if let Some(first) = seen.insert(key.clone(), file) {
                return Some(format!(
                    "pytest-bdd reports both {first} and {file} as `{key}`: specctl will say `error` for their scenarios until one is renamed"
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn detected(files: &[(&str, &str)]) -> Detected {
        let texts: HashMap<String, String> = files
            .iter()
            .map(|(f, t)| ((*f).to_string(), (*t).to_string()))
            .collect();
        let mut names: Vec<String> = texts.keys().cloned().collect();
        names.sort();
        let read = |f: &str| {
            texts
                .get(f)
                .cloned()
                .filter(|t| t != "UNREADABLE")
                .ok_or_else(|| "permission denied".to_string())
        };
        detect(&names, &read)
    }

    fn summary(d: &Detected) -> Vec<(Kind, String, usize)> {
        d.runners
            .iter()
            .map(|r| (r.kind, r.base.clone(), r.features.len()))
            .collect()
    }

    #[test]
    fn behave_base_folders_each_with_their_steps() {
        let d = detected(&[
            ("features/a.feature", ""),
            ("features/sub/b.feature", ""),
            ("features/steps/s.py", "from behave import given"),
            ("features/environment.py", ""),
            ("issue.features/c.feature", ""),
            ("issue.features/steps/s.py", "import behave"),
            ("examples/x/features/d.feature", ""),
            ("examples/x/features/steps/s.py", "from behave import *"),
            ("docs/e.feature", ""),
        ]);
        assert_eq!(
            summary(&d),
            [
                (Kind::Behave, "examples/x/features".into(), 1),
                (Kind::Behave, "features".into(), 2),
                (Kind::Behave, "issue.features".into(), 1),
            ]
        );
        assert_eq!(
            d.runners[1].because,
            "features/steps/ imports behave, beside features/environment.py"
        );
        assert_eq!(d.unclaimed, ["docs/e.feature"]);
    }

    #[test]
    fn pytest_bdd_cucumber_js_cucumber_rs_and_godog_by_their_files() {
        let d = detected(&[
            ("tests/features/a.feature", ""),
            (
                "tests/step_defs/test_a.py",
                "from pytest_bdd import scenarios",
            ),
            (
                "web/package.json",
                "{\"devDependencies\": {\"@cucumber/cucumber\": \"12.9.0\"}}",
            ),
            ("web/features/b.feature", ""),
            (
                "rs/Cargo.toml",
                "[dev-dependencies]\ncucumber = \"0.23\"\n\n[[test]]\nname = \"bdd\"\nharness = false\n",
            ),
            ("rs/tests/features/c.feature", ""),
            ("go/go.mod", "require github.com/cucumber/godog v0.15.0\n"),
            ("go/features/d.feature", ""),
        ]);
        assert_eq!(
            summary(&d),
            [
                (Kind::CucumberJs, "web".into(), 1),
                (Kind::CucumberRs, "rs".into(), 1),
                (Kind::Godog, "go".into(), 1),
                (Kind::PytestBdd, "".into(), 1),
            ]
        );
        assert_eq!(d.runners[1].tests, ["bdd"]);
        assert_eq!(
            d.runners[3].because,
            "tests/step_defs/test_a.py imports pytest_bdd"
        );
        assert_eq!(d.unclaimed, Vec::<String>::new());
    }

    #[test]
    fn only_feature_files_unreadable_manifests_and_colliding_paths_are_said() {
        let d = detected(&[("specs/a.feature", ""), ("package.json", "UNREADABLE")]);
        assert_eq!(d.runners, vec![]);
        assert_eq!(d.unclaimed, ["specs/a.feature"]);
        assert_eq!(
            d.warnings,
            [
                "cannot read package.json: permission denied; a runner it would show was not looked for there"
            ]
        );
        let d = detected(&[
            ("a/features/login.feature", ""),
            ("b/features/login.feature", ""),
            ("a/test_login.py", "import pytest_bdd"),
        ]);
        assert_eq!(
            d.warnings,
            [
                "pytest-bdd reports both a/features/login.feature and b/features/login.feature as `features/login.feature`: specctl will say `error` for their scenarios until one is renamed"
            ]
        );
        // A Cargo.toml without a harness-less test is no cucumber-rs project.
        let d = detected(&[
            ("Cargo.toml", "[dependencies]\ncucumber = \"0.23\"\n"),
            ("f/a.feature", ""),
        ]);
        assert_eq!(d.runners, vec![]);
    }
}
