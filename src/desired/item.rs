//! An item of desired state: one scenario (or Outline row) or one aspect, with the id, source
//! position, tags and generation that every later stage keys on.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Scenario,
    Aspect,
}

/// One item. `id` is `<file>::<name>` for a scenario and `aspect:<name>` for an aspect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub id: String,
    pub kind: ItemKind,
    pub file: String,
    pub line: usize,
    pub name: String,
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<Step>>,
    /// The runner name for a scenario, the command for an aspect; absent when nothing proves it.
    pub evidence: Option<String>,
    /// A hash of the item's own text and its evidence binding: a result observed under an
    /// older generation is stale.
    pub generation: String,
    /// Where a scenario sits, for grouping and for matching runners' reports.
    #[serde(skip)]
    pub scenario: Option<ScenarioSource>,
    #[serde(skip)]
    pub aspect: Option<AspectSource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub keyword: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_string: Option<DocString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_table: Option<Vec<Vec<String>>>,
    #[serde(skip)]
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocString {
    pub content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioSource {
    pub feature: String,
    pub rule: Option<String>,
    pub keyword: String,
    /// The line of the Scenario (Outline) itself; `Item::line` is the row's for an Outline row.
    pub scenario_line: usize,
    /// The Scenario's name as written, `<placeholders>` and all.
    pub scenario_name: String,
    /// For an Outline row: which Examples table (0-based) and which body row in it (0-based).
    pub example: Option<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AspectSource {
    pub command: String,
    pub timeout: Option<Duration>,
    pub inputs: Vec<String>,
    /// The Markdown after the frontmatter, handed to an agent when the evidence fails.
    pub body: String,
    pub body_line: usize,
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
    let mut seen: HashMap<String, usize> = HashMap::new();
    for item in items.iter_mut() {
        let count = seen.entry(item.id.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            item.id = format!("{} #{}", item.id, count);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str) -> Item {
        Item {
            id: id.into(),
            kind: ItemKind::Scenario,
            file: "f".into(),
            line: 1,
            name: String::new(),
            tags: vec![],
            steps: None,
            evidence: None,
            generation: String::new(),
            scenario: None,
            aspect: None,
        }
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
