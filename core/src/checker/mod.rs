//! An independent checker of placements, in the spirit of vrp's solution
//! checker: it re-derives every fact from the plan and the catalogue and
//! shares no code with `placement`, `requirements` or `cql`, so a bug there
//! cannot hide itself here. Tests and fuzz targets run it over every
//! placement and deployment step they make.
//!
//! - `facts`: instances, task needs, what each owner asked for;
//! - `ledger`: one instance's use, fit and ECS's reasons;
//! - `member_of`: its own reading of the cluster query language;
//! - `order`: on small clusters, that each task went where its strategies
//!   put it, by trying every instance;
//! - this file: the ledger's totals, counts, unplaced tasks and their
//!   reasons, pins and revisions.

mod daemon;
mod facts;
mod ledger;
mod member_of;
mod order;

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Plan, Protocol};
use crate::placement::{ClusterState, InstanceState, Owner, PlacedTask, Placement};
use facts::{expected_instances, requests, task_definition_of, Facts, Need, Request};
use ledger::{member_of, Used};

/// Checks one ledger — every instance within its CPU, memory, ENIs and ports,
/// every constraint kept — whatever produced it (placement or a deployment step).
pub fn check_state(plan: &Plan, state: &ClusterState) -> Vec<String> {
    let mut bad = Vec::new();
    let _ = check_instances(plan, state.instances.as_slice(), false, &mut bad);
    bad
}

/// Every violation found, in words; empty when the placement is sound: the
/// ledger, the counts, unplaced tasks and their reasons, pins, revisions and,
/// on clusters of up to [`order::MAX_INSTANCES`] instances, strategy order.
pub fn check_placement(plan: &Plan, placement: &Placement) -> Vec<String> {
    let mut bad = Vec::new();
    let Some((facts, used_by, placed)) =
        check_instances(plan, placement.instances(), true, &mut bad)
    else {
        return bad;
    };
    check_counts(plan, placement, &facts, &placed, &mut bad);
    check_unplaced(plan, placement, &facts, &used_by, &mut bad);
    check_pins_and_revisions(plan, placement, &mut bad);
    daemon::check_daemons(plan, placement, &facts, &mut bad);
    order::check_order(plan, placement, &facts, &mut bad);
    bad
}

/// The instances where one more task of `owner` would fit now, by the
/// checker's own rules (resources, ports, ENIs and constraints): tests use
/// it to decide when a deployment has room and so must complete.
pub fn room_for_one_more(plan: &Plan, state: &ClusterState, owner: &Owner) -> Vec<String> {
    let mut bad = Vec::new();
    let Some((facts, used_by, _)) = check_instances(plan, &state.instances, false, &mut bad) else {
        return Vec::new();
    };
    let Some(td) = task_definition_of(plan, owner) else {
        return Vec::new();
    };
    let need = Need::of(td);
    let asked = requests(plan, owner, td);
    facts
        .iter()
        .zip(&used_by)
        .filter(|(f, used)| {
            asked.iter().all(|r| used.admits(f, r, true))
                && used.shortfalls(f, &need, dynamic_range(plan)).is_empty()
        })
        .map(|(f, _)| f.id.clone())
        .collect()
}

/// The container instances a daemon service runs a task on, by the
/// checker's own reading of its constraints (§10.1); empty for a service
/// that is not a daemon.
pub fn daemon_instances(plan: &Plan, service: &str) -> Vec<String> {
    let facts = expected_instances(plan);
    plan.service(service)
        .filter(|s| daemon::is_daemon(s))
        .map(|s| daemon::daemon_instances(plan, s, &facts))
        .unwrap_or_default()
        .into_iter()
        .map(|k| facts[k].id.clone())
        .collect()
}

/// The dynamic host port range, low end first.
fn dynamic_range(plan: &Plan) -> (u16, u16) {
    let [lo, hi] = plan.cluster.dynamic_host_port_range;
    (lo.min(hi), lo.max(hi))
}

type Checked = (Vec<Facts>, Vec<Used>, BTreeMap<Owner, u32>);

