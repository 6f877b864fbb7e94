//! The board's sections beside the instance cards, one builder each:
//! instance groups, service cards, unplaced tasks, load-balancer targets,
//! the JVM check, usage by service and the totals.

use serde::Serialize;

use super::instance::{instance_view, InstanceView};
use super::{colour_of, task_hard_limit, Phases};
use crate::model::catalogue::{catalogue, InstanceType};
use crate::model::requirements::requirements;
use crate::model::{NetworkMode, Plan};
use crate::placement::{shortfall, Owner, Placement};
use crate::rules::jvm_findings;

/// The cluster's totals, as the totals bar shows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    /// Container instances in the cluster.
    pub instances: usize,
    /// CPU units every instance registers (1,024 per vCPU).
    pub cpu_units: u64,
    /// CPU units reserved by placed tasks.
    pub cpu_reserved: u64,
    /// Nominal memory of every instance.
    pub memory_total: u64,
    /// What the system keeps (nominal − registered) over all instances.
    pub memory_system: u64,
    /// Memory (MiB) every instance registers with ECS.
    pub memory_registered: u64,
    /// Memory (MiB) reserved by placed tasks.
    pub memory_reserved: u64,
    /// Registered memory (MiB) no task reserves.
    pub memory_free: u64,
    /// On-demand cost of every instance for a month (730 hours), in USD.
    pub monthly_cost: f64,
    /// Tasks running on the board's instances. The board draws only the
    /// cards in view (issue 21), so this is the count to read, not its chips.
    pub tasks_placed: u32,
    /// Tasks that could not be placed.
    pub unplaced_tasks: u32,
}

/// One instance group on the board: its header and its instances' cards.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupView {
    /// The group's name.
    pub name: String,
    /// Its EC2 instance type.
    pub instance_type: String,
    /// How many container instances it has.
    pub count: u32,
    /// vCPUs per instance.
    pub vcpu: u32,
    /// CPU units per instance (1,024 per vCPU).
    pub cpu_units: u32,
    /// The instance type's memory (MiB), before the system's share.
    pub nominal_memory: u32,
    /// Per instance, after the group's reserved memory.
    pub registered_memory: u32,
    /// Whether the registered memory is estimated rather than observed.
    pub memory_estimated: bool,
    /// x86_64 or arm64: an arm64 type needs images built for arm64.
    pub architecture: String,
    /// A burstable type (T family): its CPU runs on credits.
    pub burstable: bool,
    /// On-demand cost of the group for a month, in USD; none for a type without a price.
    pub monthly_cost: Option<f64>,
    /// One card per container instance.
    pub instances: Vec<InstanceView>,
}

/// What a group's header shows. The board keys its groups by it, so a
/// group is redrawn only when its header changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupHeader {
    /// The group's name.
    pub name: String,
    /// Its EC2 instance type.
    pub instance_type: String,
    /// How many container instances it has.
    pub count: u32,
    /// vCPUs per instance.
    pub vcpu: u32,
    /// CPU units per instance (1,024 per vCPU).
    pub cpu_units: u32,
    /// Memory each instance registers with ECS, after reserved memory.
    pub registered_memory: u32,
    /// Whether that memory is estimated rather than observed.
    pub memory_estimated: bool,
    /// x86_64 or arm64.
    pub architecture: String,
    /// A burstable type.
    pub burstable: bool,
}

impl GroupView {
    /// The group's header.
    pub fn header(&self) -> GroupHeader {
        GroupHeader {
            name: self.name.clone(),
            instance_type: self.instance_type.clone(),
            count: self.count,
            vcpu: self.vcpu,
            cpu_units: self.cpu_units,
            registered_memory: self.registered_memory,
            memory_estimated: self.memory_estimated,
            architecture: self.architecture.clone(),
            burstable: self.burstable,
        }
    }
}

