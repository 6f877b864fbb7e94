//! Rules AWS applies when a task definition is registered (§2, §3): sizes,
//! hard and soft limits, containers and their port mappings.

use std::collections::{BTreeMap, BTreeSet};

use super::constraints::constraint_rules;
use super::{Out, MIN_HARD_LIMIT_MIB, TASK_CPU_RANGE};
use crate::model::{ContainerDefinition, NetworkMode, Plan, Protocol, TaskDefinition};

pub(super) fn task_definition_rules(plan: &Plan, td: &TaskDefinition, path: &str, out: &mut Out) {
    let task_memory = td.memory.map(|m| m.0);
    if td.family.is_empty() {
        out.error(
            "E1022",
            format!("{path}.family"),
            "task definition needs a family name".into(),
        );
    }
    if td.container_definitions.is_empty() {
        out.error(
            "E1023",
            format!("{path}.containerDefinitions"),
            "a task definition needs at least one container".into(),
        );
    }
    if let Some(cpu) = td.cpu {
        let (lo, hi) = TASK_CPU_RANGE;
        if cpu.0 != 0 && (cpu.0 < lo || cpu.0 > hi) {
            out.error(
                "E1012",
                format!("{path}.cpu"),
                format!(
                    "task cpu {} is outside the range {lo}–{hi} CPU units allowed on EC2",
                    cpu.0
                ),
            );
        }
    }
    if !td.container_definitions.is_empty()
        && !td.container_definitions.iter().any(|c| c.is_essential())
    {
        out.error(
            "E1010",
            format!("{path}.containerDefinitions"),
            "All tasks must have at least one essential container.".into(),
        );
    }
    let mut reservations: u64 = 0;
    let mut names = BTreeSet::new();
    for (ci, c) in td.container_definitions.iter().enumerate() {
        let cpath = format!("{path}.containerDefinitions[{ci}]");
        if !names.insert(c.name.as_str()) {
            out.error(
                "E1024",
                format!("{cpath}.name"),
                format!(
                    "container name \"{}\" is used twice in the task definition",
                    c.name
                ),
            );
        }
        let memory = c.memory.filter(|&m| m > 0);
        let reservation = c.memory_reservation.filter(|&m| m > 0);
        container_memory_rules(c, &cpath, task_memory, out);
        reservations += reservation.or(memory).unwrap_or(0) as u64;
        container_port_rules(td, ci, &cpath, plan, out);
    }
    if let Some(tm) = task_memory {
        if reservations > tm as u64 {
            out.error("E1007", format!("{path}.memory"), format!(
                "the containers reserve {reservations} MiB in total, more than the task memory of {tm} MiB"));
        }
    }
    constraint_rules(
        &td.placement_constraints,
        &format!("{path}.placementConstraints"),
        out,
        true,
    );
}

pub(super) fn container_port_rules(
    td: &TaskDefinition,
    ci: usize,
    cpath: &str,
    plan: &Plan,
    out: &mut Out,
) {
    let c = &td.container_definitions[ci];
    let [lo, hi] = plan.cluster.dynamic_host_port_range;
    let mut seen: BTreeMap<u16, Protocol> = BTreeMap::new();
    for (pi, pm) in c.port_mappings.iter().enumerate() {
        let ppath = format!("{cpath}.portMappings[{pi}]");
        if td.network_mode == NetworkMode::None {
            out.error(
                "E1009",
                ppath.clone(),
                format!(
                    "container '{}': port mappings are not allowed when the network mode is none",
                    c.name
                ),
            );
            continue;
        }
        if let Some(prev) = seen.insert(pm.container_port, pm.protocol) {
            // §3.5: one container port, one protocol.
            out.error("E1011", format!("{ppath}.containerPort"), if prev == pm.protocol {
                format!("container '{}' maps container port {} twice", c.name, pm.container_port)
            } else {
                format!("container '{}': you can't expose the same container port ({}) for multiple protocols", c.name, pm.container_port)
            });
        }
        let host = pm.host_port.filter(|&h| h > 0);
        if matches!(td.network_mode, NetworkMode::Host | NetworkMode::Awsvpc) {
            if let Some(h) = host {
                if h != pm.container_port {
                    out.error("E1008", format!("{ppath}.hostPort"), format!(
                        "container '{}': in {} network mode the host port must be omitted or equal the container port ({}), not {h}",
                        c.name, td.network_mode.as_str(), pm.container_port));
                }
            }
        }
        let static_port = match td.network_mode {
            NetworkMode::Host => Some(pm.container_port),
            NetworkMode::Bridge => host,
            _ => None,
        };
        if let Some(h) = static_port {
            if (lo..=hi).contains(&h) {
                out.warn("W2001", format!("{ppath}.hostPort"), format!(
                    "container '{}': static host port {h} is inside the dynamic range {lo}–{hi}, which is reserved for automatic assignment", c.name));
            }
            let reserved = match pm.protocol {
                Protocol::Tcp => &plan.cluster.reserved_ports,
                Protocol::Udp => &plan.cluster.reserved_ports_udp,
            };
            if reserved.contains(&h) {
                out.warn("W2007", format!("{ppath}.hostPort"), format!(
                    "container '{}': host port {h}/{} is reserved by the agent on every instance, so no task of this definition can be placed",
                    c.name, pm.protocol.as_str()));
            }
        }
    }
}

/// §2.2: one container's hard limit and reservation, against each other,
/// Docker's minimum and the task's memory.
fn container_memory_rules(
    c: &ContainerDefinition,
    cpath: &str,
    task_memory: Option<u32>,
    out: &mut Out,
) {
    let memory = c.memory.filter(|&m| m > 0);
    let reservation = c.memory_reservation.filter(|&m| m > 0);
    if task_memory.is_none() && memory.is_none() && reservation.is_none() {
        // §2.2, ECS's own words.
        out.error("E1003", format!("{cpath}.memory"), format!(
            "Invalid setting for container '{}'. At least one of 'memory' or 'memoryReservation' must be specified.", c.name));
    }
    if let (Some(m), Some(r)) = (memory, reservation) {
        if m < r {
            out.error("E1004", format!("{cpath}.memoryReservation"), format!(
                "container '{}': 'memory' ({m} MiB) must be greater than or equal to 'memoryReservation' ({r} MiB)", c.name));
        } else if m == r {
            out.warn("W2004", format!("{cpath}.memoryReservation"), format!(
                "container '{}': memory equals memoryReservation ({m} MiB); the ECS docs say memory must be greater", c.name));
        }
    }
    if let Some(m) = memory {
        if m < MIN_HARD_LIMIT_MIB {
            out.error("E1005", format!("{cpath}.memory"), format!(
                "container '{}': the hard limit {m} MiB is below Docker's minimum of {MIN_HARD_LIMIT_MIB} MiB", c.name));
        }
        if let Some(tm) = task_memory {
            if m > tm {
                out.error("E1006", format!("{cpath}.memory"), format!(
                    "The 'memory' setting for container '{}' ({m} MiB) is greater than for the task ({tm} MiB)", c.name));
            }
        }
    }
    if memory.is_none() && reservation.is_some() && task_memory.is_none() {
        out.warn("W2002", format!("{cpath}.memory"), format!(
            "container '{}' has a memoryReservation but no hard limit: it can use all the instance's memory", c.name));
    }
}
