//! How load-balanced services receive traffic: a target group per service
//! (instance targets for bridge and host tasks, whose dynamic host ports ECS
//! registers; IP targets for awsvpc tasks), draining for the plan's
//! deregistration delay (§5.8). The whole stack adds an internet-facing
//! Application Load Balancer with one listener per service, as the seed's
//! microtrader stack has one per service port; services into an existing
//! cluster add a listener rule on the platform's listener instead.

use serde_json::{json, Value};

use super::network::INSTANCE_SECURITY_GROUP;
use super::{logical_id, Shape, Wiring, Writer};
use crate::model::{NetworkMode, Protocol, Service, TaskDefinition};

/// A service's registration with its target group, for the service resource.
pub(super) struct Attachment {
    /// The service it belongs to.
    pub service: String,
    /// The container and port ECS registers.
    pub container: String,
    /// The container port.
    pub port: u32,
    /// The target group's logical id.
    pub target_group: String,
    /// What must exist before the service: ECS refuses a target group that
    /// no listener or rule forwards to.
    pub depends_on: String,
}

const LOAD_BALANCER: &str = "LoadBalancer";
const LOAD_BALANCER_SECURITY_GROUP: &str = "LoadBalancerSecurityGroup";

/// The container and port a service registers: the ones the plan recorded
/// (`containerName`, `containerPort`) when its task definition has them,
/// else the first TCP port of its first container that maps one (essential
/// containers first). None when no container maps a TCP port.
fn registered_port(s: &Service, td: &TaskDefinition) -> Option<(String, u32)> {
    let lb = s.load_balancer.as_ref()?;
    let tcp_ports = |name: &str| -> Vec<u32> {
        td.container_definitions
            .iter()
            .filter(|c| c.name == name)
            .flat_map(|c| &c.port_mappings)
            .filter(|p| p.protocol == Protocol::Tcp)
            .map(|p| u32::from(p.container_port))
            .collect()
    };
    let recorded_name = lb.extra.get("containerName").and_then(Value::as_str);
    let recorded_port = lb.extra.get("containerPort").and_then(Value::as_u64);
    if let (Some(name), Some(port)) = (recorded_name, recorded_port) {
        if tcp_ports(name).contains(&(port as u32)) {
            return Some((name.to_string(), port as u32));
        }
    }
    let mut containers: Vec<_> = td.container_definitions.iter().collect();
    containers.sort_by_key(|c| !c.is_essential());
    containers
        .into_iter()
        .find_map(|c| tcp_ports(&c.name).first().map(|p| (c.name.clone(), *p)))
}

/// The target groups, and the listeners (whole stack) or listener rules
/// (existing cluster) that forward to them; one attachment per service
/// written with LoadBalancers.
pub(super) fn write(w: &mut Writer, shape: Shape, wiring: &Wiring) -> Vec<Attachment> {
    let mut attachments = Vec::new();
    for s in &w.plan.services {
        let Some(td) = w.plan.task_definition(&s.task_definition) else {
            continue;
        };
        if s.load_balancer.is_none() {
            continue;
        }
        let Some((container, port)) = registered_port(s, td) else {
            w.notes.push(format!(
                "Service {} has a load balancer but no container maps a TCP port to register; written without LoadBalancers.",
                s.service_name
            ));
            continue;
        };
        let target_group = logical_id(&s.service_name, "TargetGroup");
        let delay = s
            .load_balancer
            .as_ref()
            .map_or(300, |lb| lb.deregistration_delay_seconds);
        let target_type = if td.network_mode == NetworkMode::Awsvpc {
            "ip"
        } else {
            "instance"
        };
        w.add(
            &target_group,
            json!({"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {
                "Port": port, "Protocol": "HTTP", "TargetType": target_type, "VpcId": wiring.vpc,
                // ECS registers each task's own (dynamic) port: checked there.
                "HealthCheckPort": "traffic-port",
                "TargetGroupAttributes": [
                    {"Key": "deregistration_delay.timeout_seconds", "Value": delay.to_string()}]}}),
        );
        attachments.push(Attachment {
            service: s.service_name.clone(),
            container,
            port,
            depends_on: String::new(),
            target_group,
        });
    }
    if attachments.is_empty() {
        return attachments;
    }
    match shape {
        Shape::Stack => listeners(w, wiring, &mut attachments),
        Shape::Services => listener_rules(w, &mut attachments),
    }
    attachments
}

