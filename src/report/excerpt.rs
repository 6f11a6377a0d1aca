//! The source lines shown under a finding: the block it points at (a scenario, an Examples
//! table, a frontmatter), or a mutant's lines before and after the change.

use crate::audit::Mutant;
use crate::desired::gherkin::{
    self, Document, Examples, FeatureChild, Flavor, RuleChild, Scenario,
};
use std::collections::{HashMap, HashSet};

/// At most this many lines of a block are shown: enough to judge, not a page.
pub(crate) const MAX_LINES: usize = 8;

/// Where a file's blocks start and, for a spec, which header each Examples row sits under:
/// read from its syntax tree, so every language is cut alike. Empty for a file that is not
/// a spec, or does not parse; blank lines and `---` still end its blocks.
#[derive(Debug, Default)]
pub(crate) struct Blocks {
    /// Feature, Background, Rule, Scenario and Examples lines, and their tags'.
    starts: HashSet<usize>,
    /// An Examples body row's line, and its header row's.
    headers: HashMap<usize, usize>,
}

impl Blocks {
    pub(crate) fn of(file: &str, source: &str) -> Blocks {
        if !crate::desired::is_feature_name(file) {
            return Blocks::default();
        }
        match gherkin::parse_with(source, Flavor::for_file(file)) {
            Ok(document) => Blocks::read(&document),
            Err(_) => Blocks::default(),
        }
    }

    /// The numbered lines a finding at `line` shows: an Examples row under its header, else
    /// the lines from `line` to the end of its block (the next blank line, block start or
    /// frontmatter `---`), at most [`MAX_LINES`].
    pub(crate) fn lines<'a>(&self, source: &'a str, line: usize) -> Vec<(usize, &'a str)> {
        let numbered = || source.lines().enumerate().map(|(i, t)| (i + 1, t));
        if let Some(&header) = self.headers.get(&line) {
            return numbered()
                .filter(|(n, _)| *n == header || *n == line)
                .collect();
        }
        let mut out = Vec::new();
        for (number, text) in numbered().skip(line.saturating_sub(1)) {
            let ends =
                text.trim().is_empty() || text.trim() == "---" || self.starts.contains(&number);
            if out.len() == MAX_LINES || (!out.is_empty() && ends) {
                break;
            }
            out.push((number, text));
        }
        out
    }

    fn read(document: &Document) -> Blocks {
        let mut blocks = Blocks::default();
        let Some(feature) = &document.feature else {
            return blocks;
        };
        blocks.starts.insert(feature.location.line);
        for child in &feature.children {
            match child {
                FeatureChild::Background(b) => {
                    blocks.starts.insert(b.location.line);
                }
                FeatureChild::Scenario(s) => blocks.scenario(s),
                FeatureChild::Rule(rule) => {
                    blocks.starts.insert(rule.location.line);
                    blocks
                        .starts
                        .extend(rule.tags.iter().map(|t| t.location.line));
                    for child in &rule.children {
                        match child {
                            RuleChild::Background(b) => {
                                blocks.starts.insert(b.location.line);
                            }
                            RuleChild::Scenario(s) => blocks.scenario(s),
                        }
                    }
                }
            }
        }
        blocks
    }

    fn scenario(&mut self, scenario: &Scenario) {
        self.starts.insert(scenario.location.line);
        self.starts
            .extend(scenario.tags.iter().map(|t| t.location.line));
        for examples in &scenario.examples {
            self.examples(examples);
        }
    }

    fn examples(&mut self, examples: &Examples) {
        self.starts.insert(examples.location.line);
        self.starts
            .extend(examples.tags.iter().map(|t| t.location.line));
        if let Some(header) = &examples.table_header {
            for row in &examples.table_body {
                self.headers.insert(row.location.line, header.location.line);
            }
        }
    }
}

/// A mutant's lines as they are and as it makes them, numbered from its line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Diff {
    pub(crate) before: Vec<(usize, String)>,
    pub(crate) after: Vec<(usize, String)>,
}

