//! The ledger of a cluster (§2.3, §3): every container instance, what is
//! left of its CPU, memory, ports and ENIs, and the tasks running on it.
//! Starting and stopping a task keeps the placement index in step.

use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use berth_candidates::{Group, Index, Slot};
use serde::Serialize;

use super::hash::{hash_str, Fnv};
use super::reason::Failure;
use super::request::Owner;
use super::request::TaskRequest;
use crate::model::cluster::{container_instances, ContainerInstance};
use crate::model::{Plan, Protocol};

/// §3.2: "A container instance can have up to 100 reserved ports at a time.
/// This number includes the default reserved ports."
pub const MAX_RESERVED_PORTS: usize = 100;

/// One host port a task holds on its instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HostPort {
    /// The container that asked for it.
    pub container_name: Arc<str>,
    /// The container port it maps to.
    pub container_port: u16,
    /// The port on the instance.
    pub host_port: u16,
    /// TCP or UDP.
    pub protocol: Protocol,
    /// Taken from the dynamic range by the agent (§3.3), not asked for.
    pub dynamic: bool,
}

/// One task on a container instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacedTask {
    /// Unique within one cluster state, in the order tasks were started.
    pub id: u32,
    /// The service or standalone task definition it belongs to.
    #[serde(flatten)]
    pub owner: Owner,
    /// `family:revision` of the task definition it runs. Shared with the
    /// request: placing a task copies no string (issue 8).
    pub task_definition_arn: Arc<str>,
    /// CPU units it reserves.
    pub cpu: u32,
    /// Memory (MiB) it reserves: the reservation, else the hard limit.
    pub memory: u32,
    /// The host ports it holds.
    pub host_ports: Vec<HostPort>,
    /// Whether it has its own ENI (awsvpc).
    pub eni: bool,
    /// GPUs it reserves (§10.4).
    #[serde(skip_serializing_if = "is_zero")]
    pub gpus: u32,
    /// Whether a pin placed it on this instance.
    pub pinned: bool,
    /// Whether that pin is Berth's, keeping the task where it ran (not the
    /// user's choice, and not drawn as a pin).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub held: bool,
    /// Its task group (§10.2): `service:NAME`, RunTask's `group`, or
    /// `family:NAME`. Shared with the request.
    #[serde(skip)]
    pub group: Arc<str>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Host ports in use on one instance for one protocol: a sorted list, which
/// for the tens of ports an instance holds is faster than a tree, in wasm
/// above all (issue 8).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct PortSet(Vec<u16>);

impl PortSet {
    pub(super) fn from_sorted(ports: &BTreeSet<u16>) -> PortSet {
        PortSet(ports.iter().copied().collect())
    }

    pub(super) fn contains(&self, port: u16) -> bool {
        self.0.binary_search(&port).is_ok()
    }

    /// True if the port was not in use.
    pub(super) fn insert(&mut self, port: u16) -> bool {
        match self.0.binary_search(&port) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, port);
                true
            }
        }
    }

    /// True if the port was in use.
    pub(super) fn remove(&mut self, port: u16) -> bool {
        match self.0.binary_search(&port) {
            Ok(at) => {
                self.0.remove(at);
                true
            }
            Err(_) => false,
        }
    }
}

/// One container instance and what is running on it.
#[derive(Debug, Clone)]
pub struct InstanceState {
    /// The container instance.
    pub instance: ContainerInstance,
    /// Its tasks, in the order they were started.
    pub tasks: Vec<PlacedTask>,
    /// CPU units no task reserves.
    pub remaining_cpu: u32,
    /// Memory (MiB) no task reserves.
    pub remaining_memory: u32,
    /// awsvpc tasks on it, each on its own ENI (§3.6).
    pub enis_used: u32,
    /// GPUs its tasks reserve (§10.4).
    pub gpus_used: u32,
    /// Host ports in use (agent-reserved, static and dynamic), per protocol.
    pub(super) used_tcp: PortSet,
    pub(super) used_udp: PortSet,
    /// Reserved (non-dynamic) ports, which count toward the limit of 100.
    pub(super) reserved_count: usize,
    /// §3.3: the agent scans from the last assigned port + 1.
    pub(super) last_dynamic: [Option<u16>; 2],
    /// Tasks per task group here (by the ledger's group number), for spread
    /// and distinctInstance without a scan.
    pub(super) group_counts: Vec<u32>,
    /// Host ports in use inside the dynamic range, per protocol (TCP, UDP):
    /// what is left for dynamic ports without counting the set.
    pub(super) dynamic_used: [usize; 2],
}

