//! `berth run-task PLAN.json --task-definition FAMILY[:REV] [--seconds S]`:
//! where a one-off task would run, and what it did.

use berth_core::simulate::{run_task, Timing};

use crate::args::{Args, CommandError};
use crate::output::print_json;

/// Runs `berth run-task`; the exit code, or why it could not run.
pub fn run(a: &Args) -> Result<u8, CommandError> {
    a.allow(&["--task-definition", "--seconds"])?;
    let plan = a.plan()?;
    let td = a.required("--task-definition")?;
    let seconds = a.number("--seconds")?.unwrap_or(60);
    let r = run_task(&plan, td, seconds, Timing::default())
        .map_err(|e| CommandError::Input(format!("run-task: {e}")))?;
    let summary = serde_json::json!({
        "taskDefinition": r.task_definition,
        "instance": r.instance,
        "hostPorts": r.host_ports,
        "reason": r.failure.as_ref().map(|f| f.reason.code()),
        "message": r.failure.as_ref().map(|f| f.message.clone()),
        "steps": r.steps.iter().map(|s| serde_json::json!({"t": s.t, "action": s.action})).collect::<Vec<_>>(),
    });
    print_json(&summary);
    Ok(if r.failure.is_none() { 0 } else { 1 })
}
