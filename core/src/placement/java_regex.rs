//! The Java regular expressions of `matches` / `not_matches` (ecs-semantics.md
//! §10.3: "an argument that conforms to the Java regular expression syntax",
//! matched against the whole value as `Pattern.matches`), in a small engine
//! of its own: the module that draws the board carries it, and a general
//! regex crate there weighed 20 KB gzipped.
//!
//! What it reads: literals, `.`, classes `[a-z0-9_]` and `[^…]`, `\d \D \w
//! \W \s \S`, escaped punctuation, `\t \n \r \f`, groups `(…)` and `(?:…)`,
//! `|`, `* + ?` and `{n}` `{n,}` `{n,m}` (lazy `?` forms alike: only
//! whether the value matches is asked), `^` and `$`. What Java has and it
//! does not (lookaround, back references, possessive quantifiers, atomic
//! groups, flags, `\Q…\E`, `\p{…}`, class intersections) is refused by name,
//! never matched differently. It compiles to an automaton that it runs over
//! the value once, every state at a time, so no pattern takes more than
//! (pattern size × value length) steps.

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Regex {
    source: String,
    program: Vec<Inst>,
}

impl PartialEq for Regex {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// The most instructions a pattern may compile to (counted repetitions copy
/// their body); beyond it the pattern is refused.
const MAX_PROGRAM: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
enum Inst {
    /// One character in the class.
    Char(Class),
    /// Either branch.
    Split(usize, usize),
    Jump(usize),
    /// `^`: only at the start.
    Start,
    /// `$`: only at the end.
    End,
    Match,
}

/// Ranges of characters, or everything but them.
#[derive(Debug, Clone, PartialEq)]
struct Class {
    ranges: Vec<(char, char)>,
    negated: bool,
}

impl Class {
    fn one(c: char) -> Class {
        Class {
            ranges: vec![(c, c)],
            negated: false,
        }
    }

    fn has(&self, c: char) -> bool {
        self.ranges.iter().any(|&(a, b)| a <= c && c <= b) != self.negated
    }
}

#[derive(Debug, Clone)]
enum Ast {
    Class(Class),
    Start,
    End,
    Concat(Vec<Ast>),
    Alt(Vec<Ast>),
    Repeat(Box<Ast>, u32, Option<u32>),
}

struct Parser<'s> {
    chars: Vec<char>,
    at: usize,
    source: &'s str,
}

