//! serde_json's pretty layout (two spaces a level) for a value written at any depth of a
//! document built piece by piece, each line break and its indentation written in one go.

use serde_json::ser::Formatter;
use std::io::{self, Write};

/// A line break and the spaces of the deepest indentation written in one slice; deeper
/// levels, which items never reach, take more than one.
const BREAK: &[u8] = b",\n                                                                ";

/// Lays out as `serde_json::ser::PrettyFormatter` does, `depth` levels down: byte for byte
/// the same text, written with far fewer calls into the writer.
pub(crate) struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    pub(crate) fn at(depth: usize) -> Pretty {
        Pretty {
            depth,
            has_value: false,
        }
    }

    /// Opens an array or object (`bracket`) one level deeper.
    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    /// Closes it: on a line of its own unless it is empty.
    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(out, false)?;
        }
        out.write_all(bracket)
    }

    /// `,` when `comma`, then a line break and the indentation of `self.depth`.
    fn line<W: ?Sized + Write>(&self, out: &mut W, comma: bool) -> io::Result<()> {
        let mut spaces = 2 * self.depth;
        let room = BREAK.len() - 2;
        out.write_all(&BREAK[usize::from(!comma)..2 + spaces.min(room)])?;
        while spaces > room {
            spaces -= room;
            out.write_all(&BREAK[2..2 + spaces.min(room)])?;
        }
        Ok(())
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.line(out, !first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.line(out, !first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;

    fn pretty<T: Serialize>(value: &T, depth: usize) -> String {
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, Pretty::at(depth));
        value.serialize(&mut serializer).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn at_the_top_it_is_serde_jsons_pretty_text() {
        let value = json!({"a": [1, [], {}, [[["deep", {"x": null}]]]], "b": {"c": "d\n\"e\""},
            "e": [], "f": {}, "g": ["\u{1}", "ü"]});
        assert_eq!(
            pretty(&value, 0),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }

    #[test]
    fn lower_down_every_line_is_indented_by_the_depth_however_deep() {
        let mut value = json!(["leaf"]);
        for _ in 0..40 {
            value = json!({"k": [value, 1]});
        }
        let top = serde_json::to_string_pretty(&value).unwrap();
        for depth in [1, 2, 7] {
            let indent = "  ".repeat(depth);
            assert_eq!(
                pretty(&value, depth),
                top.replace('\n', &format!("\n{indent}"))
            );
        }
    }
}