/// Equal when the same tasks hold the same resources; the counts kept for
/// speed (group counts, ports in the dynamic range) follow from those.
impl PartialEq for InstanceState {
    fn eq(&self, other: &InstanceState) -> bool {
        self.instance == other.instance
            && self.tasks == other.tasks
            && self.remaining_cpu == other.remaining_cpu
            && self.remaining_memory == other.remaining_memory
            && self.enis_used == other.enis_used
            && self.gpus_used == other.gpus_used
            && self.used_tcp == other.used_tcp
            && self.used_udp == other.used_udp
            && self.reserved_count == other.reserved_count
            && self.last_dynamic == other.last_dynamic
    }
}

impl InstanceState {
    pub(super) fn used(&self, protocol: Protocol) -> &PortSet {
        match protocol {
            Protocol::Tcp => &self.used_tcp,
            Protocol::Udp => &self.used_udp,
        }
    }

    pub(super) fn used_mut(&mut self, protocol: Protocol) -> &mut PortSet {
        match protocol {
            Protocol::Tcp => &mut self.used_tcp,
            Protocol::Udp => &mut self.used_udp,
        }
    }

    /// Tasks of a task group here (None: a group the ledger has not seen).
    pub(super) fn count(&self, group: Option<Group>) -> u32 {
        group
            .and_then(|g| self.group_counts.get(g))
            .copied()
            .unwrap_or(0)
    }

    /// Whether a host port is in use for a protocol (reserved, static or dynamic).
    pub fn port_in_use(&self, protocol: Protocol, port: u16) -> bool {
        self.used(protocol).contains(port)
    }
}

/// The ledger of a cluster: every container instance and its tasks.
#[derive(Debug, Clone)]
pub struct ClusterState {
    /// The cluster's instances, no task on them yet.
    pub instances: Vec<InstanceState>,
    pub(super) dynamic_range: (u16, u16),
    pub(super) next_task_id: u32,
    /// Seed for the `random` strategy; the same plan gives the same answer.
    pub(super) seed: u64,
    /// Instances ordered by the strategies' keys, kept in step by `start`
    /// and `stop` (the only places that change an instance).
    pub(super) index: Index,
    /// False only in tests that compare the index with a scan of every instance.
    pub(super) use_index: bool,
    /// Task groups by number, so that counting them is indexing, not hashing.
    pub(super) group_ids: HashMap<String, Group, BuildHasherDefault<Fnv>>,
}

/// Two ledgers are equal when their instances are; the index is a cache.
impl PartialEq for ClusterState {
    fn eq(&self, other: &ClusterState) -> bool {
        self.instances == other.instances
            && self.dynamic_range == other.dynamic_range
            && self.next_task_id == other.next_task_id
            && self.seed == other.seed
    }
}

pub(super) fn spread_value<'a>(inst: &'a ContainerInstance, field: &str) -> Option<&'a str> {
    match field {
        "instanceId" | "host" => Some(&inst.id),
        f => inst.attribute(f.strip_prefix("attribute:").unwrap_or(f)),
    }
}

pub(super) fn lookup<'a>(inst: &'a ContainerInstance) -> impl Fn(&str) -> Option<&'a str> {
    move |subject: &str| match subject {
        "ec2InstanceId" | "containerInstanceId" => Some(inst.id.as_str()),
        s => s.strip_prefix("attribute:").and_then(|a| inst.attribute(a)),
    }
}

