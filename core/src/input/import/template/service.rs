//! An `AWS::ECS::Service` resource as a service: its task definition,
//! desired count, deployment configuration, strategies, constraints, load
//! balancer (`load_balancer`) and health check grace period.

use indexmap::IndexMap;
use serde_json::{json, Value};

use super::super::{error, ImportError};
use super::intrinsics::berth_meta;
use super::intrinsics::{Ctx, Resolved};
use super::task_definition::import_constraints;
use crate::model::{
    CircuitBreaker, DeploymentConfiguration, LoadBalancer, PlacementStrategy, Service,
};

pub(super) fn import_service(
    ctx: &mut Ctx,
    id: &str,
    r: &Value,
    props: &Value,
    path: &str,
    family_of: &IndexMap<String, String>,
) -> Result<Service, ImportError> {
    let name = ctx
        .text(
            props.get("ServiceName"),
            &format!("{path}.ServiceName"),
            None,
        )
        .unwrap_or_else(|| id.to_string());
    let td = match ctx.resolve(
        props.get("TaskDefinition").unwrap_or(&Value::Null),
        &format!("{path}.TaskDefinition"),
        None,
    ) {
        Resolved::Resource(r) => family_of.get(&r).cloned().unwrap_or(r),
        // An ARN or family:revision: keep what follows "task-definition/".
        Resolved::Text(t) => t
            .rsplit("task-definition/")
            .next()
            .unwrap_or(&t)
            .to_string(),
        Resolved::NoValue | Resolved::Unresolved => String::new(),
    };
    let td = berth_meta(r, "taskDefinition")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or(td);
    let desired = match props.get("DesiredCount") {
        Some(v) => ctx.number(
            Some(v),
            &format!("{path}.DesiredCount"),
            Some(format!("services[{name}].desiredCount")),
        )?,
        None => Some(1),
    };
    let mut deployment = deployment_configuration(ctx, props, path)?;
    let strategies = placement_strategies(ctx, props, path)?;
    let load_balancer = match berth_meta(r, "loadBalancer") {
        Some(lb) => serde_json::from_value(lb.clone()).ok(),
        None => match berth_meta(r, "deregistrationDelaySeconds").and_then(Value::as_u64) {
            Some(d) => Some(LoadBalancer {
                deregistration_delay_seconds: d as u32,
                extra: Default::default(),
            }),
            None => super::load_balancer::read_load_balancer(ctx, props, path)?,
        },
    };
    let extra = service_extra(ctx, props, path)?;
    daemon_defaults(&extra, props, &mut deployment);
    Ok(Service {
        task_definition: td,
        desired_count: desired.unwrap_or(1),
        deployment_configuration: deployment,
        placement_strategy: strategies,
        placement_constraints: import_constraints(
            ctx,
            props.get("PlacementConstraints"),
            &format!("{path}.PlacementConstraints"),
        )?,
        load_balancer,
        scalable_target: berth_meta(r, "scalableTarget")
            .and_then(|t| serde_json::from_value(t.clone()).ok()),
        extra,
        service_name: name,
    })
}

/// §10.1: a daemon's deployment defaults are 0 % and 100 %, not a
/// replica's, where the template gives none.
fn daemon_defaults(
    extra: &crate::model::Extra,
    props: &Value,
    deployment: &mut DeploymentConfiguration,
) {
    if extra.get("schedulingStrategy").and_then(Value::as_str) != Some("DAEMON") {
        return;
    }
    let given = props.get("DeploymentConfiguration");
    let (min, max) = DeploymentConfiguration::DAEMON_DEFAULTS;
    if given.and_then(|d| d.get("MinimumHealthyPercent")).is_none() {
        deployment.minimum_healthy_percent = min;
    }
    if given.and_then(|d| d.get("MaximumPercent")).is_none() {
        deployment.maximum_percent = max;
    }
}

