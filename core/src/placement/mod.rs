//! Where ECS would put each task, and why it would not (§2.3, §3, §4).
//!
//! [`ClusterState`] is the per-instance ledger (CPU, memory, GPUs, host
//! ports per protocol, ENIs) that both the one-shot [`place`] and the deployment
//! simulator mutate one task at a time. A task is checked against resources,
//! then constraints, then ordered by strategies, in ECS's order (§4.1).
//! Everything is deterministic: `random` is a seeded hash, ties go to the
//! instance that comes first in the plan. The rules are written as a scan of
//! every instance; the `berth-candidates` crate finds the same instance through an
//! index, which is what makes 100,000 tasks on 5,000 instances fast.
//!
//! The pipeline, one file a step: `request` (what a task asks, for whom),
//! `ledger` (the instances and their tasks), `feasible` (does it fit), `rank`
//! (which fitting instance), `explain` (why none, as a `reason`),
//! `shortfall` (the numbers beside the reason), `daemon` (a DAEMON
//! service's instances), `running` (from the tasks running now), and here
//! the whole plan: the tasks edits hold where they ran, then daemons, then
//! each service (its pins, then the rest) and standalone task, those that
//! read `task:group` last. `hash` holds the hashes `random` and the group
//! map use.

pub mod cql;
mod daemon;
mod explain;
mod feasible;
mod hash;
pub mod java_regex;
mod ledger;
mod outgrows;
mod rank;
mod reason;
mod request;
mod running;
pub mod scale_in;
mod shortfall;

use crate::model::Plan;

pub use daemon::desired_count;
pub use ledger::{ClusterState, HostPort, InstanceState, PlacedTask, MAX_RESERVED_PORTS};
pub use outgrows::outgrows;
pub use reason::{Failure, Reason, Unplaced};
pub use request::{default_strategy, Owner, TaskRequest};
pub use running::{place_from_running, FromRunning, NotKept, Running};
pub use shortfall::shortfall;

/// The placement of a whole plan.
#[derive(Debug, Clone)]
pub struct Placement {
    /// The ledger: every container instance and its tasks.
    pub state: ClusterState,
    /// Tasks that could not be placed, grouped by owner and cause.
    pub unplaced: Vec<Unplaced>,
}

impl Placement {
    /// Every container instance and its tasks.
    pub fn instances(&self) -> &[InstanceState] {
        &self.state.instances
    }

    /// "Can one more task of service S go on instance I, and if not why?"
    /// Returns the host ports it would get, or ECS's reason.
    pub fn try_one_more(
        &self,
        plan: &Plan,
        service: &str,
        instance_id: &str,
    ) -> Result<Vec<HostPort>, Failure> {
        let owner = Owner::Service(service.into());
        let svc = plan.service(service).ok_or_else(|| Failure {
            reason: Reason::Attribute,
            closest: None,
            message: format!("service {service} is not in the plan"),
        })?;
        let req = TaskRequest::for_service(plan, svc).ok_or_else(|| Failure {
            reason: Reason::Attribute,
            closest: None,
            message: format!(
                "service {service} names task definition {}, which is not in the plan",
                svc.task_definition
            ),
        })?;
        let idx = self
            .state
            .index_of(instance_id)
            .ok_or_else(|| Failure::new(&owner, Reason::NoInstances, None))?;
        let mut trial = self.state.clone();
        trial.place_on(idx, &req, true)?;
        Ok(trial.instances[idx]
            .tasks
            .last()
            .map(|t| t.host_ports.clone())
            .unwrap_or_default())
    }
}

fn record(
    unplaced: &mut Vec<Unplaced>,
    owner: &Owner,
    failure: Failure,
    pinned_instance: Option<&str>,
) {
    if let Some(last) = unplaced.last_mut() {
        if &last.owner == owner
            && last.failure == failure
            && last.pinned_instance.as_deref() == pinned_instance
        {
            last.count += 1;
            return;
        }
    }
    unplaced.push(Unplaced {
        owner: owner.clone(),
        count: 1,
        failure,
        pinned_instance: pinned_instance.map(str::to_string),
    });
}

