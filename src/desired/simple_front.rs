//! The frontmatter most aspects have, `key: value` lines of plain or quoted strings, read
//! without a YAML parser (which cost more than all else that reading an aspect does).

use std::time::Duration;

/// An aspect's frontmatter fields; `name` and `evidence` with where their values start.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Front {
    pub name: Located,
    pub evidence: Located,
    pub timeout: Option<Duration>,
    pub inputs: Vec<String>,
}

/// A value and the 1-based line (of the YAML text) and column where it starts.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Located {
    pub value: String,
    pub line: usize,
    pub column: usize,
}

/// The fields of `yaml` when it holds nothing but the simple form: each of `name`,
/// `evidence` and optionally `timeout` and `inputs` once, on a line of its own, with a value
/// that reads the same in every YAML (no escapes, comments, anchors, tags, nor a plain word
/// YAML could take for a number, a boolean or null); `inputs` a one-line `[...]` list of such
/// values; blank lines between. `None` for anything else, which the YAML parser then reads (and
/// reports on): this gives the same fields or none at all.
pub(crate) fn read(yaml: &str) -> Option<Front> {
    let (mut name, mut evidence, mut timeout, mut inputs) = (None, None, None, None);
    for (index, line) in yaml.split('\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        if line.contains(char::is_control) {
            return None;
        }
        let (key, rest) = line.split_once(':')?;
        let value = rest.trim_start_matches(' ');
        if value.len() == rest.len() {
            return None;
        }
        let located = Located {
            value: String::new(),
            line: index + 1,
            column: line.len() - value.len() + 1,
        };
        let slot_free = match key {
            "name" => name
                .replace(Located {
                    value: scalar(value)?,
                    ..located
                })
                .is_none(),
            "evidence" => evidence
                .replace(Located {
                    value: scalar(value)?,
                    ..located
                })
                .is_none(),
            "timeout" => {
                let duration = crate::yaml::parse_duration(&scalar(value)?).ok()?;
                timeout.replace(duration).is_none()
            }
            "inputs" => inputs.replace(list(value)?).is_none(),
            _ => false,
        };
        if !slot_free {
            return None;
        }
    }
    Some(Front {
        name: name?,
        evidence: evidence?,
        timeout,
        inputs: inputs.unwrap_or_default(),
    })
}

/// A whole value that is a string in any YAML: quoted without escapes, or plain.
fn scalar(value: &str) -> Option<String> {
    let quoted = |quote: char| {
        let inner = value.strip_prefix(quote)?.strip_suffix(quote)?;
        (!inner.contains([quote, '\\'])).then(|| inner.to_string())
    };
    if value.starts_with('"') {
        return quoted('"');
    }
    if value.starts_with('\'') {
        return quoted('\'');
    }
    plain(value).then(|| value.to_string())
}

/// A plain (unquoted) value that can only read as itself: no indicator at its start, no
/// `: ` or ` #` or flow punctuation inside, no space at its end, and not a word or number
/// that a YAML schema turns into something else.
fn plain(value: &str) -> bool {
    const NOT_PLAIN: &[char] = &[
        '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@',
        '`', '.', '+', '~', ' ',
    ];
    let Some(first) = value.chars().next() else {
        return false;
    };
    let special = [
        "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes",
        "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
    ];
    // Numbers start with a digit here (a sign or a dot is refused above) and hold nothing but
    // digits, hex letters and the marks of bases, exponents, dates and times.
    let numeric = first.is_ascii_digit()
        && value
            .chars()
            .all(|c| c.is_ascii_hexdigit() || "xXoO+-._:".contains(c));
    !NOT_PLAIN.contains(&first)
        && !value.ends_with([' ', ':'])
        && !value.contains([',', '[', ']', '{', '}', '#', '"', '\'', '\t', '\r', '\\'])
        && !value.contains(": ")
        && !special.contains(&value)
        && !numeric
}

