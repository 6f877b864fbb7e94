//! The cluster query language of `memberOf` constraints (§4.3):
//! `attribute:ecs.instance-type =~ t2.*`,
//! `attribute:ecs.availability-zone in [us-east-1a, us-east-1b]`, combined
//! with `and` / `or` / `not` and parentheses.
//!
//! Every operator of the guide's table (ecs-semantics.md §10.3, "Cluster
//! query language"): `>` `>=` `<` `<=`, `==` (`equals`), `!=`
//! (`not_equals`), `exists`, `!exists` (`not_exists`), `in [...]`, `!in`
//! (`not_in`, `not in`), `=~` (`matches`) and `!~` (`not_matches`), whose
//! argument is a Java regular expression matched against the whole value,
//! as `java.util.regex.Pattern.matches` does. Subjects are
//! `attribute:<name>` and bare names (`ec2InstanceId`, `registeredAt`),
//! looked up through the caller, and `task:group`, which has a value per
//! task on the instance (§10.2: affinity `task:group == service:db`,
//! anti-affinity `not(task:group == service:db)`).

use std::cmp::Ordering;
use std::fmt;

/// ECS's limit on a memberOf expression.
pub const MAX_EXPRESSION_LEN: usize = 2000;

/// A parsed cluster query language expression (§4.3), as memberOf constraints hold it.
#[derive(Debug, Clone, PartialEq)]
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
        /// The argument of `=~` / `!~`, compiled once.
        pattern: Option<JavaPattern>,
    },
}

/// A `matches` argument: a Java regular expression (`java.util.regex.Pattern`)
/// as Berth evaluates it ([`super::java_regex`]), matched against the whole value.
#[derive(Debug, Clone, PartialEq)]
pub struct JavaPattern(super::java_regex::Regex);

impl JavaPattern {
    /// Compiles `source` as `Pattern.matches` reads it: the whole value.
    pub fn new(source: &str) -> Result<JavaPattern, String> {
        super::java_regex::Regex::new(source).map(JavaPattern)
    }

