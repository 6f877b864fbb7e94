//! Reading a plan file: JSON in, a [`Plan`] or one error that names the JSON
//! path and what is wrong with it. Never a panic.

use super::error::LoadError;
use crate::model::{Plan, BERTH_VERSION};

/// Inputs larger than this are refused before parsing.
pub const MAX_PLAN_BYTES: usize = 5 * 1024 * 1024;

/// Reads a plan file: the version first, then every field at its JSON path,
/// then the caps. The one way a plan enters Berth from text.
pub fn load_plan(text: &str) -> Result<Plan, LoadError> {
    if text.len() > MAX_PLAN_BYTES {
        return Err(LoadError::new(
            "$",
            format!(
                "plan is {} bytes; the limit is {MAX_PLAN_BYTES}",
                text.len()
            ),
        ));
    }
    // Check the version first so an old or future plan gets the right message
    // rather than a complaint about some field it names differently.
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| crate::input::json_path::not_json(&e))?;
    match value.get("berthVersion") {
        None => {
            return Err(LoadError::new(
                "$.berthVersion",
                "missing: a Berth plan starts with \"berthVersion\": 1",
            ))
        }
        Some(v) if v.as_u64() != Some(BERTH_VERSION as u64) => {
            return Err(LoadError::new(
                "$.berthVersion",
                format!("version {v} is not supported; this Berth reads version {BERTH_VERSION}"),
            ))
        }
        _ => {}
    }
    // The pinned baseline is a plan of its own, read as one (its errors
    // under $.baseline); the rest is read without it.
    let mut value = value;
    let baseline = value.as_object_mut().and_then(|o| o.remove("baseline"));
    let had_baseline = baseline.is_some();
    let baseline = baseline.map(load_baseline).transpose()?.flatten();
    let defaulted = daemon_deployment_defaults(value.clone())
        .or_else(|| had_baseline.then(|| value.to_string()));
    let text = defaulted.as_deref().unwrap_or(text);
    let mut plan: Plan =
        crate::input::json_path::from_str(text).map_err(|e| LoadError::new(e.path, e.message))?;
    plan.baseline = baseline;
    crate::input::caps::check(&plan)?;
    for (key, a) in &plan.jvm_assumptions {
        a.check().map_err(|(field, message)| {
            LoadError::new(format!("$.jvmAssumptions[\"{key}\"].{field}"), message)
        })?;
    }
    Ok(plan)
}

/// A plan's pinned baseline, read like a plan; null is none. Berth never
/// writes a baseline inside a baseline, so one found there is not kept.
fn load_baseline(mut value: serde_json::Value) -> Result<Option<Box<Plan>>, LoadError> {
    if value.is_null() {
        return Ok(None);
    }
    if let Some(o) = value.as_object_mut() {
        o.remove("baseline");
    }
    load_plan(&value.to_string())
        .map(|p| Some(Box::new(p)))
        .map_err(|e| {
            let path = format!("$.baseline{}", e.path.strip_prefix('$').unwrap_or(&e.path));
            LoadError::new(path, e.message)
        })
}

/// §10.1: a DAEMON service's deployment defaults are ECS's for daemons,
/// minimumHealthyPercent 0 and maximumPercent 100, not a replica's 100 and
/// 200. The plan's text with them written in, when one is missing.
fn daemon_deployment_defaults(mut value: serde_json::Value) -> Option<String> {
    let mut changed = false;
    let services = value.get_mut("services")?.as_array_mut()?;
    for s in services.iter_mut().filter_map(|s| s.as_object_mut()) {
        if s.get("schedulingStrategy").and_then(|v| v.as_str()) != Some("DAEMON") {
            continue;
        }
        let dc = s
            .entry("deploymentConfiguration")
            .or_insert_with(|| serde_json::json!({}));
        let Some(dc) = dc.as_object_mut() else {
            continue;
        };
        let (min, max) = crate::model::DeploymentConfiguration::DAEMON_DEFAULTS;
        for (key, default) in [("minimumHealthyPercent", min), ("maximumPercent", max)] {
            if !dc.contains_key(key) {
                dc.insert(key.into(), default.into());
                changed = true;
            }
        }
    }
    changed.then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the plan_json fuzz target: a number in a field Berth does not
    /// model must be written back exactly as it was read.
    #[test]
    fn numbers_in_unmodelled_fields_survive_a_save() {
        // The integer the fuzzer found, 118 digits long.
        let big = "8055555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555";
        let text = format!(
            r#"{{"berthVersion": 1, "name": "x", "cluster": {{"instanceGroups": []}},
            "taskDefinitions": [], "services": [], "note": {{"port": {big}}}}}"#
        );
        let plan = load_plan(&text).unwrap();
        let again = load_plan(&serde_json::to_string(&plan).unwrap()).unwrap();
        assert_eq!(again, plan);
    }

    #[test]
    fn wrong_type_names_the_path() {
        let err = load_plan(r#"{"berthVersion":1,"cluster":{"instanceGroups":[{"name":"a","instanceType":"t2.micro","count":"two"}]}}"#)
            .unwrap_err();
        assert_eq!(err.path, "$.cluster.instanceGroups[0].count");
        assert!(err.message.contains("expected u32"), "{err}");
    }

    #[test]
    fn bad_json_and_versions() {
        assert!(load_plan("{")
            .unwrap_err()
            .message
            .contains("not valid JSON"));
        assert_eq!(load_plan("{}").unwrap_err().path, "$.berthVersion");
        assert!(load_plan(r#"{"berthVersion":2,"cluster":{}}"#)
            .unwrap_err()
            .message
            .contains("version 2"));
    }

    #[test]
    fn task_size_errors_name_the_field() {
        let err = load_plan(
            r#"{"berthVersion":1,"cluster":{},"taskDefinitions":[{"family":"x","memory":"2 TB"}]}"#,
        )
        .unwrap_err();
        assert_eq!(err.path, "$.taskDefinitions[0].memory");
        assert!(err.message.contains("2 TB"), "{err}");
    }
}
