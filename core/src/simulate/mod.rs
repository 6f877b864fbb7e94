//! Rolling deployments (§5), scaling and run-task, simulated step by step on
//! the same per-instance ledger that placement uses.
//!
//! The scheduler model is §5.4's loop: start as many new tasks as
//! maximumPercent allows (each through placement, §4), then stop as many old
//! tasks as minimumHealthyPercent allows. A stopped task drains from the load
//! balancer and keeps its CPU, memory and static ports until the deregistration
//! delay and the stop timeout have passed (§5.8). The order inside one
//! scheduler tick (start before stop) is not documented by AWS (§5.4
//! \[UNCONFIRMED\]); Berth starts first, which reproduces every worked example.

//!
//! Files: `options` (what the user asks for), `step` (what each step
//! records), `revision` (the new task definition a change makes), `sim` (the
//! clock and ledger every simulation runs on), `scale_in` (which task stops
//! first), and one file per simulation: `rolling`, `scale`, `run_task`;
//! `hint` says how to get a stopped deployment through; `timeline` is the
//! deployment chart's data.

mod hint;
mod options;
mod revision;
mod rolling;
mod run_task;
mod scale;
mod scale_in;
mod sim;
mod step;
mod timeline;

pub use hint::hint;
pub use options::{Change, DeployOptions, ThresholdRule, Timing};
pub use revision::new_revision;
pub use rolling::deploy;
pub use run_task::{run_task, run_task_as_deployment, run_task_candidates, RunTaskResult};
pub use scale::scale;
pub use step::{
    ActionKind, Counts, Deployment, InstanceSnapshot, Outcome, Stall, Step, TaskSnapshot,
    TaskStatus, Version,
};
pub use timeline::{timeline, Mark, MarkKind, Span, Timeline};

/// §5.3: without a load balancer or health check, a task counts as healthy
/// 40 seconds after it reaches RUNNING.
pub const HEALTHY_AFTER_RUNNING_SECONDS: u32 = 40;
/// How long a one-off task (a migration) runs when the stepper or a
/// walkthrough shows it: a Berth assumption.
pub const ONE_OFF_RUN_SECONDS: u32 = 60;
/// ECS_CONTAINER_STOP_TIMEOUT default on EC2 (§5.8).
pub const DEFAULT_STOP_TIMEOUT_SECONDS: u32 = 30;
/// Guard against a run-away simulation; real rollouts take far fewer steps.
const MAX_STEPS: usize = 20_000;

/// Bad input to the simulator: names the field and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployError {
    /// The option or plan field at fault, as the CLI and the stepper name it.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl std::fmt::Display for DeployError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for DeployError {}

fn err(field: &str, message: impl Into<String>) -> DeployError {
    DeployError {
        field: field.into(),
        message: message.into(),
    }
}

/// §5.1: minHealthy rounds up, maxTasks rounds down.
pub fn limits(desired: u32, min_percent: u32, max_percent: u32) -> (u32, u32) {
    let min = (desired as u64 * min_percent as u64).div_ceil(100) as u32;
    let max = (desired as u64 * max_percent as u64 / 100) as u32;
    (min, max)
}
