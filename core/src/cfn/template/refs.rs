//! The names a template's resources refer to: `Ref`, and `${Name}` inside
//! `Fn::Sub` (not `${!Literal}`, not `${Resource.Attribute}`, not a name
//! the `Fn::Sub` itself defines). What decides which parameters a template
//! declares: cfn-lint's W2001 flags one nothing uses.

use std::collections::BTreeSet;

use serde_json::Value;

/// Every name referred to anywhere in `v`.
pub(super) fn referenced(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk(v, &mut out);
    out
}

fn walk(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(name)) = m.get("Ref") {
                out.insert(name.clone());
            }
            match m.get("Fn::Sub") {
                Some(Value::String(text)) => sub_names(text, &[], out),
                Some(Value::Array(parts)) => {
                    let local: Vec<&str> = parts
                        .get(1)
                        .and_then(Value::as_object)
                        .map(|vars| vars.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    if let Some(Value::String(text)) = parts.first() {
                        sub_names(text, &local, out);
                    }
                }
                _ => {}
            }
            m.values().for_each(|x| walk(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
        _ => {}
    }
}

fn sub_names(text: &str, local: &[&str], out: &mut BTreeSet<String>) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { return };
        let name = &after[..end];
        if !name.starts_with('!') && !name.contains('.') && !local.contains(&name) {
            out.insert(name.to_string());
        }
        rest = &after[end + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refs_and_sub_names_but_not_literals_attributes_or_local_names() {
        let got = referenced(&json!({
            "A": {"Ref": "One"},
            "B": [{"Fn::Sub": "x:${Two}-${!Three}-${Res.Arn}"}],
            "C": {"Fn::Sub": ["${Four}${Local}", {"Local": {"Ref": "Five"}}]},
        }));
        let want: BTreeSet<String> = ["One", "Two", "Four", "Five"]
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(got, want);
    }
}
