//! Where ECS would put each task, and why it would not (§2.3, §3, §4).
//!
//! [`ClusterState`] is the per-instance ledger (CPU, memory, host ports per
//! protocol, ENIs) that both the one-shot [`place`] and the deployment
//! simulator mutate one task at a time. A task is checked against resources,
//! then constraints, then ordered by strategies, in ECS's order (§4.1).
//! Everything is deterministic: `random` is a seeded hash, ties go to the
//! instance that comes first in the plan. The rules are written as a scan of
//! every instance; the `candidates` module finds the same instance through an
//! index, which is what makes 100,000 tasks on 5,000 instances fast.

pub mod cql;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use serde::Serialize;

use crate::model::cluster::{container_instances, ContainerInstance};
use crate::model::requirements::{requirements, Requirements};
use crate::model::{
    ConstraintType, PlacementConstraint, PlacementStrategy, Plan, Protocol, StrategyType,
    TaskDefinition,
};
use berth_candidates::{Group, Index, Ledger, Slot, Walk};

/// §3.2: "A container instance can have up to 100 reserved ports at a time.
/// This number includes the default reserved ports."
pub const MAX_RESERVED_PORTS: usize = 100;

/// Who a task belongs to: a service, or a standalone RunTask of a task definition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Owner {
    #[serde(rename = "service")]
    Service(Arc<str>),
    #[serde(rename = "taskDefinition")]
    Standalone(Arc<str>),
}

impl Owner {
    /// The task group that `spread` and `distinctInstance` count within (§4.2):
    /// a service's tasks, or standalone tasks of the same family.
    pub fn group(&self) -> String {
        match self {
            Owner::Service(s) => format!("service:{s}"),
            Owner::Standalone(td) => format!("family:{}", td.split(':').next().unwrap_or(td)),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Owner::Service(s) | Owner::Standalone(s) => s,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HostPort {
    pub container_name: Arc<str>,
    pub container_port: u16,
    pub host_port: u16,
    pub protocol: Protocol,
    /// Taken from the dynamic range by the agent (§3.3), not asked for.
    pub dynamic: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacedTask {
    /// Unique within one cluster state, in the order tasks were started.
    pub id: u32,
    #[serde(flatten)]
    pub owner: Owner,
    /// `family:revision` of the task definition it runs. Shared with the
    /// request: placing a task copies no string (issue 8).
    pub task_definition_arn: Arc<str>,
    pub cpu: u32,
    pub memory: u32,
    pub host_ports: Vec<HostPort>,
    pub eni: bool,
    pub pinned: bool,
}

/// Host ports in use on one instance for one protocol: a sorted list, which
/// for the tens of ports an instance holds is faster than a tree, in wasm
/// above all (issue 8).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct PortSet(Vec<u16>);

impl PortSet {
    fn from_sorted(ports: &BTreeSet<u16>) -> PortSet {
        PortSet(ports.iter().copied().collect())
    }

    fn contains(&self, port: u16) -> bool {
        self.0.binary_search(&port).is_ok()
    }

    /// True if the port was not in use.
    fn insert(&mut self, port: u16) -> bool {
        match self.0.binary_search(&port) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, port);
                true
            }
        }
    }

    /// True if the port was in use.
    fn remove(&mut self, port: u16) -> bool {
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
    pub instance: ContainerInstance,
    pub tasks: Vec<PlacedTask>,
    pub remaining_cpu: u32,
    pub remaining_memory: u32,
    pub enis_used: u32,
    /// Host ports in use (agent-reserved, static and dynamic), per protocol.
    used_tcp: PortSet,
    used_udp: PortSet,
    /// Reserved (non-dynamic) ports, which count toward the limit of 100.
    reserved_count: usize,
    /// §3.3: the agent scans from the last assigned port + 1.
    last_dynamic: [Option<u16>; 2],
    /// Tasks per task group here (by the ledger's group number), for spread
    /// and distinctInstance without a scan.
    group_counts: Vec<u32>,
    /// Host ports in use inside the dynamic range, per protocol (TCP, UDP):
    /// what is left for dynamic ports without counting the set.
    dynamic_used: [usize; 2],
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
            && self.used_tcp == other.used_tcp
            && self.used_udp == other.used_udp
            && self.reserved_count == other.reserved_count
            && self.last_dynamic == other.last_dynamic
    }
}

impl InstanceState {
    fn used(&self, protocol: Protocol) -> &PortSet {
        match protocol {
            Protocol::Tcp => &self.used_tcp,
            Protocol::Udp => &self.used_udp,
        }
    }

