//! Why a source file yields no mutants: a language no grammar reads, or text that does not
//! parse. The caller skips such a file with a warning that names it.

use super::Language;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MutateError {
    #[error(
        "{file}: no mutants are made for this kind of file (only .py, .js, .jsx, .mjs, .cjs, \
         .ts, .mts, .cts, .tsx, .rs and .go); leave it out of audit.mutate"
    )]
    Language { file: String },
    #[error(
        "{file}:{line}:{column}: syntax error, so no mutants are made of this file; fix it or \
         leave it out of audit.mutate"
    )]
    Syntax {
        file: String,
        line: usize,
        column: usize,
    },
    #[error("{file}: the {} grammar did not load in this build of specctl; please report it", .language.as_str())]
    Grammar { file: String, language: Language },
}
