//! Rolling deployments (§5), scaling and run-task, simulated step by step on
//! the same per-instance ledger that placement uses.
//!
//! The scheduler model is §5.4's loop: start as many new tasks as
//! maximumPercent allows (each through placement, §4), then stop as many old
//! tasks as minimumHealthyPercent allows. A stopped task drains from the load
//! balancer and keeps its CPU, memory and static ports until the deregistration
//! delay and the stop timeout have passed (§5.8). The order inside one
//! scheduler tick (start before stop) is not documented by AWS (§5.4
//! \[UNCONFIRMED\]); Berth starts first, which reproduces every worked example.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{
    CircuitBreaker, PlacementStrategy, Plan, Service, StrategyType, TaskDefinition,
};
use crate::placement::{place, ClusterState, Failure, HostPort, Owner, TaskRequest};

/// §5.3: without a load balancer or health check, a task counts as healthy
/// 40 seconds after it reaches RUNNING.
pub const HEALTHY_AFTER_RUNNING_SECONDS: u32 = 40;
/// ECS_CONTAINER_STOP_TIMEOUT default on EC2 (§5.8).
pub const DEFAULT_STOP_TIMEOUT_SECONDS: u32 = 30;
/// Guard against a run-away simulation; real rollouts take far fewer steps.
const MAX_STEPS: usize = 20_000;

/// What to change in the service's task definition; each `Some` makes a new
/// revision, or `task_definition` names an existing one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Change {
    pub task_definition: Option<String>,
    /// Which container the edits apply to; the first essential one by default.
    pub container: Option<String>,
    pub image: Option<String>,
    pub cpu: Option<u32>,
    pub memory: Option<u32>,
    pub memory_reservation: Option<u32>,
    /// A new host port for the container's first port mapping (0 = dynamic).
    pub host_port: Option<u16>,
}

/// The failure threshold rule of the circuit breaker (§5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ThresholdRule {
    /// clamp(ceil(0.5 × desired), 3, 200): the current API.
    #[default]
    Current,
    /// clamp(ceil(0.5 × desired), 10, 200): the 2023 guide.
    Legacy,
}

impl ThresholdRule {
    pub fn threshold(self, desired: u32) -> u32 {
        let min = match self {
            ThresholdRule::Current => 3,
            ThresholdRule::Legacy => 10,
        };
        desired.div_ceil(2).clamp(min, 200)
    }
}

