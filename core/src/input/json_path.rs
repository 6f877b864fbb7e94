//! Reading JSON into a typed value with an error that names the JSON path of
//! the field at fault (`$.taskDefinitions[0].memory`).
//!
//! serde_json reports where in the text it stopped (line and column), not
//! which field it was reading. This module turns that place back into a path
//! by scanning the text, which it does only when there is an error. A
//! deserializer wrapper that tracks the path on every field
//! (serde_path_to_error) gave the same answers but doubled the plan's
//! deserialization code: 16 KB gzipped of the web bundle's first load and
//! 12 KB of the exchange module (issue 8).
//!
//! Where serde_json stops, by kind of error (the last byte it read or
//! peeked), and so which value the error is about:
//! - a scalar of the wrong type or value: inside it;
//! - an unknown enum variant written as a map's key: in the key (the map);
//! - a map or list where a struct field wants something else: the byte
//!   before it;
//! - a missing field, a list of the wrong length: its closing bracket;
//! - a scalar read whole and then refused by Berth's own checks (a memory of
//!   "2 TB"): its last byte when a comma follows, else the closing bracket
//!   of the map or list it ends;
//! - a map or list refused by `scalar`: between its brackets.
//!
//! `core/tests/json_path.rs` holds these rules to serde_path_to_error's
//! answers on every value of the example plan replaced by wrong ones.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// A value that could not be read: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// `$` for the document itself.
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

/// `text`, which must be valid JSON (check it first), read as a `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, PathError> {
    serde_json::from_str(text).map_err(|e| {
        let message = strip_position(&e.to_string());
        PathError {
            path: path_at(text, offset(text, e.line(), e.column()), &message),
            message,
        }
    })
}

/// `value` read as a `T`; paths start with `prefix` (the value's own path).
pub fn from_value<T: DeserializeOwned>(value: &Value, prefix: &str) -> Result<T, PathError> {
    from_str(&value.to_string()).map_err(|e| PathError {
        path: format!("{prefix}{}", &e.path[1..]),
        message: e.message,
    })
}

/// Text that is not JSON, as one error: where, then serde_json's reason.
pub(crate) fn not_json(e: &serde_json::Error) -> crate::input::LoadError {
    crate::input::LoadError::new(
        "$",
        format!(
            "not valid JSON (line {}, column {}): {}",
            e.line(),
            e.column(),
            strip_position(&e.to_string())
        ),
    )
}

/// A serde_json message without its " at line L column C".
pub(crate) fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The byte offset of serde_json's (1-based line, 1-based byte column).
fn offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    line_start + column.saturating_sub(1)
}

#[derive(Debug, Clone, Copy)]
enum Step<'t> {
    Key(&'t str),
    Index(usize),
}