/// The whole stack's load balancer: one HTTP listener per service, on the
/// service's container port (the next free port when two share one), open
/// to the internet, and the instances open to the load balancer.
fn listeners(w: &mut Writer, wiring: &Wiring, attachments: &mut [Attachment]) {
    let mut ports: Vec<u32> = Vec::new();
    for a in attachments.iter() {
        let mut port = a.port;
        while ports.contains(&port) {
            port += 1;
        }
        ports.push(port);
    }
    let ingress: Vec<Value> = ports
        .iter()
        .map(|p| json!({"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "CidrIp": "0.0.0.0/0"}))
        .collect();
    w.add(
        LOAD_BALANCER_SECURITY_GROUP,
        json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "Load balancer listeners",
            "VpcId": wiring.vpc, "SecurityGroupIngress": ingress}}),
    );
    // Every port: dynamic host ports (§3.2) are registered with the target group.
    w.add(
        "InstanceIngressFromLoadBalancer",
        json!({"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": w.resource(INSTANCE_SECURITY_GROUP), "IpProtocol": "-1",
            "SourceSecurityGroupId": w.resource(LOAD_BALANCER_SECURITY_GROUP)}}),
    );
    let subnets: Vec<Value> = (0..super::network::subnet_count(w))
        .map(|i| w.resource(&super::network::subnet_id(i)))
        .collect();
    w.add(
        LOAD_BALANCER,
        json!({"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "DependsOn": w.id(super::network::PUBLIC_ROUTE),
            "Properties": {"Scheme": "internet-facing", "Subnets": subnets,
                "SecurityGroups": [w.resource(LOAD_BALANCER_SECURITY_GROUP)]}}),
    );
    for (a, port) in attachments.iter_mut().zip(ports) {
        let id = logical_id(&a.service, "Listener");
        w.add(
            &id,
            json!({"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
                "LoadBalancerArn": w.resource(LOAD_BALANCER), "Port": port, "Protocol": "HTTP",
                "DefaultActions": [{"Type": "forward", "TargetGroupArn": w.resource(&a.target_group)}]}}),
        );
        a.depends_on = w.id(&id);
    }
}

/// Services into an existing cluster: a rule per service on the listener
/// the user gives, forwarding `/SERVICE` and `/SERVICE/*`.
fn listener_rules(w: &mut Writer, attachments: &mut [Attachment]) {
    let listener = w.deploy_parameter(
        "ListenerArn",
        json!({"Type": "String",
            "Description": "ARN of the load balancer listener the services' rules are added to"}),
    );
    for (i, a) in attachments.iter_mut().enumerate() {
        let id = logical_id(&a.service, "ListenerRule");
        w.add(
            &id,
            json!({"Type": "AWS::ElasticLoadBalancingV2::ListenerRule", "Properties": {
                "ListenerArn": listener, "Priority": i + 1,
                "Conditions": [{"Field": "path-pattern", "PathPatternConfig": {
                    "Values": [format!("/{}", a.service), format!("/{}/*", a.service)]}}],
                "Actions": [{"Type": "forward", "TargetGroupArn": w.resource(&a.target_group)}]}}),
        );
        a.depends_on = w.id(&id);
    }
    w.notes.push(format!(
        "Listener rules forward /SERVICE and /SERVICE/* with priorities 1–{}: change them where they clash with the listener's own rules.",
        attachments.len()
    ));
}
