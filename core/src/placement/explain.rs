//! Why a task cannot be placed, in ECS's words (§4.4): the reason code,
//! the event text, and the closest instance.

use super::*;

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
    pub(super) fn clause(self) -> &'static str {
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
    pub(super) fn new(owner: &Owner, reason: Reason, closest: Option<&str>) -> Failure {
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

impl ClusterState {
    /// Why no instance among `candidates` takes the task: the closest match is
    /// an instance that satisfies the constraints and fails the fewest
    /// resource checks; its first failing check is the reason.
    pub(super) fn explain(&self, req: &TaskRequest, candidates: &[usize]) -> Failure {
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

    pub(super) fn failing_checks(&self, idx: usize, req: &Requirements) -> usize {
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
}
