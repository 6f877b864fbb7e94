//! What a simulation records at each step: the counts of old and new tasks,
//! the events ECS would show, every instance's tasks, and the ledger itself
//! (which the board draws); and how the simulation ended.

use serde::Serialize;

use crate::model::Plan;
use crate::placement::{ClusterState, HostPort, Owner, Reason};

/// Which side of the deployment a task is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Version {
    /// A task of the revision being replaced.
    Old,
    /// A task of the revision being deployed.
    New,
    /// Tasks of other services (or of this one, outside the deployment).
    Other,
}

impl Version {
    /// The word steps and chips use: "new", else "old".
    pub fn word(self) -> &'static str {
        match self {
            Version::New => "new",
            _ => "old",
        }
    }
}

/// Where a task is in its life, as the deployment counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    /// Placed and starting (ECS's PROVISIONING/PENDING): holds its resources, not yet running.
    Pending,
    /// Running, but not yet healthy (health-check grace period or checks pending).
    Running,
    /// Running and passing its health checks: counts toward minimumHealthyPercent.
    Healthy,
    /// Stopping: deregistering from the load balancer, then the stop timeout.
    Draining,
}

/// One task on an instance at a step of the simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskSnapshot {
    /// The simulation's number for the task, unique within a deployment.
    pub task_id: u32,
    /// The service or standalone task definition it belongs to.
    #[serde(flatten)]
    pub owner: Owner,
    /// The task definition (family:revision) the task runs.
    pub task_definition_arn: String,
    /// Old, new or another service's.
    pub version: Version,
    /// Where the task is in its life.
    pub status: TaskStatus,
    /// CPU units the task reserves on its instance.
    pub cpu: u32,
    /// Memory (MiB) the task reserves on its instance: the reservation, else the hard limit.
    pub memory: u32,
    /// The host ports the task holds.
    pub host_ports: Vec<HostPort>,
}

/// One container instance at a step of the simulation, with its tasks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceSnapshot {
    /// The instance's id on the board.
    pub id: String,
    /// Its EC2 instance type.
    pub instance_type: String,
    /// Its Availability Zone.
    pub availability_zone: String,
    /// CPU units the instance registers with ECS.
    pub registered_cpu: u32,
    /// Memory (MiB) the instance registers with ECS.
    pub registered_memory: u32,
    /// CPU units left after its tasks.
    pub remaining_cpu: u32,
    /// Memory (MiB) left after its tasks.
    pub remaining_memory: u32,
    /// The tasks on it, pending, running, healthy or draining.
    pub tasks: Vec<TaskSnapshot>,
}

/// Counts of the deployment's tasks (draining ones are counted apart: they no
/// longer count toward maximumPercent but still hold their resources).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    /// Tasks placed and starting.
    pub pending: u32,
    /// Tasks running, healthy ones included.
    pub running: u32,
    /// Tasks running and healthy.
    pub healthy: u32,
    /// Tasks stopping (draining).
    pub draining: u32,
}

impl Counts {
    /// The counts in words, as the stepper shows them beside the board:
    /// "1 pending, 3 running (2 healthy), 1 draining".
    pub fn describe(&self) -> String {
        format!(
            "{} pending, {} running ({} healthy), {} draining",
            self.pending, self.running, self.healthy, self.draining
        )
    }
}

/// What kind of thing happened at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ActionKind {
    /// New tasks were placed.
    Start,
    /// Old tasks were told to stop and began draining.
    BeginDraining,
    /// Started tasks reached RUNNING.
    Running,
    /// Running tasks passed their health checks.
    Healthy,
    /// Draining tasks stopped and gave back their resources.
    Stopped,
    /// A new task failed its health checks and was stopped.
    HealthCheckFailed,
    /// The scheduler could do nothing this step (placement or the percentages).
    Blocked,
    /// The service reached a steady state: the deployment is over.
    SteadyState,
    /// The deployment circuit breaker stopped the deployment (§5.6).
    CircuitBreakerTripped,
    /// The circuit breaker began rolling back to the last completed revision.
    RollbackStarted,
}

/// One step of a deployment: what happened, the counts after it, ECS's events and the cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Simulated seconds since the deployment began.
    pub t: u32,
    /// What kind of thing happened.
    pub kind: ActionKind,
    /// What the scheduler did, in words: "start 2 new", "stop 2 old (begin draining)".
    pub action: String,
    /// The deployment's old-revision tasks after this step.
    pub old: Counts,
    /// The deployment's new-revision tasks after this step.
    pub new: Counts,
    /// The service events ECS would show for this step, in its words.
    pub events: Vec<String>,
    /// Every container instance and its tasks after this step.
    pub instances: Vec<InstanceSnapshot>,
    /// The ledger itself, for the independent checker; not serialised.
    #[serde(skip)]
    pub state: ClusterState,
}

impl Step {
    /// Both versions' counts in words: "old … · new …".
    pub fn describe_counts(&self) -> String {
        format!("old {} · new {}", self.old.describe(), self.new.describe())
    }
}

/// How a simulated deployment ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum Outcome {
    /// The service reached a steady state on the new revision.
    Completed,
    /// The deployment stopped moving and would wait for ever.
    Stalled {
        /// Why, in words.
        reason: String,
        /// The service event ECS would repeat while stalled.
        event: String,
        /// Why, for code that acts on it (the hint); the words are above.
        #[serde(skip)]
        cause: Stall,
    },
    /// The deployment circuit breaker failed the deployment without rollback.
    Failed {
        /// Why, in words.
        reason: String,
    },
    /// The circuit breaker failed the deployment and rolled back.
    RolledBack {
        /// Why, in words.
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

/// A rolling deployment, step by step, and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// The service deployed.
    pub service: String,
    /// The service's desiredCount.
    pub desired_count: u32,
    /// The fewest healthy tasks minimumHealthyPercent allows (a count, rounded up).
    pub min_healthy: u32,
    /// The most tasks maximumPercent allows (a count, rounded down).
    pub max_tasks: u32,
    /// The minimumHealthyPercent the deployment ran under.
    pub minimum_healthy_percent: u32,
    /// The maximumPercent the deployment ran under.
    pub maximum_percent: u32,
    /// The task definition (family:revision) being replaced.
    pub old_task_definition: String,
    /// The task definition (family:revision) being deployed.
    pub new_task_definition: String,
    /// Every step, from the first start to the outcome.
    pub steps: Vec<Step>,
    /// How the deployment ended.
    pub outcome: Outcome,
    /// The plan with the new revision added, which the steps refer to.
    #[serde(skip)]
    pub plan: Plan,
}