impl ClusterState {
    /// The same ledger, but answering "which instances fit" by scanning every instance instead of the index: the oracle the index is tested against.
    pub fn new(plan: &Plan) -> ClusterState {
        let reserved_tcp: BTreeSet<u16> = plan.cluster.reserved_ports.iter().copied().collect();
        let reserved_udp: BTreeSet<u16> = plan.cluster.reserved_ports_udp.iter().copied().collect();
        let [lo, hi] = plan.cluster.dynamic_host_port_range;
        let (lo, hi) = (lo.min(hi), lo.max(hi));
        let in_range = |ports: &BTreeSet<u16>| ports.range(lo..=hi).count();
        let dynamic_used = [in_range(&reserved_tcp), in_range(&reserved_udp)];
        let instances: Vec<InstanceState> = container_instances(plan)
            .into_iter()
            .map(|instance| InstanceState {
                remaining_cpu: instance.registered_cpu,
                remaining_memory: instance.registered_memory,
                enis_used: 0,
                gpus_used: 0,
                reserved_count: reserved_tcp.len() + reserved_udp.len(),
                used_tcp: PortSet::from_sorted(&reserved_tcp),
                used_udp: PortSet::from_sorted(&reserved_udp),
                last_dynamic: [None, None],
                group_counts: Vec::new(),
                dynamic_used,
                tasks: Vec::new(),
                instance,
            })
            .collect();
        ClusterState {
            instances,
            dynamic_range: (lo, hi),
            next_task_id: 1,
            seed: hash_str(&plan.name),
            index: Index::default(),
            use_index: true,
            group_ids: HashMap::default(),
        }
    }

    pub(super) fn group_id(&self, group: &str) -> Option<Group> {
        self.group_ids.get(group).copied()
    }

    pub(super) fn group_id_or_new(&mut self, group: &str) -> Group {
        if let Some(&g) = self.group_ids.get(group) {
            return g;
        }
        let g = self.group_ids.len();
        self.group_ids.insert(group.to_string(), g);
        g
    }

    /// Whether the index still describes the instances (every `start` and
    /// `stop` keeps it so); for tests.
    #[doc(hidden)]
    pub fn index_agrees(&self) -> bool {
        let resources: Vec<(u32, u32)> = self
            .instances
            .iter()
            .map(|i| (i.remaining_memory, i.remaining_cpu))
            .collect();
        self.index
            .agrees_with(&resources, &|i, group| self.instances[i].count(Some(group)))
    }

    /// The same ledger that finds instances by scanning every one, as the
    /// scheduler's rules are written; for tests that hold the index to them.
    #[doc(hidden)]
    pub fn scanning(mut self) -> ClusterState {
        self.use_index = false;
        self
    }

    /// The position of the instance with this id.
    pub fn index_of(&self, instance_id: &str) -> Option<usize> {
        self.instances
            .iter()
            .position(|i| i.instance.id == instance_id)
    }

    pub(super) fn slot(&self, idx: usize, group: Group) -> Slot {
        let inst = &self.instances[idx];
        Slot {
            remaining_memory: inst.remaining_memory,
            remaining_cpu: inst.remaining_cpu,
            count: inst.count(Some(group)),
        }
    }

    pub(super) fn slot_changing(&mut self, idx: usize, group: Group) {
        let before = self.slot(idx, group);
        self.index.remove(idx, &before, group);
    }

    pub(super) fn slot_changed(&mut self, idx: usize, group: Group, delta: i64) {
        let after = self.slot(idx, group);
        self.index.insert(idx, &after, group, delta);
    }

