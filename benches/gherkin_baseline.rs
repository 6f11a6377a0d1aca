//! The parse benchmark's baseline (benches/run.sh): cucumber-rs's `gherkin` crate parsing
//! every `.feature` file under a folder, printing only how many scenarios it read.
//!
//! Usage: `gherkin_baseline FOLDER`. Prints `{"files": F, "scenarios": S}`, where S counts a
//! Scenario once and an Outline once per Examples row, as specctl's items do; exits 1 on the
//! first file the crate cannot parse.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(folder) = std::env::args_os().nth(1) else {
        eprintln!("usage: gherkin_baseline FOLDER");
        return ExitCode::from(2);
    };
    let mut files = Vec::new();
    if let Err(err) = feature_files(Path::new(&folder), &mut files) {
        eprintln!("gherkin_baseline: cannot walk {}: {err}", folder.display());
        return ExitCode::FAILURE;
    }
    files.sort();
    let mut scenarios = 0;
    for file in &files {
        match gherkin::Feature::parse_path(file, gherkin::GherkinEnv::default()) {
            Ok(feature) => scenarios += count(&feature),
            Err(err) => {
                eprintln!("gherkin_baseline: {}: {err}", file.display());
                return ExitCode::FAILURE;
            }
        }
    }
    println!(r#"{{"files": {}, "scenarios": {scenarios}}}"#, files.len());
    ExitCode::SUCCESS
}

/// Every `*.feature` file under `folder`, depth first.
fn feature_files(folder: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        if path.is_dir() {
            feature_files(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "feature") {
            files.push(path);
        }
    }
    Ok(())
}

/// Scenarios as pickles: an Outline counts once per Examples body row.
fn count(feature: &gherkin::Feature) -> usize {
    let scenarios = feature
        .rules
        .iter()
        .flat_map(|rule| &rule.scenarios)
        .chain(&feature.scenarios);
    scenarios
        .map(|scenario| {
            if scenario.examples.is_empty() {
                return 1;
            }
            scenario
                .examples
                .iter()
                .filter_map(|examples| examples.table.as_ref())
                .map(|table| table.rows.len().saturating_sub(1))
                .sum()
        })
        .sum()
}
