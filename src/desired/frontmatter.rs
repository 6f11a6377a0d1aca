//! Splits a Markdown file into its YAML frontmatter and its body, keeping the line each
//! starts at so errors inside either point at the right line of the file.

/// The two parts of a file that starts with a `---` fenced YAML block.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Frontmatter<'a> {
    pub yaml: &'a str,
    /// 1-based line of the first YAML line (the one after the opening `---`).
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line where the body starts.
    pub body_line: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum SplitError {
    /// The first line is not `---`.
    Missing,
    /// No closing `---` (or `...`) line after the opening one.
    Unclosed,
}

pub(crate) fn split(text: &str) -> Result<Frontmatter<'_>, SplitError> {
    let mut lines = line_spans(text);
    match lines.next() {
        Some((_, _, first)) if first.trim_end() == "---" => {}
        _ => return Err(SplitError::Missing),
    }
    let yaml_start = lines
        .clone()
        .next()
        .map_or(text.len(), |(start, _, _)| start);
    for (number, (start, end, line)) in lines.enumerate() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Frontmatter {
                yaml: &text[yaml_start..start],
                yaml_line: 2,
                body: &text[end..],
                body_line: number + 3,
            });
        }
    }
    Err(SplitError::Unclosed)
}

/// (start, end including the newline, text without the newline) of each line.
fn line_spans(text: &str) -> impl Iterator<Item = (usize, usize, &str)> + Clone {
    let mut offset = 0;
    std::iter::from_fn(move || {
        if offset >= text.len() {
            return None;
        }
        let start = offset;
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        offset = end;
        Some((start, end, text[start..end].trim_end_matches(['\n', '\r'])))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_from_body_with_their_lines() {
        let fm = split("---\nname: a\nevidence: x\n---\nBody line\nmore\n").unwrap();
        assert_eq!(fm.yaml, "name: a\nevidence: x\n");
        assert_eq!(fm.yaml_line, 2);
        assert_eq!(fm.body, "Body line\nmore\n");
        assert_eq!(fm.body_line, 5);
    }

    #[test]
    fn crlf_and_an_empty_block_work() {
        let fm = split("---\r\n---\r\nbody").unwrap();
        assert_eq!(fm.yaml, "");
        assert_eq!(fm.body, "body");
        assert_eq!(fm.body_line, 3);
    }

    #[test]
    fn missing_and_unclosed_are_told_apart() {
        assert_eq!(split("# Title\n"), Err(SplitError::Missing));
        assert_eq!(split(""), Err(SplitError::Missing));
        assert_eq!(split("---\nname: a\n"), Err(SplitError::Unclosed));
    }
}
