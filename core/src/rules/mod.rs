//! The rules AWS enforces when a task definition is registered or a service
//! created (§2, §3, §4.3, §5), plus the warnings a reviewer wants, each with a
//! stable code, the JSON path of the field and a sentence a person understands.
//!
//! Codes are stable: E1xxx errors (AWS would refuse the plan), W2xxx warnings,
//! J3xxx JVM findings. Never renumber; retire a code rather than reuse it.

//!
//! Files: `cluster`, `task_definition`, `constraints` (shared by task
//! definitions, services and standalone tasks), `service` (services, their
//! standalone tasks and pins), `daemon` (DAEMON services), `unmodelled`
//! (what ECS acts on and Berth does not model), `placed` (what needs the placement or the JVM
//! estimate), `jvm` (the JVM memory estimate itself).

mod cluster;
mod constraints;
mod daemon;
mod fargate;
pub mod jvm;
mod placed;
mod service;
mod task_definition;
mod unmodelled;

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::Plan;

pub use placed::{hard_limit_total, jvm_findings, placement_findings};

/// §2.2: the planner's minimum hard limit (Docker ≥ 20.10).
pub const MIN_HARD_LIMIT_MIB: u32 = 6;
/// §2.4: task cpu on EC2, using the current API range.
pub const TASK_CPU_RANGE: (u32, u32) = (128, 196_608);
/// §4.2: strategy rules per service (current API; the 2023 guide said 4).
pub const MAX_STRATEGIES: usize = 5;
/// §4.2: constraints per task (task definition + service / run time).
pub const MAX_CONSTRAINTS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
/// How bad a finding is.
pub enum Severity {
    /// AWS would refuse the plan, or a task would fail.
    Error,
    /// A risk a reviewer should see.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
/// One finding: a stable code, its severity, the field and what is wrong.
pub struct Finding {
    /// E1xxx, W2xxx or J3xxx; never renumbered.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// JSON path of the field, e.g. `$.taskDefinitions[0].containerDefinitions[1].memory`.
    pub path: String,
    /// What is wrong, in a sentence a person understands.
    pub message: String,
}

/// Findings as the rules add them.
pub(super) struct Out(pub(super) Vec<Finding>);

impl Out {
    pub(super) fn error(&mut self, code: &'static str, path: String, message: String) {
        self.0.push(Finding {
            code,
            severity: Severity::Error,
            path,
            message,
        });
    }
    pub(super) fn warn(&mut self, code: &'static str, path: String, message: String) {
        self.0.push(Finding {
            code,
            severity: Severity::Warning,
            path,
            message,
        });
    }
}

/// Everything that can be said of a plan without placing it.
pub fn validate(plan: &Plan) -> Vec<Finding> {
    let mut out = Out(Vec::new());
    cluster::cluster_rules(plan, &mut out);
    for (i, td) in plan.task_definitions.iter().enumerate() {
        task_definition::task_definition_rules(
            plan,
            td,
            &format!("$.taskDefinitions[{i}]"),
            &mut out,
        );
    }
    let mut seen_td = BTreeSet::new();
    for (i, td) in plan.task_definitions.iter().enumerate() {
        if !seen_td.insert((td.family.as_str(), td.revision)) {
            out.error(
                "E1017",
                format!("$.taskDefinitions[{i}].revision"),
                format!(
                    "task definition {}:{} appears twice",
                    td.family, td.revision
                ),
            );
        }
    }
    service::service_rules(plan, &mut out);
    fargate::fargate_rules(plan, &mut out);
    daemon::daemon_rules(plan, &mut out);
    unmodelled::unmodelled_rules(plan, &mut out);
    out.0
}
