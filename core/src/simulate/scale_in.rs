//! Which task stops first when a service has too many (§4.2 scale-in order).

use std::collections::BTreeSet;

use super::sim::Sim;
use super::{TaskStatus, Version};
use crate::placement::scale_in::stop_order;
use crate::placement::Owner;

/// §4.2 scale-in order for the simulated service's tasks of `version`
/// (`placement::scale_in` holds the order itself).
pub(super) fn order(sim: &Sim, version: Version, n: u32) -> Vec<u32> {
    let strategy = sim
        .plan
        .service(&sim.service)
        .map(|s| s.placement_strategy.clone())
        .unwrap_or_default();
    let Tally { on, counted } = tally(sim);
    stop_order(
        &sim.state,
        &strategy,
        candidates(sim, version),
        on,
        |id| counted.contains(&id),
        n,
    )
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

/// The service's tasks that still count per instance (not draining), kept
/// up to date by `stop_order` as tasks are chosen rather than recounted for
/// every comparison (issue 8: a 1,000-task service took 27 s to roll when
/// they were).
struct Tally {
    /// Per instance index.
    on: Vec<usize>,
    /// The task ids counted.
    counted: BTreeSet<u32>,
}

fn tally(sim: &Sim) -> Tally {
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
    let counted: BTreeSet<u32> = sim
        .state
        .instances
        .iter()
        .flat_map(|inst| inst.tasks.iter().filter(|t| counts(t)).map(|t| t.id))
        .collect();
    Tally { on, counted }
}
