//! The walk over a syntax tree that every language shares: each node offered to the
//! language's rules, except below the nodes they leave alone (comments, strings, tests).

use super::sink::Sink;
use tree_sitter::Node;

/// What one language makes of the nodes of its grammar.
pub(crate) trait Rules {
    /// Whether the node and everything below it stays as it is.
    fn skip(&self, node: Node, sink: &Sink) -> bool;
    /// Puts into `sink` the mutants this node itself offers (not its children's).
    fn visit(&self, node: Node, sink: &mut Sink);
}

/// Offers every node to `rules`, in document order. A cursor rather than recursion, so
/// deeply nested code cannot overflow the stack.
pub(crate) fn walk(root: Node, rules: &dyn Rules, sink: &mut Sink) {
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        let open = !rules.skip(node, sink);
        if open {
            rules.visit(node, sink);
        }
        if open && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// The nodes below `node` (itself included) in document order, for the rules that look
/// inside a subtree; the same cursor walk, so it is safe on any depth.
pub(crate) fn descendants(node: Node) -> impl Iterator<Item = Node> {
    let mut cursor = node.walk();
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let current = cursor.node();
        if !cursor.goto_first_child() {
            loop {
                if cursor.node() == node {
                    done = true;
                    break;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    done = true;
                    break;
                }
            }
        }
        Some(current)
    })
}

/// The named children of a node, without comments and other extras.
pub(crate) fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|child| !child.is_extra())
        .collect()
}
