//! The cluster query language of `memberOf` constraints (§4.3):
//! `attribute:ecs.instance-type =~ t2.*`,
//! `attribute:ecs.availability-zone in [us-east-1a, us-east-1b]`, combined
//! with `and` / `or` / `not` and parentheses.
//!
//! Supported operators: `==` (`equals`), `!=` (`not_equals`), `=~` (`matches`,
//! with `*` wildcards), `!~`, `in [...]`, `!in`, `not_in` and `not in [...]`
//! (the guide's "Cluster query language" lists `!in` and `not_in`),
//! `exists`, `!exists` (`not_exists`). Subjects are `attribute:<name>` and
//! `ec2InstanceId`-style bare names, looked up through the caller.

use std::fmt;

/// ECS's limit on a memberOf expression.
pub const MAX_EXPRESSION_LEN: usize = 2000;

/// A parsed cluster query language expression (§4.3), as memberOf constraints hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Both sides hold.
    And(Box<Expr>, Box<Expr>),
    /// Either side holds.
    Or(Box<Expr>, Box<Expr>),
    /// The inner expression does not hold.
    Not(Box<Expr>),
    /// One test of a subject, such as `attribute:ecs.instance-type == t2.small`.
    Test {
        /// What is tested: `attribute:NAME`, `ec2InstanceId`, `agentConnected`, …
        subject: String,
        /// The comparison.
        op: Op,
        /// Its argument(s): one for most operators, a list for `in` and `not in`, none for `exists`.
        values: Vec<String>,
    },
}

/// A comparison operator of the cluster query language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `==`, `equals`.
    Eq,
    /// `!=`, `not_equals`.
    Ne,
    /// `=~`, `matches`: the value matches a pattern.
    Matches,
    /// `!~`, `not_matches`.
    NotMatches,
    /// `in`: the value is one of a list.
    In,
    /// `!in`, `not_in`, `not in`: the value is none of a list.
    NotIn,
    /// `exists`: the subject has a value.
    Exists,
    /// `!exists`, `not exists`, `not_exists`: the subject has no value.
    NotExists,
}

/// Why an expression could not be parsed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Character offset in the expression.
    pub at: usize,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at character {}: {}", self.at + 1, self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Sym(&'static str),
    Word(String),
}

fn tokenize(src: &str) -> Result<Vec<(usize, Tok)>, ParseError> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).map(|x| x.1);
        let (tok, width) = match symbol(c, next) {
            Some(found) => found,
            None if c == '"' || c == '\'' => quoted(&chars, i)?,
            None => word(&chars, i)?,
        };
        out.push((pos, tok));
        i += width;
    }
    Ok(out)
}

/// Brackets, commas and operators: the token and how many characters it takes.
fn symbol(c: char, next: Option<char>) -> Option<(Tok, usize)> {
    Some(match (c, next) {
        ('(', _) => (Tok::LParen, 1),
        (')', _) => (Tok::RParen, 1),
        ('[', _) => (Tok::LBracket, 1),
        (']', _) => (Tok::RBracket, 1),
        (',', _) => (Tok::Comma, 1),
        ('=', Some('=')) => (Tok::Sym("=="), 2),
        ('=', Some('~')) => (Tok::Sym("=~"), 2),
        ('!', Some('=')) => (Tok::Sym("!="), 2),
        ('!', Some('~')) => (Tok::Sym("!~"), 2),
        ('&', Some('&')) => (Tok::Sym("&&"), 2),
        ('|', Some('|')) => (Tok::Sym("||"), 2),
        ('!', _) => (Tok::Sym("!"), 1),
        _ => return None,
    })
}

/// A value in single or double quotes, taken as written.
fn quoted(chars: &[(usize, char)], i: usize) -> Result<(Tok, usize), ParseError> {
    let (pos, quote) = chars[i];
    let mut j = i + 1;
    let mut word = String::new();
    while j < chars.len() && chars[j].1 != quote {
        word.push(chars[j].1);
        j += 1;
    }
    if j == chars.len() {
        return Err(ParseError {
            at: pos,
            message: "unterminated quoted value".into(),
        });
    }
    Ok((Tok::Word(word), j + 1 - i))
}

