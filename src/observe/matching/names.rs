//! The names runners give a scenario in reports that say no line (JUnit): each runner's own
//! scheme, computed from the item, so a reported name is compared whole, never taken apart.

use crate::desired::Item;

/// behave's default `scenario_outline_annotation_schema`.
pub const BEHAVE_SCHEMA: &str = "{name} -- @{row.id} {examples.name}";

/// What the names depend on beyond the item: behave's schema, which a project may set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Naming {
    pub behave_schema: String,
}

impl Default for Naming {
    fn default() -> Self {
        Naming {
            behave_schema: BEHAVE_SCHEMA.to_string(),
        }
    }
}

/// Every name a runner's JUnit may give the item, trailing spaces trimmed: the pickle name,
/// cucumber-js's (`Rule - Outline - Examples - #1.2: pickle`), behave's (its schema).
pub(crate) fn names_of(item: &Item, naming: &Naming) -> Vec<String> {
    let Some(s) = item.scenario() else {
        return Vec::new();
    };
    let mut names = vec![item.name.trim_end().to_string()];
    let mut push = |name: String| {
        let name = name.trim_end().to_string();
        if !names.contains(&name) {
            names.push(name);
        }
    };
    push(cucumber_js(item));
    if let Some((table, row)) = s.example
        && let Some(name) = behave_row(&naming.behave_schema, item, table + 1, row + 1)
    {
        push(name);
    }
    names
}

/// @cucumber/query's LONG naming, as cucumber-js's JUnit uses it: the non-empty names of the
/// Rule, the Scenario (or the pickle, where the Scenario has none), the Examples, and the
/// row number, joined by ` - `.
fn cucumber_js(item: &Item) -> String {
    let Some(s) = item.scenario() else {
        return String::new();
    };
    let mut parts: Vec<String> = Vec::new();
    parts.extend(s.rule.clone());
    parts.push(if s.scenario_name.is_empty() {
        item.name.clone()
    } else {
        s.scenario_name.clone()
    });
    if let Some((table, row)) = s.example {
        parts.push(s.examples_name.clone());
        let number = format!("#{}.{}", table + 1, row + 1);
        parts.push(if s.scenario_name == item.name {
            number
        } else {
            format!("{number}: {}", item.name)
        });
    }
    parts.retain(|p| !p.is_empty());
    parts.join(" - ")
}