    fn used_mut(&mut self, protocol: Protocol) -> &mut PortSet {
        match protocol {
            Protocol::Tcp => &mut self.used_tcp,
            Protocol::Udp => &mut self.used_udp,
        }
    }

    /// Tasks of a task group here (None: a group the ledger has not seen).
    fn count(&self, group: Option<Group>) -> u32 {
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

/// ECS's reason codes for a task that cannot be placed (§4.4 RunTask failures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Reason {
    #[serde(rename = "RESOURCE:CPU")]
    Cpu,
    #[serde(rename = "RESOURCE:MEMORY")]
    Memory,
    #[serde(rename = "RESOURCE:PORTS")]
    Ports,
    /// Too many reserved ports (§3.2); ECS reports it as RESOURCE:PORTS.
    #[serde(rename = "RESOURCE:PORTS")]
    PortLimit,
    #[serde(rename = "RESOURCE:PORTS_UDP")]
    PortsUdp,
    #[serde(rename = "RESOURCE:ENI")]
    Eni,
    #[serde(rename = "ATTRIBUTE")]
    Attribute,
    /// No container instance at all.
    #[serde(rename = "MISSING")]
    NoInstances,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::Cpu => "RESOURCE:CPU",
            Reason::Memory => "RESOURCE:MEMORY",
            Reason::Ports | Reason::PortLimit => "RESOURCE:PORTS",
            Reason::PortsUdp => "RESOURCE:PORTS_UDP",
            Reason::Eni => "RESOURCE:ENI",
            Reason::Attribute => "ATTRIBUTE",
            Reason::NoInstances => "MISSING",
        }
    }

    /// The clause ECS appends about the closest matching instance (§4.4).
    fn clause(self) -> &'static str {
        match self {
            Reason::Cpu => "has insufficient CPU units available.",
            Reason::Memory => "has insufficient memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
            Reason::Ports | Reason::PortsUdp => "is already using a port required by your task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
            // §3.2 documented cause, in the same sentence frame.
            Reason::PortLimit => "has too many ports registered: it can not exceed the maximum allowed reserved port limit of 100 host ports per container instance.",
            // §3.6 documented cause "Not enough available ENI attachment points".
            Reason::Eni => "does not have enough available ENI attachment points.",
            Reason::Attribute | Reason::NoInstances => "",
        }
    }
}

/// Why one task could not be placed, in ECS's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub reason: Reason,
    /// The closest matching container instance, when one passed the constraints.
    pub closest: Option<String>,
    pub message: String,
}

impl Failure {
    fn new(owner: &Owner, reason: Reason, closest: Option<&str>) -> Failure {
        let message = match owner {
            Owner::Service(name) => {
                let mut m = format!(
                    "service {name} was unable to place a task because no container instance met all of its requirements."
                );
                if let Some(id) = closest.filter(|_| !reason.clause().is_empty()) {
                    m.push_str(&format!(
                        " The closest matching container-instance {id} {}",
                        reason.clause()
                    ));
                }
                m
            }
            Owner::Standalone(td) => match closest {
                Some(id) => format!(
                    "RunTask of {td} failed: {} (container-instance {id})",
                    reason.code()
                ),
                None => format!("RunTask of {td} failed: {}", reason.code()),
            },
        };
        Failure {
            reason,
            closest: closest.map(str::to_string),
            message,
        }
    }
}

