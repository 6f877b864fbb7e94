//! One trial of the search: the plan on `count` instances of one type, and
//! whether it fits: every task placed, no hard-limit overcommit past the
//! user's ratio, no JVM finding worse than the plan's own, and, with
//! deployment headroom, every service's rolling deployment completed.

use serde::Serialize;

use super::{Headroom, Options};
use crate::model::catalogue::InstanceType;
use crate::model::{InstanceGroup, Plan};
use crate::placement::{place, Placement};
use crate::rules::{hard_limit_total, jvm_findings, Severity};
use crate::simulate::{deploy, Change, DeployOptions};

/// How one service's rolling deployment ends on a candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentCheck {
    /// The service's name.
    pub service: String,
    /// "completed", or how it stalled or failed, as the stepper says it.
    pub outcome: String,
}

/// What a fitting trial measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitting {
    /// Memory reserved by the tasks over memory registered, 0 to 1.
    pub memory_utilisation: f64,
    /// CPU units reserved over CPU units registered, 0 to 1.
    pub cpu_utilisation: f64,
    /// Each service's deployment at its own settings.
    pub deployments: Vec<DeploymentCheck>,
}

/// The plan on `count` instances of `t`, in one group that keeps the first
/// group's name, zones, reserved memory, trunking, attributes and Auto
/// Scaling range. Every
/// task is placed afresh: the pins named instances of the old cluster.
pub fn on(plan: &Plan, t: &InstanceType, count: u32) -> Plan {
    let mut next = plan.clone();
    let group = match plan.cluster.instance_groups.first() {
        // A registered memory read off the old type's instances is not the
        // new type's; the Auto Scaling range stays (the search keeps to it).
        Some(g) => InstanceGroup {
            instance_type: t.name.clone(),
            count,
            registered_memory: None,
            ..g.clone()
        },
        None => InstanceGroup::new("app".into(), &t.name, count, Vec::new()),
    };
    next.cluster.instance_groups = vec![group];
    next.pins.clear();
    next
}

/// The JVM findings' severity per container, errors above warnings: what a
/// candidate may not make worse.
pub fn jvm_levels(plan: &Plan) -> Vec<(String, u8)> {
    let mut levels: Vec<(String, u8)> = jvm_findings(plan)
        .0
        .into_iter()
        .map(|f| {
            let level = match f.severity {
                Severity::Error => 2,
                _ => 1,
            };
            (f.path, level)
        })
        .collect();
    levels.sort();
    levels
}

/// Where a trial has got to.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// More steps to run.
    Pending,
    /// It fits; what it measured.
    Fits(Fitting),
    /// It does not; the first reason, in ECS's words where placement or
    /// the deployment says it.
    Fails(String),
}

/// One trial, run a step at a time: placement and the checks on it first,
/// then one service's deployment per step, so that no step of a large plan
/// holds a browser's frame for long.
pub struct Trial {
    plan: Plan,
    placed: Option<(f64, f64)>,
    services: Vec<String>,
    deployments: Vec<DeploymentCheck>,
}

impl Trial {
    /// A trial of `plan` (the plan on a candidate cluster, see [`on`]).
    pub fn new(plan: Plan) -> Trial {
        let services = plan
            .services
            .iter()
            .filter(|s| plan.on_instances(s) && s.desired_count > 0)
            .map(|s| s.service_name.clone())
            .collect();
        Trial {
            plan,
            placed: None,
            services,
            deployments: Vec::new(),
        }
    }

