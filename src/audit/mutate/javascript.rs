//! JavaScript's and TypeScript's mutants (the TypeScript and TSX grammars extend the
//! JavaScript one and share its expression kinds): operators, conditions, returns, calls.

use super::ops;
use super::sink::Sink;
use super::walk::{Rules, named_children};
use crate::audit::Operator;
use tree_sitter::Node;

pub(crate) struct JavaScript;

const STRINGS: &[&str] = &["string", "template_string"];

impl Rules for JavaScript {
    fn skip(&self, node: Node, _: &Sink) -> bool {
        // A template's `${…}` is code, but code inside a string all the same.
        matches!(
            node.kind(),
            "comment" | "html_comment" | "string" | "template_string" | "regex"
        )
    }

    fn visit(&self, node: Node, sink: &mut Sink) {
        match node.kind() {
            "binary_expression" | "augmented_assignment_expression" => {
                ops::binary(node, sink, &|n| {
                    ops::literal_chain(n, STRINGS, "binary_expression")
                })
            }
            "unary_expression" => negation(node, sink),
            "true" | "false" => ops::flip(node, sink, "true", "false"),
            "if_statement" | "while_statement" | "do_statement" => {
                if let Some(condition) = node.child_by_field_name("condition") {
                    ops::force(ops::inside_parens(condition), sink, "true", "false");
                }
            }
            "ternary_expression" => {
                if let Some(condition) = node.child_by_field_name("condition") {
                    ops::force(condition, sink, "true", "false");
                }
            }
            "return_statement" => {
                if let Some(value) = named_children(node).first()
                    && sink.text(*value) != "void 0"
                {
                    sink.replace(*value, "undefined", Operator::ReturnDefault);
                }
            }
            // An empty statement keeps `if (x) f();` whole where nothing would not.
            "expression_statement" if is_call(node, sink) => {
                sink.replace(node, ";", Operator::StatementRemoved)
            }
            _ => {}
        }
    }
}

fn negation(node: Node, sink: &mut Sink) {
    let is_not = node
        .child_by_field_name("operator")
        .is_some_and(|op| op.kind() == "!");
    if let (true, Some(operand)) = (is_not, node.child_by_field_name("argument")) {
        ops::drop_negation(node, operand, sink);
    }
}

/// A statement that is only a call (or an awaited call). `super(…)` is left: a constructor
/// without it throws before any assertion could judge it.
fn is_call(statement: Node, sink: &Sink) -> bool {
    let Some(mut expression) = named_children(statement).first().copied() else {
        return false;
    };
    if expression.kind() == "await_expression" {
        match named_children(expression).first() {
            Some(inner) => expression = *inner,
            None => return false,
        }
    }
    expression.kind() == "call_expression"
        && expression
            .child_by_field_name("function")
            .is_some_and(|f| sink.text(f) != "super")
}
