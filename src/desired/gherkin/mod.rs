//! TEMPORARY compile shim, replaced by the real parser.
#![allow(dead_code)]
use serde::Serialize;
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)] pub struct Location { pub line: usize, pub column: usize }
#[derive(Debug, Clone, PartialEq, Eq)] pub struct ParseError { pub location: Location, pub message: String }
pub struct Document;
pub fn parse(_s: &str) -> Result<Document, Vec<ParseError>> { Ok(Document) }
pub fn compile(_d: &Document) -> Vec<Pickle> { vec![] }
#[derive(Debug, Clone)] pub struct Tag { pub name: String, pub location: Location }
#[derive(Debug, Clone)] pub struct ExampleRow { pub examples_name: String, pub examples_index: usize, pub row_index: usize }
#[derive(Debug, Clone)] pub struct Pickle { pub name: String, pub language: String, pub location: Location, pub keyword: String, pub feature_name: String, pub rule_name: Option<String>, pub tags: Vec<Tag>, pub steps: Vec<PickleStep>, pub examples: Option<ExampleRow>, pub source_text: String, pub scenario_line: usize }
#[derive(Debug, Clone)] pub struct PickleStep { pub keyword: String, pub text: String, pub location: Location, pub argument: Option<StepArgument> }
#[derive(Debug, Clone)] pub enum StepArgument { DocString { content: String, media_type: Option<String>, delimiter: String }, DataTable { rows: Vec<Vec<String>> } }
