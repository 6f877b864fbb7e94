//! The plan's `cloudFormation` section and parameter resolution (§6.3).

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::model::Plan;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloudFormation {
    #[serde(default)]
    pub stack_name: String,
    /// Declared in template order, as CloudFormation's Parameters section.
    #[serde(default)]
    pub parameters: IndexMap<String, Parameter>,
    /// Explicit values; they win over bindings and defaults.
    #[serde(default, deserialize_with = "scalar_map")]
    pub values: IndexMap<String, String>,
    /// Parameter → plan field, e.g. `cluster.instanceGroups[app].count`.
    #[serde(default)]
    pub bindings: IndexMap<String, String>,
    /// Stack tags, written into the CodePipeline configuration.
    #[serde(
        default,
        skip_serializing_if = "IndexMap::is_empty",
        deserialize_with = "scalar_map"
    )]
    pub tags: IndexMap<String, String>,
    /// Template values an import could not resolve, by JSON path, kept as found.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub unresolved: IndexMap<String, Value>,
}

/// One entry of a template's Parameters section (§6.3), CloudFormation's names.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    pub default: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "scalar_list"
    )]
    pub allowed_values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_pattern: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_number",
        serialize_with = "whole_number"
    )]
    pub min_length: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_number",
        serialize_with = "whole_number"
    )]
    pub max_length: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_number",
        serialize_with = "whole_number"
    )]
    pub min_value: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_number",
        serialize_with = "whole_number"
    )]
    pub max_value: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "is_false",
        deserialize_with = "flexible_bool"
    )]
    pub no_echo: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint_description: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A scalar as CloudFormation sees it: every parameter value is a string.
pub fn scalar_to_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn opt_scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match crate::json_path::scalar(d)? {
        Value::Null => Ok(None),
        v => scalar_to_string(&v)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("expected a string or number")),
    }
}

/// A scalar read as a string, checked as it is read so that a wrong value
/// inside a list or map is reported at its own path (see `json_path`).
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        scalar_to_string(&crate::json_path::scalar(d)?)
            .map(Scalar)
            .ok_or_else(|| serde::de::Error::custom("expected a string or number"))
    }
}

fn scalar_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Vec::<Scalar>::deserialize(d)?
        .into_iter()
        .map(|Scalar(s)| s)
        .collect())
}

fn scalar_map<'de, D: Deserializer<'de>>(d: D) -> Result<IndexMap<String, String>, D::Error> {
    Ok(IndexMap::<String, Scalar>::deserialize(d)?
        .into_iter()
        .map(|(k, Scalar(s))| (k, s))
        .collect())
}

fn opt_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match crate::json_path::scalar(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_f64()),
        Value::String(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("\"{s}\" is not a number"))),
        _ => Err(serde::de::Error::custom("expected a number")),
    }
}

/// Writes 0 rather than 0.0 when a bound is whole, as templates do.
fn whole_number<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => s.serialize_i64(*n as i64),
        Some(n) => s.serialize_f64(*n),
        None => s.serialize_none(),
    }
}

fn flexible_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match crate::json_path::scalar(d)? {
        Value::Bool(b) => Ok(b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(serde::de::Error::custom("expected true or false")),
    }
}

/// Where a parameter's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    Value,
    Binding,
    Default,
    /// A NoEcho parameter with no value: a marked placeholder, never a secret.
    Placeholder,
    Missing,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolved {
    pub name: String,
    pub value: Option<String>,
    pub source: Source,
    pub no_echo: bool,
}

/// A parameter error: CloudFormation's text, and the plan path that fixes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParameterError {
    pub parameter: String,
    /// The plan field to edit: a value, or the bound field.
    pub path: String,
    pub message: String,
}

/// The placeholder a NoEcho parameter gets when the plan has no value for it.
pub fn placeholder(name: &str) -> String {
    format!("<<NoEcho: set {name} at deploy time>>")
}

