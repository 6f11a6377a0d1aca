//! Python's mutants, over the node kinds of tree-sitter-python: `comparison_operator`,
//! `binary_operator`, `boolean_operator`, `not_operator`, conditions, `return`, calls.

use super::ops;
use super::sink::Sink;
use super::walk::{Rules, named_children};
use crate::audit::Operator;
use tree_sitter::Node;

pub(crate) struct Python;

/// What `+`, `*` and `%` join, repeat or format rather than compute with.
const SEQUENCES: &[&str] = &[
    "string",
    "concatenated_string",
    "list",
    "tuple",
    "list_comprehension",
];

impl Rules for Python {
    fn skip(&self, node: Node, _: &Sink) -> bool {
        // An f-string's interpolations are code, but code inside a string all the same.
        matches!(node.kind(), "comment" | "string" | "concatenated_string")
    }

    fn visit(&self, node: Node, sink: &mut Sink) {
        match node.kind() {
            "comparison_operator" => comparisons(node, sink),
            "binary_operator" | "boolean_operator" | "augmented_assignment" => {
                ops::binary(node, sink, &|n| {
                    ops::literal_chain(n, SEQUENCES, "binary_operator")
                })
            }
            "not_operator" => {
                if let Some(operand) = node.child_by_field_name("argument") {
                    ops::drop_negation(node, operand, sink);
                }
            }
            "true" | "false" => ops::flip(node, sink, "True", "False"),
            "if_statement" | "elif_clause" | "while_statement" => {
                if let Some(condition) = node.child_by_field_name("condition") {
                    ops::force(condition, sink, "True", "False");
                }
            }
            // `a if condition else b`: the grammar names no fields, the condition is second.
            "conditional_expression" => {
                if let [_, condition, _] = named_children(node).as_slice() {
                    ops::force(*condition, sink, "True", "False");
                }
            }
            "return_statement" => {
                if let Some(value) = named_children(node).first() {
                    sink.replace(*value, "None", Operator::ReturnDefault);
                }
            }
            "expression_statement" if is_call(node) => {
                // `pass` rather than nothing: the call may be the only statement of its block.
                sink.replace(node, "pass", Operator::StatementRemoved);
            }
            _ => {}
        }
    }
}

/// Each operator of a (possibly chained) comparison swapped on its own.
fn comparisons(node: Node, sink: &mut Sink) {
    let mut cursor = node.walk();
    let operators: Vec<Node> = node
        .children_by_field_name("operators", &mut cursor)
        .collect();
    for op in operators {
        let replacement = match op.kind() {
            "in" => "not in",
            "not in" => "in",
            "is" => "is not",
            "is not" => "is",
            other => match ops::comparison(other) {
                Some(r) => r,
                None => continue,
            },
        };
        sink.replace(op, replacement, Operator::Comparison);
        if let Some(moved) = ops::boundary(op.kind()) {
            sink.replace(op, moved, Operator::Comparison);
        }
    }
}

/// A statement that is only a call (or an awaited call): one whose removal is a change of
/// behaviour rather than a dangling value.
fn is_call(statement: Node) -> bool {
    match named_children(statement).as_slice() {
        [only] if only.kind() == "call" => true,
        [only] if only.kind() == "await" => named_children(*only)
            .first()
            .is_some_and(|c| c.kind() == "call"),
        _ => false,
    }
}
