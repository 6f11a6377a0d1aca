//! Human output of `specctl list`: items grouped by feature file, each with file:line and the
//! evidence that proves it.

use super::style::Style;
use crate::desired::{Item, ItemKind};
use std::fmt::Write;

pub fn human(items: &[&Item], style: Style) -> String {
    let mut out = String::new();
    let mut current: Option<&str> = None;
    let (mut scenarios, mut aspects) = (0, 0);
    for item in items {
        let group = match item.kind {
            ItemKind::Scenario => item.file.as_str(),
            ItemKind::Aspect => "aspects",
        };
        if current != Some(group) {
            if current.is_some() {
                out.push('\n');
            }
            let title = match (&item.kind, &item.scenario) {
                (ItemKind::Scenario, Some(src)) if !src.feature.is_empty() => {
                    format!("{}  {}", style.bold(&item.file), style.dim(&src.feature))
                }
                (ItemKind::Scenario, _) => style.bold(&item.file),
                (ItemKind::Aspect, _) => style.bold("Aspects"),
            };
            let _ = writeln!(out, "{title}");
            current = Some(group);
        }
        match item.kind {
            ItemKind::Scenario => scenarios += 1,
            ItemKind::Aspect => aspects += 1,
        }
        let evidence = match &item.evidence {
            Some(e) => style.cyan(e),
            None => style.yellow("no evidence"),
        };
        let tags = if item.tags.is_empty() {
            String::new()
        } else {
            format!("  {}", style.dim(&item.tags.join(" ")))
        };
        // The id's tail carries the ` #2` that tells repeated Outline rows apart.
        let name = match item.kind {
            ItemKind::Scenario => item
                .id
                .split_once("::")
                .map_or(item.name.as_str(), |(_, n)| n),
            ItemKind::Aspect => item.name.as_str(),
        };
        let _ = writeln!(
            out,
            "  {}  {}  [{}]{}",
            style.dim(&format!("{}:{}", item.file, item.line)),
            name,
            evidence,
            tags
        );
    }
    if !items.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} {}: {} {}, {} {}",
        items.len(),
        plural(items.len(), "item", "items"),
        scenarios,
        plural(scenarios, "scenario", "scenarios"),
        aspects,
        plural(aspects, "aspect", "aspects")
    );
    out
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
