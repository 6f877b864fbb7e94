//! Ansible group_vars as template parameter values (`berth import
//! --ansible-vars FILE`). Two shapes are read, both from the seed's
//! playbooks: the microtrader-deploy repository's `Stack.Inputs.NAME: value`
//! (with `Stack.Name` for the stack's name), flat or nested, and the deck's
//! `config_<snake_case>: value`, which Berth's own `ansible` export writes and
//! which names a parameter by its snake-case name. Other variables are the
//! playbook's own business and are left alone.

use indexmap::IndexMap;
use serde_json::Value;

use super::{error, yaml_to_json, ImportError, ImportOptions};
use crate::model::scalar::scalar_to_string;

/// The parameter values and stack name a group_vars file gives.
pub fn ansible_vars(text: &str) -> Result<ImportOptions, ImportError> {
    let value = yaml_to_json(text)?;
    let Some(vars) = value.as_object() else {
        return Err(error("$", "group_vars must be a mapping of variables"));
    };
    let mut options = ImportOptions::default();
    for (key, v) in flatten(vars) {
        if let Some(name) = key.strip_prefix("Stack.Inputs.") {
            options
                .parameters
                .insert(name.to_string(), text_of(&key, &v)?);
        } else if let Some(snake) = key.strip_prefix("config_") {
            options
                .playbook
                .insert(snake.to_string(), text_of(&key, &v)?);
        } else if key == "Stack.Name" {
            options.stack_name = Some(text_of(&key, &v)?);
        }
    }
    Ok(options)
}

/// `Stack: {Inputs: {A: 1}}` and `Stack.Inputs.A: 1` alike, as dotted keys.
fn flatten(vars: &serde_json::Map<String, Value>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    flatten_into("", vars, &mut out);
    out
}

fn flatten_into(
    prefix: &str,
    vars: &serde_json::Map<String, Value>,
    out: &mut Vec<(String, Value)>,
) {
    for (k, v) in vars {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v.as_object() {
            Some(inner) if key == "Stack" || key == "Stack.Inputs" => {
                flatten_into(&key, inner, out)
            }
            _ => out.push((key, v.clone())),
        }
    }
}

/// A variable's value as a parameter value: a scalar, never a Jinja2
/// expression Berth would pass on unrendered.
fn text_of(key: &str, v: &Value) -> Result<String, ImportError> {
    let text = scalar_to_string(v).ok_or_else(|| {
        error(
            format!("$.{key}"),
            "a parameter value must be a string, number or boolean",
        )
    })?;
    if text.contains("{{") || text.contains("{%") {
        return Err(error(
            format!("$.{key}"),
            format!("\"{text}\" is a Jinja2 expression; give the rendered value"),
        ));
    }
    Ok(text)
}

/// Each parameter the playbook's `config_<snake_case>` variables name.
pub(super) fn playbook_values<'a>(
    playbook: &IndexMap<String, String>,
    parameters: impl Iterator<Item = &'a String>,
) -> IndexMap<String, String> {
    parameters
        .filter_map(|name| {
            let snake = crate::cfn::params::snake_case(name);
            playbook.get(&snake).map(|v| (name.clone(), v.clone()))
        })
        .collect()
}
