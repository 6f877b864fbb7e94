//! The ECS resources of either shape: the task execution role (pulling
//! images, sending logs), a log group per family, one task definition per
//! family (the revision the plan resolves for it) and a service per
//! service, with its strategies, constraints, deployment configuration,
//! load balancer and, for awsvpc tasks, network configuration.

use serde_json::{json, Map, Value};

use super::bindings::{self, ContainerField, Target};
use super::load_balancing::Attachment;
use super::{logical_id, reference, service_role, Wiring, Writer, METADATA_KEY};
use crate::model::{
    ContainerDefinition, DeploymentConfiguration, NetworkMode, PlacementStrategy, Service,
    TaskDefinition,
};

const EXECUTION_ROLE: &str = "TaskExecutionRole";

/// The execution role, then per family its log group and task definition,
/// then the services.
pub(super) fn write(w: &mut Writer, wiring: &Wiring, attachments: &[Attachment]) {
    let plan = w.plan;
    let mut families: Vec<&str> = Vec::new();
    for td in &plan.task_definitions {
        if !families.contains(&td.family.as_str()) {
            families.push(&td.family);
        }
    }
    if !families.is_empty() {
        w.add(
            EXECUTION_ROLE,
            service_role(
                "ecs-tasks.amazonaws.com",
                "AmazonECSTaskExecutionRolePolicy",
            ),
        );
    }
    for td in families.into_iter().filter_map(|f| plan.task_definition(f)) {
        let log_group = logical_id(&td.family, "LogGroup");
        w.add(&log_group, json!({"Type": "AWS::Logs::LogGroup"}));
        let resource = task_definition(w, td, &log_group);
        w.add(&logical_id(&td.family, "TaskDefinition"), resource);
    }
    for s in &plan.services {
        if let Some(td) = plan.task_definition(&s.task_definition) {
            let attachment = attachments.iter().find(|a| a.service == s.service_name);
            let resource = service(w, s, td, wiring, attachment);
            w.add(&logical_id(&s.service_name, "Service"), resource);
        }
    }
}

/// PortMappings: a bridge container's absent host port is 0, dynamic (§3.2).
fn port_mappings(td: &TaskDefinition, c: &ContainerDefinition) -> Value {
    let ports: Vec<Value> = c
        .port_mappings
        .iter()
        .map(|p| {
            let mut pm = Map::new();
            pm.insert("ContainerPort".into(), json!(p.container_port));
            match (td.network_mode, p.host_port) {
                (NetworkMode::Bridge, h) => {
                    pm.insert("HostPort".into(), json!(h.unwrap_or(0)));
                }
                (_, Some(h)) => {
                    pm.insert("HostPort".into(), json!(h));
                }
                _ => {}
            }
            pm.insert("Protocol".into(), json!(p.protocol.as_str()));
            Value::Object(pm)
        })
        .collect();
    json!(ports)
}

