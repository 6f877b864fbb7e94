//! The CloudFormation template Berth writes for a plan (§6.1): the
//! Parameters section, an ECS cluster, one launch template and Auto Scaling
//! group per instance group, and AWS::ECS::TaskDefinition / AWS::ECS::Service
//! per task definition and service. Fields bound to parameters are written as
//! `Ref` (or `Fn::Sub` for an image tag). Berth's own names ride in each
//! resource's Metadata so that an import restores them exactly.

use serde_json::{json, Map, Value};

use super::bindings::{self, ContainerField, Target};
use super::params::{parameters, AWSVPC_SUBNETS};
use crate::model::{
    ContainerDefinition, DeploymentConfiguration, InstanceGroup, NetworkMode, PlacementStrategy,
    Plan, Service, TaskDefinition,
};

/// The Metadata key under which Berth keeps in a template what it needs to read the plan back.
pub const METADATA_KEY: &str = "Berth";

/// A logical ID from a name: alphanumerics only, PascalCase.
pub fn logical_id(name: &str, suffix: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'X');
    }
    out + suffix
}

/// The parameter bound to a target, if any.
fn bound(plan: &Plan, target: &Target) -> Option<String> {
    let cfn = plan.cloud_formation.as_ref()?;
    cfn.bindings
        .iter()
        .find(|(name, paths)| {
            cfn.parameters.contains_key(*name)
                && paths
                    .iter()
                    .any(|path| bindings::parse(path).ok().as_ref() == Some(target))
        })
        .map(|(name, _)| name.clone())
}

fn reference(name: String) -> Value {
    json!({ "Ref": name })
}

fn container(plan: &Plan, td: &TaskDefinition, c: &ContainerDefinition) -> Value {
    let target = |field| Target::Container {
        family: td.family.clone(),
        container: c.name.clone(),
        field,
    };
    let mut m = Map::new();
    m.insert("Name".into(), json!(c.name));
    let image = if let Some(p) = bound(plan, &target(ContainerField::Image)) {
        reference(p)
    } else if let Some(p) = bound(plan, &target(ContainerField::ImageTag)) {
        let (repo, _) = bindings::split_image(&c.image);
        json!({ "Fn::Sub": format!("{repo}:${{{p}}}") })
    } else {
        json!(c.image)
    };
    m.insert("Image".into(), image);
    m.insert(
        "Cpu".into(),
        bound(plan, &target(ContainerField::Cpu)).map_or(json!(c.cpu), reference),
    );
    if let Some(mem) = c.memory {
        m.insert(
            "Memory".into(),
            bound(plan, &target(ContainerField::Memory)).map_or(json!(mem), reference),
        );
    }
    if let Some(r) = c.memory_reservation {
        m.insert(
            "MemoryReservation".into(),
            bound(plan, &target(ContainerField::MemoryReservation)).map_or(json!(r), reference),
        );
    }
    m.insert("Essential".into(), json!(c.is_essential()));
    if !c.port_mappings.is_empty() {
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
        m.insert("PortMappings".into(), json!(ports));
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
    Value::Object(m)
}

fn constraints(list: &[crate::model::PlacementConstraint]) -> Value {
    json!(list
        .iter()
        .map(|c| {
            let mut m = Map::new();
            m.insert(
                "Type".into(),
                serde_json::to_value(c.kind).expect("enum serialises"),
            );
            if let Some(e) = &c.expression {
                m.insert("Expression".into(), json!(e));
            }
            Value::Object(m)
        })
        .collect::<Vec<_>>())
}

/// The template as a JSON value; [`super::yaml::to_yaml`] writes it as YAML.
pub fn write_template(plan: &Plan) -> Value {
    let mut resources = Map::new();
    resources.insert(
        CLUSTER_ID.to_string(),
        json!({"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": plan.cluster.cluster_name}}),
    );
    for g in &plan.cluster.instance_groups {
        let lt = logical_id(&g.name, "LaunchTemplate");
        resources.insert(lt.clone(), launch_template(plan, g));
        resources.insert(
            logical_id(&g.name, "AutoScalingGroup"),
            auto_scaling_group(plan, g, lt),
        );
    }
    // One task definition per family: the revision the plan resolves for it.
    let mut families: Vec<&str> = Vec::new();
    for td in &plan.task_definitions {
        if !families.contains(&td.family.as_str()) {
            families.push(&td.family);
        }
    }
    for td in families.into_iter().filter_map(|f| plan.task_definition(f)) {
        resources.insert(
            logical_id(&td.family, "TaskDefinition"),
            task_definition(plan, td),
        );
    }
    for s in &plan.services {
        if let Some(td) = plan.task_definition(&s.task_definition) {
            resources.insert(logical_id(&s.service_name, "Service"), service(plan, s, td));
        }
    }

    let mut t = Map::new();
    t.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    t.insert(
        "Description".into(),
        json!(format!("ECS services planned with Berth: {}", plan.name)),
    );
    t.insert("Metadata".into(), json!({ METADATA_KEY: metadata(plan) }));
    let params = parameters(plan);
    if !params.is_empty() {
        t.insert(
            "Parameters".into(),
            serde_json::to_value(&params).expect("parameters serialise"),
        );
    }
    t.insert("Resources".into(), Value::Object(resources));
    Value::Object(t)
}

