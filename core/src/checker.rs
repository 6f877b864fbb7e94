//! An independent checker of placements, in the spirit of vrp's solution
//! checker: it re-derives every fact from the plan and the catalogue and
//! shares no code with `placement` or `requirements`, so a bug there cannot
//! hide itself here. Tests run it over every placement they make.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::catalogue::catalogue;
use crate::model::{
    ConstraintType, NetworkMode, PlacementConstraint, Plan, Protocol, TaskDefinition,
};
use crate::placement::cql;
use crate::placement::{ClusterState, InstanceState, Owner, PlacedTask, Placement};

struct Facts {
    id: String,
    instance_type: String,
    az: String,
    arch: String,
    cpu: u64,
    memory: u64,
    enis: u64,
}

fn expected_instances(plan: &Plan) -> Vec<Facts> {
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
            });
        }
    }
    v
}

/// The scheduler's reservation (§2.3), written out again on purpose.
fn reservation(td: &TaskDefinition) -> (u64, u64) {
    let cpu = match td.cpu.map(|c| c.0) {
        Some(c) if c > 0 => c as u64,
        _ => td.container_definitions.iter().map(|c| c.cpu as u64).sum(),
    };
    let mem = match td.memory.map(|m| m.0) {
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
    (cpu, mem)
}

/// (protocol, host port or None for dynamic, container port) per mapping.
fn wanted_ports(td: &TaskDefinition) -> Vec<(Protocol, Option<u16>, u16)> {
    let mut v = Vec::new();
    for c in &td.container_definitions {
        for pm in &c.port_mappings {
            match td.network_mode {
                NetworkMode::Host => {
                    v.push((pm.protocol, Some(pm.container_port), pm.container_port))
                }
                NetworkMode::Bridge => {
                    let h = pm.host_port.unwrap_or(0);
                    v.push((pm.protocol, (h > 0).then_some(h), pm.container_port));
                }
                _ => {}
            }
        }
    }
    v
}

fn constraints_for<'a>(
    plan: &'a Plan,
    owner: &Owner,
    td: &'a TaskDefinition,
) -> Vec<&'a PlacementConstraint> {
    let mut v: Vec<&PlacementConstraint> = td.placement_constraints.iter().collect();
    match owner {
        Owner::Service(s) => {
            if let Some(svc) = plan.service(s) {
                v.extend(svc.placement_constraints.iter());
            }
        }
        Owner::Standalone(r) => {
            if let Some(t) = plan.tasks.iter().find(|t| *t.task_definition == **r) {
                v.extend(t.placement_constraints.iter());
            }
        }
    }
    v
}

fn member_of(expr: &str, f: &Facts) -> bool {
    let Ok(e) = cql::parse(expr) else {
        return false;
    };
    e.eval(&|s: &str| match s {
        "attribute:ecs.instance-type" => Some(f.instance_type.as_str()),
        "attribute:ecs.availability-zone" => Some(f.az.as_str()),
        "attribute:ecs.cpu-architecture" => Some(f.arch.as_str()),
        "attribute:ecs.os-type" => Some("linux"),
        "attribute:ecs.os-family" => Some("LINUX"),
        "ec2InstanceId" | "containerInstanceId" => Some(f.id.as_str()),
        _ => None,
    })
}

fn group_of(owner: &Owner) -> String {
    match owner {
        Owner::Service(s) => format!("s/{s}"),
        Owner::Standalone(r) => format!("f/{}", r.split(':').next().unwrap_or(r)),
    }
}

struct Used {
    cpu: u64,
    memory: u64,
    enis: u64,
    ports: BTreeMap<(Protocol, u16), usize>,
    reserved: usize,
    groups: BTreeSet<String>,
}

/// Checks one ledger — every instance within its CPU, memory, ENIs and ports,
/// every constraint kept — whatever produced it (placement or a deployment step).
pub fn check_state(plan: &Plan, state: &ClusterState) -> Vec<String> {
    let mut bad = Vec::new();
    let _ = check_instances(plan, state.instances.as_slice(), &mut bad);
    bad
}

/// Every violation found, in words; empty when the placement is sound.
pub fn check_placement(plan: &Plan, placement: &Placement) -> Vec<String> {
    let mut bad = Vec::new();
    let Some((facts, used_by, placed)) = check_instances(plan, placement.instances(), &mut bad)
    else {
        return bad;
    };
    let [lo, hi] = plan.cluster.dynamic_host_port_range;
    let (lo, hi) = (lo.min(hi), lo.max(hi));

    check_counts(plan, placement, &placed, &mut bad);
    check_unplaced(plan, placement, &facts, &used_by, (lo, hi), &mut bad);
    bad
}