/// A service's card in the palette: its size, ports and how many of its tasks are placed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceCard {
    /// The service's name.
    pub name: String,
    /// Its task definition (family:revision).
    pub task_definition: String,
    /// The colour index its chips are drawn in.
    pub colour: usize,
    /// Its task definition's network mode (bridge, host, awsvpc, none).
    pub network_mode: String,
    /// Its desiredCount; a daemon's is the number of instances that meet
    /// its constraints, as ECS sets it (§10.1).
    pub desired_count: u32,
    /// Whether it is a DAEMON service.
    pub daemon: bool,
    /// CPU units one task reserves.
    pub cpu: u32,
    /// Memory (MiB) one task reserves: the reservation, else the hard limit.
    pub memory_reservation: u32,
    /// The task's hard limit (MiB), when it has one.
    pub hard_limit: Option<u32>,
    /// "8000/tcp → dynamic", "8000/tcp → 8000".
    pub ports: Vec<String>,
    /// Tasks of the service placed.
    pub placed: u32,
    /// Tasks of the service ECS could not place.
    pub unplaced: u32,
    /// Where its tasks run when not on the cluster's instances (`FARGATE`,
    /// `EXTERNAL`): listed apart, never placed (issue 16).
    pub runs_on: Option<String>,
}

/// Tasks of one service (or standalone task) that could not be placed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnplacedView {
    /// The service's (or standalone task's) name.
    pub label: String,
    /// The colour index its chips are drawn in.
    pub colour: usize,
    /// How many of its tasks are unplaced.
    pub count: u32,
    /// ECS's reason code, such as RESOURCE:MEMORY.
    pub reason: String,
    /// ECS's event text for the reason.
    pub message: String,
    /// The closest matching container instance, when one passed the constraints.
    pub closest: Option<String>,
    /// For CPU and memory, the numbers: what a task needs, the most any
    /// instance has free or registers, and what would make it fit.
    pub detail: Option<String>,
}

/// A service's target group and the targets its tasks register.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetGroupView {
    /// The service.
    pub service: String,
    /// The container port the load balancer sends traffic to.
    pub container_port: u16,
    /// "192.168.1.1:32768" for instance targets; "ENI" addresses for awsvpc.
    pub targets: Vec<String>,
}

/// The JVM check of one container, as the JVM panel stacks it (§7).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JvmView {
    /// The task definition (family:revision).
    pub task_definition: String,
    /// The container.
    pub container: String,
    /// The container's hard limit (MiB), when it has one.
    pub hard_limit: Option<u32>,
    /// (label, MiB) in the order the panel stacks them.
    pub parts: Vec<(String, f64)>,
    /// What the JVM needs in all (MiB).
    pub required: f64,
    /// How the need compares with the hard limit.
    pub severity: crate::rules::jvm::Severity,
    /// Plain-language findings, each naming the heuristic it rests on.
    pub findings: Vec<String>,
    /// The threads the estimate assumes (the plan's, else §7.5's 200).
    pub threads: u32,
    /// The code cache (MiB) the estimate uses.
    pub code_cache_mib: f64,
    /// Whether the code cache is the container's own flag, not an assumption.
    pub code_cache_from_flag: bool,
}

/// Memory and CPU reserved by one service (or standalone task definition).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageByService {
    /// The service's (or task definition's) name.
    pub label: String,
    /// The colour index its chips are drawn in.
    pub colour: usize,
    /// Memory (MiB) its placed tasks reserve.
    pub memory: u64,
    /// CPU units its placed tasks reserve.
    pub cpu: u64,
}