/// The cluster's logical id; services name it with a Ref.
const CLUSTER_ID: &str = "EcsCluster";

/// The ECS agent reads its settings from /etc/ecs/ecs.config (§1.2, §3.4):
/// the cluster to join, the memory to keep back, the reserved ports.
fn user_data(plan: &Plan, g: &InstanceGroup) -> String {
    let mut user_data =
        String::from("#!/bin/bash\necho ECS_CLUSTER=${EcsCluster} >> /etc/ecs/ecs.config\n");
    if g.reserved_memory > 0 {
        user_data.push_str(&format!(
            "echo ECS_RESERVED_MEMORY={} >> /etc/ecs/ecs.config\n",
            g.reserved_memory
        ));
    }
    let ports: Vec<String> = plan
        .cluster
        .reserved_ports
        .iter()
        .map(u16::to_string)
        .collect();
    user_data.push_str(&format!(
        "echo 'ECS_RESERVED_PORTS=[{}]' >> /etc/ecs/ecs.config\n",
        ports.join(",")
    ));
    if !g.attributes.is_empty() {
        // In single quotes for the shell; a quote inside ends and reopens them.
        let attributes = serde_json::to_string(&g.attributes)
            .unwrap_or_default()
            .replace('\'', "'\\''");
        user_data.push_str(&format!(
            "echo 'ECS_INSTANCE_ATTRIBUTES={attributes}' >> /etc/ecs/ecs.config\n"
        ));
    }
    user_data
}

/// A group's launch template: its instance type (or the parameter bound to
/// it), the plan's AMI parameter when it declares one, and the user data.
fn launch_template(plan: &Plan, g: &InstanceGroup) -> Value {
    let itype = bound(plan, &Target::GroupInstanceType(g.name.clone()))
        .map_or(json!(g.instance_type), reference);
    let mut lt_data = Map::new();
    lt_data.insert("InstanceType".into(), itype);
    if let Some(ami) = plan.cloud_formation.as_ref().and_then(|c| {
        c.parameters
            .iter()
            .find(|(_, p)| {
                p.kind == "AWS::EC2::Image::Id" || p.kind.contains("AWS::EC2::Image::Id")
            })
            .map(|(n, _)| n.clone())
    }) {
        lt_data.insert("ImageId".into(), reference(ami));
    }
    lt_data.insert(
        "UserData".into(),
        json!({"Fn::Base64": {"Fn::Sub": user_data(plan, g)}}),
    );
    json!({"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": Value::Object(lt_data)}})
}

