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
        super::group::header(&mut out, &mut current, item, style);
        match item.kind {
            ItemKind::Scenario(_) => scenarios += 1,
            ItemKind::Aspect(_) => aspects += 1,
        }
        let evidence = match item.evidence() {
            Some(e) => style.cyan(e),
            None => style.yellow("no evidence"),
        };
        let tags = if item.tags.is_empty() {
            String::new()
        } else {
            format!("  {}", style.dim(&item.tags.join(" ")))
        };
        // The id's tail carries the ` #2` that tells repeated Outline rows apart.
        let name = super::group::name(item);
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
