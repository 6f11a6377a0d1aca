//! The specctl.yaml that `init` writes: runners that give exact reports, one per base folder
//! where the runner needs it, each commented so that a person can read why.

use super::detect::{Detected, Found, Kind};
use std::collections::BTreeSet;

/// The folders to list under `specs:`: the runners' base folders, and the folders of feature
/// files no runner claims.
fn spec_folders(d: &Detected) -> Vec<String> {
    let mut folders: BTreeSet<String> = BTreeSet::new();
    for runner in &d.runners {
        for file in &runner.features {
            folders.insert(top_folder(file, &runner.base));
        }
    }
    for file in &d.unclaimed {
        folders.insert(top_folder(file, ""));
    }
    crate::desired::shallowest(folders)
}

/// The folders a runner's `paths:` name: its base, or for a runner of the whole project
/// (pytest-bdd, a root package.json) the folders of its own feature files, so that it does not
/// claim another runner's.
fn runner_folders(runner: &Found) -> Vec<String> {
    let folders: BTreeSet<String> = runner
        .features
        .iter()
        .map(|f| top_folder(f, &runner.base))
        .collect();
    crate::desired::shallowest(folders)
}

/// The folder to list for `file`: its runner's base, or the file's own folder.
fn top_folder(file: &str, base: &str) -> String {
    if !base.is_empty() {
        return base.to_string();
    }
    match file.rsplit_once('/') {
        Some((dir, _)) => dir.to_string(),
        None => ".".to_string(),
    }
}

/// A runner's name in specctl.yaml: `default` where it is the only one, else the kind and
/// its folder (`behave-issue-features`).
fn name_of(runner: &Found, alone: bool) -> String {
    if alone {
        return "default".into();
    }
    let folder: String = runner
        .base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let folder = folder
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if folder.is_empty() {
        runner.kind.as_str().to_string()
    } else {
        format!("{}-{folder}", runner.kind.as_str())
    }
}

