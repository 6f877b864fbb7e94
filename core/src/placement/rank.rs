//! Which fitting instance a task goes to (§4.1 steps 3–4): the
//! strategies' order, by a scan of every instance or by the index, and
//! `random`'s seeded draws.

use std::collections::HashMap;

use berth_candidates::{Group, Ledger};

use super::hash::{hash_str, mix};
use super::ledger::spread_value;
use super::ledger::ClusterState;
use super::reason::Failure;
use super::request::TaskRequest;
use crate::model::{PlacementStrategy, StrategyType};

/// How many instances `random` draws before it lists the ones that fit.
const RANDOM_DRAWS: u64 = 32;

impl ClusterState {
    /// §4.1 steps 3–4: order the fitting instances by the strategies, in turn.
    pub(super) fn choose(&self, req: &TaskRequest, fitting: &[usize]) -> usize {
        let group = self.group_id(&req.group);
        let keys: Vec<Vec<u64>> = req
            .strategies
            .iter()
            .map(|s| self.strategy_keys(s, &req.group, group, fitting))
            .collect();
        *fitting
            .iter()
            .enumerate()
            .min_by(|(a, ia), (b, ib)| {
                keys.iter()
                    .map(|k| k[*a].cmp(&k[*b]))
                    .find(|o| o.is_ne())
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(ia.cmp(ib))
            })
            .map(|(_, idx)| idx)
            .expect("choose is called with at least one fitting instance")
    }

    /// A key per fitting instance; smaller is preferred.
    pub(super) fn strategy_keys(
        &self,
        s: &PlacementStrategy,
        group_name: &str,
        group: Option<Group>,
        fitting: &[usize],
    ) -> Vec<u64> {
        let field = s.field.as_deref().unwrap_or("");
        match s.kind {
            // "the least available amount of the resource" — after placement,
            // which orders the same way as before it.
            StrategyType::Binpack => fitting
                .iter()
                .map(|&i| {
                    let inst = &self.instances[i];
                    if field.eq_ignore_ascii_case("cpu") {
                        inst.remaining_cpu as u64
                    } else {
                        inst.remaining_memory as u64
                    }
                })
                .collect(),
            // Per instance, the count is the instance's own: no grouping needed.
            StrategyType::Spread if matches!(field, "instanceId" | "host") => fitting
                .iter()
                .map(|&i| self.instances[i].count(group) as u64)
                .collect(),
            StrategyType::Spread => {
                let mut per_value: HashMap<Option<&str>, u64> = HashMap::new();
                for inst in &self.instances {
                    let n = inst.count(group) as u64;
                    if n > 0 {
                        *per_value
                            .entry(spread_value(&inst.instance, field))
                            .or_default() += n;
                    }
                }
                fitting
                    .iter()
                    .map(|&i| {
                        let v = spread_value(&self.instances[i].instance, field);
                        per_value.get(&v).copied().unwrap_or(0)
                    })
                    .collect()
            }
            StrategyType::Random => {
                let salt = self.random_salt(group_name);
                fitting
                    .iter()
                    .map(|&i| mix(salt ^ hash_str(&self.instances[i].instance.id)))
                    .collect()
            }
        }
    }

    /// The `random` strategy's seed for the next task of a group: the same
    /// plan draws the same instances, and each task draws afresh.
    pub(super) fn random_salt(&self, group_name: &str) -> u64 {
        self.seed ^ hash_str(group_name) ^ (self.next_task_id as u64).wrapping_mul(0x100)
    }

