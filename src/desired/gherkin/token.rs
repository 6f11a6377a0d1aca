//! The token matcher: one line of a feature file classified (Feature line, step, table
//! row, doc string separator, tag line…) in the file's dialect.

use super::dialect::{self, Dialect};
use super::markdown::MarkdownMatcher;
use super::{Flavor, KeywordType, Location, ParseError, TableCell, Tag};

/// Whitespace as JavaScript's `\s` and `trim()` see it: the reference implementation's
/// definition, which differs from `char::is_whitespace` (it has U+FEFF, lacks U+0085).
pub(crate) fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

pub(crate) fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Table cells keep newlines (from `\n` escapes) and other Unicode spaces, as officially.
fn is_cell_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{b}' | '\u{c}' | '\r' | '\u{85}' | '\u{a0}'
    )
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    pub(crate) number: usize,
    /// Without its line terminator.
    pub(crate) text: &'a str,
    /// `text` without leading whitespace.
    pub(crate) trimmed: &'a str,
    /// Leading whitespace, in characters.
    pub(crate) indent: usize,
    /// Byte range of `text` in the source.
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Line<'_> {
    pub(crate) fn location(&self) -> Location {
        self.location_at(self.indent + 1)
    }

    pub(crate) fn location_at(&self, column: usize) -> Location {
        Location {
            line: self.number,
            column,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.trimmed.is_empty()
    }

    /// The line minus `indent_to_remove` leading characters, or minus all its indentation when
    /// it has less than that.
    pub(crate) fn text_without_indent(&self, indent_to_remove: usize) -> &str {
        if indent_to_remove > self.indent {
            return self.trimmed;
        }
        match self.text.char_indices().nth(indent_to_remove) {
            Some((at, _)) => &self.text[at..],
            None => "",
        }
    }
}

/// Splits the source into lines like the reference scanner: on `\n` or `\r\n`, and a last
/// line holding only whitespace is not a line at all (so EOF is reported right after the last
/// real line).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineScanner<'a> {
    src: &'a str,
    pos: usize,
    limit: usize,
    number: usize,
}

impl<'a> LineScanner<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        let tail_start = src.rfind('\n').map_or(0, |at| at + 1);
        let limit = if trim(&src[tail_start..]).is_empty() {
            tail_start
        } else {
            src.len()
        };
        LineScanner {
            src,
            pos: 0,
            limit,
            number: 0,
        }
    }

    /// Line number the next token (a line or EOF) will carry.
    pub(crate) fn next_number(&self) -> usize {
        self.number + 1
    }

    pub(crate) fn next_line(&mut self) -> Option<Line<'a>> {
        if self.pos >= self.limit {
            return None;
        }
        let rest = &self.src[self.pos..self.limit];
        let (raw, advance) = match rest.find('\n') {
            Some(at) => {
                let raw = &rest[..at];
                (raw.strip_suffix('\r').unwrap_or(raw), at + 1)
            }
            None => (rest, rest.len()),
        };
        let start = self.pos;
        self.pos += advance;
        self.number += 1;
        let trimmed = raw.trim_start_matches(is_space);
        let indent = raw[..raw.len() - trimmed.len()].chars().count();
        Some(Line {
            number: self.number,
            text: raw,
            trimmed,
            indent,
            start,
            end: start + raw.len(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Eof,
    Empty,
    Comment,
    TagLine,
    FeatureLine,
    RuleLine,
    BackgroundLine,
    ScenarioLine,
    ExamplesLine,
    StepLine,
    DocStringSeparator,
    TableRow,
    Language,
    Other,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Eof => "#EOF",
            Kind::Empty => "#Empty",
            Kind::Comment => "#Comment",
            Kind::TagLine => "#TagLine",
            Kind::FeatureLine => "#FeatureLine",
            Kind::RuleLine => "#RuleLine",
            Kind::BackgroundLine => "#BackgroundLine",
            Kind::ScenarioLine => "#ScenarioLine",
            Kind::ExamplesLine => "#ExamplesLine",
            Kind::StepLine => "#StepLine",
            Kind::DocStringSeparator => "#DocStringSeparator",
            Kind::TableRow => "#TableRow",
            Kind::Language => "#Language",
            Kind::Other => "#Other",
        }
    }
}

