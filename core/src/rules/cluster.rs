//! Rules about the cluster: instance groups (names, types, counts,
//! reserved memory), the dynamic host port range and reserved ports.

use std::collections::BTreeSet;

use super::Out;
use crate::model::catalogue::catalogue;
use crate::model::Plan;

pub(super) fn cluster_rules(plan: &Plan, out: &mut Out) {
    let cat = catalogue();
    let mut names = BTreeSet::new();
    for (i, g) in plan.cluster.instance_groups.iter().enumerate() {
        let path = format!("$.cluster.instanceGroups[{i}]");
        if !names.insert(g.name.as_str()) {
            out.error(
                "E1018",
                format!("{path}.name"),
                format!("instance group name \"{}\" is used twice", g.name),
            );
        }
        size_rules(g, &path, out);
        if g.name.is_empty() {
            out.error(
                "E1018",
                format!("{path}.name"),
                "instance group needs a name".into(),
            );
        }
        match cat.get(&g.instance_type) {
            None => out.error(
                "E1001",
                format!("{path}.instanceType"),
                format!("unknown instance type \"{}\"", g.instance_type),
            ),
            Some(t) => {
                let registered = g
                    .registered_memory
                    .unwrap_or_else(|| cat.registered_memory(t).mib);
                if g.reserved_memory > registered {
                    // §1.2: the agent refuses to register.
                    out.error("E1019", format!("{path}.reservedMemory"), format!(
                        "reserved memory is higher than available memory on the host, total memory: {registered}, reserved: {}",
                        g.reserved_memory));
                }
                if g.registered_memory.is_none() && cat.registered_memory(t).estimated {
                    out.warn("W2005", format!("{path}.instanceType"), format!(
                        "registered memory of {} is estimated ({} MiB); read the real value with describe-container-instances and set registeredMemory",
                        t.name, cat.registered_memory(t).mib));
                }
                if g.awsvpc_trunking && t.trunk_task_limit.is_none() {
                    out.warn("W2006", format!("{path}.awsvpcTrunking"),
                        format!("{} does not support ENI trunking; awsvpc tasks are limited to {} per instance", t.name, t.awsvpc_task_limit(false)));
                }
            }
        }
    }
    let [lo, hi] = plan.cluster.dynamic_host_port_range;
    if lo > hi || lo == 0 {
        out.error("E1020", "$.cluster.dynamicHostPortRange".into(),
            format!("dynamic host port range [{lo}, {hi}] must be a non-empty range of ports from 1 to 65535"));
    }
    let reserved = plan.cluster.reserved_ports.len() + plan.cluster.reserved_ports_udp.len();
    if reserved > crate::placement::MAX_RESERVED_PORTS {
        out.error(
            "E1021",
            "$.cluster.reservedPorts".into(),
            format!(
                "{reserved} reserved ports; a container instance can have up to 100 reserved ports"
            ),
        );
    }
}

/// An Auto Scaling group keeps its desired capacity within MinSize and
/// MaxSize: CloudFormation's create or update fails otherwise, with Auto
/// Scaling's own ValidationError text.
fn size_rules(g: &crate::model::InstanceGroup, path: &str, out: &mut Out) {
    let (min, max) = (g.min_size.unwrap_or(0), g.max_size.unwrap_or(u32::MAX));
    if g.min_size.is_none() && g.max_size.is_none() {
        return;
    }
    if min > max {
        out.error(
            "E1028",
            format!("{path}.minSize"),
            format!("min size:{min} must be less than or equal to max size:{max}"),
        );
    } else if !(min..=max).contains(&g.count) {
        let max_text = g.max_size.map_or("none".to_string(), |m| m.to_string());
        out.error(
            "E1028",
            format!("{path}.count"),
            format!(
                "Desired capacity:{} must be between the specified min size:{min} and max size:{max_text}",
                g.count
            ),
        );
    }
}
