//! Nothing ECS acts on is ignored silently (issue 17, item 5): a field that
//! changes where or how ECS runs tasks, and that Berth does not model yet,
//! is a warning (W2010) naming what ECS does with it and what Berth plans
//! instead, so that a clean `check` means the answer can be trusted.
//! Sources: ecs-semantics.md §10 (the query language's subjects, GPUs) and
//! the ECS Developer Guide on deployment controllers and capacity providers.
//! (`task:group`, DAEMON scheduling and GPUs are modelled; a GPU type whose
//! count Berth does not have is said.)

use super::Out;
use crate::model::{PlacementConstraint, Plan};

const CODE: &str = "W2010";

pub(super) fn unmodelled_rules(plan: &Plan, out: &mut Out) {
    for (i, s) in plan.services.iter().enumerate() {
        let path = format!("$.services[{i}]");
        if let Some(kind) = s.other_deployment_controller() {
            out.warn(
                CODE,
                format!("{path}.deploymentController.type"),
                format!(
                    "the {kind} deployment controller is not modelled by Berth: its deployment \
                     steps are ECS's rolling update, which a {kind} deployment does not follow"
                ),
            );
        }
        if s.extra.contains_key("capacityProviderStrategy") {
            out.warn(
                CODE,
                format!("{path}.capacityProviderStrategy"),
                "capacity providers are not modelled by Berth: it places the service's tasks \
                 on the plan's instance groups, as launch type EC2"
                    .into(),
            );
        }
        expression_rules(
            &s.placement_constraints,
            &format!("{path}.placementConstraints"),
            out,
        );
    }
    for (i, td) in plan.task_definitions.iter().enumerate() {
        let path = format!("$.taskDefinitions[{i}]");
        expression_rules(
            &td.placement_constraints,
            &format!("{path}.placementConstraints"),
            out,
        );
        for (j, c) in td.container_definitions.iter().enumerate() {
            unreadable_gpus(c, &format!("{path}.containerDefinitions[{j}]"), out);
        }
    }
    gpu_types_unknown(plan, out);
}

/// A GPU requirement whose value is not a whole number: Berth reserves
/// none for it.
fn unreadable_gpus(c: &crate::model::ContainerDefinition, path: &str, out: &mut Out) {
    use crate::model::gpus::{gpu_requirements, gpu_value};
    for v in gpu_requirements(c).filter(|v| gpu_value(*v).is_none()) {
        out.warn(
            CODE,
            format!("{path}.resourceRequirements"),
            format!(
                "a GPU requirement of {} is not a whole number of GPUs: Berth reserves none for it",
                v.map_or("no value".to_string(), |v| format!("\"{v}\""))
            ),
        );
    }
}

/// §10.4: where a task asks for GPUs, a group of a GPU type whose count
/// Berth's catalogue does not have registers none here, which ECS would not.
fn gpu_types_unknown(plan: &Plan, out: &mut Out) {
    let asks = plan.task_definitions.iter().any(|td| {
        td.container_definitions
            .iter()
            .any(|c| crate::model::gpus::container_gpus(c) > 0)
    });
    if !asks {
        return;
    }
    for (i, g) in plan.cluster.instance_groups.iter().enumerate() {
        if crate::model::gpus::gpu_count(&g.instance_type) == crate::model::gpus::GpuCount::Unknown
        {
            out.warn(
                CODE,
                format!("$.cluster.instanceGroups[{i}].instanceType"),
                format!(
                    "Berth does not know how many GPUs a {} has: it places no GPU task on \
                     group {}, where ECS would use the GPUs the instances register",
                    g.instance_type, g.name
                ),
            );
        }
    }
}

/// Each memberOf expression's subjects that Berth cannot know.
fn expression_rules(constraints: &[PlacementConstraint], path: &str, out: &mut Out) {
    for (k, c) in constraints.iter().enumerate() {
        unknowable_subjects(
            c.expression.as_deref().unwrap_or(""),
            &format!("{path}[{k}].expression"),
            out,
        );
    }
}

/// Subjects of the cluster query language (ecs-semantics.md §10.3) whose
/// value an instance has in an account and not on a plan: its AMI, VPC and
/// subnet, when it registered, its agent, how many tasks it
/// runs now. Berth reads them as absent, which `check` says.
const UNKNOWABLE: &[&str] = &[
    "attribute:ecs.ami-id",
    "attribute:ecs.vpc-id",
    "attribute:ecs.subnet-id",
    "registeredAt",
    "agentConnected",
    "agentVersion",
    "runningTasksCount",
];

fn unknowable_subjects(expression: &str, path: &str, out: &mut Out) {
    let used: Vec<&str> = UNKNOWABLE
        .iter()
        .copied()
        .filter(|s| {
            expression
                .split(|c: char| c.is_whitespace() || "()!".contains(c))
                .any(|w| w == *s)
        })
        .collect();
    if !used.is_empty() {
        out.warn(
            CODE,
            path.to_string(),
            format!(
                "{} has a value only on a running instance: Berth reads it as absent, so this \
                 expression may admit other instances than ECS's",
                used.join(", ")
            ),
        );
    }
}
