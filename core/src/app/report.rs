//! The reports the CLI prints (and CI reads): `place` and `check`, as plain
//! serialisable data with stable field names.

use serde::Serialize;

use crate::checker;
use crate::model::Plan;
use crate::placement::{place, HostPort, Owner, Placement, Reason};
use crate::rules::jvm::JvmEstimate;
use crate::rules::{jvm_findings, placement_findings, validate, Finding, Severity};

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Resources {
    pub cpu: u32,
    pub memory: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TaskReport {
    #[serde(flatten)]
    pub owner: Owner,
    pub task_definition_arn: String,
    pub cpu: u32,
    pub memory: u32,
    pub host_ports: Vec<HostPort>,
    pub pinned: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InstanceReport {
    pub id: String,
    pub instance_type: String,
    pub availability_zone: String,
    pub registered: Resources,
    pub remaining: Resources,
    pub memory_estimated: bool,
    pub tasks: Vec<TaskReport>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnplacedReport {
    #[serde(flatten)]
    pub owner: Owner,
    pub count: u32,
    pub reason: Reason,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", rename = "closestInstance")]
    pub closest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", rename = "pinnedInstance")]
    pub pinned_instance: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PlaceReport {
    pub instances: Vec<InstanceReport>,
    pub unplaced: Vec<UnplacedReport>,
    pub warnings: Vec<Finding>,
}

fn unplaced_reports(placement: &Placement) -> Vec<UnplacedReport> {
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
        })
        .collect()
}

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
        unplaced: unplaced_reports(placement),
        warnings: validate(plan)
            .into_iter()
            .chain(placement_findings(plan, placement))
            .filter(|f| f.severity == Severity::Warning)
            .collect(),
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JvmReport {
    pub task_definition: String,
    #[serde(flatten)]
    pub estimate: JvmEstimate,
    /// §7.5's constants are a rule of thumb; every display says so.
    pub heuristic: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CheckReport {
    pub findings: Vec<Finding>,
    pub jvm: Vec<JvmReport>,
    pub unplaced: Vec<UnplacedReport>,
    pub errors: usize,
    pub warnings: usize,
}

impl CheckReport {
    /// Clean means nothing AWS would refuse and every task placed.
    pub fn is_clean(&self) -> bool {
        self.errors == 0 && self.unplaced.is_empty()
    }
}

pub fn check_report(plan: &Plan) -> CheckReport {
    let placement = place(plan);
    debug_assert!(checker::check_placement(plan, &placement).is_empty());
    let (jvm_found, estimates) = jvm_findings(plan);
    let mut findings = validate(plan);
    findings.extend(placement_findings(plan, &placement));
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
        unplaced: unplaced_reports(&placement),
        findings,
    }
}
