//! How to get a stalled, failed or rolled-back deployment through (§5.5),
//! chosen by why it stopped ([`Stall`]), never by the words of its message.

use super::{Deployment, Outcome, Stall};
use crate::placement::Reason;

/// A sentence on how to get a stalled, failed or rolled-back deployment
/// through, from what stopped it (§5.5's remedies).
pub fn hint(d: &Deployment) -> Option<String> {
    let td = d.plan.task_definition(&d.new_task_definition);
    let static_ports: Vec<u16> = td
        .map(|td| {
            crate::model::requirements::requirements(td)
                .ports
                .iter()
                .filter_map(|p| p.host_port)
                .collect()
        })
        .unwrap_or_default();
    match &d.outcome {
        Outcome::Completed => None,
        Outcome::Stalled { cause: Stall::Placement(Reason::Ports | Reason::PortsUdp), .. } => Some(match static_ports.first() {
            Some(p) => format!(
                "static host port {p}: set hostPort 0 behind a load balancer, lower minimum healthy percent, or add instances"
            ),
            None => "a host port is taken: use dynamic host ports, lower minimum healthy percent, or add instances".into(),
        }),
        Outcome::Stalled { cause: Stall::Placement(Reason::Memory | Reason::Cpu), .. } => Some(format!(
            "no room for the {} extra tasks maximumPercent allows: add instances or a larger type, or lower minimum healthy percent so old tasks stop first",
            d.max_tasks.saturating_sub(d.desired_count)
        )),
        Outcome::Stalled { cause: Stall::Configuration, .. } => Some(format!(
            "at least {} healthy and at most {} running leaves no room to start or stop a task: raise maximum percent or lower minimum healthy percent",
            d.min_healthy, d.max_tasks
        )),
        Outcome::Stalled { reason, .. } => Some(format!("the deployment cannot go on: {reason}")),
        Outcome::Failed { .. } => Some("the new tasks fail their health checks: fix the new revision, or enable rollback so the service returns to the last good one".into()),
        Outcome::RolledBack { .. } => Some(format!("the new tasks failed their health checks; the service is back on {}", d.old_task_definition)),
    }
}
