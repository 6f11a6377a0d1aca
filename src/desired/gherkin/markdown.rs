//! Markdown Gherkin's token matcher: a `.feature.md` line classified as @cucumber/gherkin's
//! GherkinInMarkdownTokenMatcher does it, quirks included, so cucumber-js and specctl agree.

use super::Tag;
use super::dialect::Dialect;
use super::token::{Kind, Line, Token, is_space, table_cells, trim};

/// What the official matcher tries, in its order, before it calls a line empty: a line that
/// is none of these reads as #Empty, which is how prose between scenarios is skipped.
const NOT_EMPTY: &[Kind] = &[
    Kind::TagLine,
    Kind::FeatureLine,
    Kind::ScenarioLine,
    Kind::BackgroundLine,
    Kind::ExamplesLine,
    Kind::RuleLine,
    Kind::TableRow,
    Kind::Comment,
    Kind::Language,
    Kind::DocStringSeparator,
    Kind::StepLine,
];

/// Matcher state. Clone is cheap: lookahead probes a copy, so it changes nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct MarkdownMatcher {
    /// Until one is matched, any line is the Feature line (a document may open with prose).
    matched_feature_line: bool,
    /// The backticks that opened the doc string in progress.
    open_fence: Option<String>,
    /// Kept after a fence closes, as officially: later description lines lose that much too.
    indent_to_remove: usize,
}

impl MarkdownMatcher {
    pub(crate) fn try_match(
        &mut self,
        dialect: &'static Dialect,
        kind: Kind,
        line: &Line<'_>,
    ) -> Option<Token> {
        match kind {
            Kind::Eof | Kind::Language => None,
            Kind::Empty => self.is_empty(dialect, line).then_some(Token::Empty),
            Kind::Comment => is_table_separator(line).then_some(Token::Comment(None)),
            Kind::TagLine => tags(line).map(Token::Tags),
            Kind::FeatureLine => self.feature_line(dialect, line),
            Kind::RuleLine => heading(line, &dialect.rule),
            Kind::BackgroundLine => heading(line, &dialect.background),
            Kind::ScenarioLine => heading(line, &dialect.scenario),
            Kind::ExamplesLine => heading(line, &dialect.examples),
            Kind::StepLine => bullet_step(dialect, line),
            Kind::DocStringSeparator => self.fence(line),
            Kind::TableRow => table_row(line),
            Kind::Other => Some(Token::Other(
                line.text_without_indent(self.indent_to_remove).to_string(),
            )),
        }
    }

    /// Whether the line is of that kind, for lookahead: asked of a copy, so nothing changes.
    pub(crate) fn is_match(&self, dialect: &'static Dialect, kind: Kind, line: &Line<'_>) -> bool {
        self.clone().try_match(dialect, kind, line).is_some()
    }

    /// Blank, or nothing else. The official check runs the other matchers for real, so an
    /// unexpected fence line opens or closes a doc string here too; that is kept.
    fn is_empty(&mut self, dialect: &'static Dialect, line: &Line<'_>) -> bool {
        let blank = line.is_empty();
        let something = NOT_EMPTY
            .iter()
            .any(|&kind| self.try_match(dialect, kind, line).is_some());
        blank || !something
    }

    fn feature_line(&mut self, dialect: &'static Dialect, line: &Line<'_>) -> Option<Token> {
        if self.matched_feature_line {
            return None;
        }
        self.matched_feature_line = true;
        heading(line, &dialect.feature).or_else(|| {
            Some(Token::Title {
                keyword: "",
                name: line.trimmed.to_string(),
                column: line.indent + 1,
            })
        })
    }

