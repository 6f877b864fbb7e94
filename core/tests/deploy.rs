//! Rolling deployments: the seed's four cases, AWS's worked examples (§5.1,
//! §5.4), the circuit breaker and rollback. Every step of every deployment
//! is checked by the independent checker.

mod common;

use berth_core::checker::check_state;
use berth_core::model::CircuitBreaker;
use berth_core::simulate::{
    deploy, limits, ActionKind, Change, DeployOptions, Deployment, Outcome, ThresholdRule,
};
use common::*;
use serde_json::json;

fn web_plan(
    instances: u32,
    desired: u32,
    host_port: u16,
    reservation: u32,
    itype: &str,
) -> berth_core::Plan {
    let td = task_def(
        "web",
        "bridge",
        vec![container(
            "web",
            0,
            reservation,
            None,
            json!([{"containerPort": 8000, "hostPort": host_port}]),
        )],
    );
    let mut svc = service("web", desired);
    svc["loadBalancer"] = json!({"deregistrationDelaySeconds": 300});
    plan(json!([group("app", itype, instances)]), vec![td], vec![svc])
}

fn run(plan: &berth_core::Plan, min: u32, max: u32) -> Deployment {
    let opts = DeployOptions {
        change: Change {
            image: Some(":1.5".into()),
            ..Change::default()
        },
        minimum_healthy_percent: Some(min),
        maximum_percent: Some(max),
        ..DeployOptions::default()
    };
    let d = deploy(plan, "web", &opts).expect("deploys");
    for (i, s) in d.steps.iter().enumerate() {
        let v = check_state(&d.plan, &s.state);
        assert!(v.is_empty(), "step {i} ({}): {v:?}", s.action);
    }
    d
}

fn healthy(d: &Deployment, i: usize) -> u32 {
    d.steps[i].old.healthy + d.steps[i].new.healthy
}

#[test]
fn seed_200_percent_with_a_static_port_on_the_same_instances_stalls() {
    let d = run(&web_plan(2, 2, 8000, 195, "t2.micro"), 100, 200);
    match &d.outcome {
        Outcome::Stalled { event, .. } => assert!(
            event.contains("is already using a port required by your task"),
            "{event}"
        ),
        o => panic!("expected a stall, got {o:?}"),
    }
    assert!(
        d.steps.iter().all(|s| s.new.running == 0),
        "no new task ever runs"
    );
    assert_eq!(d.steps.last().unwrap().kind, ActionKind::Blocked);
}

#[test]
fn seed_0_percent_on_one_instance_stops_the_old_then_starts_the_new() {
    let d = run(&web_plan(1, 1, 8000, 195, "t2.micro"), 0, 100);
    assert!(d.outcome.is_completed(), "{:?}", d.outcome);
    let first_drain = d
        .steps
        .iter()
        .position(|s| s.kind == ActionKind::BeginDraining)
        .unwrap();
    let first_start = d
        .steps
        .iter()
        .position(|s| s.kind == ActionKind::Start && s.action.starts_with("start"))
        .unwrap();
    let first_stopped = d
        .steps
        .iter()
        .position(|s| s.kind == ActionKind::Stopped)
        .unwrap();
    assert!(
        first_drain < first_stopped && first_stopped < first_start,
        "stop, then start"
    );
    // Downtime: some step has no healthy task at all.
    assert!((0..d.steps.len()).any(|i| healthy(&d, i) == 0));
    // The port is held through draining: the new task starts after 300 s + 30 s.
    assert!(d.steps[first_start].t >= 330);
    // With max 200 % the first attempt fails on the port, yet the rollout completes.
    let d = run(&web_plan(1, 1, 8000, 195, "t2.micro"), 0, 200);
    assert!(d.outcome.is_completed());
    assert!(d
        .steps
        .iter()
        .any(|s| s.events.iter().any(|e| e.contains("already using a port"))));
}

