//! The checker's own reading of a `memberOf` expression (§4.3), written apart
//! from `placement::cql` on purpose: it evaluates while it reads, over a flat
//! list of tokens, with no syntax tree. A bug in one reading shows as a
//! disagreement with the other.
//!
//! The language as Berth reads it (ecs-semantics.md §10.3): tests `SUBJECT
//! OP VALUE`, with `==` (`equals`), `!=` (`not_equals`), `=~` (`matches`),
//! `!~` (`not_matches`) taking a Java regular expression that must match
//! the whole value, `>` `>=` `<` `<=` ordering dotted numbers as numbers
//! and anything else as text, `in [..]`, `not in [..]` (`!in`, `not_in`),
//! `exists`, `!exists` (`not_exists`, `not exists`); `and` (`&&`) binding
//! tighter than `or` (`||`); `not` (`!`) and parentheses. Words are
//! case-insensitive; values may be quoted.

/// A token: punctuation, or a word (quoted words cannot be keywords).
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Punct(&'static str),
    Word(String, bool),
}

fn tokens(text: &str) -> Option<Vec<Token>> {
    const PUNCT: [&str; 16] = [
        "==", "!=", "=~", "!~", ">=", "<=", "&&", "||", "(", ")", "[", "]", ",", "!", ">", "<",
    ];
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        if let Some(p) = PUNCT.iter().find(|p| rest.starts_with(**p)) {
            out.push(Token::Punct(p));
            rest = &rest[p.len()..];
        } else if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let end = rest[1..].find(q)?;
            out.push(Token::Word(rest[1..1 + end].to_string(), true));
            rest = &rest[end + 2..];
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || "()[],=!&|<>\"'".contains(c))
                .unwrap_or(rest.len());
            if end == 0 {
                return None; // a lone '=', '&' or '|'
            }
            out.push(Token::Word(rest[..end].to_string(), false));
            rest = &rest[end..];
        }
        rest = rest.trim_start();
    }
    Some(out)
}

/// Reads and evaluates at once; `None` is a syntax error.
struct Reader<'t, 'f> {
    tokens: &'t [Token],
    at: usize,
    value_of: &'f dyn Fn(&str) -> Option<String>,
    /// The groups of the tasks already on the instance (`task:group`).
    task_groups: &'f [String],
}

