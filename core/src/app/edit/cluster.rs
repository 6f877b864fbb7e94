//! Edits of the cluster's instance groups: add one, change its type or
//! count, remove it. Pins to instances that go away go with them.

use super::{group_mut, known_type, refuse, EditError, MAX_INSTANCES};
use crate::model::{InstanceGroup, Plan};

/// A new group named for the type's family (`t3`, `t3-2`, …), in the
/// availability zones of the first group.
pub(super) fn add_group(
    plan: &Plan,
    next: &mut Plan,
    instance_type: &str,
    count: u32,
) -> Result<(), EditError> {
    known_type(instance_type)?;
    room_for(plan, count)?;
    let family = instance_type
        .split('.')
        .next()
        .unwrap_or("group")
        .to_string();
    let mut name = family.clone();
    let mut n = 2;
    while plan.cluster.instance_groups.iter().any(|g| g.name == name) {
        name = format!("{family}-{n}");
        n += 1;
    }
    let zones = plan
        .cluster
        .instance_groups
        .first()
        .map(|g| g.availability_zones.clone())
        .unwrap_or_default();
    next.cluster
        .instance_groups
        .push(InstanceGroup::new(name, instance_type, count, zones));
    Ok(())
}

pub(super) fn set_group_type(
    next: &mut Plan,
    group: &str,
    instance_type: &str,
) -> Result<(), EditError> {
    known_type(instance_type)?;
    let g = group_mut(next, group)?;
    g.instance_type = instance_type.to_string();
    // A registered-memory override belonged to the old type.
    g.registered_memory = None;
    Ok(())
}

pub(super) fn set_group_count(
    plan: &Plan,
    next: &mut Plan,
    group: &str,
    count: u32,
) -> Result<(), EditError> {
    let current = group_mut(next, group)?.count;
    room_for(plan, count.saturating_sub(current))?;
    group_mut(next, group)?.count = count;
    let prefix = format!("{group}-");
    // Pins to instances that no longer exist go with them.
    next.pins.retain(|p| {
        p.instance
            .strip_prefix(&prefix)
            .and_then(|n| n.parse::<u32>().ok())
            .is_none_or(|n| n <= count)
    });
    Ok(())
}

pub(super) fn remove_group(next: &mut Plan, group: &str) -> Result<(), EditError> {
    group_mut(next, group)?;
    next.cluster.instance_groups.retain(|g| g.name != group);
    let prefix = format!("{group}-");
    next.pins.retain(|p| !p.instance.starts_with(&prefix));
    Ok(())
}

/// ECS's quota of container instances per cluster, said before the caps
/// check so that the message names the count this edit would make.
fn room_for(plan: &Plan, more: u32) -> Result<(), EditError> {
    let now: u32 = plan.cluster.instance_groups.iter().map(|g| g.count).sum();
    if now.saturating_add(more) > MAX_INSTANCES {
        return Err(refuse(format!(
            "a cluster can have at most {MAX_INSTANCES} container instances; this would make {}",
            now + more
        )));
    }
    Ok(())
}

/// The plan on `count` instances of `instance_type` in one group, as
/// right-sizing tried it (`recommend::on`): the baseline and colours stay.
pub(super) fn use_cluster(
    plan: &Plan,
    next: &mut Plan,
    instance_type: &str,
    count: u32,
) -> Result<(), EditError> {
    if count == 0 || count > MAX_INSTANCES {
        return Err(refuse(format!(
            "count: a cluster of {count} instances; give 1 to {MAX_INSTANCES}"
        )));
    }
    let t = crate::model::catalogue::catalogue()
        .get(instance_type)
        .ok_or_else(|| refuse(format!("unknown instance type \"{instance_type}\"")))?;
    let on = crate::recommend::on(plan, t, count);
    next.cluster = on.cluster;
    next.pins = on.pins;
    Ok(())
}
