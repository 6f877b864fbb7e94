//! View models: what a shell draws, computed here so that no rule of ECS is
//! re-implemented in the UI. Plain data, serialisable, no formatting beyond
//! the words a card shows.

use serde::Serialize;

use crate::catalogue::catalogue;
use crate::model::Plan;
use crate::placement::Placement;
use crate::requirements::requirements;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupCard {
    pub name: String,
    pub instance_type: String,
    pub count: u32,
    pub vcpu: u32,
    pub cpu_units: u32,
    /// Per instance, after the group's reserved memory.
    pub registered_memory: u32,
    pub memory_estimated: bool,
    pub nominal_memory: u32,
    pub monthly_cost: Option<f64>,
    pub known_type: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceCard {
    pub name: String,
    pub task_definition: String,
    pub network_mode: String,
    pub desired_count: u32,
    pub cpu: u32,
    /// What the scheduler reserves per task (§2.3).
    pub memory_reservation: u32,
    /// Σ container hard limits, or the task limit; None when any container has none.
    pub hard_limit: Option<u32>,
    /// "8000/tcp → dynamic", "8000/tcp → 8000".
    pub ports: Vec<String>,
    pub placed: u32,
    pub unplaced: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Board {
    pub plan_name: String,
    pub cluster_name: String,
    pub groups: Vec<GroupCard>,
    pub services: Vec<ServiceCard>,
    pub instance_count: usize,
    pub total_cpu: u64,
    pub total_memory: u64,
    pub free_cpu: u64,
    pub free_memory: u64,
    pub monthly_cost: f64,
}

pub fn board(plan: &Plan, placement: &Placement) -> Board {
    let cat = catalogue();
    let groups: Vec<GroupCard> = plan
        .cluster
        .instance_groups
        .iter()
        .map(|g| {
            let t = cat.get(&g.instance_type);
            let reg = t.map(|t| cat.registered_memory(t));
            GroupCard {
                name: g.name.clone(),
                instance_type: g.instance_type.clone(),
                count: g.count,
                vcpu: t.map_or(0, |t| t.vcpu),
                cpu_units: t.map_or(0, |t| t.cpu_units()),
                registered_memory: g
                    .registered_memory
                    .or(reg.map(|r| r.mib))
                    .unwrap_or(0)
                    .saturating_sub(g.reserved_memory),
                memory_estimated: g.registered_memory.is_none() && reg.is_some_and(|r| r.estimated),
                nominal_memory: t.map_or(0, |t| t.memory_mib),
                monthly_cost: t
                    .and_then(|t| t.monthly_price())
                    .map(|p| p * g.count as f64),
                known_type: t.is_some(),
            }
        })
        .collect();
    let services = plan
        .services
        .iter()
        .map(|s| {
            let td = plan.task_definition(&s.task_definition);
            let req = td.map(requirements);
            let hard_limit = td.and_then(|td| match td.memory {
                Some(m) if m.0 > 0 => Some(m.0),
                _ => td.container_definitions.iter().map(|c| c.memory).sum::<Option<u32>>(),
            });
            let placed = placement
                .instances()
                .iter()
                .flat_map(|i| &i.tasks)
                .filter(|t| matches!(&t.owner, crate::placement::Owner::Service(n) if *n == s.service_name))
                .count() as u32;
            let unplaced = placement
                .unplaced
                .iter()
                .filter(|u| matches!(&u.owner, crate::placement::Owner::Service(n) if *n == s.service_name))
                .map(|u| u.count)
                .sum();
            let ports = td
                .map(|td| {
                    td.container_definitions
                        .iter()
                        .flat_map(|c| &c.port_mappings)
                        .map(|pm| {
                            let host = match td.network_mode {
                                crate::model::NetworkMode::Host => pm.container_port.to_string(),
                                crate::model::NetworkMode::Bridge => match pm.host_port {
                                    Some(h) if h > 0 => h.to_string(),
                                    _ => "dynamic".to_string(),
                                },
                                _ => "ENI".to_string(),
                            };
                            format!("{}/{} → {host}", pm.container_port, pm.protocol.as_str())
                        })
                        .collect()
                })
                .unwrap_or_default();
            ServiceCard {
                name: s.service_name.clone(),
                task_definition: s.task_definition.clone(),
                network_mode: td.map_or("?", |t| t.network_mode.as_str()).to_string(),
                desired_count: s.desired_count,
                cpu: req.as_ref().map_or(0, |r| r.cpu),
                memory_reservation: req.as_ref().map_or(0, |r| r.memory),
                hard_limit,
                ports,
                placed,
                unplaced,
            }
        })
        .collect();
    let inst = placement.instances();
    Board {
        plan_name: plan.name.clone(),
        cluster_name: plan.cluster.cluster_name.clone(),
        instance_count: inst.len(),
        total_cpu: inst.iter().map(|i| i.instance.registered_cpu as u64).sum(),
        total_memory: inst
            .iter()
            .map(|i| i.instance.registered_memory as u64)
            .sum(),
        free_cpu: inst.iter().map(|i| i.remaining_cpu as u64).sum(),
        free_memory: inst.iter().map(|i| i.remaining_memory as u64).sum(),
        monthly_cost: groups.iter().filter_map(|g| g.monthly_cost).sum(),
        groups,
        services,
    }
}
