//! Placement and deployment on fuzzed plans, judged by the independent
//! checker: no instance over its CPU, memory, ENIs or ports, every unplaced
//! task fits nowhere, and every step of a rolling deployment, scale or
//! run-task keeps the cluster sound.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

use berth_core::checker::{check_placement, check_state};
use berth_core::model::CircuitBreaker;
use berth_core::simulate::{self, Change, DeployOptions};

const TYPES: &[&str] = &[
    "t2.micro",
    "t2.small",
    "c5.large",
    "m5.large",
    "m6g.medium",
    "t3.nano",
];
const MODES: &[&str] = &["bridge", "host", "awsvpc"];
const HOST_PORTS: &[u16] = &[0, 80, 8000, 32768, 22];
const STRATEGIES: &[&str] = &[
    "[]",
    r#"[{"type": "binpack", "field": "memory"}]"#,
    r#"[{"type": "binpack", "field": "cpu"}]"#,
    r#"[{"type": "spread", "field": "instanceId"}]"#,
    r#"[{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}]"#,
    r#"[{"type": "random"}]"#,
    r#"[{"type": "binpack", "field": "memory"}, {"type": "spread", "field": "instanceId"}]"#,
    r#"[{"type": "spread", "field": "instanceId"}, {"type": "binpack", "field": "cpu"}]"#,
    r#"[{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "spread", "field": "instanceId"}, {"type": "binpack", "field": "memory"}]"#,
    r#"[{"type": "spread", "field": "attribute:ecs.instance-type"}]"#,
];

#[derive(Debug, Arbitrary)]
struct Group {
    instance_type: u8,
    count: u8,
    trunking: bool,
}

#[derive(Debug, Arbitrary)]
struct Container {
    cpu: u16,
    reservation: u16,
    extra: Option<u16>,
    ports: Vec<(u8, u8, bool)>,
}

#[derive(Debug, Arbitrary)]
struct TaskDef {
    mode: u8,
    containers: Vec<Container>,
    only_type: Option<u8>,
}

#[derive(Debug, Arbitrary)]
struct Svc {
    task_definition: u8,
    desired: u8,
    strategy: u8,
    distinct: bool,
}

#[derive(Debug, Arbitrary)]
struct Input {
    groups: Vec<Group>,
    task_definitions: Vec<TaskDef>,
    services: Vec<Svc>,
    pins: Vec<(u8, u8)>,
    service: u8,
    min: u8,
    max: u8,
    failing: u8,
    rollback: bool,
    image: bool,
    new_memory: Option<u16>,
    new_host_port: Option<u8>,
    scale_to: u8,
}

