//! What one task of a task definition asks of a container instance: the
//! scheduler's reservation formula of §2.3 and the host ports of §3.

use crate::model::{NetworkMode, Plan, Protocol, TaskDefinition};

/// One port mapping as the host sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortNeed {
    /// The container the port belongs to.
    pub container: std::sync::Arc<str>,
    /// The port the container listens on.
    pub container_port: u16,
    /// TCP or UDP.
    pub protocol: Protocol,
    /// `Some` for a static host port (bridge hostPort > 0, or host mode where
    /// the host port is the container port, §3.1); `None` for a dynamic one.
    pub host_port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// What one task needs of an instance: CPU units, memory, host ports, an ENI.
pub struct Requirements {
    /// CPU units reserved: the task's, else the sum of its containers'.
    pub cpu: u32,
    /// Memory reserved in MiB: the task's, else the sum of each container's
    /// reservation, or its hard limit when it has none.
    pub memory: u32,
    /// Host ports; empty for awsvpc and none (§3.6: awsvpc ports live on the ENI).
    pub ports: Vec<PortNeed>,
    /// awsvpc tasks take one ENI attachment each.
    pub eni: bool,
    /// §10.4: "The number of GPUs reserved for all containers in a task".
    pub gpus: u32,
}

impl Requirements {
    /// The static host ports it needs for `protocol`.
    pub fn static_ports(&self, protocol: Protocol) -> impl Iterator<Item = u16> + '_ {
        self.ports
            .iter()
            .filter(move |p| p.protocol == protocol)
            .filter_map(|p| p.host_port)
    }

    /// How many dynamic host ports it needs for `protocol`.
    pub fn dynamic_count(&self, protocol: Protocol) -> usize {
        self.ports
            .iter()
            .filter(|p| p.protocol == protocol && p.host_port.is_none())
            .count()
    }
}

/// §2.3 `ToHostResources()`: task-level values win; else per container
/// memoryReservation if > 0, else memory; CPU sums container cpu.
pub fn requirements(td: &TaskDefinition) -> Requirements {
    let cpu = match td.cpu {
        Some(c) if c.0 > 0 => c.0,
        _ => td
            .container_definitions
            .iter()
            .map(|c| c.cpu)
            .fold(0u32, u32::saturating_add),
    };
    let memory = match td.memory {
        Some(m) if m.0 > 0 => m.0,
        _ => td
            .container_definitions
            .iter()
            .map(|c| match c.memory_reservation {
                Some(r) if r > 0 => r,
                _ => c.memory.unwrap_or(0),
            })
            .fold(0u32, u32::saturating_add),
    };
    let mut ports = Vec::new();
    if matches!(td.network_mode, NetworkMode::Bridge | NetworkMode::Host) {
        for c in &td.container_definitions {
            for pm in &c.port_mappings {
                let host_port = match td.network_mode {
                    NetworkMode::Host => Some(pm.container_port),
                    _ => pm.host_port.filter(|&p| p > 0),
                };
                ports.push(PortNeed {
                    container: c.name.as_str().into(),
                    container_port: pm.container_port,
                    protocol: pm.protocol,
                    host_port,
                });
            }
        }
    }
    Requirements {
        cpu,
        memory,
        ports,
        eni: td.network_mode == NetworkMode::Awsvpc,
        gpus: td
            .container_definitions
            .iter()
            .map(super::gpus::container_gpus)
            .fold(0u32, u32::saturating_add),
    }
}

/// The hard limit that bounds a container (§2.4 "effective hard limit"):
/// its own `memory`, else the task's `memory`, else none.
pub fn effective_hard_limit(td: &TaskDefinition, container: usize) -> Option<u32> {
    td.container_definitions
        .get(container)
        .and_then(|c| c.memory)
        .or(td.memory.map(|m| m.0))
}

impl Plan {
    /// The requirements of each kind of task the plan runs on its
    /// instances (services and run-tasks; Fargate's left out), once each.
    pub fn task_needs(&self) -> Vec<Requirements> {
        let services = self
            .services
            .iter()
            .filter(|s| self.on_instances(s))
            .map(|s| s.task_definition.as_str());
        let tasks = self.tasks.iter().map(|t| t.task_definition.as_str());
        let mut needs: Vec<Requirements> = services
            .chain(tasks)
            .filter_map(|arn| self.task_definition(arn))
            .map(requirements)
            .collect();
        needs.dedup();
        needs
    }
}
