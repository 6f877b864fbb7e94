//! The user's own template, written back with the plan's changes (issue
//! 23, item 4). A plan imported from a template keeps the document and
//! where each field it read came from: a literal at a JSON path, or a
//! parameter (a binding). The plan as imported is read again from that
//! document; each field the user changed since is written where it came
//! from (the literal, or the parameter's Default) and nothing else in the
//! document moves. A change the template has no place for (a new service,
//! a port) is listed as not written, never dropped silently.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::bindings;
use crate::input::import::reimport;
use crate::model::{Plan, SourceTemplate};

/// One difference: where, what it was, what it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// A JSON path in the template, or a plan path for a change not written.
    pub at: String,
    /// The value before (null: absent).
    pub from: Value,
    /// The value now (null: absent).
    pub to: Value,
}

/// The user's template with the plan's changes, and what they were.
#[derive(Debug, Clone, PartialEq)]
pub struct WrittenBack {
    /// The document, changed only at `changes`.
    pub template: Value,
    /// Each value changed in the document.
    pub changes: Vec<Change>,
    /// Changes of the plan the template has no literal or parameter for.
    pub not_written: Vec<Change>,
}

/// Why a plan cannot be written back into its template.
pub const NO_SOURCE: &str =
    "this plan was not imported from a CloudFormation template: there is none of yours to write back (export Berth's template instead)";

/// The template the plan was imported from, with the plan's changes.
pub fn write_back(plan: &Plan) -> Result<WrittenBack, String> {
    let cfn = plan.cloud_formation.as_ref().ok_or(NO_SOURCE)?;
    let source: SourceTemplate = serde_json::from_value(cfn.source.clone().ok_or(NO_SOURCE)?)
        .map_err(|e| format!("cloudFormation.source: {e}"))?;
    let source = &source;
    let imported = reimport(source, &cfn.stack_name)
        .map_err(|e| format!("the template no longer imports: {}: {}", e.path, e.message))?;
    let mut template = source.template.clone();
    let mut changes = Vec::new();
    let mut covered: Vec<&str> = Vec::new();
    for (field, at) in &source.fields {
        covered.push(field);
        if let Some(change) = changed(&imported, plan, field) {
            changes.push(set_literal(&mut template, at, &change.1)?);
        }
    }
    changes.extend(declarations(&imported, plan, &mut template));
    for (parameter, fields) in &cfn.bindings {
        let mut new_default: Option<String> = None;
        for field in fields {
            match field.strip_suffix(":tag") {
                // The tag is the parameter's; a new repository is not.
                Some(image) if same_repository(&imported, plan, image) => covered.push(image),
                Some(_) => {}
                None => covered.push(field),
            }
            if let Some((_, now)) = changed(&imported, plan, field) {
                new_default = Some(now);
            }
        }
        if let Some(value) = new_default {
            changes.push(set_default(&mut template, parameter, &value)?);
        }
    }
    let not_written = plan_diff(&imported, plan)
        .into_iter()
        .filter(|c| !covered.iter().any(|f| c.at == *f))
        .collect();
    Ok(WrittenBack {
        template,
        changes,
        not_written,
    })
}

/// The parameters whose declaration the plan changed (an AllowedValues
/// widened by a fix), written property by property.
fn declarations(imported: &Plan, plan: &Plan, template: &mut Value) -> Vec<Change> {
    let declared = |p: &Plan| {
        p.cloud_formation
            .as_ref()
            .map(|c| c.parameters.clone())
            .unwrap_or_default()
    };
    let (before, now) = (declared(imported), declared(plan));
    let mut changes = Vec::new();
    for (name, p) in &now {
        let Some(old) = before.get(name) else {
            continue;
        };
        let (old, new) = (
            serde_json::to_value(old).unwrap_or_default(),
            serde_json::to_value(p).unwrap_or_default(),
        );
        let Some(slot) =
            at_mut(template, &format!("$.Parameters.{name}")).and_then(Value::as_object_mut)
        else {
            continue;
        };
        for (key, value) in new.as_object().into_iter().flatten() {
            if old.get(key) != Some(value) {
                changes.push(Change {
                    at: format!("$.Parameters.{name}.{key}"),
                    from: slot.get(key).cloned().unwrap_or(Value::Null),
                    to: value.clone(),
                });
                slot.insert(key.clone(), value.clone());
            }
        }
    }
    changes
}

/// (before, now) of a plan field when the plan changed it.
fn changed(imported: &Plan, plan: &Plan, field: &str) -> Option<(String, String)> {
    let before = bindings::read(imported, field).ok()?;
    let now = bindings::read(plan, field).ok()?;
    (before != now).then_some((before, now))
}

/// Whether an image field names the same repository in both plans.
fn same_repository(imported: &Plan, plan: &Plan, image: &str) -> bool {
    match (bindings::read(imported, image), bindings::read(plan, image)) {
        (Ok(a), Ok(b)) => bindings::split_image(&a).0 == bindings::split_image(&b).0,
        _ => false,
    }
}

/// The segments of a JSON path as Berth writes them (`$.A.B[0].C`).
fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path
        .trim_start_matches('$')
        .split('.')
        .filter(|p| !p.is_empty())
    {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            out.push(Segment::Key(key.to_string()));
        }
        for index in rest.split('[') {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                out.push(Segment::Index(i));
            }
        }
    }
    out
}

