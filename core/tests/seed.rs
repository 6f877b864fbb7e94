//! The seed deck's scenarios ("Deploying ECS Applications using Ansible and
//! CloudFormation"), Berth's first acceptance cases.

mod common;

use berth_core::model::catalogue::catalogue;
use berth_core::placement::{Owner, Reason};
use common::*;
use serde_json::json;

fn one_micro() -> serde_json::Value {
    json!([{"name": "app", "instanceType": "t2.micro", "count": 1}])
}

#[test]
fn t2_micro_registers_995_mib() {
    let cat = catalogue();
    assert_eq!(cat.registered_memory(cat.get("t2.micro").unwrap()).mib, 995);
    let p = checked(&plan(one_micro(), vec![], vec![]));
    assert_eq!(p.instances()[0].instance.registered_memory, 995);
    assert_eq!(p.instances()[0].instance.registered_cpu, 1024);
}

#[test]
fn four_195_mib_reservations_fit_a_t2_micro() {
    let names = ["quote", "audit", "portfolio", "dashboard"];
    let tds = names
        .iter()
        .map(|n| {
            task_def(
                n,
                "bridge",
                vec![container(n, 0, 195, Some(800), json!([]))],
            )
        })
        .collect();
    let svcs = names.iter().map(|n| service(n, 1)).collect();
    let p = checked(&plan(one_micro(), tds, svcs));
    assert!(p.unplaced.is_empty(), "{:?}", p.unplaced);
    let inst = &p.instances()[0];
    assert_eq!(inst.tasks.len(), 4);
    assert_eq!(995 - inst.remaining_memory, 780, "780 of 995 allocated");
    assert_eq!(inst.remaining_memory, 215);
}

#[test]
fn quote_at_500_leaves_495_and_audit_at_500_fails_on_memory() {
    let tds = vec![
        task_def(
            "quote",
            "bridge",
            vec![container("quote", 0, 500, None, json!([]))],
        ),
        task_def(
            "audit",
            "bridge",
            vec![container("audit", 0, 500, None, json!([]))],
        ),
    ];
    let p = checked(&plan(
        one_micro(),
        tds,
        vec![service("quote", 1), service("audit", 1)],
    ));
    assert_eq!(p.instances()[0].remaining_memory, 495);
    assert_eq!(p.unplaced.len(), 1);
    let u = &p.unplaced[0];
    assert_eq!(u.owner, Owner::Service("audit".into()));
    assert_eq!(u.failure.reason, Reason::Memory);
    assert_eq!(
        u.failure.message,
        "service audit was unable to place a task because no container instance met all of its requirements. \
The closest matching container-instance app-1 has insufficient memory available. \
For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
    );
}

#[test]
fn two_static_port_8000_tasks_the_second_fails_on_ports() {
    let td = task_def(
        "x",
        "bridge",
        vec![container(
            "x",
            0,
            128,
            None,
            json!([{"containerPort": 8000, "hostPort": 8000}]),
        )],
    );
    let p = checked(&plan(one_micro(), vec![td], vec![service("x", 2)]));
    assert_eq!(p.instances()[0].tasks.len(), 1);
    assert_eq!(p.unplaced[0].failure.reason, Reason::Ports);
    assert!(p.unplaced[0].failure.message.contains("The closest matching container-instance app-1 is already using a port required by your task."));
}

#[test]
fn dynamic_host_ports_both_run_on_32768_and_32769() {
    let td = task_def(
        "x",
        "bridge",
        vec![container(
            "x",
            0,
            128,
            None,
            json!([{"containerPort": 8000, "hostPort": 0}]),
        )],
    );
    let p = checked(&plan(one_micro(), vec![td], vec![service("x", 2)]));
    assert!(p.unplaced.is_empty());
    let ports: Vec<u16> = p.instances()[0]
        .tasks
        .iter()
        .map(|t| t.host_ports[0].host_port)
        .collect();
    assert_eq!(ports, vec![32768, 32769]);
    assert!(p.instances()[0]
        .tasks
        .iter()
        .all(|t| t.host_ports[0].dynamic));
}

#[test]
fn host_networking_dashboard_and_audit_fit_a_second_dashboard_does_not() {
    let tds = vec![
        task_def(
            "dashboard",
            "host",
            vec![container(
                "dashboard",
                0,
                195,
                None,
                json!([{"containerPort": 8000}]),
            )],
        ),
        task_def(
            "audit",
            "host",
            vec![container(
                "audit",
                0,
                195,
                None,
                json!([{"containerPort": 8001}]),
            )],
        ),
    ];
    let p = checked(&plan(
        one_micro(),
        tds,
        vec![service("dashboard", 2), service("audit", 1)],
    ));
    let inst = &p.instances()[0];
    let mut ports: Vec<u16> = inst
        .tasks
        .iter()
        .map(|t| t.host_ports[0].host_port)
        .collect();
    ports.sort();
    assert_eq!(ports, vec![8000, 8001]);
    assert_eq!(p.unplaced.len(), 1);
    assert_eq!(p.unplaced[0].owner, Owner::Service("dashboard".into()));
    assert_eq!(p.unplaced[0].failure.reason, Reason::Ports);
}

#[test]
fn a_1024_unit_task_does_not_fit_a_t2_micro_running_a_512_unit_one() {
    let tds = vec![
        task_def(
            "a",
            "bridge",
            vec![container("a", 512, 64, None, json!([]))],
        ),
        task_def(
            "b",
            "bridge",
            vec![container("b", 1024, 64, None, json!([]))],
        ),
    ];
    let p = checked(&plan(
        one_micro(),
        tds,
        vec![service("a", 1), service("b", 1)],
    ));
    assert_eq!(p.unplaced[0].failure.reason, Reason::Cpu);
    assert!(p.unplaced[0].failure.message.ends_with(
        "The closest matching container-instance app-1 has insufficient CPU units available."
    ));
}

#[test]
fn the_example_plan_places_everything() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../public/examples/microtrader.json"
    ))
    .unwrap();
    let plan = berth_core::load_plan(&text).unwrap();
    let p = checked(&plan);
    assert!(p.unplaced.is_empty());
    let tasks: usize = p.instances().iter().map(|i| i.tasks.len()).sum();
    assert_eq!(
        tasks,
        plan.services
            .iter()
            .map(|s| s.desired_count as usize)
            .sum::<usize>()
    );
}
