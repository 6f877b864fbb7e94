//! Discovery tests: random plans, placed, then judged by the independent
//! checker — no instance over its CPU, memory, ENIs or ports, and every
//! unplaced task fits nowhere. Case count and seed are fixed (see
//! PROPTEST_CASES in the Makefile for the larger run).

use berth_core::checker::check_placement;
use berth_core::load_plan;
use berth_core::model::{Pin, Plan};
use berth_core::placement::place;
use proptest::prelude::*;
use serde_json::{json, Value};

const TYPES: &[&str] = &[
    "t2.micro",
    "t2.small",
    "c5.large",
    "m5.large",
    "m6g.medium",
    "t3.nano",
];
const MODES: &[&str] = &["bridge", "bridge", "host", "awsvpc"];

fn port_mapping() -> impl Strategy<Value = Value> {
    (prop::sample::select(vec![80u16, 8000, 8001, 53]), prop::sample::select(vec![0u16, 0, 80, 8000, 32768]), any::<bool>())
        .prop_map(|(c, h, udp)| json!({"containerPort": c, "hostPort": h, "protocol": if udp { "udp" } else { "tcp" }}))
}

fn container(i: usize) -> impl Strategy<Value = Value> {
    (0u32..1500, 1u32..900, prop::option::of(0u32..400), prop::collection::vec(port_mapping(), 0..3)).prop_map(
        move |(cpu, res, extra, ports)| {
            // Distinct container ports per container, as validation requires.
            let mut seen = std::collections::BTreeSet::new();
            let ports: Vec<Value> = ports.into_iter().filter(|p| seen.insert(p["containerPort"].as_u64())).collect();
            let mut c = json!({"name": format!("c{i}"), "cpu": cpu, "memoryReservation": res, "portMappings": ports});
            if let Some(e) = extra {
                c["memory"] = json!(res + e);
            }
            c
        },
    )
}

fn task_definition(i: usize) -> impl Strategy<Value = Value> {
    (prop::sample::select(MODES), prop::collection::vec(container(0), 1..3), prop::option::of(prop::sample::select(TYPES)))
        .prop_map(move |(mode, mut cs, only)| {
            for (k, c) in cs.iter_mut().enumerate() {
                c["name"] = json!(format!("c{k}"));
                if mode == "host" || mode == "awsvpc" {
                    for p in c["portMappings"].as_array_mut().unwrap() {
                        p["hostPort"] = p["containerPort"].clone();
                    }
                }
            }
            let constraints = match only {
                Some(t) => json!([{"type": "memberOf", "expression": format!("attribute:ecs.instance-type == {t}")}]),
                None => json!([]),
            };
            json!({"family": format!("td{i}"), "networkMode": mode, "containerDefinitions": cs, "placementConstraints": constraints})
        })
}

fn strategy() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!([]),
        json!([{"type": "binpack", "field": "memory"}]),
        json!([{"type": "binpack", "field": "cpu"}]),
        json!([{"type": "spread", "field": "instanceId"}]),
        json!([{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}]),
        json!([{"type": "random"}]),
        // Chains whose first key ties: the rest of the chain decides.
        json!([{"type": "binpack", "field": "memory"}, {"type": "spread", "field": "instanceId"}]),
        json!([{"type": "spread", "field": "instanceId"}, {"type": "binpack", "field": "cpu"}]),
        json!([{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "spread", "field": "instanceId"}, {"type": "binpack", "field": "memory"}]),
        json!([{"type": "spread", "field": "attribute:ecs.instance-type"}]),
    ])
}

fn arb_plan() -> impl Strategy<Value = Plan> {
    let groups = prop::collection::vec((prop::sample::select(TYPES), 0u32..4, any::<bool>()), 1..4);
    let tds = prop::collection::vec(Just(()), 1..5).prop_flat_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, _)| task_definition(i))
            .collect::<Vec<_>>()
    });
    (groups, tds, prop::collection::vec((0usize..5, 0u32..6, strategy(), any::<bool>()), 0..5), prop::collection::vec((0usize..5, 0usize..12), 0..4))
        .prop_map(|(groups, tds, svcs, pins)| {
            let groups: Vec<Value> = groups
                .iter()
                .enumerate()
                .map(|(i, (t, n, trunk))| json!({"name": format!("g{i}"), "instanceType": t, "count": n,
                    "availabilityZones": ["a", "b", "c"], "awsvpcTrunking": trunk}))
                .collect();
            let n_td = tds.len();
            let services: Vec<Value> = svcs
                .iter()
                .enumerate()
                .map(|(i, (td, n, st, distinct))| {
                    let constraints = if *distinct { json!([{"type": "distinctInstance"}]) } else { json!([]) };
                    json!({"serviceName": format!("s{i}"), "taskDefinition": format!("td{}", td % n_td), "desiredCount": n,
                        "placementStrategy": st, "placementConstraints": constraints})
                })
                .collect();
            let v = json!({"berthVersion": 1, "name": "prop", "cluster": {"instanceGroups": groups},
                "taskDefinitions": tds, "services": services});
            let mut plan = load_plan(&v.to_string()).expect("generated plans load");
            let instances = berth_core::model::cluster::container_instances(&plan);
            for (s, i) in pins {
                if let (Some(svc), Some(inst)) = (plan.services.get(s % plan.services.len().max(1)), instances.get(i % instances.len().max(1))) {
                    plan.pins.push(Pin { service: svc.service_name.clone(), instance: inst.id.clone() });
                }
            }
            plan
        })
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_placement_passes_the_independent_checker(plan in arb_plan()) {
        let placement = place(&plan);
        let violations = check_placement(&plan, &placement);
        prop_assert!(violations.is_empty(), "{:?}", violations);
    }

    /// The index (issue 8) only finds the scheduler's instance sooner: the
    /// same plan placed by scanning every instance gives the same answer.
    #[test]
    fn the_index_picks_what_a_scan_of_every_instance_picks(plan in arb_plan()) {
        let indexed = place(&plan);
        prop_assert!(indexed.state.index_agrees());
        let a = berth_core::app::report::place_report(&plan, &indexed);
        let b = berth_core::app::report::place_report(&plan, &berth_core::placement::place_by_scan(&plan));
        prop_assert_eq!(a, b);
    }

    #[test]
    fn placement_is_deterministic(plan in arb_plan()) {
        let a = berth_core::app::report::place_report(&plan, &place(&plan));
        let b = berth_core::app::report::place_report(&plan, &place(&plan));
        prop_assert_eq!(a, b);
    }
}