#[derive(Debug)]
pub(crate) enum Token {
    Eof,
    Empty,
    /// The line as the AST keeps it; `None` for a line that reads as a comment but is not kept
    /// (Markdown's table separator row `| --- |`, as officially).
    Comment(Option<String>),
    Tags(Vec<Tag>),
    /// Feature, Rule, Background, Scenario (Outline) or Examples line. `column` is where the
    /// keyword starts (after a Markdown heading's `#`s).
    Title {
        keyword: &'static str,
        name: String,
        column: usize,
    },
    /// `column` is where the keyword starts (after a Markdown bullet).
    Step {
        keyword: &'static str,
        keyword_type: KeywordType,
        text: String,
        column: usize,
    },
    DocStringSeparator {
        delimiter: String,
        media_type: String,
    },
    TableRow(Vec<TableCell>),
    Language,
    Other(String),
}

const DOC_QUOTES: &str = "\"\"\"";
const DOC_BACKTICKS: &str = "```";
/// behave's third delimiter, accepted only in [`Flavor::Behave`].
const DOC_SINGLE_QUOTES: &str = "'''";

/// Decides what a line is, given what the parser is ready to accept. Stateful like the
/// official one: the dialect follows `# language:` and an open doc string changes how lines
/// read until its own delimiter closes it.
pub(crate) struct TokenMatcher {
    dialect: &'static Dialect,
    active_doc_string: Option<&'static str>,
    indent_to_remove: usize,
    behave_doc_strings: bool,
    /// Set for Markdown Gherkin, which classifies every line its own way.
    markdown: Option<MarkdownMatcher>,
}

impl TokenMatcher {
    pub(crate) fn new(flavor: Flavor) -> Self {
        TokenMatcher {
            dialect: dialect::default_dialect(),
            active_doc_string: None,
            indent_to_remove: 0,
            behave_doc_strings: flavor == Flavor::Behave,
            markdown: (flavor == Flavor::Markdown).then(MarkdownMatcher::default),
        }
    }

