//! The rules AWS enforces when a task definition is registered or a service
//! created (§2, §3, §4.3, §5), plus the warnings a reviewer wants, each with a
//! stable code, the JSON path of the field and a sentence a person understands.
//!
//! Codes are stable: E1xxx errors (AWS would refuse the plan), W2xxx warnings,
//! J3xxx JVM findings. Never renumber; retire a code rather than reuse it.

pub mod jvm;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::catalogue::catalogue;
use crate::model::{ConstraintType, NetworkMode, Plan, Protocol, StrategyType, TaskDefinition};
use crate::placement::cql;
use crate::placement::{InstanceState, Placement};
use jvm::Severity as JvmSeverity;

/// §2.2: the planner's minimum hard limit (Docker ≥ 20.10).
pub const MIN_HARD_LIMIT_MIB: u32 = 6;
/// §2.4: task cpu on EC2, using the current API range.
pub const TASK_CPU_RANGE: (u32, u32) = (128, 196_608);
/// §4.2: strategy rules per service (current API; the 2023 guide said 4).
pub const MAX_STRATEGIES: usize = 5;
/// §4.2: constraints per task (task definition + service / run time).
pub const MAX_CONSTRAINTS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    /// JSON path of the field, e.g. `$.taskDefinitions[0].containerDefinitions[1].memory`.
    pub path: String,
    pub message: String,
}

struct Out(Vec<Finding>);

impl Out {
    fn error(&mut self, code: &'static str, path: String, message: String) {
        self.0.push(Finding {
            code,
            severity: Severity::Error,
            path,
            message,
        });
    }
    fn warn(&mut self, code: &'static str, path: String, message: String) {
        self.0.push(Finding {
            code,
            severity: Severity::Warning,
            path,
            message,
        });
    }
}

/// Everything that can be said of a plan without placing it.
pub fn validate(plan: &Plan) -> Vec<Finding> {
    let mut out = Out(Vec::new());
    cluster_rules(plan, &mut out);
    for (i, td) in plan.task_definitions.iter().enumerate() {
        task_definition_rules(plan, td, &format!("$.taskDefinitions[{i}]"), &mut out);
    }
    let mut seen_td = BTreeSet::new();
    for (i, td) in plan.task_definitions.iter().enumerate() {
        if !seen_td.insert((td.family.as_str(), td.revision)) {
            out.error(
                "E1017",
                format!("$.taskDefinitions[{i}].revision"),
                format!(
                    "task definition {}:{} appears twice",
                    td.family, td.revision
                ),
            );
        }
    }
    service_rules(plan, &mut out);
    out.0
}

