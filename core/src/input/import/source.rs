//! The text of an import before it is a document. A Jinja2 template (the
//! seed's stack is `stack.yml.j2`) is told to be rendered first, at its
//! line; JSON is parsed refusing a duplicate key at the duplicate, as the
//! YAML reader refuses it (issue 16, item 5). CloudFormation itself refuses
//! duplicate keys in either syntax, so taking the last one silently would
//! plan something the stack never deploys.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::{error, ImportError};

/// The first line (1-based) where `found` holds.
fn first_line(text: &str, found: impl Fn(&str) -> bool) -> Option<usize> {
    text.lines().position(found).map(|i| i + 1)
}

/// A Jinja2 statement (`{%`) or comment (`{#`): no CloudFormation template
/// or task definition has one, so the file is refused at once.
fn statement_line(text: &str) -> Option<usize> {
    first_line(text, |l| l.contains("{%") || l.contains("{#"))
}

/// A Jinja2 expression (`{{ ` with its customary space, or `{{-`). Berth's
/// placeholders (`{{GetAtt:Db.Endpoint.Address}}`) have none; a shell
/// script in user data may (`docker ps --format "{{ .Names }}"`), so an
/// expression alone only refuses a file that does not parse.
pub(super) fn expression_line(text: &str) -> Option<usize> {
    first_line(text, |l| l.contains("{{ ") || l.contains("{{-"))
}

fn render_first(line: usize) -> ImportError {
    error(
        format!("line {line}"),
        "this is a Jinja2 template ({{ }} or {% %}); render it first \
         (ansible's template module, or jinja2 with your variables) and import the result",
    )
}

/// Refuses a file with a Jinja2 statement, naming the line.
pub(super) fn refuse_jinja(text: &str) -> Result<(), ImportError> {
    match statement_line(text) {
        Some(line) => Err(render_first(line)),
        None => Ok(()),
    }
}

/// A parse error, or "render it first" when the file holds Jinja2
/// expressions (what made it unparseable, most likely).
pub(super) fn unparsed(text: &str, e: ImportError) -> ImportError {
    expression_line(text).map_or(e, render_first)
}

/// `text` as JSON; a key given twice in one object is an error at the line
/// of the second.
pub(super) fn parse_json(text: &str) -> Result<Value, ImportError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Unique::deserialize(&mut de).and_then(|v| de.end().map(|()| v.0));
    parsed.map_err(|e| crate::input::json_path::not_json(&e))
}

/// A JSON value whose objects have no key twice.
struct Unique(Value);

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueVisitor).map(Unique)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(n.into())
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(n.into())
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Unique(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate key \"{key}\"")));
            }
            let Unique(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}
