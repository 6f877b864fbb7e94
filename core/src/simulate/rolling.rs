//! A rolling deployment (§5.4): the deployment's settings checked, a working
//! plan with the new revision, one [`Rollout`] from the old revision to the
//! new, and, when the circuit breaker trips with rollback on (§5.6), one more
//! back to the old.

use super::revision::new_revision;
use super::sim::{service_and_task_definition, start_sim, Sim};
use super::Stall;
use super::{
    err, limits, ActionKind, DeployError, DeployOptions, Deployment, Outcome, TaskStatus, Version,
    DEFAULT_STOP_TIMEOUT_SECONDS, MAX_STEPS,
};
use crate::model::{CircuitBreaker, Plan, Service, TaskDefinition};
use crate::placement::{Failure, TaskRequest};

/// The deployment's settings: the options given, else the service's own.
struct Settings {
    min_percent: u32,
    max_percent: u32,
    breaker: Option<CircuitBreaker>,
    /// Deregistration delay plus stop timeout: how long a stopped task
    /// keeps its resources (§5.8).
    drain_seconds: u32,
}

/// The options over the service's deploymentConfiguration, each checked
/// against the range ECS accepts.
fn settings(service: &Service, options: &DeployOptions) -> Result<Settings, DeployError> {
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
    // §5.2, §10.1: a daemon's replacement starts only once its old task
    // has stopped, on the same instance.
    if service.is_daemon() && max_percent > 100 {
        return Err(err(
            "maximumPercent",
            format!(
                "{max_percent}: the daemon scheduling strategy does not support values above \
                 100 for maximumPercent"
            ),
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
    Ok(Settings {
        min_percent,
        max_percent,
        breaker,
        drain_seconds: drain + stop_timeout,
    })
}

/// Simulates a rolling deployment of `service_name` under `options`.
pub fn deploy(
    plan: &Plan,
    service_name: &str,
    options: &DeployOptions,
) -> Result<Deployment, DeployError> {
    let (service, old_td) = service_and_task_definition(plan, service_name)?;
    let new_td = new_revision(plan, &service, &options.change)?;
    let settings = settings(&service, options)?;

    let mut working = plan.clone();
    let new_arn = format!("{}:{}", new_td.family, new_td.revision);
    if working.task_definition(&new_arn).is_none() {
        working.task_definitions.push(new_td.clone());
    }
    let mut sim = start_sim(
        plan,
        &working,
        &service,
        options.timing,
        settings.drain_seconds,
    );
    // A daemon wants one task on each of its instances (§10.1).
    let desired = crate::placement::desired_count(plan, &sim.state, &service);
    let (min_healthy, max_tasks) = limits(desired, settings.min_percent, settings.max_percent);
    sim.step(ActionKind::Start, format!("deploy {new_arn}"), Vec::new());
    let threshold = options.threshold_rule.threshold(desired);
    let rollout = |target: &TaskDefinition, version, failing, breaker| Rollout {
        name: service.service_name.clone(),
        req: TaskRequest::of_service(&service, target),
        target: version,
        desired,
        min_healthy,
        max_tasks,
        failing,
        breaker,
        threshold,
        failures: 0,
    };
    let breaker = settings.breaker.as_ref();
    let forward = rollout(&new_td, Version::New, options.failing_new_tasks, breaker);
    let outcome = match forward.run(&mut sim) {
        Rolled::Done(o) => o,
        Rolled::Breaker(reason) if breaker.is_some_and(|b| b.rollback) => {
            let back = rollout(&old_td, Version::Old, 0, None);
            roll_back(&mut sim, back, &old_td, reason)
        }
        Rolled::Breaker(reason) => Outcome::Failed { reason },
    };
    Ok(Deployment {
        service: service_name.to_string(),
        desired_count: desired,
        min_healthy,
        max_tasks,
        minimum_healthy_percent: settings.min_percent,
        maximum_percent: settings.max_percent,
        old_task_definition: format!("{}:{}", old_td.family, old_td.revision),
        new_task_definition: new_arn,
        steps: sim.steps,
        outcome,
        plan: working,
    })
}

/// §5.6: back to the last deployment that completed. Tasks keep their
/// labels: the old revision's are still "old" and the failed revision's
/// still "new"; only the direction of the rollout turns.
fn roll_back(sim: &mut Sim, back: Rollout, old_td: &TaskDefinition, reason: String) -> Outcome {
    let ev = sim.event(format!(
        "service {} deployment failed: rolling back to {}:{}",
        back.name, old_td.family, old_td.revision
    ));
    sim.step(
        ActionKind::RollbackStarted,
        format!("roll back to {}:{}", old_td.family, old_td.revision),
        ev,
    );
    match back.run(sim) {
        Rolled::Done(Outcome::Completed) => Outcome::RolledBack { reason },
        Rolled::Done(other) => other,
        Rolled::Breaker(r) => Outcome::Failed { reason: r },
    }
}

enum Rolled {
    Done(Outcome),
    /// The circuit breaker tripped, with the reason.
    Breaker(String),
}

/// One replacement of a service's tasks by tasks of `req` (§5.4): start as
/// many of them as maximumPercent allows, stop as many of the others as
/// minimumHealthyPercent allows, wait for the next transition, again.
struct Rollout<'a> {
    name: String,
    req: TaskRequest,
    /// The version whose tasks the rollout starts: New deploying, Old
    /// rolling back. The other version's tasks are the ones it stops.
    target: Version,
    desired: u32,
    min_healthy: u32,
    max_tasks: u32,
    /// How many of the next new tasks fail their health checks.
    failing: u32,
    breaker: Option<&'a CircuitBreaker>,
    threshold: u32,
    /// Health checks failed so far.
    failures: u32,
}

impl Rollout<'_> {
    /// The version whose tasks this rollout replaces.
    fn from(&self) -> Version {
        match self.target {
            Version::New => Version::Old,
            _ => Version::New,
        }
    }

    fn run(mut self, sim: &mut Sim) -> Rolled {
        loop {
            if sim.steps.len() > MAX_STEPS {
                return Rolled::Done(Outcome::Stalled {
                    reason: "simulation step limit reached".into(),
                    event: String::new(),
                    cause: Stall::StepLimit,
                });
            }
            self.failures += sim.advance();
            if let Some(given_up) = self.given_up(sim) {
                return given_up;
            }
            if self.finished(sim) {
                let ev = sim.event(format!("service {} has reached a steady state.", self.name));
                sim.step(ActionKind::SteadyState, "steady state".into(), ev);
                return Rolled::Done(Outcome::Completed);
            }
            let placement_failure = self.start_new(sim);
            self.stop_old(sim);
            match sim.next_due() {
                Some(t) => sim.t = t.max(sim.t),
                None => return Rolled::Done(self.stalled(sim, placement_failure)),
            }
        }
    }

    /// The circuit breaker's verdict (§5.6) or, without one, Berth's: ECS
    /// keeps retrying with back-off, Berth stops after this many failures and
    /// reports the back-off event.
    fn given_up(&self, sim: &mut Sim) -> Option<Rolled> {
        let failures = self.failures;
        if self.breaker.is_some_and(|b| b.enable) {
            if failures < self.threshold {
                return None;
            }
            let threshold = self.threshold;
            let reason = format!("{failures} tasks failed their health checks; the circuit breaker threshold is {threshold}");
            // Tasks that fail at the same moment are all counted, so the
            // count can pass the threshold: "4 failed (threshold 3)".
            let ev = sim.event(format!(
                "service {} deployment failed: tasks failed to start.",
                self.name
            ));
            sim.step(
                ActionKind::CircuitBreakerTripped,
                format!("circuit breaker tripped: {failures} failed (threshold {threshold})"),
                ev,
            );
            // FAILED launches no more tasks; drain the failed ones.
            for id in sim
                .ids(self.target, TaskStatus::Pending)
                .into_iter()
                .chain(sim.ids(self.target, TaskStatus::Running))
            {
                sim.begin_draining(id);
            }
            return Some(Rolled::Breaker(reason));
        }
        if failures < (self.desired * 3).max(10) {
            return None;
        }
        let event = format!(
            "service {} is unable to consistently start tasks successfully.",
            self.name
        );
        let ev = sim.event(event.clone());
        sim.step(
            ActionKind::Blocked,
            "blocked: new tasks keep failing".into(),
            ev,
        );
        Some(Rolled::Done(Outcome::Stalled {
            reason: format!("{failures} new tasks failed their health checks"),
            event,
            cause: Stall::HealthChecks,
        }))
    }

    /// Every task of the version replaced gone and `desired` of the target
    /// healthy.
    fn finished(&self, sim: &Sim) -> bool {
        let old = sim.counts(self.from());
        let new = sim.counts(self.target);
        old.pending + old.running + old.draining == 0
            && new.healthy == self.desired
            && new.pending + new.running == new.healthy
    }

    /// Starts new tasks (§5.4): up to maxTasks running + pending, and never
    /// more new ones than desired. Returns why the next one could not be
    /// placed, when one could not.
    fn start_new(&mut self, sim: &mut Sim) -> Option<Failure> {
        let old = sim.counts(self.from());
        let new = sim.counts(self.target);
        let active = old.pending + old.running + new.pending + new.running;
        let want = self
            .max_tasks
            .saturating_sub(active)
            .min(self.desired.saturating_sub(new.pending + new.running));
        let (started, placement_failure) =
            sim.start_tasks(&self.req, self.target, want, &mut self.failing);
        if started > 0 {
            sim.last_event = None;
            sim.step(
                ActionKind::Start,
                format!("start {started} {}", self.target.word()),
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
        placement_failure
    }

    /// Stops old tasks (§5.4): keep at least minHealthy healthy. Old tasks
    /// that are still pending or unhealthy go first.
    fn stop_old(&self, sim: &mut Sim) {
        let old = sim.counts(self.from());
        let new = sim.counts(self.target);
        let to_stop = (old.healthy + new.healthy)
            .saturating_sub(self.min_healthy)
            .min(old.pending + old.running);
        if to_stop == 0 {
            return;
        }
        let victims = super::scale_in::order(sim, self.from(), to_stop);
        for id in &victims {
            sim.begin_draining(*id);
        }
        sim.last_event = None;
        sim.step(
            ActionKind::BeginDraining,
            format!(
                "stop {} {} (begin draining)",
                victims.len(),
                self.from().word()
            ),
            Vec::new(),
        );
    }

    /// Nothing moves: either placement failed or the configuration allows
    /// neither a start nor a stop (§5.1 deadlock).
    fn stalled(&self, sim: &mut Sim, placement_failure: Option<Failure>) -> Outcome {
        let old = sim.counts(self.from());
        let new = sim.counts(self.target);
        let room = self.max_tasks > old.pending + old.running + new.pending + new.running;
        let (reason, event, cause) = match placement_failure {
            Some(f) if room => (
                format!("a new task cannot be placed: {}", f.reason.code()),
                f.message,
                Stall::Placement(f.reason),
            ),
            _ => (
                "the deployment configuration allows neither starting nor stopping a task".to_string(),
                format!("service {} was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.", self.name),
                Stall::Configuration,
            ),
        };
        let ev = sim.event(event.clone());
        sim.step(ActionKind::Blocked, format!("stalled: {reason}"), ev);
        Outcome::Stalled {
            reason,
            event,
            cause,
        }
    }
}
