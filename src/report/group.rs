//! How human output groups items: a header per feature file (with its Feature name), then
//! one for the aspects; and the name an item is shown by under its header.

use super::style::Style;
use crate::desired::{Item, ItemKind};
use std::fmt::Write;

/// Writes `item`'s group header when it starts a new group; `current` tracks the last one.
pub fn header<'a>(out: &mut String, current: &mut Option<&'a str>, item: &'a Item, style: Style) {
    let group = match item.kind {
        ItemKind::Scenario(_) => item.file.as_str(),
        ItemKind::Aspect(_) => "aspects",
    };
    if *current == Some(group) {
        return;
    }
    if current.is_some() {
        out.push('\n');
    }
    let title = match &item.kind {
        ItemKind::Scenario(s) if !s.feature.is_empty() => {
            format!("{}  {}", style.bold(&item.file), style.dim(&s.feature))
        }
        ItemKind::Scenario(_) => style.bold(&item.file),
        ItemKind::Aspect(_) => style.bold("Aspects"),
    };
    let _ = writeln!(out, "{title}");
    *current = Some(group);
}

/// A scenario by its id's tail, which carries the ` #2` that tells repeated Outline rows
/// apart; an aspect by its name.
pub fn name(item: &Item) -> &str {
    match item.kind {
        ItemKind::Scenario(_) => item
            .id
            .split_once("::")
            .map_or(item.name.as_str(), |(_, n)| n),
        ItemKind::Aspect(_) => item.name.as_str(),
    }
}
