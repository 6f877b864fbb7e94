//! Berth's own engine for the query language's Java regular expressions
//! (`placement::java_regex`) against a general one (regex-lite, which the
//! checker uses): wherever both read a pattern, they agree on whether the
//! whole of a value matches. Patterns and values are drawn from a small
//! alphabet so that they collide often.

use berth_core::placement::java_regex::Regex;
use proptest::prelude::*;

const PATTERN: &[&str] = &[
    "a", "b", "1", ".", "-", "*", "+", "?", "|", "(", ")", "(?:", "[", "]", "^", "$", "{2}",
    "{1,}", "{0,2}", "\\d", "\\w", "\\.", "\\s", "[^a]", "[a-c]", "t2", "large",
];
const TEXT: &[&str] = &["a", "b", "1", ".", "-", " ", "t2", "large", "c"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]
    #[test]
    fn agrees_with_a_general_engine(
        p in prop::collection::vec(0..PATTERN.len(), 0..8),
        t in prop::collection::vec(0..TEXT.len(), 0..6),
    ) {
        let pattern: String = p.iter().map(|&i| PATTERN[i]).collect();
        let text: String = t.iter().map(|&i| TEXT[i]).collect();
        if let (Ok(ours), Ok(theirs)) = (
            Regex::new(&pattern),
            regex_lite::Regex::new(&format!("^(?:{pattern})$")),
        ) {
            prop_assert_eq!(ours.is_match(&text), theirs.is_match(&text), "{:?} on {:?}", pattern, text);
        }
    }
}