/// Tasks of one owner that could not be placed, grouped by cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unplaced {
    #[serde(flatten)]
    pub owner: Owner,
    pub count: u32,
    #[serde(flatten)]
    pub failure: Failure,
    /// Set when these tasks were pinned to one instance and did not fit there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned_instance: Option<String>,
}

/// A constraint made ready to test.
#[derive(Debug, Clone)]
enum Constraint {
    DistinctInstance,
    MemberOf(Option<cql::Expr>),
}

fn compile(constraints: &[PlacementConstraint]) -> Vec<Constraint> {
    constraints
        .iter()
        .map(|c| match c.kind {
            ConstraintType::DistinctInstance => Constraint::DistinctInstance,
            // An expression that does not parse matches nothing; validation names it.
            ConstraintType::MemberOf => {
                Constraint::MemberOf(c.expression.as_deref().and_then(|e| cql::parse(e).ok()))
            }
        })
        .collect()
}

/// A request's strategies as walks, worked out once per request; None when
/// one of them (`random`) cannot be walked.
fn walks(strategies: &[PlacementStrategy]) -> Option<Vec<Walk>> {
    strategies
        .iter()
        .map(|s| {
            let field = s.field.as_deref().unwrap_or("");
            match s.kind {
                StrategyType::Binpack if field.eq_ignore_ascii_case("cpu") => Some(Walk::Cpu),
                StrategyType::Binpack => Some(Walk::Memory),
                StrategyType::Spread if matches!(field, "instanceId" | "host") => {
                    Some(Walk::GroupCount)
                }
                StrategyType::Spread => Some(Walk::ByValue(field.to_string())),
                StrategyType::Random => None,
            }
        })
        .collect()
}

/// How many instances `random` draws before it lists the ones that fit.
const RANDOM_DRAWS: u64 = 32;

/// Numbers requests for the index's set-up cache; never part of an answer.
static NEXT_WALKS_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Everything the scheduler needs to place one more task of an owner.
#[derive(Debug, Clone)]
pub struct TaskRequest {
    pub owner: Owner,
    pub task_definition_arn: Arc<str>,
    pub requirements: Requirements,
    constraints: Vec<Constraint>,
    strategies: Vec<PlacementStrategy>,
    /// The task group (§4.2) that spread and distinctInstance count within.
    group: String,
    /// `strategies` as the index walks them, worked out once.
    walks: Option<Vec<Walk>>,
    /// A number no other request has (clones keep it, with the same walks):
    /// the index skips its set-up for a run of tasks of one request.
    walks_id: u64,
}

impl TaskRequest {
    /// A request for a task definition: its own constraints plus the caller's,
    /// and the caller's strategies (an empty list means the default of §4.2).
    pub fn new(
        owner: Owner,
        td: &TaskDefinition,
        extra_constraints: &[PlacementConstraint],
        strategies: &[PlacementStrategy],
    ) -> TaskRequest {
        let mut all = td.placement_constraints.clone();
        all.extend_from_slice(extra_constraints);
        let strategies = if strategies.is_empty() {
            default_strategy(&owner)
        } else {
            strategies.to_vec()
        };
        TaskRequest {
            task_definition_arn: format!("{}:{}", td.family, td.revision).into(),
            requirements: requirements(td),
            constraints: compile(&all),
            walks: walks(&strategies),
            walks_id: NEXT_WALKS_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            strategies,
            group: owner.group(),
            owner,
        }
    }

    /// True when the first strategy is `random`, which then decides alone.
    fn random_first(&self) -> bool {
        self.strategies
            .first()
            .is_some_and(|s| s.kind == StrategyType::Random)
    }

    /// A service task, with the service's constraints and strategies.
    pub fn for_service(plan: &Plan, service: &crate::model::Service) -> Option<TaskRequest> {
        let td = plan.task_definition(&service.task_definition)?;
        Some(TaskRequest::new(
            Owner::Service(service.service_name.as_str().into()),
            td,
            &service.placement_constraints,
            &service.placement_strategy,
        ))
    }
}

