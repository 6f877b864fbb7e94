//! Which task stops first when an owner has too many (§4.2 scale-in order),
//! over any ledger: the deployment simulator asks it for a service's old
//! tasks, and placing from the tasks running now (`place_from_running`) for
//! the tasks a lowered desiredCount stops.

use std::collections::BTreeMap;

use super::ClusterState;
use crate::model::{PlacementStrategy, StrategyType};

/// A task that may be stopped: (instance index, task id, healthy).
pub type Candidate = (usize, u32, bool);

/// §4.2 scale-in order, `n` tasks of `candidates`: unhealthy before healthy;
/// for the default (and spread) strategy, the AZ with the most tasks of the
/// owner first, then the instance with the most; for binpack, the instance
/// with the most of the resource left after stopping. `on` counts the
/// owner's tasks per instance index; `counted` tells whether a candidate is
/// among them (a draining task is not).
pub fn stop_order(
    state: &ClusterState,
    strategy: &[PlacementStrategy],
    mut candidates: Vec<Candidate>,
    mut on: Vec<usize>,
    counted: impl Fn(u32) -> bool,
    n: u32,
) -> Vec<u32> {
    let binpack: Option<&PlacementStrategy> =
        strategy.iter().find(|s| s.kind == StrategyType::Binpack);
    let mut in_az: BTreeMap<&str, usize> = BTreeMap::new();
    for (idx, inst) in state.instances.iter().enumerate() {
        *in_az.entry(&inst.instance.availability_zone).or_default() += on[idx];
    }
    let mut chosen = Vec::new();
    while chosen.len() < n as usize && !candidates.is_empty() {
        let pick = candidates
            .iter()
            .enumerate()
            .max_by(|(_, a), (_, b)| {
                let key = |c: &Candidate| {
                    let inst = &state.instances[c.0];
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
        if counted(id) {
            on[idx] -= 1;
            *in_az
                .get_mut(state.instances[idx].instance.availability_zone.as_str())
                .expect("every instance's AZ is counted") -= 1;
        }
        chosen.push(id);
    }
    chosen
}
