//! The selected spec files as syntax trees, for the rules that read what items cannot
//! show: an Outline's placeholders and its Examples tables.

use crate::config::Config;
use crate::desired::Item;
use crate::desired::gherkin::{self, Document};
use std::collections::BTreeSet;
use std::path::Path;

/// Each spec file that holds a selected scenario, parsed in its flavor. A file that cannot
/// be read or parsed is left out: loading the items already reported it.
pub fn documents(root: &Path, config: &Config, items: &[&Item]) -> Vec<(String, Document)> {
    let files: BTreeSet<&str> = items
        .iter()
        .filter(|i| i.is_scenario())
        .map(|i| i.file.as_str())
        .collect();
    files
        .into_iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(root.join(file)).ok()?;
            let flavor = crate::desired::flavor_of(config, file);
            let document = gherkin::parse_with(&text, flavor).ok()?;
            Some((file.to_string(), document))
        })
        .collect()
}