/// Each instance group with its instances' cards.
pub(super) fn groups(plan: &Plan, placement: &Placement, phases: &Phases) -> Vec<GroupView> {
    let cat = catalogue();
    let mut groups = Vec::new();
    for (gi, g) in plan.cluster.instance_groups.iter().enumerate() {
        let t = cat.get(&g.instance_type);
        let reg = t.map(|t| cat.registered_memory(t));
        let instances: Vec<InstanceView> = placement
            .instances()
            .iter()
            .filter(|s| s.instance.group == g.name)
            .enumerate()
            .map(|(n, s)| instance_view(plan, s, gi, n, phases))
            .collect();
        groups.push(GroupView {
            name: g.name.clone(),
            instance_type: g.instance_type.clone(),
            count: g.count,
            vcpu: t.map_or(0, |t| t.vcpu),
            cpu_units: t.map_or(0, InstanceType::cpu_units),
            nominal_memory: t.map_or(0, |t| t.memory_mib),
            registered_memory: g
                .registered_memory
                .or(reg.map(|r| r.mib))
                .unwrap_or(0)
                .saturating_sub(g.reserved_memory),
            memory_estimated: g.registered_memory.is_none() && reg.is_some_and(|r| r.estimated),
            architecture: t
                .map_or("x86_64", InstanceType::cpu_architecture)
                .to_string(),
            burstable: t.is_some_and(InstanceType::is_burstable),
            monthly_cost: t
                .and_then(InstanceType::monthly_price)
                .map(|p| p * g.count as f64),
            instances,
        });
    }

    groups
}

