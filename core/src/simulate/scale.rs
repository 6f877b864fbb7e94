//! Changing a service's desiredCount: scale out places new tasks (§4),
//! scale in stops tasks in §4.2's order and drains them (§5.8).

use super::sim::{service_and_task_definition, start_sim, Sim};
use super::{
    err, limits, ActionKind, DeployError, Deployment, Outcome, Stall, Timing, Version,
    DEFAULT_STOP_TIMEOUT_SECONDS, MAX_STEPS,
};
use crate::model::Plan;
use crate::placement::{Failure, TaskRequest};

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
    if service.is_daemon() {
        // §10.1: "there is no need to specify a desired number of tasks".
        return Err(err(
            "desiredCount",
            format!(
                "{service_name} is a DAEMON service: ECS runs one task on each instance that \
                 meets its constraints, and has no desiredCount to scale; add or remove \
                 instances instead"
            ),
        ));
    }
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
    let req = TaskRequest::of_service(&service, &td);
    let outcome = loop {
        if sim.steps.len() > MAX_STEPS {
            break Outcome::Stalled {
                reason: "simulation step limit reached".into(),
                event: String::new(),
                cause: Stall::StepLimit,
            };
        }
        sim.advance();
        let failure = tick(&mut sim, &req, desired);
        if steady(&sim, desired) {
            let ev = sim.event(format!(
                "service {service_name} has reached a steady state."
            ));
            sim.step(ActionKind::SteadyState, "steady state".into(), ev);
            break Outcome::Completed;
        }
        match sim.next_due() {
            Some(t) => sim.t = t.max(sim.t),
            None => break stalled(&mut sim, failure),
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
        minimum_healthy_percent: service.deployment_configuration.minimum_healthy_percent,
        maximum_percent: service.deployment_configuration.maximum_percent,
        old_task_definition: arn.clone(),
        new_task_definition: arn,
        steps: std::mem::take(&mut sim.steps),
        outcome,
        plan: plan.clone(),
    })
}

/// One scheduler tick: start tasks up to `desired`, or stop the extra ones
/// in scale-in order (§4.2). Returns why a task could not be placed.
fn tick(sim: &mut Sim, req: &TaskRequest, desired: u32) -> Option<Failure> {
    let old = sim.counts(Version::Old);
    let new = sim.counts(Version::New);
    let active = old.running + new.pending + new.running;
    if active < desired {
        let (started, failure) = sim.start_tasks(req, Version::New, desired - active, &mut 0);
        if started > 0 {
            sim.step(
                ActionKind::Start,
                format!("start {started} new"),
                Vec::new(),
            );
        }
        return failure;
    }
    if old.running > desired {
        let victims = super::scale_in::order(sim, Version::Old, old.running - desired);
        for id in &victims {
            sim.begin_draining(*id);
        }
        sim.step(
            ActionKind::BeginDraining,
            format!("stop {} (begin draining)", victims.len()),
            Vec::new(),
        );
    }
    None
}

/// `desired` tasks healthy, none starting or draining.
fn steady(sim: &Sim, desired: u32) -> bool {
    let new = sim.counts(Version::New);
    let old = sim.counts(Version::Old);
    old.draining == 0
        && new.pending == 0
        && new.running == new.healthy
        && old.running + new.healthy == desired
}

/// Nothing is due and the count is not reached: a task cannot be placed.
fn stalled(sim: &mut Sim, failure: Option<Failure>) -> Outcome {
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
    Outcome::Stalled {
        reason: format!("a task cannot be placed: {}", f.reason.code()),
        event: f.message,
        cause: Stall::Placement(f.reason),
    }
}
