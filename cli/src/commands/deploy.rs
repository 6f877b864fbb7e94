//! `berth deploy PLAN.json --service NAME [changes] [settings] [--text]`: a
//! rolling deployment, step by step; exit 1 unless it completes.

use berth_core::model::{CircuitBreaker, Plan};
use berth_core::simulate::{deploy, Change, DeployOptions, ThresholdRule};

use crate::args::{Args, CommandError};
use crate::output::print_deployment;

const OPTIONS: &[&str] = &[
    "--service",
    "--image",
    "--min-healthy",
    "--max-percent",
    "--memory",
    "--cpu",
    "--host-port",
    "--deregistration-delay",
    "--fail-new",
    "--circuit-breaker",
    "--rollback",
    "--legacy-threshold",
    "--text",
];

/// Runs `berth deploy`; the exit code, or why it could not run.
pub fn run(a: &Args) -> Result<u8, CommandError> {
    a.allow(OPTIONS)?;
    let plan = a.plan()?;
    let service = a.required("--service")?;
    let options = options(a, &plan, service)?;
    let d = deploy(&plan, service, &options)
        .map_err(|e| CommandError::Input(format!("deploy: {e}")))?;
    print_deployment(&d, a.flag("--text"));
    Ok(if d.outcome.is_completed() { 0 } else { 1 })
}

/// The change and the deployment's settings the flags ask for.
fn options(a: &Args, plan: &Plan, service: &str) -> Result<DeployOptions, CommandError> {
    let failing_new_tasks = match a.value("--fail-new") {
        Some("all") => u32::MAX,
        _ => a.number("--fail-new")?.unwrap_or(0),
    };
    Ok(DeployOptions {
        change: Change {
            image: a.value("--image").map(str::to_string),
            memory: a.number("--memory")?,
            cpu: a.number("--cpu")?,
            host_port: a.number("--host-port")?,
            ..Change::default()
        },
        minimum_healthy_percent: a.number("--min-healthy")?,
        maximum_percent: a.number("--max-percent")?,
        deregistration_delay: a.number("--deregistration-delay")?,
        circuit_breaker: circuit_breaker(a, plan, service)?,
        threshold_rule: if a.flag("--legacy-threshold") {
            ThresholdRule::Legacy
        } else {
            ThresholdRule::Current
        },
        failing_new_tasks,
        ..DeployOptions::default()
    })
}

/// `--circuit-breaker` and `--rollback` over the service's own breaker; a
/// flag not given keeps the service's setting (enable defaults to on,
/// rollback to off, as in ECS's console).
fn circuit_breaker(
    a: &Args,
    plan: &Plan,
    service: &str,
) -> Result<Option<CircuitBreaker>, CommandError> {
    let current = plan.service(service).and_then(|s| {
        s.deployment_configuration
            .deployment_circuit_breaker
            .clone()
    });
    Ok(
        match (a.on_off("--circuit-breaker")?, a.on_off("--rollback")?) {
            (None, None) => None,
            (enable, rollback) => Some(CircuitBreaker {
                enable: enable
                    .or(current.as_ref().map(|c| c.enable))
                    .unwrap_or(true),
                rollback: rollback
                    .or(current.as_ref().map(|c| c.rollback))
                    .unwrap_or(false),
            }),
        },
    )
}
