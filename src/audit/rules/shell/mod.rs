//! What an `sh -c` command line can exit with, read without running it: enough of the shell
//! (lists, and-or, pipelines, groups, `set -e`, `sh -c`) to tell a check from a constant.

mod eval;
mod lex;

use std::ops::{BitAnd, BitOr};

/// Whether `command` exits 0 however the programs it runs end. A line this reading does not
/// follow (`if`, loops, here-documents, an unclosed quote) may fail: the rule stays silent.
pub(crate) fn always_succeeds(command: &str) -> bool {
    eval::ends(command, eval::Options::default(), 0).is_some_and(Ends::always_zero)
}

/// The ways a piece of a command line can end, as a set: it carries on with status 0 or not,
/// or it ends the whole shell with 0 or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ends(u8);

impl Ends {
    const NONE: Ends = Ends(0);
    const OK: Ends = Ends(1);
    const FAIL: Ends = Ends(2);
    const EXIT_OK: Ends = Ends(4);
    const EXIT_FAIL: Ends = Ends(8);
    /// What any program we know nothing of may do.
    const ANY: Ends = Ends(1 | 2);
    const BOTH_EXITS: Ends = Ends(4 | 8);

    fn has(self, other: Ends) -> bool {
        self.0 & other.0 != 0
    }

    fn without(self, other: Ends) -> Ends {
        Ends(self.0 & !other.0)
    }

    /// Whether the shell can go on to the next command.
    fn continues(self) -> bool {
        self.has(Ends::ANY)
    }

    fn exits(self) -> Ends {
        self & Ends::BOTH_EXITS
    }

    /// As seen from the parent of a subshell (`( … )`, a pipeline's part, `sh -c`): an `exit`
    /// inside only sets its status.
    fn subshell(self) -> Ends {
        let mut out = Ends::NONE;
        if self.has(Ends::OK | Ends::EXIT_OK) {
            out = out | Ends::OK;
        }
        if self.has(Ends::FAIL | Ends::EXIT_FAIL) {
            out = out | Ends::FAIL;
        }
        out
    }

    /// `! cmd`.
    fn negated(self) -> Ends {
        let mut out = self.exits();
        if self.has(Ends::OK) {
            out = out | Ends::FAIL;
        }
        if self.has(Ends::FAIL) {
            out = out | Ends::OK;
        }
        out
    }

    /// `exec cmd`: the command's status becomes the shell's.
    fn exec(self) -> Ends {
        let mut out = self.exits();
        if self.has(Ends::OK) {
            out = out | Ends::EXIT_OK;
        }
        if self.has(Ends::FAIL) {
            out = out | Ends::EXIT_FAIL;
        }
        out
    }

    fn always_zero(self) -> bool {
        self != Ends::NONE && !self.has(Ends::FAIL | Ends::EXIT_FAIL)
    }
}

impl BitOr for Ends {
    type Output = Ends;
    fn bitor(self, other: Ends) -> Ends {
        Ends(self.0 | other.0)
    }
}

impl BitAnd for Ends {
    type Output = Ends;
    fn bitand(self, other: Ends) -> Ends {
        Ends(self.0 & other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::always_succeeds;

    #[test]
    fn constants_and_forced_successes_always_succeed() {
        for command in [
            "true",
            ":",
            "exit 0",
            "exit 256",
            "echo ok",
            "  echo  \"a b\"  ",
            "printf '%s\\n' x",
            "/bin/true",
            "FOO=1 true",
            "pytest || true",
            "pytest ||true",
            "pytest || :",
            "pytest || exit 0",
            "pytest; true",
            "pytest ; exit 0;",
            "pytest;true;",
            "pytest\ntrue\n",
            "pytest; echo done",
            "sh -c 'true'",
            "bash -c \"pytest || true\"",
            "sh -ec 'pytest || true'",
            "echo x >&2",
            "echo x 2>/dev/null",
            "pytest > /dev/null || true",
            "(pytest) || true",
            "{ pytest; true; }",
            "pytest | tee log",
            "pytest 2>&1 | cat",
            "! false",
            "exit 0; false",
            "set -e; pytest || true",
            "exec true",
            "env CI=1 true",
            "pytest & wait; true",
        ] {
            assert!(always_succeeds(command), "{command:?} should always exit 0");
        }
    }

    #[test]
    fn commands_that_can_fail_do_not() {
        for command in [
            "evidence/check.sh",
            "./evidence/true",
            "test -f x",
            "pytest",
            "grep -q foo src || exit 1",
            "echo x | grep y",
            "false",
            "exit 1",
            "exit",
            "exit $rc",
            "true && pytest",
            "pytest || false",
            "pytest || exit 1; exit 0",
            "echo x > out/report.txt",
            "set -o pipefail; pytest | tee log",
            "bash -o pipefail -c 'pytest | tee log'",
            "set -e; pytest; echo done",
            "sh -e -c 'pytest; true'",
            "if pytest; then echo ok; fi",
            "sh script.sh",
            "echo 'unclosed",
            "cat <<EOF\nok\nEOF",
            "! true",
            "(exit 3)",
            "exec pytest",
            "cat report.txt",
            "{ true",
            "true )",
        ] {
            assert!(!always_succeeds(command), "{command:?} can fail");
        }
    }
}
