//! Reading a spec or aspect file into text: refuses binary and non-UTF-8 content with the
//! position of the first bad byte, and drops a byte-order mark.

use crate::InputError;
use crate::input_error::position_of_byte;

/// The text of `bytes` (without copying them), or an error at the first byte that is not text.
pub(crate) fn decode(file: &str, mut bytes: Vec<u8>) -> Result<String, InputError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        let (line, column) = position_of_byte(&bytes, at);
        return Err(InputError::new(
            file,
            line,
            column,
            "this is a binary file (it holds a NUL byte), not text: remove it or rename it",
        ));
    }
    String::from_utf8(bytes).map_err(|err| {
        let bytes = err.as_bytes();
        let (line, column) = position_of_byte(bytes, err.utf8_error().valid_up_to());
        InputError::new(
            file,
            line,
            column,
            "invalid UTF-8 here: save the file as UTF-8",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_passes_and_a_bom_is_dropped() {
        assert_eq!(
            decode("a", b"\xEF\xBB\xBFFeature: x\n".to_vec()).unwrap(),
            "Feature: x\n"
        );
    }

    #[test]
    fn invalid_utf8_is_placed_at_its_byte() {
        let err = decode("a.feature", b"Feature: x\n  Scenario: \xff\n".to_vec()).unwrap_err();
        assert_eq!((err.line, err.column), (2, 13));
        assert_eq!(err.message, "invalid UTF-8 here: save the file as UTF-8");
    }

    #[test]
    fn a_nul_byte_means_binary() {
        let err = decode("a.feature", b"\x89PNG\r\n\x1a\n\x00\x00".to_vec()).unwrap_err();
        assert_eq!((err.line, err.column), (3, 1));
        assert!(err.message.starts_with("this is a binary file"));
    }
}