/// What the plan keeps of a service besides the fields it models: a launch
/// type other than EC2 and the health check grace period, by ECS's names.
fn service_extra(
    ctx: &mut Ctx,
    props: &Value,
    path: &str,
) -> Result<crate::model::Extra, ImportError> {
    let mut extra = crate::model::Extra::new();
    // EC2 is what Berth plans (and writes); only another is kept.
    if let Some(kind) = ctx
        .text(props.get("LaunchType"), &format!("{path}.LaunchType"), None)
        .filter(|kind| kind != "EC2")
    {
        extra.insert("launchType".into(), Value::String(kind));
    }
    if let Some(grace) = ctx.number(
        props.get("HealthCheckGracePeriodSeconds"),
        &format!("{path}.HealthCheckGracePeriodSeconds"),
        None,
    )? {
        extra.insert("healthCheckGracePeriodSeconds".into(), json!(grace));
    }
    // DAEMON: one task on each instance that meets the constraints (§10.1).
    if let Some(strategy) = ctx.text(
        props.get("SchedulingStrategy"),
        &format!("{path}.SchedulingStrategy"),
        None,
    ) {
        extra.insert("schedulingStrategy".into(), json!(strategy));
    }
    if let Some(kind) = props.get("DeploymentController").and_then(|c| {
        ctx.text(
            c.get("Type"),
            &format!("{path}.DeploymentController.Type"),
            None,
        )
    }) {
        extra.insert("deploymentController".into(), json!({"type": kind}));
    }
    if let Some(list) = props
        .get("CapacityProviderStrategy")
        .and_then(Value::as_array)
    {
        let items: Vec<Value> = list
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let ip = format!("{path}.CapacityProviderStrategy[{i}]");
                json!({"capacityProvider": ctx.text(item.get("CapacityProvider"), &format!("{ip}.CapacityProvider"), None)})
            })
            .collect();
        extra.insert("capacityProviderStrategy".into(), Value::Array(items));
    }
    Ok(extra)
}

/// DeploymentConfiguration: the percentages and the circuit breaker (§5.1,
/// §5.6); what the template leaves out keeps ECS's defaults.
fn deployment_configuration(
    ctx: &mut Ctx,
    props: &Value,
    path: &str,
) -> Result<DeploymentConfiguration, ImportError> {
    let dc = props
        .get("DeploymentConfiguration")
        .cloned()
        .unwrap_or(json!({}));
    let dp = format!("{path}.DeploymentConfiguration");
    let mut deployment = DeploymentConfiguration::default();
    if let Some(v) = ctx.number(
        dc.get("MinimumHealthyPercent"),
        &format!("{dp}.MinimumHealthyPercent"),
        None,
    )? {
        deployment.minimum_healthy_percent = v;
    }
    if let Some(v) = ctx.number(
        dc.get("MaximumPercent"),
        &format!("{dp}.MaximumPercent"),
        None,
    )? {
        deployment.maximum_percent = v;
    }
    if let Some(cb) = dc.get("DeploymentCircuitBreaker") {
        let flag = |ctx: &mut Ctx, k: &str| {
            ctx.text(
                cb.get(k),
                &format!("{dp}.DeploymentCircuitBreaker.{k}"),
                None,
            )
            .is_some_and(|s| s == "true")
        };
        deployment.deployment_circuit_breaker = Some(CircuitBreaker {
            enable: flag(ctx, "Enable"),
            rollback: flag(ctx, "Rollback"),
        });
    }
    Ok(deployment)
}

/// PlacementStrategies, each of a type ECS knows.
fn placement_strategies(
    ctx: &mut Ctx,
    props: &Value,
    path: &str,
) -> Result<Vec<PlacementStrategy>, ImportError> {
    let mut strategies = Vec::new();
    for (i, s) in props
        .get("PlacementStrategies")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let p = format!("{path}.PlacementStrategies[{i}]");
        let kind = ctx
            .text(s.get("Type"), &format!("{p}.Type"), None)
            .unwrap_or_default();
        strategies.push(PlacementStrategy {
            kind: serde_json::from_value(json!(kind.to_ascii_lowercase()))
                .map_err(|_| error(format!("{p}.Type"), format!("unknown strategy \"{kind}\"")))?,
            field: ctx.text(s.get("Field"), &format!("{p}.Field"), None),
        });
    }
    Ok(strategies)
}
