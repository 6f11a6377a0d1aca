//! Typed YAML reading with positions: every error names the line and column it is about.
//! Shared by specctl.yaml and aspect frontmatter.

use crate::InputError;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Deserializes `text`, which starts at line `line_offset + 1` of `file`.
pub(crate) fn from_str<T: DeserializeOwned>(
    text: &str,
    file: &str,
    line_offset: usize,
) -> Result<T, InputError> {
    serde_saphyr::from_str::<T>(text).map_err(|err| {
        let (line, column) = err
            .location()
            .map(|l| (l.line() as usize, l.column() as usize))
            .unwrap_or((1, 1));
        InputError::new(file, line + line_offset, column, clean_message(&err))
    })
}

/// serde-saphyr's messages carry their own position and, for duplicates, advice about its API;
/// the user needs neither.
fn clean_message(err: &serde_saphyr::Error) -> String {
    let text = err.without_snippet().to_string();
    let text = match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    };
    if let Some(rest) = text.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return format!("duplicate key `{key}`: a key may appear once; remove one of them");
    }
    if text.starts_with("expected mapping start") || text.starts_with("invalid type: sequence") {
        return "expected a map of `key: value` lines here, found a list or a single value".into();
    }
    if text.starts_with("unexpected end of input") {
        return "expected a map of `key: value` lines, found nothing".into();
    }
    text
}

/// Parses `30s`, `5m`, `1h 30m`: a number alone is refused because its unit would be a guess.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text.trim()).map_err(|_| {
        format!("invalid duration `{text}`: write a number with a unit, such as 30s, 5m or 1h")
    })
}

pub(crate) mod duration {
    use serde::{Deserialize, Deserializer};
    use std::time::Duration;

    pub(crate) fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_duration(&text)
            .map(Some)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Probe {
        name: String,
        #[serde(default, deserialize_with = "duration::option")]
        timeout: Option<Duration>,
    }

    #[test]
    fn unknown_key_points_at_its_line_after_the_offset() {
        let err = from_str::<Probe>("name: a\nnmae: b\n", "x.md", 1).unwrap_err();
        assert_eq!((err.file.as_str(), err.line, err.column), ("x.md", 3, 1));
        assert_eq!(
            err.message,
            "unknown field `nmae`, expected one of name, timeout"
        );
    }

    #[test]
    fn duplicate_key_is_an_error_at_the_second() {
        let err = from_str::<Probe>("name: a\nname: b\n", "x.md", 0).unwrap_err();
        assert_eq!(err.line, 2);
        assert_eq!(
            err.message,
            "duplicate key `name`: a key may appear once; remove one of them"
        );
    }

    #[test]
    fn a_list_is_not_a_map() {
        let err = from_str::<Probe>("- a\n- b\n", "x.md", 0).unwrap_err();
        assert_eq!(err.line, 1);
        assert_eq!(
            err.message,
            "expected a map of `key: value` lines here, found a list or a single value"
        );
    }

    #[test]
    fn durations_need_a_unit() {
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5400)));
        assert!(parse_duration("30").is_err());
        let err = from_str::<Probe>("name: a\ntimeout: soon\n", "x.md", 0).unwrap_err();
        assert_eq!((err.line, err.column), (2, 10));
        assert_eq!(
            err.message,
            "invalid duration `soon`: write a number with a unit, such as 30s, 5m or 1h"
        );
    }
}