/// §4.2: services spread across AZs, then favour the instance with the fewest
/// tasks of the service; RunTask places at random.
pub fn default_strategy(owner: &Owner) -> Vec<PlacementStrategy> {
    match owner {
        Owner::Service(_) => vec![
            PlacementStrategy {
                kind: StrategyType::Spread,
                field: Some("attribute:ecs.availability-zone".into()),
            },
            PlacementStrategy {
                kind: StrategyType::Spread,
                field: Some("instanceId".into()),
            },
        ],
        Owner::Standalone(_) => vec![PlacementStrategy {
            kind: StrategyType::Random,
            field: None,
        }],
    }
}

/// The ledger of a cluster: every container instance and its tasks.
#[derive(Debug, Clone)]
pub struct ClusterState {
    pub instances: Vec<InstanceState>,
    dynamic_range: (u16, u16),
    next_task_id: u32,
    /// Seed for the `random` strategy; the same plan gives the same answer.
    seed: u64,
    /// Instances ordered by the strategies' keys, kept in step by `start`
    /// and `stop` (the only places that change an instance).
    index: Index,
    /// False only in tests that compare the index with a scan of every instance.
    use_index: bool,
    /// Task groups by number, so that counting them is indexing, not hashing.
    group_ids: HashMap<String, Group, BuildHasherDefault<Fnv>>,
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

fn spread_value<'a>(inst: &'a ContainerInstance, field: &str) -> Option<&'a str> {
    match field {
        "instanceId" | "host" => Some(&inst.id),
        f => inst.attribute(f.strip_prefix("attribute:").unwrap_or(f)),
    }
}

fn lookup<'a>(inst: &'a ContainerInstance) -> impl Fn(&str) -> Option<&'a str> {
    move |subject: &str| match subject {
        "ec2InstanceId" | "containerInstanceId" => Some(inst.id.as_str()),
        s => s.strip_prefix("attribute:").and_then(|a| inst.attribute(a)),
    }
}

/// A small, fixed mix (splitmix64) so `random` is reproducible everywhere.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn hash_str(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01B3)
    })
}

/// FNV-1a as a `Hasher`, for the group-number map looked up on every task:
/// its keys are the plan's own service names, so SipHash's defence against
/// chosen keys buys nothing and costs time, in wasm above all.
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let start = if self.0 == 0 {
            0xCBF2_9CE4_8422_2325
        } else {
            self.0
        };
        self.0 = bytes
            .iter()
            .fold(start, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01B3));
    }
}

impl ClusterState {
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

    fn group_id(&self, group: &str) -> Option<Group> {
        self.group_ids.get(group).copied()
    }

