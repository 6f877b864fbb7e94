//! The checker's own ledger of one instance: what its tasks use, whether one
//! more task fits (and if not, which of ECS's reasons apply), and whether it
//! admits a task's constraints.

use std::collections::BTreeMap;

use super::facts::{Facts, Need, Request};
use super::member_of::{holds, reads_task_groups};
use crate::model::{ConstraintType, Plan, Protocol};

/// What the tasks on one instance use, counted by the checker.
pub(super) struct Used {
    pub cpu: u64,
    pub memory: u64,
    pub enis: u64,
    /// GPUs its tasks reserve.
    pub gpus: u64,
    /// Each host port and how many tasks (or the agent) hold it.
    pub ports: BTreeMap<(Protocol, u16), usize>,
    /// Reserved (non-dynamic) ports, which count toward the limit of 100.
    pub reserved: usize,
    /// Tasks per task group.
    pub groups: BTreeMap<String, u64>,
}

impl Used {
    /// An instance before any task: the agent's reserved ports (§3.4).
    pub fn empty(plan: &Plan) -> Used {
        let mut ports = BTreeMap::new();
        for p in &plan.cluster.reserved_ports {
            *ports.entry((Protocol::Tcp, *p)).or_default() += 1;
        }
        for p in &plan.cluster.reserved_ports_udp {
            *ports.entry((Protocol::Udp, *p)).or_default() += 1;
        }
        Used {
            cpu: 0,
            memory: 0,
            enis: 0,
            gpus: 0,
            ports,
            reserved: plan.cluster.reserved_ports.len() + plan.cluster.reserved_ports_udp.len(),
            groups: BTreeMap::new(),
        }
    }

    /// Adds one task of task group `group` holding `host_ports`.
    pub fn add(&mut self, group: &str, need: &Need, host_ports: &[(Protocol, u16)]) {
        self.cpu += need.cpu;
        self.memory += need.memory;
        self.enis += u64::from(need.awsvpc);
        self.gpus += need.gpus;
        self.reserved += need.statics().len();
        for hp in host_ports {
            *self.ports.entry(*hp).or_default() += 1;
        }
        *self.groups.entry(group.to_string()).or_default() += 1;
    }

    /// Tasks of task group `group` here.
    pub fn count(&self, group: &str) -> u64 {
        self.groups.get(group).copied().unwrap_or(0)
    }

    /// ECS's reason codes for why one more task needing `need` does not fit
    /// (§3, §4.4); empty when it fits.
    pub fn shortfalls(&self, f: &Facts, need: &Need, (lo, hi): (u16, u16)) -> Vec<&'static str> {
        let mut why = Vec::new();
        if self.cpu + need.cpu > f.cpu {
            why.push("RESOURCE:CPU");
        }
        if self.gpus + need.gpus > f.gpus {
            why.push("RESOURCE:GPU");
        }
        if self.memory + need.memory > f.memory {
            why.push("RESOURCE:MEMORY");
        }
        let statics = need.statics();
        for (proto, code) in [
            (Protocol::Tcp, "RESOURCE:PORTS"),
            (Protocol::Udp, "RESOURCE:PORTS_UDP"),
        ] {
            let mine: Vec<u16> = statics
                .iter()
                .filter(|k| k.0 == proto)
                .map(|k| k.1)
                .collect();
            let twice = (1..mine.len()).any(|i| mine[..i].contains(&mine[i]));
            if twice || mine.iter().any(|p| self.ports.contains_key(&(proto, *p))) {
                why.push(code);
            }
        }
        if self.reserved + statics.len() > 100 {
            why.push("RESOURCE:PORTS");
        }
        // TCP and UDP have a dynamic range each (§3.3).
        for (proto, code) in [
            (Protocol::Tcp, "RESOURCE:PORTS"),
            (Protocol::Udp, "RESOURCE:PORTS_UDP"),
        ] {
            let wanted = need
                .ports
                .iter()
                .filter(|w| w.0 == proto && w.1.is_none())
                .count();
            let taken = self
                .ports
                .keys()
                .filter(|(p, n)| *p == proto && (lo..=hi).contains(n))
                .count();
            if wanted > 0 && taken + wanted > (hi - lo) as usize + 1 {
                why.push(code);
            }
        }
        if need.awsvpc && self.enis >= f.enis {
            why.push("RESOURCE:ENI");
        }
        why
    }

    /// Whether the instance admits a task under `request`'s constraints
    /// (§4.3), given the tasks already on it.
    /// With `judge_task_groups` false, a `task:group` expression is taken
    /// as met: it held (or not) when the task started, which a state in
    /// the middle of a deployment, its old tasks gone, no longer shows.
    pub fn admits(&self, f: &Facts, request: &Request, judge_task_groups: bool) -> bool {
        // The groups here, listed only for an expression that reads them.
        let groups = || -> Vec<String> {
            self.groups
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(g, _)| g.clone())
                .collect()
        };
        request.constraints.iter().all(|c| match c.kind {
            ConstraintType::DistinctInstance => self.count(&request.group) == 0,
            ConstraintType::MemberOf => c.expression.as_deref().is_some_and(|e| {
                if !reads_task_groups(e) {
                    holds(e, &|s| f.value_of(s), &[])
                } else {
                    !judge_task_groups || holds(e, &|s| f.value_of(s), &groups())
                }
            }),
        })
    }
}

/// A `memberOf` expression on an instance with no task on it yet, by the
/// checker's own reading.
pub(super) fn member_of(expression: Option<&str>, f: &Facts) -> bool {
    expression.is_some_and(|e| holds(e, &|s| f.value_of(s), &[]))
}
