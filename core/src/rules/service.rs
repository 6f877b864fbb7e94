//! Rules about services (§4.2, §5): names, task definitions, deployment
//! configuration, strategies, constraints, load balancers; and about
//! standalone tasks and pins.

use std::collections::{BTreeMap, BTreeSet};

use super::constraints::constraint_rules;
use super::{Out, MAX_CONSTRAINTS, MAX_STRATEGIES};
use crate::model::{Plan, Service, StrategyType};

pub(super) fn service_rules(plan: &Plan, out: &mut Out) {
    let mut names = BTreeSet::new();
    for (i, s) in plan.services.iter().enumerate() {
        let path = format!("$.services[{i}]");
        if !names.insert(s.service_name.as_str()) {
            out.error(
                "E1016",
                format!("{path}.serviceName"),
                format!("service name \"{}\" is used twice", s.service_name),
            );
        }
        one_service(plan, s, &path, out);
    }
    standalone_task_rules(plan, out);
    pin_rules(plan, out);
}

/// One service: its task definition, deployment configuration (§5.1),
/// strategies (§4.2), constraints (§4.3) and load balancer.
fn one_service(plan: &Plan, s: &Service, path: &str, out: &mut Out) {
    let td = plan.task_definition(&s.task_definition);
    if td.is_none() {
        out.error("E1002", format!("{path}.taskDefinition"), format!(
            "unknown task definition \"{}\": no family (or family:revision) of that name in taskDefinitions", s.task_definition));
    }
    let dc = &s.deployment_configuration;
    if dc.minimum_healthy_percent > 100 {
        out.error(
            "E1015",
            format!("{path}.deploymentConfiguration.minimumHealthyPercent"),
            format!(
                "minimumHealthyPercent {} must be between 0 and 100",
                dc.minimum_healthy_percent
            ),
        );
    }
    if dc.maximum_percent < 100 {
        out.error(
            "E1015",
            format!("{path}.deploymentConfiguration.maximumPercent"),
            format!("maximumPercent {} must be at least 100", dc.maximum_percent),
        );
    }
    strategy_rules(s, path, out);
    constraint_rules(
        &s.placement_constraints,
        &format!("{path}.placementConstraints"),
        out,
        false,
    );
    let total = s.placement_constraints.len() + td.map_or(0, |t| t.placement_constraints.len());
    if total > MAX_CONSTRAINTS {
        out.error(
            "E1013",
            format!("{path}.placementConstraints"),
            format!("{total} placement constraints; a task can have at most {MAX_CONSTRAINTS}"),
        );
    }
    if let Some(t) = &s.scalable_target {
        scalable_target_rules(s, t, path, out);
    }
    if let Some(lb) = &s.load_balancer {
        if lb.deregistration_delay_seconds > 3600 {
            out.error(
                "E1015",
                format!("{path}.loadBalancer.deregistrationDelaySeconds"),
                format!(
                    "deregistration delay {} s must be between 0 and 3600",
                    lb.deregistration_delay_seconds
                ),
            );
        }
    }
}

/// A scalable target keeps desiredCount in its range: registering it moves
/// the count inside, and scaling never leaves it (Application Auto Scaling,
/// RegisterScalableTarget). A plan outside the range plans tasks that will
/// not run, or misses tasks that will.
fn scalable_target_rules(s: &Service, t: &crate::model::ScalableTarget, path: &str, out: &mut Out) {
    if t.min_capacity > t.max_capacity {
        out.error(
            "E1029",
            format!("{path}.scalableTarget"),
            format!(
                "MinCapacity {} is greater than MaxCapacity {}",
                t.min_capacity, t.max_capacity
            ),
        );
        return;
    }
    let inside = s.desired_count.clamp(t.min_capacity, t.max_capacity);
    if inside != s.desired_count {
        out.warn(
            "W2009",
            format!("{path}.desiredCount"),
            format!(
                "desiredCount {} is outside its scalable target's {}–{}: registering the target sets it to {inside}",
                s.desired_count, t.min_capacity, t.max_capacity
            ),
        );
    }
}

/// §4.2: at most five strategies, each with the field its type needs.
fn strategy_rules(s: &Service, path: &str, out: &mut Out) {
    if s.placement_strategy.len() > MAX_STRATEGIES {
        out.error(
            "E1014",
            format!("{path}.placementStrategy"),
            format!(
                "{} placement strategies; a service can have at most {MAX_STRATEGIES}",
                s.placement_strategy.len()
            ),
        );
    }
    for (k, st) in s.placement_strategy.iter().enumerate() {
        let spath = format!("{path}.placementStrategy[{k}].field");
        let field = st.field.as_deref();
        match st.kind {
            StrategyType::Binpack => {
                if !field.is_some_and(|f| {
                    f.eq_ignore_ascii_case("cpu") || f.eq_ignore_ascii_case("memory")
                }) {
                    out.error("E1014", spath, "binpack needs field cpu or memory".into());
                }
            }
            StrategyType::Spread => {
                if field.is_none_or(str::is_empty) {
                    out.error(
                        "E1014",
                        spath,
                        "spread needs a field: instanceId, host or attribute:<name>".into(),
                    );
                }
            }
            StrategyType::Random => {
                if field.is_some() {
                    out.error("E1014", spath, "random takes no field".into());
                }
            }
        }
    }
}

/// Standalone tasks: a task definition that exists, constraints that parse.
fn standalone_task_rules(plan: &Plan, out: &mut Out) {
    for (i, t) in plan.tasks.iter().enumerate() {
        if plan.task_definition(&t.task_definition).is_none() {
            out.error(
                "E1002",
                format!("$.tasks[{i}].taskDefinition"),
                format!("unknown task definition \"{}\"", t.task_definition),
            );
        }
        constraint_rules(
            &t.placement_constraints,
            &format!("$.tasks[{i}].placementConstraints"),
            out,
            false,
        );
    }
}

/// Pins: to a service that exists, no more than its desiredCount, on an
/// instance the cluster has.
fn pin_rules(plan: &Plan, out: &mut Out) {
    let instances: BTreeSet<String> = crate::model::cluster::container_instances(plan)
        .into_iter()
        .map(|i| i.id)
        .collect();
    let mut pins: BTreeMap<&str, u32> = BTreeMap::new();
    for (i, p) in plan.pins.iter().enumerate() {
        let path = format!("$.pins[{i}]");
        match plan.service(&p.service) {
            None => out.error(
                "E1025",
                format!("{path}.service"),
                format!("pin names unknown service \"{}\"", p.service),
            ),
            Some(s) => {
                let n = pins.entry(s.service_name.as_str()).or_default();
                *n += 1;
                if *n > s.desired_count {
                    out.error(
                        "E1025",
                        path.clone(),
                        format!(
                            "service {} has more pinned tasks ({n}) than its desiredCount ({})",
                            s.service_name, s.desired_count
                        ),
                    );
                }
            }
        }
        if !instances.contains(&p.instance) {
            out.error(
                "E1025",
                format!("{path}.instance"),
                format!("pin names unknown container instance \"{}\"", p.instance),
            );
        }
    }
}
