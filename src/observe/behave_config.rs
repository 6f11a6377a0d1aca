//! behave's configuration files, read for the one setting that changes what its reports say:
//! `scenario_outline_annotation_schema`, the name it gives each Outline row.

use std::path::Path;

/// The files behave reads from the folder it runs in, the later overriding the earlier.
const FILES: [&str; 5] = [
    "pyproject.toml",
    "tox.ini",
    "setup.cfg",
    ".behaverc",
    "behave.ini",
];

const KEY: &str = "scenario_outline_annotation_schema";

/// The schema a project sets for behave run from `root`, if it sets one.
pub(crate) fn outline_schema(root: &Path) -> Option<String> {
    FILES
        .iter()
        .filter_map(|name| {
            let text = std::fs::read_to_string(root.join(name)).ok()?;
            if *name == "pyproject.toml" {
                schema_in_toml(&text)
            } else {
                schema_in_ini(&text)
            }
        })
        .next_back()
}

/// `[behave]` then `scenario_outline_annotation_schema = …` (or `:`), as configparser reads it.
fn schema_in_ini(text: &str) -> Option<String> {
    let mut in_behave = false;
    let mut found = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_behave = trimmed == "[behave]";
            continue;
        }
        if !in_behave || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if let Some((key, value)) = trimmed.split_once(['=', ':'])
            && key.trim() == KEY
        {
            found = Some(value.trim().to_string());
        }
    }
    found
}

/// `[tool.behave]` then `scenario_outline_annotation_schema = "…"`.
fn schema_in_toml(text: &str) -> Option<String> {
    let mut in_behave = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_behave = trimmed == "[tool.behave]";
            continue;
        }
        if let Some((key, value)) = trimmed.split_once('=')
            && in_behave
            && key.trim() == KEY
        {
            let value = value.trim();
            let quoted = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')));
            return quoted.map(String::from);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_from_ini_and_toml_files_and_the_later_file_wins() {
        assert_eq!(
            schema_in_ini(
                "[behave]\nshow_skipped = false\nscenario_outline_annotation_schema = {name} -*- {examples.name}\n[other]\nscenario_outline_annotation_schema = no\n"
            ),
            Some("{name} -*- {examples.name}".into())
        );
        assert_eq!(
            schema_in_ini("[other]\nscenario_outline_annotation_schema = x\n"),
            None
        );
        assert_eq!(
            schema_in_toml(
                "[tool.behave]\nscenario_outline_annotation_schema = \"{name} ({row.id})\"\n"
            ),
            Some("{name} ({row.id})".into())
        );
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(outline_schema(dir.path()), None);
        std::fs::write(
            dir.path().join("setup.cfg"),
            "[behave]\nscenario_outline_annotation_schema = A\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("behave.ini"),
            "[behave]\nscenario_outline_annotation_schema = B\n",
        )
        .unwrap();
        assert_eq!(outline_schema(dir.path()), Some("B".into()));
    }
}
