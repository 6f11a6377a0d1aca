//! Gherkin parser and pickle compiler that follows the official Cucumber implementation:
//! `parse` turns a feature file into a [`Document`], `compile` turns that into [`Pickle`]s.

mod ast;
mod dialect;
mod flavor;
mod markdown;
mod parser;
mod pickle;
mod token;

#[cfg(test)]
mod tests;

use std::fmt;

use serde::{Serialize, Serializer};

pub use self::flavor::Flavor;

pub use self::ast::{
    Background, Comment, DataTable, DocString, Document, Examples, Feature, FeatureChild, Rule,
    RuleChild, Scenario, Step, TableCell, TableRow,
};

/// A position in the source, both 1-based; the column counts Unicode scalar values.
/// An error at end of file has column 0, as the official parser reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// One problem found while parsing. `message` has no location prefix; `Display` adds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({}:{}): {}",
            self.location.line, self.location.column, self.message
        )
    }
}

impl std::error::Error for ParseError {}

/// How a step keyword reads. `Conjunction` (And/But) only appears in the AST: pickles resolve it
/// to the type of the step before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum KeywordType {
    Unknown,
    Context,
    Action,
    Outcome,
    Conjunction,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Tag {
    pub name: String,
    pub location: Location,
}

/// Which Examples row an outline pickle was generated from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExampleRow {
    pub examples_name: String,
    /// The line of the `Examples:` keyword (cucumber-rs counts row lines from it).
    pub examples_line: usize,
    /// 0-based among the scenario's Examples blocks.
    pub examples_index: usize,
    /// 0-based among that table's body rows.
    pub row_index: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pickle {
    pub name: String,
    pub language: String,
    pub location: Location,
    pub keyword: String,
    pub feature_name: String,
    pub rule_name: Option<String>,
    pub tags: Vec<Tag>,
    pub steps: Vec<PickleStep>,
    pub examples: Option<ExampleRow>,
    /// Where the Scenario (Outline) itself starts; `location` is the row's for an Outline row.
    pub scenario_location: Location,
    /// The scenario's name as written, placeholders and all: some runners report rows by it.
    pub scenario_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickleStep {
    pub keyword: String,
    pub keyword_type: KeywordType,
    pub text: String,
    pub location: Location,
    /// The step's argument; when a step has both a data table and a doc string (which recent
    /// official Gherkin accepts), this is the one written first.
    pub argument: Option<StepArgument>,
    /// The second argument of a step that has both, else `None`.
    pub extra_argument: Option<StepArgument>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepArgument {
    DocString {
        content: String,
        media_type: Option<String>,
        delimiter: String,
    },
    DataTable {
        rows: Vec<Vec<String>>,
    },
}

#[derive(Serialize)]
struct DocStringOut<'a> {
    content: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    media_type: Option<&'a str>,
    delimiter: &'a str,
}

// Flat shape: `{"keyword", "keyword_type", "text", "location", "doc_string"?, "data_table"?}`,
// which reads naturally whichever arguments a step carries.
#[derive(Serialize)]
struct PickleStepOut<'a> {
    keyword: &'a str,
    keyword_type: KeywordType,
    text: &'a str,
    location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc_string: Option<DocStringOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_table: Option<&'a [Vec<String>]>,
}

impl Serialize for PickleStep {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = PickleStepOut {
            keyword: &self.keyword,
            keyword_type: self.keyword_type,
            text: &self.text,
            location: self.location,
            doc_string: None,
            data_table: None,
        };
        for argument in [&self.argument, &self.extra_argument].into_iter().flatten() {
            match argument {
                StepArgument::DocString {
                    content,
                    media_type,
                    delimiter,
                } => {
                    out.doc_string = Some(DocStringOut {
                        content,
                        media_type: media_type.as_deref(),
                        delimiter,
                    })
                }
                StepArgument::DataTable { rows } => out.data_table = Some(rows),
            }
        }
        out.serialize(serializer)
    }
}

/// Parses a feature file as the official parsers do ([`Flavor::Classic`]). On failure returns
/// every error found, in source order of discovery, capped like the official parser (it gives
/// up after the eleventh).
pub fn parse(source: &str) -> Result<Document, Vec<ParseError>> {
    parse_with(source, Flavor::Classic)
}

/// Parses a feature file written in `flavor`: Markdown Gherkin, or classic Gherkin with
/// behave's `'''` doc strings. Errors as for [`parse`].
pub fn parse_with(source: &str, flavor: Flavor) -> Result<Document, Vec<ParseError>> {
    parser::parse(source, flavor)
}

/// The language codes usable in a `# language:` header, sorted.
pub fn languages() -> Vec<&'static str> {
    dialect::languages()
}

/// Compiles a parsed document into pickles, in the official order.
pub fn compile(doc: &Document) -> Vec<Pickle> {
    pickle::compile(doc)
}
