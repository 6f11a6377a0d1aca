//! Splits an sh command line into words and operators, quotes removed, as far as the rules
//! need: expansions stay whole inside their word, and here-documents are not read at all.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Token {
    Word(String),
    /// `;` or a newline.
    Semi,
    Amp,
    AndIf,
    OrIf,
    Pipe,
    LParen,
    RParen,
    /// `>`, `>>`, `<`, `>&`, `&>`, … with its file-descriptor number dropped; the word after
    /// it is its target.
    Redirect(String),
}

/// The tokens of `line`; `None` where it is not read: an unclosed quote or expansion, or a
/// here-document.
pub(super) fn tokens(line: &str) -> Option<Vec<Token>> {
    let mut lexer = Lexer {
        chars: line.chars().collect(),
        pos: 0,
        out: Vec::new(),
        word: None,
    };
    while let Some(c) = lexer.next() {
        lexer.char(c)?;
    }
    lexer.end_word();
    Some(lexer.out)
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    out: Vec<Token>,
    /// `Some("")` after `''`: an empty quoted word is still a word.
    word: Option<String>,
}

impl Lexer {
    fn next(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        self.pos += 1;
        c
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.chars.get(self.pos) == Some(&c);
        if found {
            self.pos += 1;
        }
        found
    }

    fn push(&mut self, c: char) {
        self.word.get_or_insert_default().push(c);
    }

    fn push_str(&mut self, s: &str) {
        self.word.get_or_insert_default().push_str(s);
    }

    fn end_word(&mut self) {
        if let Some(word) = self.word.take() {
            self.out.push(Token::Word(word));
        }
    }

    fn op(&mut self, token: Token) {
        self.end_word();
        self.out.push(token);
    }

    fn char(&mut self, c: char) -> Option<()> {
        match c {
            ' ' | '\t' | '\r' => self.end_word(),
            '\n' | ';' => self.op(Token::Semi),
            '#' if self.word.is_none() => {
                while self.next().is_some_and(|c| c != '\n') {}
                self.op(Token::Semi);
            }
            '\'' => {
                let quoted = self.until('\'')?;
                self.push_str(&quoted);
            }
            '"' => self.double_quoted()?,
            '\\' => match self.next() {
                Some('\n') | None => {}
                Some(c) => self.push(c),
            },
            '$' => self.dollar()?,
            '`' => {
                let inner = self.until('`')?;
                self.push_str(&format!("`{inner}`"));
            }
            '&' if self.eat('&') => self.op(Token::AndIf),
            '&' if self.eat('>') => self.redirect("&>".into())?,
            '&' => self.op(Token::Amp),
            '|' if self.eat('|') => self.op(Token::OrIf),
            '|' => {
                self.eat('&');
                self.op(Token::Pipe);
            }
            '(' => self.op(Token::LParen),
            ')' => self.op(Token::RParen),
            '<' | '>' => self.redirect_from(c)?,
            c => self.push(c),
        }
        Some(())
    }

    /// The text up to the closing `end`, which is consumed.
    fn until(&mut self, end: char) -> Option<String> {
        let mut text = String::new();
        loop {
            match self.next()? {
                c if c == end => return Some(text),
                c => text.push(c),
            }
        }
    }

    fn double_quoted(&mut self) -> Option<()> {
        self.word.get_or_insert_default();
        loop {
            match self.next()? {
                '"' => return Some(()),
                '\\' => match self.next()? {
                    '\n' => {}
                    c @ ('$' | '`' | '"' | '\\') => self.push(c),
                    c => {
                        self.push('\\');
                        self.push(c);
                    }
                },
                '$' => self.dollar()?,
                '`' => {
                    let inner = self.until('`')?;
                    self.push_str(&format!("`{inner}`"));
                }
                c => self.push(c),
            }
        }
    }

    /// `$(…)`, `$((…))` and `${…}` kept whole in the word: what they expand to is not known.
    fn dollar(&mut self) -> Option<()> {
        if self.eat('(') {
            let mut depth = 1;
            let mut text = String::from("$(");
            while depth > 0 {
                let c = self.next()?;
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    '\'' => {
                        let quoted = self.until('\'')?;
                        text.push_str(&format!("'{quoted}"));
                    }
                    _ => {}
                }
                text.push(c);
            }
            self.push_str(&text);
        } else if self.eat('{') {
            let inner = self.until('}')?;
            self.push_str(&format!("${{{inner}}}"));
        } else {
            self.push('$');
        }
        Some(())
    }

    fn redirect_from(&mut self, first: char) -> Option<()> {
        // `2>`: the digits just before the operator name a file descriptor, not a word.
        if self
            .word
            .as_deref()
            .is_some_and(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()))
        {
            self.word = None;
        }
        let mut op = String::from(first);
        let second = self.chars.get(self.pos).copied();
        match (first, second) {
            // A here-document's body is on the following lines: not read here.
            ('<', Some('<')) => return None,
            ('>', Some(c @ ('>' | '&' | '|'))) | ('<', Some(c @ ('&' | '>'))) => {
                op.push(c);
                self.pos += 1;
            }
            _ => {}
        }
        self.redirect(op)
    }

    fn redirect(&mut self, op: String) -> Option<()> {
        self.op(Token::Redirect(op));
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::Token::*;
    use super::*;

    fn word(w: &str) -> Token {
        Word(w.into())
    }

    #[test]
    fn words_lose_their_quotes_and_operators_split_them() {
        assert_eq!(
            tokens("sh -c 'a || b' && x\"y z\"||:").unwrap(),
            vec![
                word("sh"),
                word("-c"),
                word("a || b"),
                AndIf,
                word("xy z"),
                OrIf,
                word(":")
            ]
        );
        assert_eq!(
            tokens("a;b\nc & d | e").unwrap(),
            vec![
                word("a"),
                Semi,
                word("b"),
                Semi,
                word("c"),
                Amp,
                word("d"),
                Pipe,
                word("e")
            ]
        );
        assert_eq!(tokens("echo ''").unwrap(), vec![word("echo"), word("")]);
    }

    #[test]
    fn redirections_drop_their_descriptor_and_expansions_stay_whole() {
        assert_eq!(
            tokens("x 2>&1 >/dev/null &>log").unwrap(),
            vec![
                word("x"),
                Redirect(">&".into()),
                word("1"),
                Redirect(">".into()),
                word("/dev/null"),
                Redirect("&>".into()),
                word("log")
            ]
        );
        assert_eq!(
            tokens("echo $(a || b) \"${x}\"").unwrap(),
            vec![word("echo"), word("$(a || b)"), word("${x}")]
        );
    }

    #[test]
    fn what_is_not_read_is_none() {
        assert_eq!(tokens("echo 'open"), None);
        assert_eq!(tokens("echo \"open"), None);
        assert_eq!(tokens("echo $(open"), None);
        assert_eq!(tokens("cat <<EOF\nx\nEOF"), None);
    }

    #[test]
    fn a_comment_ends_at_the_line() {
        assert_eq!(
            tokens("true # || false\nx").unwrap(),
            vec![word("true"), Semi, word("x")]
        );
    }
}