    /// Starts a task on an instance already checked to fit; returns its id.
    /// `group` is the number of `req`'s task group (`group_id_or_new`).
    pub(super) fn start(
        &mut self,
        idx: usize,
        req: &TaskRequest,
        pinned: bool,
        group: Group,
    ) -> u32 {
        let id = self.next_task_id;
        self.next_task_id += 1;
        self.slot_changing(idx, group);
        let (lo, hi) = self.dynamic_range;
        let inst = &mut self.instances[idx];
        inst.remaining_cpu -= req.requirements.cpu;
        inst.remaining_memory -= req.requirements.memory;
        if req.requirements.eni {
            inst.enis_used += 1;
        }
        inst.gpus_used += req.requirements.gpus;
        // Static ports first, so a dynamic scan never takes one the task itself needs.
        for p in &req.requirements.ports {
            if let Some(hp) = p.host_port {
                if inst.used_mut(p.protocol).insert(hp) && (lo..=hi).contains(&hp) {
                    inst.dynamic_used[p.protocol as usize] += 1;
                }
                inst.reserved_count += 1;
            }
        }
        let mut host_ports = Vec::new();
        for p in &req.requirements.ports {
            let (host_port, dynamic) = match p.host_port {
                Some(hp) => (hp, false),
                None => {
                    let slot = p.protocol as usize;
                    let start =
                        inst.last_dynamic[slot].map_or(lo, |l| if l >= hi { lo } else { l + 1 });
                    let used = inst.used(p.protocol);
                    let port = (start..=hi)
                        .chain(lo..start)
                        .find(|&c| !used.contains(c))
                        .expect("check_resources counted a free dynamic port");
                    inst.used_mut(p.protocol).insert(port);
                    inst.dynamic_used[slot] += 1;
                    inst.last_dynamic[slot] = Some(port);
                    (port, true)
                }
            };
            host_ports.push(HostPort {
                container_name: Arc::clone(&p.container),
                container_port: p.container_port,
                host_port,
                protocol: p.protocol,
                dynamic,
            });
        }
        if inst.group_counts.len() <= group {
            inst.group_counts.resize(group + 1, 0);
        }
        inst.group_counts[group] += 1;
        inst.tasks.push(PlacedTask {
            id,
            owner: req.owner.clone(),
            task_definition_arn: req.task_definition_arn.clone(),
            cpu: req.requirements.cpu,
            memory: req.requirements.memory,
            host_ports,
            eni: req.requirements.eni,
            gpus: req.requirements.gpus,
            pinned,
            held: false,
            group: Arc::clone(&req.group),
        });
        self.slot_changed(idx, group, 1);
        id
    }

    /// Places a task on exactly this instance, if it fits there.
    pub fn place_on(
        &mut self,
        idx: usize,
        req: &TaskRequest,
        pinned: bool,
    ) -> Result<u32, Failure> {
        match self.check(idx, req) {
            Ok(()) => {
                let group = self.group_id_or_new(&req.group);
                Ok(self.start(idx, req, pinned, group))
            }
            Err(reason) => Err(Failure::new(
                &req.owner,
                reason,
                Some(&self.instances[idx].instance.id),
            )),
        }
    }

    /// Stops a task and frees everything it held. Returns it, if it existed.
    pub fn stop(&mut self, task_id: u32) -> Option<(usize, PlacedTask)> {
        let (lo, hi) = self.dynamic_range;
        let (idx, pos) = self.instances.iter().enumerate().find_map(|(idx, inst)| {
            inst.tasks
                .iter()
                .position(|t| t.id == task_id)
                .map(|pos| (idx, pos))
        })?;
        // A task's group was numbered when it started.
        let group = self.group_id_or_new(&Arc::clone(&self.instances[idx].tasks[pos].group));
        self.slot_changing(idx, group);
        let inst = &mut self.instances[idx];
        let task = inst.tasks.remove(pos);
        if let Some(n) = inst.group_counts.get_mut(group) {
            *n -= 1;
        }
        inst.remaining_cpu += task.cpu;
        inst.remaining_memory += task.memory;
        if task.eni {
            inst.enis_used -= 1;
        }
        inst.gpus_used -= task.gpus;
        for hp in &task.host_ports {
            if inst.used_mut(hp.protocol).remove(hp.host_port) && (lo..=hi).contains(&hp.host_port)
            {
                inst.dynamic_used[hp.protocol as usize] -= 1;
            }
            if !hp.dynamic {
                inst.reserved_count -= 1;
            }
        }
        self.slot_changed(idx, group, -1);
        Some((idx, task))
    }
}