fn render(steps: &[Step]) -> String {
    let mut path = String::from("$");
    for step in steps {
        match step {
            Step::Key(k) => {
                path.push('.');
                path.push_str(k);
            }
            Step::Index(i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

/// What the scan found around the error's byte.
#[derive(Default)]
struct Found<'t> {
    /// The innermost map or list the byte is in (between its brackets).
    within: Option<Vec<Step<'t>>>,
    /// The scalar the byte is in (or the map, when it is in a key).
    inside: Option<Vec<Step<'t>>>,
    /// The value that ended last before the byte.
    before: Option<Vec<Step<'t>>>,
    /// The first value that starts after the byte.
    after: Option<Vec<Step<'t>>>,
    /// The value that starts at the byte: a map or list whose opening
    /// bracket serde_json read before it failed (or a scalar, found inside).
    opened: Option<Vec<Step<'t>>>,
    /// The map or list the byte closes.
    closed: Option<Closed<'t>>,
}

struct Closed<'t> {
    path: Vec<Step<'t>>,
    /// Its last member, and whether that is a scalar.
    last: Option<(Vec<Step<'t>>, bool)>,
}

struct Scan<'t> {
    text: &'t str,
    at: usize,
    /// The error's byte.
    error: usize,
    path: Vec<Step<'t>>,
    found: Found<'t>,
}

/// Stops the scan: nothing past the first value after the error matters.
struct Done;

impl<'t> Scan<'t> {
    fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.byte(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    /// After a member or element: steps past a `,` and says so, or stays
    /// where the closing bracket should be.
    fn comma(&mut self) -> bool {
        self.skip_space();
        let more = self.byte() == Some(b',');
        self.at += usize::from(more);
        more
    }

    /// At a closing `}` or `]`: steps past it and returns its byte.
    fn close(&mut self) -> usize {
        self.at += 1;
        self.at - 1
    }

    /// A string from its opening quote; returns its last byte (the closing quote).
    fn string(&mut self) -> usize {
        self.at += 1;
        while let Some(b) = self.byte() {
            self.at += 1;
            match b {
                b'\\' => self.at += 1,
                b'"' => break,
                _ => {}
            }
        }
        self.at - 1
    }

    /// Scans one value; returns whether it was a scalar.
    fn value(&mut self) -> Result<bool, Done> {
        self.skip_space();
        let start = self.at;
        if start > self.error {
            self.found.after = Some(self.path.clone());
            return Err(Done);
        }
        if start == self.error {
            self.found.opened = Some(self.path.clone());
        }
        // A container's last member comes back with its end, for `closed`.
        let (end, scalar, last_member) = match self.byte() {
            Some(b'{' | b'[') => {
                self.found.within = Some(self.path.clone());
                let (end, last) = if self.byte() == Some(b'{') {
                    self.object()?
                } else {
                    self.list()?
                };
                (end, false, last)
            }
            Some(b'"') => (self.string(), true, None),
            Some(_) => {
                while !matches!(
                    self.byte(),
                    None | Some(b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t')
                ) {
                    self.at += 1;
                }
                (self.at.saturating_sub(1), true, None)
            }
            None => return Err(Done),
        };
        if scalar && (start..=end).contains(&self.error) {
            self.found.inside = Some(self.path.clone());
        }
        if !scalar && end == self.error {
            let last = last_member.map(|(step, scalar)| {
                let mut path = self.path.clone();
                path.push(step);
                (path, scalar)
            });
            self.found.closed = Some(Closed {
                path: self.path.clone(),
                last,
            });
        }
        if end < self.error {
            self.found.before = Some(self.path.clone());
            if !scalar {
                // Not in this one after all: back to the one it is in.
                self.found.within = self.path.split_last().map(|(_, up)| up.to_vec());
            }
        }
        Ok(scalar)
    }

    /// From `{`; returns the byte of the closing `}` and the last member's
    /// key, and whether that member is a scalar.
    fn object(&mut self) -> Result<(usize, Option<(Step<'t>, bool)>), Done> {
        self.at += 1;
        let mut last = None;
        loop {
            self.skip_space();
            if self.byte() != Some(b'"') {
                break;
            }
            let key_start = self.at;
            let key_end = self.string();
            let key = self.text.get(key_start + 1..key_end).unwrap_or("");
            // An error in a key (an enum's unknown variant, a duplicate
            // field) is about the map that holds it.
            if (key_start..=key_end).contains(&self.error) {
                self.found.inside = Some(self.path.clone());
            }
            self.path.push(Step::Key(key));
            self.skip_space();
            self.at += 1; // ':'
            let scalar = self.value()?;
            last = self.path.pop().map(|step| (step, scalar));
            if !self.comma() {
                break;
            }
        }
        Ok((self.close(), last))
    }

    /// From `[`; returns the byte of the closing `]` and the last element's
    /// index, and whether that element is a scalar.
    fn list(&mut self) -> Result<(usize, Option<(Step<'t>, bool)>), Done> {
        self.at += 1;
        self.skip_space();
        let mut index = 0;
        let mut last = None;
        while !matches!(self.byte(), None | Some(b']')) {
            self.path.push(Step::Index(index));
            let scalar = self.value()?;
            last = self.path.pop().map(|step| (step, scalar));
            index += 1;
            if !self.comma() {
                break;
            }
        }
        Ok((self.close(), last))
    }
}

/// The path of the value that serde_json's `message`, raised at byte
/// `error` of `text`, is about (see the module's notes for the rules).
fn path_at(text: &str, error: usize, message: &str) -> String {
    let mut scan = Scan {
        text,
        at: 0,
        error,
        path: Vec::new(),
        found: Found::default(),
    };
    let _ = scan.value();
    let Found {
        within,
        inside,
        before,
        after,
        opened,
        closed,
    } = scan.found;
    // `scalar`'s refusal of a map or list: serde_json stops somewhere
    // between its brackets.
    if message.ends_with(", not a map") || message.ends_with(", not a list") {
        return render(&within.unwrap_or_default());
    }
    // Errors raised before a map or list is read stop on the byte before it.
    let container_in_its_place =
        message.starts_with("invalid type: map") || message.starts_with("invalid type: sequence");
    let about_the_container =
        message.starts_with("missing field") || message.starts_with("invalid length");
    let steps = match (inside, after, opened, closed) {
        (Some(steps), ..) => steps,
        (None, Some(steps), ..) if container_in_its_place => steps,
        (None, _, Some(steps), _) => steps,
        (None, _, None, Some(closed)) => match closed {
            Closed { path, .. } if about_the_container => path,
            // A scalar read whole and then refused (Berth's own checks, such
            // as a memory of "2 TB") that ends its map or list: serde_json
            // stops on the closing bracket, not in the scalar.
            Closed {
                last: Some((last, true)),
                ..
            } => last,
            Closed { path, .. } => path,
        },
        _ => before.unwrap_or_default(),
    };
    render(&steps)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Port {
        #[serde(rename = "containerPort")]
        container_port: u16,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Host {
        name: String,
        ports: Vec<Port>,
        range: Option<[u16; 2]>,
    }

    fn path_of(text: &str) -> String {
        from_str::<Vec<Host>>(text).unwrap_err().path
    }

    #[test]
    fn each_kind_of_error_names_its_value() {
        let ok = r#"{"name": "a", "ports": [{"containerPort": 80}]}"#;
        assert!(from_str::<Vec<Host>>(&format!("[{ok}]")).is_ok());
        // A scalar of the wrong type, or out of range.
        assert_eq!(
            path_of(&format!(
                r#"[{ok}, {{"name": "b", "ports": [{{"containerPort": "x"}}]}}]"#
            )),
            "$[1].ports[0].containerPort"
        );
        assert_eq!(
            path_of(r#"[{"name": "b", "ports": [{"containerPort": 70000}]}]"#),
            "$[0].ports[0].containerPort"
        );
        // A map where a list belongs: serde_json stops before the map.
        assert_eq!(path_of(r#"[{"name": "b", "ports": {}}]"#), "$[0].ports");
        assert_eq!(
            path_of(r#"[{"name": "b", "ports": [{"containerPort": 1}, []]}]"#),
            "$[0].ports[1]"
        );
        // A missing field names the object; a short list names the list.
        assert_eq!(
            path_of(&format!(
                "[{ok},\n  {{\"name\": \"b\",\n   \"ports\": [{{}}]}}]"
            )),
            "$[1].ports[0]"
        );
        assert_eq!(path_of(r#"[{"ports": []}]"#), "$[0]");
        assert_eq!(
            path_of(r#"[{"name": "b", "ports": [], "range": [1]}]"#),
            "$[0].range"
        );
    }

    #[test]
    fn broken_json_gives_a_path() {
        for text in ["{\"", "{\"k", "[\"", "{\"k\":", "\"\\", "{\"k\" 1}", "{\"é"] {
            for error in 0..text.len() + 2 {
                assert!(path_at(text, error, "x").starts_with('$'), "{text}");
            }
        }
    }

    proptest::proptest! {
        /// The scan trusts nothing: any text, even broken JSON, and any
        /// error position give a path and no panic.
        #[test]
        fn any_text_gives_a_path(
            tokens in proptest::collection::vec(
                proptest::sample::select(
                    &["{", "}", "[", "]", "\"", "\"k\"", ":", ",", "1", "-", " ", "\\", "é"][..],
                ),
                0..40,
            ),
            error in 0usize..100,
        ) {
            let text = tokens.concat();
            proptest::prop_assert!(path_at(&text, error, "x").starts_with('$'));
            if let Err(e) = from_str::<Vec<Host>>(&text) {
                proptest::prop_assert!(e.path.starts_with('$'));
            }
        }
    }

    #[test]
    fn from_value_puts_the_prefix_first() {
        let v: Value = serde_json::json!({"name": 5, "ports": []});
        let e = from_value::<Host>(&v, "$.Resources.Web").unwrap_err();
        assert_eq!(e.path, "$.Resources.Web.name");
        assert!(e.message.starts_with("invalid type: integer `5`"), "{e:?}");
    }
}
