//! What a simulation records at each step: the counts of old and new tasks,
//! the events ECS would show, every instance's tasks, and the ledger itself
//! (which the board draws); and how the simulation ended.

use serde::Serialize;

use crate::model::Plan;
use crate::placement::{ClusterState, HostPort, Owner, Reason};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Version {
    Old,
    New,
    /// Tasks of other services (or of this one, outside the deployment).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    Pending,
    Running,
    Healthy,
    /// Stopping: deregistering from the load balancer, then the stop timeout.
    Draining,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskSnapshot {
    pub task_id: u32,
    #[serde(flatten)]
    pub owner: Owner,
    pub task_definition_arn: String,
    pub version: Version,
    pub status: TaskStatus,
    pub cpu: u32,
    pub memory: u32,
    pub host_ports: Vec<HostPort>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceSnapshot {
    pub id: String,
    pub instance_type: String,
    pub availability_zone: String,
    pub registered_cpu: u32,
    pub registered_memory: u32,
    pub remaining_cpu: u32,
    pub remaining_memory: u32,
    pub tasks: Vec<TaskSnapshot>,
}

/// Counts of the deployment's tasks (draining ones are counted apart: they no
/// longer count toward maximumPercent but still hold their resources).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    pub pending: u32,
    pub running: u32,
    pub healthy: u32,
    pub draining: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ActionKind {
    Start,
    BeginDraining,
    Running,
    Healthy,
    Stopped,
    HealthCheckFailed,
    Blocked,
    SteadyState,
    CircuitBreakerTripped,
    RollbackStarted,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Simulated seconds since the deployment began.
    pub t: u32,
    pub kind: ActionKind,
    /// What the scheduler did, in words: "start 2 new", "stop 2 old (begin draining)".
    pub action: String,
    pub old: Counts,
    pub new: Counts,
    pub events: Vec<String>,
    pub instances: Vec<InstanceSnapshot>,
    /// The ledger itself, for the independent checker; not serialised.
    #[serde(skip)]
    pub state: ClusterState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum Outcome {
    Completed,
    Stalled {
        reason: String,
        event: String,
        /// Why, for code that acts on it (the hint); the words are above.
        #[serde(skip)]
        cause: Stall,
    },
    Failed {
        reason: String,
    },
    RolledBack {
        reason: String,
    },
}

/// Why a deployment stopped moving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stall {
    /// A new task cannot be placed, for ECS's reason (§4.4).
    Placement(Reason),
    /// minimumHealthyPercent and maximumPercent allow neither starting nor
    /// stopping a task (§5.1).
    Configuration,
    /// New tasks keep failing their health checks and no circuit breaker
    /// stops the deployment (§5.6).
    HealthChecks,
    /// The simulation's own step limit.
    StepLimit,
}

impl Outcome {
    /// True when the deployment reached a steady state.
    pub fn is_completed(&self) -> bool {
        matches!(self, Outcome::Completed)
    }

    /// The outcome in a few words, as the CLI and the stepper print it:
    /// "completed", "stalled: …", "failed: …", "rolled back: …".
    pub fn describe(&self) -> String {
        match self {
            Outcome::Completed => "completed".to_string(),
            Outcome::Stalled { reason, .. } => format!("stalled: {reason}"),
            Outcome::Failed { reason } => format!("failed: {reason}"),
            Outcome::RolledBack { reason } => format!("rolled back: {reason}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    pub service: String,
    pub desired_count: u32,
    pub min_healthy: u32,
    pub max_tasks: u32,
    pub old_task_definition: String,
    pub new_task_definition: String,
    pub steps: Vec<Step>,
    pub outcome: Outcome,
    /// The plan with the new revision added, which the steps refer to.
    #[serde(skip)]
    pub plan: Plan,
}
