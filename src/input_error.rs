//! A problem in a file the user wrote, pinned to the file, line and column it is about.
//! Every layer that reads user input reports through this one shape.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// One error in the user's input. `line` and `column` are 1-based; `column` is in characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The file's text, kept so a human report can show the offending line.
    #[serde(skip)]
    pub source: Option<Arc<str>>,
}

impl InputError {
    pub fn new(
        file: impl Into<String>,
        line: usize,
        column: usize,
        message: impl fmt::Display,
    ) -> Self {
        Self {
            file: file.into(),
            line: line.max(1),
            column: column.max(1),
            message: message.to_string(),
            source: None,
        }
    }

    pub fn with_source(mut self, source: Option<Arc<str>>) -> Self {
        self.source = source;
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for InputError {}

/// 1-based line and character column of byte `at`, counting only the valid text before it.
pub(crate) fn position_of_byte(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}