/// Places `count` tasks of one request. A failure changes nothing, so every
/// later task of the same request would fail the same way: they are recorded
/// with it rather than tried again.
fn place_count(
    state: &mut ClusterState,
    unplaced: &mut Vec<Unplaced>,
    req: &TaskRequest,
    count: u32,
) {
    let group = state.group_id_or_new(&req.group);
    for placed in 0..count {
        if let Err(f) = state.place_one_in(req, group) {
            record(unplaced, &req.owner, f, None);
            if let Some(last) = unplaced.last_mut() {
                last.count += count - placed - 1;
            }
            return;
        }
    }
}

/// Places a whole plan: service by service in plan order (its pins first,
/// then its remaining desired tasks), then standalone tasks. Pure: the
/// same plan always gives the same placement, computed afresh.
pub fn place(plan: &Plan) -> Placement {
    place_from(plan, ClusterState::new(plan))
}

/// A caller's memo of the last plan it placed. A board edit places the plan
/// on screen (already placed to draw it), then the edited plan, which the
/// board then draws: with one of these kept by the shell, a drag places once
/// instead of three times (issue 8). The cache is the caller's, passed in,
/// so the core holds no state and a test can compare two real placements.
#[derive(Debug, Clone, Default)]
pub struct Placer {
    last: Option<(Plan, Placement)>,
}

impl Placer {
    /// The placement of `plan`: the remembered one when `plan` is the plan
    /// placed last, else [`place`]'s, which is then remembered.
    pub fn place(&mut self, plan: &Plan) -> Placement {
        match &self.last {
            Some((placed, placement)) if placed == plan => placement.clone(),
            _ => {
                let placement = place(plan);
                self.last = Some((plan.clone(), placement.clone()));
                placement
            }
        }
    }
}

/// [`place`] without the index: every task looks at every instance, as the
/// rules are written. Tests hold the index to this.
#[doc(hidden)]
pub fn place_by_scan(plan: &Plan) -> Placement {
    place_from(plan, ClusterState::new(plan).scanning())
}

fn place_from(plan: &Plan, mut state: ClusterState) -> Placement {
    let mut unplaced = Vec::new();
    let requests: Vec<(&crate::model::Service, TaskRequest)> = plan
        .services
        .iter()
        .filter(|s| plan.on_instances(s))
        .filter_map(|s| TaskRequest::for_service(plan, s).map(|r| (s, r)))
        .collect();
    // Tasks an edit keeps where they ran (held pins) go back first: they
    // are running, and ECS never stops one to make room for another.
    let held: Vec<u32> = requests
        .iter()
        .map(|(svc, req)| place_pins(plan, &mut state, &mut unplaced, svc, req, Pins::Held))
        .collect();
    // §10.1: "the daemon task is the first task to launch on the instances".
    for (_, req) in requests.iter().filter(|(s, _)| s.is_daemon()) {
        daemon::place_daemon(&mut state, &mut unplaced, req);
    }
    // Service by service, in the plan's order, then standalone tasks: a
    // service's pinned tasks on their instances first, then the rest by the
    // scheduler. A pin thus changes nothing for the services placed before
    // its own. Those whose constraints read task:group go after all the
    // others: in ECS their tasks stay PENDING and are tried again until the
    // tasks they follow or avoid run (§10.2), so they land where they would
    // once those do.
    let services = requests
        .iter()
        .zip(held)
        .filter(|((s, _), _)| !s.is_daemon())
        .map(|((svc, req), held)| (Some((*svc, held)), req.clone(), 0));
    let standalone = plan.tasks.iter().filter_map(|run| {
        // A Fargate-only task definition never lands on an instance.
        let td = plan
            .task_definition(&run.task_definition)
            .filter(|td| !td.fargate_only())?;
        let req = TaskRequest::new(
            Owner::Standalone(run.task_definition.as_str().into()),
            td,
            &run.placement_constraints,
            &run.placement_strategy,
        )
        .in_group(run.group.as_deref());
        Some((None, req, run.count))
    });
    let (later, first): (Vec<_>, Vec<_>) = services
        .chain(standalone)
        .partition(|(_, r, _)| r.reads_task_groups());
    for (service, req, count) in first.into_iter().chain(later) {
        let count = match service {
            Some((svc, held)) => {
                let own = place_pins(plan, &mut state, &mut unplaced, svc, &req, Pins::Own(held));
                svc.desired_count.saturating_sub(held + own)
            }
            None => count,
        };
        place_count(&mut state, &mut unplaced, &req, count);
    }
    Placement { state, unplaced }
}