    fn group_id_or_new(&mut self, group: &str) -> Group {
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

    pub fn index_of(&self, instance_id: &str) -> Option<usize> {
        self.instances
            .iter()
            .position(|i| i.instance.id == instance_id)
    }

    /// §4.1 step 1: does the task fit this instance's resources and ports?
    pub fn check_resources(&self, idx: usize, req: &Requirements) -> Result<(), Reason> {
        let inst = &self.instances[idx];
        if req.cpu > inst.remaining_cpu {
            return Err(Reason::Cpu);
        }
        if req.memory > inst.remaining_memory {
            return Err(Reason::Memory);
        }
        let mut statics = 0;
        for (protocol, reason) in [
            (Protocol::Tcp, Reason::Ports),
            (Protocol::Udp, Reason::PortsUdp),
        ] {
            let mut seen = BTreeSet::new();
            for p in req.static_ports(protocol) {
                if inst.port_in_use(protocol, p) || !seen.insert(p) {
                    return Err(reason);
                }
                statics += 1;
            }
        }
        if inst.reserved_count + statics > MAX_RESERVED_PORTS {
            return Err(Reason::PortLimit);
        }
        for (protocol, reason) in [
            (Protocol::Tcp, Reason::Ports),
            (Protocol::Udp, Reason::PortsUdp),
        ] {
            let need = req.dynamic_count(protocol);
            if need > 0 {
                let free = self.free_dynamic_ports(idx, protocol);
                let own_statics_in_range = req
                    .static_ports(protocol)
                    .filter(|p| (self.dynamic_range.0..=self.dynamic_range.1).contains(p))
                    .count();
                if free < need + own_statics_in_range {
                    return Err(reason);
                }
            }
        }
        if req.eni && inst.enis_used >= inst.instance.eni_capacity {
            return Err(Reason::Eni);
        }
        Ok(())
    }

    fn free_dynamic_ports(&self, idx: usize, protocol: Protocol) -> usize {
        let (lo, hi) = self.dynamic_range;
        let total = (hi - lo) as usize + 1;
        total - self.instances[idx].dynamic_used[protocol as usize]
    }

    /// §4.1 step 2: the binding constraints.
    fn satisfies_constraints(&self, idx: usize, req: &TaskRequest, group: Option<Group>) -> bool {
        let inst = &self.instances[idx];
        req.constraints.iter().all(|c| match c {
            Constraint::DistinctInstance => inst.count(group) == 0,
            Constraint::MemberOf(expr) => expr
                .as_ref()
                .is_some_and(|e| e.eval(&lookup(&inst.instance))),
        })
    }

    /// Checks one instance for a request: resources, then constraints.
    pub fn check(&self, idx: usize, req: &TaskRequest) -> Result<(), Reason> {
        self.check_in_group(idx, req, self.group_id(&req.group))
    }

    fn check_in_group(
        &self,
        idx: usize,
        req: &TaskRequest,
        group: Option<Group>,
    ) -> Result<(), Reason> {
        self.check_resources(idx, &req.requirements)?;
        if self.satisfies_constraints(idx, req, group) {
            Ok(())
        } else {
            Err(Reason::Attribute)
        }
    }

    /// Why no instance among `candidates` takes the task: the closest match is
    /// an instance that satisfies the constraints and fails the fewest
    /// resource checks; its first failing check is the reason.
    fn explain(&self, req: &TaskRequest, candidates: &[usize]) -> Failure {
        if candidates.is_empty() {
            return Failure::new(&req.owner, Reason::NoInstances, None);
        }
        let mut best: Option<(usize, usize, Reason)> = None;
        let group = self.group_id(&req.group);
        for &idx in candidates {
            if !self.satisfies_constraints(idx, req, group) {
                continue;
            }
            let reason = match self.check_resources(idx, &req.requirements) {
                Err(r) => r,
                Ok(()) => continue,
            };
            let failing = self.failing_checks(idx, &req.requirements);
            if best.is_none_or(|(_, f, _)| failing < f) {
                best = Some((idx, failing, reason));
            }
        }
        match best {
            Some((idx, _, reason)) => {
                Failure::new(&req.owner, reason, Some(&self.instances[idx].instance.id))
            }
            None => Failure::new(&req.owner, Reason::Attribute, None),
        }
    }

    fn failing_checks(&self, idx: usize, req: &Requirements) -> usize {
        let inst = &self.instances[idx];
        let ports = self
            .check_resources(
                idx,
                &Requirements {
                    cpu: 0,
                    memory: 0,
                    ..req.clone()
                },
            )
            .is_err();
        (req.cpu > inst.remaining_cpu) as usize
            + (req.memory > inst.remaining_memory) as usize
            + ports as usize
    }

    /// §4.1 steps 3–4: order the fitting instances by the strategies, in turn.
    fn choose(&self, req: &TaskRequest, fitting: &[usize]) -> usize {
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
    fn strategy_keys(
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
    fn random_salt(&self, group_name: &str) -> u64 {
        self.seed ^ hash_str(group_name) ^ (self.next_task_id as u64).wrapping_mul(0x100)
    }

    /// §4.2 `random` first: "Tasks are placed randomly" among the instances
    /// that fit, whatever follows it (random leaves no ties to break). Each
    /// draw is uniform over all instances, so the first that fits is uniform
    /// over those that fit; a cluster with room answers after a check or two
    /// instead of a scan of every instance. After [`RANDOM_DRAWS`] misses
    /// (a nearly full cluster) the fitting instances are listed and one is
    /// drawn from them, which is uniform too.
    fn pick_at_random(&self, req: &TaskRequest) -> Option<usize> {
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
    fn place_one_in(&mut self, req: &TaskRequest, group: Group) -> Result<(usize, u32), Failure> {
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

    /// The index's answer for a request (see [`crate::candidates`]), or None
    /// when its strategies need a scan.
    fn pick_by_index(&mut self, req: &TaskRequest, group: Group) -> Option<Option<usize>> {
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

    fn slot(&self, idx: usize, group: Group) -> Slot {
        let inst = &self.instances[idx];
        Slot {
            remaining_memory: inst.remaining_memory,
            remaining_cpu: inst.remaining_cpu,
            count: inst.count(Some(group)),
        }
    }

    fn slot_changing(&mut self, idx: usize, group: Group) {
        let before = self.slot(idx, group);
        self.index.remove(idx, &before, group);
    }

    fn slot_changed(&mut self, idx: usize, group: Group, delta: i64) {
        let after = self.slot(idx, group);
        self.index.insert(idx, &after, group, delta);
    }

    /// Starts a task on an instance already checked to fit; returns its id.
    /// `group` is the number of `req`'s task group (`group_id_or_new`).
    fn start(&mut self, idx: usize, req: &TaskRequest, pinned: bool, group: Group) -> u32 {
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
            pinned,
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
        let group = self.group_id_or_new(&self.instances[idx].tasks[pos].owner.group());
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

/// The placement of a whole plan.
#[derive(Debug, Clone)]
pub struct Placement {
    pub state: ClusterState,
    pub unplaced: Vec<Unplaced>,
}

impl Placement {
    pub fn instances(&self) -> &[InstanceState] {
        &self.state.instances
    }

    /// "Can one more task of service S go on instance I, and if not why?"
    /// Returns the host ports it would get, or ECS's reason.
    pub fn try_one_more(
        &self,
        plan: &Plan,
        service: &str,
        instance_id: &str,
    ) -> Result<Vec<HostPort>, Failure> {
        let owner = Owner::Service(service.into());
        let svc = plan.service(service).ok_or_else(|| Failure {
            reason: Reason::Attribute,
            closest: None,
            message: format!("service {service} is not in the plan"),
        })?;
        let req = TaskRequest::for_service(plan, svc).ok_or_else(|| Failure {
            reason: Reason::Attribute,
            closest: None,
            message: format!(
                "service {service} names task definition {}, which is not in the plan",
                svc.task_definition
            ),
        })?;
        let idx = self
            .state
            .index_of(instance_id)
            .ok_or_else(|| Failure::new(&owner, Reason::NoInstances, None))?;
        let mut trial = self.state.clone();
        trial.place_on(idx, &req, true)?;
        Ok(trial.instances[idx]
            .tasks
            .last()
            .map(|t| t.host_ports.clone())
            .unwrap_or_default())
    }
}

fn record(
    unplaced: &mut Vec<Unplaced>,
    owner: &Owner,
    failure: Failure,
    pinned_instance: Option<&str>,
) {
    if let Some(last) = unplaced.last_mut() {
        if &last.owner == owner
            && last.failure == failure
            && last.pinned_instance.as_deref() == pinned_instance
        {
            last.count += 1;
            return;
        }
    }
    unplaced.push(Unplaced {
        owner: owner.clone(),
        count: 1,
        failure,
        pinned_instance: pinned_instance.map(str::to_string),
    });
}

/// Places `count` tasks of one request. A failure changes nothing, so every
/// later task of the same request would fail the same way: they are recorded
/// with it rather than tried again.
fn place_count(
    state: &mut ClusterState,
    unplaced: &mut Vec<Unplaced>,
    req: &TaskRequest,
    count: u32,
) {
    let group = state.group_id_or_new(&req.group);
    for placed in 0..count {
        if let Err(f) = state.place_one_in(req, group) {
            record(unplaced, &req.owner, f, None);
            if let Some(last) = unplaced.last_mut() {
                last.count += count - placed - 1;
            }
            return;
        }
    }
}

/// Places a whole plan: pins first (in plan order), then each service's
/// remaining desired tasks in plan order, then standalone tasks. Pure: the
/// same plan always gives the same placement, computed afresh.
pub fn place(plan: &Plan) -> Placement {
    place_from(plan, ClusterState::new(plan))
}

/// A caller's memo of the last plan it placed. A board edit places the plan
/// on screen (already placed to draw it), then the edited plan, which the
/// board then draws: with one of these kept by the shell, a drag places once
/// instead of three times (issue 8). The cache is the caller's, passed in,
/// so the core holds no state and a test can compare two real placements.
#[derive(Debug, Clone, Default)]
pub struct Placer {
    last: Option<(Plan, Placement)>,
}

impl Placer {
    /// The placement of `plan`: the remembered one when `plan` is the plan
    /// placed last, else [`place`]'s, which is then remembered.
    pub fn place(&mut self, plan: &Plan) -> Placement {
        match &self.last {
            Some((placed, placement)) if placed == plan => placement.clone(),
            _ => {
                let placement = place(plan);
                self.last = Some((plan.clone(), placement.clone()));
                placement
            }
        }
    }
}

/// [`place`] without the index: every task looks at every instance, as the
/// rules are written. Tests hold the index to this.
#[doc(hidden)]
pub fn place_by_scan(plan: &Plan) -> Placement {
    place_from(plan, ClusterState::new(plan).scanning())
}

fn place_from(plan: &Plan, mut state: ClusterState) -> Placement {
    let mut unplaced = Vec::new();
    let mut pinned: BTreeMap<&str, u32> = BTreeMap::new();

    for pin in &plan.pins {
        let Some(svc) = plan.service(&pin.service) else {
            continue;
        };
        let count = pinned.entry(svc.service_name.as_str()).or_default();
        if *count >= svc.desired_count {
            continue; // validation reports pins beyond desiredCount
        }
        *count += 1;
        let Some(req) = TaskRequest::for_service(plan, svc) else {
            continue;
        };
        let result = match state.index_of(&pin.instance) {
            Some(idx) => state.place_on(idx, &req, true).map(|_| ()),
            None => Err(Failure::new(&req.owner, Reason::NoInstances, None)),
        };
        if let Err(f) = result {
            record(&mut unplaced, &req.owner, f, Some(&pin.instance));
        }
    }

    for svc in &plan.services {
        let Some(req) = TaskRequest::for_service(plan, svc) else {
            continue;
        };
        let already = pinned.get(svc.service_name.as_str()).copied().unwrap_or(0);
        place_count(
            &mut state,
            &mut unplaced,
            &req,
            svc.desired_count.saturating_sub(already),
        );
    }

    for run in &plan.tasks {
        let Some(td) = plan.task_definition(&run.task_definition) else {
            continue;
        };
        let req = TaskRequest::new(
            Owner::Standalone(run.task_definition.as_str().into()),
            td,
            &run.placement_constraints,
            &run.placement_strategy,
        );
        place_count(&mut state, &mut unplaced, &req, run.count);
    }
    Placement { state, unplaced }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::{cluster, Workload};

    fn tasks_per_instance(p: &Placement) -> Vec<usize> {
        p.instances().iter().map(|i| i.tasks.len()).collect()
    }

    /// The memo answers only for the plan it placed: alternating two plans,
    /// every answer is what placing that plan afresh gives.
    #[test]
    fn a_placer_answers_each_plan_as_place_does() {
        let small = cluster(4, 100, Workload::Binpack);
        let large = cluster(4, 200, Workload::Spread);
        let mut placer = Placer::default();
        for plan in [&small, &large, &large, &small] {
            let remembered = placer.place(plan);
            let fresh = place(plan);
            assert_eq!(remembered.state, fresh.state);
            assert_eq!(tasks_per_instance(&remembered), tasks_per_instance(&fresh));
        }
        assert_ne!(
            tasks_per_instance(&place(&small)),
            tasks_per_instance(&place(&large))
        );
    }
}