/// The lines `mutant` changes, before and after, worked out from its lines and columns (which
/// a merged document keeps, unlike byte offsets); `None` where the source no longer holds
/// its original text there.
pub(crate) fn mutated(source: &str, mutant: &Mutant) -> Option<Diff> {
    let lines: Vec<&str> = source.lines().collect();
    if mutant.line == 0 || mutant.end_line < mutant.line || mutant.end_line > lines.len() {
        return None;
    }
    let region = &lines[mutant.line - 1..mutant.end_line];
    let chars: Vec<char> = region.join("\n").chars().collect();
    let start = mutant.column.checked_sub(1)?;
    let before_last: usize = region[..region.len() - 1]
        .iter()
        .map(|l| l.chars().count() + 1)
        .sum();
    let end = before_last + mutant.end_column.checked_sub(1)?;
    if start > end || end > chars.len() {
        return None;
    }
    let original: String = chars[start..end].iter().collect();
    if original != mutant.original {
        return None;
    }
    let changed: String = chars[..start]
        .iter()
        .copied()
        .chain(mutant.replacement.chars())
        .chain(chars[end..].iter().copied())
        .collect();
    let numbered = |text: &str| -> Vec<(usize, String)> {
        text.split('\n')
            .enumerate()
            .map(|(i, l)| (mutant.line + i, l.to_string()))
            .collect()
    };
    Some(Diff {
        before: region
            .iter()
            .enumerate()
            .map(|(i, l)| (mutant.line + i, l.to_string()))
            .collect(),
        after: numbered(&changed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Operator;

    const SPEC: &str = "Feature: f\n  Scenario: a\n    Given x\n    Then y\n  @tag\n  Scenario Outline: b\n    Then <n>\n    Examples:\n      | n |\n      | 1 |\n";

    #[test]
    fn a_block_ends_before_the_next_scenario_tag_examples_or_blank_line() {
        let blocks = Blocks::of("a.feature", SPEC);
        let lines =
            |line| -> Vec<usize> { blocks.lines(SPEC, line).iter().map(|(n, _)| *n).collect() };
        assert_eq!(lines(2), vec![2, 3, 4]);
        assert_eq!(lines(6), vec![6, 7]);
        assert_eq!(lines(8), vec![8, 9, 10]);
        assert_eq!(blocks.lines(SPEC, 3)[0], (3, "    Given x"));
        assert_eq!(lines(99), Vec::<usize>::new());
    }

    #[test]
    fn an_examples_row_is_shown_under_its_header() {
        let spec = format!("{SPEC}      | 2 |\n");
        let blocks = Blocks::of("a.feature", &spec);
        assert_eq!(
            blocks.lines(&spec, 11),
            vec![(9, "      | n |"), (11, "      | 2 |")]
        );
    }

    #[test]
    fn the_same_cut_holds_in_any_language_and_at_a_frontmatter() {
        let german = "# language: de\nFunktionalität: f\n  Szenario: a\n    Dann x\n  Szenario: b\n    Dann y\n";
        let blocks = Blocks::of("specs/de.feature", german);
        assert_eq!(blocks.lines(german, 3).len(), 2);
        let aspect = "---\nname: pure\nevidence: \"true\"\n---\nThe core is pure.\n";
        let none = Blocks::of("aspects/pure.md", aspect);
        let got: Vec<_> = none.lines(aspect, 2).iter().map(|(n, _)| *n).collect();
        assert_eq!(got, vec![2, 3]);
    }

    #[test]
    fn a_long_block_is_cut_at_the_most_lines_shown() {
        let long = "Feature: f\n  Scenario: a\n".to_string() + &"    Given x\n".repeat(20);
        let blocks = Blocks::of("a.feature", &long);
        assert_eq!(blocks.lines(&long, 2).len(), MAX_LINES);
        let broken = "Feature: f\n  oops\n  more\n";
        assert_eq!(Blocks::of("b.feature", broken).lines(broken, 1).len(), 3);
    }

    fn mutant(
        line: usize,
        column: usize,
        end_line: usize,
        end_column: usize,
        original: &str,
        replacement: &str,
    ) -> Mutant {
        Mutant {
            file: "src/a.py".into(),
            line,
            column,
            end_line,
            end_column,
            start: 0,
            end: 0,
            original: original.into(),
            replacement: replacement.into(),
            operator: Operator::Comparison,
        }
    }

    #[test]
    fn a_mutant_is_applied_to_its_lines_by_column() {
        let source = "def f(a, b):\n    if a < b:\n        return 1\n";
        let diff = mutated(source, &mutant(2, 10, 2, 11, "<", "<=")).unwrap();
        assert_eq!(diff.before, vec![(2, "    if a < b:".to_string())]);
        assert_eq!(diff.after, vec![(2, "    if a <= b:".to_string())]);
        let removed = mutated(
            source,
            &mutant(2, 5, 3, 17, "if a < b:\n        return 1", "pass"),
        )
        .unwrap();
        assert_eq!(removed.before.len(), 2);
        assert_eq!(removed.after, vec![(2, "    pass".to_string())]);
    }

    #[test]
    fn a_mutant_whose_text_moved_is_none() {
        let source = "x = a + b\n";
        assert_eq!(mutated(source, &mutant(1, 7, 1, 8, "-", "+")), None);
        assert_eq!(mutated(source, &mutant(4, 1, 4, 2, "x", "y")), None);
        assert_eq!(mutated(source, &mutant(1, 0, 1, 2, "x", "y")), None);
        assert!(mutated(source, &mutant(1, 7, 1, 8, "+", "-")).is_some());
    }
}