/// Which of a service's pins [`place_pins`] places.
#[derive(Clone, Copy)]
enum Pins {
    /// The tasks an edit keeps where they ran.
    Held,
    /// The user's own, after `n` held ones took their share of desiredCount.
    Own(u32),
}

/// A service's pins of one kind, each on its instance (never more than its
/// desiredCount in all; validation reports the rest). Returns how many were
/// tried. A daemon's tasks go where §10.1 says: the user pins none, and
/// one an edit holds stays only where the daemon still belongs.
fn place_pins(
    plan: &Plan,
    state: &mut ClusterState,
    unplaced: &mut Vec<Unplaced>,
    svc: &crate::model::Service,
    req: &TaskRequest,
    which: Pins,
) -> u32 {
    if svc.is_daemon() {
        if matches!(which, Pins::Held) {
            daemon::keep_held(plan, state, svc, req);
        }
        return 0;
    }
    let (held, mut count) = match which {
        Pins::Held => (true, 0),
        Pins::Own(n) => (false, n),
    };
    let started = count;
    // A pinned task is a running one: held where it ran by an edit, or put
    // there by the user's drop, which judged its task:group expressions
    // then (§10.2). ECS does not judge them again while it runs.
    let req = &req.without_task_groups();
    for pin in plan
        .pins
        .iter()
        .filter(|p| p.service == svc.service_name && p.held == held)
    {
        if count >= svc.desired_count {
            break;
        }
        count += 1;
        if let Some((idx, id)) = place_pinned(state, unplaced, req, &pin.instance) {
            if held {
                if let Some(t) = state.instances[idx].tasks.iter_mut().find(|t| t.id == id) {
                    t.held = true;
                }
            }
        }
    }
    count - started
}

/// One task of `req` on the instance it is pinned to: its (instance index,
/// task id), or none, with the failure recorded against the pin.
fn place_pinned(
    state: &mut ClusterState,
    unplaced: &mut Vec<Unplaced>,
    req: &TaskRequest,
    instance: &str,
) -> Option<(usize, u32)> {
    let result = match state.index_of(instance) {
        Some(idx) => state.place_on(idx, req, true).map(|id| (idx, id)),
        None => Err(Failure::new(&req.owner, Reason::NoInstances, None)),
    };
    result
        .map_err(|f| record(unplaced, &req.owner, f, Some(instance)))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::{cluster, Workload};

    fn tasks_per_instance(p: &Placement) -> Vec<usize> {
        p.instances().iter().map(|i| i.tasks.len()).collect()
    }

    /// The memo answers only for the plan it placed: alternating two plans,
    /// every answer is what placing that plan afresh gives.
    #[test]
    fn a_placer_answers_each_plan_as_place_does() {
        let small = cluster(4, 100, Workload::Binpack);
        let large = cluster(4, 200, Workload::Spread);
        let mut placer = Placer::default();
        for plan in [&small, &large, &large, &small] {
            let remembered = placer.place(plan);
            let fresh = place(plan);
            assert_eq!(remembered.state, fresh.state);
            assert_eq!(tasks_per_instance(&remembered), tasks_per_instance(&fresh));
        }
        assert_ne!(
            tasks_per_instance(&place(&small)),
            tasks_per_instance(&place(&large))
        );
    }
}
