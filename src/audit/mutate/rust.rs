//! Rust's mutants, over the node kinds of tree-sitter-rust, outside test code (`#[test]`
//! functions, `#[cfg(test)]` items) and macro bodies (their tokens are not yet code).

use super::ops;
use super::rust_default::{default_for, is_default};
use super::sink::Sink;
use super::walk::{Rules, named_children};
use crate::audit::Operator;
use tree_sitter::Node;

pub(crate) struct Rust;

const STRINGS: &[&str] = &["string_literal", "raw_string_literal"];

/// Macros that do not return: removing one as a statement leaves a block of the wrong type.
const DIVERGING: &[&str] = &["panic", "unreachable", "todo", "unimplemented"];

impl Rules for Rust {
    fn skip(&self, node: Node, sink: &Sink) -> bool {
        match node.kind() {
            "line_comment"
            | "block_comment"
            | "string_literal"
            | "raw_string_literal"
            | "char_literal"
            | "token_tree"
            | "attribute_item"
            | "inner_attribute_item" => true,
            "source_file" => file_is_test(node, sink),
            kind if kind.ends_with("_item") => is_test_item(node, sink),
            _ => false,
        }
    }

    fn visit(&self, node: Node, sink: &mut Sink) {
        match node.kind() {
            "binary_expression" | "compound_assignment_expr" => ops::binary(node, sink, &|n| {
                ops::literal_chain(n, STRINGS, "binary_expression")
            }),
            "unary_expression" => {
                let first = node.child(0);
                let operand = named_children(node).first().copied();
                if let (Some(op), Some(operand)) = (first, operand)
                    && op.kind() == "!"
                {
                    ops::drop_negation(node, operand, sink);
                }
            }
            "boolean_literal" => ops::flip(node, sink, "true", "false"),
            "if_expression" | "while_expression" => condition(node, sink),
            "return_expression" => {
                if let Some(value) = named_children(node).first() {
                    return_default(node, *value, sink);
                }
            }
            "function_item" => tail_default(node, sink),
            "expression_statement" if is_call(node, sink) => {
                sink.replace(node, "", Operator::StatementRemoved)
            }
            _ => {}
        }
    }
}

/// A condition forced, unless it binds (`if let`, let chains): forcing those drops names
/// the body uses.
fn condition(node: Node, sink: &mut Sink) {
    if let Some(condition) = node.child_by_field_name("condition")
        && !matches!(condition.kind(), "let_condition" | "let_chain")
    {
        ops::force(condition, sink, "true", "false");
    }
}

fn return_default(at: Node, value: Node, sink: &mut Sink) {
    let Some(function) = enclosing_function(at) else {
        return;
    };
    if let Some(default) = function_default(function, sink)
        && !is_default(sink.text(value))
    {
        sink.replace(value, default, Operator::ReturnDefault);
    }
}

/// A function body's tail expression replaced by the default. Block-like tails (`if`,
/// `match`, loops) are left: their own parts carry the mutants.
fn tail_default(function: Node, sink: &mut Sink) {
    let Some(body) = function.child_by_field_name("body") else {
        return;
    };
    let Some(tail) = named_children(body).last().copied() else {
        return;
    };
    let value_like = tail.kind().ends_with("_expression") || tail.kind().ends_with("_literal");
    let other_value = matches!(
        tail.kind(),
        "identifier" | "scoped_identifier" | "macro_invocation" | "self"
    );
    let block_like = matches!(
        tail.kind(),
        "if_expression"
            | "match_expression"
            | "loop_expression"
            | "while_expression"
            | "for_expression"
            | "return_expression"
            | "unit_expression"
            | "break_expression"
            | "continue_expression"
    );
    if (value_like || other_value) && !block_like {
        return_default(tail, tail, sink);
    }
}

/// The function a `return` belongs to; `None` inside a closure or an async block, whose
/// return type is not written down.
fn enclosing_function(node: Node) -> Option<Node> {
    let mut current = node;
    loop {
        match current.kind() {
            "function_item" => return Some(current),
            "closure_expression" | "async_block" => return None,
            _ => current = current.parent()?,
        }
    }
}

/// The default value of a function's return type, where it is known to have one; never for
/// a `const fn` (`Default::default()` is not const).
fn function_default(function: Node, sink: &Sink) -> Option<&'static str> {
    let mut cursor = function.walk();
    let is_const = function
        .children(&mut cursor)
        .any(|c| c.kind() == "function_modifiers" && sink.text(c).contains("const"));
    if is_const {
        return None;
    }
    default_for(function.child_by_field_name("return_type")?, sink)
}

/// A `call();` statement: a call, method call, macro or `call()?`/`.await` ending in `;`.
fn is_call(statement: Node, sink: &Sink) -> bool {
    let ends_in_semicolon = statement
        .child(statement.child_count().saturating_sub(1))
        .is_some_and(|c| c.kind() == ";");
    let Some(mut expression) = named_children(statement).first().copied() else {
        return false;
    };
    while matches!(expression.kind(), "try_expression" | "await_expression") {
        match named_children(expression).first() {
            Some(inner) => expression = *inner,
            None => return false,
        }
    }
    let call = match expression.kind() {
        "call_expression" => true,
        "macro_invocation" => expression
            .child_by_field_name("macro")
            .is_some_and(|m| !DIVERGING.contains(&sink.text(m))),
        _ => false,
    };
    ends_in_semicolon && call
}

/// `#![cfg(test)]` at the top of the file: the whole file is test code.
fn file_is_test(root: Node, sink: &Sink) -> bool {
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .take_while(|c| c.kind() == "inner_attribute_item" || c.is_extra())
        .any(|c| is_test_attribute(sink.text(c)))
}

/// An item under `#[test]`, `#[cfg(test)]` or a test framework's `#[…::test]`. Attributes
/// are the item's preceding siblings in this grammar, not its children.
fn is_test_item(item: Node, sink: &Sink) -> bool {
    let mut sibling = item.prev_sibling();
    while let Some(node) = sibling {
        match node.kind() {
            "attribute_item" if is_test_attribute(sink.text(node)) => return true,
            "attribute_item" | "line_comment" | "block_comment" => {}
            _ => return false,
        }
        sibling = node.prev_sibling();
    }
    false
}

fn is_test_attribute(text: &str) -> bool {
    let inner: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let inner = inner.trim_start_matches("#!").trim_start_matches('#');
    let inner = inner.trim_start_matches('[').trim_end_matches(']');
    inner == "test"
        || inner == "cfg(test)"
        || inner.ends_with("::test")
        || inner == "rstest"
        || inner.starts_with("test_case(")
}
