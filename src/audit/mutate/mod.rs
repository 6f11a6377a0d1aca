//! Mutant generation: source text in, the small changes `audit --mutants` tries out. Pure:
//! tree-sitter parses, each language's rules propose, and no file is read or written here.

mod error;
mod go;
mod go_scope;
mod go_zero;
mod javascript;
mod language;
mod ops;
mod parse;
mod python;
mod reparse;
mod rust;
mod rust_default;
mod select;
pub mod since;
mod sink;
mod walk;

#[cfg(test)]
mod tests;

pub use error::MutateError;
pub use language::Language;
pub use parse::still_parses;
pub use select::{on_lines, one_per_line};
pub use since::changed_lines;

use crate::audit::Mutant;
use sink::Sink;
use std::collections::HashSet;
use walk::Rules;

/// Every mutant of one source file, in file order (by start, then operator; a condition
/// forced `true` before `false`). `file` names it in the mutants and picks the language by
/// extension. One change offered by two operators is kept once, under the more severe.
/// Mutants whose text would not parse are left out, so each at least reads as the language.
/// A syntax error in `source` is an error: the caller skips the file with a warning.
pub fn mutants(file: &str, source: &str) -> Result<Vec<Mutant>, MutateError> {
    let language = Language::of(file).ok_or_else(|| MutateError::Language {
        file: file.to_string(),
    })?;
    let (mut parser, tree) = parse::parse(language, file, source)?;
    let mut sink = Sink::new(file, source);
    walk::walk(tree.root_node(), rules(language), &mut sink);
    let mut found = std::mem::take(&mut sink.found);
    // Stable: a condition forced `true` stays before the same condition forced `false`.
    found.sort_by_key(|m| (m.start, m.operator, m.end));
    let mut seen = HashSet::new();
    found.retain(|m| seen.insert((m.start, m.end, m.replacement.clone())));
    found.retain(|m| reparse::mutant_parses(&mut parser, &tree, &sink, m));
    Ok(found)
}

/// Whether bytes read from a file look binary (a NUL in the first 8 KiB), so the caller
/// skips the file rather than mutating it.
pub fn looks_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8 * 1024).any(|&b| b == 0)
}

fn rules(language: Language) -> &'static dyn Rules {
    match language {
        Language::Python => &python::Python,
        Language::JavaScript | Language::TypeScript | Language::Tsx => &javascript::JavaScript,
        Language::Rust => &rust::Rust,
        Language::Go => &go::Go,
    }
}