#[allow(clippy::type_complexity)]
fn check_instances(
    plan: &Plan,
    states: &[InstanceState],
    bad: &mut Vec<String>,
) -> Option<(Vec<Facts>, Vec<Used>, BTreeMap<Owner, u32>)> {
    let facts = expected_instances(plan);
    let [lo, hi] = plan.cluster.dynamic_host_port_range;
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    if states.len() != facts.len() {
        bad.push(format!(
            "{} instances placed, the plan has {}",
            states.len(),
            facts.len()
        ));
        return None;
    }
    let mut used_by = Vec::new();
    let mut placed: BTreeMap<Owner, u32> = BTreeMap::new();
    let mut ids = BTreeSet::new();
    for (st, f) in states.iter().zip(&facts) {
        if st.instance.id != f.id || st.instance.instance_type != f.instance_type {
            bad.push(format!(
                "instance {} ({}) should be {} ({})",
                st.instance.id, st.instance.instance_type, f.id, f.instance_type
            ));
            continue;
        }
        let mut used = agent_ports(plan);
        for t in &st.tasks {
            if !ids.insert(t.id) {
                bad.push(format!("task id {} appears twice", t.id));
            }
            *placed.entry(t.owner.clone()).or_default() += 1;
            check_task(plan, f, t, &mut used, lo, hi, bad);
        }
        check_totals(f, st, &used, bad);
        used_by.push(used);
    }

    Some((facts, used_by, placed))
}

fn check_task(
    plan: &Plan,
    f: &Facts,
    t: &PlacedTask,
    used: &mut Used,
    lo: u16,
    hi: u16,
    bad: &mut Vec<String>,
) {
    let Some(td) = plan.task_definition(&t.task_definition_arn) else {
        bad.push(format!(
            "{}: task {} runs unknown {}",
            f.id, t.id, t.task_definition_arn
        ));
        return;
    };
    let (cpu, mem) = reservation(td);
    used.cpu += cpu;
    used.memory += mem;
    if td.network_mode == NetworkMode::Awsvpc {
        used.enis += 1;
    }
    for c in constraints_for(plan, &t.owner, td) {
        let ok = match c.kind {
            // Pinned tasks skip nothing: distinctInstance still binds.
            ConstraintType::DistinctInstance => !used.groups.contains(&group_of(&t.owner)),
            ConstraintType::MemberOf => c.expression.as_deref().is_some_and(|e| member_of(e, f)),
        };
        if !ok {
            bad.push(format!(
                "{}: task {} of {} breaks a {:?} constraint",
                f.id,
                t.id,
                t.owner.name(),
                c.kind
            ));
        }
    }
    used.groups.insert(group_of(&t.owner));
    let wanted = wanted_ports(td);
    if wanted.len() != t.host_ports.len() {
        bad.push(format!(
            "{}: task {} has {} host ports, its definition maps {}",
            f.id,
            t.id,
            t.host_ports.len(),
            wanted.len()
        ));
        return;
    }
    for (w, hp) in wanted.iter().zip(&t.host_ports) {
        if w.0 != hp.protocol || w.2 != hp.container_port {
            bad.push(format!(
                "{}: task {} maps the wrong container port",
                f.id, t.id
            ));
        }
        match w.1 {
            Some(h) => {
                if hp.host_port != h {
                    bad.push(format!(
                        "{}: task {} static port {h} placed on {}",
                        f.id, t.id, hp.host_port
                    ));
                }
                used.reserved += 1;
            }
            None => {
                if !(lo..=hi).contains(&hp.host_port) {
                    bad.push(format!(
                        "{}: task {} dynamic port {} outside {lo}-{hi}",
                        f.id, t.id, hp.host_port
                    ));
                }
            }
        }
        *used.ports.entry((hp.protocol, hp.host_port)).or_default() += 1;
    }
}

/// What an instance holds before any task: the agent's reserved ports.
fn agent_ports(plan: &Plan) -> Used {
    let mut used = Used {
        cpu: 0,
        memory: 0,
        enis: 0,
        ports: BTreeMap::new(),
        reserved: 0,
        groups: BTreeSet::new(),
    };
    for p in &plan.cluster.reserved_ports {
        *used.ports.entry((Protocol::Tcp, *p)).or_default() += 1;
    }
    for p in &plan.cluster.reserved_ports_udp {
        *used.ports.entry((Protocol::Udp, *p)).or_default() += 1;
    }
    used.reserved = plan.cluster.reserved_ports.len() + plan.cluster.reserved_ports_udp.len();
    used
}

