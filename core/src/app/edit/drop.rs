//! Tasks dropped on the board: on a group, on an instance, moved between
//! instances, or taken off. As ECS would, a new task must fit beside the
//! tasks already running, starts where the user dropped it (on a group, on
//! the instance of that group the strategies pick), moves no other task,
//! and never leaves another task unplaced.

use super::hold::{hold, keep_in_place, moved, where_services_run};
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
    runs_on_instances(plan, service)?;
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

/// A Fargate (or external) service's tasks are never placed on the
/// cluster's instances, so they cannot be dropped there.
fn runs_on_instances(plan: &Plan, service: &str) -> Result<(), EditError> {
    match plan.service(service) {
        Some(s) if !plan.on_instances(s) => Err(refuse(format!(
            "{service} runs on {}, not on the cluster's container instances",
            s.launch_type().unwrap_or("FARGATE")
        ))),
        _ => Ok(()),
    }
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
    runs_on_instances(plan, service)?;
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

/// One task of the service fewer: the one the user took off `instance`
/// (not the one scale-in would pick), its pin with it; no other task moves.
pub(super) fn remove_task(
    placer: &mut Placer,
    plan: &Plan,
    next: &mut Plan,
    service: &str,
    instance: &str,
) -> Result<(), EditError> {
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
    let expected = expected(&placer.place(plan), (service, Some(instance), None));
    // A task that cannot be held is placed by the scheduler; the removal stands.
    let _ = keep_in_place(placer, next, &expected, service);
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
