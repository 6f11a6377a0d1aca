//! What can stop an audit before it has judged anything: nothing to mutate, a copy that
//! cannot be made, a revision git does not know. Each message says what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(
        "nothing to mutate: no selected item declares evidence `inputs`; add `inputs: [\"src/**\"]` \
to the runner or aspect that proves them, or `audit: {{mutate: [\"src/**\"]}}` to specctl.yaml"
    )]
    NoInputs,
    #[error(
        "no source file to mutate matches {patterns}: specctl mutates Python, JavaScript, \
TypeScript, Rust and Go files that are not protected (`reconcile.protect`); check the globs"
    )]
    NoSources { patterns: String },
    #[error("`{pattern}` in {key} is not a valid glob: {source}")]
    Glob {
        pattern: String,
        key: &'static str,
        source: globset::Error,
    },
    #[error("cannot make a scratch copy of the project at {}: {source}", path.display())]
    Copy {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot mutate {file} in the scratch copy: {reason}")]
    Apply { file: String, reason: String },
    #[error("cannot read the lines changed since `{reference}`: {message}")]
    Since { reference: String, message: String },
}
