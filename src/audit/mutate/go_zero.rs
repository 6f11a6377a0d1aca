//! The zero values of a Go function's results, where the result types are simple enough to
//! name one: numbers, `string`, `bool`, and the nil-able kinds (error, pointer, slice, map…).

use super::sink::Sink;
use super::walk::named_children;
use tree_sitter::Node;

const NUMBERS: &[&str] = &[
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
    "byte",
    "rune",
    "float32",
    "float64",
    "complex64",
    "complex128",
];

/// The zero value of each result of a function, in order; `None` where any is not known
/// (a named or generic type, a struct, an array) or the function returns nothing.
pub(crate) fn zeros(function: Node, sink: &Sink) -> Option<Vec<&'static str>> {
    let result = function.child_by_field_name("result")?;
    if result.kind() != "parameter_list" {
        return Some(vec![zero(result, sink)?]);
    }
    let mut zeros = Vec::new();
    for declaration in named_children(result) {
        let ty = declaration.child_by_field_name("type")?;
        let mut cursor = declaration.walk();
        // `(a, b int)` declares two results of one type.
        let names = declaration
            .children_by_field_name("name", &mut cursor)
            .count()
            .max(1);
        let zero = zero(ty, sink)?;
        zeros.extend(std::iter::repeat_n(zero, names));
    }
    (!zeros.is_empty()).then_some(zeros)
}

fn zero(ty: Node, sink: &Sink) -> Option<&'static str> {
    match ty.kind() {
        "type_identifier" => match sink.text(ty) {
            "string" => Some("\"\""),
            "bool" => Some("false"),
            "error" | "any" => Some("nil"),
            name if NUMBERS.contains(&name) => Some("0"),
            _ => None,
        },
        "pointer_type" | "slice_type" | "map_type" | "channel_type" | "function_type"
        | "interface_type" => Some("nil"),
        "parenthesized_type" => zero(*named_children(ty).first()?, sink),
        _ => None,
    }
}
