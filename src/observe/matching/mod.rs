//! Maps a runner's test cases to the scenario items it proves, by what identifies a case (file
//! and line, a row's steps, a runner's own name for it), never by position; doubt is an error.

mod files;
mod names;

pub use names::{BEHAVE_SCHEMA, Naming};

use super::report::{Case, Writer};
use crate::desired::Item;
use files::{Files, Resolved};
use std::collections::HashMap;

/// What the report says of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// This case, and no other, reports on it.
    Case(usize),
    /// A case could mean this item or another: why, for an `error` verdict.
    Ambiguous(String),
}

/// `found[i]` is what the report says of `items[i]`; `unmatched` lists the cases that name no
/// item at all.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Matched {
    pub found: Vec<Option<Found>>,
    pub unmatched: Vec<usize>,
}

/// Which items a case claims.
enum Claim {
    One(usize),
    /// Several items fit, for this reason.
    Many(Vec<usize>, String),
    None,
}

/// Matches `cases` to `items` (every scenario of the runner, selected or not, so that a case
/// about an unselected one is neither a stranger nor taken for a selected one). `files` are
/// all the project's feature files, so that a path naming another runner's file is not taken
/// for one of these; `root` is the project root, for absolute paths in reports.
pub fn match_cases(
    items: &[&Item],
    cases: &[Case],
    files: &[&str],
    root: &str,
    naming: &Naming,
) -> Matched {
    let index = Index::new(items, files, root, naming);
    let mut claims: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    let mut doubts: Vec<Vec<String>> = vec![Vec::new(); items.len()];
    let mut unmatched = Vec::new();
    for (ci, case) in cases.iter().enumerate() {
        match index.locate(case) {
            Claim::One(i) => claims[i].push(ci),
            Claim::Many(candidates, why) => {
                for i in candidates {
                    doubts[i].push(why.clone());
                }
            }
            Claim::None => unmatched.push(ci),
        }
    }
    let found = claims
        .into_iter()
        .zip(doubts)
        .map(|(claims, doubts)| settle(&claims, doubts, cases))
        .collect();
    Matched { found, unmatched }
}

/// One item's cases: a doubt makes it an error; several cases that disagree do too.
fn settle(claims: &[usize], mut doubts: Vec<String>, cases: &[Case]) -> Option<Found> {
    if let Some(first) = claims.first()
        && claims
            .iter()
            .any(|&c| cases[c].outcome != cases[*first].outcome)
    {
        let outcomes: Vec<String> = claims
            .iter()
            .map(|&c| format!("{:?}", cases[c].outcome).to_lowercase())
            .collect();
        doubts.push(format!(
            "the report has {} cases for this scenario and they disagree ({})",
            claims.len(),
            outcomes.join(", ")
        ));
    }
    if !doubts.is_empty() {
        doubts.dedup();
        return Some(Found::Ambiguous(doubts.join("\n")));
    }
    claims.first().map(|&c| Found::Case(c))
}

