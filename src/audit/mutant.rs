//! A mutant: one small change to one source file (a byte range replaced), and what the
//! evidence made of it. Made by `mutate/`, judged by `classify`, rendered by `report/`.

use serde::{Deserialize, Serialize};

/// The kind of change, most severe first: where one line offers several, the first is tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operator {
    /// A condition (of an `if`, `while`, ternary) replaced by `true` or `false`.
    ConditionForced,
    /// A return value replaced by its type's default.
    ReturnDefault,
    /// `==` and `!=`, `<` and `>=`, … swapped.
    Comparison,
    /// `&&` and `||` (`and` and `or`) swapped, or a `!`/`not` removed.
    Logical,
    /// `true` and `false` swapped.
    Boolean,
    /// `+` and `-`, `*` and `/`, … swapped.
    Arithmetic,
    /// A statement removed.
    StatementRemoved,
}

impl Operator {
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::ConditionForced => "condition-forced",
            Operator::ReturnDefault => "return-default",
            Operator::Comparison => "comparison",
            Operator::Logical => "logical",
            Operator::Boolean => "boolean",
            Operator::Arithmetic => "arithmetic",
            Operator::StatementRemoved => "statement-removed",
        }
    }
}

/// One change to one file: the bytes `start..end` of `file` become `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mutant {
    /// Relative to the project root, with `/`.
    pub file: String,
    /// 1-based line and column (in characters) of `start`.
    pub line: usize,
    pub column: usize,
    /// 1-based line and column just past the replaced text.
    pub end_line: usize,
    pub end_column: usize,
    #[serde(skip)]
    pub start: usize,
    #[serde(skip)]
    pub end: usize,
    pub original: String,
    pub replacement: String,
    pub operator: Operator,
}

impl Mutant {
    /// What names this mutant across runs and machines: its place and its change. Which
    /// slice of `audit --partition` it falls in is decided by this.
    pub fn key(&self) -> String {
        format!(
            "{}:{}:{}:{}:{}",
            self.file,
            self.line,
            self.column,
            self.operator.as_str(),
            self.replacement
        )
    }

    /// The source with this mutant applied; `None` where the range does not hold `original`
    /// (the file changed since the mutant was made).
    pub fn apply(&self, source: &str) -> Option<String> {
        if source.get(self.start..self.end)? != self.original {
            return None;
        }
        let mut out = String::with_capacity(source.len() + self.replacement.len());
        out.push_str(&source[..self.start]);
        out.push_str(&self.replacement);
        out.push_str(&source[self.end..]);
        Some(out)
    }
}

/// What the evidence made of a mutant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// An item went from pass to `fail`: an assertion caught it, the right reason.
    Killed,
    /// Every item that passed before still passed (or only crashed on some).
    Survived,
    /// The evidence ran past the mutant's timeout and was ended.
    Timeout,
    /// Every item errored: the mutant does not build or crashes at once, proving nothing.
    Unviable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Killed => "killed",
            Status::Survived => "survived",
            Status::Timeout => "timeout",
            Status::Unviable => "unviable",
        }
    }
}

/// A mutant after its evidence ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tested {
    #[serde(flatten)]
    pub mutant: Mutant,
    pub status: Status,
    /// The items that went from pass to `fail`.
    pub killed_by: Vec<String>,
    /// The items whose evidence inputs cover the mutated file: the ones that should catch it.
    pub covered_by: Vec<String>,
    pub duration_ms: u64,
}
