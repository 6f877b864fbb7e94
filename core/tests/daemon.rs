//! Issue 17, item 1: daemon services, held against the ECS Developer Guide,
//! "Service scheduler concepts", Daemon
//! (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html;
//! ecs-semantics.md §10.1). Every placement goes through the independent
//! checker, which reads daemons on its own terms.

mod common;

use berth_core::app::edit::{apply, Edit};
use berth_core::checker::{check_state, daemon_instances};
use berth_core::placement::{desired_count, place, Owner, Reason};
use berth_core::simulate::{deploy, scale, Change, DeployOptions, Outcome, Timing};
use berth_core::Plan;
use common::*;
use serde_json::{json, Value};

/// A log agent on every t3 instance (the guide's use: "a log collector on
/// each instance"), beside a replica web service.
fn agent_and_web(agent_memory: u32) -> Plan {
    let agent = task_def(
        "agent",
        "bridge",
        vec![container("agent", 128, agent_memory, None, json!([]))],
    );
    let web = task_def(
        "web",
        "bridge",
        vec![container(
            "web",
            256,
            400,
            None,
            json!([{"containerPort": 80, "hostPort": 0}]),
        )],
    );
    let mut daemon = service("agent", 1);
    daemon["schedulingStrategy"] = json!("DAEMON");
    daemon["placementConstraints"] =
        json!([{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t3\\..*"}]);
    plan(
        json!([group("app", "t3.small", 3), group("big", "m5.large", 1)]),
        vec![agent, web],
        vec![service("web", 4), daemon],
    )
}

fn tasks_of<'a>(p: &'a berth_core::Placement, name: &str) -> Vec<(&'a str, u32)> {
    p.instances()
        .iter()
        .flat_map(|i| {
            i.tasks
                .iter()
                .filter(move |t| t.owner.name() == name)
                .map(move |t| (i.instance.id.as_str(), t.id))
        })
        .collect()
}

/// "The daemon scheduling strategy deploys exactly one task on each active
/// container instance that meets all of the task placement constraints";
/// "the daemon task is the first task to launch on the instances"; and
/// desiredCount is not used (the plan's says 1).
#[test]
fn a_daemon_runs_one_task_on_each_instance_that_meets_its_constraints_first() {
    let plan = agent_and_web(128);
    let p = checked(&plan);
    let agents = tasks_of(&p, "agent");
    let on: Vec<&str> = agents.iter().map(|a| a.0).collect();
    assert_eq!(
        on,
        ["app-1", "app-2", "app-3"],
        "one on each t3, none on the m5"
    );
    let first_web = tasks_of(&p, "web").iter().map(|w| w.1).min().unwrap();
    assert!(
        agents.iter().all(|a| a.1 < first_web),
        "daemon tasks start first"
    );
    let agent = plan.service("agent").unwrap();
    assert_eq!(desired_count(&plan, &p.state, agent), 3);
    assert_eq!(
        daemon_instances(&plan, "agent"),
        ["app-1", "app-2", "app-3"]
    );
    assert!(p.unplaced.is_empty());
}

/// An instance that meets the constraints but has no room gets no daemon
/// task, and the scheduler says why there, in its words.
#[test]
fn a_daemon_without_room_on_an_instance_is_reported_there() {
    let mut plan = agent_and_web(128);
    // app-2 is full before the daemon comes: a big task pinned there, its
    // pin held (running before the daemon was added, as an edit keeps it),
    // leaves 100 MiB of what the instance registers.
    let registered = place(&plan).instances()[1].instance.registered_memory;
    plan.task_definitions.push(
        serde_json::from_value(task_def(
            "fat",
            "bridge",
            vec![container("fat", 0, registered - 100, None, json!([]))],
        ))
        .unwrap(),
    );
    plan.services
        .push(serde_json::from_value(service("fat", 1)).unwrap());
    plan.pins.push(berth_core::model::Pin {
        service: "fat".into(),
        instance: "app-2".into(),
        held: true,
    });
    let p = checked(&plan);
    let on: Vec<&str> = tasks_of(&p, "agent").iter().map(|a| a.0).collect();
    assert_eq!(on, ["app-1", "app-3"]);
    let missing: Vec<_> = p
        .unplaced
        .iter()
        .filter(|u| u.owner.name() == "agent")
        .collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].pinned_instance.as_deref(), Some("app-2"));
    assert_eq!(missing[0].failure.reason, Reason::Memory);
    assert!(
        missing[0].failure.message.contains("insufficient memory"),
        "{}",
        missing[0].failure.message
    );
}