/// A container in CloudFormation's names, its logs sent to the family's log group.
fn container(w: &Writer, td: &TaskDefinition, c: &ContainerDefinition, log_group: &str) -> Value {
    let target = |field| Target::Container {
        family: td.family.clone(),
        container: c.name.clone(),
        field,
    };
    let mut m = Map::new();
    m.insert("Name".into(), json!(c.name));
    let image = if let Some(p) = w.bound(&target(ContainerField::Image)) {
        reference(p)
    } else if let Some(p) = w.bound(&target(ContainerField::ImageTag)) {
        let (repo, _) = bindings::split_image(&c.image);
        json!({ "Fn::Sub": format!("{repo}:${{{p}}}") })
    } else {
        json!(c.image)
    };
    m.insert("Image".into(), image);
    m.insert(
        "Cpu".into(),
        w.bound_or(&target(ContainerField::Cpu), json!(c.cpu)),
    );
    if let Some(mem) = c.memory {
        m.insert(
            "Memory".into(),
            w.bound_or(&target(ContainerField::Memory), json!(mem)),
        );
    }
    if let Some(r) = c.memory_reservation {
        m.insert(
            "MemoryReservation".into(),
            w.bound_or(&target(ContainerField::MemoryReservation), json!(r)),
        );
    }
    // Only as the plan has it: absent is ECS's own default, true.
    if let Some(essential) = c.essential {
        m.insert("Essential".into(), json!(essential));
    }
    if !c.port_mappings.is_empty() {
        m.insert("PortMappings".into(), port_mappings(td, c));
    }
    if !c.environment.is_empty() {
        let env: Vec<Value> = c
            .environment
            .iter()
            .map(|kv| json!({"Name": kv.name, "Value": kv.value}))
            .collect();
        m.insert("Environment".into(), json!(env));
    }
    if !c.entry_point.is_empty() {
        m.insert("EntryPoint".into(), json!(c.entry_point));
    }
    if !c.command.is_empty() {
        m.insert("Command".into(), json!(c.command));
    }
    // GPUs (§10.4) and any other requirement, as the plan has them.
    if let Some(list) = c
        .extra
        .get("resourceRequirements")
        .and_then(Value::as_array)
    {
        let items: Vec<Value> = list
            .iter()
            .map(|r| json!({"Type": r.get("type"), "Value": r.get("value")}))
            .collect();
        m.insert("ResourceRequirements".into(), json!(items));
    }
    m.insert(
        "LogConfiguration".into(),
        json!({"LogDriver": "awslogs", "Options": {
            "awslogs-group": w.resource(log_group),
            "awslogs-region": reference("AWS::Region"),
            "awslogs-stream-prefix": td.family}}),
    );
    Value::Object(m)
}

/// PlacementConstraints, in CloudFormation's names.
fn constraints(list: &[crate::model::PlacementConstraint]) -> Value {
    json!(list
        .iter()
        .map(|c| typed(c.kind, "Expression", c.expression.as_ref()))
        .collect::<Vec<_>>())
}

/// `{"Type": kind}`, with `key: value` when there is a value.
fn typed(kind: impl serde::Serialize, key: &str, value: Option<&String>) -> Value {
    let mut m = Map::new();
    m.insert(
        "Type".into(),
        serde_json::to_value(kind).expect("enum serialises"),
    );
    if let Some(v) = value {
        m.insert(key.into(), json!(v));
    }
    Value::Object(m)
}

/// One family's task definition resource, its revision kept in metadata.
fn task_definition(w: &Writer, td: &TaskDefinition, log_group: &str) -> Value {
    let mut props = Map::new();
    props.insert("Family".into(), json!(td.family));
    props.insert(
        "ExecutionRoleArn".into(),
        w.attribute(EXECUTION_ROLE, "Arn"),
    );
    props.insert("NetworkMode".into(), json!(td.network_mode.as_str()));
    let compatibilities = td.requires_compatibilities();
    let compatibilities = if compatibilities.is_empty() {
        vec!["EC2"]
    } else {
        compatibilities
    };
    props.insert("RequiresCompatibilities".into(), json!(compatibilities));
    if let Some(c) = td.cpu {
        props.insert("Cpu".into(), json!(c.0.to_string()));
    }
    if let Some(m) = td.memory {
        props.insert("Memory".into(), json!(m.0.to_string()));
    }
    props.insert(
        "ContainerDefinitions".into(),
        json!(td
            .container_definitions
            .iter()
            .map(|c| container(w, td, c, log_group))
            .collect::<Vec<_>>()),
    );
    if !td.placement_constraints.is_empty() {
        props.insert(
            "PlacementConstraints".into(),
            constraints(&td.placement_constraints),
        );
    }
    json!({"Type": "AWS::ECS::TaskDefinition", "Metadata": {METADATA_KEY: {"revision": td.revision}}, "Properties": Value::Object(props)})
}

