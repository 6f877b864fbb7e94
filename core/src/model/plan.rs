//! The plan file: what users save, share, import and check in CI.
//!
//! Field names are ECS's own JSON names so that a task definition from
//! `aws ecs describe-task-definition` drops in unchanged. Fields Berth does not
//! model are kept in `extra` maps and written back out, never rejected.
//! Omitted fields take ECS's defaults (§2, §3.1, §5.2 of ecs-semantics.md).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::units::{TaskCpu, TaskMemory};

/// The plan format version this build reads and writes.
pub const BERTH_VERSION: u32 = 1;

/// Fields of an ECS object that Berth keeps but does not interpret.
pub type Extra = BTreeMap<String, Value>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub berth_version: u32,
    #[serde(default)]
    pub name: String,
    pub cluster: Cluster,
    #[serde(default)]
    pub task_definitions: Vec<TaskDefinition>,
    #[serde(default)]
    pub services: Vec<Service>,
    /// Standalone tasks started with RunTask (such as a database migration).
    #[serde(default)]
    pub tasks: Vec<RunTask>,
    #[serde(default)]
    pub pins: Vec<Pin>,
    /// Parameters for deploying the plan with CloudFormation (§6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_formation: Option<super::cloudformation::CloudFormation>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    #[serde(default)]
    pub cluster_name: String,
    #[serde(default)]
    pub instance_groups: Vec<InstanceGroup>,
    /// §3.3: the kernel's ip_local_port_range by default.
    #[serde(default = "default_dynamic_range")]
    pub dynamic_host_port_range: [u16; 2],
    /// §3.4: ECS_RESERVED_PORTS replaces the agent's default list.
    #[serde(default = "default_reserved_ports")]
    pub reserved_ports: Vec<u16>,
    #[serde(default)]
    pub reserved_ports_udp: Vec<u16>,
    #[serde(flatten)]
    pub extra: Extra,
}

pub fn default_dynamic_range() -> [u16; 2] {
    [32768, 60999]
}

pub fn default_reserved_ports() -> Vec<u16> {
    vec![22, 2375, 2376, 51678, 51679]
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceGroup {
    pub name: String,
    pub instance_type: String,
    pub count: u32,
    #[serde(default)]
    pub availability_zones: Vec<String>,
    /// ECS_RESERVED_MEMORY in MiB (§1.2), subtracted from registered memory.
    #[serde(default)]
    pub reserved_memory: u32,
    /// Overrides the catalogue's registered memory (read it from a real
    /// instance with describe-container-instances).
    #[serde(default)]
    pub registered_memory: Option<u32>,
    #[serde(default)]
    pub awsvpc_trunking: bool,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum NetworkMode {
    #[default]
    Bridge,
    Host,
    Awsvpc,
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
pub struct TaskDefinition {
    pub family: String,
    #[serde(default = "one")]
    pub revision: u32,
    #[serde(default)]
    pub network_mode: NetworkMode,
    #[serde(default)]
    pub cpu: Option<TaskCpu>,
    #[serde(default)]
    pub memory: Option<TaskMemory>,
    #[serde(default)]
    pub container_definitions: Vec<ContainerDefinition>,
    #[serde(default)]
    pub placement_constraints: Vec<PlacementConstraint>,
    #[serde(flatten)]
    pub extra: Extra,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerDefinition {
    pub name: String,
    #[serde(default)]
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
    pub port_mappings: Vec<PortMapping>,
    #[serde(default)]
    pub environment: Vec<KeyValue>,
    #[serde(default)]
    pub command: Vec<String>,
    #[serde(default)]
    pub entry_point: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl ContainerDefinition {
    pub fn is_essential(&self) -> bool {
        self.essential.unwrap_or(true)
    }

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
pub enum Protocol {
    #[default]
    Tcp,
    Udp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortMapping {
    pub container_port: u16,
    /// 0 or omitted: a dynamic port in bridge mode (§3.2).
    #[serde(default)]
    pub host_port: Option<u16>,
    #[serde(default)]
    pub protocol: Protocol,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyValue {
    pub name: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementConstraint {
    #[serde(rename = "type")]
    pub kind: ConstraintType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConstraintType {
    #[serde(rename = "distinctInstance")]
    DistinctInstance,
    #[serde(rename = "memberOf")]
    MemberOf,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementStrategy {
    #[serde(rename = "type")]
    pub kind: StrategyType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StrategyType {
    Binpack,
    Spread,
    Random,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    pub service_name: String,
    /// `family` or `family:revision`.
    pub task_definition: String,
    /// CloudFormation's default for a new service is 1 (§5.2).
    #[serde(default = "one")]
    pub desired_count: u32,
    #[serde(default)]
    pub deployment_configuration: DeploymentConfiguration,
    /// Empty means ECS's default AZ spread (§4.2).
    #[serde(default)]
    pub placement_strategy: Vec<PlacementStrategy>,
    #[serde(default)]
    pub placement_constraints: Vec<PlacementConstraint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<LoadBalancer>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentConfiguration {
    #[serde(default = "default_min_healthy")]
    pub minimum_healthy_percent: u32,
    #[serde(default = "default_max_percent")]
    pub maximum_percent: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_circuit_breaker: Option<CircuitBreaker>,
}

fn default_min_healthy() -> u32 {
    100
}

fn default_max_percent() -> u32 {
    200
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
pub struct CircuitBreaker {
    pub enable: bool,
    pub rollback: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancer {
    /// ELBv2 deregistration_delay.timeout_seconds: 0–3600, default 300 (§5.8).
    #[serde(default = "default_deregistration_delay")]
    pub deregistration_delay_seconds: u32,
    #[serde(flatten)]
    pub extra: Extra,
}

fn default_deregistration_delay() -> u32 {
    300
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunTask {
    pub task_definition: String,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub placement_strategy: Vec<PlacementStrategy>,
    #[serde(default)]
    pub placement_constraints: Vec<PlacementConstraint>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    pub service: String,
    pub instance: String,
}

impl Plan {
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