/// One instance's totals against what it registers: CPU, memory, ENIs,
/// reserved ports, each host port once, and the ledger's remaining amounts.
fn check_totals(f: &Facts, st: &InstanceState, used: &Used, bad: &mut Vec<String>) {
    if used.cpu > f.cpu {
        bad.push(format!(
            "{}: {} CPU units reserved of {}",
            f.id, used.cpu, f.cpu
        ));
    }
    if used.memory > f.memory {
        bad.push(format!(
            "{}: {} MiB reserved of {}",
            f.id, used.memory, f.memory
        ));
    }
    if used.enis > f.enis {
        bad.push(format!(
            "{}: {} awsvpc tasks, ENIs allow {}",
            f.id, used.enis, f.enis
        ));
    }
    if used.reserved > 100 {
        bad.push(format!(
            "{}: {} reserved ports, the limit is 100",
            f.id, used.reserved
        ));
    }
    for ((proto, port), n) in &used.ports {
        if *n > 1 {
            bad.push(format!(
                "{}: host port {port}/{} used {n} times",
                f.id,
                proto.as_str()
            ));
        }
    }
    if st.remaining_cpu as u64 + used.cpu != f.cpu
        || st.remaining_memory as u64 + used.memory != f.memory
    {
        bad.push(format!(
            "{}: remaining resources disagree with its tasks",
            f.id
        ));
    }
}

/// Every desired task of a service is placed or reported unplaced.
fn check_counts(
    plan: &Plan,
    placement: &Placement,
    placed: &BTreeMap<Owner, u32>,
    bad: &mut Vec<String>,
) {
    let mut unplaced: BTreeMap<Owner, u32> = BTreeMap::new();
    for u in &placement.unplaced {
        *unplaced.entry(u.owner.clone()).or_default() += u.count;
    }
    for s in &plan.services {
        if plan.task_definition(&s.task_definition).is_none() {
            continue;
        }
        let o = Owner::Service(s.service_name.as_str().into());
        let total = placed.get(&o).copied().unwrap_or(0) + unplaced.get(&o).copied().unwrap_or(0);
        if total != s.desired_count {
            bad.push(format!(
                "service {}: {total} tasks placed or unplaced, desiredCount {}",
                s.service_name, s.desired_count
            ));
        }
    }
}

/// An unplaced task must fit nowhere, even now (resources only shrink as
/// tasks are added, so fitting now means it fitted when it was refused).
fn check_unplaced(
    plan: &Plan,
    placement: &Placement,
    facts: &[Facts],
    used_by: &[Used],
    (lo, hi): (u16, u16),
    bad: &mut Vec<String>,
) {
    for u in &placement.unplaced {
        let td = match &u.owner {
            Owner::Service(s) => plan
                .service(s)
                .and_then(|s| plan.task_definition(&s.task_definition)),
            Owner::Standalone(r) => plan.task_definition(r),
        };
        let Some(td) = td else { continue };
        let constraints = constraints_for(plan, &u.owner, td);
        let (cpu, mem) = reservation(td);
        let wanted = wanted_ports(td);
        let dynamic = wanted.iter().filter(|w| w.1.is_none()).count();
        let statics: Vec<(Protocol, u16)> = wanted
            .iter()
            .filter_map(|w| w.1.map(|h| (w.0, h)))
            .collect();
        for (f, used) in facts.iter().zip(used_by) {
            if u.pinned_instance.as_deref().is_some_and(|p| p != f.id) {
                continue; // a pin only ever asks about its own instance
            }
            let fits_resources = used.cpu + cpu <= f.cpu
                && used.memory + mem <= f.memory
                && statics.iter().all(|k| !used.ports.contains_key(k))
                && statics.iter().collect::<BTreeSet<_>>().len() == statics.len()
                && used.reserved + statics.len() <= 100
                && (td.network_mode != NetworkMode::Awsvpc || used.enis < f.enis)
                && (dynamic == 0
                    || used
                        .ports
                        .keys()
                        .filter(|(_, p)| (lo..=hi).contains(p))
                        .count()
                        + dynamic
                        <= (hi - lo) as usize + 1);
            let fits_constraints = constraints.iter().all(|c| match c.kind {
                ConstraintType::DistinctInstance => !used.groups.contains(&group_of(&u.owner)),
                ConstraintType::MemberOf => {
                    c.expression.as_deref().is_some_and(|e| member_of(e, f))
                }
            });
            if fits_resources && fits_constraints {
                bad.push(format!(
                    "{} reported unplaced ({}) but fits on {}",
                    u.owner.name(),
                    u.failure.reason.code(),
                    f.id
                ));
                break;
            }
        }
    }
}
