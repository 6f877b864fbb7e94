//! The clock every simulation runs on: the ledger of placement (§4) plus,
//! for each task the simulation follows, its version, status and when its
//! next transition is due (§5.3, §5.8).

use std::collections::BTreeMap;

use super::{
    err, ActionKind, Counts, DeployError, InstanceSnapshot, Step, TaskSnapshot, TaskStatus, Timing,
    Version,
};
use crate::model::{Plan, Service, TaskDefinition};
use crate::placement::{place, ClusterState, Failure, Owner, TaskRequest};

#[derive(Debug, Clone)]
pub(super) struct Tracked {
    pub(super) version: Version,
    pub(super) status: TaskStatus,
    /// When the next transition happens.
    pub(super) due: u32,
    pub(super) fails: bool,
}

pub(super) struct Sim<'a> {
    pub(super) plan: &'a Plan,
    pub(super) service: String,
    pub(super) state: ClusterState,
    pub(super) tracked: BTreeMap<u32, Tracked>,
    pub(super) t: u32,
    pub(super) steps: Vec<Step>,
    pub(super) timing: Timing,
    pub(super) drain_seconds: u32,
    pub(super) last_event: Option<String>,
}

impl Sim<'_> {
    pub(super) fn counts(&self, v: Version) -> Counts {
        let mut c = Counts::default();
        for tr in self.tracked.values().filter(|t| t.version == v) {
            match tr.status {
                TaskStatus::Pending => c.pending += 1,
                TaskStatus::Running => c.running += 1,
                TaskStatus::Healthy => {
                    c.running += 1;
                    c.healthy += 1
                }
                TaskStatus::Draining => c.draining += 1,
            }
        }
        c
    }

    pub(super) fn snapshot(&self) -> Vec<InstanceSnapshot> {
        self.state
            .instances
            .iter()
            .map(|i| InstanceSnapshot {
                id: i.instance.id.clone(),
                instance_type: i.instance.instance_type.clone(),
                availability_zone: i.instance.availability_zone.clone(),
                registered_cpu: i.instance.registered_cpu,
                registered_memory: i.instance.registered_memory,
                remaining_cpu: i.remaining_cpu,
                remaining_memory: i.remaining_memory,
                tasks: i
                    .tasks
                    .iter()
                    .map(|t| {
                        let tr = self.tracked.get(&t.id);
                        TaskSnapshot {
                            task_id: t.id,
                            owner: t.owner.clone(),
                            task_definition_arn: t.task_definition_arn.to_string(),
                            version: tr.map_or(Version::Other, |x| x.version),
                            status: tr.map_or(TaskStatus::Healthy, |x| x.status),
                            cpu: t.cpu,
                            memory: t.memory,
                            host_ports: t.host_ports.clone(),
                        }
                    })
                    .collect(),
            })
            .collect()
    }

    pub(super) fn step(&mut self, kind: ActionKind, action: String, events: Vec<String>) {
        let step = Step {
            t: self.t,
            kind,
            action,
            old: self.counts(Version::Old),
            new: self.counts(Version::New),
            events,
            instances: self.snapshot(),
            state: self.state.clone(),
        };
        self.steps.push(step);
    }

    /// An event, unless it repeats the previous one (the console omits duplicates, §4.4).
    pub(super) fn event(&mut self, text: String) -> Vec<String> {
        if self.last_event.as_deref() == Some(text.as_str()) {
            Vec::new()
        } else {
            self.last_event = Some(text.clone());
            vec![text]
        }
    }

    pub(super) fn ids(&self, version: Version, status: TaskStatus) -> Vec<u32> {
        self.tracked
            .iter()
            .filter(|(_, t)| t.version == version && t.status == status)
            .map(|(id, _)| *id)
            .collect()
    }

    pub(super) fn begin_draining(&mut self, id: u32) {
        let due = self.t + self.drain_seconds;
        if let Some(tr) = self.tracked.get_mut(&id) {
            tr.status = TaskStatus::Draining;
            tr.due = due;
        }
    }

    /// Applies every transition due now; returns how many health checks failed.
    pub(super) fn advance(&mut self) -> u32 {
        let now = self.t;
        let mut failed = 0;
        let due: Vec<(u32, Tracked)> = self
            .tracked
            .iter()
            .filter(|(_, t)| t.due == now && t.status != TaskStatus::Healthy)
            .map(|(id, t)| (*id, t.clone()))
            .collect();
        let mut by_kind: BTreeMap<(u8, Version), u32> = BTreeMap::new();
        for (id, tr) in due {
            match tr.status {
                TaskStatus::Pending => {
                    let t = self.tracked.get_mut(&id).expect("tracked");
                    t.status = TaskStatus::Running;
                    t.due = now + self.timing.healthy_seconds;
                    *by_kind.entry((0, tr.version)).or_default() += 1;
                }
                TaskStatus::Running if tr.fails => {
                    // Deregistered as unhealthy: it drains and stops like any other.
                    failed += 1;
                    self.begin_draining(id);
                    *by_kind.entry((2, tr.version)).or_default() += 1;
                }
                TaskStatus::Running => {
                    self.tracked.get_mut(&id).expect("tracked").status = TaskStatus::Healthy;
                    *by_kind.entry((1, tr.version)).or_default() += 1;
                }
                TaskStatus::Draining => {
                    self.state.stop(id);
                    self.tracked.remove(&id);
                    *by_kind.entry((3, tr.version)).or_default() += 1;
                }
                TaskStatus::Healthy => {}
            }
        }
        for ((kind, version), n) in by_kind {
            let v = version.word();
            let (k, text) = match kind {
                0 => (ActionKind::Running, format!("{n} {v} running")),
                1 => (ActionKind::Healthy, format!("{n} {v} healthy")),
                2 => (
                    ActionKind::HealthCheckFailed,
                    format!("{n} {v} failed health checks, stopping"),
                ),
                _ => (
                    ActionKind::Stopped,
                    format!("{n} {v} stopped (resources and ports released)"),
                ),
            };
            self.step(k, text, Vec::new());
        }
        failed
    }

    /// Starts up to `n` tasks of `req`, of `version`, through placement
    /// (§4), the first `failing` of them doomed to fail their health checks;
    /// stops at the first task that cannot be placed and returns why.
    pub(super) fn start_tasks(
        &mut self,
        req: &TaskRequest,
        version: Version,
        n: u32,
        failing: &mut u32,
    ) -> (u32, Option<Failure>) {
        let mut started = 0;
        for _ in 0..n {
            match self.state.place_one(req) {
                Ok((_, id)) => {
                    let fails = *failing > 0;
                    *failing = failing.saturating_sub(1);
                    let due = self.t + self.timing.start_seconds;
                    self.tracked.insert(
                        id,
                        Tracked {
                            version,
                            status: TaskStatus::Pending,
                            due,
                            fails,
                        },
                    );
                    started += 1;
                }
                Err(f) => return (started, Some(f)),
            }
        }
        (started, None)
    }

    pub(super) fn next_due(&self) -> Option<u32> {
        self.tracked
            .values()
            .filter(|t| t.status != TaskStatus::Healthy)
            .map(|t| t.due)
            .min()
    }
}

