//! Small builders for test plans, written as ECS JSON so tests read like plans.
#![allow(dead_code)]

use berth_core::checker::check_placement;
use berth_core::placement::{place, Placement};
use berth_core::{load_plan, Plan};
use serde_json::{json, Value};

/// A container with a reservation, an optional hard limit and port mappings.
pub fn container(
    name: &str,
    cpu: u32,
    reservation: u32,
    limit: Option<u32>,
    ports: Value,
) -> Value {
    let mut c = json!({"name": name, "image": format!("example/{name}:1"), "cpu": cpu,
        "memoryReservation": reservation, "portMappings": ports});
    if let Some(l) = limit {
        c["memory"] = json!(l);
    }
    c
}

pub fn task_def(family: &str, mode: &str, containers: Vec<Value>) -> Value {
    json!({"family": family, "networkMode": mode, "containerDefinitions": containers})
}

pub fn service(name: &str, desired: u32) -> Value {
    json!({"serviceName": name, "taskDefinition": name, "desiredCount": desired})
}

pub fn plan(groups: Value, tds: Vec<Value>, services: Vec<Value>) -> Plan {
    let v = json!({"berthVersion": 1, "name": "test", "cluster": {"clusterName": "c", "instanceGroups": groups},
        "taskDefinitions": tds, "services": services});
    load_plan(&v.to_string()).expect("test plan loads")
}

pub fn group(name: &str, itype: &str, count: u32) -> Value {
    json!({"name": name, "instanceType": itype, "count": count, "availabilityZones": ["us-east-1a", "us-east-1b"]})
}

/// Places and runs the independent checker on the result.
pub fn checked(plan: &Plan) -> Placement {
    let p = place(plan);
    let violations = check_placement(plan, &p);
    assert!(violations.is_empty(), "checker: {violations:?}");
    p
}

/// The example plan as the user first sees it (`public/examples/`).
pub fn example() -> Plan {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../public/examples/microtrader.json"
    ))
    .unwrap();
    load_plan(&text).unwrap()
}

/// (owner, instance) of every task the plan places, sorted; standalone
/// tasks left out when `services_only`.
pub fn where_tasks_run(plan: &Plan, services_only: bool) -> Vec<(String, String)> {
    let placed = place(plan);
    let mut v: Vec<(String, String)> = placed
        .instances()
        .iter()
        .flat_map(|i| {
            i.tasks
                .iter()
                .filter(|t| {
                    !services_only || matches!(t.owner, berth_core::placement::Owner::Service(_))
                })
                .map(move |t| (t.owner.name().to_string(), i.instance.id.clone()))
        })
        .collect();
    v.sort();
    v
}
