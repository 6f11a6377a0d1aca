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

/// One item with its verdict, as `check` and `status` print it.
#[derive(Debug, Serialize)]
pub struct Observed<'a> {
    #[serde(flatten)]
    pub item: &'a Item,
    pub status: Option<crate::observe::Verdict>,
    pub duration_ms: u64,
    pub message: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub stale: bool,
}

#[derive(Debug, Serialize)]
pub struct CheckDocument<'a> {
    pub version: u32,
    pub summary: &'a super::outcome::Counts,
    pub items: Vec<Observed<'a>>,
    pub errors: &'a [InputError],
    pub warnings: &'a [String],
}

/// The document for `specctl check` and `specctl status`.
pub fn check(
    outcomes: &[super::outcome::Outcome<'_>],
    counts: &super::outcome::Counts,
    errors: &[InputError],
    warnings: &[String],
) -> String {
    let doc = CheckDocument {
        version: VERSION,
        summary: counts,
        items: outcomes
            .iter()
            .map(|o| Observed {
                item: o.item,
                status: o.verdict,
                duration_ms: o.duration_ms,
                message: o.message.as_deref(),
                stale: o.stale,
            })
            .collect(),
        errors,
        warnings,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