#[test]
fn seed_50_percent_on_several_instances_replaces_half_at_a_time() {
    let d = run(&web_plan(4, 4, 8000, 195, "t2.micro"), 50, 200);
    assert!(d.outcome.is_completed(), "{:?}", d.outcome);
    let drains: Vec<u32> = d
        .steps
        .iter()
        .filter(|s| s.kind == ActionKind::BeginDraining)
        .map(|s| s.action.split_whitespace().nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(drains, vec![2, 2], "two waves of two");
    assert!(
        (0..d.steps.len()).all(|i| healthy(&d, i) >= 2),
        "never below ceil(4 × 50 %) = 2"
    );
}

#[test]
fn seed_dynamic_ports_let_200_percent_run_on_the_same_instances() {
    let d = run(&web_plan(2, 2, 0, 195, "t2.micro"), 100, 200);
    assert!(d.outcome.is_completed(), "{:?}", d.outcome);
    let peak = d
        .steps
        .iter()
        .map(|s| s.old.running + s.new.running)
        .max()
        .unwrap();
    assert_eq!(peak, 4, "old and new ran side by side");
    assert!((0..d.steps.len()).all(|i| healthy(&d, i) >= 2));
    assert!(d
        .steps
        .last()
        .unwrap()
        .events
        .iter()
        .any(|e| e == "service web has reached a steady state."));
}

#[test]
fn aws_worked_examples_of_rounding() {
    // §5.1: min 50 % of 4 → 2; min 75 % of 2 → 2; max 200 % of 4 → 8; max 125 % of 3 → 3.
    assert_eq!(limits(4, 50, 200), (2, 8));
    assert_eq!(limits(2, 75, 200).0, 2);
    assert_eq!(limits(3, 100, 125).1, 3);

    // Min 50 % of 4 on a full cluster: the scheduler stops 2 first.
    let d = run(&web_plan(4, 4, 8000, 195, "t2.micro"), 50, 100);
    let first = d
        .steps
        .iter()
        .find(|s| s.kind == ActionKind::BeginDraining)
        .unwrap();
    assert_eq!(first.action, "stop 2 old (begin draining)");
    assert!(d.outcome.is_completed());

    // Min 75 % of 2 with max 100 %: it cannot stop any, nor start any → deadlock.
    let d = run(&web_plan(4, 2, 0, 195, "t2.micro"), 75, 100);
    match &d.outcome {
        Outcome::Stalled { event, .. } => assert_eq!(
            event,
            "service web was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again."
        ),
        o => panic!("{o:?}"),
    }

    // Max 200 % of 4 with room: it starts 4 before stopping any.
    let d = run(&web_plan(4, 4, 0, 195, "t2.micro"), 100, 200);
    let start = d
        .steps
        .iter()
        .find(|s| s.action.starts_with("start "))
        .unwrap();
    assert_eq!(start.action, "start 4 new");
    assert!(d.outcome.is_completed());

    // Max 125 % of 3 with min 100 %: cannot start any → deadlock.
    let d = run(&web_plan(3, 3, 0, 195, "t2.micro"), 100, 125);
    assert!(
        matches!(&d.outcome, Outcome::Stalled { event, .. } if event.contains("deployment configuration"))
    );
}

#[test]
fn aws_six_tasks_with_room_for_eight() {
    // §5.4: 4 instances that hold 2 tasks each; 6 tasks; defaults 100 / 200.
    let d = run(&web_plan(4, 6, 0, 400, "t2.micro"), 100, 200);
    assert!(d.outcome.is_completed(), "{:?}", d.outcome);
    let waves: Vec<String> = d
        .steps
        .iter()
        .filter(|s| s.action.starts_with("start ") || s.action.starts_with("stop "))
        .map(|s| s.action.clone())
        .collect();
    assert_eq!(
        waves,
        vec![
            "start 2 new",
            "stop 2 old (begin draining)",
            "start 2 new",
            "stop 2 old (begin draining)",
            "start 2 new",
            "stop 2 old (begin draining)"
        ]
    );
    let max_running = d
        .steps
        .iter()
        .map(|s| s.old.running + s.new.running + s.old.draining)
        .max()
        .unwrap();
    assert_eq!(max_running, 8);
}

#[test]
fn the_circuit_breaker_trips_and_rolls_back() {
    let pl = web_plan(4, 4, 0, 195, "t2.micro");
    let opts = DeployOptions {
        change: Change {
            image: Some(":1.5-broken".into()),
            ..Change::default()
        },
        circuit_breaker: Some(CircuitBreaker {
            enable: true,
            rollback: true,
        }),
        failing_new_tasks: u32::MAX,
        ..DeployOptions::default()
    };
    let d = deploy(&pl, "web", &opts).unwrap();
    for s in &d.steps {
        assert!(check_state(&d.plan, &s.state).is_empty());
    }
    assert!(
        matches!(d.outcome, Outcome::RolledBack { .. }),
        "{:?}",
        d.outcome
    );
    let tripped = d
        .steps
        .iter()
        .find(|s| s.kind == ActionKind::CircuitBreakerTripped)
        .unwrap();
    assert!(
        tripped.action.contains("(threshold 3)"),
        "clamp(ceil(4 / 2), 3, 200) = 3: {}",
        tripped.action
    );
    assert!(d
        .steps
        .iter()
        .any(|s| s.kind == ActionKind::RollbackStarted));
    // After the rollback every running task is the old revision again.
    let last = d.steps.last().unwrap();
    let arns: Vec<&str> = last
        .instances
        .iter()
        .flat_map(|i| &i.tasks)
        .map(|t| t.task_definition_arn.as_str())
        .collect();
    assert_eq!(arns.len(), 4);
    assert!(arns.iter().all(|a| *a == "web:1"), "{arns:?}");
    // They keep their label through the rollback: the old revision's tasks
    // are "old", and no failed "new" task is left.
    assert_eq!((last.old.healthy, last.new), (4, Default::default()));

    // Without rollback it ends failed; the legacy rule needs 10 failures.
    let mut no_rollback = opts.clone();
    no_rollback.circuit_breaker = Some(CircuitBreaker {
        enable: true,
        rollback: false,
    });
    assert!(matches!(
        deploy(&pl, "web", &no_rollback).unwrap().outcome,
        Outcome::Failed { .. }
    ));
    assert_eq!(ThresholdRule::Legacy.threshold(4), 10);
    assert_eq!(ThresholdRule::Current.threshold(25), 13);
    assert_eq!(ThresholdRule::Current.threshold(800), 200);
}

#[test]
fn bad_options_name_the_field() {
    let pl = web_plan(1, 1, 0, 195, "t2.micro");
    let e = deploy(&pl, "nope", &DeployOptions::default()).unwrap_err();
    assert_eq!(e.field, "service");
    let e = deploy(
        &pl,
        "web",
        &DeployOptions {
            minimum_healthy_percent: Some(150),
            ..DeployOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.field, "minimumHealthyPercent");
    let e = deploy(
        &pl,
        "web",
        &DeployOptions {
            change: Change {
                container: Some("x".into()),
                ..Change::default()
            },
            ..DeployOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.field, "container");
}

#[test]
fn a_new_image_tag_makes_a_new_revision() {
    let pl = web_plan(2, 2, 0, 195, "t2.micro");
    let d = run(&pl, 100, 200);
    assert_eq!(d.old_task_definition, "web:1");
    assert_eq!(d.new_task_definition, "web:2");
    let td = d.plan.task_definition("web:2").unwrap();
    assert_eq!(td.container_definitions[0].image, "example/web:1.5");
    let first: Vec<&str> = d.steps[0]
        .instances
        .iter()
        .flat_map(|i| &i.tasks)
        .map(|t| t.task_definition_arn.as_str())
        .collect();
    assert_eq!(
        first,
        vec!["web:1", "web:1"],
        "the running tasks are the old revision"
    );
    let last: Vec<&str> = d
        .steps
        .last()
        .unwrap()
        .instances
        .iter()
        .flat_map(|i| &i.tasks)
        .map(|t| t.task_definition_arn.as_str())
        .collect();
    assert_eq!(last, vec!["web:2", "web:2"]);
}

#[test]
fn scaling_out_places_and_scaling_in_drains_in_az_order() {
    let pl = web_plan(4, 2, 0, 195, "t2.micro");
    let d = berth_core::simulate::scale(&pl, "web", 6, Default::default()).unwrap();
    assert!(d.outcome.is_completed(), "{:?}", d.outcome);
    let last = d.steps.last().unwrap();
    assert_eq!(
        last.instances.iter().map(|i| i.tasks.len()).sum::<usize>(),
        6
    );
    for s in &d.steps {
        assert!(check_state(&d.plan, &s.state).is_empty());
    }
    // Scale in from 6 to 2: the AZs stay balanced (one task left in each).
    let mut six = pl.clone();
    six.services[0].desired_count = 6;
    let d = berth_core::simulate::scale(&six, "web", 2, Default::default()).unwrap();
    assert!(d.outcome.is_completed());
    let last = d.steps.last().unwrap();
    let per_az = |az: &str| {
        last.instances
            .iter()
            .filter(|i| i.availability_zone == az)
            .map(|i| i.tasks.len())
            .sum::<usize>()
    };
    assert_eq!((per_az("us-east-1a"), per_az("us-east-1b")), (1, 1));
    // Scale out past capacity stalls with ECS's memory message.
    let d = berth_core::simulate::scale(&pl, "web", 30, Default::default()).unwrap();
    assert!(
        matches!(&d.outcome, Outcome::Stalled { event, .. } if event.contains("insufficient memory available"))
    );
}

#[test]
fn the_migration_run_task_runs_then_stops() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../public/examples/microtrader.json"
    ))
    .unwrap();
    let pl = berth_core::load_plan(&text).unwrap();
    let r = berth_core::simulate::run_task(&pl, "migrate", 60, Default::default()).unwrap();
    assert!(r.failure.is_none());
    let on = r.instance.clone().unwrap();
    let kinds: Vec<ActionKind> = r.steps.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        vec![ActionKind::Start, ActionKind::Running, ActionKind::Stopped]
    );
    let running = &r.steps[1];
    assert!(running
        .instances
        .iter()
        .find(|i| i.id == on)
        .unwrap()
        .tasks
        .iter()
        .any(|t| t.task_definition_arn == "migrate:1"));
    let stopped = r.steps.last().unwrap();
    assert!(!stopped
        .instances
        .iter()
        .flat_map(|i| &i.tasks)
        .any(|t| t.task_definition_arn == "migrate:1"));
    assert_eq!(stopped.t, 70);
    // A task too big for any instance reports RunTask's reason.
    let mut big = pl.clone();
    big.task_definitions[4].container_definitions[0].memory_reservation = Some(2000);
    big.task_definitions[4].container_definitions[0].memory = Some(2000);
    let r = berth_core::simulate::run_task(&big, "migrate", 60, Default::default()).unwrap();
    assert_eq!(
        r.failure.unwrap().reason,
        berth_core::placement::Reason::Memory
    );
}

