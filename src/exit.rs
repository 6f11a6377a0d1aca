//! Exit codes: one meaning each, documented in `--help` and DESIGN.md.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything selected holds (or, for `list`, all input is valid).
    Success = 0,
    /// Some item does not hold.
    Failure = 1,
    /// Invalid input or configuration: nothing can be trusted until it is fixed.
    Invalid = 2,
    /// `audit --mutants`: the unmutated evidence does not hold, so no mutant can be judged.
    BaselineFails = 4,
    /// Stopped by SIGHUP (a closed terminal); every process it started was ended.
    Hangup = 129,
    /// Stopped by Ctrl-C (or SIGTERM); every process it started was ended.
    Interrupted = 130,
}

impl Exit {
    /// The exit of a run stopped by `signal` (the one `process::Interrupt` saw).
    pub fn interrupted_by(signal: Option<i32>) -> Exit {
        match signal {
            Some(libc::SIGHUP) => Exit::Hangup,
            _ => Exit::Interrupted,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hangup_is_129_and_any_other_interrupt_130() {
        assert_eq!(Exit::interrupted_by(Some(libc::SIGHUP)) as u8, 129);
        assert_eq!(Exit::interrupted_by(Some(libc::SIGINT)) as u8, 130);
        assert_eq!(Exit::interrupted_by(Some(libc::SIGTERM)), Exit::Interrupted);
        assert_eq!(Exit::interrupted_by(None), Exit::Interrupted);
    }
}