/// A bare word: everything up to white space, a bracket, a comma, an
/// operator character or a quote.
fn word(chars: &[(usize, char)], i: usize) -> Result<(Tok, usize), ParseError> {
    let (pos, c) = chars[i];
    let mut j = i;
    let mut word = String::new();
    while j < chars.len() {
        let ch = chars[j].1;
        if ch.is_whitespace() || "()[],=!&|\"'".contains(ch) {
            break;
        }
        word.push(ch);
        j += 1;
    }
    if word.is_empty() {
        return Err(ParseError {
            at: pos,
            message: format!("unexpected '{c}'"),
        });
    }
    Ok((Tok::Word(word), j - i))
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    end: usize,
    depth: usize,
}

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.1)
    }

    fn at(&self) -> usize {
        self.toks.get(self.pos).map(|t| t.0).unwrap_or(self.end)
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            at: self.at(),
            message: message.into(),
        })
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.is_word("or") || self.peek() == Some(&Tok::Sym("||")) {
            self.pos += 1;
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        while self.is_word("and") || self.peek() == Some(&Tok::Sym("&&")) {
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("expression is nested too deeply");
        }
        let result = if self.is_word("not") || self.peek() == Some(&Tok::Sym("!")) {
            self.pos += 1;
            self.unary().map(|e| Expr::Not(Box::new(e)))
        } else if self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            let inner = self.or()?;
            if self.peek() != Some(&Tok::RParen) {
                return self.err("expected ')'");
            }
            self.pos += 1;
            Ok(inner)
        } else {
            self.test()
        };
        self.depth -= 1;
        result
    }

    fn word(&mut self, what: &str) -> Result<String, ParseError> {
        match self.peek() {
            Some(Tok::Word(w)) => {
                let w = w.clone();
                self.pos += 1;
                Ok(w)
            }
            _ => self.err(format!("expected {what}")),
        }
    }

    fn test(&mut self) -> Result<Expr, ParseError> {
        let subject = self.word("an attribute such as attribute:ecs.instance-type")?;
        let op = match self.peek() {
            Some(Tok::Sym("==")) => Op::Eq,
            Some(Tok::Sym("!=")) => Op::Ne,
            Some(Tok::Sym("=~")) => Op::Matches,
            Some(Tok::Sym("!~")) => Op::NotMatches,
            Some(Tok::Sym("!")) => {
                self.pos += 1;
                if self.is_word("exists") {
                    Op::NotExists
                } else if self.is_word("in") {
                    Op::NotIn
                } else {
                    return self.err("expected 'exists' or 'in' after '!'");
                }
            }
            Some(Tok::Word(w)) => match w.to_ascii_lowercase().as_str() {
                "equals" => Op::Eq,
                "not_equals" => Op::Ne,
                "matches" => Op::Matches,
                "not_matches" => Op::NotMatches,
                "in" => Op::In,
                "not_in" => Op::NotIn,
                "exists" => Op::Exists,
                "not_exists" => Op::NotExists,
                "not" => {
                    self.pos += 1;
                    if self.is_word("in") {
                        Op::NotIn
                    } else if self.is_word("exists") {
                        Op::NotExists
                    } else {
                        return self.err("expected 'in' or 'exists' after 'not'");
                    }
                }
                other => return self.err(format!("unknown operator '{other}'")),
            },
            _ => return self.err(format!("expected an operator after '{subject}'")),
        };
        self.pos += 1;
        let values = match op {
            Op::Exists | Op::NotExists => Vec::new(),
            Op::In | Op::NotIn => self.list()?,
            _ => vec![self.word("a value")?],
        };
        Ok(Expr::Test {
            subject,
            op,
            values,
        })
    }

    fn list(&mut self) -> Result<Vec<String>, ParseError> {
        if self.peek() != Some(&Tok::LBracket) {
            return self.err("expected '[' to start a list");
        }
        self.pos += 1;
        let mut values = Vec::new();
        loop {
            values.push(self.word("a value in the list")?);
            match self.peek() {
                Some(Tok::Comma) => self.pos += 1,
                Some(Tok::RBracket) => {
                    self.pos += 1;
                    return Ok(values);
                }
                _ => return self.err("expected ',' or ']'"),
            }
        }
    }
}

/// Parses an expression, refusing one longer than ECS's 2,000 characters (§4.3).
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    if src.len() > MAX_EXPRESSION_LEN {
        return Err(ParseError {
            at: MAX_EXPRESSION_LEN,
            message: format!("expression is longer than ECS's {MAX_EXPRESSION_LEN} characters"),
        });
    }
    let toks = tokenize(src)?;
    if toks.is_empty() {
        return Err(ParseError {
            at: 0,
            message: "expression is empty".into(),
        });
    }
    let mut p = Parser {
        toks,
        pos: 0,
        end: src.len(),
        depth: 0,
    };
    let e = p.or()?;
    if p.pos != p.toks.len() {
        return p.err("unexpected text after the expression");
    }
    Ok(e)
}

