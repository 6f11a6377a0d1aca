//! Whether a mutant's text still parses, cheaply: a mutant changes a few bytes of a file
//! whose tree is at hand, so only what it touched is parsed again.

use super::sink::Sink;
use crate::audit::Mutant;
use tree_sitter::{InputEdit, Node, Parser, Point, Range, Tree};

/// Whether the source with `mutant` applied still parses. The rest of the file is as it
/// was, so only the top-level nodes the mutant touches are parsed again where they are a
/// small part of the file (tree-sitter's included ranges), and otherwise the old tree is
/// reused (an incremental parse), which costs about a tenth of a whole parse.
pub(crate) fn mutant_parses(
    parser: &mut Parser,
    tree: &Tree,
    sink: &Sink,
    mutant: &Mutant,
) -> bool {
    let Some(mutated) = mutant.apply(sink.source) else {
        return false;
    };
    let small = touched_range(tree, mutant, &mutated)
        .filter(|r| r.end_byte - r.start_byte <= mutated.len() / 8);
    let parsed = match small {
        Some(range) if parser.set_included_ranges(&[range]).is_ok() => parser.parse(&mutated, None),
        _ => {
            let edited = edited(tree, sink, mutant);
            parser.parse(&mutated, Some(&edited))
        }
    };
    // Back to the whole text for the next mutant; an empty list always succeeds.
    let _ = parser.set_included_ranges(&[]);
    parsed.is_some_and(|t| !t.root_node().has_error())
}

/// The source's tree, told where the mutant changed it.
fn edited(tree: &Tree, sink: &Sink, mutant: &Mutant) -> Tree {
    let start_position = sink.point(mutant.start);
    let mut edited = tree.clone();
    edited.edit(&InputEdit {
        start_byte: mutant.start,
        old_end_byte: mutant.end,
        new_end_byte: mutant.start + mutant.replacement.len(),
        start_position,
        old_end_position: sink.point(mutant.end),
        new_end_position: point_after(start_position, &mutant.replacement),
    });
    edited
}

/// The point just past `text` when it starts at `at`.
fn point_after(at: Point, text: &str) -> Point {
    match text.rfind('\n') {
        Some(i) => Point::new(at.row + text.matches('\n').count(), text.len() - i - 1),
        None => Point::new(at.row, at.column + text.len()),
    }
}

/// The span, in the mutated text, of the top-level nodes that hold the mutant's range.
fn touched_range(tree: &Tree, mutant: &Mutant, mutated: &str) -> Option<Range> {
    let root = tree.root_node();
    let mut cursor = root.walk();
    let touched: Vec<Node> = root
        .children(&mut cursor)
        .filter(|n| n.start_byte() < mutant.end && mutant.start < n.end_byte())
        .collect();
    let (first, last) = (touched.first()?, touched.last()?);
    let new_end = mutant.start + mutant.replacement.len();
    let end_byte = new_end + last.end_byte().checked_sub(mutant.end)?;
    Some(Range {
        start_byte: first.start_byte(),
        end_byte,
        start_point: first.start_position(),
        end_point: end_point(*last, mutant, mutated, new_end, end_byte)?,
    })
}

/// Where `last` ends once the mutant is applied: rows move by the newlines the mutant adds
/// or removes; the column moves only when the mutant is on the node's last row.
fn end_point(
    last: Node,
    mutant: &Mutant,
    mutated: &str,
    new_end: usize,
    end_byte: usize,
) -> Option<Point> {
    let old = last.end_position();
    let added = mutant.replacement.matches('\n').count();
    let removed = mutant.original.matches('\n').count();
    let row = (old.row + added).checked_sub(removed)?;
    let tail = mutated.get(new_end..end_byte)?;
    if tail.contains('\n') {
        return Some(Point::new(row, old.column));
    }
    let line_start = mutated.get(..new_end)?.rfind('\n').map_or(0, |i| i + 1);
    Some(Point::new(row, end_byte - line_start))
}
