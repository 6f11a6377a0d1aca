//! The default value of a Rust return type, where the type's name alone tells it has one:
//! numbers, `bool`, `char`, `String`, the std collections, `Option`, `Result` of those.

use super::sink::Sink;
use super::walk::named_children;
use tree_sitter::Node;

/// Types that implement `Default` whatever their parameters.
const COLLECTIONS: &[&str] = &[
    "Vec",
    "VecDeque",
    "HashMap",
    "HashSet",
    "BTreeMap",
    "BTreeSet",
    "BinaryHeap",
    "String",
];

/// Return values that already are a default: replacing them would change nothing.
const DEFAULTS: &[&str] = &[
    "0",
    "0.0",
    "false",
    "None",
    "()",
    "String::new()",
    "Vec::new()",
    "vec![]",
    "Default::default()",
];

/// The replacement for a value of `ty`: `None` for an `Option`, `Ok(…)` of the default for a
/// `Result`, `Default::default()` for the rest; nothing for a type not known to have one
/// (references, `impl Trait`, `Self`, generic parameters, user types, `()`).
pub(crate) fn default_for(ty: Node, sink: &Sink) -> Option<&'static str> {
    match ty.kind() {
        "generic_type" => generic_default(ty, sink),
        _ if has_default(ty, sink, 0) => Some("Default::default()"),
        _ => None,
    }
}

/// Whether a return value's text is already its type's default.
pub(crate) fn is_default(text: &str) -> bool {
    let text = text.trim();
    let inner = text
        .strip_prefix("Ok(")
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(text);
    DEFAULTS.contains(&inner.trim())
}

fn generic_default(ty: Node, sink: &Sink) -> Option<&'static str> {
    let name = last_segment(sink.text(ty.child_by_field_name("type")?));
    match name {
        "Option" => Some("None"),
        "Result" => {
            let arguments = ty.child_by_field_name("type_arguments")?;
            let ok = *named_children(arguments).first()?;
            match ok.kind() {
                "unit_type" => Some("Ok(())"),
                _ if has_default(ok, sink, 0) => Some("Ok(Default::default())"),
                _ => None,
            }
        }
        _ if COLLECTIONS.contains(&name) => Some("Default::default()"),
        _ => None,
    }
}

fn has_default(ty: Node, sink: &Sink, depth: usize) -> bool {
    match ty.kind() {
        "primitive_type" => sink.text(ty) != "str",
        "type_identifier" => COLLECTIONS.contains(&sink.text(ty)),
        "generic_type" => ty
            .child_by_field_name("type")
            .map(|t| last_segment(sink.text(t)))
            .is_some_and(|name| name == "Option" || COLLECTIONS.contains(&name)),
        // Tuples of defaults are defaults; the depth bound keeps odd input cheap.
        "tuple_type" if depth < 8 => named_children(ty)
            .into_iter()
            .all(|t| has_default(t, sink, depth + 1)),
        _ => false,
    }
}

fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path).trim()
}
