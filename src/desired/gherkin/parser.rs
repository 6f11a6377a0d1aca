//! The Gherkin parser: the official grammar's state machine over matched lines, with the
//! official error recovery, so every error in a file is reported at its line and column.

use std::mem;

use super::ast::{
    Background, Comment, DataTable, DocString, Document, Examples, Feature, FeatureChild, Rule,
    RuleChild, Scenario, Step, TableRow,
};
use super::token::{self, Kind, Line, LineScanner, Token, TokenMatcher};
use super::{Flavor, Location, ParseError, Tag};

use Kind::{
    BackgroundLine as KBackground, Comment as KComment, DocStringSeparator as KDocSep,
    Empty as KEmpty, Eof as KEof, ExamplesLine as KExamples, FeatureLine as KFeature,
    Language as KLanguage, Other as KOther, RuleLine as KRule, ScenarioLine as KScenario,
    StepLine as KStep, TableRow as KRow, TagLine as KTag,
};

/// The official parser gives up as soon as it holds more than this many errors.
const MAX_ERRORS: usize = 10;

/// Which arguments the current step has had so far. A step may carry a data table and a doc
/// string, one of each, in either order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepArg {
    None,
    Table,
    Doc,
    TableThenDoc,
    DocThenTable,
}

/// The states of the official generated parser, folded: the Feature-level and Rule-level
/// copies behave the same (what differs is where finished nodes go, which the open nodes
/// tell), and Background steps differ from Scenario steps only in not accepting Examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    AfterLanguage,
    FeatureTags,
    FeatureLine,
    FeatureDescription,
    RuleTags,
    RuleLine,
    RuleDescription,
    BackgroundLine,
    BackgroundDescription,
    ScenarioTags,
    ScenarioLine,
    ScenarioDescription,
    ExamplesTags,
    ExamplesLine,
    ExamplesDescription,
    ExamplesTable,
    Step {
        in_scenario: bool,
        arg: StepArg,
    },
    DocString {
        in_scenario: bool,
        after_table: bool,
    },
}

// What each state accepts, in the order the official parser tries them (a line that could be
// read two ways is read the first way); the same lists make up the "expected:" messages.
const START: &[Kind] = &[KEof, KLanguage, KTag, KFeature, KComment, KEmpty];
const FEATURE_TAGS: &[Kind] = &[KTag, KFeature, KComment, KEmpty];
const HEADER: &[Kind] = &[
    KEof,
    KEmpty,
    KComment,
    KBackground,
    KTag,
    KScenario,
    KRule,
    KOther,
];
const HEADER_DESCRIPTION: &[Kind] = &[KEof, KComment, KBackground, KTag, KScenario, KRule, KOther];
const RULE_TAGS: &[Kind] = &[KTag, KRule, KComment, KEmpty];
const BACKGROUND: &[Kind] = &[
    KEof, KEmpty, KComment, KStep, KTag, KScenario, KRule, KOther,
];
const BACKGROUND_DESCRIPTION: &[Kind] = &[KEof, KComment, KStep, KTag, KScenario, KRule, KOther];
const BACKGROUND_STEP: &[Kind] = &[
    KEof, KRow, KDocSep, KStep, KTag, KScenario, KRule, KComment, KEmpty,
];
const BACKGROUND_STEP_AFTER_DOC: &[Kind] =
    &[KEof, KRow, KStep, KTag, KScenario, KRule, KComment, KEmpty];
