//! Which task stops first when a service has too many (§4.2 scale-in order).

use std::collections::{BTreeMap, BTreeSet};

use super::sim::Sim;
use super::{TaskStatus, Version};
use crate::model::{PlacementStrategy, StrategyType};
use crate::placement::Owner;

/// §4.2 scale-in order: for the default (and spread) strategy, the AZ with
/// the most tasks of the service first, then the instance with the most; for
/// binpack, the instance with the most of the resource left after stopping.
pub(super) fn order(sim: &Sim, version: Version, n: u32) -> Vec<u32> {
    let mut chosen = Vec::new();
    let strategy = sim
        .plan
        .service(&sim.service)
        .map(|s| s.placement_strategy.clone())
        .unwrap_or_default();
    let binpack: Option<&PlacementStrategy> =
        strategy.iter().find(|s| s.kind == StrategyType::Binpack);
    let mut candidates = candidates(sim, version);
    let Tally {
        mut on,
        mut in_az,
        counted,
    } = tally(sim);
    while chosen.len() < n as usize && !candidates.is_empty() {
        let pick = candidates
            .iter()
            .enumerate()
            .max_by(|(_, a), (_, b)| {
                let key = |c: &(usize, u32, bool)| {
                    let inst = &sim.state.instances[c.0];
                    let resource = match binpack.and_then(|s| s.field.as_deref()) {
                        Some(f) if f.eq_ignore_ascii_case("cpu") => inst.remaining_cpu as usize,
                        Some(_) => inst.remaining_memory as usize,
                        None => 0,
                    };
                    (
                        !c.2,
                        resource,
                        in_az[inst.instance.availability_zone.as_str()],
                        on[c.0],
                        std::cmp::Reverse(c.1),
                    )
                };
                key(a).cmp(&key(b))
            })
            .map(|(i, _)| i)
            .expect("candidates is not empty");
        let (idx, id, _) = candidates.remove(pick);
        if counted.contains(&id) {
            on[idx] -= 1;
            *in_az
                .get_mut(sim.state.instances[idx].instance.availability_zone.as_str())
                .expect("every instance's AZ is counted") -= 1;
        }
        chosen.push(id);
    }
    chosen
}

/// The tasks of `version` that can be stopped, as (instance index, task id,
/// healthy), unhealthy before healthy.
fn candidates(sim: &Sim, version: Version) -> Vec<(usize, u32, bool)> {
    let mut candidates: Vec<(usize, u32, bool)> = Vec::new();
    for (idx, inst) in sim.state.instances.iter().enumerate() {
        for t in &inst.tasks {
            if let Some(tr) = sim.tracked.get(&t.id) {
                if tr.version == version
                    && matches!(
                        tr.status,
                        TaskStatus::Pending | TaskStatus::Running | TaskStatus::Healthy
                    )
                {
                    candidates.push((idx, t.id, tr.status == TaskStatus::Healthy));
                }
            }
        }
    }
    candidates
}

/// The service's tasks that still count per instance and per AZ (not
/// draining, not yet chosen), kept up to date as tasks are chosen rather
/// than recounted for every comparison (issue 8: a 1,000-task service took
/// 27 s to roll when they were).
struct Tally<'a> {
    /// Per instance index.
    on: Vec<usize>,
    /// Per availability zone.
    in_az: BTreeMap<&'a str, usize>,
    /// The task ids counted.
    counted: BTreeSet<u32>,
}

fn tally<'a>(sim: &'a Sim) -> Tally<'a> {
    let owner = Owner::Service(sim.service.as_str().into());
    let counts = |t: &crate::placement::PlacedTask| {
        t.owner == owner
            && sim
                .tracked
                .get(&t.id)
                .is_some_and(|tr| tr.status != TaskStatus::Draining)
    };
    let on: Vec<usize> = sim
        .state
        .instances
        .iter()
        .map(|inst| inst.tasks.iter().filter(|t| counts(t)).count())
        .collect();
    let mut in_az: BTreeMap<&str, usize> = BTreeMap::new();
    for (idx, inst) in sim.state.instances.iter().enumerate() {
        *in_az.entry(&inst.instance.availability_zone).or_default() += on[idx];
    }
    let counted: BTreeSet<u32> = sim
        .state
        .instances
        .iter()
        .flat_map(|inst| inst.tasks.iter().filter(|t| counts(t)).map(|t| t.id))
        .collect();
    Tally { on, in_az, counted }
}