#[test]
fn stalls_come_with_a_hint_and_steps_draw_as_boards() {
    let d = run(&web_plan(2, 2, 8000, 195, "t2.micro"), 100, 200);
    assert_eq!(
        berth_core::simulate::hint(&d).unwrap(),
        "static host port 8000: set hostPort 0 behind a load balancer, lower minimum healthy percent, or add instances"
    );
    let d = run(&web_plan(4, 4, 8000, 195, "t2.micro"), 50, 200);
    assert!(berth_core::simulate::hint(&d).is_none());
    let draining = d
        .steps
        .iter()
        .find(|s| s.kind == ActionKind::BeginDraining)
        .unwrap();
    use berth_core::app::view::Phase;
    let b = berth_core::app::view::board_at_step(&d.plan, draining);
    let phases: Vec<Phase> = b
        .groups
        .iter()
        .flat_map(|g| &g.instances)
        .flat_map(|i| &i.tasks)
        .filter_map(|t| t.phase)
        .collect();
    assert_eq!(
        phases
            .iter()
            .filter(|p| p.status == berth_core::simulate::TaskStatus::Draining)
            .count(),
        2,
        "{phases:?}"
    );
}

/// The seed's migration task definition is run by no service, so it is what
/// the example offers to run as a one-off task; shown as a deployment of one
/// task, it completes, and a task that fits nowhere stalls with RunTask's
/// reason.
#[test]
fn run_task_candidates_and_run_task_as_a_deployment() {
    use berth_core::simulate::{run_task_as_deployment, run_task_candidates, Timing};
    let mut plan =
        berth_core::load_plan(include_str!("../../public/examples/microtrader.json")).unwrap();
    assert_eq!(run_task_candidates(&plan), vec!["migrate".to_string()]);
    let d = run_task_as_deployment(&plan, "migrate", 60, Timing::default()).unwrap();
    assert!(d.outcome.is_completed(), "{:?}", d.outcome);
    assert_eq!((d.desired_count, d.max_tasks), (1, 1));
    assert!(
        d.steps.len() >= 3,
        "pending, running, stopped: {:?}",
        d.steps.len()
    );
    let migrate = plan
        .task_definitions
        .iter_mut()
        .find(|t| t.family == "migrate")
        .unwrap();
    migrate.container_definitions[0].memory_reservation = Some(100_000);
    let d = run_task_as_deployment(&plan, "migrate", 60, Timing::default()).unwrap();
    assert_eq!(d.outcome.describe(), "stalled: RESOURCE:MEMORY");
}

