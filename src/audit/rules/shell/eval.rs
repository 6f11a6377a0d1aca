//! Reads a command line's tokens as sh's grammar nests them (list, and-or, pipeline, command)
//! and works out, without running anything, every way it can end.

use super::Ends;
use super::lex::{self, Token};

/// `sh -c "sh -c '…'"` nests; past this depth the line is not followed.
const MAX_DEPTH: usize = 8;

/// Words that open compound commands this reading does not follow.
const RESERVED: [&str; 11] = [
    "if", "then", "else", "elif", "fi", "while", "until", "for", "case", "do", "done",
];

/// The shell options that change how a line ends.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Options {
    /// `set -e`: a failing command ends the shell.
    errexit: bool,
    /// `set -o pipefail`: a pipeline fails where any part does.
    pipefail: bool,
}

impl Options {
    /// Reads `-e`, `-o pipefail`, `-euo pipefail`, `+e`… from the front of `args`: how many
    /// words it read, and whether `-c` was among them.
    fn read_flags(&mut self, args: &[String]) -> (usize, bool) {
        let (mut read, mut command) = (0, false);
        while let Some(arg) = args.get(read) {
            if arg == "--" {
                read += 1;
                break;
            }
            if arg.starts_with("--") {
                read += 1;
                continue;
            }
            let on = arg.starts_with('-');
            let Some(flags) = arg.strip_prefix(['-', '+']).filter(|f| !f.is_empty()) else {
                break;
            };
            read += 1;
            for flag in flags.chars() {
                match flag {
                    'e' => self.errexit = on,
                    'c' => command = true,
                    'o' => {
                        if let Some(name) = args.get(read) {
                            match name.as_str() {
                                "errexit" => self.errexit = on,
                                "pipefail" => self.pipefail = on,
                                _ => {}
                            }
                            read += 1;
                        }
                    }
                    _ => {}
                }
            }
        }
        (read, command)
    }
}

/// Every way `command` can end, or `None` where it is not followed.
pub(super) fn ends(command: &str, options: Options, depth: usize) -> Option<Ends> {
    if depth > MAX_DEPTH {
        return None;
    }
    let tokens = lex::tokens(command)?;
    let mut reader = Reader {
        tokens: &tokens,
        pos: 0,
        options,
        depth,
    };
    let ends = reader.list()?;
    // A stray `)` or `}` left over is a line sh itself would reject.
    (reader.pos == tokens.len()).then_some(ends)
}