impl Reader<'_, '_> {
    fn keyword(&self, k: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Word(w, false)) if w.eq_ignore_ascii_case(k))
    }

    fn punct(&self, p: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Punct(t)) if *t == p)
    }

    fn any_of(&mut self, alternatives: &[&str]) -> bool {
        let hit = alternatives.iter().any(|a| {
            if a.starts_with(char::is_alphabetic) {
                self.keyword(a)
            } else {
                self.punct(a)
            }
        });
        if hit {
            self.at += 1;
        }
        hit
    }

    fn word(&mut self) -> Option<String> {
        match self.tokens.get(self.at) {
            Some(Token::Word(w, _)) => {
                self.at += 1;
                Some(w.clone())
            }
            _ => None,
        }
    }

    fn disjunction(&mut self, depth: usize) -> Option<bool> {
        let mut value = self.conjunction(depth)?;
        while self.any_of(&["or", "||"]) {
            value |= self.conjunction(depth)?;
        }
        Some(value)
    }

    fn conjunction(&mut self, depth: usize) -> Option<bool> {
        let mut value = self.negation(depth)?;
        while self.any_of(&["and", "&&"]) {
            value &= self.negation(depth)?;
        }
        Some(value)
    }

    fn negation(&mut self, depth: usize) -> Option<bool> {
        if depth > 64 {
            return None;
        }
        if self.any_of(&["not", "!"]) {
            return self.negation(depth + 1).map(|v| !v);
        }
        if self.any_of(&["("]) {
            let value = self.disjunction(depth + 1)?;
            return self.any_of(&[")"]).then_some(value);
        }
        self.test()
    }

    fn list(&mut self) -> Option<Vec<String>> {
        if !self.any_of(&["["]) {
            return None;
        }
        let mut items = vec![self.word()?];
        while self.any_of(&[","]) {
            items.push(self.word()?);
        }
        self.any_of(&["]"]).then_some(items)
    }

    fn test(&mut self) -> Option<bool> {
        let subject = self.word()?;
        // Every value the subject has here: one or none, or for task:group
        // the group of each task on the instance; a test holds when one
        // value passes, a negative test when none passes its positive.
        let actual: Vec<String> = if subject.eq_ignore_ascii_case("task:group") {
            self.task_groups.to_vec()
        } else {
            (self.value_of)(&subject).into_iter().collect()
        };
        let is = |v: &str| actual.iter().any(|a| a == v);
        // Pattern.matches: the whole value. A pattern the engine cannot
        // compile makes the expression unreadable.
        let like = |p: &str| {
            let whole = regex_lite::Regex::new(&format!("^(?:{p})$")).ok()?;
            Some(actual.iter().any(|a| whole.is_match(a)))
        };
        let order = |p: &str, wanted: fn(std::cmp::Ordering) -> bool| {
            actual.iter().any(|a| wanted(ordered(a, p)))
        };
        if self.any_of(&["==", "equals"]) {
            return Some(is(&self.word()?));
        }
        if self.any_of(&["!=", "not_equals"]) {
            return Some(!is(&self.word()?));
        }
        if self.any_of(&["=~", "matches"]) {
            return like(&self.word()?);
        }
        if self.any_of(&["!~", "not_matches"]) {
            return like(&self.word()?).map(|v| !v);
        }
        if self.any_of(&[">="]) {
            return Some(order(&self.word()?, std::cmp::Ordering::is_ge));
        }
        if self.any_of(&["<="]) {
            return Some(order(&self.word()?, std::cmp::Ordering::is_le));
        }
        if self.any_of(&[">"]) {
            return Some(order(&self.word()?, std::cmp::Ordering::is_gt));
        }
        if self.any_of(&["<"]) {
            return Some(order(&self.word()?, std::cmp::Ordering::is_lt));
        }
        if self.any_of(&["in"]) {
            return Some(self.list()?.iter().any(|v| is(v)));
        }
        if self.any_of(&["not_in"]) {
            return Some(!self.list()?.iter().any(|v| is(v)));
        }
        if self.any_of(&["exists"]) {
            return Some(!actual.is_empty());
        }
        if self.any_of(&["not_exists"]) {
            return Some(actual.is_empty());
        }
        if self.any_of(&["!", "not"]) {
            if self.any_of(&["exists"]) {
                return Some(actual.is_empty());
            }
            // `!` and `not` alike go before `in` (the guide spells it `!in`).
            if self.any_of(&["in"]) {
                return Some(!self.list()?.iter().any(|v| is(v)));
            }
        }
        None
    }
}

/// `a` against `b`: part by part as numbers when both are dot-separated
/// numbers (versions: 1.10 after 1.9), as numbers when both read as one,
/// else as text.
fn ordered(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |s: &str| {
        s.split('.')
            .map(str::parse::<u64>)
            .collect::<Result<Vec<_>, _>>()
    };
    match (parts(a), parts(b)) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(x), Ok(y)) => x.total_cmp(&y),
            _ => a.cmp(b),
        },
    }
}

/// Whether an instance whose subjects have the values `value_of` gives is a
/// member; an expression Berth cannot read admits no instance.
pub(super) fn holds(
    expression: &str,
    value_of: &dyn Fn(&str) -> Option<String>,
    task_groups: &[String],
) -> bool {
    read(expression, value_of, task_groups) == Some(true)
}

/// Whether an expression names `task:group`, whose values are the groups
/// of the tasks on the instance (§10.2).
pub(super) fn reads_task_groups(expression: &str) -> bool {
    expression.contains("task:group")
}

/// Whether Berth can read the expression at all, whatever it gives.
pub(super) fn parses(expression: &str) -> bool {
    read(expression, &|_| None, &[]).is_some()
}

