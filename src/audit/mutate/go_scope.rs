//! Whether a Go mutant would leave a local variable unused: Go refuses to build such code,
//! so the mutant would prove nothing. A count of names, not a type checker.

use super::sink::Sink;
use super::walk::{descendants, named_children};
use std::collections::HashMap;
use tree_sitter::Node;

/// Whether replacing `replaced` removes the last use of a variable declared in the body of
/// `function`: the declaration and at least one other mention must remain outside it.
pub(crate) fn orphans_local(function: Node, replaced: Node, sink: &Sink) -> bool {
    let Some(body) = function.child_by_field_name("body") else {
        return false;
    };
    let inside = replaced.byte_range();
    let used: Vec<&str> = descendants(replaced)
        .filter(|n| n.kind() == "identifier")
        .map(|n| sink.text(n))
        .filter(|name| *name != "_")
        .collect();
    if used.is_empty() {
        return false;
    }
    let mut mentions: HashMap<&str, usize> = HashMap::new();
    let mut declared: Vec<&str> = Vec::new();
    for node in descendants(body) {
        match node.kind() {
            "identifier" if !inside.contains(&node.start_byte()) => {
                *mentions.entry(sink.text(node)).or_default() += 1;
            }
            "short_var_declaration" | "range_clause" => {
                if let Some(left) = node.child_by_field_name("left") {
                    declared.extend(named_children(left).into_iter().map(|n| sink.text(n)));
                }
            }
            "var_spec" => {
                let mut cursor = node.walk();
                let names = node.children_by_field_name("name", &mut cursor);
                declared.extend(names.map(|n| sink.text(n)));
            }
            _ => {}
        }
    }
    used.iter()
        .any(|name| declared.contains(name) && mentions.get(name).copied().unwrap_or(0) < 2)
}
