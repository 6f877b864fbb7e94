//! Placement and deployment on fuzzed plans, judged by the independent
//! checker: no instance over its CPU, memory, ENIs or ports, every unplaced
//! task fits nowhere, and every step of a rolling deployment, scale or
//! run-task keeps the cluster sound.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

use berth_core::checker::{check_placement, check_state};
use berth_core::model::CircuitBreaker;
use berth_core::simulate::{self, Change, DeployOptions};

use berth_testgen::{plan_json, Recipe, HOST_PORTS};

/// A plan from the generator the property tests share, and what to run on it.
#[derive(Debug, Arbitrary)]
struct Input {
    recipe: Recipe,
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

fuzz_target!(|input: Input| {
    // Plans that validation refuses are still placed: the board shows them.
    let Ok(plan) = berth_core::load_plan(&plan_json(&input.recipe).to_string()) else {
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
        // The one-off task is a RunTask of its own, with no constraints of
        // the call's: the checker judges it as one more `tasks` entry.
        let mut with_run = plan.clone();
        with_run
            .tasks
            .push(serde_json::from_value(serde_json::json!({"taskDefinition": family})).unwrap());
        for (i, step) in r.steps.iter().enumerate() {
            let v = check_state(&with_run, &step.state);
            assert!(v.is_empty(), "run-task step {i}: {v:?}");
        }
    }
});
