//! What can keep documents from being joined: each says which files, and what to run.

use crate::partition::Partition;

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("merge: cannot read {file}: {message}")]
    Read { file: String, message: String },
    /// Not JSON, or not the shape of a check or audit document; at the line and column.
    #[error("{0}")]
    Parse(crate::InputError),
    #[error(
        "merge: {file} is a version {version} document and this specctl reads version {}: merge with the specctl that wrote it",
        crate::report::json::VERSION
    )]
    Version { file: String, version: u64 },
    #[error(
        "merge: {file} names no run (it has no `desired` and `partition`): only the `--format json` documents of `specctl check` and `specctl audit` merge"
    )]
    NotARun { file: String },
    #[error(
        "merge: {check} is a check document and {audit} an audit document: merge the slices of one command at a time"
    )]
    Mixed { check: String, audit: String },
    #[error(
        "merge: {first} and {other} are from different desired states ({first_desired} and {other_desired}): run every slice on the same commit, with the same FILTERs and --tags"
    )]
    DifferentRuns {
        first: String,
        other: String,
        first_desired: String,
        other_desired: String,
    },
    #[error(
        "merge: {first} is slice {first_slice} and {other} slice {other_slice}: the slices of one run all have the same N"
    )]
    DifferentN {
        first: String,
        first_slice: Partition,
        other: String,
        other_slice: Partition,
    },
    #[error(
        "merge: the slices' {items} items are not the items of their run ({desired}): some are there twice, missing or edited; make every slice with the same specctl version and merge its documents unedited"
    )]
    NotWhole { items: usize, desired: String },
    #[error("merge: slice {slice} is given twice ({first}, {second})")]
    Twice {
        slice: Partition,
        first: String,
        second: String,
    },
    #[error("merge: {}", missing(slices, command))]
    Missing {
        slices: Vec<Partition>,
        command: &'static str,
    },
    #[error(
        "merge: --format {format} is for {fits} documents; {kind} documents merge as {formats}"
    )]
    Format {
        format: String,
        fits: &'static str,
        kind: &'static str,
        formats: &'static str,
    },
}

fn missing(slices: &[Partition], command: &str) -> String {
    match slices {
        [one] => format!(
            "slice {one} is missing: run `specctl {command} --partition {one} --format json` and merge it too"
        ),
        many => {
            let names: Vec<String> = many.iter().map(Partition::to_string).collect();
            let n = many.first().map_or(1, |p| p.n);
            format!(
                "slices {} are missing: run `specctl {command} --partition K/{n} --format json` for each and merge them too",
                names.join(", ")
            )
        }
    }
}
