//! View models: what the board draws, computed here so that no rule of ECS
//! is re-implemented in the UI. Plain serialisable data; the shell formats
//! numbers and draws, nothing more.

use serde::Serialize;

use crate::model::catalogue::{catalogue, InstanceType};
use crate::model::requirements::requirements;
use crate::model::{NetworkMode, Plan, Protocol};
use crate::placement::{place, Owner, Placement};
use crate::rules::{hard_limit_total, jvm_findings};

/// Distinct service colours the stylesheet defines (`--svc-0` …).
pub const PALETTE_SIZE: usize = 8;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub instances: usize,
    pub cpu_units: u64,
    pub cpu_reserved: u64,
    /// Nominal memory of every instance.
    pub memory_total: u64,
    /// What the system keeps (nominal − registered) over all instances.
    pub memory_system: u64,
    pub memory_registered: u64,
    pub memory_reserved: u64,
    pub memory_free: u64,
    pub monthly_cost: f64,
    pub unplaced_tasks: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemorySegment {
    pub task_id: u32,
    pub label: String,
    pub colour: usize,
    pub reservation: u32,
    /// The task's hard limit; None when a container has no ceiling.
    pub hard_limit: Option<u32>,
    pub pinned: bool,
    /// During a deployment step: "old", "new", "pending" or "draining".
    pub phase: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PortKind {
    Reserved,
    Static,
    Dynamic,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PortEntry {
    pub host_port: u16,
    pub protocol: Protocol,
    pub kind: PortKind,
    /// The service (or task definition) holding it; None for agent-reserved ports.
    pub owner: Option<String>,
    pub container_port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskChip {
    pub task_id: u32,
    pub label: String,
    /// Service tasks can be dragged; standalone tasks cannot.
    pub service: Option<String>,
    pub colour: usize,
    pub pinned: bool,
    /// During a deployment step: "old", "new", "pending" or "draining".
    pub phase: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceView {
    pub id: String,
    pub group: String,
    pub instance_type: String,
    pub availability_zone: String,
    /// A stand-in private address for load-balancer targets.
    pub address: String,
    pub nominal_memory: u32,
    pub system_memory: u32,
    pub registered_memory: u32,
    pub memory_estimated: bool,
    pub memory: Vec<MemorySegment>,
    pub free_memory: u32,
    pub hard_limit_total: u64,
    pub overcommitted: bool,
    pub registered_cpu: u32,
    pub cpu: Vec<(String, usize, u32)>,
    pub free_cpu: u32,
    pub ports: Vec<PortEntry>,
    pub enis_used: u32,
    pub eni_capacity: u32,
    pub tasks: Vec<TaskChip>,
}

impl InstanceView {
    /// A hash of everything the board draws for this instance (task ids left
    /// out: they renumber on every re-plan without changing the picture). The
    /// shell keys its instance cards by it, so a change redraws only the
    /// cards whose picture changed.
    pub fn content_hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        (
            &self.id,
            &self.group,
            &self.instance_type,
            &self.availability_zone,
            &self.address,
        )
            .hash(&mut h);
        (
            self.nominal_memory,
            self.system_memory,
            self.registered_memory,
            self.memory_estimated,
            self.free_memory,
            self.hard_limit_total,
            self.overcommitted,
            self.registered_cpu,
            self.free_cpu,
            self.enis_used,
            self.eni_capacity,
        )
            .hash(&mut h);
        for m in &self.memory {
            (
                &m.label,
                m.colour,
                m.reservation,
                m.hard_limit,
                m.pinned,
                &m.phase,
            )
                .hash(&mut h);
        }
        self.cpu.hash(&mut h);
        for p in &self.ports {
            (
                p.host_port,
                p.protocol,
                p.kind as u8,
                &p.owner,
                p.container_port,
            )
                .hash(&mut h);
        }
        for t in &self.tasks {
            (&t.label, &t.service, t.colour, t.pinned, &t.phase).hash(&mut h);
        }
        h.finish()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupView {
    pub name: String,
    pub instance_type: String,
    pub count: u32,
    pub vcpu: u32,
    pub cpu_units: u32,
    pub nominal_memory: u32,
    /// Per instance, after the group's reserved memory.
    pub registered_memory: u32,
    pub memory_estimated: bool,
    pub monthly_cost: Option<f64>,
    pub instances: Vec<InstanceView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceCard {
    pub name: String,
    pub task_definition: String,
    pub colour: usize,
    pub network_mode: String,
    pub desired_count: u32,
    pub cpu: u32,
    pub memory_reservation: u32,
    pub hard_limit: Option<u32>,
    /// "8000/tcp → dynamic", "8000/tcp → 8000".
    pub ports: Vec<String>,
    pub placed: u32,
    pub unplaced: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnplacedView {
    pub label: String,
    pub colour: usize,
    pub count: u32,
    pub reason: String,
    pub message: String,
    pub closest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetGroupView {
    pub service: String,
    pub container_port: u16,
    /// "192.168.1.1:32768" for instance targets; "ENI" addresses for awsvpc.
    pub targets: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JvmView {
    pub task_definition: String,
    pub container: String,
    pub hard_limit: Option<u32>,
    /// (label, MiB) in the order the panel stacks them.
    pub parts: Vec<(String, f64)>,
    pub required: f64,
    pub severity: crate::rules::jvm::Severity,
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageByService {
    pub label: String,
    pub colour: usize,
    pub memory: u64,
    pub cpu: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Board {
    pub plan_name: String,
    pub cluster_name: String,
    pub totals: Totals,
    pub groups: Vec<GroupView>,
    pub services: Vec<ServiceCard>,
    pub unplaced: Vec<UnplacedView>,
    pub targets: Vec<TargetGroupView>,
    pub jvm: Vec<JvmView>,
    pub usage: Vec<UsageByService>,
}

fn colour_of(plan: &Plan, owner: &Owner) -> usize {
    match owner {
        Owner::Service(s) => {
            plan.services
                .iter()
                .position(|x| *x.service_name == **s)
                .unwrap_or(0)
                % PALETTE_SIZE
        }
        Owner::Standalone(_) => PALETTE_SIZE,
    }
}

fn task_hard_limit(plan: &Plan, arn: &str) -> Option<u32> {
    let td = plan.task_definition(arn)?;
    match td.memory {
        Some(m) if m.0 > 0 => Some(m.0),
        _ => td.container_definitions.iter().map(|c| c.memory).sum(),
    }
}

/// The board for a plan (placing it once).
pub fn board(plan: &Plan) -> Board {
    board_with(plan, &place(plan))
}

/// Task id → its phase in a deployment step ("old", "new", "pending", "draining").
pub type Phases = std::collections::BTreeMap<u32, String>;

/// The board at one step of a deployment, scaling or run-task: the step's
/// ledger drawn like a placement, each task marked with its phase.
pub fn board_at_step(plan: &Plan, step: &crate::simulate::Step) -> Board {
    use crate::simulate::{TaskStatus, Version};
    let phases: Phases = step
        .instances
        .iter()
        .flat_map(|i| &i.tasks)
        .filter(|t| t.version != Version::Other)
        .map(|t| {
            let phase = match (t.status, t.version) {
                (TaskStatus::Draining, _) => "draining",
                (TaskStatus::Pending, _) => "pending",
                (_, Version::New) => "new",
                _ => "old",
            };
            (t.task_id, phase.to_string())
        })
        .collect();
    let placement = Placement {
        state: step.state.clone(),
        unplaced: Vec::new(),
    };
    board_phased(plan, &placement, &phases)
}

pub fn board_with(plan: &Plan, placement: &Placement) -> Board {
    board_phased(plan, placement, &Phases::new())
}

fn board_phased(plan: &Plan, placement: &Placement, phases: &Phases) -> Board {
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
            monthly_cost: t
                .and_then(InstanceType::monthly_price)
                .map(|p| p * g.count as f64),
            instances,
        });
    }

    let services: Vec<ServiceCard> = plan
        .services
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
                desired_count: s.desired_count,
                cpu: req.as_ref().map_or(0, |r| r.cpu),
                memory_reservation: req.as_ref().map_or(0, |r| r.memory),
                hard_limit: td.and_then(|td| {
                    task_hard_limit(plan, &format!("{}:{}", td.family, td.revision))
                }),
                ports,
                placed,
                unplaced,
            }
        })
        .collect();

    let unplaced = placement
        .unplaced
        .iter()
        .map(|u| UnplacedView {
            label: u.owner.name().to_string(),
            colour: colour_of(plan, &u.owner),
            count: u.count,
            reason: u.failure.reason.code().to_string(),
            message: u.failure.message.clone(),
            closest: u.failure.closest.clone(),
        })
        .collect();

    // Target groups: every service with a load balancer and a port mapping.
    // Bridge and host tasks register instance:port (§5.8 dynamic mapping);
    // awsvpc tasks register their ENI's address (target type ip).
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

    let jvm = jvm_findings(plan)
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
        })
        .collect();

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

    let inst: Vec<&InstanceView> = groups.iter().flat_map(|g| &g.instances).collect();
    let totals = Totals {
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
        unplaced_tasks: placement.unplaced.iter().map(|u| u.count).sum(),
    };
    Board {
        plan_name: plan.name.clone(),
        cluster_name: plan.cluster.cluster_name.clone(),
        totals,
        groups,
        services,
        unplaced,
        targets,
        jvm,
        usage,
    }
}

fn instance_view(
    plan: &Plan,
    s: &crate::placement::InstanceState,
    group_index: usize,
    n: usize,
    phases: &Phases,
) -> InstanceView {
    let i = &s.instance;
    let memory = s
        .tasks
        .iter()
        .map(|t| MemorySegment {
            task_id: t.id,
            label: t.owner.name().to_string(),
            colour: colour_of(plan, &t.owner),
            reservation: t.memory,
            hard_limit: task_hard_limit(plan, &t.task_definition_arn),
            pinned: t.pinned,
            phase: phases.get(&t.id).cloned(),
        })
        .collect();
    let mut ports: Vec<PortEntry> = Vec::new();
    for (list, protocol) in [
        (&plan.cluster.reserved_ports, Protocol::Tcp),
        (&plan.cluster.reserved_ports_udp, Protocol::Udp),
    ] {
        for &p in list {
            ports.push(PortEntry {
                host_port: p,
                protocol,
                kind: PortKind::Reserved,
                owner: None,
                container_port: None,
            });
        }
    }
    for t in &s.tasks {
        for hp in &t.host_ports {
            ports.push(PortEntry {
                host_port: hp.host_port,
                protocol: hp.protocol,
                kind: if hp.dynamic {
                    PortKind::Dynamic
                } else {
                    PortKind::Static
                },
                owner: Some(t.owner.name().to_string()),
                container_port: Some(hp.container_port),
            });
        }
    }
    ports.sort_by_key(|p| (p.protocol, p.host_port));
    let hard_limit_total = hard_limit_total(plan, s);
    InstanceView {
        id: i.id.clone(),
        group: i.group.clone(),
        instance_type: i.instance_type.clone(),
        availability_zone: i.availability_zone.clone(),
        address: format!("192.168.{}.{}", group_index + 1, n + 1),
        nominal_memory: i.nominal_memory,
        system_memory: i.nominal_memory.saturating_sub(i.registered_memory),
        registered_memory: i.registered_memory,
        memory_estimated: i.memory_estimated,
        memory,
        free_memory: s.remaining_memory,
        hard_limit_total,
        overcommitted: hard_limit_total > i.registered_memory as u64,
        registered_cpu: i.registered_cpu,
        cpu: s
            .tasks
            .iter()
            .map(|t| (t.owner.name().to_string(), colour_of(plan, &t.owner), t.cpu))
            .collect(),
        free_cpu: s.remaining_cpu,
        ports,
        enis_used: s.enis_used,
        eni_capacity: i.eni_capacity,
        tasks: s
            .tasks
            .iter()
            .map(|t| TaskChip {
                task_id: t.id,
                label: t.owner.name().to_string(),
                service: match &t.owner {
                    Owner::Service(n) => Some(n.to_string()),
                    Owner::Standalone(_) => None,
                },
                colour: colour_of(plan, &t.owner),
                pinned: t.pinned,
                phase: phases.get(&t.id).cloned(),
            })
            .collect(),
    }
}

/// One row of the instance-type picker.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogueRow {
    pub name: String,
    pub family: String,
    pub architecture: String,
    pub vcpu: u32,
    pub memory: u32,
    pub registered_memory: u32,
    pub estimated: bool,
    pub price_per_hour: Option<f64>,
}

/// The picker's rows: types matching `query`, optionally one family and
/// architecture, at most `limit` of them, and how many matched in all.
pub fn catalogue_rows(
    query: &str,
    family: Option<&str>,
    architecture: Option<&str>,
    limit: usize,
) -> (Vec<CatalogueRow>, usize) {
    let cat = catalogue();
    let mut total = 0;
    let mut rows = Vec::new();
    for t in cat.search(query, family, architecture) {
        total += 1;
        if rows.len() < limit {
            let reg = cat.registered_memory(t);
            rows.push(CatalogueRow {
                name: t.name.clone(),
                family: t.family.clone(),
                architecture: t.cpu_architecture().to_string(),
                vcpu: t.vcpu,
                memory: t.memory_mib,
                registered_memory: reg.mib,
                estimated: reg.estimated,
                price_per_hour: t.price_per_hour,
            });
        }
    }
    (rows, total)
}

/// Every family in the catalogue, for the picker's filter.
pub fn families() -> Vec<String> {
    let mut f: Vec<String> = catalogue().all().iter().map(|t| t.family.clone()).collect();
    f.sort();
    f.dedup();
    f
}