/// A group's Auto Scaling group, with what Berth needs to read the group
/// back (reserved and registered memory, trunking) in its metadata.
fn auto_scaling_group(plan: &Plan, g: &InstanceGroup, lt: String) -> Value {
    let count = bound(plan, &Target::GroupCount(g.name.clone()))
        .map_or(json!(g.count.to_string()), reference);
    let mut asg_props = Map::new();
    // The plan's sizes when it has them; else a range the count can move in.
    asg_props.insert("MinSize".into(), json!(g.min_size.unwrap_or(0).to_string()));
    asg_props.insert(
        "MaxSize".into(),
        json!(g
            .max_size
            .unwrap_or_else(|| g.count.max(1).saturating_mul(2))
            .to_string()),
    );
    asg_props.insert("DesiredCapacity".into(), count);
    asg_props.insert("LaunchTemplate".into(), json!({"LaunchTemplateId": {"Ref": lt}, "Version": {"Fn::GetAtt": [lt, "LatestVersionNumber"]}}));
    if !g.availability_zones.is_empty() {
        asg_props.insert("AvailabilityZones".into(), json!(g.availability_zones));
    }
    let mut meta = json!({"group": g.name, "instanceType": g.instance_type, "count": g.count});
    if g.reserved_memory > 0 {
        meta["reservedMemory"] = json!(g.reserved_memory);
    }
    if let Some(r) = g.registered_memory {
        meta["registeredMemory"] = json!(r);
    }
    if g.awsvpc_trunking {
        meta["awsvpcTrunking"] = json!(true);
    }
    if let Some(n) = g.min_size {
        meta["minSize"] = json!(n);
    }
    if let Some(n) = g.max_size {
        meta["maxSize"] = json!(n);
    }
    json!({"Type": "AWS::AutoScaling::AutoScalingGroup", "Metadata": {METADATA_KEY: meta}, "Properties": Value::Object(asg_props)})
}

/// One family's task definition resource, its revision kept in metadata.
fn task_definition(plan: &Plan, td: &TaskDefinition) -> Value {
    let mut props = Map::new();
    props.insert("Family".into(), json!(td.family));
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
            .map(|c| container(plan, td, c))
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
        .map(|p| {
            let mut m = Map::new();
            m.insert(
                "Type".into(),
                serde_json::to_value(p.kind).expect("enum serialises"),
            );
            if let Some(f) = &p.field {
                m.insert("Field".into(), json!(f));
            }
            Value::Object(m)
        })
        .collect::<Vec<_>>())
}

/// A service resource on the EC2 launch type, in the template's cluster.
fn service(plan: &Plan, s: &Service, td: &TaskDefinition) -> Value {
    let mut props = Map::new();
    props.insert("ServiceName".into(), json!(s.service_name));
    props.insert("Cluster".into(), reference(CLUSTER_ID.to_string()));
    props.insert("LaunchType".into(), json!(s.launch_type().unwrap_or("EC2")));
    props.insert(
        "TaskDefinition".into(),
        reference(logical_id(&td.family, "TaskDefinition")),
    );
    props.insert(
        "DesiredCount".into(),
        bound(plan, &Target::ServiceDesiredCount(s.service_name.clone()))
            .map_or(json!(s.desired_count), reference),
    );
    props.insert(
        "DeploymentConfiguration".into(),
        deployment_configuration(&s.deployment_configuration),
    );
    if !s.placement_strategy.is_empty() {
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
            json!({"AwsvpcConfiguration": {"Subnets": {"Ref": AWSVPC_SUBNETS}}}),
        );
    }
    let mut meta = json!({"taskDefinition": s.task_definition});
    // Kept whole for the round trip: writing LoadBalancers or a scalable
    // target needs resources (target group, role) the plan does not hold.
    if let Some(lb) = &s.load_balancer {
        meta["loadBalancer"] = json!(lb);
    }
    if let Some(t) = &s.scalable_target {
        meta["scalableTarget"] = json!(t);
    }
    json!({"Type": "AWS::ECS::Service", "Metadata": {METADATA_KEY: meta}, "Properties": Value::Object(props)})
}

/// What an import needs to restore the plan: its name, dynamic port range,
/// stack name, bindings, and what each bound parameter was when exported
/// (so that an import restores the plan rather than the parameters' Defaults).
fn metadata(plan: &Plan) -> Value {
    let mut meta =
        json!({"plan": plan.name, "dynamicHostPortRange": plan.cluster.dynamic_host_port_range});
    if let Some(cfn) = &plan.cloud_formation {
        meta["stackName"] = json!(cfn.stack_name);
        if !cfn.bindings.is_empty() {
            meta["bindings"] = crate::model::cloudformation::bindings_json(&cfn.bindings);
        }
        let bound: Map<String, Value> = super::resolve(plan)
            .0
            .into_iter()
            .filter(|r| r.source == super::Source::Binding && !r.no_echo)
            .filter_map(|r| r.value.map(|v| (r.name, json!(v))))
            .collect();
        if !bound.is_empty() {
            meta["values"] = Value::Object(bound);
        }
    }
    meta
}