    /// §4.2 `random` first: "Tasks are placed randomly" among the instances
    /// that fit, whatever follows it (random leaves no ties to break). Each
    /// draw is uniform over all instances, so the first that fits is uniform
    /// over those that fit; a cluster with room answers after a check or two
    /// instead of a scan of every instance. After [`RANDOM_DRAWS`] misses
    /// (a nearly full cluster) the fitting instances are listed and one is
    /// drawn from them, which is uniform too.
    pub(super) fn pick_at_random(&self, req: &TaskRequest) -> Option<usize> {
        let n = self.instances.len() as u64;
        let salt = self.random_salt(&req.group);
        let draw = |k: u64| mix(salt ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        if let Some(i) = (0..RANDOM_DRAWS)
            .map(|k| (draw(k) % n.max(1)) as usize)
            .find(|&i| n > 0 && self.check(i, req).is_ok())
        {
            return Some(i);
        }
        let fitting: Vec<usize> = (0..self.instances.len())
            .filter(|&i| self.check(i, req).is_ok())
            .collect();
        (!fitting.is_empty()).then(|| fitting[(draw(RANDOM_DRAWS) % fitting.len() as u64) as usize])
    }

    /// Places one task on the best fitting instance; returns (instance index, task id).
    pub fn place_one(&mut self, req: &TaskRequest) -> Result<(usize, u32), Failure> {
        let group = self.group_id_or_new(&req.group);
        self.place_one_in(req, group)
    }

    /// [`Self::place_one`] with `req`'s group number already looked up, for
    /// a run of tasks of one request.
    pub(super) fn place_one_in(
        &mut self,
        req: &TaskRequest,
        group: Group,
    ) -> Result<(usize, u32), Failure> {
        let picked = if self.use_index {
            self.pick_by_index(req, group)
        } else {
            None
        };
        let chosen = picked.unwrap_or_else(|| {
            if req.random_first() {
                return self.pick_at_random(req);
            }
            let fitting: Vec<usize> = (0..self.instances.len())
                .filter(|&i| self.check(i, req).is_ok())
                .collect();
            (!fitting.is_empty()).then(|| self.choose(req, &fitting))
        });
        match chosen {
            Some(idx) => {
                let id = self.start(idx, req, false, group);
                Ok((idx, id))
            }
            None => {
                let all: Vec<usize> = (0..self.instances.len()).collect();
                Err(self.explain(req, &all))
            }
        }
    }

    /// [`Self::place_one`] among `allowed` instances only (a drop on one
    /// group): the strategies choose among those that fit; when none does,
    /// ECS's reason for those instances.
    pub fn place_one_among(
        &mut self,
        req: &TaskRequest,
        allowed: &[usize],
    ) -> Result<(usize, u32), Failure> {
        let group = self.group_id_or_new(&req.group);
        let fitting: Vec<usize> = allowed
            .iter()
            .copied()
            .filter(|&i| self.check(i, req).is_ok())
            .collect();
        if fitting.is_empty() {
            return Err(self.explain(req, allowed));
        }
        let idx = self.choose(req, &fitting);
        let id = self.start(idx, req, false, group);
        Ok((idx, id))
    }

    /// The index's answer for a request (see [`crate::candidates`]), or None
    /// when its strategies need a scan.
    pub(super) fn pick_by_index(
        &mut self,
        req: &TaskRequest,
        group: Group,
    ) -> Option<Option<usize>> {
        let mut index = std::mem::take(&mut self.index);
        let picked = {
            let this = &*self;
            let resources = |i: usize| {
                let inst = &this.instances[i];
                (inst.remaining_memory, inst.remaining_cpu)
            };
            let count_of = |i: usize, g: Group| this.instances[i].count(Some(g));
            let value = |i: usize, field: &str| {
                spread_value(&this.instances[i].instance, field).map(str::to_string)
            };
            let fits = |i: usize| this.check_in_group(i, req, Some(group)).is_ok();
            let choose = |tied: &[usize]| this.choose(req, tied);
            index.pick(
                req.walks_id,
                req.walks.as_deref(),
                group,
                (req.requirements.cpu, req.requirements.memory),
                &Ledger {
                    len: this.instances.len(),
                    resources: &resources,
                    count_of: &count_of,
                    value: &value,
                    fits: &fits,
                    choose: &choose,
                },
            )
        };
        self.index = index;
        picked
    }
}
