//! One container instance as the board draws it: memory bars (what the
//! system keeps, each task's reservation and hard limit, what is free), CPU,
//! the host port map, ENIs and the task chips.

use serde::Serialize;

use super::{colour_of, task_hard_limit, Phase, Phases};
use crate::model::{Plan, Protocol};
use crate::placement::{InstanceState, Owner};
use crate::rules::hard_limit_total;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemorySegment {
    pub task_id: u32,
    pub label: String,
    pub colour: usize,
    pub reservation: u32,
    /// The task's hard limit; None when a container has no ceiling.
    pub hard_limit: Option<u32>,
    pub pinned: bool,
    /// During a deployment step, which part of it the task is in.
    pub phase: Option<Phase>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PortKind {
    Reserved,
    Static,
    Dynamic,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PortEntry {
    pub host_port: u16,
    pub protocol: Protocol,
    pub kind: PortKind,
    /// The service (or task definition) holding it; None for agent-reserved ports.
    pub owner: Option<String>,
    pub container_port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskChip {
    pub task_id: u32,
    pub label: String,
    /// Service tasks can be dragged; standalone tasks cannot.
    pub service: Option<String>,
    pub colour: usize,
    pub pinned: bool,
    /// During a deployment step, which part of it the task is in.
    pub phase: Option<Phase>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceView {
    pub id: String,
    pub group: String,
    pub instance_type: String,
    pub availability_zone: String,
    /// A stand-in private address for load-balancer targets.
    pub address: String,
    pub nominal_memory: u32,
    pub system_memory: u32,
    pub registered_memory: u32,
    pub memory_estimated: bool,
    pub memory: Vec<MemorySegment>,
    pub free_memory: u32,
    pub hard_limit_total: u64,
    pub overcommitted: bool,
    pub registered_cpu: u32,
    pub cpu: Vec<(String, usize, u32)>,
    pub free_cpu: u32,
    pub ports: Vec<PortEntry>,
    pub enis_used: u32,
    pub eni_capacity: u32,
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
        cpu: s
            .tasks
            .iter()
            .map(|t| (t.owner.name().to_string(), colour_of(plan, &t.owner), t.cpu))
            .collect(),
        free_cpu: s.remaining_cpu,
        ports,
        enis_used: s.enis_used,
        eni_capacity: i.eni_capacity,
        tasks: task_chips(plan, s, phases),
    }
}

/// One memory segment per task: its reservation, hard limit, colour, phase.
fn memory_segments(plan: &Plan, s: &InstanceState, phases: &Phases) -> Vec<MemorySegment> {
    s.tasks
        .iter()
        .map(|t| MemorySegment {
            task_id: t.id,
            label: t.owner.name().to_string(),
            colour: colour_of(plan, &t.owner),
            reservation: t.memory,
            hard_limit: task_hard_limit(plan, &t.task_definition_arn),
            pinned: t.pinned,
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
    s.tasks
        .iter()
        .map(|t| TaskChip {
            task_id: t.id,
            label: t.owner.name().to_string(),
            service: match &t.owner {
                Owner::Service(n) => Some(n.to_string()),
                Owner::Standalone(_) => None,
            },
            colour: colour_of(plan, &t.owner),
            pinned: t.pinned,
            phase: phases.get(&t.id).copied(),
        })
        .collect()
}