    /// Whether the whole of `value` matches.
    pub fn matches(&self, value: &str) -> bool {
        self.0.is_match(value)
    }
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
    /// `>`: the value is greater (as numbers, versions or text; see [`compare`]).
    Gt,
    /// `>=`.
    Ge,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
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
        ('>', Some('=')) => (Tok::Sym(">="), 2),
        ('<', Some('=')) => (Tok::Sym("<="), 2),
        ('>', _) => (Tok::Sym(">"), 1),
        ('<', _) => (Tok::Sym("<"), 1),
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
        if ch.is_whitespace() || "()[],=!&|<>\"'".contains(ch) {
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
            Some(Tok::Sym(">")) => Op::Gt,
            Some(Tok::Sym(">=")) => Op::Ge,
            Some(Tok::Sym("<")) => Op::Lt,
            Some(Tok::Sym("<=")) => Op::Le,
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
        let at = self.at();
        let values = match op {
            Op::Exists | Op::NotExists => Vec::new(),
            Op::In | Op::NotIn => self.list()?,
            _ => vec![self.word("a value")?],
        };
        let pattern = match op {
            Op::Matches | Op::NotMatches => {
                Some(JavaPattern::new(&values[0]).map_err(|message| ParseError { at, message })?)
            }
            _ => None,
        };
        Ok(Expr::Test {
            subject,
            op,
            values,
            pattern,
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

/// How `>` and its kin order a value and an argument: as dotted numbers
/// when both are (`4`, `1.10.0` after `1.9.0`: agent versions), else as
/// numbers, else as text (ISO dates, `registeredAt`, order as text).
pub fn compare(value: &str, argument: &str) -> Ordering {
    let dotted = |s: &str| -> Option<Vec<u64>> { s.split('.').map(|p| p.parse().ok()).collect() };
    if let (Some(a), Some(b)) = (dotted(value), dotted(argument)) {
        return a.cmp(&b);
    }
    if let (Ok(a), Ok(b)) = (value.parse::<f64>(), argument.parse::<f64>()) {
        return a.partial_cmp(&b).unwrap_or(Ordering::Equal);
    }
    value.cmp(argument)
}

/// The subject that names the task groups of the tasks already on an
/// instance (ecs-semantics.md §10.2): `service:NAME`, `family:NAME`.
pub const TASK_GROUP: &str = "task:group";

impl Op {
    /// The operator a negative one denies (`!=` denies `==`), for a subject
    /// with several values.
    fn denied(self) -> Option<Op> {
        match self {
            Op::Ne => Some(Op::Eq),
            Op::NotMatches => Some(Op::Matches),
            Op::NotIn => Some(Op::In),
            Op::NotExists => Some(Op::Exists),
            _ => None,
        }
    }
}

/// The task groups (§10.2) of the tasks on one instance, as `task:group`
/// reads them.
pub trait TaskGroups {
    /// Whether one of them passes `test`.
    fn any(&self, test: &mut dyn FnMut(&str) -> bool) -> bool;
    /// Whether one of them is `name`: what `==` and `in` ask, answered
    /// without a look at every group.
    fn has(&self, name: &str) -> bool {
        self.any(&mut |g| g == name)
    }
}

impl TaskGroups for &[&str] {
    fn any(&self, test: &mut dyn FnMut(&str) -> bool) -> bool {
        self.iter().any(|g| test(g))
    }
}

impl Expr {
    /// Evaluates against an instance; `lookup` maps a subject such as
    /// `attribute:ecs.instance-type` to its value, None when absent.
    pub fn eval<'a>(&self, lookup: &dyn Fn(&str) -> Option<&'a str>) -> bool {
        let none: &[&str] = &[];
        self.eval_with(lookup, &none)
    }

    /// [`Self::eval`] on an instance whose tasks are in `task_groups`.
    /// `task:group` has a value per task: a test holds when one of them
    /// passes it, a negative one (`!=`, `not_in`, …) when none passes the
    /// test it denies, so `task:group != service:db` reads as "no db task
    /// here", as the guide's anti-affinity `not(task:group == service:db)`.
    pub fn eval_with<'a>(
        &self,
        lookup: &dyn Fn(&str) -> Option<&'a str>,
        task_groups: &dyn TaskGroups,
    ) -> bool {
        match self {
            Expr::And(a, b) => a.eval_with(lookup, task_groups) && b.eval_with(lookup, task_groups),
            Expr::Or(a, b) => a.eval_with(lookup, task_groups) || b.eval_with(lookup, task_groups),
            Expr::Not(a) => !a.eval_with(lookup, task_groups),
            Expr::Test {
                subject,
                op,
                values,
                ..
            } if subject == TASK_GROUP => {
                let denied = op.denied();
                let positive = denied.unwrap_or(*op);
                let passes = match positive {
                    Op::Eq => values.first().is_some_and(|v| task_groups.has(v)),
                    Op::In => values.iter().any(|v| task_groups.has(v)),
                    _ => task_groups.any(&mut |g| self.test(positive, Some(g))),
                };
                passes != denied.is_some()
            }
            Expr::Test { subject, op, .. } => self.test(*op, lookup(subject)),
        }
    }

    /// Whether the expression reads `task:group`, whose value changes as
    /// tasks are placed.
    pub fn reads_task_groups(&self) -> bool {
        match self {
            Expr::And(a, b) | Expr::Or(a, b) => a.reads_task_groups() || b.reads_task_groups(),
            Expr::Not(a) => a.reads_task_groups(),
            Expr::Test { subject, .. } => subject == TASK_GROUP,
        }
    }

    /// One test's operator on one value (None: the subject has none).
    fn test(&self, op: Op, value: Option<&str>) -> bool {
        let Expr::Test {
            values, pattern, ..
        } = self
        else {
            return false;
        };
        let first = values.first().map(String::as_str).unwrap_or("");
        let like = |v: &str| pattern.as_ref().is_some_and(|p| p.matches(v));
        let order = |want: &[Ordering]| value.is_some_and(|v| want.contains(&compare(v, first)));
        match op {
            Op::Exists => value.is_some(),
            Op::NotExists => value.is_none(),
            Op::Eq => value == Some(first),
            Op::Ne => value != Some(first),
            Op::Matches => value.is_some_and(like),
            Op::NotMatches => !value.is_some_and(like),
            Op::In => value.is_some_and(|v| values.iter().any(|x| x == v)),
            Op::NotIn => !value.is_some_and(|v| values.iter().any(|x| x == v)),
            Op::Gt => order(&[Ordering::Greater]),
            Op::Ge => order(&[Ordering::Greater, Ordering::Equal]),
            Op::Lt => order(&[Ordering::Less]),
            Op::Le => order(&[Ordering::Less, Ordering::Equal]),
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
            "attribute:ecs.instance-type =~ .*large",
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

    /// ecs-semantics.md §10.3: "The matches and not_matches operators expect an
    /// argument that conforms to the Java regular expression syntax" — the
    /// whole value matches, as `Pattern.matches`; the issue's `.*large`
    /// (which matched nothing as a glob) matches every large type.
    #[test]
    fn matches_is_a_java_regular_expression_over_the_whole_value() {
        assert!(on(
            "attribute:ecs.instance-type =~ .*large",
            "m5.large",
            "a"
        ));
        assert!(on(
            "attribute:ecs.instance-type =~ .*large",
            "c5.2xlarge",
            "a"
        ));
        assert!(
            !on("attribute:ecs.instance-type =~ large", "m5.large", "a"),
            "whole value"
        );
        assert!(on(
            "attribute:ecs.instance-type matches 't2\\.(micro|small)'",
            "t2.small",
            "a"
        ));
        assert!(!on(
            "attribute:ecs.instance-type matches 't2\\.(micro|small)'",
            "t2x.small",
            "a"
        ));
        assert!(on(
            "attribute:ecs.instance-type not_matches 'g[0-9]+.*'",
            "m5.large",
            "a"
        ));
        for java_only in ["'(?=t2).*'", "'(a)\\1'", "'t2.*+'"] {
            let err = parse(&format!("attribute:ecs.instance-type =~ {java_only}")).unwrap_err();
            assert!(err.message.contains("Berth can evaluate"), "{err}");
        }
        let err = parse("attribute:ecs.instance-type =~ *.large").unwrap_err();
        assert!(err.message.contains("nothing to repeat"), "{err}");
        assert_eq!(err.at, 31, "at the argument");
    }

    /// §10.3's `>` `>=` `<` `<=`: agent versions as dotted numbers, dates as text.
    #[test]
    fn comparisons_order_numbers_versions_and_dates() {
        let with = |expr: &str, subject: &'static str, value: &'static str| {
            parse(expr)
                .unwrap()
                .eval(&move |s| (s == subject).then_some(value))
        };
        assert!(with("agentVersion >= 1.10.0", "agentVersion", "1.10.0"));
        assert!(with("agentVersion > 1.9.0", "agentVersion", "1.10.0"));
        assert!(!with("agentVersion < 1.9.0", "agentVersion", "1.10.0"));
        assert!(with("runningTasksCount <= 4", "runningTasksCount", "4"));
        assert!(!with("runningTasksCount<4", "runningTasksCount", "4"));
        assert!(with(
            "registeredAt < 2024-01-01T00:00:00Z",
            "registeredAt",
            "2023-06-30T12:00:00Z"
        ));
        assert!(
            !with("registeredAt > 2024-01-01", "other", "2025-01-01"),
            "absent: no order"
        );
    }
}
