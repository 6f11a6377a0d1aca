//! Renders input errors for a person: `file:line:column`, the message, and the offending line
//! of the source with a pointer, through miette.

use super::style::Style;
use crate::InputError;
use miette::{GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
struct Pointed {
    message: String,
    #[source_code]
    code: NamedSource<String>,
    #[label("here")]
    span: SourceSpan,
}

/// One error as a block of text ready for stderr.
pub fn render(error: &InputError, style: Style) -> String {
    let Some(source) = &error.source else {
        return format!(
            "{} {}:{}:{}: {}\n",
            style.red(&style.bold("error:")),
            error.file,
            error.line,
            error.column,
            error.message
        );
    };
    let (offset, len) = span_of(source, error.line, error.column);
    let diagnostic = Pointed {
        message: format!(
            "{}:{}:{}: {}",
            error.file, error.line, error.column, error.message
        ),
        code: NamedSource::new(&error.file, excerpt(source, error.line)),
        span: SourceSpan::new(offset.into(), len),
    };
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_width(100);
    if handler.render_report(&mut out, &diagnostic).is_err() {
        return format!("error: {error}\n");
    }
    out
}

/// Only the lines around the error, so a 10 MB file is not copied for one message; the
/// excerpt keeps every line before it blank-padded so miette still counts line numbers right.
fn excerpt(source: &str, line: usize) -> String {
    let first = line.saturating_sub(2).max(1);
    let mut out = String::new();
    for (number, text) in source.lines().enumerate().map(|(i, l)| (i + 1, l)) {
        if number > line + 1 {
            break;
        }
        if number >= first {
            out.push_str(text);
        }
        out.push('\n');
    }
    out
}

/// Byte offset of (line, column) within `excerpt(source, line)`, and the length to underline.
fn span_of(source: &str, line: usize, column: usize) -> (usize, usize) {
    let text = excerpt(source, line);
    let mut offset = 0;
    for (number, l) in text.split('\n').enumerate() {
        if number + 1 == line {
            let start: usize = l
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            let rest = l[start..].trim_end();
            let len = if start < l.len() {
                rest.len().max(1)
            } else {
                0
            };
            return (offset + start, len);
        }
        offset += l.len() + 1;
    }
    (text.len().saturating_sub(1), 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn points_at_the_line_with_its_number() {
        let source: Arc<str> = Arc::from("Feature: x\n  Scenario: y\n  oops here\n  Given z\n");
        let err =
            InputError::new("specs/a.feature", 3, 3, "expected a step").with_source(Some(source));
        let text = render(&err, Style { color: false });
        assert!(
            text.contains("specs/a.feature:3:3: expected a step"),
            "{text}"
        );
        assert!(text.contains(" 3 │   oops here"), "{text}");
        assert!(text.contains("here"), "{text}");
    }

    #[test]
    fn without_source_it_is_one_line() {
        let err = InputError::new("a.feature", 1, 1, "binary");
        assert_eq!(
            render(&err, Style { color: false }),
            "error: a.feature:1:1: binary\n"
        );
    }
}