/// `judge_task_groups`: whether each task's `task:group` expressions are
/// judged by the tasks that started before it, as in a placement made
/// whole; not in a state a deployment or an edit left, where tasks a
/// constraint saw may have stopped since.
fn check_instances(
    plan: &Plan,
    states: &[InstanceState],
    judge_task_groups: bool,
    bad: &mut Vec<String>,
) -> Option<Checked> {
    let facts = expected_instances(plan);
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
        let mut used = Used::empty(plan);
        // In the order they started (task ids rise): a constraint on
        // task:group is judged by the tasks that ran before it.
        let mut tasks: Vec<&PlacedTask> = st.tasks.iter().collect();
        tasks.sort_by_key(|t| t.id);
        for t in tasks {
            if !ids.insert(t.id) {
                bad.push(format!("task id {} appears twice", t.id));
            }
            *placed.entry(t.owner.clone()).or_default() += 1;
            check_task(plan, f, t, &mut used, judge_task_groups, bad);
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
    judge_task_groups: bool,
    bad: &mut Vec<String>,
) {
    let Some(td) = plan.task_definition(&t.task_definition_arn) else {
        bad.push(format!(
            "{}: task {} runs unknown {}",
            f.id, t.id, t.task_definition_arn
        ));
        return;
    };
    // A task of a standalone definition listed twice may follow either entry
    // (of its task group).
    let asked = requests(plan, &t.owner, td);
    let group = task_group(f, t, &asked, bad);
    let asked: Vec<_> = asked.into_iter().filter(|r| r.group == group).collect();
    if !asked.is_empty()
        && !asked
            .iter()
            .any(|r| used.admits(f, r, judge_task_groups && !t.held && !t.pinned))
    {
        bad.push(format!(
            "{}: task {} of {} breaks a placement constraint",
            f.id,
            t.id,
            t.owner.name()
        ));
    }
    let need = Need::of(td);
    if need.ports.len() != t.host_ports.len() {
        bad.push(format!(
            "{}: task {} has {} host ports, its definition maps {}",
            f.id,
            t.id,
            t.host_ports.len(),
            need.ports.len()
        ));
        used.add(&group, &need, &[]);
        return;
    }
    let (lo, hi) = dynamic_range(plan);
    for (w, hp) in need.ports.iter().zip(&t.host_ports) {
        if w.0 != hp.protocol || w.2 != hp.container_port {
            bad.push(format!(
                "{}: task {} maps the wrong container port",
                f.id, t.id
            ));
        }
        match w.1 {
            Some(h) if hp.host_port != h => bad.push(format!(
                "{}: task {} static port {h} placed on {}",
                f.id, t.id, hp.host_port
            )),
            None if !(lo..=hi).contains(&hp.host_port) => bad.push(format!(
                "{}: task {} dynamic port {} outside {lo}-{hi}",
                f.id, t.id, hp.host_port
            )),
            _ => {}
        }
    }
    let held: Vec<(Protocol, u16)> = t
        .host_ports
        .iter()
        .map(|h| (h.protocol, h.host_port))
        .collect();
    used.add(&group, &need, &held);
}

/// The task group a task is in: one its owner names (`service:NAME`, a
/// RunTask entry's `group` or `family:NAME`, §10.2), else a violation.
fn task_group(f: &Facts, t: &PlacedTask, asked: &[Request], bad: &mut Vec<String>) -> String {
    if asked.is_empty() || asked.iter().any(|r| *r.group == *t.group) {
        return t.group.to_string();
    }
    bad.push(format!(
        "{}: task {} of {} is in task group {}, which its owner does not name",
        f.id,
        t.id,
        t.owner.name(),
        t.group
    ));
    asked[0].group.clone()
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
    if used.gpus > f.gpus {
        bad.push(format!(
            "{}: {} GPUs reserved of {}",
            f.id, used.gpus, f.gpus
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

/// Every desired task of a service, and every counted standalone task, is
/// placed or reported unplaced.
fn check_counts(
    plan: &Plan,
    placement: &Placement,
    facts: &[Facts],
    placed: &BTreeMap<Owner, u32>,
    bad: &mut Vec<String>,
) {
    let mut unplaced: BTreeMap<Owner, u32> = BTreeMap::new();
    for u in &placement.unplaced {
        *unplaced.entry(u.owner.clone()).or_default() += u.count;
    }
    let mut wanted: BTreeMap<Owner, u32> = BTreeMap::new();
    for s in plan
        .services
        .iter()
        .filter(|s| plan.task_definition(&s.task_definition).is_some() && plan.on_instances(s))
    {
        *wanted
            .entry(Owner::Service(s.service_name.as_str().into()))
            .or_default() += if daemon::is_daemon(s) {
            daemon::daemon_instances(plan, s, facts).len() as u32
        } else {
            s.desired_count
        };
    }
    for t in plan.tasks.iter().filter(|t| {
        plan.task_definition(&t.task_definition)
            .is_some_and(|td| !td.fargate_only())
    }) {
        *wanted
            .entry(Owner::Standalone(t.task_definition.as_str().into()))
            .or_default() += t.count;
    }
    for (owner, want) in wanted {
        let total =
            placed.get(&owner).copied().unwrap_or(0) + unplaced.get(&owner).copied().unwrap_or(0);
        if total != want {
            bad.push(format!(
                "{}: {total} tasks placed or unplaced, {want} asked for",
                owner.name()
            ));
        }
    }
}

/// An unplaced task must fit nowhere, even now (resources only shrink as
/// tasks are added, so fitting now means it fitted when it was refused), and
/// its reason must be ECS's for the instances as they are (§4.4).
fn check_unplaced(
    plan: &Plan,
    placement: &Placement,
    facts: &[Facts],
    used_by: &[Used],
    bad: &mut Vec<String>,
) {
    let range = dynamic_range(plan);
    for u in &placement.unplaced {
        let Some(td) = task_definition_of(plan, &u.owner) else {
            continue;
        };
        let asked = requests(plan, &u.owner, td);
        // task:group depends on which tasks ran when this one was tried,
        // which the final state does not show: no claim either way.
        if asked.iter().any(|r| {
            r.constraints.iter().any(|c| {
                c.expression
                    .as_deref()
                    .is_some_and(member_of::reads_task_groups)
            })
        }) {
            continue;
        }
        let need = Need::of(td);
        let code = u.failure.reason.code();
        let candidates: Vec<(&Facts, &Used)> = facts
            .iter()
            .zip(used_by)
            .filter(|(f, _)| u.pinned_instance.as_deref().is_none_or(|p| p == f.id))
            .collect();
        // Under every request it may have come from: the strictest holds.
        let admitted = |f: &Facts, used: &Used| asked.iter().all(|r| used.admits(f, r, true));
        if let Some((f, _)) = candidates
            .iter()
            .find(|(f, used)| admitted(f, used) && used.shortfalls(f, &need, range).is_empty())
        {
            bad.push(format!(
                "{} reported unplaced ({code}) but fits on {}",
                u.owner.name(),
                f.id
            ));
            continue;
        }
        // A pinned task is tried on its instance alone, resources before
        // constraints (§4.1 steps 1 and 2); a service's pins are placed
        // before its other tasks, so its instance may have filled up since.
        let pinned_reason = |(f, used): &(&Facts, &Used)| match code {
            "ATTRIBUTE" => !admitted(f, used),
            _ => used.shortfalls(f, &need, range).contains(&code),
        };
        let reason_holds = match code {
            "MISSING" => candidates.is_empty(),
            _ if u.pinned_instance.is_some() => candidates.iter().all(pinned_reason),
            "ATTRIBUTE" => !candidates.iter().any(|(f, used)| admitted(f, used)),
            _ => match &u.failure.closest {
                Some(id) => candidates.iter().any(|(f, used)| {
                    f.id == *id
                        && asked.iter().any(|r| {
                            r.constraints.iter().all(|c| {
                                c.expression.is_none() || member_of(c.expression.as_deref(), f)
                            })
                        })
                        && used.shortfalls(f, &need, range).contains(&code)
                }),
                None => true,
            },
        };
        if !reason_holds {
            bad.push(format!(
                "{} reported unplaced for {code} (closest {:?}), which the cluster does not show",
                u.owner.name(),
                u.failure.closest
            ));
        }
    }
}

/// A pinned task sits on an instance one of its service's pins names, no
/// more of them than pins there; every task runs the revision its owner
/// names (the latest of a family named without one).
fn check_pins_and_revisions(plan: &Plan, placement: &Placement, bad: &mut Vec<String>) {
    let mut pins: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    for p in &plan.pins {
        *pins
            .entry((p.service.as_str(), p.instance.as_str()))
            .or_default() += 1;
    }
    let mut pinned: BTreeMap<(String, String), u32> = BTreeMap::new();
    for inst in placement.instances() {
        for t in &inst.tasks {
            if t.pinned {
                *pinned
                    .entry((t.owner.name().to_string(), inst.instance.id.clone()))
                    .or_default() += 1;
            }
            if let Some(td) = task_definition_of(plan, &t.owner) {
                let arn = format!("{}:{}", td.family, td.revision);
                if *t.task_definition_arn != *arn {
                    bad.push(format!(
                        "{}: task {} of {} runs {}, its owner names {arn}",
                        inst.instance.id,
                        t.id,
                        t.owner.name(),
                        t.task_definition_arn
                    ));
                }
            }
        }
    }
    for ((service, instance), n) in pinned {
        let allowed = pins
            .get(&(service.as_str(), instance.as_str()))
            .copied()
            .unwrap_or(0);
        if n > allowed {
            bad.push(format!(
                "{instance}: {n} pinned tasks of {service}, {allowed} pins"
            ));
        }
    }
}