/// A one-line flow list of strings: `[]`, or `[a, "b", 'c']` with one space after each comma.
fn list(value: &str) -> Option<Vec<String>> {
    let inner = value.strip_prefix('[')?.strip_suffix(']')?;
    if inner.is_empty() {
        return Some(Vec::new());
    }
    inner.split(", ").map(scalar).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_saphyr::Spanned;

    /// The same fields as the YAML parser reads them, as `aspect.rs` asks it.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Parsed {
        name: Spanned<String>,
        evidence: Spanned<String>,
        #[serde(default, deserialize_with = "crate::yaml::duration::option")]
        timeout: Option<Duration>,
        #[serde(default)]
        inputs: Vec<String>,
    }

    fn by_parser(yaml: &str) -> Option<Front> {
        let parsed: Parsed = serde_saphyr::from_str(yaml).ok()?;
        let located = |s: Spanned<String>| Located {
            value: s.value,
            line: s.referenced.line() as usize,
            column: s.referenced.column() as usize,
        };
        Some(Front {
            name: located(parsed.name),
            evidence: located(parsed.evidence),
            timeout: parsed.timeout,
            inputs: parsed.inputs,
        })
    }

    const VALUES: &[&str] = &[
        "core-pure",
        "\"echo aspect >> spawned.log\"",
        "'single quoted'",
        "evidence/check.sh --flag",
        "a b c",
        "x:y",
        "ü-name",
        "\"\"",
        "''",
        "\"a \\\" b\"",
        "'it''s'",
        "null",
        "~",
        "true",
        "yes",
        "123",
        "1.5",
        "0x1F",
        "1e3",
        ".inf",
        "2024-01-01",
        "- item",
        "[a, b]",
        "{a: b}",
        "&anchor x",
        "*alias",
        "!tag x",
        "a # comment",
        "a: b",
        "| block",
        "> folded",
        "%x",
        "@x",
        "`x`",
        "\"unclosed",
        "trailing ",
        "30s",
        "soon",
        "1h 30m",
    ];

    const LISTS: &[&str] = &[
        "[]",
        "[\"src/core/**\"]",
        "[a, 'b', \"c\"]",
        "[a,b]",
        "[ a ]",
        "[a, [b]]",
        "[\"a, b\"]",
        "\"src\"",
        "[null]",
    ];

    fn check(yaml: &str) -> bool {
        let fast = read(yaml);
        if let Some(fast) = &fast {
            assert_eq!(Some(fast), by_parser(yaml).as_ref(), "{yaml:?}");
        }
        fast.is_some()
    }

    #[test]
    fn what_it_reads_it_reads_as_the_yaml_parser_does() {
        let mut read = 0;
        for value in VALUES {
            for other in ["x", "\"y\""] {
                read += usize::from(check(&format!("name: {value}\nevidence: {other}\n")));
                read += usize::from(check(&format!("name: {other}\nevidence:   {value}")));
                read += usize::from(check(&format!(
                    "evidence: {other}\n\nname: {other}\ntimeout: {value}\n"
                )));
            }
        }
        for list in LISTS {
            read += usize::from(check(&format!("name: n\nevidence: e\ninputs: {list}\n")));
        }
        // The common forms are read here, not handed on.
        assert!(read > 40, "{read}");
        for yaml in [
            "name: core-pure\nevidence: evidence/check.sh\ntimeout: 30s\ninputs: [\"src/core/**\"]\n",
            "name: aspect-00001\nevidence: \"echo aspect >> spawned.log\"\ntimeout: 30s\ninputs: [\"src/basket/**\"]\n",
            "name: p\nevidence: true x\n",
        ] {
            assert!(check(yaml), "{yaml}");
        }
    }

    #[test]
    fn anything_else_is_left_to_the_parser() {
        for yaml in [
            "",
            "name: x\n",
            "name: x\nevidence: y\nname: z\n",
            "name: x\nevidence: y\nevidnce: z\n",
            "name: x\nevidence: y\ntimeout: soon\n",
            "name: x\nevidence: y\ninputs:\n  - a\n",
            "name: x\r\nevidence: y\r\n",
            "name: x\nevidence: y\n  \n",
            "name: x\nevidence: y # why\n",
            "name:x\nevidence: y\n",
            " name: x\nevidence: y\n",
            "- a\n- b\n",
            "name: x\nevidence: y\ntimeout: [30s]\n",
        ] {
            assert_eq!(read(yaml), None, "{yaml:?}");
        }
    }
}
