//! What a simulation is asked: the change to deploy, the deployment's
//! settings where they differ from the service's, and how long a task takes
//! to start and become healthy.

use serde::Serialize;

use super::HEALTHY_AFTER_RUNNING_SECONDS;
use crate::model::CircuitBreaker;

/// What to change in the service's task definition; each `Some` makes a new
/// revision, or `task_definition` names an existing one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Change {
    /// An existing task definition (family:revision) to deploy instead of a new revision.
    pub task_definition: Option<String>,
    /// Which container the edits apply to; the first essential one by default.
    pub container: Option<String>,
    /// A new image for that container.
    pub image: Option<String>,
    /// A new cpu (CPU units) for that container.
    pub cpu: Option<u32>,
    /// A new hard limit (MiB) for that container.
    pub memory: Option<u32>,
    /// A new memoryReservation (MiB) for that container.
    pub memory_reservation: Option<u32>,
    /// A new host port for the container's first port mapping (0 = dynamic).
    pub host_port: Option<u16>,
}

/// The failure threshold rule of the circuit breaker (§5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ThresholdRule {
    /// clamp(ceil(0.5 × desired), 3, 200): the current API.
    #[default]
    Current,
    /// clamp(ceil(0.5 × desired), 10, 200): the 2023 guide.
    Legacy,
}

impl ThresholdRule {
    /// The number of failed tasks at which the circuit breaker trips for a service of `desired` tasks.
    pub fn threshold(self, desired: u32) -> u32 {
        let min = match self {
            ThresholdRule::Current => 3,
            ThresholdRule::Legacy => 10,
        };
        desired.div_ceil(2).clamp(min, 200)
    }
}

/// Timing of one task's life, in simulated seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// PENDING → RUNNING (image pull and start). A Berth assumption.
    pub start_seconds: u32,
    /// RUNNING → healthy (§5.3). With a load balancer this is the target
    /// group's interval × healthy threshold, which the plan does not model;
    /// set it here.
    pub healthy_seconds: u32,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            start_seconds: 10,
            healthy_seconds: HEALTHY_AFTER_RUNNING_SECONDS,
        }
    }
}

/// How to run a simulated deployment: what changes and the service settings to override.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeployOptions {
    /// What the new revision changes.
    pub change: Change,
    /// Overrides the service's minimumHealthyPercent.
    pub minimum_healthy_percent: Option<u32>,
    /// Overrides the service's maximumPercent.
    pub maximum_percent: Option<u32>,
    /// Overrides the service's deploymentCircuitBreaker.
    pub circuit_breaker: Option<CircuitBreaker>,
    /// Which threshold rule the circuit breaker uses.
    pub threshold_rule: ThresholdRule,
    /// Overrides the service's loadBalancer.deregistrationDelaySeconds; a
    /// service without a load balancer drains for 0 s.
    pub deregistration_delay: Option<u32>,
    /// Overrides the container's stopTimeout (seconds from SIGTERM to SIGKILL).
    pub stop_timeout: Option<u32>,
    /// How long each task takes to start and become healthy.
    pub timing: Timing,
    /// The first N new tasks fail their health checks (u32::MAX: all of them).
    pub failing_new_tasks: u32,
}

impl DeployOptions {
    /// What the stepper and a walkthrough ask: `change` at these
    /// percentages; a failing revision fails every task, with the circuit
    /// breaker on and rolling back (§5.6), as a class would show it.
    pub fn stepper(change: Change, min: u32, max: u32, failing: bool) -> DeployOptions {
        DeployOptions {
            change,
            minimum_healthy_percent: Some(min),
            maximum_percent: Some(max),
            failing_new_tasks: if failing { u32::MAX } else { 0 },
            circuit_breaker: failing.then_some(CircuitBreaker {
                enable: true,
                rollback: true,
            }),
            ..DeployOptions::default()
        }
    }
}
