//! Parsing a source file into a tree-sitter tree, and the first syntax error in it, which
//! makes the caller skip the file with a warning at that line.

use super::sink::Sink;
use super::{Language, MutateError};
use tree_sitter::{Node, Parser, Tree};

/// A parser for `language` with `source` parsed, or why not.
pub(crate) fn parse(
    language: Language,
    file: &str,
    source: &str,
) -> Result<(Parser, Tree), MutateError> {
    let grammar_error = || MutateError::Grammar {
        file: file.to_string(),
        language,
    };
    let mut parser = Parser::new();
    parser
        .set_language(&language.grammar())
        .map_err(|_| grammar_error())?;
    let tree = parser.parse(source, None).ok_or_else(grammar_error)?;
    if let Some(error) = first_error(tree.root_node()) {
        let (line, column) = Sink::new(file, source).position(error.start_byte());
        return Err(MutateError::Syntax {
            file: file.to_string(),
            line,
            column,
        });
    }
    Ok((parser, tree))
}

/// Whether `text` parses without error as `language`.
pub fn still_parses(language: Language, text: &str) -> bool {
    let mut parser = Parser::new();
    if parser.set_language(&language.grammar()).is_err() {
        return false;
    }
    parser
        .parse(text, None)
        .is_some_and(|tree| !tree.root_node().has_error())
}

/// The first ERROR or MISSING node in document order, descending only where errors are.
fn first_error(root: Node) -> Option<Node> {
    if !root.has_error() {
        return None;
    }
    let mut node = root;
    'descend: loop {
        if node.is_error() || node.is_missing() {
            return Some(node);
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.has_error() {
                node = child;
                continue 'descend;
            }
        }
        // Flagged but no flagged child: the error is this node itself.
        return Some(node);
    }
}
