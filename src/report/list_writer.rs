//! `specctl list --format json`'s document written item by item as the files are read, so no
//! more than one file's items are ever held: `summary` (known only at the end) follows `items`.

use super::item_json;
use super::json::{Summary, VERSION};
use super::pretty::Pretty;
use crate::InputError;
use crate::desired::Item;
use serde::Serialize;
use std::io::{self, Write};

/// The document under way: its head is written, then each file's entries, then the tail.
pub struct ListWriter<W: Write> {
    out: W,
    total: usize,
}

/// Items laid out as the document shows them, ready to be written: made on the thread that
/// read their file, so laying out keeps pace with reading.
#[derive(Debug, Default)]
pub struct Entries {
    /// The items' texts, one after another, without separators.
    text: Vec<u8>,
    ends: Vec<usize>,
}

impl Entries {
    pub fn of<'a>(items: impl IntoIterator<Item = &'a Item>) -> Entries {
        let items: Vec<&Item> = items.into_iter().collect();
        let size = items.iter().map(|item| item_json::size(item)).sum();
        let mut entries = Entries {
            text: Vec::with_capacity(size),
            ends: Vec::with_capacity(items.len()),
        };
        for item in items {
            item_json::write(&mut entries.text, item);
            entries.ends.push(entries.text.len());
        }
        entries
    }
}

impl<W: Write> ListWriter<W> {
    /// Writes the document's head: its `version`, and `items` opened.
    pub fn begin(mut out: W) -> io::Result<Self> {
        write!(out, "{{\n  \"version\": {VERSION},\n  \"items\": [")?;
        Ok(ListWriter { out, total: 0 })
    }

    /// Writes the items of `entries`, each where serde_json's pretty printer would put it in
    /// the whole document.
    pub fn entries(&mut self, entries: &Entries) -> io::Result<()> {
        let mut start = 0;
        for &end in &entries.ends {
            let separator: &[u8] = if self.total == 0 {
                b"\n    "
            } else {
                b",\n    "
            };
            self.out.write_all(separator)?;
            self.out.write_all(&entries.text[start..end])?;
            self.total += 1;
            start = end;
        }
        Ok(())
    }

    /// Closes `items` and writes `summary`, `errors` and `warnings`; returns the writer,
    /// flushed.
    pub fn finish(mut self, errors: &[InputError], warnings: &[String]) -> io::Result<W> {
        let out = &mut self.out;
        out.write_all(if self.total == 0 { b"]" } else { b"\n  ]" })?;
        out.write_all(b",\n  \"summary\": ")?;
        write_at(out, 1, &Summary { total: self.total })?;
        out.write_all(b",\n  \"errors\": ")?;
        write_at(out, 1, errors)?;
        out.write_all(b",\n  \"warnings\": ")?;
        write_at(out, 1, warnings)?;
        out.write_all(b"\n}\n")?;
        out.flush()?;
        Ok(self.out)
    }
}

/// Writes `value` laid out as serde_json's pretty printer does `depth` levels down a document.
fn write_at<W: Write, T: Serialize + ?Sized>(
    out: &mut W,
    depth: usize,
    value: &T,
) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, Pretty::at(depth));
    value.serialize(&mut serializer).map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::item::fixture;

    /// The whole document as serde_json writes it in one go, in list's key order.
    #[derive(Serialize)]
    struct Whole<'a> {
        version: u32,
        items: &'a [Item],
        summary: Summary,
        errors: &'a [InputError],
        warnings: &'a [String],
    }

    fn streamed(items: &[Item], errors: &[InputError], warnings: &[String]) -> String {
        let mut writer = ListWriter::begin(Vec::new()).unwrap();
        // In uneven parts, as files hold them.
        for part in items.chunks(2) {
            writer.entries(&Entries::of(part)).unwrap();
        }
        writer.entries(&Entries::of(&[])).unwrap();
        String::from_utf8(writer.finish(errors, warnings).unwrap()).unwrap()
    }

    fn whole(items: &[Item], errors: &[InputError], warnings: &[String]) -> String {
        let doc = Whole {
            version: VERSION,
            items,
            summary: Summary { total: items.len() },
            errors,
            warnings,
        };
        serde_json::to_string_pretty(&doc).unwrap() + "\n"
    }

    #[test]
    fn the_streamed_document_is_byte_for_byte_serde_jsons_pretty_one() {
        let text = "@shop\nFeature: Shop\n  Scenario Outline: Buy <n>\n    Given a shop with:\n      | fruit | \"q\" |\n      | apple | <n> |\n    Then I pay\n      \"\"\"json\n      {\"n\": <n>}\n      \"\"\"\n    Examples:\n      | n |\n      | 1 |\n      | 2 |\n";
        let mut items = fixture::spec("specs/shop.feature", text);
        items.push(fixture::aspect("pure", "evidence/pure.sh"));
        let errors = [InputError::new(
            "specs/bad.feature",
            3,
            5,
            "expected: \"x\"\n",
        )];
        let warnings = ["specs/loop: a symlink loop, not followed".to_string()];
        for (items, errors, warnings) in [
            (&items[..], &errors[..], &warnings[..]),
            (&items[..1], &[][..], &[][..]),
            (&[][..], &errors[..], &[][..]),
            (&[][..], &[][..], &warnings[..]),
            (&[][..], &[][..], &[][..]),
        ] {
            assert_eq!(
                streamed(items, errors, warnings),
                whole(items, errors, warnings)
            );
        }
    }

    #[test]
    fn version_comes_first_and_summary_after_the_items() {
        let items = [fixture::aspect("pure", "true")];
        let text = streamed(&items, &[], &[]);
        assert!(
            text.starts_with(
                "{\n  \"version\": 1,\n  \"items\": [\n    {\n      \"id\": \"aspect:pure\","
            ),
            "{text}"
        );
        assert!(
            text.ends_with("\n  ],\n  \"summary\": {\n    \"total\": 1\n  },\n  \"errors\": [],\n  \"warnings\": []\n}\n"),
            "{text}"
        );
    }
}