/// Resolves every parameter: explicit value, else binding, else Default.
/// Returns the values (in declaration order) and every error, CloudFormation's
/// "must have values" message first.
pub fn resolve(plan: &Plan) -> (Vec<Resolved>, Vec<ParameterError>) {
    let none = CloudFormation::default();
    let cfn = plan.cloud_formation.as_ref().unwrap_or(&none);
    let parameters = super::template::parameters(plan);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (name, p) in &parameters {
        let bound = cfn
            .bindings
            .get(name)
            .map(|path| super::bindings::read(plan, path));
        let (value, source) = if let Some(v) = cfn.values.get(name) {
            (Some(v.clone()), Source::Value)
        } else if let Some(b) = bound {
            match b {
                Ok(v) => (Some(v), Source::Binding),
                Err(e) => {
                    errors.push(ParameterError {
                        parameter: name.clone(),
                        path: format!("$.cloudFormation.bindings.{name}"),
                        message: e,
                    });
                    (None, Source::Missing)
                }
            }
        } else if let Some(d) = &p.default {
            (Some(d.clone()), Source::Default)
        } else if p.no_echo {
            (Some(placeholder(name)), Source::Placeholder)
        } else {
            (None, Source::Missing)
        };
        out.push(Resolved {
            name: name.clone(),
            value,
            source,
            no_echo: p.no_echo,
        });
    }
    let missing: Vec<&str> = out
        .iter()
        .filter(|r| r.value.is_none())
        .map(|r| r.name.as_str())
        .collect();
    let mut ordered = Vec::new();
    if !missing.is_empty() {
        // §6.3: every missing name, comma-separated, in one message.
        ordered.push(ParameterError {
            parameter: missing.join(", "),
            path: format!("$.cloudFormation.values.{}", missing[0]),
            message: format!("Parameters: [{}] must have values", missing.join(", ")),
        });
    }
    for r in &out {
        let (Some(v), Some(p)) = (&r.value, parameters.get(&r.name)) else {
            continue;
        };
        if r.source == Source::Placeholder {
            continue;
        }
        if let Some(message) = constraint_error(&r.name, p, v) {
            let path = match r.source {
                Source::Binding => cfn
                    .bindings
                    .get(&r.name)
                    .map(|b| format!("$.{b}"))
                    .unwrap_or_default(),
                Source::Default => format!("$.cloudFormation.parameters.{}.Default", r.name),
                _ => format!("$.cloudFormation.values.{}", r.name),
            };
            ordered.push(ParameterError {
                parameter: r.name.clone(),
                path,
                message,
            });
        }
    }
    for (name, _) in cfn.values.iter().chain(cfn.bindings.iter()) {
        if !parameters.contains_key(name) {
            ordered.push(ParameterError {
                parameter: name.clone(),
                path: format!("$.cloudFormation.values.{name}"),
                message: format!("Parameters: [{name}] do not exist in the template"),
            });
        }
    }
    errors.splice(0..0, ordered);
    (out, errors)
}

/// §6.3's constraint texts; a ConstraintDescription replaces the default text.
fn constraint_error(name: &str, p: &Parameter, value: &str) -> Option<String> {
    let custom = |default: String| {
        Some(match &p.constraint_description {
            Some(c) => format!("Parameter '{name}' failed to satisfy constraint: {c}"),
            None => default,
        })
    };
    let members: Vec<&str> = if p.kind == "CommaDelimitedList" || p.kind.starts_with("List<") {
        value.split(',').map(str::trim).collect()
    } else {
        vec![value]
    };
    if p.kind == "Number" || p.kind == "List<Number>" {
        for m in &members {
            let Ok(n) = m.trim().parse::<f64>() else {
                return custom(format!("Parameter '{name}' must be a number"));
            };
            if let Some(min) = p.min_value.filter(|&min| n < min) {
                return custom(format!(
                    "Parameter '{name}' must be a number not less than {}",
                    fmt_num(min)
                ));
            }
            if let Some(max) = p.max_value.filter(|&max| n > max) {
                return custom(format!(
                    "Parameter '{name}' must be a number not greater than {}",
                    fmt_num(max)
                ));
            }
        }
    }
    if !p.allowed_values.is_empty()
        && !members
            .iter()
            .all(|m| p.allowed_values.iter().any(|a| a == m))
    {
        return custom(format!("Parameter '{name}' must be one of AllowedValues"));
    }
    let len = value.chars().count() as f64;
    if let Some(min) = p.min_length.filter(|&min| len < min) {
        return custom(format!(
            "Parameter '{name}' must contain at least {} characters",
            fmt_num(min)
        ));
    }
    if let Some(max) = p.max_length.filter(|&max| len > max) {
        return custom(format!(
            "Parameter '{name}' must contain at most {} characters",
            fmt_num(max)
        ));
    }
    if let Some(pattern) = &p.allowed_pattern {
        // CloudFormation matches the whole value.
        match regex_lite::Regex::new(&format!("^(?:{pattern})$")) {
            Ok(re) if !re.is_match(value) => {
                return custom(format!(
                    "Malformed input-Parameter {name} must match pattern {pattern}"
                ));
            }
            Err(_) => {
                return Some(format!(
                "Parameter '{name}' has an AllowedPattern that is not a valid pattern: {pattern}"
            ))
            }
            _ => {}
        }
    }
    None
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}
