//! One container instance as the board draws it: memory bars (what the
//! system keeps, each task's reservation and hard limit, what is free), CPU,
//! the host port map, ENIs and the task chips.

use serde::Serialize;

use super::{colour_of, task_hard_limit, Phase, Phases};
use crate::model::{Plan, Protocol};
use crate::placement::{InstanceState, Owner, PlacedTask};
use crate::rules::hard_limit_total;

/// One task's part of an instance's memory bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemorySegment {
    /// The task's number in this placement.
    pub task_id: u32,
    /// The service (or task definition) it belongs to.
    pub label: String,
    /// The colour index it is drawn in.
    pub colour: usize,
    /// Memory (MiB) the task reserves: the reservation, else the hard limit.
    pub reservation: u32,
    /// The task's hard limit; None when a container has no ceiling.
    pub hard_limit: Option<u32>,
    /// Whether the user pinned the task to this instance.
    pub pinned: bool,
    /// During a deployment step, which part of it the task is in.
    pub phase: Option<Phase>,
}

/// What kind of host port an entry of the port map is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PortKind {
    /// Kept by the ECS agent (ECS_RESERVED_PORTS: 22, 2375, 2376, 51678, 51679 by default).
    Reserved,
    /// A host port the task definition names.
    Static,
    /// A host port Docker chose from the ephemeral range (hostPort 0 in bridge mode).
    Dynamic,
}

/// One host port in use on an instance.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PortEntry {
    /// The port number on the instance.
    pub host_port: u16,
    /// TCP or UDP.
    pub protocol: Protocol,
    /// Reserved, static or dynamic.
    pub kind: PortKind,
    /// The service (or task definition) holding it; None for agent-reserved ports.
    pub owner: Option<String>,
    /// The container port it maps to; none for reserved ports.
    pub container_port: Option<u16>,
}

/// One task's chip on an instance card.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskChip {
    /// The task's number in this placement.
    pub task_id: u32,
    /// The service (or task definition) it belongs to.
    pub label: String,
    /// Service tasks can be dragged; standalone tasks cannot.
    pub service: Option<String>,
    /// The colour index it is drawn in.
    pub colour: usize,
    /// Whether the user pinned the task to this instance.
    pub pinned: bool,
    /// A DAEMON service's task (§10.1): one on each instance that meets its
    /// constraints, placed by ECS, never dragged.
    pub daemon: bool,
    /// During a deployment step, which part of it the task is in.
    pub phase: Option<Phase>,
}

/// One container instance as the board draws it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceView {
    /// The instance's id on the board (its group's name and its number).
    pub id: String,
    /// The instance group it belongs to.
    pub group: String,
    /// Its EC2 instance type.
    pub instance_type: String,
    /// Its Availability Zone.
    pub availability_zone: String,
    /// A stand-in private address for load-balancer targets.
    pub address: String,
    /// The instance type's memory (MiB).
    pub nominal_memory: u32,
    /// What the system keeps (MiB): nominal less registered memory.
    pub system_memory: u32,
    /// Memory (MiB) the instance registers with ECS.
    pub registered_memory: u32,
    /// Whether the registered memory is estimated rather than observed.
    pub memory_estimated: bool,
    /// The bar's segments, one per task.
    pub memory: Vec<MemorySegment>,
    /// Registered memory (MiB) no task reserves.
    pub free_memory: u32,
    /// The sum of its tasks' hard limits (MiB).
    pub hard_limit_total: u64,
    /// Whether the hard limits add up to more than the registered memory (allowed, but the kernel may kill tasks under pressure).
    pub overcommitted: bool,
    /// CPU units the instance registers (1,024 per vCPU).
    pub registered_cpu: u32,
    /// CPU reserved per task: (owner, colour index, CPU units).
    pub cpu: Vec<(String, usize, u32)>,
    /// CPU units no task reserves.
    pub free_cpu: u32,
    /// The host port map: reserved, static and dynamic ports.
    pub ports: Vec<PortEntry>,
    /// awsvpc tasks on the instance, each on its own ENI.
    pub enis_used: u32,
    /// How many awsvpc tasks the instance's ENIs allow (§3.6).
    pub eni_capacity: u32,
    /// GPUs the instance registers (§10.4); none on most types.
    pub registered_gpus: u32,
    /// GPUs no task reserves.
    pub free_gpus: u32,
    /// The task chips.
    pub tasks: Vec<TaskChip>,
}

impl InstanceView {
    /// A hash of everything the board draws for this instance (task ids left
    /// out: they renumber on every re-plan without changing the picture). The
    /// shell keys its instance cards by it, so a change redraws only the
    /// cards whose picture changed.
    pub fn content_hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        (
            &self.id,
            &self.group,
            &self.instance_type,
            &self.availability_zone,
            &self.address,
        )
            .hash(&mut h);
        (
            self.nominal_memory,
            self.system_memory,
            self.registered_memory,
            self.memory_estimated,
            self.free_memory,
            self.hard_limit_total,
            self.overcommitted,
            self.registered_cpu,
            self.free_cpu,
            self.enis_used,
            self.eni_capacity,
        )
            .hash(&mut h);
        (self.registered_gpus, self.free_gpus).hash(&mut h);
        for m in &self.memory {
            (
                &m.label,
                m.colour,
                m.reservation,
                m.hard_limit,
                m.pinned,
                &m.phase,
            )
                .hash(&mut h);
        }
        self.cpu.hash(&mut h);
        for p in &self.ports {
            (
                p.host_port,
                p.protocol,
                p.kind as u8,
                &p.owner,
                p.container_port,
            )
                .hash(&mut h);
        }
        for t in &self.tasks {
            (&t.label, &t.service, t.colour, t.pinned, &t.phase).hash(&mut h);
        }
        h.finish()
    }
}

