//! The versioned JSON document that `list`, `check`, `plan` and `status` print.

use crate::InputError;
use crate::desired::Item;
use serde::Serialize;

pub const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Document<'a, I: Serialize> {
    pub version: u32,
    pub summary: Summary,
    pub items: Vec<I>,
    pub errors: &'a [InputError],
    pub warnings: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub total: usize,
}

/// The document for `specctl list`: desired state only, without any verdict.
pub fn list(items: &[&Item], errors: &[InputError], warnings: &[String]) -> String {
    let doc = Document {
        version: VERSION,
        summary: Summary { total: items.len() },
        items: items.to_vec(),
        errors,
        warnings,
    };
    // Serializing plain data to a String cannot fail.
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