/// The expression's value on an instance; None when it cannot be read.
fn read(
    expression: &str,
    value_of: &dyn Fn(&str) -> Option<String>,
    task_groups: &[String],
) -> Option<bool> {
    if expression.trim().is_empty() || expression.len() > 2000 {
        return None;
    }
    let tokens = tokens(expression)?;
    let mut reader = Reader {
        tokens: &tokens,
        at: 0,
        value_of,
        task_groups,
    };
    let value = reader.disjunction(0)?;
    (reader.at == tokens.len()).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(expr: &str, itype: &str) -> bool {
        holds(
            expr,
            &|s| match s {
                "attribute:ecs.instance-type" => Some(itype.to_string()),
                "attribute:ecs.availability-zone" => Some("us-east-1a".to_string()),
                _ => None,
            },
            &[],
        )
    }

    /// Each form against a value that passes and one that fails, from the
    /// guide's own examples (§4.3).
    #[test]
    fn reads_every_form_berth_supports() {
        assert!(on("attribute:ecs.instance-type == t2.micro", "t2.micro"));
        assert!(!on(
            "attribute:ecs.instance-type equals t2.micro",
            "t2.small"
        ));
        assert!(on("attribute:ecs.instance-type != t2.micro", "t2.small"));
        assert!(on(
            "attribute:ecs.instance-type NOT_EQUALS t2.micro",
            "t2.small"
        ));
        assert!(!on(
            "attribute:ecs.instance-type not_equals t2.micro",
            "t2.micro"
        ));
        assert!(on("attribute:ecs.instance-type matches t2.*", "t2.small"));
        assert!(on(
            "attribute:ecs.instance-type not_matches .*\\.large",
            "t2.small"
        ));
        assert!(!on("attribute:ecs.instance-type !~ t2.*", "t2.small"));
        assert!(on("attribute:stack not_exists", "x"));
        assert!(on("attribute:ecs.instance-type =~ t2.*", "t2.small"));
        assert!(!on("attribute:ecs.instance-type matches t2.*", "m5.large"));
        assert!(on("attribute:ecs.instance-type !~ .*\\.large", "t2.small"));
        assert!(on(
            "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
            "x"
        ));
        for not_in in ["not in", "!in", "not_in"] {
            let e = format!("attribute:ecs.availability-zone {not_in} ['us-east-1a']");
            assert!(!on(&e, "x"), "{e}");
        }
        assert!(on("attribute:stack !exists", "x"));
        assert!(on("attribute:stack not exists", "x"));
        assert!(!on("attribute:stack exists", "x"));
        assert!(on(
            "(attribute:ecs.instance-type == t2.micro || attribute:ecs.instance-type == t2.small) \
             and not (attribute:ecs.availability-zone == us-east-1b)",
            "t2.small"
        ));
        // `and` binds tighter than `or`.
        assert!(on(
            "attribute:stack exists and attribute:stack exists or attribute:ecs.instance-type == a",
            "a"
        ));
    }

    #[test]
    fn refuses_what_does_not_parse() {
        for bad in [
            "",
            "attribute:ecs.instance-type",
            "attribute:x == ",
            "(attribute:x exists",
            "attribute:x ! equals a",
            "a == b c",
        ] {
            assert!(!on(bad, "t2.micro"), "{bad}");
            assert!(!on(&format!("not ({bad})"), "t2.micro"), "not ({bad})");
        }
    }

    /// The two readings agree on every test testgen writes (each operator
    /// and spelling, quoted and not, Java patterns and comparisons), for
    /// every value the subject might have, and for none.
    #[test]
    fn agrees_with_placement_on_every_generated_test() {
        let candidates = [
            "t2.micro",
            "m5.large",
            "us-east-1a",
            "arm64",
            "linux",
            "prod",
            "g0-1",
            "4",
            "1.10.0",
        ];
        for subject in 0..9u8 {
            for op in 0..18u8 {
                for a in 0..8u8 {
                    for quoted in [false, true] {
                        let t = berth_testgen::Test {
                            subject,
                            op,
                            values: (a, a + 1),
                            quoted,
                        };
                        let text = berth_testgen::Expr::Test(t).render(0);
                        let name = text.split_whitespace().next().unwrap().to_string();
                        for value in candidates.iter().map(|v| Some(*v)).chain([None]) {
                            let lookup = |s: &str| (s == name).then_some(value).flatten();
                            let placement = crate::placement::cql::parse(&text)
                                .map(|e| e.eval(&lookup))
                                .unwrap_or(false);
                            let checker = holds(&text, &|s| lookup(s).map(str::to_string), &[]);
                            assert_eq!(placement, checker, "{text} on {value:?}");
                        }
                    }
                }
            }
        }
    }
}
