//! Go's mutants, over the node kinds of tree-sitter-go; the ones that remove code are kept
//! only where no local variable is left unused, which Go would refuse to build.

use super::go_scope::orphans_local;
use super::go_zero::zeros;
use super::ops;
use super::sink::Sink;
use super::walk::{Rules, named_children};
use crate::audit::Operator;
use tree_sitter::Node;

pub(crate) struct Go;

const STRINGS: &[&str] = &["interpreted_string_literal", "raw_string_literal"];

impl Rules for Go {
    fn skip(&self, node: Node, _: &Sink) -> bool {
        matches!(
            node.kind(),
            "comment" | "interpreted_string_literal" | "raw_string_literal" | "rune_literal"
        )
    }

    fn visit(&self, node: Node, sink: &mut Sink) {
        match node.kind() {
            "binary_expression" | "assignment_statement" => ops::binary(node, sink, &|n| {
                ops::literal_chain(n, STRINGS, "binary_expression")
            }),
            "unary_expression" => {
                let is_not = node
                    .child_by_field_name("operator")
                    .is_some_and(|op| op.kind() == "!");
                if let (true, Some(operand)) = (is_not, node.child_by_field_name("operand")) {
                    ops::drop_negation(node, operand, sink);
                }
            }
            "true" | "false" => ops::flip(node, sink, "true", "false"),
            "if_statement" => {
                if let Some(condition) = node.child_by_field_name("condition") {
                    force(node, condition, sink);
                }
            }
            // `for condition { … }`, Go's while; a three-clause `for` is left.
            "for_statement" => {
                let condition = named_children(node)
                    .into_iter()
                    .find(|c| !matches!(c.kind(), "for_clause" | "range_clause" | "block"));
                if let Some(condition) = condition {
                    force(node, condition, sink);
                }
            }
            "return_statement" => return_zero(node, sink),
            "expression_statement" => remove_call(node, sink),
            _ => {}
        }
    }
}

fn force(at: Node, condition: Node, sink: &mut Sink) {
    if enclosing_function(at).is_some_and(|f| !orphans_local(f, condition, sink)) {
        ops::force(condition, sink, "true", "false");
    }
}

fn return_zero(node: Node, sink: &mut Sink) {
    let Some(values) = named_children(node).first().copied() else {
        return;
    };
    let Some(function) = enclosing_function(node) else {
        return;
    };
    let Some(zeros) = zeros(function, sink) else {
        return;
    };
    let given = named_children(values);
    let already = given.iter().zip(&zeros).all(|(v, z)| sink.text(*v) == *z);
    if given.len() == zeros.len() && !already && !orphans_local(function, values, sink) {
        sink.replace(values, &zeros.join(", "), Operator::ReturnDefault);
    }
}

/// A call statement removed, as a whole: Go has no empty expression to leave behind.
fn remove_call(node: Node, sink: &mut Sink) {
    let is_call = named_children(node)
        .first()
        .is_some_and(|c| c.kind() == "call_expression");
    if is_call && enclosing_function(node).is_some_and(|f| !orphans_local(f, node, sink)) {
        sink.replace(node, "", Operator::StatementRemoved);
    }
}

/// The function, method or function literal a node is in.
fn enclosing_function(node: Node) -> Option<Node> {
    let mut current = node;
    loop {
        match current.kind() {
            "function_declaration" | "method_declaration" | "func_literal" => {
                return Some(current);
            }
            _ => current = current.parent()?,
        }
    }
}
