//! The plan's `cloudFormation` section and parameter resolution (§6.3).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::model::{CloudFormation, Parameter, Plan};

/// Where a parameter's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// A value the user set in the plan's `parameters`.
    Value,
    /// Read from the plan field the parameter is bound to.
    Binding,
    /// The template's Default.
    Default,
    /// A NoEcho parameter the plan has no value for: given at deploy time,
    /// never written with a made-up value (issue 23).
    AtDeploy,
    /// No value, no binding, no Default: CloudFormation would refuse the stack.
    Missing,
}

/// One template parameter and the value Berth would pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolved {
    /// The parameter's name.
    pub name: String,
    /// Its value, none when missing.
    pub value: Option<String>,
    /// Where the value came from.
    pub source: Source,
    /// Whether the template marks it NoEcho (its value is never shown).
    pub no_echo: bool,
}

/// A parameter error: CloudFormation's text, and the plan path that fixes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParameterError {
    /// The parameter at fault.
    pub parameter: String,
    /// The plan field to edit: a value, or the bound field.
    pub path: String,
    /// CloudFormation's error text.
    pub message: String,
}

impl ParameterError {
    /// Whether it is CloudFormation's "Parameters: [..] must have values",
    /// which a template export passes over: values are given at deploy time.
    pub fn is_missing_values(&self) -> bool {
        self.message.ends_with(MUST_HAVE_VALUES)
    }
}

const MUST_HAVE_VALUES: &str = "] must have values";

/// The plan's Parameters, as its template declares them.
pub fn parameters(plan: &Plan) -> IndexMap<String, Parameter> {
    plan.cloud_formation
        .as_ref()
        .map(|c| c.parameters.clone())
        .unwrap_or_default()
}

/// Resolves every parameter: explicit value, else binding, else Default.
/// Returns the values (in declaration order) and every error, CloudFormation's
/// "must have values" message first.
pub fn resolve(plan: &Plan) -> (Vec<Resolved>, Vec<ParameterError>) {
    let none = CloudFormation::default();
    let cfn = plan.cloud_formation.as_ref().unwrap_or(&none);
    let parameters = parameters(plan);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (name, p) in &parameters {
        let (value, source) = value_of(plan, cfn, name, p, &mut errors);
        out.push(Resolved {
            name: name.clone(),
            value,
            source,
            no_echo: p.no_echo,
        });
    }
    let missing: Vec<&str> = out
        .iter()
        .filter(|r| r.value.is_none() && r.source != Source::AtDeploy)
        .map(|r| r.name.as_str())
        .collect();
    let mut ordered = Vec::new();
    if !missing.is_empty() {
        // §6.3: every missing name, comma-separated, in one message.
        ordered.push(ParameterError {
            parameter: missing.join(", "),
            path: format!("$.cloudFormation.values.{}", missing[0]),
            message: format!("Parameters: [{}{MUST_HAVE_VALUES}", missing.join(", ")),
        });
    }
    ordered.extend(constraint_errors(cfn, &parameters, &out));
    for name in cfn.values.keys().chain(cfn.bindings.keys()) {
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
pub(crate) fn constraint_error(name: &str, p: &Parameter, value: &str) -> Option<String> {
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

/// Where a parameter's value comes from: an explicit value, else its
/// binding to a plan field (an error when the field cannot be read), else its
/// Default, else (NoEcho) a value given at deploy time, else none.
fn value_of(
    plan: &Plan,
    cfn: &CloudFormation,
    name: &str,
    p: &Parameter,
    errors: &mut Vec<ParameterError>,
) -> (Option<String>, Source) {
    let bound = cfn
        .bindings
        .get(name)
        .filter(|paths| !paths.is_empty())
        .map(|paths| bound_value(plan, name, paths));
    if let Some(v) = cfn.values.get(name) {
        (Some(v.clone()), Source::Value)
    } else if let Some(b) = bound {
        match b {
            Ok(v) => (Some(v), Source::Binding),
            Err(e) => {
                errors.push(ParameterError {
                    parameter: name.to_string(),
                    path: format!("$.cloudFormation.bindings.{name}"),
                    message: e,
                });
                (None, Source::Missing)
            }
        }
    } else if let Some(d) = &p.default {
        (Some(d.clone()), Source::Default)
    } else if p.no_echo {
        (None, Source::AtDeploy)
    } else {
        (None, Source::Missing)
    }
}

/// The one value the fields bound to parameter `name` hold; an error when
/// one cannot be read, or when they disagree: a parameter has one value,
/// and export must not pick one of theirs silently (issue 16, item 3).
fn bound_value(plan: &Plan, name: &str, paths: &[String]) -> Result<String, String> {
    let values = paths
        .iter()
        .map(|path| super::bindings::read(plan, path))
        .collect::<Result<Vec<String>, String>>()?;
    if values.iter().all(|v| *v == values[0]) {
        return Ok(values[0].clone());
    }
    let each: Vec<String> = paths
        .iter()
        .zip(&values)
        .map(|(path, v)| format!("{path} is {v}"))
        .collect();
    Err(format!(
        "{name} sets fields that disagree ({}); one parameter has one value: make them equal",
        each.join(", ")
    ))
}

/// Values that break their parameter's constraints (AllowedValues, pattern,
/// lengths, bounds), each at the path that sets it.
fn constraint_errors(
    cfn: &CloudFormation,
    parameters: &IndexMap<String, Parameter>,
    out: &[Resolved],
) -> Vec<ParameterError> {
    let mut ordered = Vec::new();
    for r in out {
        let (Some(v), Some(p)) = (&r.value, parameters.get(&r.name)) else {
            continue;
        };
        if let Some(message) = constraint_error(&r.name, p, v) {
            let path = match r.source {
                Source::Binding => cfn
                    .bindings
                    .get(&r.name)
                    .and_then(|b| b.first())
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
    ordered
}

/// `ApplicationDesiredCount` → `application_desired_count`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out
}
