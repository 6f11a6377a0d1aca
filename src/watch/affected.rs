//! Which items a batch of changed files affects: a pure function of the paths, the
//! generations last observed, and the desired state now.

use crate::config::{self, Config};
use crate::desired::{Item, ItemKind};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The ids to observe again after `changed` (root-relative paths).
///
/// - an item that is new or whose generation changed (its spec or aspect text, or its
///   evidence binding) is observed again;
/// - a change to specctl.yaml re-observes everything;
/// - any other file re-observes the items whose evidence `inputs` match it, and every item
///   whose evidence declares no inputs (it may depend on anything).
pub fn affected<'o>(
    changed: &[String],
    observed: impl Fn(&str) -> Option<&'o str>,
    items: &[&Item],
    config: &Config,
) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let config_changed = changed.iter().any(|p| p == config::FILE_NAME);
    let others: Vec<&String> = changed
        .iter()
        .filter(|p| !is_desired_file(p) && *p != config::FILE_NAME)
        .collect();
    // Only when some other file changed: at 10,000 items the set costs more than the rest.
    let others = if others.is_empty() {
        others
    } else {
        let desired_files: HashSet<&str> = items.iter().map(|i| i.file.as_str()).collect();
        others
            .into_iter()
            .filter(|p| !desired_files.contains(p.as_str()))
            .collect()
    };
    let mut runner_inputs: HashMap<&str, Option<GlobSet>> = HashMap::new();
    for item in items {
        if config_changed || observed(&item.id) != Some(item.generation.as_str()) {
            ids.insert(item.id.clone());
            continue;
        }
        if others.is_empty() {
            continue;
        }
        let inputs = match &item.kind {
            ItemKind::Aspect(_) => globs(item.inputs(config)),
            // One glob set per runner, however many scenarios it proves.
            ItemKind::Scenario(s) => runner_inputs
                .entry(s.runner.as_deref().unwrap_or_default())
                .or_insert_with(|| globs(item.inputs(config)))
                .clone(),
        };
        let hit = match inputs {
            None => true,
            Some(set) => others.iter().any(|p| set.is_match(p.as_str())),
        };
        if hit {
            ids.insert(item.id.clone());
        }
    }
    ids
}

/// Spec and aspect files are desired state: their own items' generations say what changed.
fn is_desired_file(path: &str) -> bool {
    crate::desired::is_feature_name(path)
}

/// `None` when no inputs are declared.
fn globs(patterns: &[String]) -> Option<GlobSet> {
    if patterns.is_empty() {
        return None;
    }
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        if let Ok(glob) = Glob::new(p) {
            builder.add(glob);
        }
    }
    builder.build().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::item::fixture;

    fn scenario(id: &str, file: &str, generation: &str, runner: &str) -> Item {
        let mut item = fixture::scenario(id, file);
        item.generation = generation.into();
        fixture::scenario_mut(&mut item).runner = Some(runner.into());
        item
    }

    fn aspect(id: &str, inputs: &[&str]) -> Item {
        let mut item = fixture::aspect(id, "true");
        item.id = id.into();
        item.generation = "g".into();
        if let ItemKind::Aspect(a) = &mut item.kind {
            a.inputs = inputs.iter().map(|s| s.to_string()).collect();
        }
        item
    }

    fn ids(set: BTreeSet<String>) -> Vec<String> {
        set.into_iter().collect()
    }

    #[test]
    fn an_edited_spec_reobserves_only_its_changed_and_new_items() {
        let config =
            Config::parse("evidence:\n  default:\n    run: x\n    inputs: [\"src/**\"]\n").unwrap();
        let a = scenario("a", "specs/a.feature", "g2", "default");
        let b = scenario("b", "specs/a.feature", "g1", "default");
        let c = scenario("c", "specs/a.feature", "g1", "default");
        let observed = HashMap::from([("a", "g1"), ("b", "g1")]);
        let got = affected(
            &["specs/a.feature".into()],
            |id| observed.get(id).copied(),
            &[&a, &b, &c],
            &config,
        );
        assert_eq!(ids(got), ["a", "c"]);
    }

    #[test]
    fn other_files_reobserve_items_whose_inputs_match_or_who_declare_none() {
        let config = Config::parse("evidence:\n  default:\n    run: x\n    inputs: [\"src/**\"]\n  docs:\n    run: y\n    inputs: [\"docs/**\"]\n").unwrap();
        let s = scenario("s", "specs/a.feature", "g", "default");
        let d = scenario("d", "specs/a.feature", "g", "docs");
        let narrow = aspect("narrow", &["lib/**"]);
        let any = aspect("any", &[]);
        let observed: HashMap<&str, &str> = ["s", "d", "narrow", "any"]
            .into_iter()
            .map(|k| (k, "g"))
            .collect();
        let items = [&s, &d, &narrow, &any];
        assert_eq!(
            ids(affected(
                &["src/main.rs".into()],
                |id| observed.get(id).copied(),
                &items,
                &config
            )),
            ["any", "s"]
        );
        assert_eq!(
            ids(affected(
                &["lib/x.rs".into()],
                |id| observed.get(id).copied(),
                &items,
                &config
            )),
            ["any", "narrow"]
        );
        assert_eq!(
            ids(affected(
                &["specctl.yaml".into()],
                |id| observed.get(id).copied(),
                &items,
                &config
            )),
            ["any", "d", "narrow", "s"]
        );
    }
}