/// Timing of one task's life, in simulated seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// PENDING → RUNNING (image pull and start). A Berth assumption.
    pub start_seconds: u32,
    /// RUNNING → healthy (§5.3). With a load balancer this is the target
    /// group's interval × healthy threshold, which the plan does not model;
    /// set it here.
    pub healthy_seconds: u32,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            start_seconds: 10,
            healthy_seconds: HEALTHY_AFTER_RUNNING_SECONDS,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeployOptions {
    pub change: Change,
    pub minimum_healthy_percent: Option<u32>,
    pub maximum_percent: Option<u32>,
    /// Overrides the service's deploymentCircuitBreaker.
    pub circuit_breaker: Option<CircuitBreaker>,
    pub threshold_rule: ThresholdRule,
    /// Overrides the service's loadBalancer.deregistrationDelaySeconds; a
    /// service without a load balancer drains for 0 s.
    pub deregistration_delay: Option<u32>,
    pub stop_timeout: Option<u32>,
    pub timing: Timing,
    /// The first N new tasks fail their health checks (u32::MAX: all of them).
    pub failing_new_tasks: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Version {
    Old,
    New,
    /// Tasks of other services (or of this one, outside the deployment).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    Pending,
    Running,
    Healthy,
    /// Stopping: deregistering from the load balancer, then the stop timeout.
    Draining,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskSnapshot {
    pub task_id: u32,
    #[serde(flatten)]
    pub owner: Owner,
    pub task_definition_arn: String,
    pub version: Version,
    pub status: TaskStatus,
    pub cpu: u32,
    pub memory: u32,
    pub host_ports: Vec<HostPort>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceSnapshot {
    pub id: String,
    pub instance_type: String,
    pub availability_zone: String,
    pub registered_cpu: u32,
    pub registered_memory: u32,
    pub remaining_cpu: u32,
    pub remaining_memory: u32,
    pub tasks: Vec<TaskSnapshot>,
}

/// Counts of the deployment's tasks (draining ones are counted apart: they no
/// longer count toward maximumPercent but still hold their resources).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    pub pending: u32,
    pub running: u32,
    pub healthy: u32,
    pub draining: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ActionKind {
    Start,
    BeginDraining,
    Running,
    Healthy,
    Stopped,
    HealthCheckFailed,
    Blocked,
    SteadyState,
    CircuitBreakerTripped,
    RollbackStarted,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Simulated seconds since the deployment began.
    pub t: u32,
    pub kind: ActionKind,
    /// What the scheduler did, in words: "start 2 new", "stop 2 old (begin draining)".
    pub action: String,
    pub old: Counts,
    pub new: Counts,
    pub events: Vec<String>,
    pub instances: Vec<InstanceSnapshot>,
    /// The ledger itself, for the independent checker; not serialised.
    #[serde(skip)]
    pub state: ClusterState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum Outcome {
    Completed,
    Stalled { reason: String, event: String },
    Failed { reason: String },
    RolledBack { reason: String },
}

impl Outcome {
    pub fn is_completed(&self) -> bool {
        matches!(self, Outcome::Completed)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    pub service: String,
    pub desired_count: u32,
    pub min_healthy: u32,
    pub max_tasks: u32,
    pub old_task_definition: String,
    pub new_task_definition: String,
    pub steps: Vec<Step>,
    pub outcome: Outcome,
    /// The plan with the new revision added, which the steps refer to.
    #[serde(skip)]
    pub plan: Plan,
}

/// Bad input to the simulator: names the field and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployError {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for DeployError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for DeployError {}

fn err(field: &str, message: impl Into<String>) -> DeployError {
    DeployError {
        field: field.into(),
        message: message.into(),
    }
}

/// §5.1: minHealthy rounds up, maxTasks rounds down.
pub fn limits(desired: u32, min_percent: u32, max_percent: u32) -> (u32, u32) {
    let min = (desired as u64 * min_percent as u64).div_ceil(100) as u32;
    let max = (desired as u64 * max_percent as u64 / 100) as u32;
    (min, max)
}

/// Builds the new revision a change makes (or finds the one it names).
pub fn new_revision(
    plan: &Plan,
    service: &Service,
    change: &Change,
) -> Result<TaskDefinition, DeployError> {
    if let Some(r) = &change.task_definition {
        return plan.task_definition(r).cloned().ok_or_else(|| {
            err(
                "taskDefinition",
                format!("no task definition \"{r}\" in the plan"),
            )
        });
    }
    let current = plan
        .task_definition(&service.task_definition)
        .ok_or_else(|| {
            err(
                "service",
                format!(
                    "service {} names unknown task definition {}",
                    service.service_name, service.task_definition
                ),
            )
        })?;
    let mut td = current.clone();
    td.revision = plan
        .task_definitions
        .iter()
        .filter(|t| t.family == td.family)
        .map(|t| t.revision)
        .max()
        .unwrap_or(0)
        + 1;
    let idx = match &change.container {
        Some(name) => td
            .container_definitions
            .iter()
            .position(|c| &c.name == name)
            .ok_or_else(|| {
                err(
                    "container",
                    format!("task definition {} has no container \"{name}\"", td.family),
                )
            })?,
        None => td
            .container_definitions
            .iter()
            .position(|c| c.is_essential())
            .unwrap_or(0),
    };
    let c = td.container_definitions.get_mut(idx).ok_or_else(|| {
        err(
            "container",
            format!("task definition {} has no containers", td.family),
        )
    })?;
    if let Some(image) = &change.image {
        if image.trim().is_empty() {
            return Err(err("image", "the image must not be empty"));
        }
        // "--image :1.5" changes only the tag.
        c.image = match image.strip_prefix(':') {
            Some(tag) => format!("{}:{tag}", crate::cfn::bindings::split_image(&c.image).0),
            None => image.clone(),
        };
    }
    if let Some(cpu) = change.cpu {
        c.cpu = cpu;
    }
    if let Some(m) = change.memory {
        c.memory = Some(m);
    }
    if let Some(r) = change.memory_reservation {
        c.memory_reservation = Some(r);
    }
    if let Some(h) = change.host_port {
        let pm = c.port_mappings.first_mut().ok_or_else(|| {
            err(
                "hostPort",
                format!("container {} has no port mapping to change", c.name),
            )
        })?;
        pm.host_port = Some(h);
    }
    Ok(td)
}

#[derive(Debug, Clone)]
struct Tracked {
    version: Version,
    status: TaskStatus,
    /// When the next transition happens.
    due: u32,
    fails: bool,
}

struct Sim<'a> {
    plan: &'a Plan,
    service: String,
    state: ClusterState,
    tracked: BTreeMap<u32, Tracked>,
    t: u32,
    steps: Vec<Step>,
    timing: Timing,
    drain_seconds: u32,
    last_event: Option<String>,
}

impl Sim<'_> {
    fn counts(&self, v: Version) -> Counts {
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

    fn snapshot(&self) -> Vec<InstanceSnapshot> {
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

    fn step(&mut self, kind: ActionKind, action: String, events: Vec<String>) {
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
    fn event(&mut self, text: String) -> Vec<String> {
        if self.last_event.as_deref() == Some(text.as_str()) {
            Vec::new()
        } else {
            self.last_event = Some(text.clone());
            vec![text]
        }
    }

    fn ids(&self, version: Version, status: TaskStatus) -> Vec<u32> {
        self.tracked
            .iter()
            .filter(|(_, t)| t.version == version && t.status == status)
            .map(|(id, _)| *id)
            .collect()
    }

    fn begin_draining(&mut self, id: u32) {
        let due = self.t + self.drain_seconds;
        if let Some(tr) = self.tracked.get_mut(&id) {
            tr.status = TaskStatus::Draining;
            tr.due = due;
        }
    }

    /// Applies every transition due now; returns how many health checks failed.
    fn advance(&mut self) -> u32 {
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
            let v = if version == Version::New {
                "new"
            } else {
                "old"
            };
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

    fn next_due(&self) -> Option<u32> {
        self.tracked
            .values()
            .filter(|t| t.status != TaskStatus::Healthy)
            .map(|t| t.due)
            .min()
    }
}

/// The placement request for new tasks of a service running `td`.
fn request_for(service: &Service, td: &TaskDefinition) -> TaskRequest {
    TaskRequest::new(
        Owner::Service(service.service_name.as_str().into()),
        td,
        &service.placement_constraints,
        &service.placement_strategy,
    )
}

/// The service and the task definition it runs, or which of them is missing.
fn service_and_task_definition(
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
    Ok((service.clone(), td.clone()))
}

/// Simulates a rolling deployment of `service_name` under `options`.
pub fn deploy(
    plan: &Plan,
    service_name: &str,
    options: &DeployOptions,
) -> Result<Deployment, DeployError> {
    let (service, old_td) = service_and_task_definition(plan, service_name)?;
    let new_td = new_revision(plan, &service, &options.change)?;
    let dc = &service.deployment_configuration;
    let min_percent = options
        .minimum_healthy_percent
        .unwrap_or(dc.minimum_healthy_percent);
    let max_percent = options.maximum_percent.unwrap_or(dc.maximum_percent);
    if min_percent > 100 {
        return Err(err(
            "minimumHealthyPercent",
            format!("{min_percent} must be between 0 and 100"),
        ));
    }
    if max_percent < 100 {
        return Err(err(
            "maximumPercent",
            format!("{max_percent} must be at least 100"),
        ));
    }
    let breaker = options
        .circuit_breaker
        .clone()
        .or_else(|| dc.deployment_circuit_breaker.clone());
    let drain = options
        .deregistration_delay
        .or(service
            .load_balancer
            .as_ref()
            .map(|lb| lb.deregistration_delay_seconds))
        .unwrap_or(0);
    if drain > 3600 {
        return Err(err(
            "deregistrationDelaySeconds",
            format!("{drain} must be between 0 and 3600"),
        ));
    }
    let stop_timeout = options.stop_timeout.unwrap_or(DEFAULT_STOP_TIMEOUT_SECONDS);

    let mut working = plan.clone();
    let new_arn = format!("{}:{}", new_td.family, new_td.revision);
    if working.task_definition(&new_arn).is_none() {
        working.task_definitions.push(new_td.clone());
    }
    let desired = service.desired_count;
    let (min_healthy, max_tasks) = limits(desired, min_percent, max_percent);
    let mut sim = start_sim(
        plan,
        &working,
        &service,
        options.timing,
        drain + stop_timeout,
    );
    sim.step(ActionKind::Start, format!("deploy {new_arn}"), Vec::new());
    let threshold = options.threshold_rule.threshold(desired);
    let outcome = roll(
        &mut sim,
        &service,
        &new_td,
        desired,
        min_healthy,
        max_tasks,
        options.failing_new_tasks,
        breaker.as_ref(),
        threshold,
    );
    let outcome = match outcome {
        Rolled::Done(o) => o,
        Rolled::Breaker(reason) => {
            let rollback = breaker.as_ref().is_some_and(|b| b.rollback);
            if rollback {
                // §5.6: back to the last deployment that completed; the tasks of
                // the failed revision become the old ones.
                for tr in sim.tracked.values_mut() {
                    tr.version = match tr.version {
                        Version::Old => Version::New,
                        Version::New => Version::Old,
                        other => other,
                    };
                }
                let ev = sim.event(format!(
                    "service {service_name} deployment failed: rolling back to {}:{}",
                    old_td.family, old_td.revision
                ));
                sim.step(
                    ActionKind::RollbackStarted,
                    format!("roll back to {}:{}", old_td.family, old_td.revision),
                    ev,
                );
                match roll(
                    &mut sim,
                    &service,
                    &old_td,
                    desired,
                    min_healthy,
                    max_tasks,
                    0,
                    None,
                    threshold,
                ) {
                    Rolled::Done(Outcome::Completed) => Outcome::RolledBack { reason },
                    Rolled::Done(other) => other,
                    Rolled::Breaker(r) => Outcome::Failed { reason: r },
                }
            } else {
                Outcome::Failed { reason }
            }
        }
    };
    let steps = sim.steps;
    Ok(Deployment {
        service: service_name.to_string(),
        desired_count: desired,
        min_healthy,
        max_tasks,
        old_task_definition: format!("{}:{}", old_td.family, old_td.revision),
        new_task_definition: new_arn,
        steps,
        outcome,
        plan: working,
    })
}

enum Rolled {
    Done(Outcome),
    /// The circuit breaker tripped, with the reason.
    Breaker(String),
}

#[allow(clippy::too_many_arguments)]
fn roll(
    sim: &mut Sim,
    service: &Service,
    target: &TaskDefinition,
    desired: u32,
    min_healthy: u32,
    max_tasks: u32,
    mut failing: u32,
    breaker: Option<&CircuitBreaker>,
    threshold: u32,
) -> Rolled {
    let req = request_for(service, target);
    let name = service.service_name.clone();
    let mut failures = 0u32;
    // Without a breaker, ECS keeps retrying with back-off; Berth stops after
    // this many failures and reports the back-off event.
    let give_up = (desired * 3).max(10);
    loop {
        if sim.steps.len() > MAX_STEPS {
            return Rolled::Done(Outcome::Stalled {
                reason: "simulation step limit reached".into(),
                event: String::new(),
            });
        }
        failures += sim.advance();
        if breaker.is_some_and(|b| b.enable) {
            if failures >= threshold {
                let reason = format!("{failures} tasks failed their health checks; the circuit breaker threshold is {threshold}");
                let ev = sim.event(format!(
                    "service {name} deployment failed: tasks failed to start."
                ));
                sim.step(
                    ActionKind::CircuitBreakerTripped,
                    format!("circuit breaker tripped ({failures} of {threshold} failures)"),
                    ev,
                );
                // FAILED launches no more tasks; drain the failed ones.
                for id in sim
                    .ids(Version::New, TaskStatus::Pending)
                    .into_iter()
                    .chain(sim.ids(Version::New, TaskStatus::Running))
                {
                    sim.begin_draining(id);
                }
                return Rolled::Breaker(reason);
            }
        } else if failures >= give_up {
            let event =
                format!("service {name} is unable to consistently start tasks successfully.");
            let ev = sim.event(event.clone());
            sim.step(
                ActionKind::Blocked,
                "blocked: new tasks keep failing".into(),
                ev,
            );
            return Rolled::Done(Outcome::Stalled {
                reason: format!("{failures} new tasks failed their health checks"),
                event,
            });
        }

        let old = sim.counts(Version::Old);
        let new = sim.counts(Version::New);
        let done = old.pending + old.running + old.draining == 0
            && new.healthy == desired
            && new.pending + new.running == new.healthy;
        if done {
            let ev = sim.event(format!("service {name} has reached a steady state."));
            sim.step(ActionKind::SteadyState, "steady state".into(), ev);
            return Rolled::Done(Outcome::Completed);
        }

        // Start new tasks (§5.4): up to maxTasks running + pending, and never
        // more new ones than desired.
        let active = old.pending + old.running + new.pending + new.running;
        let want = max_tasks
            .saturating_sub(active)
            .min(desired.saturating_sub(new.pending + new.running));
        let mut started = 0;
        let mut placement_failure: Option<Failure> = None;
        for _ in 0..want {
            match sim.state.place_one(&req) {
                Ok((_, id)) => {
                    let fails = failing > 0;
                    failing = failing.saturating_sub(1);
                    sim.tracked.insert(
                        id,
                        Tracked {
                            version: Version::New,
                            status: TaskStatus::Pending,
                            due: sim.t + sim.timing.start_seconds,
                            fails,
                        },
                    );
                    started += 1;
                }
                Err(f) => {
                    placement_failure = Some(f);
                    break;
                }
            }
        }
        if started > 0 {
            sim.last_event = None;
            sim.step(
                ActionKind::Start,
                format!("start {started} new"),
                Vec::new(),
            );
        }
        if let Some(f) = &placement_failure {
            let ev = sim.event(f.message.clone());
            if !ev.is_empty() {
                sim.step(
                    ActionKind::Blocked,
                    format!("cannot place a new task: {}", f.reason.code()),
                    ev,
                );
            }
        }

        // Stop old tasks (§5.4): keep at least minHealthy healthy. Old tasks
        // that are still pending or unhealthy go first.
        let old = sim.counts(Version::Old);
        let new = sim.counts(Version::New);
        let to_stop = (old.healthy + new.healthy)
            .saturating_sub(min_healthy)
            .min(old.pending + old.running);
        if to_stop > 0 {
            let victims = scale_in_order(sim, Version::Old, to_stop);
            for id in &victims {
                sim.begin_draining(*id);
            }
            sim.last_event = None;
            sim.step(
                ActionKind::BeginDraining,
                format!("stop {} old (begin draining)", victims.len()),
                Vec::new(),
            );
        }

        match sim.next_due() {
            Some(t) => sim.t = t.max(sim.t),
            None => {
                // Nothing moves: either placement failed or the configuration
                // allows neither a start nor a stop (§5.1 deadlock).
                let old = sim.counts(Version::Old);
                let new = sim.counts(Version::New);
                let (reason, event) = match placement_failure {
                    Some(f) if max_tasks > old.pending + old.running + new.pending + new.running => {
                        (format!("a new task cannot be placed: {}", f.reason.code()), f.message)
                    }
                    _ => (
                        "the deployment configuration allows neither starting nor stopping a task".to_string(),
                        format!("service {name} was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again."),
                    ),
                };
                let ev = sim.event(event.clone());
                sim.step(ActionKind::Blocked, format!("stalled: {reason}"), ev);
                return Rolled::Done(Outcome::Stalled { reason, event });
            }
        }
    }
}

/// §4.2 scale-in order: for the default (and spread) strategy, the AZ with
/// the most tasks of the service first, then the instance with the most; for
/// binpack, the instance with the most of the resource left after stopping.
fn scale_in_order(sim: &Sim, version: Version, n: u32) -> Vec<u32> {
    let mut chosen = Vec::new();
    let strategy = sim
        .plan
        .service(&sim.service)
        .map(|s| s.placement_strategy.clone())
        .unwrap_or_default();
    let binpack: Option<&PlacementStrategy> =
        strategy.iter().find(|s| s.kind == StrategyType::Binpack);
    // Candidates: (instance index, task id), unhealthy before healthy.
    let mut candidates: Vec<(usize, u32, bool)> = Vec::new();
    for (idx, inst) in sim.state.instances.iter().enumerate() {
        for t in &inst.tasks {
            if let Some(tr) = sim.tracked.get(&t.id) {
                if tr.version == version
                    && matches!(
                        tr.status,
                        TaskStatus::Pending | TaskStatus::Running | TaskStatus::Healthy
                    )
                {
                    candidates.push((idx, t.id, tr.status == TaskStatus::Healthy));
                }
            }
        }
    }
    // The service's tasks that still count per instance and per AZ (not
    // draining, not yet chosen), kept up to date as tasks are chosen rather
    // than recounted for every comparison (issue 8: a 1,000-task service took
    // 27 s to roll when they were).
    let owner = Owner::Service(sim.service.as_str().into());
    let counts = |t: &crate::placement::PlacedTask| {
        t.owner == owner
            && sim
                .tracked
                .get(&t.id)
                .is_some_and(|tr| tr.status != TaskStatus::Draining)
    };
    let mut on: Vec<usize> = sim
        .state
        .instances
        .iter()
        .map(|inst| inst.tasks.iter().filter(|t| counts(t)).count())
        .collect();
    let mut in_az: BTreeMap<&str, usize> = BTreeMap::new();
    for (idx, inst) in sim.state.instances.iter().enumerate() {
        *in_az.entry(&inst.instance.availability_zone).or_default() += on[idx];
    }
    let counted: std::collections::BTreeSet<u32> = sim
        .state
        .instances
        .iter()
        .flat_map(|inst| inst.tasks.iter().filter(|t| counts(t)).map(|t| t.id))
        .collect();
    while chosen.len() < n as usize && !candidates.is_empty() {
        let pick = candidates
            .iter()
            .enumerate()
            .max_by(|(_, a), (_, b)| {
                let key = |c: &(usize, u32, bool)| {
                    let inst = &sim.state.instances[c.0];
                    let resource = match binpack.and_then(|s| s.field.as_deref()) {
                        Some(f) if f.eq_ignore_ascii_case("cpu") => inst.remaining_cpu as usize,
                        Some(_) => inst.remaining_memory as usize,
                        None => 0,
                    };
                    (
                        !c.2,
                        resource,
                        in_az[inst.instance.availability_zone.as_str()],
                        on[c.0],
                        std::cmp::Reverse(c.1),
                    )
                };
                key(a).cmp(&key(b))
            })
            .map(|(i, _)| i)
            .expect("candidates is not empty");
        let (idx, id, _) = candidates.remove(pick);
        if counted.contains(&id) {
            on[idx] -= 1;
            *in_az
                .get_mut(sim.state.instances[idx].instance.availability_zone.as_str())
                .expect("every instance's AZ is counted") -= 1;
        }
        chosen.push(id);
    }
    chosen
}

/// Starts the simulation from `current`'s placement, with the service's
/// tasks all healthy and Old; `working` is the plan the steps refer to.
fn start_sim<'a>(
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

/// Changing desiredCount: scale out places new tasks (§4), scale in stops
/// tasks in §4.2's order and drains them (§5.8).
pub fn scale(
    plan: &Plan,
    service_name: &str,
    desired: u32,
    timing: Timing,
) -> Result<Deployment, DeployError> {
    if desired > crate::input::caps::MAX_DESIRED_COUNT {
        return Err(err(
            "desiredCount",
            format!(
                "{desired} tasks; ECS allows at most {} tasks per service",
                crate::input::caps::MAX_DESIRED_COUNT
            ),
        ));
    }
    let (service, td) = service_and_task_definition(plan, service_name)?;
    let drain = service
        .load_balancer
        .as_ref()
        .map_or(0, |lb| lb.deregistration_delay_seconds)
        + DEFAULT_STOP_TIMEOUT_SECONDS;
    let mut sim = start_sim(plan, plan, &service, timing, drain);
    let current = sim.counts(Version::Old).running;
    let arn = format!("{}:{}", td.family, td.revision);
    sim.step(
        ActionKind::Start,
        format!("scale {service_name} from {current} to {desired} tasks"),
        Vec::new(),
    );
    let req = request_for(&service, &td);
    let outcome = loop {
        if sim.steps.len() > MAX_STEPS {
            break Outcome::Stalled {
                reason: "simulation step limit reached".into(),
                event: String::new(),
            };
        }
        sim.advance();
        let old = sim.counts(Version::Old);
        let new = sim.counts(Version::New);
        let active = old.running + new.pending + new.running;
        let mut failure = None;
        if active < desired {
            let mut started = 0;
            for _ in active..desired {
                match sim.state.place_one(&req) {
                    Ok((_, id)) => {
                        sim.tracked.insert(
                            id,
                            Tracked {
                                version: Version::New,
                                status: TaskStatus::Pending,
                                due: sim.t + timing.start_seconds,
                                fails: false,
                            },
                        );
                        started += 1;
                    }
                    Err(f) => {
                        failure = Some(f);
                        break;
                    }
                }
            }
            if started > 0 {
                sim.step(
                    ActionKind::Start,
                    format!("start {started} new"),
                    Vec::new(),
                );
            }
        } else if old.running > desired {
            let victims = scale_in_order(&sim, Version::Old, old.running - desired);
            for id in &victims {
                sim.begin_draining(*id);
            }
            sim.step(
                ActionKind::BeginDraining,
                format!("stop {} (begin draining)", victims.len()),
                Vec::new(),
            );
        }
        let new = sim.counts(Version::New);
        let old = sim.counts(Version::Old);
        if old.draining == 0
            && new.pending == 0
            && new.running == new.healthy
            && old.running + new.healthy == desired
        {
            let ev = sim.event(format!(
                "service {service_name} has reached a steady state."
            ));
            sim.step(ActionKind::SteadyState, "steady state".into(), ev);
            break Outcome::Completed;
        }
        match sim.next_due() {
            Some(t) => sim.t = t.max(sim.t),
            None => {
                let f = failure.unwrap_or_else(|| Failure {
                    reason: crate::placement::Reason::NoInstances,
                    closest: None,
                    message: String::new(),
                });
                let ev = sim.event(f.message.clone());
                sim.step(
                    ActionKind::Blocked,
                    format!("stalled: cannot place a task: {}", f.reason.code()),
                    ev,
                );
                break Outcome::Stalled {
                    reason: format!("a task cannot be placed: {}", f.reason.code()),
                    event: f.message,
                };
            }
        }
    };
    let (min_healthy, max_tasks) = limits(
        desired,
        service.deployment_configuration.minimum_healthy_percent,
        service.deployment_configuration.maximum_percent,
    );
    Ok(Deployment {
        service: service_name.to_string(),
        desired_count: desired,
        min_healthy,
        max_tasks,
        old_task_definition: arn.clone(),
        new_task_definition: arn,
        steps: std::mem::take(&mut sim.steps),
        outcome,
        plan: plan.clone(),
    })
}

/// Where a one-off task (such as the seed's database migration) would run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunTaskResult {
    pub task_definition: String,
    /// The instance it was placed on, when it was.
    pub instance: Option<String>,
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
        Outcome::Stalled { event, .. } if event.contains("already using a port") => Some(match static_ports.first() {
            Some(p) => format!(
                "static host port {p}: set hostPort 0 behind a load balancer, lower minimum healthy percent, or add instances"
            ),
            None => "a host port is taken: use dynamic host ports, lower minimum healthy percent, or add instances".into(),
        }),
        Outcome::Stalled { event, .. } if event.contains("insufficient memory") || event.contains("insufficient CPU") => Some(format!(
            "no room for the {} extra tasks maximumPercent allows: add instances or a larger type, or lower minimum healthy percent so old tasks stop first",
            d.max_tasks.saturating_sub(d.desired_count)
        )),
        Outcome::Stalled { event, .. } if event.contains("deployment configuration") => Some(format!(
            "at least {} healthy and at most {} running leaves no room to start or stop a task: raise maximum percent or lower minimum healthy percent",
            d.min_healthy, d.max_tasks
        )),
        Outcome::Stalled { reason, .. } => Some(format!("the deployment cannot go on: {reason}")),
        Outcome::Failed { .. } => Some("the new tasks fail their health checks: fix the new revision, or enable rollback so the service returns to the last good one".into()),
        Outcome::RolledBack { .. } => Some(format!("the new tasks failed their health checks; the service is back on {}", d.old_task_definition)),
    }
}
