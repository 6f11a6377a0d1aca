//! Unit tests of mutant generation: per language, the exact mutants of a small realistic
//! snippet; then selection, `--since` diffs, and odd input that must not panic.

mod general;
mod go;
mod javascript;
mod python;
mod rust;
mod since;

use super::{Language, mutants, still_parses};
use crate::audit::{Mutant, Operator};

/// A mutant as the tests name it: line, original, replacement, operator.
pub(super) type Row = (usize, &'static str, &'static str, Operator);

/// The mutants of `source` as rows, after checking what every mutant must hold.
pub(super) fn rows(file: &str, source: &str) -> Vec<(usize, String, String, Operator)> {
    let found = match mutants(file, source) {
        Ok(found) => found,
        Err(error) => panic!("{error}"),
    };
    for mutant in &found {
        holds(file, source, mutant);
    }
    found
        .into_iter()
        .map(|m| (m.line, m.original, m.replacement, m.operator))
        .collect()
}

pub(super) fn assert_rows(file: &str, source: &str, expected: &[Row]) {
    let expected: Vec<(usize, String, String, Operator)> = expected
        .iter()
        .map(|&(line, original, replacement, operator)| {
            (
                line,
                original.to_string(),
                replacement.to_string(),
                operator,
            )
        })
        .collect();
    assert_eq!(rows(file, source), expected);
}

/// A mutant names its file, its range holds `original` at the line and column it gives,
/// and applied, it changes the text into something that still parses.
fn holds(file: &str, source: &str, mutant: &Mutant) {
    assert_eq!(mutant.file, file);
    assert_eq!(&source[mutant.start..mutant.end], mutant.original);
    assert_eq!(
        (mutant.line, mutant.column),
        line_column(source, mutant.start)
    );
    assert_eq!(
        (mutant.end_line, mutant.end_column),
        line_column(source, mutant.end)
    );
    let applied = mutant.apply(source).expect("applies");
    assert_ne!(applied, source, "{mutant:?}");
    let language = Language::of(file).expect("a known language");
    assert!(still_parses(language, &applied), "{mutant:?}\n{applied}");
}

fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}
