//! Cucumber tag expressions (`@fast and not (@slow or @wip)`), as `--tags` takes them.
//! Same grammar and escapes as the official tag-expressions library.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagExpr {
    Tag(String),
    Not(Box<TagExpr>),
    And(Box<TagExpr>, Box<TagExpr>),
    Or(Box<TagExpr>, Box<TagExpr>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid tag expression `{expression}` at character {position}: {message}")]
pub struct TagExprError {
    pub expression: String,
    pub position: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    Tag(String),
}

impl TagExpr {
    pub fn parse(text: &str) -> Result<TagExpr, TagExprError> {
        let fail = |position: usize, message: &str| TagExprError {
            expression: text.to_string(),
            position,
            message: message.to_string(),
        };
        let tokens = tokenize(text).map_err(|(p, m)| fail(p, &m))?;
        if tokens.is_empty() {
            return Err(fail(1, "it is empty: write a tag such as @fast"));
        }
        let mut parser = Parser {
            tokens: &tokens,
            at: 0,
            end: text.chars().count() + 1,
        };
        let expr = parser.or().map_err(|(p, m)| fail(p, &m))?;
        if let Some((pos, _)) = parser.tokens.get(parser.at) {
            return Err(fail(
                *pos,
                "unexpected token: close a parenthesis or join with `and`/`or`",
            ));
        }
        Ok(expr)
    }

    pub fn matches(&self, tags: &[String]) -> bool {
        match self {
            TagExpr::Tag(t) => tags.iter().any(|x| x == t),
            TagExpr::Not(e) => !e.matches(tags),
            TagExpr::And(a, b) => a.matches(tags) && b.matches(tags),
            TagExpr::Or(a, b) => a.matches(tags) || b.matches(tags),
        }
    }
}

impl fmt::Display for TagExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TagExpr::Tag(t) => write!(f, "{t}"),
            TagExpr::Not(e) => write!(f, "not ( {e} )"),
            TagExpr::And(a, b) => write!(f, "( {a} and {b} )"),
            TagExpr::Or(a, b) => write!(f, "( {a} or {b} )"),
        }
    }
}

type Positioned = (usize, Token);

fn tokenize(text: &str) -> Result<Vec<Positioned>, (usize, String)> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut word_start = 0;
    let mut chars = text.chars().enumerate().peekable();
    let flush = |word: &mut String, start: usize, tokens: &mut Vec<Positioned>| {
        if word.is_empty() {
            return;
        }
        let token = match word.as_str() {
            "and" => Token::And,
            "or" => Token::Or,
            "not" => Token::Not,
            _ => Token::Tag(word.clone()),
        };
        tokens.push((start, token));
        word.clear();
    };
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, e)) if e == '(' || e == ')' || e == '\\' || e.is_whitespace() => {
                    if word.is_empty() {
                        word_start = i + 1;
                    }
                    word.push(e);
                }
                _ => {
                    return Err((
                        i + 1,
                        "a backslash escapes only `(`, `)`, `\\` or a space".into(),
                    ));
                }
            },
            '(' | ')' => {
                flush(&mut word, word_start, &mut tokens);
                tokens.push((i + 1, if c == '(' { Token::Open } else { Token::Close }));
            }
            c if c.is_whitespace() => flush(&mut word, word_start, &mut tokens),
            c => {
                if word.is_empty() {
                    word_start = i + 1;
                }
                word.push(c);
            }
        }
    }
    flush(&mut word, word_start, &mut tokens);
    Ok(tokens)
}

struct Parser<'a> {
    tokens: &'a [Positioned],
    at: usize,
    /// The position just past the text, where an expression that stops short is reported.
    end: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(_, t)| t)
    }

    fn position(&self) -> usize {
        self.tokens.get(self.at).map_or(self.end, |(p, _)| *p)
    }

    fn or(&mut self) -> Result<TagExpr, (usize, String)> {
        let mut left = self.and()?;
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            left = TagExpr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<TagExpr, (usize, String)> {
        let mut left = self.not()?;
        while self.peek() == Some(&Token::And) {
            self.at += 1;
            left = TagExpr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<TagExpr, (usize, String)> {
        if self.peek() == Some(&Token::Not) {
            self.at += 1;
            return Ok(TagExpr::Not(Box::new(self.not()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<TagExpr, (usize, String)> {
        let position = self.position();
        match self.tokens.get(self.at).map(|(_, t)| t.clone()) {
            Some(Token::Tag(tag)) => {
                self.at += 1;
                Ok(TagExpr::Tag(tag))
            }
            Some(Token::Open) => {
                self.at += 1;
                let inner = self.or()?;
                if self.peek() != Some(&Token::Close) {
                    return Err((
                        self.position(),
                        "this parenthesis is never closed: add `)`".into(),
                    ));
                }
                self.at += 1;
                Ok(inner)
            }
            Some(Token::Close) => Err((position, "`)` without a matching `(`".into())),
            Some(_) => Err((position, "expected a tag before this operator".into())),
            None => Err((
                position,
                "the expression ends where a tag was expected".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn precedence_is_not_then_and_then_or() {
        let e = TagExpr::parse("@a or @b and not @c").unwrap();
        assert_eq!(e.to_string(), "( @a or ( @b and not ( @c ) ) )");
        assert!(e.matches(&tags(&["@a", "@c"])));
        assert!(e.matches(&tags(&["@b"])));
        assert!(!e.matches(&tags(&["@b", "@c"])));
    }

    #[test]
    fn parentheses_and_escapes() {
        let e = TagExpr::parse("not (@slow or @wip)").unwrap();
        assert!(e.matches(&tags(&["@fast"])));
        assert!(!e.matches(&tags(&["@wip"])));
        let e = TagExpr::parse(r"@a\ b and @c\(1\)").unwrap();
        assert_eq!(
            e,
            TagExpr::And(
                Box::new(TagExpr::Tag("@a b".into())),
                Box::new(TagExpr::Tag("@c(1)".into()))
            )
        );
    }

    #[test]
    fn errors_say_where() {
        let err = TagExpr::parse("@a and").unwrap_err();
        assert_eq!(err.position, 7);
        let err = TagExpr::parse("(@a or @b").unwrap_err();
        assert_eq!(err.message, "this parenthesis is never closed: add `)`");
        let err = TagExpr::parse("@a @b").unwrap_err();
        assert_eq!(err.position, 4);
        assert!(TagExpr::parse("").is_err());
        assert!(TagExpr::parse("@a )").is_err());
    }
}