fn cluster_rules(plan: &Plan, out: &mut Out) {
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

fn task_definition_rules(plan: &Plan, td: &TaskDefinition, path: &str, out: &mut Out) {
    let _ = plan;
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

fn container_port_rules(td: &TaskDefinition, ci: usize, cpath: &str, plan: &Plan, out: &mut Out) {
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

fn constraint_rules(
    constraints: &[crate::model::PlacementConstraint],
    path: &str,
    out: &mut Out,
    in_task_definition: bool,
) {
    for (i, c) in constraints.iter().enumerate() {
        let cpath = format!("{path}[{i}]");
        match c.kind {
            ConstraintType::DistinctInstance => {
                if in_task_definition {
                    out.error(
                        "E1013",
                        format!("{cpath}.type"),
                        "only memberOf constraints are allowed in a task definition".into(),
                    );
                }
                if c.expression.is_some() {
                    out.error(
                        "E1013",
                        format!("{cpath}.expression"),
                        "distinctInstance takes no expression".into(),
                    );
                }
            }
            ConstraintType::MemberOf => match c.expression.as_deref() {
                None | Some("") => out.error(
                    "E1013",
                    format!("{cpath}.expression"),
                    "memberOf needs a cluster query language expression".into(),
                ),
                Some(e) => {
                    if let Err(err) = cql::parse(e) {
                        out.error(
                            "E1013",
                            format!("{cpath}.expression"),
                            format!("cluster query expression does not parse {err}"),
                        );
                    }
                }
            },
        }
    }
}

fn service_rules(plan: &Plan, out: &mut Out) {
    let mut names = BTreeSet::new();
    for (i, s) in plan.services.iter().enumerate() {
        let path = format!("$.services[{i}]");
        if !names.insert(s.service_name.as_str()) {
            out.error(
                "E1016",
                format!("{path}.serviceName"),
                format!("service name \"{}\" is used twice", s.service_name),
            );
        }
        let td = plan.task_definition(&s.task_definition);
        if td.is_none() {
            out.error("E1002", format!("{path}.taskDefinition"), format!(
                "unknown task definition \"{}\": no family (or family:revision) of that name in taskDefinitions", s.task_definition));
        }
        let dc = &s.deployment_configuration;
        if dc.minimum_healthy_percent > 100 {
            out.error(
                "E1015",
                format!("{path}.deploymentConfiguration.minimumHealthyPercent"),
                format!(
                    "minimumHealthyPercent {} must be between 0 and 100",
                    dc.minimum_healthy_percent
                ),
            );
        }
        if dc.maximum_percent < 100 {
            out.error(
                "E1015",
                format!("{path}.deploymentConfiguration.maximumPercent"),
                format!("maximumPercent {} must be at least 100", dc.maximum_percent),
            );
        }
        if s.placement_strategy.len() > MAX_STRATEGIES {
            out.error(
                "E1014",
                format!("{path}.placementStrategy"),
                format!(
                    "{} placement strategies; a service can have at most {MAX_STRATEGIES}",
                    s.placement_strategy.len()
                ),
            );
        }
        for (k, st) in s.placement_strategy.iter().enumerate() {
            let spath = format!("{path}.placementStrategy[{k}].field");
            let field = st.field.as_deref();
            match st.kind {
                StrategyType::Binpack => {
                    if !field.is_some_and(|f| {
                        f.eq_ignore_ascii_case("cpu") || f.eq_ignore_ascii_case("memory")
                    }) {
                        out.error("E1014", spath, "binpack needs field cpu or memory".into());
                    }
                }
                StrategyType::Spread => {
                    if field.is_none_or(str::is_empty) {
                        out.error(
                            "E1014",
                            spath,
                            "spread needs a field: instanceId, host or attribute:<name>".into(),
                        );
                    }
                }
                StrategyType::Random => {
                    if field.is_some() {
                        out.error("E1014", spath, "random takes no field".into());
                    }
                }
            }
        }
        constraint_rules(
            &s.placement_constraints,
            &format!("{path}.placementConstraints"),
            out,
            false,
        );
        let total = s.placement_constraints.len() + td.map_or(0, |t| t.placement_constraints.len());
        if total > MAX_CONSTRAINTS {
            out.error(
                "E1013",
                format!("{path}.placementConstraints"),
                format!("{total} placement constraints; a task can have at most {MAX_CONSTRAINTS}"),
            );
        }
        if let Some(lb) = &s.load_balancer {
            if lb.deregistration_delay_seconds > 3600 {
                out.error(
                    "E1015",
                    format!("{path}.loadBalancer.deregistrationDelaySeconds"),
                    format!(
                        "deregistration delay {} s must be between 0 and 3600",
                        lb.deregistration_delay_seconds
                    ),
                );
            }
        }
    }
    for (i, t) in plan.tasks.iter().enumerate() {
        if plan.task_definition(&t.task_definition).is_none() {
            out.error(
                "E1002",
                format!("$.tasks[{i}].taskDefinition"),
                format!("unknown task definition \"{}\"", t.task_definition),
            );
        }
        constraint_rules(
            &t.placement_constraints,
            &format!("$.tasks[{i}].placementConstraints"),
            out,
            false,
        );
    }
    let instances: BTreeSet<String> = crate::model::cluster::container_instances(plan)
        .into_iter()
        .map(|i| i.id)
        .collect();
    let mut pins: BTreeMap<&str, u32> = BTreeMap::new();
    for (i, p) in plan.pins.iter().enumerate() {
        let path = format!("$.pins[{i}]");
        match plan.service(&p.service) {
            None => out.error(
                "E1025",
                format!("{path}.service"),
                format!("pin names unknown service \"{}\"", p.service),
            ),
            Some(s) => {
                let n = pins.entry(s.service_name.as_str()).or_default();
                *n += 1;
                if *n > s.desired_count {
                    out.error(
                        "E1025",
                        path.clone(),
                        format!(
                            "service {} has more pinned tasks ({n}) than its desiredCount ({})",
                            s.service_name, s.desired_count
                        ),
                    );
                }
            }
        }
        if !instances.contains(&p.instance) {
            out.error(
                "E1025",
                format!("{path}.instance"),
                format!("pin names unknown container instance \"{}\"", p.instance),
            );
        }
    }
}

/// Findings that need the placement: hard limits that overcommit an instance.
pub fn placement_findings(plan: &Plan, placement: &Placement) -> Vec<Finding> {
    let mut out = Out(Vec::new());
    for inst in placement.instances() {
        let limits = hard_limit_total(plan, inst);
        if limits > inst.instance.registered_memory as u64 {
            let group = plan
                .cluster
                .instance_groups
                .iter()
                .position(|g| g.name == inst.instance.group)
                .unwrap_or(0);
            out.warn("W2003", format!("$.cluster.instanceGroups[{group}]"), format!(
                "hard limits on {} add up to {limits} MiB, more than its {} MiB registered memory: under load the kernel may kill containers",
                inst.instance.id, inst.instance.registered_memory));
        }
    }
    out.0
}

/// Σ of the hard limits of the tasks on an instance (a container without one
/// counts its reservation: it has no ceiling, but that is the least it takes).
pub fn hard_limit_total(plan: &Plan, inst: &InstanceState) -> u64 {
    inst.tasks
        .iter()
        .map(|t| {
            plan.task_definition(&t.task_definition_arn)
                .map_or(t.memory as u64, |td| match td.memory {
                    Some(m) if m.0 > 0 => m.0 as u64,
                    _ => td
                        .container_definitions
                        .iter()
                        .map(|c| c.memory.or(c.memory_reservation).unwrap_or(0) as u64)
                        .sum(),
                })
        })
        .sum()
}

/// JVM findings (§7) for every container that runs a JVM.
pub fn jvm_findings(plan: &Plan) -> (Vec<Finding>, Vec<(String, jvm::JvmEstimate)>) {
    let mut out = Out(Vec::new());
    let mut estimates = Vec::new();
    // A container with no hard limit sees the host: use the largest instance.
    let host = crate::model::cluster::container_instances(plan)
        .iter()
        .map(|i| i.nominal_memory)
        .max();
    for (i, td) in plan.task_definitions.iter().enumerate() {
        for ci in 0..td.container_definitions.len() {
            let Some(e) = jvm::estimate(td, ci, host) else {
                continue;
            };
            let path = format!("$.taskDefinitions[{i}].containerDefinitions[{ci}]");
            let summary = e.findings.first().cloned().unwrap_or_default();
            let text = format!("{} / {}: {summary}", td.family, e.container);
            match e.severity {
                JvmSeverity::Red => out.error("J3001", path, text),
                JvmSeverity::Amber => out.warn("J3002", path, text),
                JvmSeverity::Ok => {}
            }
            estimates.push((td.family.clone(), e));
        }
    }
    (out.0, estimates)
}