/// "New instances that match get the daemon task": one more t3 instance
/// starts the agent there and moves nothing that ran.
#[test]
fn an_instance_added_to_a_group_gets_the_daemon_and_nothing_moves() {
    let plan = agent_and_web(128);
    let before = where_tasks_run(&plan, true);
    let next = apply(
        &plan,
        &Edit::SetGroupCount {
            group: "app".into(),
            count: 4,
        },
    )
    .unwrap();
    let mut after = where_tasks_run(&next, true);
    for t in &before {
        let k = after
            .iter()
            .position(|x| x == t)
            .unwrap_or_else(|| panic!("{t:?} moved"));
        after.remove(k);
    }
    assert_eq!(after, [("agent".to_string(), "app-4".to_string())]);
    checked(&next);
}

/// Its tasks are ECS's to place: a drag, a move or a removal is refused
/// with the reason, and the plan is unchanged.
#[test]
fn a_daemon_task_is_not_dragged_moved_or_removed() {
    let plan = agent_and_web(128);
    for edit in [
        Edit::DropOnInstance {
            service: "agent".into(),
            instance: "big-1".into(),
        },
        Edit::DropOnGroup {
            service: "agent".into(),
            group: "big".into(),
        },
        Edit::MoveTask {
            service: "agent".into(),
            from: "app-1".into(),
            to: "big-1".into(),
        },
        Edit::RemoveTask {
            service: "agent".into(),
            instance: "app-1".into(),
        },
    ] {
        let e = apply(&plan, &edit).unwrap_err();
        assert!(
            e.message.contains("DAEMON service"),
            "{edit:?}: {}",
            e.message
        );
    }
}

fn deploy_agent(
    plan: &Plan,
    min: u32,
    max: u32,
) -> Result<berth_core::simulate::Deployment, berth_core::simulate::DeployError> {
    deploy(
        plan,
        "agent",
        &DeployOptions {
            change: Change {
                image: Some("example/agent:2".into()),
                ..Default::default()
            },
            minimum_healthy_percent: Some(min),
            maximum_percent: Some(max),
            ..Default::default()
        },
    )
}

