//! Tasks dropped on the board: on a group, on an instance, moved between
//! instances, or taken off. As ECS would, a new task must fit beside the
//! tasks already running, starts where the user dropped it (on a group, on
//! the instance of that group the strategies pick), moves no other task,
//! and never leaves another task unplaced.

use super::{keep_pins_within, no_new_unplaced, refuse, service_mut, EditError};
use std::collections::BTreeMap;

use crate::model::{Pin, Plan};
use crate::placement::{Owner, Placement, Placer, TaskRequest};

/// One more task of the service, on the instance of the group the scheduler
/// picks among the group's instances (the service's strategies decide, as
/// ECS's would; the group is the user's choice, so the task is pinned there).
pub(super) fn on_group(
    placer: &mut Placer,
    plan: &Plan,
    next: &mut Plan,
    service: &str,
    group: &str,
) -> Result<(), EditError> {
    if !plan.cluster.instance_groups.iter().any(|g| g.name == group) {
        return Err(refuse(format!("no instance group named {group}")));
    }
    let placement = placer.place(plan);
    let request = plan
        .service(service)
        .and_then(|s| TaskRequest::for_service(plan, s))
        .ok_or_else(|| {
            refuse(format!(
                "no service named {service} with a task definition in the plan"
            ))
        })?;
    let in_group: Vec<usize> = (0..placement.instances().len())
        .filter(|&i| placement.instances()[i].instance.group == group)
        .collect();
    let mut trial = placement.state.clone();
    let (idx, _) = trial.place_one_among(&request, &in_group).map_err(|f| {
        let closest = f.closest.clone();
        EditError::from_failure(f, closest)
    })?;
    let instance = placement.instances()[idx].instance.id.clone();
    let chosen_anyway = scheduler_picks(&placement, &request) == Some(idx);
    service_mut(next, service)?.desired_count += 1;
    start_in_place(
        placer,
        &placement,
        next,
        (service, &instance),
        chosen_anyway,
    )?;
    no_new_unplaced(&placement, &placer.place(next))
}

/// The instance ECS's scheduler would start one more task of `request` on,
/// given the tasks running now.
fn scheduler_picks(placement: &Placement, request: &TaskRequest) -> Option<usize> {
    let all: Vec<usize> = (0..placement.instances().len()).collect();
    let mut trial = placement.state.clone();
    trial
        .place_one_among(request, &all)
        .ok()
        .map(|(idx, _)| idx)
}

/// One more task of the service, pinned to the instance.
pub(super) fn on_instance(
    placer: &mut Placer,
    plan: &Plan,
    next: &mut Plan,
    service: &str,
    instance: &str,
) -> Result<(), EditError> {
    let placement = placer.place(plan);
    placement
        .try_one_more(plan, service, instance)
        .map_err(|f| EditError::from_failure(f, Some(instance.to_string())))?;
    let chosen_anyway = plan
        .service(service)
        .and_then(|s| TaskRequest::for_service(plan, s))
        .and_then(|r| scheduler_picks(&placement, &r))
        .is_some_and(|idx| placement.instances()[idx].instance.id == instance);
    service_mut(next, service)?.desired_count += 1;
    start_in_place(placer, &placement, next, (service, instance), chosen_anyway)?;
    no_new_unplaced(&placement, &placer.place(next))
}

/// One of the service's tasks pinned to `to` instead of `from`.
pub(super) fn move_task(
    placer: &mut Placer,
    plan: &Plan,
    next: &mut Plan,
    service: &str,
    from: &str,
    to: &str,
) -> Result<(), EditError> {
    if from == to {
        return Ok(());
    }
    match next
        .pins
        .iter()
        .position(|p| p.service == service && p.instance == from)
    {
        Some(i) => next.pins[i].instance = to.to_string(),
        None => next.pins.push(Pin {
            service: service.to_string(),
            instance: to.to_string(),
            held: false,
        }),
    }
    let before = placer.place(plan);
    let expected = expected(&before, (service, Some(from), Some(to)));
    let kept = keep_in_place(placer, next, &expected, service);
    let after = placer.place(next);
    if let Some(u) = after.unplaced.iter().find(|u| {
        u.owner == Owner::Service(service.into()) && u.pinned_instance.as_deref() == Some(to)
    }) {
        return Err(EditError::from_failure(
            u.failure.clone(),
            Some(to.to_string()),
        ));
    }
    kept?;
    no_new_unplaced(&before, &after)
}

/// One task of the service fewer, and its pin to the instance with it.
pub(super) fn remove_task(next: &mut Plan, service: &str, instance: &str) -> Result<(), EditError> {
    let svc = service_mut(next, service)?;
    svc.desired_count = svc.desired_count.saturating_sub(1);
    if let Some(i) = next
        .pins
        .iter()
        .position(|p| p.service == service && p.instance == instance)
    {
        next.pins.remove(i);
    }
    let desired = next.service(service).map_or(0, |s| s.desired_count);
    keep_pins_within(next, service, desired);
    Ok(())
}

/// The one task more of `service` (its desiredCount already raised in
/// `next`) runs on `instance`, and no other task moves. A pin is added only
/// when placing the plan afresh would not do that by itself (the board shows
/// a pin; most drops need none).
fn start_in_place(
    placer: &mut Placer,
    before: &Placement,
    next: &mut Plan,
    (service, instance): (&str, &str),
    chosen_anyway: bool,
) -> Result<(), EditError> {
    let expected = expected(before, (service, None, Some(instance)));
    // Where the scheduler itself would start the task, placing the plan
    // afresh usually puts it there and moves nothing: check that first.
    // Elsewhere it seldom does, so go straight to the pin (one placement
    // saved on each such drop).
    if chosen_anyway && moved(placer, next, &expected).is_empty() {
        return Ok(());
    }
    next.pins.push(Pin {
        service: service.to_string(),
        instance: instance.to_string(),
        held: false,
    });
    // A service's pins are placed before its other tasks, so they would
    // now be placed in another order: hold them where they ran at once (one
    // placement saved on every such drop).
    hold(next, service, expected[service].clone());
    keep_in_place(placer, next, &expected, service)
}

/// Pins `service`'s tasks to the instances `at`: the user's own pins stay
/// theirs, the rest are held (Berth's, not drawn). They go before the
/// edit's own pin: the tasks already running keep their places first, as in
/// ECS, where nothing moves to make room.
fn hold(next: &mut Plan, service: &str, at: Vec<String>) {
    let mut own: Vec<String> = next
        .pins
        .iter()
        .filter(|p| p.service == service && !p.held)
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

/// Where each service's tasks should run after an edit: where they ran
/// `before`, with the edit's own change (`service`, the instance a task
/// left, the one it joined) applied.
fn expected(
    before: &Placement,
    (service, left, joined): (&str, Option<&str>, Option<&str>),
) -> BTreeMap<String, Vec<String>> {
    let mut expected = where_services_run(before);
    let mine = expected.entry(service.to_string()).or_default();
    if let Some(i) = left.and_then(|l| mine.iter().position(|x| x == l)) {
        mine.remove(i);
    }
    if let Some(j) = joined {
        mine.push(j.to_string());
        mine.sort();
    }
    expected
}

/// The services whose tasks `next`, placed afresh, would put elsewhere than
/// `expected`, with where they should run.
fn moved(
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
fn keep_in_place(
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