fn plan_json(input: &Input) -> Value {
    let groups: Vec<Value> = input
        .groups
        .iter()
        .take(4)
        .enumerate()
        .map(|(i, g)| {
            json!({"name": format!("g{i}"), "instanceType": TYPES[g.instance_type as usize % TYPES.len()],
                "count": g.count % 8, "availabilityZones": ["a", "b", "c"], "awsvpcTrunking": g.trunking})
        })
        .collect();
    let tds: Vec<Value> = input
        .task_definitions
        .iter()
        .take(5)
        .enumerate()
        .map(|(i, td)| {
            let mode = MODES[td.mode as usize % MODES.len()];
            let containers: Vec<Value> = td
                .containers
                .iter()
                .take(3)
                .enumerate()
                .map(|(k, c)| {
                    let mut seen = std::collections::BTreeSet::new();
                    let ports: Vec<Value> = c
                        .ports
                        .iter()
                        .take(3)
                        .filter(|(container, _, _)| seen.insert(*container % 4))
                        .map(|(container, host, udp)| {
                            let container_port = [80u16, 8000, 8001, 53][*container as usize % 4];
                            let host_port = if mode == "bridge" {
                                HOST_PORTS[*host as usize % HOST_PORTS.len()]
                            } else {
                                container_port
                            };
                            json!({"containerPort": container_port, "hostPort": host_port,
                                "protocol": if *udp { "udp" } else { "tcp" }})
                        })
                        .collect();
                    let reservation = u32::from(c.reservation % 2048).max(6);
                    let mut v = json!({"name": format!("c{k}"), "cpu": c.cpu % 2048,
                        "memoryReservation": reservation, "portMappings": ports});
                    if let Some(extra) = c.extra {
                        v["memory"] = json!(reservation + u32::from(extra % 1024));
                    }
                    v
                })
                .collect();
            let constraints = match td.only_type {
                Some(t) => json!([{"type": "memberOf", "expression":
                    format!("attribute:ecs.instance-type == {}", TYPES[t as usize % TYPES.len()])}]),
                None => json!([]),
            };
            json!({"family": format!("td{i}"), "networkMode": mode, "containerDefinitions": containers,
                "placementConstraints": constraints})
        })
        .collect();
    let n_td = tds.len().max(1);
    let services: Vec<Value> = input
        .services
        .iter()
        .take(5)
        .enumerate()
        .map(|(i, s)| {
            let strategy: Value =
                serde_json::from_str(STRATEGIES[s.strategy as usize % STRATEGIES.len()]).unwrap();
            let constraints = if s.distinct { json!([{"type": "distinctInstance"}]) } else { json!([]) };
            json!({"serviceName": format!("s{i}"), "taskDefinition": format!("td{}", s.task_definition as usize % n_td),
                "desiredCount": s.desired % 12, "placementStrategy": strategy, "placementConstraints": constraints})
        })
        .collect();
    let pins: Vec<Value> = input
        .pins
        .iter()
        .take(4)
        .filter(|_| !services.is_empty() && !groups.is_empty())
        .map(|(s, i)| {
            let g = *i as usize % groups.len();
            json!({"service": format!("s{}", *s as usize % services.len()), "instance": format!("g{g}-{}", i / 8 + 1)})
        })
        .collect();
    json!({"berthVersion": 1, "name": "fuzz", "cluster": {"instanceGroups": groups},
        "taskDefinitions": tds, "services": services, "pins": pins})
}

fuzz_target!(|input: Input| {
    // Plans that validation refuses are still placed: the board shows them.
    let Ok(plan) = berth_core::load_plan(&plan_json(&input).to_string()) else {
        return;
    };
    let placement = berth_core::place(&plan);
    let violations = check_placement(&plan, &placement);
    assert!(violations.is_empty(), "placement: {violations:?}");
    if plan.services.is_empty() {
        return;
    }
    let service = plan.services[input.service as usize % plan.services.len()]
        .service_name
        .clone();
    let options = DeployOptions {
        change: Change {
            image: input.image.then(|| ":2".to_string()),
            memory: input.new_memory.map(|m| u32::from(m % 4096).max(6)),
            host_port: input
                .new_host_port
                .map(|p| HOST_PORTS[p as usize % HOST_PORTS.len()]),
            ..Default::default()
        },
        minimum_healthy_percent: Some(u32::from(input.min) % 101),
        maximum_percent: Some(100 + u32::from(input.max) % 151),
        failing_new_tasks: match input.failing % 4 {
            0 | 1 => 0,
            2 => 2,
            _ => u32::MAX,
        },
        circuit_breaker: Some(CircuitBreaker {
            enable: input.failing % 4 > 1,
            rollback: input.rollback,
        }),
        ..Default::default()
    };
    if let Ok(d) = simulate::deploy(&plan, &service, &options) {
        for (i, step) in d.steps.iter().enumerate() {
            let v = check_state(&d.plan, &step.state);
            assert!(v.is_empty(), "deploy step {i} {}: {v:?}", step.action);
        }
    }
    if let Ok(d) = simulate::scale(
        &plan,
        &service,
        u32::from(input.scale_to % 16),
        Default::default(),
    ) {
        for (i, step) in d.steps.iter().enumerate() {
            let v = check_state(&d.plan, &step.state);
            assert!(v.is_empty(), "scale step {i} {}: {v:?}", step.action);
        }
    }
    let Some(family) = plan.task_definitions.first().map(|td| td.family.clone()) else {
        return;
    };
    if let Ok(r) = simulate::run_task(&plan, &family, 60, Default::default()) {
        for (i, step) in r.steps.iter().enumerate() {
            let v = check_state(&plan, &step.state);
            assert!(v.is_empty(), "run-task step {i}: {v:?}");
        }
    }
});
