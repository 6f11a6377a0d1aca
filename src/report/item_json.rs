//! An item's JSON written straight into bytes, exactly as serde_json's pretty printer lays out
//! `Item`'s `Serialize` shape: through serde, each comma and indent was a call of its own.

use crate::desired::{Item, Step};

/// Appends `item` to `out` as serde_json's pretty printer writes an element of list's `items`
/// (two levels down the document), from its `{`. Every key comes with its line break and
/// indentation as one literal: list's document is the one place this runs, at that depth.
pub(crate) fn write(out: &mut Vec<u8>, item: &Item) {
    out.extend_from_slice(b"{\n      \"id\": ");
    string(out, &item.id);
    out.extend_from_slice(b",\n      \"kind\": ");
    string(out, item.kind.as_str());
    out.extend_from_slice(b",\n      \"file\": ");
    string(out, &item.file);
    out.extend_from_slice(b",\n      \"line\": ");
    number(out, item.line);
    out.extend_from_slice(b",\n      \"name\": ");
    string(out, &item.name);
    out.extend_from_slice(b",\n      \"tags\": ");
    strings(out, &item.tags, b"\n        ", b"\n      ]");
    if let Some(scenario) = item.scenario() {
        out.extend_from_slice(b",\n      \"steps\": ");
        steps(out, &scenario.steps);
    }
    out.extend_from_slice(b",\n      \"evidence\": ");
    match item.evidence() {
        Some(evidence) => string(out, evidence),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\n      \"generation\": ");
    string(out, &item.generation);
    if let Some(scenario) = item.scenario() {
        out.extend_from_slice(b",\n      \"feature\": ");
        string(out, &scenario.feature);
    }
    out.extend_from_slice(b"\n    }");
}

/// About how many bytes [`write`] takes for `item` (at least as many, unless its strings need
/// escaping): reserved at once, the text is not copied as it grows.
pub(crate) fn size(item: &Item) -> usize {
    let strings = |values: &[String]| values.iter().map(|v| v.len() + 12).sum::<usize>();
    let fixed = 300 + item.id.len() + item.file.len() + item.name.len() + strings(&item.tags);
    let steps = item.scenario().map_or(0, |scenario| {
        let step = |s: &Step| {
            let doc = s.doc_string.as_ref().map_or(0, |d| d.content.len() + 80);
            let table = s.data_table.as_deref().map_or(0, |rows| {
                rows.iter().map(|row| strings(row) + 20).sum::<usize>() + 20
            });
            100 + s.keyword.len() + s.text.len() + doc + table
        };
        scenario.feature.len() + scenario.steps.iter().map(step).sum::<usize>()
    });
    fixed + item.evidence().map_or(0, str::len) + item.generation.len() + steps
}

fn steps(out: &mut Vec<u8>, steps: &[Step]) {
    array(out, steps, b"\n        ", b"\n      ]", |out, step| {
        out.extend_from_slice(b"{\n          \"keyword\": ");
        string(out, &step.keyword);
        out.extend_from_slice(b",\n          \"text\": ");
        string(out, &step.text);
        if let Some(doc) = &step.doc_string {
            out.extend_from_slice(b",\n          \"doc_string\": {\n            \"content\": ");
            string(out, &doc.content);
            if let Some(media_type) = &doc.media_type {
                out.extend_from_slice(b",\n            \"media_type\": ");
                string(out, media_type);
            }
            out.extend_from_slice(b"\n          }");
        }
        if let Some(rows) = &step.data_table {
            out.extend_from_slice(b",\n          \"data_table\": ");
            array(
                out,
                rows,
                b"\n            ",
                b"\n          ]",
                |out, row| strings(out, row, b"\n              ", b"\n            ]"),
            );
        }
        out.extend_from_slice(b"\n        }");
    });
}

/// An array of strings, each on a line of its own after `indent`; `close` ends it.
fn strings(out: &mut Vec<u8>, values: &[String], indent: &[u8], close: &[u8]) {
    array(out, values, indent, close, |out, value| string(out, value));
}

/// An array as serde_json's pretty printer lays it out: `[]` when empty, else each value on
/// a line of its own after `indent`, and `close` (the line break, indent and `]`) at the end.
fn array<T>(
    out: &mut Vec<u8>,
    values: &[T],
    indent: &[u8],
    close: &[u8],
    mut value: impl FnMut(&mut Vec<u8>, &T),
) {
    if values.is_empty() {
        out.extend_from_slice(b"[]");
        return;
    }
    out.push(b'[');
    for (n, v) in values.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(indent);
        value(out, v);
    }
    out.extend_from_slice(close);
}