/// One card per service: its size, ports and how many of its tasks are placed.
pub(super) fn service_cards(plan: &Plan, placement: &Placement) -> Vec<ServiceCard> {
    plan.services
        .iter()
        .map(|s| {
            let owner = Owner::Service(s.service_name.as_str().into());
            let td = plan.task_definition(&s.task_definition);
            let req = td.map(requirements);
            let placed = placement
                .instances()
                .iter()
                .flat_map(|i| &i.tasks)
                .filter(|t| t.owner == owner)
                .count() as u32;
            let unplaced = placement
                .unplaced
                .iter()
                .filter(|u| u.owner == owner)
                .map(|u| u.count)
                .sum();
            let ports = td
                .map(|td| {
                    td.container_definitions
                        .iter()
                        .flat_map(|c| &c.port_mappings)
                        .map(|pm| {
                            let host = match td.network_mode {
                                NetworkMode::Host => pm.container_port.to_string(),
                                NetworkMode::Bridge => match pm.host_port {
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
                colour: colour_of(plan, &owner),
                network_mode: td.map_or("?", |t| t.network_mode.as_str()).to_string(),
                desired_count: crate::placement::desired_count(plan, &placement.state, s),
                daemon: s.is_daemon(),
                cpu: req.as_ref().map_or(0, |r| r.cpu),
                memory_reservation: req.as_ref().map_or(0, |r| r.memory),
                hard_limit: td.and_then(|td| {
                    task_hard_limit(plan, &format!("{}:{}", td.family, td.revision))
                }),
                ports,
                placed,
                unplaced,
                runs_on: (!plan.on_instances(s))
                    .then(|| s.launch_type().unwrap_or("FARGATE").to_string()),
            }
        })
        .collect()
}

/// Tasks that could not be placed, with ECS's reason.
pub(super) fn unplaced(plan: &Plan, placement: &Placement) -> Vec<UnplacedView> {
    placement
        .unplaced
        .iter()
        .map(|u| UnplacedView {
            label: u.owner.name().to_string(),
            colour: colour_of(plan, &u.owner),
            count: u.count,
            reason: u.failure.reason.code().to_string(),
            message: u.failure.message.clone(),
            closest: u.failure.closest.clone(),
            detail: shortfall(plan, placement, u),
        })
        .collect()
}

/// Target groups: every service with a load balancer and a port mapping.
/// Bridge and host tasks register instance:port (§5.8 dynamic mapping);
/// awsvpc tasks register their ENI's address (target type ip).
pub(super) fn targets(
    plan: &Plan,
    placement: &Placement,
    groups: &[GroupView],
) -> Vec<TargetGroupView> {
    let mut targets = Vec::new();
    for s in plan.services.iter().filter(|s| s.load_balancer.is_some()) {
        let owner = Owner::Service(s.service_name.as_str().into());
        let Some(td) = plan.task_definition(&s.task_definition) else {
            continue;
        };
        let Some(port) = td
            .container_definitions
            .iter()
            .flat_map(|c| &c.port_mappings)
            .next()
        else {
            continue;
        };
        let mut list = Vec::new();
        for (state, view) in placement
            .instances()
            .iter()
            .zip(groups.iter().flat_map(|g| &g.instances))
        {
            for t in state.tasks.iter().filter(|t| t.owner == owner) {
                if t.eni {
                    list.push(format!("eni of task {}:{}", t.id, port.container_port));
                }
                for hp in t
                    .host_ports
                    .iter()
                    .filter(|h| h.container_port == port.container_port)
                {
                    list.push(format!("{}:{}", view.address, hp.host_port));
                }
            }
        }
        targets.push(TargetGroupView {
            service: s.service_name.clone(),
            container_port: port.container_port,
            targets: list,
        });
    }
    targets
}

/// The JVM check of every container that runs a JVM, as the panel stacks it.
pub(super) fn jvm(plan: &Plan) -> Vec<JvmView> {
    jvm_findings(plan)
        .1
        .into_iter()
        .map(|(family, e)| JvmView {
            task_definition: family,
            container: e.container.clone(),
            hard_limit: e.hard_limit,
            parts: vec![
                ("heap".into(), e.heap),
                ("metaspace".into(), e.metaspace),
                (
                    format!("thread stacks ({} threads)", e.threads),
                    e.thread_stacks,
                ),
                ("code cache".into(), e.code_cache),
                ("direct buffers".into(), e.direct),
                ("GC and native".into(), e.overhead),
            ],
            required: e.required,
            severity: e.severity,
            findings: e.findings,
            threads: e.threads,
            code_cache_mib: e.code_cache,
            code_cache_from_flag: e.code_cache_from_flag,
        })
        .collect()
}

/// Memory and CPU reserved per service (or standalone task definition).
pub(super) fn usage(plan: &Plan, placement: &Placement) -> Vec<UsageByService> {
    let mut usage: Vec<UsageByService> = Vec::new();
    for inst in placement.instances() {
        for t in &inst.tasks {
            let label = t.owner.name().to_string();
            match usage.iter_mut().find(|u| u.label == label) {
                Some(u) => {
                    u.memory += t.memory as u64;
                    u.cpu += t.cpu as u64;
                }
                None => usage.push(UsageByService {
                    label,
                    colour: colour_of(plan, &t.owner),
                    memory: t.memory as u64,
                    cpu: t.cpu as u64,
                }),
            }
        }
    }

    usage
}

/// The cluster's totals, added up from the instance cards.
pub(super) fn totals(groups: &[GroupView], placement: &Placement) -> Totals {
    let inst: Vec<&InstanceView> = groups.iter().flat_map(|g| &g.instances).collect();
    Totals {
        instances: inst.len(),
        cpu_units: inst.iter().map(|i| i.registered_cpu as u64).sum(),
        cpu_reserved: inst
            .iter()
            .map(|i| (i.registered_cpu - i.free_cpu) as u64)
            .sum(),
        memory_total: inst.iter().map(|i| i.nominal_memory as u64).sum(),
        memory_system: inst.iter().map(|i| i.system_memory as u64).sum(),
        memory_registered: inst.iter().map(|i| i.registered_memory as u64).sum(),
        memory_reserved: inst
            .iter()
            .map(|i| (i.registered_memory - i.free_memory) as u64)
            .sum(),
        memory_free: inst.iter().map(|i| i.free_memory as u64).sum(),
        monthly_cost: groups.iter().filter_map(|g| g.monthly_cost).sum(),
        tasks_placed: inst.iter().map(|i| i.tasks.len() as u32).sum(),
        unplaced_tasks: placement.unplaced.iter().map(|u| u.count).sum(),
    }
}