/// The placement request for new tasks of a service running `td`.
/// The service and the task definition it runs, or which of them is missing.
pub(super) fn service_and_task_definition(
    plan: &Plan,
    name: &str,
) -> Result<(Service, TaskDefinition), DeployError> {
    let service = plan.service(name).ok_or_else(|| {
        err(
            "service",
            format!("no service named \"{name}\" in the plan"),
        )
    })?;
    let td = plan
        .task_definition(&service.task_definition)
        .ok_or_else(|| {
            err(
                "service",
                format!(
                    "service {name} names unknown task definition {}",
                    service.task_definition
                ),
            )
        })?;
    if !plan.on_instances(service) {
        return Err(err(
            "service",
            format!(
                "service {name} runs on Fargate, not on the cluster's container instances; \
                 Berth steps through deployments on EC2 instances"
            ),
        ));
    }
    Ok((service.clone(), td.clone()))
}

/// Starts the simulation from `current`'s placement, with the service's
/// tasks all healthy and Old; `working` is the plan the steps refer to.
pub(super) fn start_sim<'a>(
    current: &Plan,
    working: &'a Plan,
    service: &Service,
    timing: Timing,
    drain_seconds: u32,
) -> Sim<'a> {
    let placement = place(current);
    let mut sim = Sim {
        plan: working,
        service: service.service_name.clone(),
        tracked: BTreeMap::new(),
        state: placement.state,
        t: 0,
        steps: Vec::new(),
        timing,
        drain_seconds,
        last_event: None,
    };
    let owner = Owner::Service(service.service_name.as_str().into());
    for inst in &sim.state.instances {
        for task in &inst.tasks {
            if task.owner == owner {
                sim.tracked.insert(
                    task.id,
                    Tracked {
                        version: Version::Old,
                        status: TaskStatus::Healthy,
                        due: 0,
                        fails: false,
                    },
                );
            }
        }
    }
    sim
}