struct Reader<'a> {
    tokens: &'a [Token],
    pos: usize,
    options: Options,
    depth: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, token: &Token) -> bool {
        let found = self.peek() == Some(token);
        if found {
            self.pos += 1;
        }
        found
    }

    fn eat_word(&mut self, word: &str) -> bool {
        self.eat(&Token::Word(word.into()))
    }

    /// Commands one after the other: what one leaves running is what the next decides.
    fn list(&mut self) -> Option<Ends> {
        let mut ends = Ends::OK;
        loop {
            match self.peek() {
                None | Some(Token::RParen) => break,
                Some(Token::Word(w)) if w == "}" => break,
                Some(Token::Semi) => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            let mut step = self.and_or()?;
            if self.eat(&Token::Amp) {
                // In the background: its status is not waited for.
                step = Ends::OK;
            } else {
                self.eat(&Token::Semi);
            }
            if self.options.errexit && step.has(Ends::FAIL) {
                step = step.without(Ends::FAIL) | Ends::EXIT_FAIL;
            }
            if ends.continues() {
                ends = ends.exits() | step;
            }
        }
        Some(ends)
    }

    fn and_or(&mut self) -> Option<Ends> {
        let mut ends = self.pipeline()?;
        loop {
            let (goes_on, stops) = if self.eat(&Token::AndIf) {
                (Ends::OK, Ends::FAIL)
            } else if self.eat(&Token::OrIf) {
                (Ends::FAIL, Ends::OK)
            } else {
                return Some(ends);
            };
            // A newline may follow `&&` and `||`.
            while self.eat(&Token::Semi) {}
            let next = self.pipeline()?;
            let reached = if ends.has(goes_on) { next } else { Ends::NONE };
            ends = ends.exits() | (ends & stops) | reached;
        }
    }

    fn pipeline(&mut self) -> Option<Ends> {
        let negate = self.eat_word("!");
        let first = self.command(false)?;
        let ends = if self.peek() == Some(&Token::Pipe) {
            let mut parts = vec![first.subshell()];
            while self.eat(&Token::Pipe) {
                parts.push(self.command(true)?.subshell());
            }
            if self.options.pipefail {
                let mut ends = Ends::NONE;
                if parts.iter().any(|p| p.has(Ends::FAIL)) {
                    ends = ends | Ends::FAIL;
                }
                if parts.iter().all(|p| p.has(Ends::OK)) {
                    ends = ends | Ends::OK;
                }
                ends
            } else {
                parts[parts.len() - 1]
            }
        } else {
            first
        };
        Some(if negate { ends.negated() } else { ends })
    }

    /// One command; `reads_pipe` where it reads an earlier part of a pipeline.
    fn command(&mut self, reads_pipe: bool) -> Option<Ends> {
        match self.peek()? {
            Token::LParen => {
                self.pos += 1;
                let outer = self.options;
                let inner = self.list();
                self.options = outer;
                let inner = inner?;
                self.eat(&Token::RParen).then_some(())?;
                self.redirections(inner.subshell())
            }
            Token::Word(w) if w == "{" => {
                self.pos += 1;
                let inner = self.list()?;
                self.eat_word("}").then_some(())?;
                self.redirections(inner)
            }
            Token::Word(w) if RESERVED.contains(&w.as_str()) => None,
            Token::Word(_) | Token::Redirect(_) => self.simple(reads_pipe),
            _ => None,
        }
    }

    /// Redirections after a group; one to a real file may fail to open.
    fn redirections(&mut self, mut ends: Ends) -> Option<Ends> {
        while let Some(Token::Redirect(_)) = self.peek() {
            if self.redirect()? {
                ends = ends | Ends::FAIL;
            }
        }
        Some(ends)
    }

    /// Consumes one redirection and its target: whether opening it may fail.
    fn redirect(&mut self) -> Option<bool> {
        let Some(Token::Redirect(op)) = self.peek() else {
            return None;
        };
        let duplicates = op == ">&" || op == "<&";
        self.pos += 1;
        let Some(Token::Word(target)) = self.peek() else {
            return None;
        };
        let harmless = target == "/dev/null"
            || (duplicates && (target == "-" || target.chars().all(|c| c.is_ascii_digit())));
        self.pos += 1;
        Some(!harmless)
    }

    fn simple(&mut self, reads_pipe: bool) -> Option<Ends> {
        let mut words = Vec::new();
        let mut may_fail = false;
        loop {
            match self.peek() {
                Some(Token::Word(w)) => {
                    words.push(w.clone());
                    self.pos += 1;
                }
                Some(Token::Redirect(_)) => may_fail |= self.redirect()?,
                _ => break,
            }
        }
        let ends = self.run(&words, reads_pipe)?;
        Some(if may_fail { ends | Ends::FAIL } else { ends })
    }

    /// How a simple command's program ends, for the few whose end is known.
    fn run(&mut self, words: &[String], reads_pipe: bool) -> Option<Ends> {
        let start = words.iter().take_while(|w| is_assignment(w)).count();
        let words = &words[start..];
        let Some(name) = words.first() else {
            return Some(Ends::OK);
        };
        let args = &words[1..];
        // `/bin/true` is `true`; `evidence/true` is the project's own script.
        let program = if name.starts_with('/') {
            name.rsplit('/').next().unwrap_or(name)
        } else {
            name.as_str()
        };
        Some(match program {
            "true" | ":" | "echo" | "printf" => Ends::OK,
            "false" => Ends::FAIL,
            "exit" => exit(args.first()),
            "set" => {
                self.options.read_flags(args);
                Ends::OK
            }
            "exec" if args.is_empty() => Ends::OK,
            "exec" => self.run(args, reads_pipe)?.exec(),
            "env" => {
                let skip = args.iter().take_while(|a| a.starts_with('-')).count();
                self.run(&args[skip..], reads_pipe)?
            }
            "sh" | "bash" | "dash" | "ash" | "ksh" | "zsh" => self.shell(args)?,
            // Reading a pipe they end as they started, whatever came down it.
            "cat" if reads_pipe && args.is_empty() => Ends::OK,
            "tee" if reads_pipe => Ends::OK,
            _ => Ends::ANY,
        })
    }

    /// `sh -c 'LINE'` ends as LINE does in a shell of its own; `sh script` is not read.
    fn shell(&self, args: &[String]) -> Option<Ends> {
        let mut options = Options::default();
        let (read, command) = options.read_flags(args);
        if !command {
            return Some(Ends::ANY);
        }
        let line = args.get(read)?;
        Some(ends(line, options, self.depth + 1)?.subshell())
    }
}

fn exit(status: Option<&String>) -> Ends {
    match status.map(|s| s.parse::<i64>()) {
        Some(Ok(n)) if n.rem_euclid(256) == 0 => Ends::EXIT_OK,
        Some(Ok(_)) => Ends::EXIT_FAIL,
        // `exit` alone or `exit $rc`: the status of something not known here.
        _ => Ends::BOTH_EXITS,
    }
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}