/// The checker itself must be able to fail: break a sound placement in each
/// way it guards against and make sure it notices.
#[test]
fn the_checker_catches_broken_placements() {
    let v = json!({"berthVersion": 1, "name": "x", "cluster": {"instanceGroups": [{"name": "g", "instanceType": "t2.micro", "count": 2}]},
        "taskDefinitions": [{"family": "a", "containerDefinitions": [{"name": "a", "memoryReservation": 600, "portMappings": [{"containerPort": 80, "hostPort": 80}]}]}],
        "services": [{"serviceName": "a", "taskDefinition": "a", "desiredCount": 3}]});
    let plan = load_plan(&v.to_string()).unwrap();
    let good = place(&plan);
    assert!(check_placement(&plan, &good).is_empty());
    assert_eq!(good.unplaced.len(), 1);

    // Two tasks on one instance: over memory and a doubled port.
    let mut crowded = good.clone();
    let moved = crowded.state.instances[1].tasks.pop().unwrap();
    crowded.state.instances[0].tasks.push(moved);
    let v = check_placement(&plan, &crowded);
    assert!(v.iter().any(|m| m.contains("MiB reserved")), "{v:?}");
    assert!(
        v.iter()
            .any(|m| m.contains("host port 80/tcp used 2 times")),
        "{v:?}"
    );

    // A task dropped silently.
    let mut lost = good.clone();
    lost.unplaced.clear();
    assert!(check_placement(&plan, &lost)
        .iter()
        .any(|m| m.contains("desiredCount")));

    // An "unplaced" task that in fact fits: give the plan a third instance.
    let mut bigger = plan.clone();
    bigger.cluster.instance_groups[0].count = 3;
    let mut stale = place(&bigger);
    stale.state.instances[2].tasks.pop();
    stale.state.instances[2].remaining_memory += 600;
    stale.unplaced.push(good.unplaced[0].clone());
    assert!(check_placement(&bigger, &stale)
        .iter()
        .any(|m| m.contains("fits on g-3")));
}

fn arb_deployment() -> impl Strategy<Value = (Plan, usize, u32, u32, u32, bool)> {
    (
        arb_plan(),
        0usize..5,
        0u32..=100,
        100u32..=250,
        prop::sample::select(vec![0u32, 0, 2, u32::MAX]),
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_global_rejects: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// At no step fewer than minHealthy healthy tasks (unless the service
    /// started below it) or more than maxTasks running + pending, and no
    /// instance over-committed — checked by the independent checker.
    #[test]
    fn every_deployment_step_keeps_the_limits((plan, s, min, max, failing, rollback) in arb_deployment()) {
        prop_assume!(!plan.services.is_empty());
        let svc = plan.services[s % plan.services.len()].service_name.clone();
        let opts = berth_core::simulate::DeployOptions {
            change: berth_core::simulate::Change { image: Some(":2".into()), ..Default::default() },
            minimum_healthy_percent: Some(min),
            maximum_percent: Some(max),
            failing_new_tasks: failing,
            circuit_breaker: Some(berth_core::model::CircuitBreaker { enable: failing > 0, rollback }),
            ..Default::default()
        };
        let d = berth_core::simulate::deploy(&plan, &svc, &opts).expect("valid options");
        let first = &d.steps[0];
        let start_healthy = first.old.healthy;
        let start_active = first.old.running + first.old.pending;
        for (i, step) in d.steps.iter().enumerate() {
            let v = berth_core::checker::check_state(&d.plan, &step.state);
            prop_assert!(v.is_empty(), "step {} {}: {:?}", i, step.action, v);
            prop_assert!(step.state.index_agrees(), "step {} {}: the index is stale", i, step.action);
            let healthy = step.old.healthy + step.new.healthy;
            prop_assert!(healthy >= d.min_healthy.min(start_healthy), "step {} {}: {} healthy < {}", i, step.action, healthy, d.min_healthy);
            let active = step.old.running + step.old.pending + step.new.running + step.new.pending;
            prop_assert!(active <= d.max_tasks.max(start_active), "step {} {}: {} active > {}", i, step.action, active, d.max_tasks);
        }
    }
}