/// §10.1 and the DeploymentConfiguration reference: a daemon's
/// maximumPercent is 100, so on each instance the old task stops before
/// its replacement starts there; minimumHealthyPercent 0 (the API's default
/// for a daemon) replaces every one at once, 50 % half at a time.
#[test]
fn a_daemon_deployment_stops_each_old_task_before_its_replacement() {
    let plan = agent_and_web(128);
    let e = deploy_agent(&plan, 0, 200).unwrap_err();
    assert_eq!(e.field, "maximumPercent");
    assert!(
        e.message.contains("does not support values above 100"),
        "{e}"
    );

    for (min, most_stopped) in [(0, 3), (50, 1), (100, 0)] {
        let d = deploy_agent(&plan, min, 100).unwrap();
        assert_eq!(d.desired_count, 3);
        if min == 100 {
            // 100 % of 3 with no room for a fourth: ECS can neither stop
            // nor start, and says so.
            assert!(
                matches!(d.outcome, Outcome::Stalled { .. }),
                "{:?}",
                d.outcome
            );
            continue;
        }
        assert!(d.outcome.is_completed(), "min {min}: {:?}", d.outcome);
        // A replacement waits for its instance: no "unable to place" on
        // the way, which a trainer would have to explain away.
        assert!(
            d.steps
                .iter()
                .all(|s| s.events.iter().all(|e| !e.contains("unable to place"))),
            "min {min}: {:?}",
            d.steps
                .iter()
                .flat_map(|s| s.events.clone())
                .collect::<Vec<_>>()
        );
        let mut stopped_at_once = 0;
        for s in &d.steps {
            assert!(check_state(&d.plan, &s.state).is_empty());
            // Never two of the agent's tasks, old or new, on one instance.
            for inst in &s.instances {
                let n = inst
                    .tasks
                    .iter()
                    .filter(|t| t.owner == Owner::Service("agent".into()))
                    .count();
                assert!(
                    n <= 1,
                    "min {min}, t={}: {} has {n} agent tasks",
                    s.t,
                    inst.id
                );
            }
            let healthy = s.old.healthy + s.new.healthy;
            assert!(
                healthy >= (3 * min).div_ceil(100),
                "min {min}, t={}: {healthy} healthy",
                s.t
            );
            stopped_at_once = stopped_at_once
                .max(3 - (s.old.running + s.new.running + s.old.pending + s.new.pending).min(3));
        }
        assert_eq!(stopped_at_once, most_stopped, "min {min}");
        // Every replacement on the instance its old task left.
        let last = d.steps.last().unwrap();
        let on: Vec<&str> = last
            .instances
            .iter()
            .filter(|i| {
                i.tasks
                    .iter()
                    .any(|t| t.owner == Owner::Service("agent".into()))
            })
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(on, ["app-1", "app-2", "app-3"]);
    }
}

/// "there is no need to specify a desired number of tasks": scaling one is
/// refused, naming the field.
#[test]
fn a_daemon_has_no_desired_count_to_scale() {
    let e = scale(&agent_and_web(128), "agent", 5, Timing::default()).unwrap_err();
    assert_eq!(e.field, "desiredCount");
    assert!(e.message.contains("DAEMON"), "{e}");
}

/// What ECS refuses for a daemon, in the words of its errors (E1030), and
/// ECS's daemon defaults where the plan gives none.
#[test]
fn what_ecs_refuses_for_a_daemon_is_said_in_its_words() {
    let mut v: Value = serde_json::to_value(agent_and_web(128)).unwrap();
    let agent = &mut v["services"][1];
    agent
        .as_object_mut()
        .unwrap()
        .remove("deploymentConfiguration");
    let plan = berth_core::load_plan(&v.to_string()).unwrap();
    let dc = &plan.service("agent").unwrap().deployment_configuration;
    assert_eq!((dc.minimum_healthy_percent, dc.maximum_percent), (0, 100));
    assert!(berth_core::rules::validate(&plan)
        .iter()
        .all(|f| f.code != "E1030"));

    v["services"][1]["placementStrategy"] = json!([{"type": "binpack", "field": "memory"}]);
    v["services"][1]["deploymentConfiguration"] =
        json!({"minimumHealthyPercent": 50, "maximumPercent": 200});
    let plan = berth_core::load_plan(&v.to_string()).unwrap();
    let said: Vec<(String, String)> = berth_core::rules::validate(&plan)
        .into_iter()
        .filter(|f| f.code == "E1030")
        .map(|f| (f.path, f.message))
        .collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert_eq!(said[0].0, "$.services[1].placementStrategy");
    assert!(said[0]
        .1
        .starts_with("The daemon scheduling strategy does not support placement strategies"));
    assert_eq!(
        said[1].0,
        "$.services[1].deploymentConfiguration.maximumPercent"
    );
    // Placement ignores the strategy all the same: one task per t3.
    let on: Vec<(String, String)> = where_tasks_run(&plan, true)
        .into_iter()
        .filter(|t| t.0 == "agent")
        .collect();
    assert_eq!(on.len(), 3);
    assert_eq!(tasks_of(&place(&plan), "agent").len(), 3);
}
