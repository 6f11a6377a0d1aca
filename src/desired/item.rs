//! An item of desired state: one scenario (or Outline row) or one aspect, with the id, source
//! position, tags and generation that every later stage keys on.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::Duration;

/// One item. `id` is `<file>::<name>` for a scenario and `aspect:<name>` for an aspect; what
/// only one of the two has lives in its `kind`.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub file: String,
    pub line: usize,
    pub name: String,
    pub tags: Vec<String>,
    /// A hash of the item's own text and its evidence binding: a result observed under an
    /// older generation is stale.
    pub generation: String,
    pub kind: ItemKind,
}

/// What kind of item, with what that kind really has.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    Scenario(Scenario),
    Aspect(Aspect),
}

/// A scenario (or one Examples row of an Outline): its steps, its runner, and where it sits,
/// for grouping and for matching runners' reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub steps: Vec<Step>,
    /// The runner that proves it (its `@evidence:` tag, else `default` where one is defined);
    /// `None`: nothing does.
    pub runner: Option<String>,
    pub feature: String,
    pub rule: Option<String>,
    pub keyword: String,
    /// The line of the Scenario (Outline) itself; `Item::line` is the row's for an Outline row.
    pub scenario_line: usize,
    /// The Scenario's name as written, `<placeholders>` and all.
    pub scenario_name: String,
    /// For an Outline row: which Examples table (0-based) and which body row in it (0-based).
    pub example: Option<(usize, usize)>,
    /// For an Outline row: its Examples table's name (runners put it in their case names).
    pub examples_name: String,
    /// For an Outline row: the line of its `Examples:` keyword.
    pub examples_line: usize,
}

/// An aspect: the command that proves it and the body an agent reads when it fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aspect {
    pub command: String,
    pub timeout: Option<Duration>,
    pub inputs: Vec<String>,
    /// The Markdown after the frontmatter, handed to an agent when the evidence fails.
    pub body: String,
    pub body_line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub keyword: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_string: Option<DocString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_table: Option<Vec<Vec<String>>>,
    #[serde(skip)]
    pub line: usize,
    /// Context, action or outcome, with And/But resolved as pickles do: audit's rules read
    /// this, never the keyword's words, so every Gherkin language is judged alike.
    #[serde(skip, default = "unknown")]
    pub kind: crate::desired::gherkin::KeywordType,
}

/// A step read back from a JSON document knows its words, not its type.
fn unknown() -> crate::desired::gherkin::KeywordType {
    crate::desired::gherkin::KeywordType::Unknown
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocString {
    pub content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

impl Item {
    pub fn scenario(&self) -> Option<&Scenario> {
        match &self.kind {
            ItemKind::Scenario(s) => Some(s),
            ItemKind::Aspect(_) => None,
        }
    }

    pub fn aspect(&self) -> Option<&Aspect> {
        match &self.kind {
            ItemKind::Aspect(a) => Some(a),
            ItemKind::Scenario(_) => None,
        }
    }

    pub fn is_scenario(&self) -> bool {
        self.scenario().is_some()
    }

    /// The runner that proves a scenario; `None` for an aspect or an unproven scenario.
    pub fn runner(&self) -> Option<&str> {
        self.scenario().and_then(|s| s.runner.as_deref())
    }

    /// The evidence `inputs` of the item: an aspect's own, a scenario's runner's (none where
    /// nothing proves it). Empty: the evidence declares none, so it may depend on anything.
    pub fn inputs<'a>(&'a self, config: &'a crate::config::Config) -> &'a [String] {
        match &self.kind {
            ItemKind::Aspect(a) => &a.inputs,
            ItemKind::Scenario(s) => s
                .runner
                .as_deref()
                .and_then(|r| config.evidence.get(r))
                .map(|r| r.inputs.as_slice())
                .unwrap_or_default(),
        }
    }

    /// What proves the item, as people read it: a scenario's runner name, an aspect's command.
    pub fn evidence(&self) -> Option<&str> {
        match &self.kind {
            ItemKind::Scenario(s) => s.runner.as_deref(),
            ItemKind::Aspect(a) => Some(&a.command),
        }
    }
}

impl ItemKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            ItemKind::Scenario(_) => "scenario",
            ItemKind::Aspect(_) => "aspect",
        }
    }
}