/// The hint follows why the deployment stopped (its `Stall`), not the words
/// of the event: §5.1's deadlock at 100 % / 100 %, and no memory for the
/// extra tasks maximumPercent allows (two 600 MiB tasks on two t2.micros,
/// 995 MiB each, with dynamic ports).
#[test]
fn each_stall_gets_the_hint_for_its_cause() {
    use berth_core::placement::Reason;
    use berth_core::simulate::{hint, Stall};
    let d = run(&web_plan(2, 2, 0, 195, "t2.micro"), 100, 100);
    assert!(
        matches!(
            d.outcome,
            Outcome::Stalled {
                cause: Stall::Configuration,
                ..
            }
        ),
        "{:?}",
        d.outcome
    );
    assert_eq!(
        hint(&d).unwrap(),
        "at least 2 healthy and at most 2 running leaves no room to start or stop a task: raise maximum percent or lower minimum healthy percent"
    );
    let d = run(&web_plan(2, 2, 0, 600, "t2.micro"), 100, 200);
    assert!(
        matches!(
            d.outcome,
            Outcome::Stalled {
                cause: Stall::Placement(Reason::Memory),
                ..
            }
        ),
        "{:?}",
        d.outcome
    );
    assert!(
        hint(&d)
            .unwrap()
            .starts_with("no room for the 2 extra tasks"),
        "{:?}",
        hint(&d)
    );
}