enum Segment {
    Key(String),
    Index(usize),
}

fn at_mut<'a>(doc: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut here = doc;
    for s in segments(path) {
        here = match s {
            Segment::Key(k) => here.get_mut(&k)?,
            Segment::Index(i) => here.get_mut(i)?,
        };
    }
    Some(here)
}

/// `text` in the JSON type the template had there: a number stays a number.
fn typed_like(old: &Value, text: &str) -> Value {
    match old {
        Value::Number(_) => text
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<f64>().map(Value::from))
            .unwrap_or_else(|_| Value::String(text.to_string())),
        Value::Bool(_) if text == "true" || text == "false" => Value::Bool(text == "true"),
        _ => Value::String(text.to_string()),
    }
}

fn set_literal(doc: &mut Value, at: &str, text: &str) -> Result<Change, String> {
    let slot = at_mut(doc, at).ok_or_else(|| format!("{at}: no longer in the template"))?;
    let from = slot.clone();
    *slot = typed_like(&from, text);
    Ok(Change {
        at: at.to_string(),
        from,
        to: slot.clone(),
    })
}

fn set_default(doc: &mut Value, parameter: &str, text: &str) -> Result<Change, String> {
    let at = format!("$.Parameters.{parameter}");
    let declaration = at_mut(doc, &at)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| format!("{at}: no longer in the template"))?;
    let from = declaration.get("Default").cloned().unwrap_or(Value::Null);
    let to = typed_like(&from, text);
    declaration.insert("Default".into(), to.clone());
    Ok(Change {
        at: format!("{at}.Default"),
        from,
        to,
    })
}

/// The key that names an item of each list of the plan, as binding paths
/// name them (`services[web]`); other lists are compared by position.
fn item_key(list: &str) -> Option<&'static str> {
    match list {
        "instanceGroups" | "containerDefinitions" => Some("name"),
        "taskDefinitions" => Some("family"),
        "services" => Some("serviceName"),
        _ => None,
    }
}

/// Every difference between two plans in what a template can hold (the
/// cluster, task definitions as planned, services), named as binding
/// paths name fields: `services[web].desiredCount`.
pub fn plan_diff(before: &Plan, after: &Plan) -> Vec<Change> {
    let view = |p: &Plan| {
        let mut m = Map::new();
        m.insert(
            "cluster".into(),
            serde_json::to_value(&p.cluster).unwrap_or_default(),
        );
        // Each family as the plan resolves it, without its revision number.
        let mut families: Vec<Value> = Vec::new();
        for td in &p.task_definitions {
            if families.iter().any(|f| f["family"] == td.family.as_str()) {
                continue;
            }
            if let Some(planned) = p.task_definition(&td.family) {
                let mut v = serde_json::to_value(planned).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.remove("revision");
                }
                families.push(v);
            }
        }
        m.insert("taskDefinitions".into(), Value::Array(families));
        m.insert(
            "services".into(),
            serde_json::to_value(&p.services).unwrap_or_default(),
        );
        Value::Object(m)
    };
    let mut out = Vec::new();
    diff(&view(before), &view(after), "", None, &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn diff(a: &Value, b: &Value, path: &str, list: Option<&str>, out: &mut Vec<Change>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let (va, vb) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                diff(va, vb, &join(path, k), Some(k), out);
            }
        }
        (Value::Array(x), Value::Array(y)) => match list.and_then(item_key) {
            Some(key) => {
                let name = |v: &Value| v.get(key).and_then(Value::as_str).unwrap_or("").to_string();
                let names: Vec<String> = x
                    .iter()
                    .chain(y.iter().filter(|v| !x.iter().any(|w| name(w) == name(v))))
                    .map(name)
                    .collect();
                for n in names {
                    let find = |l: &Vec<Value>| l.iter().find(|v| name(v) == n).cloned();
                    let (va, vb) = (
                        find(x).unwrap_or(Value::Null),
                        find(y).unwrap_or(Value::Null),
                    );
                    diff(&va, &vb, &format!("{path}[{n}]"), None, out);
                }
            }
            None if x.len() == y.len() => {
                for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                    diff(va, vb, &format!("{path}[{i}]"), None, out);
                }
            }
            None => push(a, b, path, out),
        },
        _ if a != b => push(a, b, path, out),
        _ => {}
    }
}

fn push(a: &Value, b: &Value, path: &str, out: &mut Vec<Change>) {
    out.push(Change {
        at: path.to_string(),
        from: a.clone(),
        to: b.clone(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_reach_keys_and_indexes() {
        let mut doc = json!({"Resources": {"A": {"Properties": {"L": [{"X": 1}, {"X": "2"}]}}}});
        let c = set_literal(&mut doc, "$.Resources.A.Properties.L[1].X", "3").unwrap();
        assert_eq!((c.from, c.to), (json!("2"), json!("3")));
        let c = set_literal(&mut doc, "$.Resources.A.Properties.L[0].X", "4").unwrap();
        assert_eq!(
            (c.from, c.to),
            (json!(1), json!(4)),
            "a number stays a number"
        );
        assert!(set_literal(&mut doc, "$.Resources.B.Properties", "1").is_err());
    }
}
