//! Discovery tests: random plans, placed, then judged by the independent
//! checker — no instance over its CPU, memory, ENIs or ports, and every
//! unplaced task fits nowhere. Case count and seed are fixed (see
//! PROPTEST_CASES in the Makefile for the larger run).

use berth_core::checker::check_placement;
use berth_core::load_plan;
use berth_core::model::Plan;
use berth_core::placement::{place, Owner};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde_json::json;

mod common;

/// A random plan from `berth-testgen`, the generator the fuzz targets use
/// too: proptest's random bytes become a recipe, the recipe a plan.
fn arb_plan() -> impl Strategy<Value = Plan> {
    prop::collection::vec(any::<u8>(), 0..2048).prop_map(|bytes| {
        let recipe = berth_testgen::recipe_from_bytes(&bytes);
        let json = berth_testgen::plan_json(&recipe);
        load_plan(&json.to_string()).unwrap_or_else(|e| panic!("generated plans load: {e}\n{json}"))
    })
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))), ..ProptestConfig::default() })]

    #[test]
    fn every_placement_passes_the_independent_checker(plan in arb_plan()) {
        let placement = place(&plan);
        let violations = check_placement(&plan, &placement);
        prop_assert!(violations.is_empty(), "{:?}\nplan: {}", violations, serde_json::to_string(&plan).unwrap());
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
        .any(|m| m.contains("3 asked for")));

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

    // A task in a task group its owner does not name (§10.2).
    let mut regrouped = good.clone();
    regrouped.state.instances[0].tasks[0].group = "family:a".into();
    assert!(check_placement(&plan, &regrouped)
        .iter()
        .any(|m| m.contains("is in task group family:a")));
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

/// The deployed service's tasks at one step, counted from the step's
/// snapshot of every instance (not the simulator's own counts): (healthy,
/// pending or running, all), and the ids the ledger holds for the service.
fn tally(
    step: &berth_core::simulate::Step,
    service: &str,
) -> ((u32, u32, u32), Vec<u32>, Vec<u32>) {
    use berth_core::simulate::{TaskStatus, Version};
    let mine = |o: &Owner| matches!(o, Owner::Service(s) if &**s == service);
    let mut counts = (0, 0, 0);
    let mut shown = Vec::new();
    for t in step
        .instances
        .iter()
        .flat_map(|i| &i.tasks)
        .filter(|t| mine(&t.owner))
    {
        assert_old_or_new(t.version != Version::Other);
        counts.2 += 1;
        counts.0 += u32::from(t.status == TaskStatus::Healthy);
        counts.1 += u32::from(t.status != TaskStatus::Draining);
        shown.push(t.task_id);
    }
    let mut held: Vec<u32> = step
        .state
        .instances
        .iter()
        .flat_map(|i| &i.tasks)
        .filter(|t| mine(&t.owner))
        .map(|t| t.id)
        .collect();
    shown.sort();
    held.sort();
    (counts, shown, held)
}