impl Parser<'_> {
    fn fail<T>(&self, what: &str) -> Result<T, String> {
        Err(format!(
            "'{}' is not a regular expression Berth can evaluate: {what} at character {}",
            self.source,
            self.at + 1
        ))
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn alternation(&mut self, depth: usize) -> Result<Ast, String> {
        if depth > 64 {
            return self.fail("groups nested too deep");
        }
        let mut branches = vec![self.sequence(depth)?];
        while self.eat('|') {
            branches.push(self.sequence(depth)?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().expect("one branch")
        } else {
            Ast::Alt(branches)
        })
    }

    fn sequence(&mut self, depth: usize) -> Result<Ast, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom(depth)?;
            items.push(self.quantified(atom)?);
        }
        Ok(Ast::Concat(items))
    }

    fn quantified(&mut self, atom: Ast) -> Result<Ast, String> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => return self.counted(atom),
            _ => return Ok(atom),
        };
        self.at += 1;
        self.suffix()?;
        Ok(Ast::Repeat(Box::new(atom), min, max))
    }

    /// A lazy `?` changes nothing here; a possessive `+` would.
    fn suffix(&mut self) -> Result<(), String> {
        if self.peek() == Some('+') {
            return self.fail("a possessive quantifier");
        }
        self.eat('?');
        if matches!(self.peek(), Some('*' | '+' | '?' | '{')) {
            return self.fail("a quantifier with nothing to repeat");
        }
        Ok(())
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        self.chars[start..self.at]
            .iter()
            .collect::<String>()
            .parse()
            .ok()
    }

    fn counted(&mut self, atom: Ast) -> Result<Ast, String> {
        self.at += 1;
        let Some(min) = self.number() else {
            return self.fail("'{' without a count");
        };
        let max = if self.eat(',') {
            self.number()
        } else {
            Some(min)
        };
        if !self.eat('}') || max.is_some_and(|m| m < min) || min > 1000 || max.unwrap_or(0) > 1000 {
            return self.fail("a malformed {n,m} count");
        }
        self.suffix()?;
        Ok(Ast::Repeat(Box::new(atom), min, max))
    }

    fn atom(&mut self, depth: usize) -> Result<Ast, String> {
        let c = self.peek().expect("called with a character left");
        self.at += 1;
        Ok(match c {
            '(' => self.group(depth)?,
            '[' => Ast::Class(self.class()?),
            '.' => Ast::Class(Class {
                ranges: vec![('\n', '\n'), ('\r', '\r')],
                negated: true,
            }),
            '^' => Ast::Start,
            '$' => Ast::End,
            '\\' => Ast::Class(self.escape(false)?),
            '*' | '+' | '?' | '{' => {
                self.at -= 1;
                return self.fail("a quantifier with nothing to repeat");
            }
            c => Ast::Class(Class::one(c)),
        })
    }

    fn group(&mut self, depth: usize) -> Result<Ast, String> {
        if self.eat('?') && !self.eat(':') {
            return self.fail("lookaround, an atomic group, a named group or a flag");
        }
        let inner = self.alternation(depth + 1)?;
        if !self.eat(')') {
            return self.fail("an unclosed '('");
        }
        Ok(inner)
    }

    /// After `\`: a class letter, or the character itself.
    fn escape(&mut self, in_class: bool) -> Result<Class, String> {
        let Some(c) = self.peek() else {
            return self.fail("a '\\' at the end");
        };
        self.at += 1;
        let ranges = |r: &[(char, char)], negated| Class {
            ranges: r.to_vec(),
            negated,
        };
        const DIGIT: &[(char, char)] = &[('0', '9')];
        const WORD: &[(char, char)] = &[('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
        const SPACE: &[(char, char)] = &[(' ', ' '), ('\t', '\r')];
        Ok(match c {
            'd' => ranges(DIGIT, false),
            'D' => ranges(DIGIT, true),
            'w' => ranges(WORD, false),
            'W' => ranges(WORD, true),
            's' => ranges(SPACE, false),
            'S' => ranges(SPACE, true),
            't' => Class::one('\t'),
            'n' => Class::one('\n'),
            'r' => Class::one('\r'),
            'f' => Class::one('\u{c}'),
            c if c.is_ascii_digit() && !in_class => {
                self.at -= 1;
                return self.fail("a back reference");
            }
            c if c.is_ascii_alphanumeric() => {
                self.at -= 1;
                return self.fail(&format!("the escape \\{c}"));
            }
            c => Class::one(c),
        })
    }

    fn class(&mut self) -> Result<Class, String> {
        let negated = self.eat('^');
        let mut out = Class {
            ranges: Vec::new(),
            negated,
        };
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return self.fail("an unclosed '['");
            };
            if c == ']' && !first {
                self.at += 1;
                return Ok(out);
            }
            first = false;
            if c == '[' || (c == '&' && self.chars.get(self.at + 1) == Some(&'&')) {
                return self.fail("a nested class or class intersection");
            }
            self.at += 1;
            let low = if c == '\\' {
                let e = self.escape(true)?;
                if e.negated || e.ranges.len() != 1 || e.ranges[0].0 != e.ranges[0].1 {
                    if e.negated {
                        return self.fail("a negated class inside a class");
                    }
                    out.ranges.extend(e.ranges);
                    continue;
                }
                e.ranges[0].0
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&n| n != ']') {
                self.at += 1;
                let high = self.peek().expect("checked above");
                self.at += 1;
                if high < low {
                    return self.fail("a range whose end comes before its start");
                }
                out.ranges.push((low, high));
            } else {
                out.ranges.push((low, low));
            }
        }
    }
}

fn emit(ast: &Ast, program: &mut Vec<Inst>) -> Result<(), ()> {
    if program.len() > MAX_PROGRAM {
        return Err(());
    }
    match ast {
        Ast::Class(c) => program.push(Inst::Char(c.clone())),
        Ast::Start => program.push(Inst::Start),
        Ast::End => program.push(Inst::End),
        Ast::Concat(items) => {
            for a in items {
                emit(a, program)?;
            }
        }
        Ast::Alt(branches) => {
            // split L1, next; L1: branch; jump end; … the last branch falls through.
            let mut jumps = Vec::new();
            for (i, b) in branches.iter().enumerate() {
                if i + 1 < branches.len() {
                    let split = program.len();
                    program.push(Inst::Split(split + 1, 0));
                    emit(b, program)?;
                    jumps.push(program.len());
                    program.push(Inst::Jump(0));
                    let next = program.len();
                    program[split] = Inst::Split(split + 1, next);
                } else {
                    emit(b, program)?;
                }
            }
            let end = program.len();
            for j in jumps {
                program[j] = Inst::Jump(end);
            }
        }
        Ast::Repeat(body, min, max) => {
            for _ in 0..*min {
                emit(body, program)?;
            }
            match max {
                None => {
                    let split = program.len();
                    program.push(Inst::Split(split + 1, 0));
                    emit(body, program)?;
                    program.push(Inst::Jump(split));
                    let out = program.len();
                    program[split] = Inst::Split(split + 1, out);
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(program.len());
                        program.push(Inst::Split(0, 0));
                        emit(body, program)?;
                    }
                    let out = program.len();
                    for s in splits {
                        program[s] = Inst::Split(s + 1, out);
                    }
                }
            }
        }
    }
    Ok(())
}

