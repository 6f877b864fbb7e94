//! Fixes for export errors (issue 23): each CloudFormation parameter error
//! comes with the edits that resolve it, for the export panel to apply with
//! one click (undoable, like every edit). A value outside AllowedValues can
//! be allowed, or the field bound to the parameter set to an allowed value;
//! other errors are fixed at their field, which the panel focuses.

use serde::{Deserialize, Serialize};

use super::edit::Edit;
use crate::cfn::{ParameterError, Resolved, Source};
use crate::model::Plan;

/// Allowed values offered as a replacement, at most.
const OFFERED: usize = 3;

/// One edit that resolves a parameter error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    /// The parameter whose error it fixes.
    pub parameter: String,
    /// What the button says.
    pub label: String,
    /// The edit it applies, as [`Fix::edit`] makes it.
    pub change: Change,
}

/// What a fix changes. Kept apart from [`Edit`] so that the export reply,
/// which crosses from the lazily loaded exchange module, does not carry the
/// whole edit vocabulary's serialisation into the first load (issue 20).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// Allow the value in the parameter's AllowedValues.
    Allow(String),
    /// Set the named group's instance type to the value.
    GroupType(String, String),
    /// Set the parameter's value.
    Value(String),
}

impl Fix {
    /// The edit the board sends for this fix.
    pub fn edit(&self) -> Edit {
        let name = self.parameter.clone();
        match &self.change {
            Change::Allow(value) => Edit::AllowParameterValue {
                name,
                value: value.clone(),
            },
            Change::GroupType(group, instance_type) => Edit::SetGroupType {
                group: group.clone(),
                instance_type: instance_type.clone(),
            },
            Change::Value(value) => Edit::SetParameterValue {
                name,
                value: Some(value.clone()),
            },
        }
    }
}

/// The fixes for `errors`, in their order.
pub fn fixes(plan: &Plan, resolved: &[Resolved], errors: &[ParameterError]) -> Vec<Fix> {
    errors
        .iter()
        .flat_map(|e| allowed_values_fixes(plan, resolved, e))
        .collect()
}

fn allowed_values_fixes(plan: &Plan, resolved: &[Resolved], e: &ParameterError) -> Vec<Fix> {
    let name = e.parameter.as_str();
    let Some(p) = plan
        .cloud_formation
        .as_ref()
        .and_then(|c| c.parameters.get(name))
    else {
        return Vec::new();
    };
    let Some(r) = resolved.iter().find(|r| r.name == name) else {
        return Vec::new();
    };
    let Some(value) = r.value.as_deref() else {
        return Vec::new();
    };
    if p.allowed_values.is_empty() || p.allowed_values.iter().any(|a| a == value) {
        return Vec::new();
    }
    let fix = |label: String, change: Change| Fix {
        parameter: name.to_string(),
        label,
        change,
    };
    let mut out = vec![fix(
        format!("allow {value} in {name}'s AllowedValues"),
        Change::Allow(value.to_string()),
    )];
    // An instance-type parameter's AllowedValues are instance types; one
    // Berth's catalogue does not know is refused by the edit, in words.
    let offered = p.allowed_values.iter().take(OFFERED);
    match (r.source, bound_group_type(&e.path)) {
        (Source::Binding, Some(group)) => out.extend(offered.map(|a| {
            fix(
                format!("use {a} for group {group}"),
                Change::GroupType(group.to_string(), a.clone()),
            )
        })),
        (Source::Value, _) => {
            out.extend(offered.map(|a| fix(format!("set {name} to {a}"), Change::Value(a.clone()))))
        }
        _ => {}
    }
    out
}

/// The group whose instanceType the error's path names.
fn bound_group_type(path: &str) -> Option<&str> {
    path.strip_prefix("$.cluster.instanceGroups[")?
        .strip_suffix("].instanceType")
}
