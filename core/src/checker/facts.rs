//! What the checker knows before it looks at a placement, re-derived from the
//! plan and the catalogue: each container instance's registered resources
//! and attributes, each task definition's reservation and ports, and which
//! constraints and strategies a task's owner asked for.

use crate::model::catalogue::catalogue;
use crate::model::{
    NetworkMode, PlacementConstraint, PlacementStrategy, Plan, Protocol, StrategyType,
    TaskDefinition,
};
use crate::placement::Owner;

/// One container instance as the plan and the catalogue describe it.
pub(super) struct Facts {
    pub id: String,
    pub instance_type: String,
    pub az: String,
    pub arch: String,
    pub cpu: u64,
    pub memory: u64,
    pub enis: u64,
    /// GPUs it registers (§10.4, the catalogue's GPU counts).
    pub gpus: u64,
    /// Whether the instance has a trunk interface (`ecs.awsvpc-trunk-id`).
    pub trunked: bool,
    /// The group's custom attributes.
    pub custom: indexmap::IndexMap<String, String>,
}

impl Facts {
    /// A subject's value on this instance, as a `memberOf` test or a
    /// `spread` field reads it (§4.3's built-in attributes).
    pub fn value_of(&self, subject: &str) -> Option<String> {
        let v = match subject {
            "ec2InstanceId" | "containerInstanceId" | "instanceId" | "host" => &self.id,
            "attribute:ecs.instance-type" => &self.instance_type,
            "attribute:ecs.availability-zone" => &self.az,
            "attribute:ecs.cpu-architecture" => &self.arch,
            "attribute:ecs.os-type" => "linux",
            "attribute:ecs.os-family" => "LINUX",
            "attribute:ecs.awsvpc-trunk-id" if self.trunked => {
                return Some(format!("eni-trunk-{}", self.id));
            }
            other => {
                return self.custom.get(other.strip_prefix("attribute:")?).cloned();
            }
        };
        Some(v.to_string())
    }
}

/// Every container instance of the plan, in group order.
pub(super) fn expected_instances(plan: &Plan) -> Vec<Facts> {
    let cat = catalogue();
    let mut v = Vec::new();
    for g in &plan.cluster.instance_groups {
        let Some(t) = cat.get(&g.instance_type) else {
            continue;
        };
        let base = g.registered_memory.unwrap_or_else(|| {
            t.observed_registered_memory
                .unwrap_or_else(|| cat.estimated_registered_memory(t))
        });
        for n in 0..g.count as usize {
            let az = if g.availability_zones.is_empty() {
                "us-east-1a".to_string()
            } else {
                g.availability_zones[n % g.availability_zones.len()].clone()
            };
            v.push(Facts {
                id: format!("{}-{}", g.name, n + 1),
                instance_type: t.name.clone(),
                az,
                arch: if t.architectures.iter().any(|a| a == "arm64") {
                    "arm64".into()
                } else {
                    "x86_64".into()
                },
                cpu: t.vcpu as u64 * 1024,
                memory: base.saturating_sub(g.reserved_memory) as u64,
                enis: match (g.awsvpc_trunking, t.trunk_task_limit) {
                    (true, Some(l)) => l as u64,
                    _ => t.max_enis.saturating_sub(1) as u64,
                },
                trunked: g.awsvpc_trunking && t.trunk_task_limit.is_some(),
                gpus: u64::from(crate::model::gpus::gpu_count(&t.name).registered()),
                custom: g.attributes.clone(),
            });
        }
    }
    v
}

/// What one task of a task definition takes from an instance.
pub(super) struct Need {
    pub cpu: u64,
    pub memory: u64,
    /// (protocol, host port or None for dynamic, container port) per mapping.
    pub ports: Vec<(Protocol, Option<u16>, u16)>,
    pub awsvpc: bool,
    /// GPUs: each container's `resourceRequirements` of type GPU, summed.
    pub gpus: u64,
}