    pub(crate) fn language(&self) -> &'static str {
        &self.dialect.name
    }

    /// `Ok(None)` when the line is not of that kind; `Err` when it is but is malformed (the
    /// official parser then records the error and treats the line as not of that kind).
    pub(crate) fn try_match(
        &mut self,
        kind: Kind,
        line: Option<&Line<'_>>,
    ) -> Result<Option<Token>, ParseError> {
        let Some(line) = line else {
            return Ok((kind == Kind::Eof).then_some(Token::Eof));
        };
        let dialect = self.dialect;
        if let Some(markdown) = &mut self.markdown {
            return Ok(markdown.try_match(dialect, kind, line));
        }
        Ok(match kind {
            Kind::Eof => None,
            Kind::Empty => line.is_empty().then_some(Token::Empty),
            Kind::Comment => line
                .trimmed
                .starts_with('#')
                .then(|| Token::Comment(Some(line.text.to_string()))),
            Kind::TagLine => {
                if line.trimmed.starts_with('@') {
                    Some(Token::Tags(tags(line)?))
                } else {
                    None
                }
            }
            Kind::FeatureLine => title(line, &dialect.feature),
            Kind::RuleLine => title(line, &dialect.rule),
            Kind::BackgroundLine => title(line, &dialect.background),
            Kind::ScenarioLine => title(line, &dialect.scenario),
            Kind::ExamplesLine => title(line, &dialect.examples),
            Kind::StepLine => dialect.steps.iter().find_map(|(keyword, keyword_type)| {
                line.trimmed
                    .strip_prefix(keyword.as_str())
                    .map(|rest| Token::Step {
                        keyword: keyword.as_str(),
                        keyword_type: *keyword_type,
                        text: trim(rest).to_string(),
                        column: line.indent + 1,
                    })
            }),
            Kind::DocStringSeparator => self.doc_string_separator(line),
            Kind::TableRow => line
                .trimmed
                .starts_with('|')
                .then(|| Token::TableRow(table_cells(line))),
            Kind::Language => match language_header(line.trimmed) {
                Some(name) => match dialect::get(name) {
                    Some(found) => {
                        self.dialect = found;
                        Some(Token::Language)
                    }
                    None => {
                        return Err(ParseError {
                            location: line.location(),
                            message: format!("Language not supported: {name}"),
                        });
                    }
                },
                None => None,
            },
            Kind::Other => Some(Token::Other(self.other_text(line))),
        })
    }

    /// Whether the line is of that kind, building nothing: lookahead only needs to know.
    pub(crate) fn is_match(&mut self, kind: Kind, line: &Line<'_>) -> Result<bool, ParseError> {
        if let Some(markdown) = &self.markdown {
            return Ok(markdown.is_match(self.dialect, kind, line));
        }
        match kind {
            Kind::Empty => Ok(line.is_empty()),
            Kind::Comment => Ok(line.trimmed.starts_with('#')),
            Kind::TagLine if line.trimmed.starts_with('@') => {
                scan_tags(line, |_, _| {}).map(|()| true)
            }
            Kind::TagLine => Ok(false),
            Kind::ScenarioLine => Ok(title_keyword(line, &self.dialect.scenario).is_some()),
            Kind::ExamplesLine => Ok(title_keyword(line, &self.dialect.examples).is_some()),
            _ => self
                .try_match(kind, Some(line))
                .map(|token| token.is_some()),
        }
    }

    fn doc_string_separator(&mut self, line: &Line<'_>) -> Option<Token> {
        match self.active_doc_string {
            None => {
                let behave = self.behave_doc_strings.then_some(DOC_SINGLE_QUOTES);
                let delimiter = [Some(DOC_QUOTES), Some(DOC_BACKTICKS), behave]
                    .into_iter()
                    .flatten()
                    .find(|d| line.trimmed.starts_with(d))?;
                self.active_doc_string = Some(delimiter);
                self.indent_to_remove = line.indent;
                Some(Token::DocStringSeparator {
                    delimiter: delimiter.to_string(),
                    media_type: trim(&line.trimmed[delimiter.len()..]).to_string(),
                })
            }
            Some(delimiter) => {
                if !line.trimmed.starts_with(delimiter) {
                    return None;
                }
                self.active_doc_string = None;
                self.indent_to_remove = 0;
                Some(Token::DocStringSeparator {
                    delimiter: delimiter.to_string(),
                    media_type: String::new(),
                })
            }
        }
    }

    fn other_text(&self, line: &Line<'_>) -> String {
        let text = line.text_without_indent(self.indent_to_remove);
        // Every escaped delimiter is restored (Java and Go do so; JavaScript only the first).
        match self.active_doc_string {
            Some(DOC_QUOTES) if text.contains("\\\"\\\"\\\"") => {
                text.replace("\\\"\\\"\\\"", DOC_QUOTES)
            }
            Some(DOC_BACKTICKS) if text.contains("\\`\\`\\`") => {
                text.replace("\\`\\`\\`", DOC_BACKTICKS)
            }
            _ => text.to_string(),
        }
    }
}

/// The keyword of a `Keyword:` line, and what follows the colon.
fn title_keyword<'l>(
    line: &Line<'l>,
    keywords: &'static [String],
) -> Option<(&'static str, &'l str)> {
    keywords.iter().find_map(|keyword| {
        let rest = line
            .trimmed
            .strip_prefix(keyword.as_str())?
            .strip_prefix(':')?;
        Some((keyword.as_str(), rest))
    })
}

