//! Exit codes: one meaning each, documented in `--help` and DESIGN.md.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything selected holds (or, for `list`, all input is valid).
    Success = 0,
    /// Some item does not hold.
    Failure = 1,
    /// Invalid input or configuration: nothing can be trusted until it is fixed.
    Invalid = 2,
    /// Stopped by Ctrl-C (or SIGTERM); every process it started was ended.
    Interrupted = 130,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}
