//! YAML in: CloudFormation templates are mostly YAML, with short-form tags
//! (`!Ref`, `!Sub`, `!GetAtt` …) that become the long JSON forms here.

use serde_json::{json, Map, Value};

use super::{error, ImportError};

/// Parses YAML into JSON, turning tags into CloudFormation's long forms
/// (`!Ref X` → `{"Ref": "X"}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`,
/// `!Sub …` → `{"Fn::Sub": …}`). Alias expansion is bounded by the parser.
pub fn yaml_to_json(text: &str) -> Result<Value, ImportError> {
    let v: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!("line {}, column {}", l.line(), l.column()))
            .unwrap_or_else(|| "$".into());
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        error(at, format!("not valid YAML: {msg}"))
    })?;
    convert(v, 0)
}

/// Nesting deeper than this is refused.
const MAX_DEPTH: usize = 128;

fn convert(v: serde_yaml::Value, depth: usize) -> Result<Value, ImportError> {
    use serde_yaml::Value as Y;
    if depth > MAX_DEPTH {
        return Err(error(
            "$",
            format!("nested more than {MAX_DEPTH} levels deep"),
        ));
    }
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                json!(i)
            } else if let Some(u) = n.as_u64() {
                json!(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(seq) => Value::Array(
            seq.into_iter()
                .map(|x| convert(x, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => return Err(error("$", format!("unsupported mapping key {other:?}"))),
                };
                out.insert(key, convert(v, depth + 1)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => {
            let tag = t.tag.to_string();
            let name = tag.trim_start_matches('!');
            let inner = convert(t.value, depth + 1)?;
            let (key, arg) = match name {
                "Ref" => ("Ref".to_string(), inner),
                "GetAtt" => {
                    let arg = match inner {
                        Value::String(s) => match s.split_once('.') {
                            Some((a, b)) => json!([a, b]),
                            None => json!([s]),
                        },
                        other => other,
                    };
                    ("Fn::GetAtt".to_string(), arg)
                }
                "Condition" => ("Condition".to_string(), inner),
                other => (format!("Fn::{other}"), inner),
            };
            json!({ key: arg })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{convert, MAX_DEPTH};

    /// The parsers stop at 128 levels themselves; this cap is what holds
    /// should a parser ever hand over a deeper value, so it is tested on one
    /// built in code.
    #[test]
    fn a_value_nested_past_the_cap_is_refused() {
        let nest = |levels: usize| {
            let mut v = serde_yaml::Value::Number(1.into());
            for _ in 0..levels {
                v = serde_yaml::Value::Sequence(vec![v]);
            }
            v
        };
        assert!(convert(nest(MAX_DEPTH), 0).is_ok());
        let e = convert(nest(MAX_DEPTH + 1), 0).unwrap_err();
        assert_eq!(
            e.message,
            format!("nested more than {MAX_DEPTH} levels deep")
        );
    }
}