/// `*` matches any run of characters; everything else literally.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

impl Expr {
    /// Evaluates against an instance; `lookup` maps a subject such as
    /// `attribute:ecs.instance-type` to its value, None when absent.
    pub fn eval<'a>(&self, lookup: &dyn Fn(&str) -> Option<&'a str>) -> bool {
        match self {
            Expr::And(a, b) => a.eval(lookup) && b.eval(lookup),
            Expr::Or(a, b) => a.eval(lookup) || b.eval(lookup),
            Expr::Not(a) => !a.eval(lookup),
            Expr::Test {
                subject,
                op,
                values,
            } => {
                let value = lookup(subject);
                let first = values.first().map(String::as_str).unwrap_or("");
                match op {
                    Op::Exists => value.is_some(),
                    Op::NotExists => value.is_none(),
                    Op::Eq => value == Some(first),
                    Op::Ne => value != Some(first),
                    Op::Matches => value.is_some_and(|v| wildcard_match(first, v)),
                    Op::NotMatches => !value.is_some_and(|v| wildcard_match(first, v)),
                    Op::In => value.is_some_and(|v| values.iter().any(|x| x == v)),
                    Op::NotIn => !value.is_some_and(|v| values.iter().any(|x| x == v)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(expr: &str, itype: &'static str, az: &'static str) -> bool {
        let e = parse(expr).unwrap_or_else(|err| panic!("{expr}: {err}"));
        e.eval(&move |s| match s {
            "attribute:ecs.instance-type" => Some(itype),
            "attribute:ecs.availability-zone" => Some(az),
            "attribute:ecs.os-type" => Some("linux"),
            _ => None,
        })
    }

    #[test]
    fn operators() {
        assert!(on(
            "attribute:ecs.instance-type == t2.micro",
            "t2.micro",
            "a"
        ));
        assert!(!on(
            "attribute:ecs.instance-type != t2.micro",
            "t2.micro",
            "a"
        ));
        assert!(on("attribute:ecs.instance-type =~ t2.*", "t2.small", "a"));
        assert!(!on("attribute:ecs.instance-type =~ t2.*", "m5.large", "a"));
        assert!(on(
            "attribute:ecs.instance-type =~ *.large",
            "m5.large",
            "a"
        ));
        assert!(on(
            "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
            "x",
            "us-east-1b"
        ));
        // Every spelling of "not in" the guide lists, and Berth's own.
        for not_in in ["not in", "not_in", "!in", "NOT_IN"] {
            let e = format!("attribute:ecs.availability-zone {not_in} [us-east-1a, us-east-1b]");
            assert!(!on(&e, "x", "us-east-1b"), "{e}");
            assert!(on(&e, "x", "us-east-1c"), "{e}");
        }
        assert!(on("attribute:ecs.os-type exists", "x", "a"));
        assert!(on("attribute:stack !exists", "x", "a"));
        assert!(on("attribute:stack not_exists", "x", "a"));
        assert!(!on("attribute:stack == prod", "x", "a"));
    }

    #[test]
    fn boolean_structure() {
        let e = "(attribute:ecs.instance-type == t2.micro or attribute:ecs.instance-type == t2.small) and attribute:ecs.availability-zone != us-east-1c";
        assert!(on(e, "t2.small", "us-east-1a"));
        assert!(!on(e, "t2.small", "us-east-1c"));
        assert!(!on(e, "m5.large", "us-east-1a"));
        // and binds tighter than or
        assert!(on("attribute:ecs.instance-type == a or attribute:ecs.instance-type == b and attribute:ecs.availability-zone == z", "a", "q"));
        assert!(on("not attribute:ecs.instance-type == a", "b", "q"));
    }

    #[test]
    fn errors_say_where() {
        let err = parse("attribute:ecs.instance-type ~~ t2.micro").unwrap_err();
        assert!(err.to_string().contains("character"), "{err}");
        assert!(parse("attribute:ecs.instance-type in [a, b").is_err());
        assert!(parse("(attribute:x == y").is_err());
        assert!(parse("").is_err());
        assert!(parse(&"(".repeat(500)).is_err());
        assert!(parse(&"x".repeat(2001)).is_err());
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("t*.m*o", "t2.micro"));
        assert!(!wildcard_match("t*.m*o", "t2.micra"));
        assert!(wildcard_match("a**b", "ab"));
    }
}
