//! How a plan's instance groups become container instances: names
//! (`<group>-<n>`), availability zones (round-robin over the group's list),
//! attributes for the cluster query language (§4.3) and what each registers
//! with ECS (§1): CPU, memory, reserved ports and awsvpc capacity.

use crate::model::catalogue::{catalogue, RegisteredMemory};
use crate::model::Plan;

/// Used when a group names no availability zone.
pub const DEFAULT_AVAILABILITY_ZONE: &str = "us-east-1a";

#[derive(Debug, Clone, PartialEq)]
/// One container instance of the cluster, as ECS registers it.
pub struct ContainerInstance {
    /// `<group>-<n>`, counting from 1.
    pub id: String,
    /// The instance group it belongs to.
    pub group: String,
    /// Its EC2 instance type.
    pub instance_type: String,
    /// Its availability zone (`ecs.availability-zone`).
    pub availability_zone: String,
    /// Its CPU architecture (`ecs.cpu-architecture`).
    pub cpu_architecture: String,
    /// §1.1: vCPU × 1024.
    pub registered_cpu: u32,
    /// §1.2: the catalogue's (or the group's) figure minus ECS_RESERVED_MEMORY.
    pub registered_memory: u32,
    /// Nominal memory of the type: the whole bar, of which the system keeps
    /// `nominal_memory − registered_memory`.
    pub nominal_memory: u32,
    /// True when the registered memory is the catalogue's estimate.
    pub memory_estimated: bool,
    /// §3.6: how many awsvpc tasks the instance's ENIs allow.
    pub eni_capacity: u32,
    /// §10.4: the GPUs it registers (none where Berth does not know them).
    pub gpus: u32,
    /// `ecs.awsvpc-trunk-id`: set when the instance has a trunk network
    /// interface (its group turns trunking on and its type supports it).
    pub awsvpc_trunk_id: Option<String>,
    /// Custom attributes from its group (ECS_INSTANCE_ATTRIBUTES).
    pub custom_attributes: std::sync::Arc<indexmap::IndexMap<String, String>>,
}

impl ContainerInstance {
    /// The value of a built-in attribute (§4.3), as the query language sees it.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        match name {
            "ecs.instance-type" => Some(&self.instance_type),
            "ecs.availability-zone" => Some(&self.availability_zone),
            "ecs.cpu-architecture" => Some(&self.cpu_architecture),
            "ecs.os-type" => Some("linux"),
            "ecs.os-family" => Some("LINUX"),
            // ecs-semantics.md §10.3: present only with a trunk interface.
            "ecs.awsvpc-trunk-id" => self.awsvpc_trunk_id.as_deref(),
            custom => self.custom_attributes.get(custom).map(String::as_str),
        }
    }
}

/// The container instances of a plan, in group order. Groups whose instance
/// type is unknown contribute none (validation reports them).
pub fn container_instances(plan: &Plan) -> Vec<ContainerInstance> {
    let cat = catalogue();
    let mut out = Vec::new();
    for group in &plan.cluster.instance_groups {
        let Some(t) = cat.get(&group.instance_type) else {
            continue;
        };
        let custom_attributes = std::sync::Arc::new(group.attributes.clone());
        let trunked = group.awsvpc_trunking && t.trunk_task_limit.is_some();
        let catalogue_memory = cat.registered_memory(t);
        let RegisteredMemory { mib, estimated } = match group.registered_memory {
            Some(mib) => RegisteredMemory {
                mib,
                estimated: false,
            },
            None => catalogue_memory,
        };
        for n in 0..group.count {
            let availability_zone = if group.availability_zones.is_empty() {
                DEFAULT_AVAILABILITY_ZONE.to_string()
            } else {
                group.availability_zones[n as usize % group.availability_zones.len()].clone()
            };
            out.push(ContainerInstance {
                id: format!("{}-{}", group.name, n + 1),
                group: group.name.clone(),
                instance_type: t.name.clone(),
                availability_zone,
                cpu_architecture: t.cpu_architecture().to_string(),
                registered_cpu: t.cpu_units(),
                registered_memory: mib.saturating_sub(group.reserved_memory),
                nominal_memory: t.memory_mib,
                memory_estimated: estimated,
                eni_capacity: t.awsvpc_task_limit(group.awsvpc_trunking),
                gpus: super::gpus::gpu_count(&t.name).registered(),
                awsvpc_trunk_id: trunked.then(|| format!("eni-trunk-{}-{}", group.name, n + 1)),
                custom_attributes: custom_attributes.clone(),
            });
        }
    }
    out
}