fn title(line: &Line<'_>, keywords: &'static [String]) -> Option<Token> {
    title_keyword(line, keywords).map(|(keyword, rest)| Token::Title {
        keyword,
        name: trim(rest).to_string(),
        column: line.indent + 1,
    })
}

/// `# language: xx` (the official `^\s*#\s*language\s*:\s*([a-zA-Z\-_]+)\s*$`).
fn language_header(trimmed: &str) -> Option<&str> {
    let rest = trimmed.trim_start_matches(is_space).strip_prefix('#')?;
    let rest = rest.trim_start_matches(is_space).strip_prefix("language")?;
    let rest = rest.trim_start_matches(is_space).strip_prefix(':')?;
    let rest = rest.trim_start_matches(is_space);
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphabetic() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(name_len);
    (!name.is_empty() && after.chars().all(is_space)).then_some(name)
}

/// Walks the tags of a tag line with the official column arithmetic, giving each name
/// (without its `@`) and column, or the official error for a tag holding whitespace. Text after
/// whitespace followed by `#` is a comment.
fn scan_tags<'l>(line: &Line<'l>, mut found: impl FnMut(&'l str, usize)) -> Result<(), ParseError> {
    let trimmed = line.trimmed;
    let comment = trimmed.match_indices('#').find_map(|(at, _)| {
        let before = trimmed[..at].chars().next_back()?;
        is_space(before).then(|| at - before.len_utf8())
    });
    let uncommented = comment.map_or(trimmed, |at| &trimmed[..at]);
    let mut column = line.indent + 1;
    for item in uncommented.split('@') {
        let name = item.trim_end_matches(is_space);
        // Empty items do not advance the column, as officially (only matters for "@@").
        if name.is_empty() {
            continue;
        }
        if name.chars().any(is_space) {
            return Err(ParseError {
                location: line.location_at(column),
                message: "A tag may not contain whitespace".to_string(),
            });
        }
        found(name, column);
        column += item.chars().count() + 1;
    }
    Ok(())
}

fn tags(line: &Line<'_>) -> Result<Vec<Tag>, ParseError> {
    let mut tags = Vec::new();
    scan_tags(line, |name, column| {
        let mut full = String::with_capacity(name.len() + 1);
        full.push('@');
        full.push_str(name);
        tags.push(Tag {
            name: full,
            location: line.location_at(column),
        });
    })?;
    Ok(tags)
}

/// Cells between pipes; what comes before the first pipe and after the last one is ignored.
/// `\|`, `\\` and `\n` are escapes; any other backslash stays.
pub(crate) fn table_cells(line: &Line<'_>) -> Vec<TableCell> {
    let mut cells = Vec::new();
    let mut chars = line.trimmed.chars();
    let mut cell = String::new();
    // Character positions, not bytes: columns count characters.
    let mut position = 0usize;
    let mut cell_start = 1usize;
    let mut seen_first_pipe = false;
    while let Some(c) = chars.next() {
        position += 1;
        match c {
            '|' => {
                if seen_first_pipe {
                    let value = cell.trim_matches(is_cell_space);
                    let leading = cell.len() - cell.trim_start_matches(is_cell_space).len();
                    let leading_chars = cell[..leading].chars().count();
                    cells.push(TableCell {
                        location: line.location_at(line.indent + cell_start + leading_chars),
                        value: value.to_string(),
                    });
                }
                seen_first_pipe = true;
                cell.clear();
                cell_start = position + 1;
            }
            '\\' => match chars.next() {
                Some(escaped) => {
                    position += 1;
                    match escaped {
                        'n' => cell.push('\n'),
                        '|' | '\\' => cell.push(escaped),
                        other => {
                            cell.push('\\');
                            cell.push(other);
                        }
                    }
                }
                None => cell.push('\\'),
            },
            other => cell.push(other),
        }
    }
    cells
}
