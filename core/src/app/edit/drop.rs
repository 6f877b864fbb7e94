//! Tasks dropped on the board: on a group, on an instance, moved between
//! instances, or taken off. As ECS would, a new task must fit beside the
//! tasks already running, and a drop never leaves another task unplaced.

use super::{keep_pins_within, no_new_unplaced, refuse, service_mut, EditError};
use crate::model::{ConstraintType, Pin, PlacementConstraint, Plan, Service};
use crate::placement::{Owner, Placement, Placer, TaskRequest};

/// One more task of the service, on an instance of the group.
pub(super) fn on_group(
    placer: &mut Placer,
    plan: &Plan,
    next: &mut Plan,
    service: &str,
    group: &str,
) -> Result<(), EditError> {
    let itype = plan
        .cluster
        .instance_groups
        .iter()
        .find(|g| g.name == group)
        .map(|g| g.instance_type.clone())
        .ok_or_else(|| refuse(format!("no instance group named {group}")))?;
    // Placed once: the constraint, the trial and the eviction check all read it.
    let placement = placer.place(plan);
    let svc = service_mut(next, service)?;
    svc.desired_count += 1;
    add_instance_type(svc, &itype, &placement);
    // As ECS would: the tasks already running stay; the new one must fit beside them.
    let request = next
        .service(service)
        .and_then(|s| TaskRequest::for_service(next, s));
    let mut trial = placement.state.clone();
    if let Some(req) = request {
        trial.place_one(&req).map_err(|f| {
            let closest = f.closest.clone();
            EditError::from_failure(f, closest)
        })?;
    }
    no_new_unplaced(&placement, &placer.place(next))
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
    service_mut(next, service)?.desired_count += 1;
    next.pins.push(Pin {
        service: service.to_string(),
        instance: instance.to_string(),
    });
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
        }),
    }
    let after = placer.place(next);
    if let Some(u) = after.unplaced.iter().find(|u| {
        u.owner == Owner::Service(service.into()) && u.pinned_instance.as_deref() == Some(to)
    }) {
        return Err(EditError::from_failure(
            u.failure.clone(),
            Some(to.to_string()),
        ));
    }
    no_new_unplaced(&placer.place(plan), &after)
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

const TYPE_LIST: &str = "attribute:ecs.instance-type in [";

/// Adds an instance type to the service's Berth-managed `in [...]`
/// constraint, creating it with the types the service already runs on.
fn add_instance_type(svc: &mut Service, itype: &str, placement: &Placement) {
    if let Some(c) = svc.placement_constraints.iter_mut().find(|c| {
        c.kind == ConstraintType::MemberOf
            && c.expression
                .as_deref()
                .is_some_and(|e| e.starts_with(TYPE_LIST))
    }) {
        let expr = c.expression.clone().unwrap_or_default();
        let inner = expr.trim_start_matches(TYPE_LIST).trim_end_matches(']');
        let mut types: Vec<String> = inner
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        if !types.iter().any(|t| t == itype) {
            types.push(itype.to_string());
        }
        c.expression = Some(format!("{TYPE_LIST}{}]", types.join(", ")));
        return;
    }
    let mut types: Vec<String> = Vec::new();
    for inst in placement.instances() {
        if inst
            .tasks
            .iter()
            .any(|t| t.owner == Owner::Service(svc.service_name.as_str().into()))
            && !types.contains(&inst.instance.instance_type)
        {
            types.push(inst.instance.instance_type.clone());
        }
    }
    if !types.iter().any(|t| t == itype) {
        types.push(itype.to_string());
    }
    svc.placement_constraints.push(PlacementConstraint {
        kind: ConstraintType::MemberOf,
        expression: Some(format!("{TYPE_LIST}{}]", types.join(", "))),
    });
}
