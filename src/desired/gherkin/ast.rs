//! The Gherkin syntax tree, as the official parsers build it: a Feature with its
//! Background, Rules, Scenarios, Steps, tables and doc strings, each with its location.

use serde::Serialize;

use super::{KeywordType, Location, Tag};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Document {
    /// The feature's dialect, or the one in force at end of file when there is no feature.
    pub language: String,
    pub feature: Option<Feature>,
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub location: Location,
    /// The whole line, leading whitespace included.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Feature {
    pub location: Location,
    pub tags: Vec<Tag>,
    pub language: String,
    pub keyword: String,
    pub name: String,
    pub description: String,
    pub children: Vec<FeatureChild>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureChild {
    Background(Background),
    Scenario(Scenario),
    Rule(Rule),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub location: Location,
    pub tags: Vec<Tag>,
    pub keyword: String,
    pub name: String,
    pub description: String,
    pub children: Vec<RuleChild>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleChild {
    Background(Background),
    Scenario(Scenario),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Background {
    pub location: Location,
    pub keyword: String,
    pub name: String,
    pub description: String,
    pub steps: Vec<Step>,
}

/// A Scenario, Example, Scenario Outline or Scenario Template: it is an outline when it has
/// Examples, whatever its keyword.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scenario {
    pub location: Location,
    pub tags: Vec<Tag>,
    pub keyword: String,
    pub name: String,
    pub description: String,
    pub steps: Vec<Step>,
    pub examples: Vec<Examples>,
    /// Verbatim source from the first tag line (or the keyword line) to the last step,
    /// argument or Examples line.
    pub source_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Examples {
    pub location: Location,
    pub tags: Vec<Tag>,
    pub keyword: String,
    pub name: String,
    pub description: String,
    pub table_header: Option<TableRow>,
    pub table_body: Vec<TableRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub location: Location,
    /// As written, trailing space included ("Given ", "* ").
    pub keyword: String,
    pub keyword_type: KeywordType,
    pub text: String,
    pub doc_string: Option<DocString>,
    pub data_table: Option<DataTable>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocString {
    pub location: Location,
    pub media_type: Option<String>,
    pub content: String,
    pub delimiter: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataTable {
    pub location: Location,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRow {
    pub location: Location,
    pub cells: Vec<TableCell>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableCell {
    pub location: Location,
    pub value: String,
}