/// A service's DeploymentConfiguration (§5.1, §5.6).
fn deployment_configuration(dc: &DeploymentConfiguration) -> Value {
    let mut deployment = Map::new();
    deployment.insert(
        "MinimumHealthyPercent".into(),
        json!(dc.minimum_healthy_percent),
    );
    deployment.insert("MaximumPercent".into(), json!(dc.maximum_percent));
    if let Some(cb) = &dc.deployment_circuit_breaker {
        deployment.insert(
            "DeploymentCircuitBreaker".into(),
            json!({"Enable": cb.enable, "Rollback": cb.rollback}),
        );
    }
    Value::Object(deployment)
}

/// PlacementStrategies, in CloudFormation's names.
fn strategies(list: &[PlacementStrategy]) -> Value {
    json!(list
        .iter()
        .map(|p| typed(p.kind, "Field", p.field.as_ref()))
        .collect::<Vec<_>>())
}

/// The service's registration with its target group, and the health-check
/// grace period, which ECS only accepts with a load balancer.
fn load_balancers(w: &Writer, s: &Service, a: &Attachment, props: &mut Map<String, Value>) {
    props.insert(
        "LoadBalancers".into(),
        json!([{"ContainerName": a.container, "ContainerPort": a.port,
            "TargetGroupArn": w.resource(&a.target_group)}]),
    );
    if let Some(grace) = s.extra.get("healthCheckGracePeriodSeconds") {
        props.insert("HealthCheckGracePeriodSeconds".into(), grace.clone());
    }
}

/// A service resource in the shape's cluster.
fn service(
    w: &Writer,
    s: &Service,
    td: &TaskDefinition,
    wiring: &Wiring,
    attachment: Option<&Attachment>,
) -> Value {
    let mut props = Map::new();
    props.insert("ServiceName".into(), json!(s.service_name));
    props.insert("Cluster".into(), wiring.cluster.clone());
    props.insert("LaunchType".into(), json!(s.launch_type().unwrap_or("EC2")));
    props.insert(
        "TaskDefinition".into(),
        w.resource(&logical_id(&td.family, "TaskDefinition")),
    );
    let daemon = s.extra.get("schedulingStrategy").and_then(Value::as_str) == Some("DAEMON");
    if daemon {
        // ECS refuses a desired count or strategies for a daemon service.
        props.insert("SchedulingStrategy".into(), json!("DAEMON"));
    } else {
        props.insert(
            "DesiredCount".into(),
            w.bound_or(
                &Target::ServiceDesiredCount(s.service_name.clone()),
                json!(s.desired_count),
            ),
        );
    }
    props.insert(
        "DeploymentConfiguration".into(),
        deployment_configuration(&s.deployment_configuration),
    );
    if let Some(kind) = s
        .extra
        .get("deploymentController")
        .and_then(|c| c.get("type"))
    {
        props.insert("DeploymentController".into(), json!({ "Type": kind }));
    }
    if !s.placement_strategy.is_empty() && !daemon {
        props.insert(
            "PlacementStrategies".into(),
            strategies(&s.placement_strategy),
        );
    }
    if !s.placement_constraints.is_empty() {
        props.insert(
            "PlacementConstraints".into(),
            constraints(&s.placement_constraints),
        );
    }
    if td.network_mode == NetworkMode::Awsvpc {
        props.insert(
            "NetworkConfiguration".into(),
            json!({"AwsvpcConfiguration": {"Subnets": wiring.task_subnets,
                "SecurityGroups": wiring.task_security_groups}}),
        );
    }
    let mut resource = json!({"Type": "AWS::ECS::Service"});
    if let Some(a) = attachment {
        load_balancers(w, s, a, &mut props);
        resource["DependsOn"] = json!(a.depends_on);
    }
    let mut meta = json!({"taskDefinition": s.task_definition});
    // Kept whole for the round trip: the template's target group holds the
    // delay but not what the plan recorded of the user's own; a scalable
    // target needs resources the plan does not hold.
    if let Some(lb) = &s.load_balancer {
        meta["loadBalancer"] = json!(lb);
    }
    if let Some(t) = &s.scalable_target {
        meta["scalableTarget"] = json!(t);
    }
    resource["Metadata"] = json!({ METADATA_KEY: meta });
    resource["Properties"] = Value::Object(props);
    resource
}