/// A task of the deployed service is old or new, never "other".
fn assert_old_or_new(old_or_new: bool) {
    assert!(
        old_or_new,
        "a task of the deployed service is marked as another's"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_global_rejects: cases(), failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))), ..ProptestConfig::default() })]

    /// §5.1, judged on each step's cluster, not on the simulator's counts: at
    /// no step fewer healthy tasks than minimumHealthyPercent allows (rounded
    /// up; unless the service started below it) or more pending and running
    /// than maximumPercent allows (rounded down); every step's ledger passes
    /// the independent checker and holds exactly the tasks its snapshot
    /// shows. And a deployment that the cluster has room for completes: new
    /// tasks that all pass their health checks, a plan placed in full, and
    /// either an old task that may stop first or an instance where the
    /// checker finds room for one more.
    #[test]
    fn every_deployment_step_keeps_the_limits((plan, s, min, max, failing, rollback) in arb_deployment()) {
        if plan.services.is_empty() {
            return Ok(());
        }
        let svc = plan.services[s % plan.services.len()].service_name.clone();
        // §10.1: a daemon's maximumPercent is 100.
        let daemon = plan.service(&svc).unwrap().is_daemon();
        let max = if daemon { 100 } else { max };
        let opts = berth_core::simulate::DeployOptions {
            change: berth_core::simulate::Change { image: Some(":2".into()), ..Default::default() },
            minimum_healthy_percent: Some(min),
            maximum_percent: Some(max),
            failing_new_tasks: failing,
            circuit_breaker: Some(berth_core::model::CircuitBreaker { enable: failing > 0, rollback }),
            ..Default::default()
        };
        let d = berth_core::simulate::deploy(&plan, &svc, &opts).expect("valid options");
        let placed = place(&plan);
        let desired = if daemon {
            // The checker's count: each instance meeting the constraints.
            berth_core::checker::daemon_instances(&plan, &svc).len() as u32
        } else {
            plan.service(&svc).unwrap().desired_count
        };
        let fewest_healthy = (desired * min).div_ceil(100);
        let most_active = desired * max / 100;
        let ((start_healthy, start_active, _), _, _) = tally(&d.steps[0], &svc);
        for (i, step) in d.steps.iter().enumerate() {
            let v = berth_core::checker::check_state(&d.plan, &step.state);
            prop_assert!(v.is_empty(), "step {} {}: {:?}", i, step.action, v);
            prop_assert!(step.state.index_agrees(), "step {} {}: the index is stale", i, step.action);
            let ((healthy, active, _), shown, held) = tally(step, &svc);
            prop_assert_eq!(&shown, &held, "step {} {}: the snapshot and the ledger disagree", i, &step.action);
            prop_assert!(healthy >= fewest_healthy.min(start_healthy), "step {} {}: {} healthy < {}", i, step.action, healthy, fewest_healthy);
            prop_assert!(active <= most_active.max(start_active), "step {} {}: {} active > {}", i, step.action, active, most_active);
        }
        let owner = Owner::Service(svc.as_str().into());
        let room = berth_core::checker::room_for_one_more(&plan, &placed.state, &owner);
        // Room is judged on the cluster as it is; a task:group expression
        // is judged on the tasks running when each new task starts, which
        // the deployment changes (a service affine to its own group stalls
        // once its old tasks stop first, in ECS as here).
        let td = plan.task_definition(&plan.service(&svc).unwrap().task_definition);
        let reads_task_groups = plan.service(&svc).unwrap().placement_constraints.iter()
            .chain(td.iter().flat_map(|td| td.placement_constraints.iter()))
            .any(|c| c.expression.as_deref().is_some_and(|e| e.contains("task:group")));
        let has_room = placed.unplaced.is_empty()
            && !reads_task_groups
            && (fewest_healthy < desired || (most_active > desired && !room.is_empty()));
        if failing == 0 && desired > 0 && has_room {
            prop_assert!(d.outcome.is_completed(), "{}: {} of {} healthy at least, {} at most, room on {:?}: {:?}",
                svc, fewest_healthy, desired, most_active, room, d.outcome);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases() / 10, failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))), ..ProptestConfig::default() })]

    /// Issue 21: a drop (on an instance, on a group), a move or a task taken
    /// off changes only the task it touches; a group added or grown moves
    /// no task (it may start tasks that waited for room); every other
    /// service task keeps its instance. (Standalone tasks are placed after
    /// services and cannot be pinned; they are left out.)
    #[test]
    fn an_edit_moves_no_task_it_does_not_touch((plan, s, i, kind) in (arb_plan(), 0usize..5, 0usize..600, 0u8..6)) {
        use berth_core::app::edit::{apply, Edit};
        if plan.services.is_empty() {
            return Ok(());
        }
        let placed = place(&plan);
        if placed.instances().is_empty() {
            return Ok(());
        }
        let service = plan.services[s % plan.services.len()].service_name.clone();
        let inst = placed.instances()[i % placed.instances().len()].instance.clone();
        let before = common::where_tasks_run(&plan, true);
        if kind >= 4 {
            let count = plan.cluster.instance_groups.iter().find(|g| g.name == inst.group).map_or(0, |g| g.count);
            let edit = if kind == 4 {
                Edit::AddGroup { instance_type: "m5.large".into(), count: 2 }
            } else {
                Edit::SetGroupCount { group: inst.group.clone(), count: count + 1 }
            };
            let Ok(next) = apply(&plan, &edit) else { return Ok(()) };
            let after = common::where_tasks_run(&next, true);
            let mut started = after.clone();
            for t in &before {
                let k = started.iter().position(|x| x == t);
                prop_assert!(k.is_some(), "{:?} moved after {:?}: {:?}", t, edit, after);
                started.remove(k.unwrap());
            }
            // §10.1: "New instances that match get the daemon task".
            let new_instances: Vec<String> = berth_core::placement::place(&next).instances().iter()
                .map(|i| i.instance.id.clone())
                .filter(|id| !placed.instances().iter().any(|i| i.instance.id == *id))
                .collect();
            started.retain(|(s, at)| !(next.service(s).is_some_and(|s| s.is_daemon()) && new_instances.contains(at)));
            if placed.unplaced.is_empty() {
                prop_assert!(started.is_empty(), "{:?} started after {:?}", started, edit);
            }
            return Ok(());
        }
        let (edit, left, joined): (Edit, Option<String>, Option<String>) = match kind {
            0 => (Edit::DropOnInstance { service: service.clone(), instance: inst.id.clone() }, None, Some(inst.id.clone())),
            1 => (Edit::DropOnGroup { service: service.clone(), group: inst.group.clone() }, None, None),
            // With tasks waiting, the room a removal frees rightly starts one.
            3 if !placed.unplaced.is_empty() => return Ok(()),
            3 => {
                let Some(from) = before.iter().find(|(s, _)| *s == service).map(|(_, i)| i.clone()) else { return Ok(()) };
                (Edit::RemoveTask { service: service.clone(), instance: from.clone() }, Some(from), None)
            }
            _ => {
                let Some(from) = before.iter().find(|(s, _)| *s == service).map(|(_, i)| i.clone()) else { return Ok(()) };
                (Edit::MoveTask { service: service.clone(), from: from.clone(), to: inst.id.clone() }, Some(from), Some(inst.id.clone()))
            }
        };
        let Ok(next) = apply(&plan, &edit) else { return Ok(()) };
        let after = common::where_tasks_run(&next, true);
        let mut expected = before.clone();
        if let Some(from) = left {
            let k = expected.iter().position(|t| t.0 == service && t.1 == from).unwrap();
            expected.remove(k);
        }
        match joined {
            Some(to) => expected.push((service.clone(), to)),
            None if kind == 3 => {}
            // On a group: the one task more is the service's, on an
            // instance of that group.
            None => {
                let mut added = after.clone();
                for t in &before {
                    if let Some(k) = added.iter().position(|x| x == t) {
                        added.remove(k);
                    }
                }
                // The service's one task more, on the group (others that
                // waited may start beside it: checked below).
                let on_group = |t: &(String, String)| t.0 == service && t.1.starts_with(&format!("{}-", inst.group));
                let k = added.iter().position(on_group);
                prop_assert!(k.is_some(), "{:?}", added);
                expected.push(added[k.unwrap()].clone());
            }
        }
        expected.sort();
        // A task that waited may start once the edit is made: one whose
        // task:group affinity the dropped task now meets (§10.2). Nothing
        // that ran moves either way.
        let waited: Vec<&str> = placed.unplaced.iter().map(|u| u.owner.name()).collect();
        let mut started = after.clone();
        for t in &expected {
            let k = started.iter().position(|x| x == t);
            prop_assert!(k.is_some(), "{:?} moved after {:?}: {:?}", t, edit, after);
            started.remove(k.unwrap());
        }
        prop_assert!(started.iter().all(|(s, _)| waited.contains(&s.as_str())), "{:?} started after {:?}", started, edit);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases() / 10, failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))), ..ProptestConfig::default() })]

    /// Issue 21, `berth place --from-current`: placing a plan from the tasks
    /// its own placement runs changes nothing; lowering one service's
    /// desiredCount by `fewer` stops exactly that many of its tasks and
    /// moves no other task.
    #[test]
    fn placing_from_the_running_tasks_moves_none_of_them((plan, s, fewer) in (arb_plan(), 0usize..5, 1u32..4)) {
        use berth_core::placement::{place_from_running, Running};
        let placed = place(&plan);
        let running: Vec<Running> = placed.instances().iter().flat_map(|i| i.tasks.iter().map(|t| Running {
            owner: t.owner.clone(),
            instance: i.instance.id.clone(),
        })).collect();
        let where_run = |p: &berth_core::placement::Placement| {
            let mut v: Vec<(String, String)> = p.instances().iter()
                .flat_map(|i| i.tasks.iter().map(|t| (t.owner.name().to_string(), i.instance.id.clone())))
                .collect();
            v.sort();
            v
        };
        let before = where_run(&placed);
        let again = place_from_running(&plan, &running);
        prop_assert_eq!(again.kept as usize, running.len(), "{:?}", again.not_kept);
        prop_assert!(again.not_kept.is_empty(), "{:?}", again.not_kept);
        // Where a task waited, starting it after every running task (rather
        // than in plan order) may find it room: only a plan placed whole
        // must come back exactly.
        if !placed.unplaced.is_empty() || plan.services.is_empty() {
            return Ok(());
        }
        prop_assert_eq!(where_run(&again.placement), before.clone());
        prop_assert!(again.placement.unplaced.is_empty());
        let mut smaller = plan.clone();
        let svc = &mut smaller.services[s % plan.services.len()];
        let name = svc.service_name.to_string();
        let runs = before.iter().filter(|t| t.0 == name).count() as u32;
        if plan.services.iter().filter(|x| *x.service_name == name).count() != 1 {
            return Ok(());
        }
        svc.desired_count = svc.desired_count.saturating_sub(fewer);
        // A daemon does not use desiredCount (§10.1): nothing stops.
        let stops = if svc.is_daemon() { 0 } else { runs - svc.desired_count };
        let after = where_run(&place_from_running(&smaller, &running).placement);
        let mut left = before.clone();
        for t in &after {
            let k = left.iter().position(|x| x == t);
            prop_assert!(k.is_some(), "{:?} was not running before", t);
            left.remove(k.unwrap());
        }
        prop_assert_eq!(left.len() as u32, stops, "{:?}", left);
        prop_assert!(left.iter().all(|t| t.0 == name), "{:?}", left);
    }
}
