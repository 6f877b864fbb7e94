//! A small YAML writer for CloudFormation templates and Ansible variables:
//! block style, two-space indents, intrinsic functions in their short forms
//! (`!Ref`, `!Sub`, `!GetAtt`; others as long-form maps), strings quoted whenever a YAML
//! reader could take them for anything but a string.

use serde_json::Value;

/// Writes a JSON value as a YAML document.
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => map(m, 0, &mut out),
        Value::Array(a) if !a.is_empty() => seq(a, 0, &mut out),
        other => {
            out.push_str(&inline(other).unwrap_or_else(|| "{}".into()));
            out.push('\n');
        }
    }
    out
}

/// Quotes a string unless it reads back as exactly this string.
pub fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.trim() == s
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " _./-@():".contains(c))
        && !s.ends_with(':')
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '/')
        && !s.contains(": ")
        && s.parse::<f64>().is_err()
        && !s.starts_with("0x")
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true"
                | "false"
                | "yes"
                | "no"
                | "on"
                | "off"
                | "null"
                | "y"
                | "n"
                | "~"
                | ".nan"
                | ".inf"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("strings serialise")
    }
}

fn key(k: &str) -> String {
    scalar(k)
}

/// The short form of an intrinsic function, if `v` is one Berth writes short.
fn intrinsic(v: &Value) -> Option<String> {
    let m = v.as_object().filter(|m| m.len() == 1)?;
    let (k, arg) = m.iter().next()?;
    match (k.as_str(), arg) {
        ("Ref", Value::String(s)) => Some(format!("!Ref {}", scalar(s))),
        ("Fn::Sub", Value::String(s)) => Some(format!("!Sub {}", scalar(s))),
        ("Fn::GetAtt", Value::Array(a)) if a.len() == 2 && a.iter().all(Value::is_string) => {
            Some(format!("!GetAtt {}.{}", a[0].as_str()?, a[1].as_str()?))
        }
        _ => None,
    }
}

/// A value that fits on one line, or None for a block.
fn inline(v: &Value) -> Option<String> {
    if let Some(i) = intrinsic(v) {
        return Some(i);
    }
    match v {
        Value::Null => Some("null".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(scalar(s)),
        Value::Array(a) if a.is_empty() => Some("[]".into()),
        Value::Object(m) if m.is_empty() => Some("{}".into()),
        _ => None,
    }
}

fn map(m: &serde_json::Map<String, Value>, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for (k, v) in m {
        match inline(v) {
            Some(s) => out.push_str(&format!("{pad}{}: {s}\n", key(k))),
            None => {
                out.push_str(&format!("{pad}{}:\n", key(k)));
                block(v, indent + 2, out);
            }
        }
    }
}

fn seq(a: &[Value], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for v in a {
        match inline(v) {
            Some(s) => out.push_str(&format!("{pad}- {s}\n")),
            None => {
                // Write the block at indent + 2, then put the dash on its first line.
                let mut inner = String::new();
                block(v, indent + 2, &mut inner);
                let rest = &inner[indent + 2..];
                out.push_str(&format!("{pad}- {rest}"));
            }
        }
    }
}

fn block(v: &Value, indent: usize, out: &mut String) {
    match v {
        // Long-form intrinsics that have no short form here stay maps.
        Value::Object(m) => map(m, indent, out),
        Value::Array(a) => seq(a, indent, out),
        other => out.push_str(&format!(
            "{}{}\n",
            " ".repeat(indent),
            inline(other).unwrap_or_default()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_what_a_yaml_reader_reads_back() {
        let v = json!({
            "AWSTemplateFormatVersion": "2010-09-09",
            "Parameters": {"Count": {"Type": "Number", "Default": "1", "AllowedValues": ["yes", "no", "1.5", ""]}},
            "Resources": {"Svc": {"Type": "AWS::ECS::Service", "Properties": {
                "Cluster": {"Ref": "Cluster"},
                "Image": {"Fn::Sub": "repo/app:${Tag}"},
                "Arn": {"Fn::GetAtt": ["Lt", "LatestVersionNumber"]},
                "List": [{"Name": "a", "Value": "x: y"}, [1, 2], {}],
                "Empty": [],
                "Text": "line\nbreak # not a comment"
            }}}
        });
        let y = to_yaml(&v);
        assert!(y.contains("Cluster: !Ref Cluster"), "{y}");
        assert!(y.contains("Image: !Sub \"repo/app:${Tag}\""), "{y}");
        assert!(y.contains("Arn: !GetAtt Lt.LatestVersionNumber"), "{y}");
        // Read back with a real YAML parser, tags turned into long forms.
        let back = crate::input::import::yaml_to_json(&y).unwrap();
        assert_eq!(back, v, "{y}");
    }

    #[test]
    fn quoting() {
        for s in [
            "true", "No", "1.5", "1e3", "", " lead", "a: b", "#x", "0x1F", "~", "-1", "[x]", "a #b",
        ] {
            assert!(scalar(s).starts_with('"'), "{s} must be quoted");
        }
        for s in [
            "t2.micro",
            "us-east-1a",
            "Development",
            "AWS::ECS::Service",
            "dockerproductionaws/microtrader-quote",
        ] {
            assert_eq!(scalar(s), s);
        }
    }
}
