//! The reports the CLI prints (and CI reads): `place` and `check`, as plain
//! serialisable data with stable field names.

use serde::Serialize;

use crate::checker;
use crate::model::Plan;
use crate::placement::{place, shortfall, HostPort, Owner, Placement, Reason};
use crate::rules::jvm::JvmEstimate;
use crate::rules::{jvm_findings, placement_findings, validate, Finding, Severity};

/// CPU units and memory (MiB), registered or remaining.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Resources {
    /// CPU units.
    pub cpu: u32,
    /// Memory (MiB).
    pub memory: u32,
}

/// One placed task in `berth place`'s report.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TaskReport {
    /// The service or standalone task definition it belongs to.
    #[serde(flatten)]
    pub owner: Owner,
    /// The task definition (family:revision) it runs.
    pub task_definition_arn: String,
    /// CPU units it reserves.
    pub cpu: u32,
    /// Memory (MiB) it reserves: the reservation, else the hard limit.
    pub memory: u32,
    /// The host ports it holds.
    pub host_ports: Vec<HostPort>,
    /// Whether the user pinned it to its instance.
    pub pinned: bool,
}

/// One container instance in `berth place`'s report.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InstanceReport {
    /// The instance's id (its group's name and its number).
    pub id: String,
    /// Its EC2 instance type.
    pub instance_type: String,
    /// Its Availability Zone.
    pub availability_zone: String,
    /// What it registers with ECS.
    pub registered: Resources,
    /// What is left after its tasks.
    pub remaining: Resources,
    /// Whether the registered memory is the catalogue's estimate.
    pub memory_estimated: bool,
    /// Its tasks.
    pub tasks: Vec<TaskReport>,
}

/// Tasks of one service (or standalone task) ECS could not place, and why.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnplacedReport {
    /// The service or standalone task definition.
    #[serde(flatten)]
    pub owner: Owner,
    /// How many tasks are unplaced.
    pub count: u32,
    /// ECS's reason.
    pub reason: Reason,
    /// ECS's event text for the reason.
    pub message: String,
    /// The closest matching container instance, when one passed the constraints.
    #[serde(skip_serializing_if = "Option::is_none", rename = "closestInstance")]
    pub closest: Option<String>,
    /// The instance these tasks were pinned to, when they did not fit there.
    #[serde(skip_serializing_if = "Option::is_none", rename = "pinnedInstance")]
    pub pinned_instance: Option<String>,
    /// For CPU and memory: what a task needs, the most any instance has free
    /// or registers, and what would make it fit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What `berth place` prints: every instance's tasks, what is unplaced, and the warnings.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PlaceReport {
    /// Every container instance and its tasks.
    pub instances: Vec<InstanceReport>,
    /// Tasks that could not be placed.
    pub unplaced: Vec<UnplacedReport>,
    /// Warnings from validation and placement (errors are `check`'s).
    pub warnings: Vec<Finding>,
}

fn unplaced_reports(plan: &Plan, placement: &Placement) -> Vec<UnplacedReport> {
    placement
        .unplaced
        .iter()
        .map(|u| UnplacedReport {
            owner: u.owner.clone(),
            count: u.count,
            reason: u.failure.reason,
            message: u.failure.message.clone(),
            closest: u.failure.closest.clone(),
            pinned_instance: u.pinned_instance.clone(),
            detail: shortfall(plan, placement, u),
        })
        .collect()
}

/// The `place` report for a plan and its placement.
pub fn place_report(plan: &Plan, placement: &Placement) -> PlaceReport {
    PlaceReport {
        instances: placement
            .instances()
            .iter()
            .map(|s| InstanceReport {
                id: s.instance.id.clone(),
                instance_type: s.instance.instance_type.clone(),
                availability_zone: s.instance.availability_zone.clone(),
                registered: Resources {
                    cpu: s.instance.registered_cpu,
                    memory: s.instance.registered_memory,
                },
                remaining: Resources {
                    cpu: s.remaining_cpu,
                    memory: s.remaining_memory,
                },
                memory_estimated: s.instance.memory_estimated,
                tasks: s
                    .tasks
                    .iter()
                    .map(|t| TaskReport {
                        owner: t.owner.clone(),
                        task_definition_arn: t.task_definition_arn.to_string(),
                        cpu: t.cpu,
                        memory: t.memory,
                        host_ports: t.host_ports.clone(),
                        pinned: t.pinned,
                    })
                    .collect(),
            })
            .collect(),
        unplaced: unplaced_reports(plan, placement),
        warnings: validate(plan)
            .into_iter()
            .chain(placement_findings(plan, placement))
            .filter(|f| f.severity == Severity::Warning)
            .collect(),
    }
}

/// The JVM check of one container in `berth check`'s report (§7).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JvmReport {
    /// The task definition (family:revision).
    pub task_definition: String,
    /// The estimate, in MiB, with its findings.
    #[serde(flatten)]
    pub estimate: JvmEstimate,
    /// §7.5's constants are a rule of thumb; every display says so.
    pub heuristic: bool,
}

/// What `berth check` prints: findings, the JVM check and unplaced tasks.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CheckReport {
    /// Every finding, errors first, then by code and JSON path.
    pub findings: Vec<Finding>,
    /// The JVM check of every container that runs a JVM.
    pub jvm: Vec<JvmReport>,
    /// Tasks that could not be placed.
    pub unplaced: Vec<UnplacedReport>,
    /// How many findings are errors.
    pub errors: usize,
    /// How many findings are warnings.
    pub warnings: usize,
}

impl CheckReport {
    /// Clean means nothing AWS would refuse and every task placed.
    pub fn is_clean(&self) -> bool {
        self.errors == 0 && self.unplaced.is_empty()
    }
}

/// The `check` report for a plan: validation, placement and the JVM check.
pub fn check_report(plan: &Plan) -> CheckReport {
    check_report_with(plan, &place(plan))
}

/// [`check_report`] for a plan already placed (the board's placement).
pub fn check_report_with(plan: &Plan, placement: &Placement) -> CheckReport {
    debug_assert!(checker::check_placement(plan, placement).is_empty());
    let (jvm_found, estimates) = jvm_findings(plan);
    let mut findings = validate(plan);
    findings.extend(placement_findings(plan, placement));
    findings.extend(jvm_found);
    findings.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(a.code.cmp(b.code))
            .then(a.path.cmp(&b.path))
    });
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    CheckReport {
        warnings: findings.len() - errors,
        errors,
        jvm: estimates
            .into_iter()
            .map(|(family, estimate)| JvmReport {
                task_definition: family,
                estimate,
                heuristic: true,
            })
            .collect(),
        unplaced: unplaced_reports(plan, placement),
        findings,
    }
}