fn number(out: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// A JSON string escaped as serde_json escapes it: `"` and `\`, the short forms of \b \t \n
/// \f \r, `\u00XX` (lowercase hex) for every other control character, the rest as it is.
fn string(out: &mut Vec<u8>, value: &str) {
    out.push(b'"');
    let bytes = value.as_bytes();
    let (mut start, mut at) = (0, 0);
    while at < bytes.len() {
        // Eight bytes at a time while none needs escaping, as almost none does.
        if let Some(word) = bytes
            .get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            && !needs_escape(u64::from_le_bytes(word))
        {
            at += 8;
            continue;
        }
        if let Some(escaped) = escape(bytes[at]) {
            out.extend_from_slice(&bytes[start..at]);
            out.extend_from_slice(&escaped.0[..escaped.1]);
            start = at + 1;
        }
        at += 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Whether any of the eight bytes of `word` is `"`, `\\` or a control character.
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    (zero(word ^ (ONES * u64::from(b'"'))) | zero(word ^ (ONES * u64::from(b'\\'))) | below_space)
        != 0
}

/// The escape of one byte and its length, or `None` when it stands as it is.
fn escape(byte: u8) -> Option<([u8; 6], usize)> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = match byte {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        b'\t' => b't',
        b'\n' => b'n',
        0x0c => b'f',
        b'\r' => b'r',
        0x00..=0x1f => {
            let (high, low) = (HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 15)]);
            return Some(([b'\\', b'u', b'0', b'0', high, low], 6));
        }
        _ => return None,
    };
    Some(([b'\\', short, 0, 0, 0, 0], 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::DocString;
    use crate::desired::item::{Aspect, ItemKind, fixture};
    use crate::report::pretty::Pretty;
    use serde::Serialize;

    fn by_serde(item: &Item) -> String {
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, Pretty::at(2));
        item.serialize(&mut serializer).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn by_hand(item: &Item) -> String {
        let mut out = Vec::new();
        write(&mut out, item);
        String::from_utf8(out).unwrap()
    }

    /// Every kind of item and step the documents show, with strings that need escaping.
    fn items() -> Vec<Item> {
        let text = "@shop @\"q\"\nFeature: Shop \\ \"quoted\" ü\n  Background:\n    Given a shop\n\n  Scenario: Bare\n\n  Scenario Outline: Buy <n>\n    Given a table:\n      | fruit | \"q\" \\| x |\n      | apple | <n>      |\n    Then I pay\n      \"\"\"json\n      {\"n\": <n>}\t\\\n      \"\"\"\n    And a text\n      ```\n      plain\n      ```\n    And an empty table\n      | |\n    Examples:\n      | n |\n      | 1 |\n      | \\n |\n";
        let mut items = fixture::spec("specs/shop.feature", text);
        let mut odd = fixture::scenario("f::odd", "f");
        let steps = &mut fixture::scenario_mut(&mut odd).steps;
        steps.push(Step {
            keyword: "* ".into(),
            text: (0u8..0x80).map(char::from).collect(),
            doc_string: Some(DocString {
                content: String::new(),
                media_type: Some(String::new()),
            }),
            data_table: Some(vec![vec![], vec!["\u{7f}\u{1f}\u{0}".into()]]),
            line: 1,
            kind: crate::desired::gherkin::KeywordType::Unknown,
        });
        fixture::scenario_mut(&mut odd).runner = Some("default".into());
        items.push(odd);
        items.push(fixture::aspect("pure", "evidence/pure.sh --x \"y\""));
        let mut tagged = fixture::aspect("tagged", "true");
        tagged.tags = vec!["@a".into(), "@b".into()];
        tagged.kind = ItemKind::Aspect(Aspect {
            command: "sh -c 'echo \u{8}\u{c}\r'".into(),
            ..tagged.aspect().unwrap().clone()
        });
        items.push(tagged);
        items
    }

    #[test]
    fn every_item_is_byte_for_byte_what_serde_json_writes() {
        let items = items();
        assert_eq!(items.len(), 6);
        for item in &items {
            assert_eq!(by_hand(item), by_serde(item), "{}", item.id);
        }
    }

    #[test]
    fn the_size_reserved_holds_the_text_of_an_item_without_escapes() {
        for item in &items()[..3] {
            let text = by_hand(item);
            assert!(
                size(item) >= text.len(),
                "{} < {}: {text}",
                size(item),
                text.len()
            );
            assert!(size(item) < 2 * text.len() + 200, "{}: {text}", size(item));
        }
    }

    #[test]
    fn a_word_needs_escaping_exactly_when_one_of_its_bytes_does() {
        for background in [b'a', b' ', b'#', b']', 0x7f, 0x80, 0xff] {
            for byte in 0..=255u8 {
                for position in 0..8 {
                    let mut word = [background; 8];
                    word[position] = byte;
                    assert_eq!(
                        needs_escape(u64::from_le_bytes(word)),
                        escape(byte).is_some() || escape(background).is_some(),
                        "{byte:#x} at {position} among {background:#x}"
                    );
                }
            }
        }
    }
}
