//! RunTask: a one-off task placed, run and stopped on the same ledger.

use std::collections::BTreeMap;

use serde::Serialize;

use super::sim::{Sim, Tracked};
use super::{err, ActionKind, DeployError, Deployment, Outcome, Step, TaskStatus, Timing, Version};
use crate::model::Plan;
use crate::placement::{place, Failure, HostPort, Owner, TaskRequest};

/// Where a one-off task (such as the seed's database migration) would run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunTaskResult {
    /// The task definition (family:revision) run.
    pub task_definition: String,
    /// The instance it was placed on, when it was.
    pub instance: Option<String>,
    /// The host ports it holds, when placed.
    pub host_ports: Vec<HostPort>,
    /// RunTask's `failures[].reason` and Berth's sentence, when it was not.
    pub failure: Option<Failure>,
    /// Pending → running → stopped, on the same ledger as everything else.
    pub steps: Vec<Step>,
}

/// RunTask: placed with the default random strategy (§4.2) unless the
/// standalone task says otherwise, runs for `run_seconds`, then stops.
pub fn run_task(
    plan: &Plan,
    task_definition: &str,
    run_seconds: u32,
    timing: Timing,
) -> Result<RunTaskResult, DeployError> {
    let td = plan.task_definition(task_definition).ok_or_else(|| {
        err(
            "taskDefinition",
            format!("no task definition \"{task_definition}\" in the plan"),
        )
    })?;
    let placement = place(plan);
    let mut sim = Sim {
        plan,
        service: String::new(),
        tracked: BTreeMap::new(),
        state: placement.state,
        t: 0,
        steps: Vec::new(),
        timing,
        drain_seconds: 0,
        last_event: None,
    };
    let req = TaskRequest::new(Owner::Standalone(task_definition.into()), td, &[], &[]);
    let (instance, host_ports, failure) = match sim.state.place_one(&req) {
        Ok((idx, id)) => {
            sim.tracked.insert(
                id,
                Tracked {
                    version: Version::New,
                    status: TaskStatus::Pending,
                    due: timing.start_seconds,
                    fails: false,
                },
            );
            let inst = &sim.state.instances[idx];
            let ports = inst
                .tasks
                .iter()
                .find(|t| t.id == id)
                .map(|t| t.host_ports.clone())
                .unwrap_or_default();
            let name = inst.instance.id.clone();
            sim.step(
                ActionKind::Start,
                format!("run {task_definition} on {name}"),
                Vec::new(),
            );
            sim.t = timing.start_seconds;
            sim.advance();
            // A one-off task has no health check to wait for: it runs, exits, stops.
            sim.t += run_seconds;
            sim.begin_draining(id);
            sim.advance();
            (Some(name), ports, None)
        }
        Err(f) => {
            let ev = vec![f.message.clone()];
            sim.step(
                ActionKind::Blocked,
                format!("cannot run {task_definition}: {}", f.reason.code()),
                ev,
            );
            (None, Vec::new(), Some(f))
        }
    };
    Ok(RunTaskResult {
        task_definition: task_definition.to_string(),
        instance,
        host_ports,
        failure,
        steps: sim.steps,
    })
}

/// A run-task shown as a deployment of one task, so that the stepper and
/// the board step through it like any other simulation: it completes when
/// the task is placed, runs and stops, and stalls with RunTask's reason
/// when it cannot be placed.
pub fn run_task_as_deployment(
    plan: &Plan,
    task_definition: &str,
    run_seconds: u32,
    timing: Timing,
) -> Result<Deployment, DeployError> {
    let r = run_task(plan, task_definition, run_seconds, timing)?;
    let outcome = match &r.failure {
        None => Outcome::Completed,
        Some(f) => Outcome::Stalled {
            reason: f.reason.code().into(),
            event: f.message.clone(),
            cause: super::Stall::Placement(f.reason),
        },
    };
    Ok(Deployment {
        service: task_definition.to_string(),
        desired_count: 1,
        min_healthy: 0,
        max_tasks: 1,
        minimum_healthy_percent: 0,
        maximum_percent: 100,
        old_task_definition: task_definition.to_string(),
        new_task_definition: task_definition.to_string(),
        steps: r.steps,
        outcome,
        plan: plan.clone(),
    })
}

/// The task definitions no service runs: what a plan offers to run as a
/// one-off task (the seed's database migration is one).
pub fn run_task_candidates(plan: &Plan) -> Vec<String> {
    plan.task_definitions
        .iter()
        .filter(|t| {
            !plan.services.iter().any(|s| {
                plan.task_definition(&s.task_definition)
                    .is_some_and(|x| x.family == t.family)
            })
        })
        .map(|t| t.family.clone())
        .collect()
}