    /// ```` ``` ```` or more backticks open (what follows is the media type, untrimmed); only
    /// the very same backticks alone on their line close.
    fn fence(&mut self, line: &Line<'_>) -> Option<Token> {
        match &self.open_fence {
            None => {
                let ticks = line.trimmed.len() - line.trimmed.trim_start_matches('`').len();
                if ticks < 3 {
                    return None;
                }
                let (fence, media_type) = line.trimmed.split_at(ticks);
                self.open_fence = Some(fence.to_string());
                self.indent_to_remove = line.indent;
                Some(Token::DocStringSeparator {
                    delimiter: fence.to_string(),
                    media_type: media_type.to_string(),
                })
            }
            Some(fence) if line.trimmed == fence => {
                let delimiter = fence.clone();
                self.open_fence = None;
                Some(Token::DocStringSeparator {
                    delimiter,
                    media_type: String::new(),
                })
            }
            Some(_) => None,
        }
    }
}

/// Length in UTF-16 units: the official columns after a heading or bullet and of tags are
/// JavaScript string indexes.
fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// `#`…`######`, one whitespace, then `Keyword:`.
fn heading(line: &Line<'_>, keywords: &'static [String]) -> Option<Token> {
    let text = line.trimmed;
    let hashes = text.len() - text.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let space = text[hashes..].chars().next().filter(|&c| is_space(c))?;
    let prefix = &text[..hashes + space.len_utf8()];
    let rest = &text[prefix.len()..];
    keywords.iter().find_map(|keyword| {
        let name = rest.strip_prefix(keyword.as_str())?.strip_prefix(':')?;
        Some(Token::Title {
            keyword: keyword.as_str(),
            name: trim(name).to_string(),
            column: line.indent + utf16_len(prefix) + 1,
        })
    })
}

/// A list item (`*`, `+` or `-`) that starts with a step keyword other than `* `.
fn bullet_step(dialect: &'static Dialect, line: &Line<'_>) -> Option<Token> {
    let text = line.trimmed;
    let after_bullet = text.strip_prefix(['*', '+', '-'])?;
    let rest = after_bullet.trim_start_matches(is_space);
    let prefix = &text[..text.len() - rest.len()];
    dialect
        .steps
        .iter()
        .filter(|(keyword, _)| keyword != "* ")
        .find_map(|(keyword, keyword_type)| {
            let step_text = rest.strip_prefix(keyword.as_str())?;
            Some(Token::Step {
                keyword: keyword.as_str(),
                keyword_type: *keyword_type,
                text: trim(step_text).to_string(),
                column: line.indent + utf16_len(prefix) + 1,
            })
        })
}

/// Only rows indented two to five spaces are Gherkin tables; others are Markdown's own.
fn table_row(line: &Line<'_>) -> Option<Token> {
    let indented = (2..=5).contains(&line.indent) && line.trimmed.starts_with('|');
    (indented && !is_table_separator(line)).then(|| Token::TableRow(table_cells(line)))
}

/// A Markdown table's `| --- | :-: |` row, which the official matcher reads as a comment.
fn is_table_separator(line: &Line<'_>) -> bool {
    line.trimmed.starts_with('|')
        && table_cells(line).iter().any(|cell| {
            let dashes = cell.value.strip_prefix(':').unwrap_or(&cell.value);
            let dashes = dashes.strip_suffix(':').unwrap_or(dashes);
            !dashes.is_empty() && dashes.chars().all(|c| c == '-')
        })
}

/// Every `` `@tag` `` code span of the line (the official ``/`(@[^`]+)`/g``), or `None`.
fn tags(line: &Line<'_>) -> Option<Vec<Tag>> {
    let text = line.trimmed;
    let mut tags = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find('`') {
        let open = from + found;
        let inner = &text[open + 1..];
        let span = inner.find('`').map(|close| &inner[..close]);
        match span {
            Some(name) if name.len() > 1 && name.starts_with('@') => {
                tags.push(Tag {
                    name: name.to_string(),
                    location: line.location_at(line.indent + utf16_len(&text[..open]) + 2),
                });
                from = open + 1 + name.len() + 1;
            }
            _ => from = open + 1,
        }
    }
    (!tags.is_empty()).then_some(tags)
}
