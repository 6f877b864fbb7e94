//! Why a task could not be placed, as ECS reports it (§4.4): the reason
//! code, the event text, the closest instance, and the tasks left unplaced.

use serde::Serialize;

use super::request::Owner;

/// ECS's reason codes for a task that cannot be placed (§4.4 RunTask failures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Reason {
    /// No instance has enough CPU units left.
    #[serde(rename = "RESOURCE:CPU")]
    Cpu,
    /// No instance has enough memory left.
    #[serde(rename = "RESOURCE:MEMORY")]
    Memory,
    /// No instance has enough GPUs free (§10.4).
    #[serde(rename = "RESOURCE:GPU")]
    Gpu,
    /// A static TCP host port the task needs is taken on every instance.
    #[serde(rename = "RESOURCE:PORTS")]
    Ports,
    /// Too many reserved ports (§3.2); ECS reports it as RESOURCE:PORTS.
    #[serde(rename = "RESOURCE:PORTS")]
    PortLimit,
    /// A static UDP host port the task needs is taken on every instance.
    #[serde(rename = "RESOURCE:PORTS_UDP")]
    PortsUdp,
    /// No instance has an ENI attachment point left for an awsvpc task (§3.6).
    #[serde(rename = "RESOURCE:ENI")]
    Eni,
    /// No instance satisfies the task's placement constraints (memberOf, distinctInstance).
    #[serde(rename = "ATTRIBUTE")]
    Attribute,
    /// No container instance at all.
    #[serde(rename = "MISSING")]
    NoInstances,
}

impl Reason {
    /// ECS's reason code, as its events and `describe-services` print it.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Cpu => "RESOURCE:CPU",
            Reason::Memory => "RESOURCE:MEMORY",
            Reason::Gpu => "RESOURCE:GPU",
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
            // Berth's sentence, in the frame of ECS's CPU and memory ones.
            Reason::Gpu => "has insufficient GPU units available.",
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
    /// ECS's reason.
    pub reason: Reason,
    /// The closest matching container instance, when one passed the constraints.
    pub closest: Option<String>,
    /// ECS's service event (or RunTask failure) for the reason, word for word.
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
    /// The service or standalone task definition.
    #[serde(flatten)]
    pub owner: Owner,
    /// How many of its tasks are unplaced for this cause.
    pub count: u32,
    /// Why, in ECS's words.
    #[serde(flatten)]
    pub failure: Failure,
    /// Set when these tasks were pinned to one instance and did not fit there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned_instance: Option<String>,
}
