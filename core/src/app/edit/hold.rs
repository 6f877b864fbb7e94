//! Keeping tasks where they run (issue 21). ECS never moves a running task
//! to make room or to rebalance: an edit starts only what it adds and stops
//! only what it removes. Berth's placement is computed afresh from the
//! plan, so the tasks a fresh placement would put elsewhere are held where
//! they ran by pins marked `held` (Berth's, not drawn, let go by
//! "Re-balance").

use std::collections::BTreeMap;

use super::{refuse, EditError};
use crate::model::{Pin, Plan};
use crate::placement::{place_from_running, Owner, Placement, Placer, Running};

/// Pins `service`'s tasks to the instances `at`: the user's own pins stay
/// theirs, the rest are held (Berth's, not drawn). They go before the
/// edit's own pin: the tasks already running keep their places first, as in
/// ECS, where nothing moves to make room.
pub(super) fn hold(next: &mut Plan, service: &str, at: Vec<String>) {
    // A daemon has no pins of the user's (§10.1): all its kept tasks are held.
    let daemon = next.service(service).is_some_and(|s| s.is_daemon());
    let mut own: Vec<String> = next
        .pins
        .iter()
        .filter(|p| p.service == service && !p.held && !daemon)
        .map(|p| p.instance.clone())
        .collect();
    next.pins.retain(|p| p.service != service);
    let kept: Vec<Pin> = at
        .into_iter()
        .map(|i| {
            let held = match own.iter().position(|o| *o == i) {
                Some(k) => {
                    own.remove(k);
                    false
                }
                None => true,
            };
            Pin {
                service: service.to_string(),
                instance: i,
                held,
            }
        })
        .collect();
    next.pins.splice(0..0, kept);
}

/// Where each service's tasks run: the instance of each, sorted.
pub(super) fn where_services_run(placement: &Placement) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for inst in placement.instances() {
        for t in &inst.tasks {
            if let Owner::Service(s) = &t.owner {
                out.entry(s.to_string())
                    .or_default()
                    .push(inst.instance.id.clone());
            }
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

/// The services whose tasks `next`, placed afresh, would put elsewhere than
/// `expected`, with where they should run.
pub(super) fn moved(
    placer: &mut Placer,
    next: &Plan,
    expected: &BTreeMap<String, Vec<String>>,
) -> Vec<(String, Vec<String>)> {
    let now = where_services_run(&placer.place(next));
    expected
        .iter()
        .filter(|(s, at)| now.get(*s).unwrap_or(&Vec::new()) != *at)
        .map(|(s, at)| (s.clone(), at.clone()))
        .collect()
}

/// An edit moves nothing it does not touch (issue 21): as ECS starts a task
/// beside the running ones, every service whose tasks the re-placed plan
/// would put elsewhere is pinned to where its tasks ran.
pub(super) fn keep_in_place(
    placer: &mut Placer,
    next: &mut Plan,
    expected: &BTreeMap<String, Vec<String>>,
    service: &str,
) -> Result<(), EditError> {
    // Each round pins at least one more service, so this ends.
    for _ in 0..=next.services.len() {
        let moved = moved(placer, next, expected);
        if moved.is_empty() {
            return Ok(());
        }
        for (s, at) in moved {
            hold(next, &s, at);
        }
    }
    Err(refuse(format!(
        "{service} cannot start there without moving other tasks, and ECS never moves a running task to make room"
    )))
}

/// Any other edit (a group added, resized or removed, a service saved,
/// duplicated or deleted, a task taken off): the plan is placed from the
/// tasks `plan` runs, as ECS would go on from them (its running tasks stay,
/// a lowered desiredCount stops the surplus in §4.2 scale-in order, only
/// the missing tasks start), and every service a fresh placement would
/// place otherwise is held there. Where holding cannot keep a task (its
/// instance is gone or too small now), it is placed afresh.
pub(super) fn keep_running(placer: &mut Placer, plan: &Plan, next: &mut Plan) {
    let running: Vec<Running> = placer
        .place(plan)
        .instances()
        .iter()
        .flat_map(|i| {
            i.tasks
                .iter()
                .filter(|t| matches!(t.owner, Owner::Service(_)))
                .map(|t| Running {
                    owner: t.owner.clone(),
                    instance: i.instance.id.clone(),
                })
        })
        .collect();
    let expected = where_services_run(&place_from_running(next, &running).placement);
    // A task that cannot be held is placed by the scheduler; the edit stands.
    let _ = keep_in_place(placer, next, &expected, "");
}
