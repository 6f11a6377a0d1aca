//! Where the language rules put the mutants they find: byte ranges of the source turned into
//! `Mutant`s with 1-based lines and character columns.

use crate::audit::{Mutant, Operator};
use tree_sitter::{Node, Point};

pub(crate) struct Sink<'a> {
    pub(crate) file: &'a str,
    pub(crate) source: &'a str,
    pub(crate) found: Vec<Mutant>,
    /// The byte offset at which each line starts, so a position costs a binary search.
    line_starts: Vec<usize>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(file: &'a str, source: &'a str) -> Self {
        let breaks = source.match_indices('\n').map(|(i, _)| i + 1);
        Sink {
            file,
            source,
            found: Vec::new(),
            line_starts: std::iter::once(0).chain(breaks).collect(),
        }
    }

    /// The source text of a node.
    pub(crate) fn text(&self, node: Node) -> &'a str {
        self.source.get(node.byte_range()).unwrap_or("")
    }

    /// The node replaced as a whole.
    pub(crate) fn replace(&mut self, node: Node, replacement: &str, operator: Operator) {
        self.replace_span(node.start_byte(), node.end_byte(), replacement, operator);
    }

    /// The bytes `start..end` replaced; nothing where that would change nothing or the range
    /// does not fall on character boundaries.
    pub(crate) fn replace_span(
        &mut self,
        start: usize,
        end: usize,
        replacement: &str,
        operator: Operator,
    ) {
        let Some(original) = self.source.get(start..end) else {
            return;
        };
        if original == replacement {
            return;
        }
        let (line, column) = self.position(start);
        let (end_line, end_column) = self.position(end);
        self.found.push(Mutant {
            file: self.file.to_string(),
            line,
            column,
            end_line,
            end_column,
            start,
            end,
            original: original.to_string(),
            replacement: replacement.to_string(),
            operator,
        });
    }

    /// The tree-sitter point (0-based row, byte column) of a byte offset.
    pub(crate) fn point(&self, offset: usize) -> Point {
        let row = self.line_starts.partition_point(|&s| s <= offset).max(1) - 1;
        Point::new(row, offset - self.line_starts[row])
    }

    /// The 1-based line and character column of a byte offset on a character boundary.
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let index = self.line_starts.partition_point(|&s| s <= offset).max(1) - 1;
        let line_start = self.line_starts[index];
        let chars = self
            .source
            .get(line_start..offset)
            .map_or(0, |s| s.chars().count());
        (index + 1, chars + 1)
    }
}