impl Need {
    /// The scheduler's reservation (§2.3) and ports (§3), written out again
    /// on purpose.
    pub fn of(td: &TaskDefinition) -> Need {
        let cpu = match td.cpu.map(|c| c.0) {
            Some(c) if c > 0 => c as u64,
            _ => td.container_definitions.iter().map(|c| c.cpu as u64).sum(),
        };
        let memory = match td.memory.map(|m| m.0) {
            Some(m) if m > 0 => m as u64,
            _ => td
                .container_definitions
                .iter()
                .map(|c| {
                    let r = c.memory_reservation.unwrap_or(0);
                    (if r > 0 { r } else { c.memory.unwrap_or(0) }) as u64
                })
                .sum(),
        };
        let mut ports = Vec::new();
        for c in &td.container_definitions {
            for pm in &c.port_mappings {
                match td.network_mode {
                    NetworkMode::Host => {
                        ports.push((pm.protocol, Some(pm.container_port), pm.container_port))
                    }
                    NetworkMode::Bridge => {
                        let h = pm.host_port.unwrap_or(0);
                        ports.push((pm.protocol, (h > 0).then_some(h), pm.container_port));
                    }
                    _ => {}
                }
            }
        }
        let gpus = td
            .container_definitions
            .iter()
            .flat_map(|c| {
                c.extra
                    .get("resourceRequirements")
                    .and_then(|r| r.as_array())
            })
            .flatten()
            .filter(|r| r.get("type").and_then(|t| t.as_str()) == Some("GPU"))
            .filter_map(|r| r.get("value")?.as_str()?.trim().parse::<u64>().ok())
            .sum();
        Need {
            cpu,
            memory,
            ports,
            awsvpc: td.network_mode == NetworkMode::Awsvpc,
            gpus,
        }
    }

    pub fn statics(&self) -> Vec<(Protocol, u16)> {
        self.ports
            .iter()
            .filter_map(|w| w.1.map(|h| (w.0, h)))
            .collect()
    }
}

/// What an owner asked of where its tasks go: constraints and strategies.
/// A standalone task definition listed in `tasks` more than once has one
/// request per entry, and a task of it may follow any of them.
pub(super) struct Request<'a> {
    pub constraints: Vec<&'a PlacementConstraint>,
    pub strategies: Vec<PlacementStrategy>,
    /// The task group its tasks join (§10.2): `service:NAME`, RunTask's
    /// `group`, or `family:NAME`.
    pub group: String,
}

/// The task definition an owner's tasks run, as the plan names it.
pub(super) fn task_definition_of<'a>(plan: &'a Plan, owner: &Owner) -> Option<&'a TaskDefinition> {
    match owner {
        Owner::Service(s) => plan
            .service(s)
            .and_then(|s| plan.task_definition(&s.task_definition)),
        Owner::Standalone(r) => plan.task_definition(r),
    }
}

/// Every request an owner's task may have been placed under.
pub(super) fn requests<'a>(
    plan: &'a Plan,
    owner: &Owner,
    td: &'a TaskDefinition,
) -> Vec<Request<'a>> {
    let with = |extra: &'a [PlacementConstraint],
                strategies: &[PlacementStrategy],
                default,
                group: Option<&str>| {
        let mut constraints: Vec<&PlacementConstraint> = td.placement_constraints.iter().collect();
        constraints.extend(extra);
        let strategies = if strategies.is_empty() {
            default_strategy(default)
        } else {
            strategies.to_vec()
        };
        Request {
            constraints,
            strategies,
            group: group.map_or_else(|| group_of(owner), str::to_string),
        }
    };
    match owner {
        Owner::Service(s) => plan
            .service(s)
            .map(|svc| {
                with(
                    &svc.placement_constraints,
                    &svc.placement_strategy,
                    true,
                    None,
                )
            })
            .into_iter()
            .collect(),
        Owner::Standalone(r) => plan
            .tasks
            .iter()
            .filter(|t| *t.task_definition == **r)
            .map(|t| {
                with(
                    &t.placement_constraints,
                    &t.placement_strategy,
                    false,
                    t.group.as_deref(),
                )
            })
            .collect(),
    }
}

/// §4.2's defaults: a service spreads over zones (then instances, as the
/// documented algorithm favours the instance with fewest of its tasks);
/// RunTask places at random.
fn default_strategy(service: bool) -> Vec<PlacementStrategy> {
    let spread = |field: &str| PlacementStrategy {
        kind: StrategyType::Spread,
        field: Some(field.to_string()),
    };
    if service {
        vec![
            spread("attribute:ecs.availability-zone"),
            spread("instanceId"),
        ]
    } else {
        vec![PlacementStrategy {
            kind: StrategyType::Random,
            field: None,
        }]
    }
}

/// The task group `distinctInstance` and `spread` count within (§4.3).
pub(super) fn group_of(owner: &Owner) -> String {
    match owner {
        Owner::Service(s) => format!("service:{s}"),
        Owner::Standalone(r) => format!("family:{}", r.split(':').next().unwrap_or(r)),
    }
}