/// A behave row name: the schema with `{name}`, `{examples.name}`, `{examples.index}`,
/// `{row.id}` and `{row.index}` filled in (1-based, as behave counts). `None` for a schema
/// with a field behave has but this does not know, so nothing is compared against a guess.
fn behave_row(schema: &str, item: &Item, table: usize, row: usize) -> Option<String> {
    let s = item.scenario()?;
    let mut out = String::new();
    let mut rest = schema;
    while let Some(open) = rest.find(['{', '}']) {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        if let Some(after) = tail.strip_prefix("{{") {
            out.push('{');
            rest = after;
            continue;
        }
        if let Some(after) = tail.strip_prefix("}}") {
            out.push('}');
            rest = after;
            continue;
        }
        // A lone `}` (`a}`) is no field: Python's format refuses it, so no name is made.
        if tail.starts_with('}') {
            return None;
        }
        let close = tail.find('}')?;
        let value = match &tail[1..close] {
            "name" => item.name.clone(),
            "examples.name" => s.examples_name.clone(),
            "examples.index" => table.to_string(),
            "row.id" => format!("{table}.{row}"),
            "row.index" => row.to_string(),
            _ => return None,
        };
        out.push_str(&value);
        rest = &tail[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// JUnit `classname`: the Feature name or, without one, the file (cucumber-js); or behave's
/// `<dotted path>.<Feature name>`, where the dotted path is the file's without its extension,
/// less the folder behave was given, and stands in for a missing Feature name too.
pub(crate) fn group_matches(item: &Item, group: &str) -> bool {
    let Some(s) = item.scenario() else {
        return false;
    };
    if (!s.feature.is_empty() && group == s.feature) || group == item.file {
        return true;
    }
    let stem = item.file.strip_suffix(".md").unwrap_or(&item.file);
    let stem = stem.rsplit_once('.').map_or(stem, |(stem, _)| stem);
    let dotted = stem.replace('/', ".");
    let fits = |path: &str| {
        dotted == path
            || dotted
                .strip_suffix(path)
                .is_some_and(|rest| rest.ends_with('.'))
    };
    if s.feature.is_empty() {
        // `<path>.<path>`: the same dotted path twice.
        let half = group.len().saturating_sub(1) / 2;
        return group.len() % 2 == 1
            && group.is_char_boundary(half)
            && group.as_bytes().get(half) == Some(&b'.')
            && group[..half] == group[half + 1..]
            && fits(&group[..half]);
    }
    group
        .strip_suffix(s.feature.as_str())
        .and_then(|p| p.strip_suffix('.'))
        .is_some_and(fits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::item::fixture;

    fn row(
        name: &str,
        written: &str,
        rule: Option<&str>,
        examples: &str,
        at: (usize, usize),
    ) -> Item {
        let mut item =
            fixture::scenario(&format!("specs/shop.feature::{name}"), "specs/shop.feature");
        item.name = name.into();
        let s = fixture::scenario_mut(&mut item);
        s.feature = "Shop".into();
        s.scenario_name = written.into();
        s.rule = rule.map(String::from);
        s.examples_name = examples.into();
        s.example = Some(at);
        item
    }

    #[test]
    fn cucumber_js_names_rows_unnamed_outlines_and_dashes_in_names() {
        let item = row(
            "Add 1 and 2",
            "Add <a> and <b>",
            Some("Sums"),
            "small",
            (0, 1),
        );
        assert_eq!(
            cucumber_js(&item),
            "Sums - Add <a> and <b> - small - #1.2: Add 1 and 2"
        );
        let unnamed = row("", "", None, "", (0, 0));
        assert_eq!(cucumber_js(&unnamed), "#1.1");
        let dashed = row(
            "callback - returning a promise",
            "callback - returning a promise",
            None,
            "",
            (0, 0),
        );
        assert_eq!(
            cucumber_js(&dashed),
            "callback - returning a promise - #1.1"
        );
    }

    #[test]
    fn behave_names_rows_by_its_schema_default_or_custom() {
        let item = row("Add 1 and 2", "Add <a> and <b>", None, "small", (1, 2));
        let default = Naming::default();
        assert!(names_of(&item, &default).contains(&"Add 1 and 2 -- @2.3 small".to_string()));
        let custom = Naming {
            behave_schema: "{name} -*- {examples.name} {row.id} {{x}}".into(),
        };
        assert!(names_of(&item, &custom).contains(&"Add 1 and 2 -*- small 2.3 {x}".to_string()));
        assert_eq!(behave_row("{name:>9}", &item, 1, 1), None);
        assert_eq!(behave_row("{name", &item, 1, 1), None);
        assert_eq!(behave_row("a}", &item, 1, 1), None);
        assert_eq!(behave_row("{name}}", &item, 1, 1), None);
        assert_eq!(behave_row("}", &item, 1, 1), None);
    }

    #[test]
    fn classnames_of_cucumber_js_and_behave_with_and_without_a_feature_name() {
        let mut item = row("A", "A", None, "", (0, 0));
        assert!(group_matches(&item, "Shop"));
        assert!(group_matches(&item, "shop.Shop"));
        assert!(group_matches(&item, "specs.shop.Shop"));
        assert!(!group_matches(&item, "hop.Shop"));
        assert!(!group_matches(&item, "Other"));
        fixture::scenario_mut(&mut item).feature = String::new();
        assert!(group_matches(&item, "shop.shop"));
        assert!(group_matches(&item, "specs/shop.feature"));
        assert!(!group_matches(&item, "noname.noname"));
        assert!(!group_matches(&item, "shop.Shop"));
    }
}