const BACKGROUND_STEP_DONE: &[Kind] = &[KEof, KStep, KTag, KScenario, KRule, KComment, KEmpty];
const SCENARIO_TAGS: &[Kind] = &[KTag, KScenario, KComment, KEmpty];
const SCENARIO: &[Kind] = &[
    KEof, KEmpty, KComment, KStep, KTag, KExamples, KScenario, KRule, KOther,
];
const SCENARIO_DESCRIPTION: &[Kind] = &[
    KEof, KComment, KStep, KTag, KExamples, KScenario, KRule, KOther,
];
const SCENARIO_STEP: &[Kind] = &[
    KEof, KRow, KDocSep, KStep, KTag, KExamples, KScenario, KRule, KComment, KEmpty,
];
const SCENARIO_STEP_AFTER_DOC: &[Kind] = &[
    KEof, KRow, KStep, KTag, KExamples, KScenario, KRule, KComment, KEmpty,
];
const SCENARIO_STEP_DONE: &[Kind] = &[
    KEof, KStep, KTag, KExamples, KScenario, KRule, KComment, KEmpty,
];
const EXAMPLES_TAGS: &[Kind] = &[KTag, KExamples, KComment, KEmpty];
const EXAMPLES: &[Kind] = &[
    KEof, KEmpty, KComment, KRow, KTag, KExamples, KScenario, KRule, KOther,
];
const EXAMPLES_DESCRIPTION: &[Kind] = &[
    KEof, KComment, KRow, KTag, KExamples, KScenario, KRule, KOther,
];
const EXAMPLES_TABLE: &[Kind] = &[
    KEof, KRow, KTag, KExamples, KScenario, KRule, KComment, KEmpty,
];
const DOC_STRING: &[Kind] = &[KDocSep, KOther];

fn expected(state: State) -> &'static [Kind] {
    match state {
        State::Start => START,
        State::AfterLanguage | State::FeatureTags => FEATURE_TAGS,
        State::FeatureLine | State::RuleLine => HEADER,
        State::FeatureDescription | State::RuleDescription => HEADER_DESCRIPTION,
        State::RuleTags => RULE_TAGS,
        State::BackgroundLine => BACKGROUND,
        State::BackgroundDescription => BACKGROUND_DESCRIPTION,
        State::ScenarioTags => SCENARIO_TAGS,
        State::ScenarioLine => SCENARIO,
        State::ScenarioDescription => SCENARIO_DESCRIPTION,
        State::ExamplesTags => EXAMPLES_TAGS,
        State::ExamplesLine => EXAMPLES,
        State::ExamplesDescription => EXAMPLES_DESCRIPTION,
        State::ExamplesTable => EXAMPLES_TABLE,
        State::Step { in_scenario, arg } => match (in_scenario, arg) {
            (false, StepArg::None | StepArg::Table) => BACKGROUND_STEP,
            (false, StepArg::Doc | StepArg::DocThenTable) => BACKGROUND_STEP_AFTER_DOC,
            (false, StepArg::TableThenDoc) => BACKGROUND_STEP_DONE,
            (true, StepArg::None | StepArg::Table) => SCENARIO_STEP,
            (true, StepArg::Doc | StepArg::DocThenTable) => SCENARIO_STEP_AFTER_DOC,
            (true, StepArg::TableThenDoc) => SCENARIO_STEP_DONE,
        },
        State::DocString { .. } => DOC_STRING,
    }
}

struct OpenScenario {
    scenario: Scenario,
    /// Byte range of the scenario's source text, grown as its lines come.
    start: usize,
    end: usize,
}

struct OpenExamples {
    examples: Examples,
    rows: Vec<TableRow>,
}

struct OpenDocString {
    location: Location,
    delimiter: String,
    media_type: String,
    lines: Vec<String>,
}

pub(crate) fn parse(source: &str, flavor: Flavor) -> Result<Document, Vec<ParseError>> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut parser = Parser::new(source, flavor);
    parser.run();
    if parser.errors.is_empty() {
        Ok(parser.into_document())
    } else {
        Err(parser.errors)
    }
}

