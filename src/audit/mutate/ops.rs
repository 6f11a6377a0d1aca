//! The operator swaps and condition forcing that several languages share, written over the
//! fields their grammars have in common (`left`, `operator`, `right`, `condition`).

use super::sink::Sink;
use super::walk::named_children;
use crate::audit::Operator;
use tree_sitter::Node;

/// The swapped comparison operator, in every C-like language and Python.
pub(crate) fn comparison(op: &str) -> Option<&'static str> {
    Some(match op {
        "==" => "!=",
        "!=" => "==",
        "===" => "!==",
        "!==" => "===",
        "<" => ">=",
        ">=" => "<",
        ">" => "<=",
        "<=" => ">",
        _ => return None,
    })
}

/// The same comparison with its boundary moved (`<` and `<=`, `>` and `>=`): only an example
/// at the edge tells them apart, so a spec without one lets it survive.
pub(crate) fn boundary(op: &str) -> Option<&'static str> {
    Some(match op {
        "<" => "<=",
        "<=" => "<",
        ">" => ">=",
        ">=" => ">",
        _ => return None,
    })
}

pub(crate) fn arithmetic(op: &str) -> Option<&'static str> {
    Some(match op {
        "+" => "-",
        "-" => "+",
        "*" => "/",
        "/" => "*",
        "%" => "*",
        _ => return None,
    })
}

pub(crate) fn logical(op: &str) -> Option<&'static str> {
    Some(match op {
        "&&" => "||",
        "||" => "&&",
        "and" => "or",
        "or" => "and",
        _ => return None,
    })
}

/// The swapped compound assignment (`+=` and `-=`, …): arithmetic, spelled as an assignment.
pub(crate) fn assignment(op: &str) -> Option<&'static str> {
    Some(match op {
        "+=" => "-=",
        "-=" => "+=",
        "*=" => "/=",
        "/=" => "*=",
        "%=" => "*=",
        _ => return None,
    })
}

/// The mutants of a node with `left`, `operator` and `right` fields (a binary expression or
/// a compound assignment). `concatenates(operand)` says an operand is obviously a string or
/// a sequence, where `+` (and `*`, `%`) join or repeat instead of computing, so a swap there
/// would only fail to build or crash.
pub(crate) fn binary(node: Node, sink: &mut Sink, concatenates: &dyn Fn(Node) -> bool) {
    let Some(op) = node.child_by_field_name("operator") else {
        return;
    };
    let kind = op.kind();
    let (replacement, operator) = if let Some(r) = comparison(kind) {
        (r, Operator::Comparison)
    } else if let Some(r) = logical(kind) {
        (r, Operator::Logical)
    } else if let Some(r) = arithmetic(kind).or_else(|| assignment(kind)) {
        let joins = matches!(kind, "+" | "*" | "%" | "+=" | "*=" | "%=");
        let operands = ["left", "right"].map(|f| node.child_by_field_name(f));
        if joins && operands.into_iter().flatten().any(concatenates) {
            return;
        }
        (r, Operator::Arithmetic)
    } else {
        return;
    };
    sink.replace(op, replacement, operator);
    if let Some(moved) = boundary(kind) {
        sink.replace(op, moved, Operator::Comparison);
    }
}

/// Whether `node` is, through parentheses, expression lists and chains of `+`, one of the `literals` kinds:
/// `"a" + b + c` is a string however deep the chain. Bounded, since the chain may be long.
pub(crate) fn literal_chain(node: Node, literals: &[&str], binary_kind: &str) -> bool {
    let mut pending = vec![(node, 0usize)];
    while let Some((node, depth)) = pending.pop() {
        if literals.contains(&node.kind()) {
            return true;
        }
        if depth >= 64 {
            continue;
        }
        if matches!(node.kind(), "parenthesized_expression" | "expression_list") {
            pending.extend(named_children(node).into_iter().map(|c| (c, depth + 1)));
        } else if node.kind() == binary_kind
            && node
                .child_by_field_name("operator")
                .is_some_and(|o| o.kind() == "+")
        {
            let operands = ["left", "right"].map(|f| node.child_by_field_name(f));
            pending.extend(operands.into_iter().flatten().map(|c| (c, depth + 1)));
        }
    }
    false
}

/// The condition forced one way and then the other: two mutants.
pub(crate) fn force(condition: Node, sink: &mut Sink, yes: &str, no: &str) {
    sink.replace(condition, yes, Operator::ConditionForced);
    sink.replace(condition, no, Operator::ConditionForced);
}

/// The expression inside a parenthesized condition (`if (x)` in C-like grammars), so the
/// forced condition keeps the parentheses the statement needs.
pub(crate) fn inside_parens(node: Node) -> Node {
    match named_children(node).as_slice() {
        [inner] if node.kind() == "parenthesized_expression" => *inner,
        _ => node,
    }
}

/// A prefix negation (`!x`, `not x`) removed: the bytes from the operator up to its operand.
pub(crate) fn drop_negation(node: Node, operand: Node, sink: &mut Sink) {
    sink.replace_span(
        node.start_byte(),
        operand.start_byte(),
        "",
        Operator::Logical,
    );
}

/// `true` and `false` swapped, spelled as the language spells them.
pub(crate) fn flip(node: Node, sink: &mut Sink, yes: &str, no: &str) {
    match sink.text(node) {
        t if t == yes => sink.replace(node, no, Operator::Boolean),
        t if t == no => sink.replace(node, yes, Operator::Boolean),
        _ => {}
    }
}
