//! An aspect file (`aspects/*.md`) becomes one item: its frontmatter names the evidence,
//! its body is what an agent reads when that evidence fails.

use super::frontmatter::{self, SplitError};
use super::item::{Aspect, Item, ItemKind, generation};
use super::simple_front::{self, Front, Located};
use crate::InputError;
use crate::yaml;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::time::Duration;

/// The frontmatter as the YAML parser reads it, for what the simple form does not cover.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Parsed {
    name: Spanned<String>,
    evidence: Spanned<String>,
    #[serde(default, deserialize_with = "yaml::duration::option")]
    timeout: Option<Duration>,
    #[serde(default)]
    inputs: Vec<String>,
}

impl From<Parsed> for Front {
    fn from(parsed: Parsed) -> Front {
        let located = |spanned: Spanned<String>| Located {
            line: spanned.referenced.line() as usize,
            column: spanned.referenced.column() as usize,
            value: spanned.value,
        };
        Front {
            name: located(parsed.name),
            evidence: located(parsed.evidence),
            timeout: parsed.timeout,
            inputs: parsed.inputs,
        }
    }
}

/// Reads one aspect file into its item.
pub(crate) fn parse(file: &str, text: &str) -> Result<Item, InputError> {
    let fm = split(file, text)?;
    let offset = fm.yaml_line - 1;
    let front = match simple_front::read(fm.yaml) {
        Some(front) => front,
        None => parse_yaml(fm.yaml, file, offset)?,
    };
    let name = front.name.value.trim().to_string();
    let name_line = front.name.line + offset;
    if name.is_empty() || name.contains('\n') {
        return Err(InputError::new(
            file,
            name_line,
            front.name.column,
            "`name` must be a non-empty, single-line name",
        ));
    }
    let command = front.evidence.value.trim().to_string();
    if command.is_empty() {
        return Err(InputError::new(
            file,
            front.evidence.line + offset,
            front.evidence.column,
            "`evidence` is empty: give the command that proves this aspect",
        ));
    }
    let timeout_text = front
        .timeout
        .map(|t| humantime::format_duration(t).to_string());
    let inputs_text = front.inputs.join("\n");
    let generation = generation([
        "aspect",
        name.as_str(),
        command.as_str(),
        timeout_text.as_deref().unwrap_or(""),
        inputs_text.as_str(),
        fm.body,
    ]);
    Ok(Item {
        id: format!("aspect:{name}"),
        file: file.to_string(),
        line: name_line,
        name,
        tags: Vec::new(),
        generation,
        kind: ItemKind::Aspect(Aspect {
            command,
            timeout: front.timeout,
            inputs: front.inputs,
            body: fm.body.to_string(),
            body_line: fm.body_line,
        }),
    })
}

fn parse_yaml(yaml: &str, file: &str, offset: usize) -> Result<Front, InputError> {
    let parsed: Parsed = yaml::from_str(yaml, file, offset).map_err(|mut err| {
        if err.message.starts_with("missing field") {
            // serde points a missing field at the start of the map; say what to add.
            err.message = format!("{}: add it to the frontmatter", err.message);
        }
        err
    })?;
    Ok(parsed.into())
}

/// The frontmatter and the body, or the error that says what is missing.
fn split<'a>(file: &str, text: &'a str) -> Result<frontmatter::Frontmatter<'a>, InputError> {
    let fm = match frontmatter::split(text) {
        Ok(fm) => fm,
        Err(SplitError::Missing) => {
            return Err(InputError::new(
                file,
                1,
                1,
                "an aspect starts with frontmatter: a `---` line, then `name:` and `evidence:`, then `---`",
            ));
        }
        Err(SplitError::Unclosed) => {
            return Err(InputError::new(
                file,
                1,
                1,
                "the frontmatter opened here never closes: end it with a `---` line",
            ));
        }
    };
    if fm.yaml.trim().is_empty() {
        return Err(InputError::new(
            file,
            fm.yaml_line,
            1,
            "the frontmatter is empty: give at least `name:` and `evidence:`",
        ));
    }
    Ok(fm)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "---\nname: core-pure\nevidence: evidence/check.sh\ntimeout: 30s\ninputs: [\"src/core/**\"]\n---\nThe core is pure.\n";

    #[test]
    fn a_good_aspect_becomes_an_item() {
        let item = parse("aspects/core.md", GOOD).unwrap();
        assert_eq!(item.id, "aspect:core-pure");
        assert_eq!(item.kind.as_str(), "aspect");
        assert_eq!(item.line, 2);
        assert_eq!(item.evidence(), Some("evidence/check.sh"));
        let src = item.aspect().unwrap();
        assert_eq!(src.timeout, Some(Duration::from_secs(30)));
        assert_eq!(src.inputs, vec!["src/core/**"]);
        assert_eq!(src.body, "The core is pure.\n");
        assert_eq!(src.body_line, 7);
    }

    #[test]
    fn the_generation_follows_the_body_and_the_binding() {
        let a = parse("a.md", GOOD).unwrap().generation;
        let b = parse("a.md", &GOOD.replace("pure.", "pure!"))
            .unwrap()
            .generation;
        let c = parse("a.md", &GOOD.replace("30s", "31s"))
            .unwrap()
            .generation;
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, parse("a.md", GOOD).unwrap().generation);
    }

    #[test]
    fn a_misspelt_key_is_an_error_at_its_line() {
        let err = parse("a.md", "---\nname: x\nevidnce: y\n---\n").unwrap_err();
        assert_eq!((err.line, err.column), (3, 1));
        assert_eq!(
            err.message,
            "unknown field `evidnce`, expected one of name, evidence, timeout, inputs"
        );
    }

    #[test]
    fn evidence_is_required() {
        let err = parse("a.md", "---\nname: x\n---\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert_eq!(
            err.message,
            "missing field `evidence`: add it to the frontmatter"
        );
    }

    #[test]
    fn frontmatter_faults_are_named() {
        let err = parse("a.md", "---\nname: x\nevidence: y\n").unwrap_err();
        assert_eq!(
            (err.line, err.message.as_str()),
            (
                1,
                "the frontmatter opened here never closes: end it with a `---` line"
            )
        );
        let err = parse("a.md", "---\n- a\n- b\n---\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert_eq!(
            err.message,
            "expected a map of `key: value` lines here, found a list or a single value"
        );
        let err = parse("a.md", "---\nname: x\nevidence: y\ntimeout: soon\n---\n").unwrap_err();
        assert_eq!((err.line, err.column), (4, 10));
        let err = parse("a.md", "# Title\n").unwrap_err();
        assert_eq!(err.line, 1);
        let err = parse("a.md", "---\nname: x\nname: y\nevidence: z\n---\n").unwrap_err();
        assert_eq!(err.line, 3);
        let err = parse("a.md", "---\nname: ''\nevidence: z\n---\n").unwrap_err();
        assert_eq!(
            (err.line, err.message.as_str()),
            (2, "`name` must be a non-empty, single-line name")
        );
    }
}