struct Parser<'a> {
    src: &'a str,
    lines: LineScanner<'a>,
    matcher: TokenMatcher,
    state: State,
    errors: Vec<ParseError>,
    stopped: bool,

    comments: Vec<Comment>,
    pending_tags: Vec<Tag>,
    pending_tags_start: Option<usize>,
    /// Description lines of the node whose header was just read.
    description: Vec<String>,
    feature: Option<Feature>,
    rule: Option<Rule>,
    background: Option<Background>,
    scenario: Option<OpenScenario>,
    examples: Option<OpenExamples>,
    step: Option<Step>,
    table: Option<Vec<TableRow>>,
    doc_string: Option<OpenDocString>,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, flavor: Flavor) -> Self {
        Parser {
            src,
            lines: LineScanner::new(src),
            matcher: TokenMatcher::new(flavor),
            state: State::Start,
            errors: Vec::new(),
            stopped: false,
            comments: Vec::new(),
            pending_tags: Vec::new(),
            pending_tags_start: None,
            description: Vec::new(),
            feature: None,
            rule: None,
            background: None,
            scenario: None,
            examples: None,
            step: None,
            table: None,
            doc_string: None,
        }
    }

    fn run(&mut self) {
        loop {
            let line = self.lines.next_line();
            self.match_token(line.as_ref());
            if line.is_none() || self.stopped {
                break;
            }
        }
    }

    fn into_document(self) -> Document {
        let language = match &self.feature {
            Some(feature) => feature.language.clone(),
            None => self.matcher.language().to_string(),
        };
        Document {
            language,
            feature: self.feature,
            comments: self.comments,
        }
    }

    fn add_error(&mut self, error: ParseError) {
        if self.stopped || self.errors.contains(&error) {
            return;
        }
        self.errors.push(error);
        if self.errors.len() > MAX_ERRORS {
            self.stopped = true;
        }
    }

    fn match_token(&mut self, line: Option<&Line<'_>>) {
        let kinds = expected(self.state);
        // Blank lines are frequent and can only ever read as #Empty or #Other (always listed
        // last), so where #Empty is accepted the answer is known without trying the rest.
        if line.is_some_and(|line| line.is_empty()) && kinds.contains(&KEmpty) {
            return;
        }
        for &kind in kinds {
            match self.matcher.try_match(kind, line) {
                Ok(Some(token)) => {
                    self.apply(kind, token, line);
                    return;
                }
                Ok(None) => {}
                Err(error) => {
                    self.add_error(error);
                    if self.stopped {
                        return;
                    }
                }
            }
        }
        let names: Vec<&str> = kinds.iter().map(|kind| kind.name()).collect();
        let names = names.join(", ");
        let error = match line {
            None => ParseError {
                location: Location {
                    line: self.lines.next_number(),
                    column: 0,
                },
                message: format!("unexpected end of file, expected: {names}"),
            },
            Some(line) => ParseError {
                location: line.location(),
                message: format!("expected: {names}, got '{}'", token::trim(line.trimmed)),
            },
        };
        // The state stays: the official parser skips the line and carries on.
        self.add_error(error);
    }

    /// The first line past empty, comment and tag lines: what decides whom tags belong to.
    /// Tag errors met on the way are recorded, as the official lookahead does. The official
    /// parser scans once per candidate (Examples, Scenario); every scan stops at this same
    /// line, so one scan gives the same answers.
    fn next_significant_line(&mut self) -> Option<Line<'a>> {
        let mut ahead = self.lines;
        while let Some(line) = ahead.next_line() {
            for kind in [KEmpty, KComment, KTag] {
                match self.matcher.is_match(kind, &line) {
                    Ok(true) => break,
                    Ok(false) if kind == KTag => return Some(line),
                    Ok(false) => {}
                    Err(error) => {
                        self.add_error(error);
                        return Some(line);
                    }
                }
            }
        }
        None
    }

    fn leads_to(&mut self, line: Option<&Line<'_>>, kind: Kind) -> bool {
        line.is_some_and(|line| matches!(self.matcher.is_match(kind, line), Ok(true)))
    }

    fn apply(&mut self, kind: Kind, token: Token, line: Option<&Line<'_>>) {
        if !matches!(kind, KComment | KEmpty | KOther) {
            self.flush_description();
        }
        let Some(line) = line else {
            self.close_rule();
            return;
        };
        match token {
            Token::Eof | Token::Empty => {}
            Token::Language => self.state = State::AfterLanguage,
            Token::Comment(text) => {
                if let Some(text) = text {
                    self.comments.push(Comment {
                        location: line.location_at(1),
                        text,
                    });
                }
                self.state = match self.state {
                    State::FeatureLine => State::FeatureDescription,
                    State::RuleLine => State::RuleDescription,
                    State::BackgroundLine => State::BackgroundDescription,
                    State::ScenarioLine => State::ScenarioDescription,
                    State::ExamplesLine => State::ExamplesDescription,
                    other => other,
                };
            }
            Token::Other(text) => self.on_other(text, line),
            Token::Tags(tags) => self.on_tags(tags, line),
            Token::Title {
                keyword,
                name,
                column,
            } => self.on_title(kind, keyword, name, line.location_at(column), line),
            Token::Step {
                keyword,
                keyword_type,
                text,
                column,
            } => {
                let in_scenario = !matches!(
                    self.state,
                    State::BackgroundLine
                        | State::BackgroundDescription
                        | State::Step {
                            in_scenario: false,
                            ..
                        }
                );
                self.close_step();
                self.step = Some(Step {
                    location: line.location_at(column),
                    keyword: keyword.to_string(),
                    keyword_type,
                    text,
                    doc_string: None,
                    data_table: None,
                });
                self.extend_scenario(line);
                self.state = State::Step {
                    in_scenario,
                    arg: StepArg::None,
                };
            }
            Token::DocStringSeparator {
                delimiter,
                media_type,
            } => {
                self.on_doc_string_separator(delimiter, media_type, line);
                self.extend_scenario(line);
            }
            Token::TableRow(cells) => {
                self.on_table_row(TableRow {
                    location: line.location(),
                    cells,
                });
                self.extend_scenario(line);
            }
        }
    }

    fn on_other(&mut self, text: String, line: &Line<'_>) {
        self.state = match self.state {
            State::DocString { .. } => {
                if let Some(doc) = &mut self.doc_string {
                    doc.lines.push(text);
                }
                self.extend_scenario(line);
                return;
            }
            State::FeatureLine | State::FeatureDescription => State::FeatureDescription,
            State::RuleLine | State::RuleDescription => State::RuleDescription,
            State::BackgroundLine | State::BackgroundDescription => State::BackgroundDescription,
            State::ScenarioLine | State::ScenarioDescription => State::ScenarioDescription,
            State::ExamplesLine | State::ExamplesDescription => State::ExamplesDescription,
            other => other,
        };
        self.description.push(text);
    }

    fn on_tags(&mut self, tags: Vec<Tag>, line: &Line<'_>) {
        match self.state {
            State::FeatureTags | State::RuleTags | State::ScenarioTags | State::ExamplesTags => {
                self.pending_tags.extend(tags);
                return;
            }
            State::Start | State::AfterLanguage => self.state = State::FeatureTags,
            State::ScenarioLine
            | State::ScenarioDescription
            | State::Step {
                in_scenario: true, ..
            }
            | State::ExamplesLine
            | State::ExamplesDescription
            | State::ExamplesTable => {
                // Tags here may belong to further Examples, to the next Scenario or to the next
                // Rule: only the line they lead to tells.
                let next = self.next_significant_line();
                if self.leads_to(next.as_ref(), KExamples) {
                    self.close_step();
                    self.close_examples();
                    self.state = State::ExamplesTags;
                } else {
                    self.tags_for_scenario_or_rule(next.as_ref());
                }
            }
            _ => {
                let next = self.next_significant_line();
                self.tags_for_scenario_or_rule(next.as_ref());
            }
        }
        self.pending_tags = tags;
        self.pending_tags_start = Some(line.start);
    }

    fn tags_for_scenario_or_rule(&mut self, next: Option<&Line<'_>>) {
        if self.leads_to(next, KScenario) {
            self.close_children();
            self.state = State::ScenarioTags;
        } else {
            self.close_rule();
            self.state = State::RuleTags;
        }
    }

    fn take_tags(&mut self) -> (Vec<Tag>, Option<usize>) {
        (
            mem::take(&mut self.pending_tags),
            self.pending_tags_start.take(),
        )
    }

    fn on_title(
        &mut self,
        kind: Kind,
        keyword: &str,
        name: String,
        location: Location,
        line: &Line<'_>,
    ) {
        let keyword = keyword.to_string();
        match kind {
            KFeature => {
                let (tags, _) = self.take_tags();
                self.feature = Some(Feature {
                    location,
                    tags,
                    language: self.matcher.language().to_string(),
                    keyword,
                    name,
                    description: String::new(),
                    children: Vec::new(),
                });
                self.state = State::FeatureLine;
            }
            KRule => {
                self.close_rule();
                let (tags, _) = self.take_tags();
                self.rule = Some(Rule {
                    location,
                    tags,
                    keyword,
                    name,
                    description: String::new(),
                    children: Vec::new(),
                });
                self.state = State::RuleLine;
            }
            KBackground => {
                self.background = Some(Background {
                    location,
                    keyword,
                    name,
                    description: String::new(),
                    steps: Vec::new(),
                });
                self.state = State::BackgroundLine;
            }
            KScenario => {
                self.close_children();
                let (tags, start) = self.take_tags();
                self.scenario = Some(OpenScenario {
                    scenario: Scenario {
                        location,
                        tags,
                        keyword,
                        name,
                        description: String::new(),
                        steps: Vec::new(),
                        examples: Vec::new(),
                        source_text: String::new(),
                    },
                    start: start.unwrap_or(line.start),
                    end: line.end,
                });
                self.state = State::ScenarioLine;
            }
            KExamples => {
                self.close_step();
                self.close_examples();
                let (tags, _) = self.take_tags();
                self.examples = Some(OpenExamples {
                    examples: Examples {
                        location,
                        tags,
                        keyword,
                        name,
                        description: String::new(),
                        table_header: None,
                        table_body: Vec::new(),
                    },
                    rows: Vec::new(),
                });
                self.extend_scenario(line);
                self.state = State::ExamplesLine;
            }
            _ => {}
        }
    }

    fn on_doc_string_separator(&mut self, delimiter: String, media_type: String, line: &Line<'_>) {
        let open = |in_scenario, after_table| {
            (
                OpenDocString {
                    location: line.location(),
                    delimiter,
                    media_type,
                    lines: Vec::new(),
                },
                State::DocString {
                    in_scenario,
                    after_table,
                },
            )
        };
        match self.state {
            State::Step {
                in_scenario,
                arg: StepArg::None,
            } => {
                let (doc, state) = open(in_scenario, false);
                self.doc_string = Some(doc);
                self.state = state;
            }
            State::Step {
                in_scenario,
                arg: StepArg::Table,
            } => {
                self.close_table();
                let (doc, state) = open(in_scenario, true);
                self.doc_string = Some(doc);
                self.state = state;
            }
            State::DocString {
                in_scenario,
                after_table,
            } => {
                if let (Some(doc), Some(step)) = (self.doc_string.take(), &mut self.step) {
                    step.doc_string = Some(DocString {
                        location: doc.location,
                        media_type: (!doc.media_type.is_empty()).then_some(doc.media_type),
                        content: doc.lines.join("\n"),
                        delimiter: doc.delimiter,
                    });
                }
                self.state = State::Step {
                    in_scenario,
                    arg: if after_table {
                        StepArg::TableThenDoc
                    } else {
                        StepArg::Doc
                    },
                };
            }
            _ => {}
        }
    }

    fn on_table_row(&mut self, row: TableRow) {
        match self.state {
            State::ExamplesLine | State::ExamplesDescription | State::ExamplesTable => {
                if let Some(examples) = &mut self.examples {
                    examples.rows.push(row);
                }
                self.state = State::ExamplesTable;
            }
            State::Step { in_scenario, arg } => {
                let arg = match arg {
                    StepArg::None => StepArg::Table,
                    StepArg::Doc => StepArg::DocThenTable,
                    other => other,
                };
                self.table.get_or_insert_with(Vec::new).push(row);
                self.state = State::Step { in_scenario, arg };
            }
            _ => {}
        }
    }

    fn extend_scenario(&mut self, line: &Line<'_>) {
        if let Some(open) = &mut self.scenario {
            open.end = line.end;
        }
    }

    fn flush_description(&mut self) {
        if self.description.is_empty() {
            return;
        }
        let mut lines = mem::take(&mut self.description);
        // Trailing blank lines are the gap before what follows, not part of the text.
        while lines
            .last()
            .is_some_and(|text| text.trim_start_matches(token::is_space).is_empty())
        {
            lines.pop();
        }
        let text = lines.join("\n");
        let target = match self.state {
            State::FeatureLine | State::FeatureDescription => {
                self.feature.as_mut().map(|n| &mut n.description)
            }
            State::RuleLine | State::RuleDescription => {
                self.rule.as_mut().map(|n| &mut n.description)
            }
            State::BackgroundLine | State::BackgroundDescription => {
                self.background.as_mut().map(|n| &mut n.description)
            }
            State::ScenarioLine | State::ScenarioDescription => {
                self.scenario.as_mut().map(|n| &mut n.scenario.description)
            }
            State::ExamplesLine | State::ExamplesDescription => {
                self.examples.as_mut().map(|n| &mut n.examples.description)
            }
            _ => None,
        };
        if let Some(description) = target {
            *description = text;
        }
    }

    /// The official AST builder's check, made when a table ends.
    fn check_cell_count(&mut self, rows: &[TableRow]) -> bool {
        let Some(first) = rows.first() else {
            return true;
        };
        match rows.iter().find(|row| row.cells.len() != first.cells.len()) {
            Some(row) => {
                self.add_error(ParseError {
                    location: row.location,
                    message: "inconsistent cell count within the table".to_string(),
                });
                false
            }
            None => true,
        }
    }

    fn close_table(&mut self) {
        let Some(rows) = self.table.take() else {
            return;
        };
        if !self.check_cell_count(&rows) {
            return;
        }
        if let (Some(step), Some(first)) = (&mut self.step, rows.first()) {
            step.data_table = Some(DataTable {
                location: first.location,
                rows,
            });
        }
    }

    fn close_step(&mut self) {
        self.close_table();
        let Some(step) = self.step.take() else {
            return;
        };
        if let Some(background) = &mut self.background {
            background.steps.push(step);
        } else if let Some(open) = &mut self.scenario {
            open.scenario.steps.push(step);
        }
    }

    fn close_examples(&mut self) {
        let Some(open) = self.examples.take() else {
            return;
        };
        let mut examples = open.examples;
        if self.check_cell_count(&open.rows) {
            let mut rows = open.rows.into_iter();
            examples.table_header = rows.next();
            examples.table_body = rows.collect();
        }
        if let Some(scenario) = &mut self.scenario {
            scenario.scenario.examples.push(examples);
        }
    }

    fn close_scenario(&mut self) {
        self.close_step();
        self.close_examples();
        let Some(open) = self.scenario.take() else {
            return;
        };
        let mut scenario = open.scenario;
        scenario.source_text = self
            .src
            .get(open.start..open.end)
            .unwrap_or_default()
            .to_string();
        if let Some(rule) = &mut self.rule {
            rule.children.push(RuleChild::Scenario(scenario));
        } else if let Some(feature) = &mut self.feature {
            feature.children.push(FeatureChild::Scenario(scenario));
        }
    }

    fn close_background(&mut self) {
        self.close_step();
        let Some(background) = self.background.take() else {
            return;
        };
        if let Some(rule) = &mut self.rule {
            rule.children.push(RuleChild::Background(background));
        } else if let Some(feature) = &mut self.feature {
            feature.children.push(FeatureChild::Background(background));
        }
    }

    /// Closes the Background or Scenario in progress, whether in a Rule or not.
    fn close_children(&mut self) {
        self.close_background();
        self.close_scenario();
    }

    fn close_rule(&mut self) {
        self.close_children();
        if let (Some(rule), Some(feature)) = (self.rule.take(), &mut self.feature) {
            feature.children.push(FeatureChild::Rule(rule));
        }
    }
}
