//! `berth place PLAN.json --from-current PLACED.json` (issue 21): the tasks
//! a previous `berth place` reported are read back as the tasks running now,
//! and the plan is placed from them ([`place_from_running`]) rather than
//! afresh, so CI sees what a change would do to the cluster as it runs.

use serde::Serialize;
use serde_json::Value;

use super::report::{place_report, PlaceReport};
use crate::model::Plan;
use crate::placement::{place_from_running, Owner, Running};

/// A running task that does not stay, as the report prints it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NotKeptReport {
    /// The service or standalone task definition.
    #[serde(flatten)]
    pub owner: Owner,
    /// The instance it ran on.
    pub instance: String,
    /// Why it does not stay.
    pub why: String,
}

/// What placing from the running tasks did to them.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FromCurrent {
    /// Running tasks that stay where they run.
    pub kept: u32,
    /// Running tasks that stop (scale-in) or cannot stay.
    pub not_kept: Vec<NotKeptReport>,
}

/// `berth place --from-current`'s report: the place report, and what
/// happened to the tasks that ran.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FromCurrentReport {
    /// Every instance and its tasks, as `berth place` prints them.
    #[serde(flatten)]
    pub report: PlaceReport,
    /// The running tasks kept and not kept.
    pub from_current: FromCurrent,
}

/// The tasks a `berth place` report lists, or what is wrong with the report,
/// naming the JSON path.
pub fn running_from_report(text: &str) -> Result<Vec<Running>, String> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| format!("not JSON: {e} (expected a `berth place` report)"))?;
    let instances = v
        .get("instances")
        .and_then(Value::as_array)
        .ok_or("$.instances: missing; expected the list `berth place` prints")?;
    let mut running = Vec::new();
    for (i, inst) in instances.iter().enumerate() {
        let id = inst
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("$.instances[{i}].id: missing or not a string"))?;
        let tasks = inst
            .get("tasks")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("$.instances[{i}].tasks: missing or not a list"))?;
        for (t, task) in tasks.iter().enumerate() {
            let name = |key: &str| task.get(key).and_then(Value::as_str);
            let owner = match (name("service"), name("taskDefinition")) {
                (Some(s), None) => Owner::Service(s.into()),
                (None, Some(td)) => Owner::Standalone(td.into()),
                _ => {
                    return Err(format!(
                        "$.instances[{i}].tasks[{t}]: names neither a service nor a taskDefinition"
                    ))
                }
            };
            running.push(Running {
                owner,
                instance: id.to_string(),
            });
        }
    }
    Ok(running)
}

/// The plan placed from `running`, reported.
pub fn from_current_report(plan: &Plan, running: &[Running]) -> FromCurrentReport {
    let placed = place_from_running(plan, running);
    FromCurrentReport {
        report: place_report(plan, &placed.placement),
        from_current: FromCurrent {
            kept: placed.kept,
            not_kept: placed
                .not_kept
                .into_iter()
                .map(|n| NotKeptReport {
                    owner: n.task.owner,
                    instance: n.task.instance,
                    why: n.why,
                })
                .collect(),
        },
    }
}