    /// Runs the next step.
    pub fn step(&mut self, o: &Options, jvm_before: &[(String, u8)]) -> Verdict {
        if self.placed.is_none() {
            let placed = place(&self.plan);
            if let Some(u) = placed.unplaced.first() {
                return Verdict::Fails(u.failure.reason.code().to_string());
            }
            if let Err(e) = overcommit(&self.plan, &placed, o.overcommit)
                .and_then(|_| jvm_not_worse(&self.plan, jvm_before))
            {
                return Verdict::Fails(e);
            }
            self.placed = Some(utilisation(&placed));
        } else if let Some(service) = self.services.get(self.deployments.len()) {
            let d = deployment(&self.plan, service);
            if o.headroom == Headroom::Deploy && d.outcome != "completed" {
                return Verdict::Fails(format!("deploying {} {}", d.service, d.outcome));
            }
            self.deployments.push(d);
        }
        match self.placed {
            Some((memory, cpu)) if self.deployments.len() == self.services.len() => {
                Verdict::Fits(Fitting {
                    memory_utilisation: memory,
                    cpu_utilisation: cpu,
                    deployments: std::mem::take(&mut self.deployments),
                })
            }
            _ => Verdict::Pending,
        }
    }
}

/// No instance's hard limits past `ratio` × its registered memory.
fn overcommit(plan: &Plan, placed: &Placement, ratio: Option<f64>) -> Result<(), String> {
    let Some(ratio) = ratio else { return Ok(()) };
    for s in placed.instances() {
        let registered = s.instance.registered_memory.max(1) as f64;
        let over = hard_limit_total(plan, s) as f64 / registered;
        if over > ratio + 1e-9 {
            return Err(format!(
                "hard limits {over:.2}× the registered memory of {} (at most {ratio:.2}×)",
                s.instance.id
            ));
        }
    }
    Ok(())
}

fn jvm_not_worse(plan: &Plan, before: &[(String, u8)]) -> Result<(), String> {
    for (path, level) in jvm_levels(plan) {
        let was = before
            .iter()
            .find(|(p, _)| *p == path)
            .map_or(0, |(_, l)| *l);
        if level > was {
            return Err(format!("a JVM finding gets worse at {path}"));
        }
    }
    Ok(())
}

/// The service deployed with a new image at its own
/// minimumHealthyPercent and maximumPercent (§5).
fn deployment(plan: &Plan, service: &str) -> DeploymentCheck {
    let options = DeployOptions {
        change: Change {
            image: Some(":next".into()),
            ..Change::default()
        },
        ..DeployOptions::default()
    };
    DeploymentCheck {
        service: service.to_string(),
        outcome: match deploy(plan, service, &options) {
            Ok(d) => d.outcome.describe(),
            Err(e) => format!("failed: {e}"),
        },
    }
}

/// (memory, CPU) reserved over registered, across the cluster.
fn utilisation(placed: &Placement) -> (f64, f64) {
    let (mut mem, mut mem_free, mut cpu, mut cpu_free) = (0u64, 0u64, 0u64, 0u64);
    for s in placed.instances() {
        mem += s.instance.registered_memory as u64;
        mem_free += s.remaining_memory as u64;
        cpu += s.instance.registered_cpu as u64;
        cpu_free += s.remaining_cpu as u64;
    }
    let share = |total: u64, free: u64| {
        if total == 0 {
            0.0
        } else {
            (total - free.min(total)) as f64 / total as f64
        }
    };
    (share(mem, mem_free), share(cpu, cpu_free))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jvm_finding_worse_than_the_plans_is_a_reason_to_reject() {
        let plan = crate::load_plan(include_str!("../../../public/examples/microtrader.json"))
            .expect("the example loads");
        // The example's four JVM containers are amber (J3002) as it stands.
        let before = jvm_levels(&plan);
        assert_eq!(before.len(), 4);
        assert!(before.iter().all(|(_, level)| *level == 1));
        assert_eq!(jvm_not_worse(&plan, &before), Ok(()));
        // Held to a plan where one of them had no finding, it is worse.
        let e = jvm_not_worse(&plan, &before[1..]).unwrap_err();
        assert_eq!(e, format!("a JVM finding gets worse at {}", before[0].0));
        // And red is worse than amber.
        let mut red = plan.clone();
        red.task_definitions[0].container_definitions[0].memory = Some(600);
        assert!(jvm_not_worse(&red, &before)
            .unwrap_err()
            .ends_with(&before[0].0));
    }
}