/// The item as the JSON documents show it (`list`, `check`, `status`, `watch`).
#[derive(Serialize)]
struct Shown<'a> {
    id: &'a str,
    kind: &'static str,
    file: &'a str,
    line: usize,
    name: &'a str,
    tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    steps: Option<&'a [Step]>,
    evidence: Option<&'a str>,
    generation: &'a str,
    /// A scenario's Feature name, which human output heads its file's group with.
    #[serde(skip_serializing_if = "Option::is_none")]
    feature: Option<&'a str>,
}

impl Serialize for Item {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Shown {
            id: &self.id,
            kind: self.kind.as_str(),
            file: &self.file,
            line: self.line,
            name: &self.name,
            tags: &self.tags,
            steps: self.scenario().map(|s| s.steps.as_slice()),
            evidence: self.evidence(),
            generation: &self.generation,
            feature: self.scenario().map(|s| s.feature.as_str()),
        }
        .serialize(serializer)
    }
}

/// The item as a JSON document shows it, read back (`specctl merge`).
#[derive(Deserialize)]
struct Read {
    id: String,
    kind: String,
    file: String,
    line: usize,
    name: String,
    tags: Vec<String>,
    #[serde(default)]
    steps: Vec<Step>,
    evidence: Option<String>,
    generation: String,
    #[serde(default)]
    feature: String,
}

/// An item read back from a document has what the document shows: enough to render it in
/// every format again, not to run its evidence (an aspect's timeout and inputs are not shown).
impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let read = Read::deserialize(deserializer)?;
        let kind = match read.kind.as_str() {
            "scenario" => ItemKind::Scenario(Scenario {
                steps: read.steps,
                runner: read.evidence,
                feature: read.feature,
                rule: None,
                keyword: String::new(),
                scenario_line: read.line,
                scenario_name: read.name.clone(),
                example: None,
                examples_name: String::new(),
                examples_line: 0,
            }),
            "aspect" => ItemKind::Aspect(Aspect {
                command: read.evidence.unwrap_or_default(),
                timeout: None,
                inputs: vec![],
                body: String::new(),
                body_line: 0,
            }),
            other => {
                return Err(serde::de::Error::unknown_variant(
                    other,
                    &["scenario", "aspect"],
                ));
            }
        };
        Ok(Item {
            id: read.id,
            file: read.file,
            line: read.line,
            name: read.name,
            tags: read.tags,
            generation: read.generation,
            kind,
        })
    }
}

/// Items made for unit tests elsewhere: every field a plain default, changed where it matters.
#[cfg(test)]
pub(crate) mod fixture {
    use super::*;

    pub(crate) fn scenario(id: &str, file: &str) -> Item {
        let name = id.rsplit("::").next().unwrap_or(id).to_string();
        Item {
            id: id.into(),
            file: file.into(),
            line: 1,
            name: name.clone(),
            tags: vec![],
            generation: String::new(),
            kind: ItemKind::Scenario(Scenario {
                steps: vec![],
                runner: None,
                feature: String::new(),
                rule: None,
                keyword: "Scenario".into(),
                scenario_line: 1,
                scenario_name: name,
                example: None,
                examples_name: String::new(),
                examples_line: 0,
            }),
        }
    }

    pub(crate) fn aspect(name: &str, command: &str) -> Item {
        Item {
            id: format!("aspect:{name}"),
            file: format!("aspects/{name}.md"),
            line: 2,
            name: name.into(),
            tags: vec![],
            generation: String::new(),
            kind: ItemKind::Aspect(Aspect {
                command: command.into(),
                timeout: None,
                inputs: vec![],
                body: String::new(),
                body_line: 5,
            }),
        }
    }