pub(super) fn instance_view(
    plan: &Plan,
    s: &InstanceState,
    group_index: usize,
    n: usize,
    phases: &Phases,
) -> InstanceView {
    let i = &s.instance;
    let memory = memory_segments(plan, s, phases);
    let ports = port_map(plan, s);
    let hard_limit_total = hard_limit_total(plan, s);
    InstanceView {
        id: i.id.clone(),
        group: i.group.clone(),
        instance_type: i.instance_type.clone(),
        availability_zone: i.availability_zone.clone(),
        address: format!("192.168.{}.{}", group_index + 1, n + 1),
        nominal_memory: i.nominal_memory,
        system_memory: i.nominal_memory.saturating_sub(i.registered_memory),
        registered_memory: i.registered_memory,
        memory_estimated: i.memory_estimated,
        memory,
        free_memory: s.remaining_memory,
        hard_limit_total,
        overcommitted: hard_limit_total > i.registered_memory as u64,
        registered_cpu: i.registered_cpu,
        cpu: in_board_order(plan, s)
            .into_iter()
            .map(|t| (t.owner.name().to_string(), colour_of(plan, &t.owner), t.cpu))
            .collect(),
        free_cpu: s.remaining_cpu,
        ports,
        enis_used: s.enis_used,
        eni_capacity: i.eni_capacity,
        registered_gpus: i.gpus,
        free_gpus: i.gpus.saturating_sub(s.gpus_used),
        tasks: task_chips(plan, s, phases),
    }
}

/// An instance's tasks in the order the card draws them: by service, in the
/// plan's order (standalone tasks last), then as they started. A card's
/// picture then does not depend on the order tasks were placed in, which
/// pins change (issue 21: a card redraws only when its tasks do).
fn in_board_order<'a>(plan: &Plan, s: &'a InstanceState) -> Vec<&'a PlacedTask> {
    let rank = |o: &Owner| match o {
        Owner::Service(n) => plan
            .services
            .iter()
            .position(|x| *x.service_name == **n)
            .unwrap_or(usize::MAX),
        Owner::Standalone(_) => usize::MAX,
    };
    // An insertion sort: an instance holds few tasks, and the library's sort
    // would add its own copy of itself to the bundle for this one type.
    let mut tasks: Vec<(usize, &PlacedTask)> = Vec::with_capacity(s.tasks.len());
    for t in &s.tasks {
        let key = rank(&t.owner);
        let at = tasks
            .iter()
            .position(|(k, _)| *k > key)
            .unwrap_or(tasks.len());
        tasks.insert(at, (key, t));
    }
    tasks.into_iter().map(|(_, t)| t).collect()
}

/// One memory segment per task: its reservation, hard limit, colour, phase.
fn memory_segments(plan: &Plan, s: &InstanceState, phases: &Phases) -> Vec<MemorySegment> {
    in_board_order(plan, s)
        .into_iter()
        .map(|t| MemorySegment {
            task_id: t.id,
            label: t.owner.name().to_string(),
            colour: colour_of(plan, &t.owner),
            reservation: t.memory,
            hard_limit: task_hard_limit(plan, &t.task_definition_arn),
            pinned: t.pinned && !t.held,
            phase: phases.get(&t.id).copied(),
        })
        .collect()
}

/// The host port map: the agent's reserved ports, then every task's static
/// and dynamic ports, by protocol and number.
fn port_map(plan: &Plan, s: &InstanceState) -> Vec<PortEntry> {
    let mut ports: Vec<PortEntry> = Vec::new();
    for (list, protocol) in [
        (&plan.cluster.reserved_ports, Protocol::Tcp),
        (&plan.cluster.reserved_ports_udp, Protocol::Udp),
    ] {
        for &p in list {
            ports.push(PortEntry {
                host_port: p,
                protocol,
                kind: PortKind::Reserved,
                owner: None,
                container_port: None,
            });
        }
    }
    for t in &s.tasks {
        for hp in &t.host_ports {
            ports.push(PortEntry {
                host_port: hp.host_port,
                protocol: hp.protocol,
                kind: if hp.dynamic {
                    PortKind::Dynamic
                } else {
                    PortKind::Static
                },
                owner: Some(t.owner.name().to_string()),
                container_port: Some(hp.container_port),
            });
        }
    }
    ports.sort_by_key(|p| (p.protocol, p.host_port));
    ports
}

/// One chip per task; service tasks carry their service, so they can be dragged.
fn task_chips(plan: &Plan, s: &InstanceState, phases: &Phases) -> Vec<TaskChip> {
    // Looked up once per card, not once per chip (a board draws thousands).
    let daemons: Vec<&str> = plan
        .services
        .iter()
        .filter(|s| s.is_daemon())
        .map(|s| s.service_name.as_str())
        .collect();
    in_board_order(plan, s)
        .into_iter()
        .map(|t| TaskChip {
            task_id: t.id,
            label: t.owner.name().to_string(),
            service: match &t.owner {
                Owner::Service(n) => Some(n.to_string()),
                Owner::Standalone(_) => None,
            },
            colour: colour_of(plan, &t.owner),
            pinned: t.pinned && !t.held,
            daemon: matches!(&t.owner, Owner::Service(n) if daemons.contains(&&**n)),
            phase: phases.get(&t.id).copied(),
        })
        .collect()
}
