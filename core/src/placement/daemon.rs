//! Daemon services (§10.1, ECS Developer Guide, "Service scheduler
//! concepts", Daemon: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html):
//! "exactly one task on each active container instance that meets all of
//! the task placement constraints", launched first, desiredCount and
//! placement strategies unused. An instance that meets the constraints but
//! lacks the room gets no task, and the scheduler says why, as for any task.

use super::request::TaskRequest;
use super::{record, ClusterState, Unplaced};
use crate::model::{Plan, Service};

impl ClusterState {
    /// The instances a daemon's tasks belong on: each one that meets its
    /// memberOf constraints (room aside). A `task:group` expression is
    /// judged when a task starts, not here: what it reads changes with
    /// every task started beside the daemon's, the daemon's own too.
    pub fn daemon_instances(&self, req: &TaskRequest) -> Vec<usize> {
        let req = req.without_task_groups();
        (0..self.instances.len())
            .filter(|&idx| self.satisfies_constraints(idx, &req, None))
            .collect()
    }
}

/// Starts the daemon's task on each of its instances that does not run one
/// yet; an instance without the room records why, against that instance.
pub(super) fn place_daemon(
    state: &mut ClusterState,
    unplaced: &mut Vec<Unplaced>,
    req: &TaskRequest,
) {
    let group = state.group_id_or_new(&req.group);
    for idx in state.daemon_instances(req) {
        if state.instances[idx].count(Some(group)) > 0 {
            continue;
        }
        if let Err(f) = state.place_on(idx, req, false) {
            let id = state.instances[idx].instance.id.clone();
            record(unplaced, &req.owner, f, Some(&id));
        }
    }
}

/// Puts back the daemon's tasks an edit holds where they ran (its held
/// pins), on instances it still belongs on and that still have the room;
/// [`place_daemon`] starts the others, and says why where it cannot.
pub(super) fn keep_held(plan: &Plan, state: &mut ClusterState, svc: &Service, req: &TaskRequest) {
    let eligible = state.daemon_instances(req);
    // Running: its task:group expressions were judged when it started.
    let req = req.without_task_groups();
    for pin in plan
        .pins
        .iter()
        .filter(|p| p.held && p.service == svc.service_name)
    {
        let Some(idx) = state
            .index_of(&pin.instance)
            .filter(|i| eligible.contains(i))
        else {
            continue;
        };
        if let Ok(id) = state.place_on(idx, &req, true) {
            if let Some(t) = state.instances[idx].tasks.iter_mut().find(|t| t.id == id) {
                t.held = true;
            }
        }
    }
}

/// How many tasks a service wants in `state`: its desiredCount, or for a
/// daemon the number of instances that meet its constraints, which ECS
/// sets as the daemon's desiredCount.
pub fn desired_count(plan: &Plan, state: &ClusterState, service: &Service) -> u32 {
    if !service.is_daemon() {
        return service.desired_count;
    }
    TaskRequest::for_service(plan, service)
        .map_or(0, |req| state.daemon_instances(&req).len() as u32)
}