/// Items by file and line, by Outline, and by every name a runner gives them.
struct Index<'a> {
    items: &'a [&'a Item],
    files: Files<'a>,
    by_line: HashMap<(&'a str, usize), Vec<usize>>,
    /// cucumber-rs counts a row's line from the Examples keyword, blank lines or not.
    by_rs_line: HashMap<(&'a str, usize), Vec<usize>>,
    /// Outline rows by the Outline's line: pytest-bdd gives every row that line.
    by_outline: HashMap<(&'a str, usize), Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
}

impl<'a> Index<'a> {
    fn new(items: &'a [&'a Item], files: &[&'a str], root: &str, naming: &Naming) -> Self {
        let own = items.iter().map(|i| i.file.as_str());
        let mut index = Index {
            items,
            files: Files::new(own, root).with_others(files.iter().copied()),
            by_line: HashMap::new(),
            by_rs_line: HashMap::new(),
            by_outline: HashMap::new(),
            by_name: HashMap::new(),
        };
        for (i, item) in items.iter().enumerate() {
            let Some(s) = item.scenario() else { continue };
            let file = item.file.as_str();
            index.by_line.entry((file, item.line)).or_default().push(i);
            let rs_line = match s.example {
                Some((_, row)) => s.examples_line + row + 2,
                None => item.line,
            };
            index.by_rs_line.entry((file, rs_line)).or_default().push(i);
            if s.example.is_some() {
                let outline = (file, s.scenario_line);
                index.by_outline.entry(outline).or_default().push(i);
            }
            for name in names::names_of(item, naming) {
                index.by_name.entry(name).or_default().push(i);
            }
        }
        index
    }

    fn locate(&self, case: &Case) -> Claim {
        let Some(reported) = case.file.as_deref() else {
            return self.by_name(case, None);
        };
        match self.files.resolve(reported) {
            Resolved::File(file) => match case.line {
                Some(line) => self.at_line(case, file, line),
                None => self.by_name(case, Some(file)),
            },
            Resolved::Ambiguous(files) => {
                let candidates: Vec<usize> = files
                    .iter()
                    .flat_map(|file| match case.line {
                        Some(line) => self.near(case, file, line),
                        None => self.named_in(case, file),
                    })
                    .collect();
                // Where the name and steps tell the files' scenarios apart, that is no doubt.
                let fitting: Vec<usize> = candidates
                    .iter()
                    .copied()
                    .filter(|&i| {
                        self.items[i].name == case.name.trim_end()
                            && (case.steps.is_empty() || ran_steps(self.items[i], &case.steps))
                    })
                    .collect();
                match (candidates.len(), fitting.len()) {
                    (0, _) => return Claim::None,
                    (_, 1) => return Claim::One(fitting[0]),
                    _ => {}
                }
                let why = format!(
                    "the report names `{reported}`, which could be any of {}: give the feature files distinct names, or have the runner write paths from the project root",
                    files.join(", ")
                );
                Claim::Many(candidates, why)
            }
            Resolved::None => Claim::None,
        }
    }

    /// The item at a file and line; for an Outline's line, the row whose steps the case ran.
    fn at_line(&self, case: &Case, file: &str, line: usize) -> Claim {
        let at = self.near(case, file, line);
        if at.len() <= 1 {
            return at.first().map_or(Claim::None, |&i| Claim::One(i));
        }
        if case.steps.is_empty() {
            let why = format!(
                "the report gives `{file}:{line}`, the line of the Outline, to each of its rows, with no steps to tell them apart"
            );
            return Claim::Many(at, why);
        }
        let ran: Vec<usize> = at
            .into_iter()
            .filter(|&i| ran_steps(self.items[i], &case.steps))
            .collect();
        match ran.len() {
            0 => Claim::None,
            1 => Claim::One(ran[0]),
            _ => {
                let lines: Vec<String> = ran
                    .iter()
                    .map(|&i| self.items[i].line.to_string())
                    .collect();
                let why = format!(
                    "the report gives `{file}:{line}`, the line of the Outline, and the rows at lines {} run the same steps, so it cannot tell which ran",
                    lines.join(", ")
                );
                Claim::Many(ran, why)
            }
        }
    }

    /// The items a file and line could mean: the scenario or row there (on cucumber-rs's
    /// count for its reports), else every row of the Outline there.
    fn near(&self, case: &Case, file: &str, line: usize) -> Vec<usize> {
        let lines = if case.writer == Writer::CucumberRs {
            &self.by_rs_line
        } else {
            &self.by_line
        };
        let key = (file, line);
        match lines.get(&key) {
            Some(at) => at.clone(),
            None => self.by_outline.get(&key).cloned().unwrap_or_default(),
        }
    }

    /// The items of `file` that carry the case's name.
    fn named_in(&self, case: &Case, file: &str) -> Vec<usize> {
        let name = case.name.trim_end();
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| self.items[i].file == file)
            .collect()
    }

    /// A case that gives no line, by the names runners give scenarios.
    fn by_name(&self, case: &Case, file: Option<&str>) -> Claim {
        let name = case.name.trim_end();
        let candidates: Vec<usize> = self
            .by_name
            .get(name)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| {
                let item = self.items[i];
                file.is_none_or(|f| item.file == f)
                    && case
                        .group
                        .as_deref()
                        .is_none_or(|g| names::group_matches(item, g))
            })
            .collect();
        match candidates.len() {
            0 => Claim::None,
            1 => Claim::One(candidates[0]),
            _ => {
                let places: Vec<String> = candidates
                    .iter()
                    .map(|&i| format!("{}:{}", self.items[i].file, self.items[i].line))
                    .collect();
                let group = case
                    .group
                    .as_deref()
                    .map(|g| format!(" in `{g}`"))
                    .unwrap_or_default();
                let why = format!(
                    "the report names a case `{name}`{group} and gives no line, and {} scenarios have that name ({}): give them distinct names, or use a report that gives lines",
                    candidates.len(),
                    places.join(", ")
                );
                Claim::Many(candidates, why)
            }
        }
    }
}

/// Whether a case's steps are the item's, or its own after the Background's.
fn ran_steps(item: &Item, ran: &[String]) -> bool {
    let Some(s) = item.scenario() else {
        return false;
    };
    let texts: Vec<&str> = s.steps.iter().map(|s| s.text.as_str()).collect();
    texts.len() >= ran.len()
        && texts[texts.len() - ran.len()..]
            .iter()
            .zip(ran)
            .all(|(a, b)| *a == b.as_str())
}

#[cfg(test)]
mod tests;