impl Regex {
    /// Compiles a Java pattern, or says what in it Berth cannot evaluate.
    pub fn new(source: &str) -> Result<Regex, String> {
        let mut p = Parser {
            chars: source.chars().collect(),
            at: 0,
            source,
        };
        let ast = p.alternation(0)?;
        if p.at < p.chars.len() {
            return p.fail("an unmatched ')'");
        }
        let mut program = Vec::new();
        if emit(&ast, &mut program).is_err() {
            return Err(format!("'{source}' is too large to evaluate"));
        }
        program.push(Inst::Match);
        Ok(Regex {
            source: source.to_string(),
            program,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the whole of `text` matches (`Pattern.matches`).
    pub fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let mut current = Vec::new();
        let mut seen = vec![usize::MAX; self.program.len()];
        self.add(&mut current, &mut seen, 0, 0, chars.len());
        for (i, &c) in chars.iter().enumerate() {
            let mut next = Vec::new();
            for &pc in &current {
                if let Inst::Char(class) = &self.program[pc] {
                    if class.has(c) {
                        self.add(&mut next, &mut seen, pc + 1, i + 1, chars.len());
                    }
                }
            }
            if next.is_empty() {
                return false;
            }
            current = next;
        }
        current.iter().any(|&pc| self.program[pc] == Inst::Match)
    }

    /// `pc` and every state reachable from it without reading, at `pos`
    /// (a work list, not recursion: a pattern may chain thousands).
    fn add(&self, list: &mut Vec<usize>, seen: &mut [usize], pc: usize, pos: usize, len: usize) {
        let mut work = vec![pc];
        while let Some(pc) = work.pop() {
            if seen[pc] == pos {
                continue;
            }
            seen[pc] = pos;
            match &self.program[pc] {
                Inst::Split(a, b) => work.extend([*b, *a]),
                Inst::Jump(t) => work.push(*t),
                Inst::Start if pos == 0 => work.push(pc + 1),
                Inst::End if pos == len => work.push(pc + 1),
                Inst::Start | Inst::End => {}
                Inst::Char(_) | Inst::Match => list.push(pc),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn m(p: &str, t: &str) -> bool {
        Regex::new(p).unwrap_or_else(|e| panic!("{e}")).is_match(t)
    }

    /// The cases java.util.regex.Pattern.matches answers so (whole value).
    #[test]
    fn matches_as_java_does() {
        assert!(m(".*large", "m5.large") && m(".*large", "c5.2xlarge"));
        assert!(!m("large", "m5.large"), "the whole value");
        assert!(m("t2\\.(micro|small)", "t2.small") && !m("t2\\.(micro|small)", "t2x.small"));
        assert!(m("[a-z]+\\d[a-z]*\\.\\w+", "c6gn.large"));
        assert!(m("[^x].*", "m5.large") && !m("[^m].*", "m5.large"));
        assert!(m("us-east-1[ab]", "us-east-1b") && !m("us-east-1[ab]", "us-east-1c"));
        assert!(
            m("a{2,3}", "aaa")
                && !m("a{2,3}", "aaaa")
                && m("a{2}b?", "aa")
                && m("(ab){2,}", "ababab")
        );
        assert!(
            m("(?:m|c)5\\..*?", "c5.xlarge"),
            "a lazy quantifier asks the same"
        );
        assert!(m("^t2.*$", "t2.nano"));
        assert!(m("", "") && !m("", "a"));
        assert!(m("a|", "") && m("a|b|c", "c"));
        assert!(m("[.-]x", "-x") && m("[]a]", "]"));
        // No blow-up on a pattern that backtracking engines take exponential time on.
        assert!(!m("(a*)*b", &"a".repeat(5000)));
    }

    #[test]
    fn what_java_has_and_berth_cannot_evaluate_is_refused_by_name() {
        for (p, what) in [
            ("(?=t2).*", "lookaround"),
            ("(a)\\1", "back reference"),
            ("t2.*+", "possessive"),
            ("(?>a)", "atomic"),
            ("(?i)t2", "flag"),
            ("\\p{Lower}", "escape \\p"),
            ("[a-z&&[^e]]", "intersection"),
            ("*.large", "nothing to repeat"),
            ("(t2", "unclosed '('"),
            ("t2)", "unmatched ')'"),
            ("[a-", "unclosed '['"),
            ("a{3,1}", "malformed"),
        ] {
            let err = Regex::new(p).unwrap_err();
            assert!(err.contains(what), "{p}: {err}");
        }
        assert!(Regex::new("(a{1000}){1000}")
            .unwrap_err()
            .contains("too large"));
    }
}