/// The command, report format and comment lines for one runner.
fn command(runner: &Found) -> (String, &'static str, Vec<String>) {
    let cd = |cmd: String| {
        if runner.base.is_empty() {
            cmd
        } else {
            format!("cd {} && {cmd}", quote(&runner.base))
        }
    };
    match runner.kind {
        Kind::Behave => (
            "behave --no-color --show-skipped --format json --outfile {report} --format plain {features}".into(),
            "cucumber-json",
            vec![
                "behave's JSON gives every scenario's file and line; --show-skipped keeps the".into(),
                "scenarios it skips in the report (behave.ini may turn show_skipped off).".into(),
            ],
        ),
        Kind::PytestBdd => (
            "python -m pytest --cucumberjson={report}".into(),
            "cucumber-json",
            vec![
                "pytest's JUnit names test functions, not scenarios: pytest-bdd's Cucumber JSON".into(),
                "names the feature and line. Run it with the virtualenv that has pytest-bdd.".into(),
            ],
        ),
        Kind::CucumberJs => (
            cd(match runner.base.is_empty() {
                true => "node_modules/.bin/cucumber-js --format message:{report} {features}".into(),
                false => "node_modules/.bin/cucumber-js --format message:{report}".into(),
            }),
            "messages",
            vec!["Cucumber Messages name every pickle's file and line exactly.".into()],
        ),
        Kind::CucumberRs => (
            cd(format!(
                "cargo test --quiet {}",
                runner
                    .tests
                    .iter()
                    .map(|t| format!("--test {t}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
            "exit-code",
            vec![
                "The exit code proves all its scenarios at once. For a verdict per scenario, have".into(),
                "the harness tee cucumber's writer::JUnit to a file named by an environment".into(),
                "variable (`JUNIT={report} cargo test …`) and set `report: junit`.".into(),
            ],
        ),
        Kind::Godog => (
            cd("go test -count=1 ./...".into()),
            "exit-code",
            vec![
                "The exit code proves all its scenarios at once. For a verdict per scenario, bind".into(),
                "godog's flags (godog.BindCommandLineFlags) and run".into(),
                "`go test ./... -args --godog.format=cucumber:{report}` with `report: cucumber-json`.".into(),
            ],
        ),
    }
}

fn quote(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// A runner's `paths:`: a glob per folder of its files; but where such a glob would take in
/// another runner's file (nested base folders, a runner of the project root), its files one
/// by one, so that no file is claimed by two.
fn paths_of(runner: &Found, d: &Detected) -> Vec<String> {
    let folders = runner_folders(runner);
    let globs: Vec<String> = folders
        .iter()
        .filter(|f| *f != ".")
        .map(|f| format!("{}/**", glob_escape(f)))
        .collect();
    let others = d
        .runners
        .iter()
        .filter(|r| !std::ptr::eq(*r, runner))
        .flat_map(|r| &r.features);
    let overlaps = others.clone().any(|f| {
        globs.iter().any(|g| {
            globset::GlobBuilder::new(g)
                .literal_separator(true)
                .build()
                .is_ok_and(|g| g.compile_matcher().is_match(f))
        })
    });
    if folders.iter().any(|f| f == ".") || overlaps {
        return runner.features.iter().map(|f| glob_escape(f)).collect();
    }
    globs
}

/// A path as a glob that matches only itself: `[`, `*` and the like in brackets.
fn glob_escape(path: &str) -> String {
    path.chars()
        .map(|c| match c {
            '*' | '?' | '[' | ']' | '{' | '}' => format!("[{c}]"),
            c => c.to_string(),
        })
        .collect()
}

/// The whole file.
pub fn specctl_yaml(d: &Detected) -> String {
    let mut out = String::from(
        "# specctl.yaml, written by `specctl init` from what it found in this project.\n\
         # Every key is explained in specctl's README; `specctl list` shows what it reads.\n\n",
    );
    out.push_str("specs:\n");
    for folder in spec_folders(d) {
        // A folder whose name reads as a glob is given as one that matches only its files.
        let escaped = glob_escape(&folder);
        let entry = if escaped == folder {
            folder
        } else {
            format!("{escaped}/**")
        };
        out.push_str(&format!("  - {}\n", yaml_string(&entry)));
    }
    if d.runners.is_empty() {
        out.push_str(
            "\n# No runner was found, so nothing proves these scenarios yet (they are `undefined`).\n\
             # Name the command that runs them, for example:\n\
             # evidence:\n\
             #   default:\n\
             #     run: behave --show-skipped --format json --outfile {report} {features}\n\
             #     report: cucumber-json\n",
        );
        return out;
    }
    out.push_str("\nevidence:\n");
    let alone = d.runners.len() == 1;
    let mut explained: BTreeSet<Kind> = BTreeSet::new();
    let mut names: BTreeSet<String> = BTreeSet::new();
    for runner in &d.runners {
        let (run, report, comment) = command(runner);
        out.push_str(&format!(
            "  # {}: {}.\n",
            runner.kind.as_str(),
            runner.because
        ));
        // Why the command is what it is: said once per kind of runner.
        if explained.insert(runner.kind) {
            for line in comment {
                out.push_str(&format!("  # {line}\n"));
            }
        }
        let mut name = name_of(runner, alone);
        // `a b` and `a-b` make one name: the second gets a number.
        let stem = name.clone();
        let mut n = 1;
        while !names.insert(name.clone()) {
            n += 1;
            name = format!("{stem}-{n}");
        }
        out.push_str(&format!("  {name}:\n"));
        out.push_str(&format!("    run: {}\n", yaml_string(&run)));
        out.push_str(&format!("    report: {report}\n"));
        if !alone {
            let globs: Vec<String> = paths_of(runner, d).iter().map(|g| yaml_string(g)).collect();
            out.push_str(&format!("    paths: [{}]\n", globs.join(", ")));
        }
    }
    out
}

/// A YAML scalar: plain where nothing in it could mean more to YAML (letters, digits and
/// `_./-*`), else double-quoted, as JSON writes it.
fn yaml_string(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./-".contains(c))
        && !text.starts_with('-')
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "on" | "off"
        );
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn found(kind: Kind, base: &str, features: &[&str]) -> Found {
        Found {
            kind,
            base: base.into(),
            features: features.iter().map(|f| f.to_string()).collect(),
            because: "a reason".into(),
            tests: vec!["bdd".into()],
        }
    }

    #[test]
    fn one_runner_is_default_and_several_are_bound_by_paths() {
        let one = Detected {
            runners: vec![found(Kind::PytestBdd, "", &["tests/features/a.feature"])],
            ..Detected::default()
        };
        let yaml = specctl_yaml(&one);
        let config = Config::parse(&yaml).unwrap();
        assert_eq!(config.specs, ["tests/features"]);
        assert_eq!(
            config.evidence["default"].run,
            "python -m pytest --cucumberjson={report}"
        );
        assert!(config.evidence["default"].paths.is_empty());

        let two = Detected {
            runners: vec![
                found(
                    Kind::Behave,
                    "features",
                    &["features/a.feature", "features/x/b.feature"],
                ),
                found(
                    Kind::Behave,
                    "issue.features",
                    &["issue.features/c.feature"],
                ),
                found(Kind::CucumberJs, "web", &["web/features/d.feature"]),
                found(Kind::CucumberRs, "rs crate", &["rs crate/t/e.feature"]),
            ],
            unclaimed: vec!["docs/f.feature".into()],
            ..Detected::default()
        };
        let config = Config::parse(&specctl_yaml(&two)).unwrap();
        assert_eq!(
            config.specs,
            ["docs", "features", "issue.features", "rs crate", "web"]
        );
        let names: Vec<&str> = config.evidence.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "behave-features",
                "behave-issue-features",
                "cucumber-js-web",
                "cucumber-rs-rs-crate"
            ]
        );
        assert_eq!(
            config.evidence["behave-issue-features"].paths,
            ["issue.features/**"]
        );
        assert_eq!(
            config.evidence["cucumber-js-web"].run,
            "cd web && node_modules/.bin/cucumber-js --format message:{report}"
        );
        assert_eq!(
            config.evidence["cucumber-rs-rs-crate"].run,
            "cd 'rs crate' && cargo test --quiet --test bdd"
        );
        assert!(config.evidence["behave-features"].runs_behave());
    }

    #[test]
    fn odd_folder_names_nested_bases_and_a_root_runner_never_claim_a_file_twice() {
        let d = Detected {
            runners: vec![
                found(Kind::Behave, "features", &["features/a.feature"]),
                found(Kind::Behave, "features/sub", &["features/sub/b.feature"]),
                found(Kind::Behave, "a b", &["a b/c.feature"]),
                found(Kind::Behave, "a-b", &["a-b/d.feature"]),
                found(
                    Kind::Behave,
                    "[draft], null: #x",
                    &["[draft], null: #x/e.feature"],
                ),
                found(Kind::PytestBdd, "", &["top.feature", "tests/f.feature"]),
            ],
            ..Detected::default()
        };
        let yaml = specctl_yaml(&d);
        let config = Config::parse(&yaml).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
        assert_eq!(
            config.evidence["behave-features"].paths,
            ["features/a.feature"]
        );
        assert_eq!(
            config.evidence["behave-features-sub"].paths,
            ["features/sub/**"]
        );
        assert_eq!(config.evidence["behave-a-b-2"].paths, ["a-b/**"]);
        assert_eq!(
            config.evidence["pytest-bdd"].paths,
            ["top.feature", "tests/f.feature"]
        );
        assert_eq!(
            config.evidence["behave-draft-null-x"].paths,
            ["[[]draft[]], null: #x/**"]
        );
        let files = [
            "features/a.feature",
            "features/sub/b.feature",
            "a b/c.feature",
            "a-b/d.feature",
            "[draft], null: #x/e.feature",
            "top.feature",
            "tests/f.feature",
        ];
        for file in files {
            assert!(
                matches!(config.paths_claim(file), crate::config::PathsClaim::One(_)),
                "{file}: {:?}\n{yaml}",
                config.paths_claim(file)
            );
        }
        // A feature file at the root makes the root the one spec folder.
        assert_eq!(config.specs, ["."]);
        let odd = Detected {
            runners: vec![found(
                Kind::Behave,
                "[draft], null: #x",
                &["[draft], null: #x/e.feature"],
            )],
            ..Detected::default()
        };
        let config = Config::parse(&specctl_yaml(&odd)).unwrap();
        assert_eq!(config.specs, ["[[]draft[]], null: #x/**"]);
        let dir = tempfile::tempdir().unwrap();
        for file in ["[draft], null: #x/e.feature", "d/f.feature"] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "Feature: F\n  Scenario: S\n    Given x\n").unwrap();
        }
        let state = crate::desired::load(dir.path(), &config);
        let read: Vec<&str> = state.items.iter().map(|i| i.file.as_str()).collect();
        assert_eq!(read, ["[draft], null: #x/e.feature"]);
    }

    #[test]
    fn without_a_runner_the_specs_are_listed_and_the_evidence_shown_as_a_comment() {
        let d = Detected {
            unclaimed: vec!["a.feature".into(), "specs/b.feature".into()],
            ..Detected::default()
        };
        let yaml = specctl_yaml(&d);
        let config = Config::parse(&yaml).unwrap();
        assert_eq!(config.specs, ["."]);
        assert!(config.evidence.is_empty());
        assert!(yaml.contains("# No runner was found"));
    }
}
