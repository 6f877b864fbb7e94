//! Findings that need more than the plan: hard limits that overcommit an
//! instance once tasks are placed, and the JVM check (§7).

use super::jvm::{self, Severity as JvmSeverity};
use super::{Finding, Out};
use crate::model::Plan;
use crate::placement::{InstanceState, Placement};

/// Findings that need the placement: hard limits that overcommit an instance.
pub fn placement_findings(plan: &Plan, placement: &Placement) -> Vec<Finding> {
    let mut out = Out(Vec::new());
    for inst in placement.instances() {
        let limits = hard_limit_total(plan, inst);
        if limits > inst.instance.registered_memory as u64 {
            let group = plan
                .cluster
                .instance_groups
                .iter()
                .position(|g| g.name == inst.instance.group)
                .unwrap_or(0);
            out.warn("W2003", format!("$.cluster.instanceGroups[{group}]"), format!(
                "hard limits on {} add up to {limits} MiB, more than its {} MiB registered memory: under load the kernel may kill containers",
                inst.instance.id, inst.instance.registered_memory));
        }
    }
    out.0
}

/// Σ of the hard limits of the tasks on an instance (a container without one
/// counts its reservation: it has no ceiling, but that is the least it takes).
pub fn hard_limit_total(plan: &Plan, inst: &InstanceState) -> u64 {
    inst.tasks
        .iter()
        .map(|t| {
            plan.task_definition(&t.task_definition_arn)
                .map_or(t.memory as u64, |td| match td.memory {
                    Some(m) if m.0 > 0 => m.0 as u64,
                    _ => td
                        .container_definitions
                        .iter()
                        .map(|c| c.memory.or(c.memory_reservation).unwrap_or(0) as u64)
                        .sum(),
                })
        })
        .sum()
}

/// JVM findings (§7) for every container that runs a JVM.
pub fn jvm_findings(plan: &Plan) -> (Vec<Finding>, Vec<(String, jvm::JvmEstimate)>) {
    let mut out = Out(Vec::new());
    let mut estimates = Vec::new();
    // A container with no hard limit sees the host: use the largest instance.
    let host = crate::model::cluster::container_instances(plan)
        .iter()
        .map(|i| i.nominal_memory)
        .max();
    for (i, td) in plan.task_definitions.iter().enumerate() {
        for ci in 0..td.container_definitions.len() {
            let name = &td.container_definitions[ci].name;
            let key = crate::model::JvmAssumptions::key(&td.family, name);
            let assumed = plan.jvm_assumptions.get(&key).copied().unwrap_or_default();
            let Some(e) = jvm::estimate_with(td, ci, host, assumed) else {
                continue;
            };
            let path = format!("$.taskDefinitions[{i}].containerDefinitions[{ci}]");
            let summary = e.findings.first().cloned().unwrap_or_default();
            let text = format!("{} / {}: {summary}", td.family, e.container);
            match e.severity {
                JvmSeverity::Red => out.error("J3001", path, text),
                JvmSeverity::Amber => out.warn("J3002", path, text),
                JvmSeverity::Ok => {}
            }
            estimates.push((td.family.clone(), e));
        }
    }
    (out.0, estimates)
}
