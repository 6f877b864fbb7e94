//! Daemon services by the checker's own reading of §10.1 (ECS Developer
//! Guide, "Service scheduler concepts", Daemon): "exactly one task on each
//! active container instance that meets all of the task placement
//! constraints", and "the daemon task is the first task to launch on the
//! instances". An instance that meets them and has no daemon task must have
//! it reported unplaced there.

use std::collections::BTreeMap;

use super::facts::{requests, task_definition_of, Facts};
use super::ledger::member_of;
use super::member_of::{parses, reads_task_groups};
use crate::model::{ConstraintType, Plan, Service};
use crate::placement::{Owner, Placement};

/// Read from the plan's JSON field, not through the model's helper.
pub(super) fn is_daemon(s: &Service) -> bool {
    s.extra.get("schedulingStrategy").and_then(|v| v.as_str()) == Some("DAEMON")
}

/// Whether `owner` is a daemon service's.
pub(super) fn owned_by_daemon(plan: &Plan, owner: &Owner) -> bool {
    matches!(owner, Owner::Service(s) if plan.service(s).is_some_and(is_daemon))
}

/// The instances (by position) that meet every memberOf expression a
/// daemon's tasks are asked to.
pub(super) fn daemon_instances(plan: &Plan, svc: &Service, facts: &[Facts]) -> Vec<usize> {
    let owner = Owner::Service(svc.service_name.as_str().into());
    let Some(td) = task_definition_of(plan, &owner) else {
        return Vec::new();
    };
    let asked = requests(plan, &owner, td);
    (0..facts.len())
        .filter(|&k| {
            asked.iter().all(|r| {
                r.constraints
                    .iter()
                    .filter(|c| c.kind == ConstraintType::MemberOf)
                    .all(|c| match c.expression.as_deref() {
                        // task:group is judged when the task starts: as met
                        // here, if it can be read at all.
                        Some(e) if reads_task_groups(e) => parses(e),
                        e => member_of(e, &facts[k]),
                    })
            })
        })
        .collect()
}

/// One task of each daemon on each of its instances (or reported unplaced
/// there), none elsewhere, and no task on an instance started before the
/// daemon's there but one kept where it ran.
pub(super) fn check_daemons(
    plan: &Plan,
    placement: &Placement,
    facts: &[Facts],
    bad: &mut Vec<String>,
) {
    for svc in plan
        .services
        .iter()
        .filter(|s| is_daemon(s) && plan.on_instances(s))
    {
        let owner = Owner::Service(svc.service_name.as_str().into());
        let mut unplaced_on: BTreeMap<&str, u32> = BTreeMap::new();
        for u in placement.unplaced.iter().filter(|u| u.owner == owner) {
            match &u.pinned_instance {
                Some(i) => *unplaced_on.entry(i.as_str()).or_default() += u.count,
                None => bad.push(format!(
                    "{}: a daemon task reported unplaced without its instance",
                    svc.service_name
                )),
            }
        }
        let eligible = daemon_instances(plan, svc, facts);
        for (k, inst) in placement.instances().iter().enumerate() {
            let mine: Vec<u32> = inst
                .tasks
                .iter()
                .filter(|t| t.owner == owner)
                .map(|t| t.id)
                .collect();
            let missing = unplaced_on
                .get(inst.instance.id.as_str())
                .copied()
                .unwrap_or(0);
            let want = u32::from(eligible.contains(&k));
            if mine.len() as u32 + missing != want {
                bad.push(format!(
                    "{}: {} tasks of daemon {} placed and {missing} unplaced, its constraints ask for {want}",
                    inst.instance.id,
                    mine.len(),
                    svc.service_name
                ));
            }
            let Some(first) = mine.iter().min().copied() else {
                continue;
            };
            if let Some(t) = inst
                .tasks
                .iter()
                .find(|t| t.id < first && !t.held && !owned_by_daemon(plan, &t.owner))
            {
                bad.push(format!(
                    "{}: task {} of {} started before daemon {}'s",
                    inst.instance.id,
                    t.id,
                    t.owner.name(),
                    svc.service_name
                ));
            }
        }
    }
}
