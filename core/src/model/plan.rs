//! The plan file: what users save, share, import and check in CI.
//!
//! Field names are ECS's own JSON names so that a task definition from
//! `aws ecs describe-task-definition` drops in unchanged. Fields Berth does not
//! model are kept in `extra` maps and written back out, never rejected.
//! Omitted fields take ECS's defaults (§2, §3.1, §5.2 of ecs-semantics.md).

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::units::{TaskCpu, TaskMemory};

/// The plan format version this build reads and writes.
pub const BERTH_VERSION: u32 = 1;

/// Fields of an ECS object that Berth keeps but does not interpret.
pub type Extra = BTreeMap<String, Value>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// A plan: a cluster of EC2 container instances, the task definitions and services to run on it, standalone tasks, pins, and how it deploys with CloudFormation.
pub struct Plan {
    /// The plan format's version; this Berth reads [`BERTH_VERSION`].
    pub berth_version: u32,
    #[serde(default)]
    /// A name for the plan, shown on the board and in exports.
    pub name: String,
    /// The cluster: its instance groups, ports and name.
    pub cluster: Cluster,
    #[serde(default)]
    /// Task definitions, with ECS's own field names (`register-task-definition` input).
    pub task_definitions: Vec<TaskDefinition>,
    #[serde(default)]
    /// Services: each runs `desiredCount` tasks of a task definition.
    pub services: Vec<Service>,
    /// Standalone tasks started with RunTask (such as a database migration).
    #[serde(default)]
    pub tasks: Vec<RunTask>,
    #[serde(default)]
    /// Service tasks kept on a chosen instance: the user's drops and moves,
    /// and tasks Berth holds where they ran so that an edit moves no other.
    pub pins: Vec<Pin>,
    /// Parameters for deploying the plan with CloudFormation (§6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_formation: Option<super::cloudformation::CloudFormation>,
    /// The board's colour of each service, kept with the plan so that a
    /// service keeps its colour when others come and go. Berth's own, never
    /// exported to ECS or CloudFormation.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub service_colours: std::collections::BTreeMap<String, usize>,
    /// The JVM check's assumptions for containers whose user changed them,
    /// by "family/container". Berth's own, never exported.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub jvm_assumptions: std::collections::BTreeMap<String, super::JvmAssumptions>,
    /// The plan as the user pinned it to compare against, kept with the plan
    /// (and in share links) so a review survives a reload. Berth's own,
    /// never exported to ECS or CloudFormation; it holds no baseline itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Box<Plan>>,
    #[serde(flatten)]
    /// Fields Berth does not model, kept and written back unchanged.
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// The ECS cluster and the container instances it is made of.
pub struct Cluster {
    #[serde(default)]
    /// The cluster's name (`ECS_CLUSTER` on its instances).
    pub cluster_name: String,
    #[serde(default)]
    /// Groups of identical container instances, as Auto Scaling groups make them.
    pub instance_groups: Vec<InstanceGroup>,
    /// §3.3: the kernel's ip_local_port_range by default.
    #[serde(default = "default_dynamic_range")]
    pub dynamic_host_port_range: [u16; 2],
    /// §3.4: ECS_RESERVED_PORTS replaces the agent's default list.
    #[serde(default = "default_reserved_ports")]
    pub reserved_ports: Vec<u16>,
    #[serde(default)]
    /// UDP host ports the agent reserves (`ECS_RESERVED_PORTS_UDP`, §3.4).
    pub reserved_ports_udp: Vec<u16>,
    #[serde(flatten)]
    /// Fields Berth does not model, kept and written back unchanged.
    pub extra: Extra,
}

/// The dynamic host port range Linux uses by default (§3.3).
pub fn default_dynamic_range() -> [u16; 2] {
    [32768, 60999]
}

/// The TCP ports the ECS agent reserves by default: SSH, Docker, the agent (§3.4).
pub fn default_reserved_ports() -> Vec<u16> {
    vec![22, 2375, 2376, 51678, 51679]
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// A group of container instances of one EC2 type.
pub struct InstanceGroup {
    /// The group's name; its instances are named `NAME-1`, `NAME-2`, …
    pub name: String,
    /// The EC2 instance type, e.g. `t3.small`, from the catalogue.
    pub instance_type: String,
    /// How many container instances the group has.
    pub count: u32,
    #[serde(default)]
    /// Availability zones the instances are spread over, in turn; the default zone when empty.
    pub availability_zones: Vec<String>,
    /// ECS_RESERVED_MEMORY in MiB (§1.2), subtracted from registered memory.
    #[serde(default)]
    pub reserved_memory: u32,
    /// Overrides the catalogue's registered memory (read it from a real
    /// instance with describe-container-instances).
    #[serde(default)]
    pub registered_memory: Option<u32>,
    #[serde(default)]
    /// ENI trunking (`awsvpcTrunking`): more awsvpc tasks per instance where the type supports it (§3.6).
    pub awsvpc_trunking: bool,
    /// Its Auto Scaling group's MinSize, when the plan knows it: the
    /// fewest instances the group keeps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size: Option<u32>,
    /// Its Auto Scaling group's MaxSize, when the plan knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<u32>,
    /// Custom attributes its instances register (the agent's
    /// ECS_INSTANCE_ATTRIBUTES), read by memberOf as `attribute:NAME`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub attributes: IndexMap<String, String>,
    #[serde(flatten)]
    /// Fields Berth does not model, kept and written back unchanged.
    pub extra: Extra,
}

impl InstanceGroup {
    /// `count` × `instance_type` over `zones`, with nothing reserved,
    /// overridden or set beyond that: a group as the board adds one.
    pub fn new(name: String, instance_type: &str, count: u32, zones: Vec<String>) -> InstanceGroup {
        InstanceGroup {
            name,
            instance_type: instance_type.to_string(),
            count,
            availability_zones: zones,
            reserved_memory: 0,
            registered_memory: None,
            awsvpc_trunking: false,
            min_size: None,
            max_size: None,
            attributes: IndexMap::new(),
            extra: Extra::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
/// A task definition's `networkMode` (§3).
pub enum NetworkMode {
    #[default]
    /// Docker's bridge network: host ports static or dynamic (the default on EC2).
    Bridge,
    /// The host's network: the host port is the container port.
    Host,
    /// An ENI per task, with its own address (§3.6).
    Awsvpc,
    /// No network.
    None,
}

impl NetworkMode {
    /// Every network mode ECS offers on EC2, in the order forms list them.
    pub const ALL: [NetworkMode; 4] = [
        NetworkMode::Bridge,
        NetworkMode::Host,
        NetworkMode::Awsvpc,
        NetworkMode::None,
    ];

    /// The mode ECS names `name` (`"bridge"`, `"host"`, `"awsvpc"`, `"none"`).
    pub fn from_name(name: &str) -> Option<NetworkMode> {
        NetworkMode::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// The mode's name in ECS's JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkMode::Bridge => "bridge",
            NetworkMode::Host => "host",
            NetworkMode::Awsvpc => "awsvpc",
            NetworkMode::None => "none",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// An ECS task definition: a family, its revision, and its containers.
pub struct TaskDefinition {
    /// The family: the name every revision shares.
    pub family: String,
    #[serde(default = "one")]
    /// The revision number (`family:revision` names one).
    pub revision: u32,
    #[serde(default)]
    /// How the task's containers reach the network.
    pub network_mode: NetworkMode,
    #[serde(default)]
    /// Task-level CPU units, when set (§2.4).
    pub cpu: Option<TaskCpu>,
    #[serde(default)]
    /// Task-level memory in MiB, when set (§2.2).
    pub memory: Option<TaskMemory>,
    #[serde(default)]
    /// The task's containers.
    pub container_definitions: Vec<ContainerDefinition>,
    #[serde(default)]
    /// Placement constraints every task of this definition carries (§4.3).
    pub placement_constraints: Vec<PlacementConstraint>,
    #[serde(flatten)]
    /// Fields Berth does not model (volumes, roles, …), kept and written back unchanged.
    pub extra: Extra,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// One container of a task definition.
pub struct ContainerDefinition {
    /// The container's name, unique in its task definition.
    pub name: String,
    #[serde(default)]
    /// The image, e.g. `nginx:1.27`.
    pub image: String,
    /// CPU units reserved for this container (§2.1); 0 when omitted.
    #[serde(default)]
    pub cpu: u32,
    /// Hard limit in MiB (§2.2).
    #[serde(default)]
    pub memory: Option<u32>,
    /// Soft limit in MiB; what the scheduler reserves when set (§2.2).
    #[serde(default)]
    pub memory_reservation: Option<u32>,
    /// §2.5: omitted means essential.
    #[serde(default)]
    pub essential: Option<bool>,
    #[serde(default)]
    /// Container ports mapped to host ports (§3).
    pub port_mappings: Vec<PortMapping>,
    #[serde(default)]
    /// Environment variables (`JAVA_OPTS` among them, read by the JVM check).
    pub environment: Vec<KeyValue>,
    #[serde(default)]
    /// The command, when it overrides the image's.
    pub command: Vec<String>,
    #[serde(default)]
    /// The entry point, when it overrides the image's.
    pub entry_point: Vec<String>,
    #[serde(flatten)]
    /// Fields Berth does not model, kept and written back unchanged.
    pub extra: Extra,
}

impl ContainerDefinition {
    /// Whether the task stops when this container stops (ECS's default: yes).
    pub fn is_essential(&self) -> bool {
        self.essential.unwrap_or(true)
    }

    /// The value of environment variable `name`, if set.
    pub fn env(&self, name: &str) -> Option<&str> {
        self.environment
            .iter()
            .find(|kv| kv.name == name)
            .map(|kv| kv.value.as_str())
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
/// A port mapping's protocol.
pub enum Protocol {
    #[default]
    /// TCP (the default).
    Tcp,
    /// UDP.
    Udp,
}

impl Protocol {
    /// The protocol's name in ECS's JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// A container port and the host port it is reachable on.
pub struct PortMapping {
    /// The port the container listens on.
    pub container_port: u16,
    /// 0 or omitted: a dynamic port in bridge mode (§3.2).
    #[serde(default)]
    pub host_port: Option<u16>,
    #[serde(default)]
    /// TCP or UDP.
    pub protocol: Protocol,
    #[serde(flatten)]
    /// Fields Berth does not model, kept and written back unchanged.
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// One environment variable.
pub struct KeyValue {
    /// The variable's name.
    pub name: String,
    #[serde(default)]
    /// Its value.
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// A placement constraint (§4.3).
pub struct PlacementConstraint {
    #[serde(rename = "type")]
    /// `distinctInstance` or `memberOf`.
    pub kind: ConstraintType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The cluster query language expression of a `memberOf` constraint.
    pub expression: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
/// The kinds of placement constraint ECS has.
pub enum ConstraintType {
    #[serde(rename = "distinctInstance")]
    /// Each task on a different container instance.
    DistinctInstance,
    #[serde(rename = "memberOf")]
    /// Only instances that match the expression.
    MemberOf,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// A placement strategy (§4.2).
pub struct PlacementStrategy {
    #[serde(rename = "type")]
    /// `binpack`, `spread` or `random`.
    pub kind: StrategyType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// What it applies to: `cpu` or `memory` for binpack, `instanceId`, `host` or an attribute for spread.
    pub field: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
/// The kinds of placement strategy ECS has.
pub enum StrategyType {
    /// Fill instances by the least of a resource left.
    Binpack,
    /// Even out tasks over the values of a field.
    Spread,
    /// Place tasks at random among the instances that fit.
    Random,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// An ECS service: keeps `desiredCount` tasks of a task definition running.
pub struct Service {
    /// The service's name; its tasks are in task group `service:NAME`.
    pub service_name: String,
    /// `family` or `family:revision`.
    pub task_definition: String,
    /// CloudFormation's default for a new service is 1 (§5.2).
    #[serde(default = "one")]
    pub desired_count: u32,
    #[serde(default)]
    /// How a rolling deployment replaces tasks (§5).
    pub deployment_configuration: DeploymentConfiguration,
    /// Empty means ECS's default AZ spread (§4.2).
    #[serde(default)]
    pub placement_strategy: Vec<PlacementStrategy>,
    #[serde(default)]
    /// The service's placement constraints, added to its task definition's.
    pub placement_constraints: Vec<PlacementConstraint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The load balancer its tasks register with, when there is one.
    pub load_balancer: Option<LoadBalancer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its Application Auto Scaling scalable target, when it has one: the
    /// range desiredCount is kept in.
    pub scalable_target: Option<ScalableTarget>,
    #[serde(flatten)]
    /// Fields Berth does not model, kept and written back unchanged.
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// A service's deploymentConfiguration (§5.1).
pub struct DeploymentConfiguration {
    #[serde(default = "default_min_healthy")]
    /// The share of desiredCount that must stay healthy during a deployment (rounded up).
    pub minimum_healthy_percent: u32,
    #[serde(default = "default_max_percent")]
    /// The share of desiredCount that may run or be pending during a deployment (rounded down).
    pub maximum_percent: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The deployment circuit breaker, when set (§5.6).
    pub deployment_circuit_breaker: Option<CircuitBreaker>,
}

fn default_min_healthy() -> u32 {
    100
}

fn default_max_percent() -> u32 {
    200
}

impl DeploymentConfiguration {
    /// §10.1: ECS's minimumHealthyPercent and maximumPercent for a DAEMON
    /// service that gives none (a replica's are 100 and 200).
    pub const DAEMON_DEFAULTS: (u32, u32) = (0, 100);
}

impl Default for DeploymentConfiguration {
    fn default() -> Self {
        DeploymentConfiguration {
            minimum_healthy_percent: default_min_healthy(),
            maximum_percent: default_max_percent(),
            deployment_circuit_breaker: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// The deployment circuit breaker (§5.6).
pub struct CircuitBreaker {
    /// Stop a deployment whose new tasks keep failing.
    pub enable: bool,
    /// And roll back to the last deployment that completed.
    pub rollback: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// A service's load balancer, as far as placement and deployment see it.
pub struct LoadBalancer {
    /// ELBv2 deregistration_delay.timeout_seconds: 0–3600, default 300 (§5.8).
    #[serde(default = "default_deregistration_delay")]
    pub deregistration_delay_seconds: u32,
    #[serde(flatten)]
    /// Fields Berth does not model, kept and written back unchanged.
    pub extra: Extra,
}

fn default_deregistration_delay() -> u32 {
    300
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// A service's scalable target (Application Auto Scaling,
/// `ecs:service:DesiredCount`): registering it moves desiredCount into
/// [minCapacity, maxCapacity], and scaling never leaves that range
/// (RegisterScalableTarget).
pub struct ScalableTarget {
    /// MinCapacity: the fewest tasks scaling keeps.
    pub min_capacity: u32,
    /// MaxCapacity: the most tasks scaling starts.
    pub max_capacity: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
/// A standalone task started with RunTask (§4.2: placed at random by default).
pub struct RunTask {
    /// The task definition, as `family` or `family:revision`.
    pub task_definition: String,
    #[serde(default = "one")]
    /// How many tasks the call starts.
    pub count: u32,
    #[serde(default)]
    /// Placement strategies for this call; RunTask's default when empty.
    pub placement_strategy: Vec<PlacementStrategy>,
    #[serde(default)]
    /// Placement constraints for this call.
    pub placement_constraints: Vec<PlacementConstraint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// RunTask's `group`: the task group its tasks join, for `spread`,
    /// `distinctInstance` and `task:group` (§10.2); `family:NAME` when
    /// absent.
    pub group: Option<String>,
    #[serde(flatten)]
    /// Fields Berth does not model, kept and written back unchanged.
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// One task of a service kept on a chosen container instance.
pub struct Pin {
    /// The service.
    pub service: String,
    /// The container instance, e.g. `app-2`.
    pub instance: String,
    /// Set by Berth, not the user: the task is kept where it ran so that an
    /// edit moves no task it does not touch (issue 21). Not drawn as a pin.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub held: bool,
}

impl TaskDefinition {
    /// Its `requiresCompatibilities` (`EC2`, `FARGATE`, `EXTERNAL`), kept
    /// as read: Berth plans EC2 container instances.
    pub fn requires_compatibilities(&self) -> Vec<&str> {
        self.extra
            .get("requiresCompatibilities")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// Whether it asks for Fargate and not EC2: ECS will not run it on a
    /// container instance ("Task definition does not support launch_type EC2").
    pub fn fargate_only(&self) -> bool {
        let c = self.requires_compatibilities();
        c.contains(&"FARGATE") && !c.contains(&"EC2")
    }
}

impl Service {
    /// Its `launchType` (`EC2`, `FARGATE`, `EXTERNAL`), if it names one.
    pub fn launch_type(&self) -> Option<&str> {
        self.extra.get("launchType").and_then(Value::as_str)
    }

    /// Its `deploymentController.type` when it names one other than ECS's
    /// own rolling update (CODE_DEPLOY, EXTERNAL).
    pub fn other_deployment_controller(&self) -> Option<&str> {
        self.extra
            .get("deploymentController")
            .and_then(|c| c.get("type"))
            .and_then(Value::as_str)
            .filter(|k| *k != "ECS")
    }

    /// Whether its `schedulingStrategy` is DAEMON: one task on each active
    /// container instance that meets its constraints, desiredCount unused
    /// (§10.1).
    pub fn is_daemon(&self) -> bool {
        self.extra.get("schedulingStrategy").and_then(Value::as_str) == Some("DAEMON")
    }
}

impl Plan {
    /// Whether the service's tasks run on the cluster's EC2 container
    /// instances: its launch type is EC2 (or none, EC2 being ECS's default
    /// without capacity providers) and its task definition can run on EC2.
    /// Fargate and external services are planned apart, never placed.
    pub fn on_instances(&self, service: &Service) -> bool {
        matches!(service.launch_type(), None | Some("EC2"))
            && self
                .task_definition(&service.task_definition)
                .is_none_or(|td| !td.fargate_only())
    }

    /// Finds the task definition a service or run-task names: `family` takes
    /// the highest revision, `family:revision` that exact one.
    pub fn task_definition(&self, reference: &str) -> Option<&TaskDefinition> {
        match reference.rsplit_once(':') {
            Some((family, rev)) if rev.parse::<u32>().is_ok() => {
                let rev: u32 = rev.parse().ok()?;
                self.task_definitions
                    .iter()
                    .find(|t| t.family == family && t.revision == rev)
            }
            _ => self
                .task_definitions
                .iter()
                .filter(|t| t.family == reference)
                .max_by_key(|t| t.revision),
        }
    }

    /// The service named `name`.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.service_name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::NetworkMode;

    /// The names the form offers are the names the plan file uses.
    #[test]
    fn network_modes_are_named_as_in_ecs_json() {
        for mode in NetworkMode::ALL {
            let json = serde_json::to_value(mode).unwrap();
            assert_eq!(json, serde_json::json!(mode.as_str()));
            assert_eq!(NetworkMode::from_name(mode.as_str()), Some(mode));
        }
        assert_eq!(NetworkMode::from_name("nat"), None);
    }
}