    /// The items of one feature file's text, read as the loader reads it (no runners bound);
    /// panics on any error, as a test's own text has none.
    pub(crate) fn spec(file: &str, text: &str) -> Vec<Item> {
        let config = crate::config::Config::default();
        let flavor = crate::desired::Flavor::for_file(file);
        let (items, errors) = crate::desired::spec::parse(file, text, &config, flavor);
        assert!(errors.is_empty(), "{file} does not read: {errors:?}");
        items
    }

    pub(crate) fn scenario_mut(item: &mut Item) -> &mut Scenario {
        match &mut item.kind {
            ItemKind::Scenario(s) => s,
            ItemKind::Aspect(_) => panic!("not a scenario"),
        }
    }
}

/// A short, stable hash of the parts that define an item.
pub(crate) fn generation<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut g = Generation::default();
    for part in parts {
        g.part(part);
    }
    g.finish()
}

/// Builds a generation part by part, without gathering the parts first.
#[derive(Default)]
pub(crate) struct Generation(Sha256);

impl Generation {
    pub fn part(&mut self, part: &str) -> &mut Self {
        // Length-prefixing keeps ("ab","c") and ("a","bc") apart.
        self.0.update((part.len() as u64).to_le_bytes());
        self.0.update(part.as_bytes());
        self
    }

    pub fn finish(self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let digest = self.0.finalize();
        let mut out = String::with_capacity(16);
        for b in &digest[..8] {
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
        out
    }
}

/// Gives the 2nd, 3rd… item of one file that shares an id the suffix ` #2`, ` #3`…
pub(crate) fn disambiguate_ids(items: &mut [Item]) {
    // Counted on borrowed ids first, renamed after: no id is copied to be counted.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let repeats: Vec<(usize, usize)> = items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| {
            let count = seen.entry(item.id.as_str()).or_insert(0);
            *count += 1;
            (*count > 1).then_some((index, *count))
        })
        .collect();
    for (index, count) in repeats {
        let item = &mut items[index];
        item.id = format!("{} #{}", item.id, count);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str) -> Item {
        fixture::scenario(id, "f")
    }

    #[test]
    fn an_item_read_back_from_its_json_shows_the_same() {
        let text = "@shop\nFeature: Shop\n  Scenario: Buy\n    Given a shop with:\n      | fruit |\n      | apple |\n    Then I pay\n      \"\"\"\n      5\n      \"\"\"\n";
        let mut items = fixture::spec("specs/shop.feature", text);
        items.push(fixture::aspect("pure", "evidence/pure.sh"));
        for item in items {
            let shown = serde_json::to_value(&item).unwrap();
            let read: Item = serde_json::from_value(shown.clone()).unwrap();
            assert_eq!(serde_json::to_value(&read).unwrap(), shown);
            assert_eq!((read.id.as_str(), read.line), (item.id.as_str(), item.line));
        }
        let shown = serde_json::json!({"id": "x", "kind": "rule", "file": "f", "line": 1,
            "name": "x", "tags": [], "evidence": null, "generation": "g"});
        let err = serde_json::from_value::<Item>(shown).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown variant `rule`, expected `scenario` or `aspect`"
        );
    }

    #[test]
    fn repeated_ids_get_numbered_suffixes_in_file_order() {
        let mut items = vec![item("f::a"), item("f::b"), item("f::a"), item("f::a")];
        disambiguate_ids(&mut items);
        let ids: Vec<_> = items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["f::a", "f::b", "f::a #2", "f::a #3"]);
    }

    #[test]
    fn generation_changes_with_any_part_and_only_then() {
        let a = generation(["x", "y"]);
        assert_eq!(a, generation(["x", "y"]));
        assert_eq!(a.len(), 16);
        assert_ne!(a, generation(["x", "z"]));
        assert_ne!(generation(["ab", "c"]), generation(["a", "bc"]));
    }
}
