//! YAML in: CloudFormation templates are mostly YAML, with short-form tags
//! (`!Ref`, `!Sub`, `!GetAtt` …) that become the long JSON forms here.

use serde_json::{json, Map, Value};

use super::{error, ImportError};

/// Parses YAML into JSON, turning tags into CloudFormation's long forms
/// (`!Ref X` → `{"Ref": "X"}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`,
/// `!Sub …` → `{"Fn::Sub": …}`). Alias expansion is bounded by the parser.
pub fn yaml_to_json(text: &str) -> Result<Value, ImportError> {
    let v: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        let at = e.location().map(|l| {
            let (line, column) =
                duplicate_at(text, &msg, l.line(), l.column()).unwrap_or((l.line(), l.column()));
            format!("line {line}, column {column}")
        });
        error(
            at.unwrap_or_else(|| "$".into()),
            format!("not valid YAML: {msg}"),
        )
    })?;
    convert(v, 0)
}

/// Where a duplicate key is: the parser names the mapping that holds it
/// (its first key's line and column), a person needs the second occurrence.
/// None when `message` is another error or the key is not found in block
/// style at that column.
fn duplicate_at(text: &str, message: &str, line: usize, column: usize) -> Option<(usize, usize)> {
    let key = message
        .split("duplicate entry with key \"")
        .nth(1)?
        .strip_suffix('"')?;
    let indent = column.checked_sub(1)?;
    let mut seen = 0;
    for (i, l) in text.lines().enumerate().skip(line.checked_sub(1)?) {
        let body = l.get(indent..).unwrap_or("");
        let leading = l.len() - l.trim_start().len();
        if leading < indent && !l.trim().is_empty() && i + 1 > line {
            break; // the mapping ended
        }
        if leading != indent {
            continue;
        }
        let named = [
            format!("{key}:"),
            format!("\"{key}\":"),
            format!("'{key}':"),
        ];
        if named.iter().any(|n| body.starts_with(n.as_str())) {
            seen += 1;
            if seen == 2 {
                return Some((i + 1, column));
            }
        }
    }
    None
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
