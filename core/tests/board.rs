//! The board's edits and view model: what a drag does, and what is drawn.

use berth_core::app::edit::{apply, rebalance_preview, service_form, Edit, ServiceForm, TaskMove};
use berth_core::app::view::{board, picker_rows, PickerQuery, PickerTarget, PortKind, SortBy};
use berth_core::model::{NetworkMode, Pin};
use berth_core::placement::{Placer, Reason};
use berth_core::{load_plan, Plan};

mod common;
use common::example;

fn seed_cluster() -> Plan {
    // The seed's four services at 195 MiB on one t2.micro group, not yet placed.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../public/examples/microtrader.json"
    ))
    .unwrap();
    let mut plan = load_plan(&text).unwrap();
    for s in &mut plan.services {
        s.desired_count = 0;
    }
    plan.cluster.instance_groups[0].count = 1;
    plan
}

fn used(plan: &Plan, instance: &str) -> u32 {
    let b = board(plan);
    let i = b
        .groups
        .iter()
        .flat_map(|g| &g.instances)
        .find(|i| i.id == instance)
        .unwrap();
    i.memory.iter().map(|m| m.reservation).sum()
}

#[test]
fn dropping_on_a_group_adds_a_task_and_grows_the_bar_by_its_reservation() {
    let plan = seed_cluster();
    let before = used(&plan, "app-1");
    let next = apply(
        &plan,
        &Edit::DropOnGroup {
            service: "quote".into(),
            group: "app".into(),
        },
    )
    .unwrap();
    assert_eq!(used(&next, "app-1") - before, 195);
    assert_eq!(next.service("quote").unwrap().desired_count, 1);
    // The group's one instance holds it, and placing the plan afresh puts
    // it there: no pin is needed, and the service gains no constraint.
    assert_eq!(
        common::where_tasks_run(&next, false),
        vec![("quote".to_string(), "app-1".to_string())]
    );
    assert!(next.pins.is_empty());
    // The totals count the tasks running (the board draws only the cards in
    // view, so this is how a user of a large board sees the task arrive).
    assert_eq!(board(&plan).totals.tasks_placed, 0);
    assert_eq!(board(&next).totals.tasks_placed, 1);
    assert!(next
        .service("quote")
        .unwrap()
        .placement_constraints
        .is_empty());
}

#[test]
fn one_task_too_many_is_refused_in_ecs_words_and_the_plan_is_unchanged() {
    let mut plan = seed_cluster();
    for _ in 0..5 {
        plan = apply(
            &plan,
            &Edit::DropOnGroup {
                service: "quote".into(),
                group: "app".into(),
            },
        )
        .unwrap();
    }
    assert_eq!(used(&plan, "app-1"), 975, "five 195 MiB tasks in 995");
    // `apply` borrows the plan immutably: a refusal cannot change it, which
    // the compiler holds; what is tested is the refusal itself.
    let err = apply(
        &plan,
        &Edit::DropOnGroup {
            service: "audit".into(),
            group: "app".into(),
        },
    )
    .unwrap_err();
    assert_eq!(err.reason, Some(Reason::Memory));
    assert!(
        err.message.contains("has insufficient memory available"),
        "{}",
        err.message
    );
    assert_eq!(err.instance.as_deref(), Some("app-1"));
    let err = apply(
        &plan,
        &Edit::DropOnInstance {
            service: "audit".into(),
            instance: "app-1".into(),
        },
    )
    .unwrap_err();
    assert_eq!(err.reason, Some(Reason::Memory));
}

#[test]
fn a_drop_never_evicts_another_services_task() {
    // Five tasks fill 975 of 995 MiB; one more audit task must be refused even
    // though re-placing the plan in order would leave dashboard out instead.
    let mut plan = seed_cluster();
    for s in ["quote", "quote", "audit", "portfolio", "dashboard"] {
        plan = apply(
            &plan,
            &Edit::DropOnGroup {
                service: s.into(),
                group: "app".into(),
            },
        )
        .unwrap();
    }
    let err = apply(
        &plan,
        &Edit::DropOnGroup {
            service: "audit".into(),
            group: "app".into(),
        },
    )
    .unwrap_err();
    assert!(
        err.message
            .starts_with("service audit was unable to place a task"),
        "{}",
        err.message
    );
}

#[test]
fn static_ports_on_one_instance_give_the_port_message() {
    let mut plan = seed_cluster();
    let form = ServiceForm {
        host_port: Some(8000),
        ..service_form(&plan, "quote").unwrap()
    };
    plan = apply(
        &plan,
        &Edit::SaveService {
            original: Some("quote".into()),
            form,
        },
    )
    .unwrap();
    plan = apply(
        &plan,
        &Edit::DropOnInstance {
            service: "quote".into(),
            instance: "app-1".into(),
        },
    )
    .unwrap();
    let err = apply(
        &plan,
        &Edit::DropOnInstance {
            service: "quote".into(),
            instance: "app-1".into(),
        },
    )
    .unwrap_err();
    assert_eq!(err.reason, Some(Reason::Ports));
    assert!(err
        .message
        .contains("is already using a port required by your task"));
    let b = board(&plan);
    let ports = &b.groups[0].instances[0].ports;
    assert!(ports.iter().any(|p| p.host_port == 8000
        && p.kind == PortKind::Static
        && p.owner.as_deref() == Some("quote")));
    assert!(ports
        .iter()
        .any(|p| p.host_port == 22 && p.kind == PortKind::Reserved));
}

#[test]
fn moving_and_removing_tasks() {
    let mut plan = seed_cluster();
    plan.cluster.instance_groups[0].count = 2;
    plan = apply(
        &plan,
        &Edit::DropOnInstance {
            service: "quote".into(),
            instance: "app-1".into(),
        },
    )
    .unwrap();
    plan = apply(
        &plan,
        &Edit::MoveTask {
            service: "quote".into(),
            from: "app-1".into(),
            to: "app-2".into(),
        },
    )
    .unwrap();
    assert_eq!(used(&plan, "app-1"), 0);
    assert_eq!(used(&plan, "app-2"), 195);
    plan = apply(
        &plan,
        &Edit::RemoveTask {
            service: "quote".into(),
            instance: "app-2".into(),
        },
    )
    .unwrap();
    assert_eq!(plan.service("quote").unwrap().desired_count, 0);
    assert!(plan.pins.is_empty());
}

#[test]
fn group_edits_change_the_registered_memory_shown() {
    let plan = seed_cluster();
    assert_eq!(board(&plan).groups[0].registered_memory, 995);
    let next = apply(
        &plan,
        &Edit::SetGroupType {
            group: "app".into(),
            instance_type: "t2.small".into(),
        },
    )
    .unwrap();
    assert_eq!(board(&next).groups[0].registered_memory, 2001);
    assert!(apply(
        &plan,
        &Edit::SetGroupType {
            group: "app".into(),
            instance_type: "t9.huge".into()
        }
    )
    .is_err());
    let next = apply(
        &plan,
        &Edit::AddGroup {
            instance_type: "m7i.large".into(),
            count: 2,
        },
    )
    .unwrap();
    let g = &board(&next).groups[1];
    assert_eq!(
        (g.name.as_str(), g.count, g.memory_estimated),
        ("m7i", 2, true)
    );
    assert!(apply(
        &plan,
        &Edit::AddGroup {
            instance_type: "t2.micro".into(),
            count: 6000
        }
    )
    .unwrap_err()
    .message
    .contains("5000"));
}

#[test]
fn the_service_form_reports_errors_beside_fields() {
    let plan = seed_cluster();
    let bad = ServiceForm {
        memory: Some(100),
        memory_reservation: Some(195),
        ..service_form(&plan, "quote").unwrap()
    };
    let err = apply(
        &plan,
        &Edit::SaveService {
            original: Some("quote".into()),
            form: bad,
        },
    )
    .unwrap_err();
    assert!(
        err.fields
            .iter()
            .any(|(f, m)| f == "memoryReservation" && m.contains("greater than or equal")),
        "{:?}",
        err.fields
    );
    let new = ServiceForm {
        name: "web".into(),
        image: "nginx:1.27".into(),
        memory: Some(128),
        container_port: Some(80),
        network_mode: NetworkMode::Host,
        desired_count: 1,
        ..Default::default()
    };
    let next = apply(
        &plan,
        &Edit::SaveService {
            original: None,
            form: new.clone(),
        },
    )
    .unwrap();
    assert_eq!(next.services.len(), plan.services.len() + 1);
    let dup = apply(
        &next,
        &Edit::SaveService {
            original: None,
            form: new,
        },
    )
    .unwrap_err();
    assert!(dup.fields.iter().any(|(f, _)| f == "name"));
    let copy = apply(
        &next,
        &Edit::DuplicateService {
            service: "web".into(),
        },
    )
    .unwrap();
    assert!(copy.service("web-copy").is_some());
    let gone = apply(
        &copy,
        &Edit::DeleteService {
            service: "web-copy".into(),
        },
    )
    .unwrap();
    assert!(
        gone.service("web-copy").is_none()
            && !gone.task_definitions.iter().any(|t| t.family == "web-copy")
    );
}

#[test]
fn the_view_model_has_bars_targets_jvm_and_the_catalogue() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../public/examples/microtrader.json"
    ))
    .unwrap();
    let plan = load_plan(&text).unwrap();
    let b = board(&plan);
    let i = &b.groups[0].instances[0];
    assert_eq!(
        (i.nominal_memory, i.system_memory, i.registered_memory),
        (1024, 29, 995)
    );
    assert_eq!(
        i.memory.iter().map(|m| m.reservation).sum::<u32>() + i.free_memory,
        995
    );
    assert!(i.overcommitted, "800 MiB hard limits overcommit a t2.micro");
    let quote = b.targets.iter().find(|t| t.service == "quote").unwrap();
    assert_eq!(
        quote.targets,
        vec!["192.168.1.1:32768", "192.168.1.2:32768"]
    );
    assert_eq!(
        b.jvm
            .iter()
            .find(|j| j.task_definition == "quote")
            .unwrap()
            .severity,
        // Issue 22: the seed's design is a known risk, amber.
        berth_core::rules::jvm::Severity::Amber
    );
    let query = |text: &str, family: Option<&str>, arch: Option<&str>, limit| PickerQuery {
        text: text.into(),
        family: family.map(str::to_string),
        architecture: arch.map(str::to_string),
        limit,
        ..PickerQuery::default()
    };
    let new_group = PickerTarget::NewGroup(1);
    let picked = picker_rows(&plan, &new_group, &query("t2.", None, None, 3));
    let (rows, total) = (picked.rows, picked.total);
    assert_eq!((rows.len(), total), (3, 7));
    assert_eq!(rows[1].registered_memory, 995);
    let arm = picker_rows(
        &plan,
        &new_group,
        &query("", Some("m6g"), Some("arm64"), 100),
    )
    .rows;
    assert!(
        arm.iter()
            .all(|r| r.architecture == "arm64" && r.family == "m6g")
            && !arm.is_empty()
    );
}

/// The shell redraws an instance card only when its content hash changes:
/// a drop changes the hash of the instance that takes the task and of no
/// other, even though task ids renumber.
#[test]
fn content_hash_changes_only_for_the_instance_that_changed() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../public/examples/microtrader.json"
    ))
    .unwrap();
    let plan = load_plan(&text).unwrap();
    let hashes = |p: &Plan| -> Vec<(String, u64)> {
        board(p)
            .groups
            .iter()
            .flat_map(|g| &g.instances)
            .map(|i| (i.id.clone(), i.content_hash()))
            .collect()
    };
    let before = hashes(&plan);
    let first = plan.services[0].service_name.clone();
    let group = plan.cluster.instance_groups[0].name.clone();
    let next = apply(
        &plan,
        &Edit::DropOnGroup {
            service: first,
            group,
        },
    )
    .unwrap();
    let after = hashes(&next);
    let changed: Vec<&String> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a.1 != b.1)
        .map(|(a, _)| &a.0)
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(hashes(&plan), before, "the same plan hashes the same");
}

/// Issue 21, defect 2: ECS starts a task beside the running ones. Dropping
/// quote on app-2 adds a quote there and moves nothing else.
#[test]
fn dropping_on_an_instance_moves_no_other_task() {
    let plan = example();
    let mut expected = common::where_tasks_run(&plan, false);
    expected.push(("quote".into(), "app-2".into()));
    expected.sort();
    let next = apply(
        &plan,
        &Edit::DropOnInstance {
            service: "quote".into(),
            instance: "app-2".into(),
        },
    )
    .unwrap();
    assert_eq!(common::where_tasks_run(&next, false), expected);
}

/// Issue 21: "Re-balance" places every task afresh, and lists what it would
/// change first. Dropping quote on app-2 holds the two quote tasks where
/// they ran; re-balancing lets go of those holds, keeps the user's own pin,
/// and the scheduler's spread then moves one quote from app-2 to app-1.
#[test]
fn rebalance_lists_the_moves_it_makes_and_keeps_the_users_pin() {
    let drop_quote = Edit::DropOnInstance {
        service: "quote".into(),
        instance: "app-2".into(),
    };
    let dropped = apply(&example(), &drop_quote).unwrap();
    let preview = rebalance_preview(&mut Placer::default(), &dropped);
    assert_eq!(preview.held, 2);
    assert_eq!(
        preview.moves,
        vec![TaskMove {
            service: "quote".into(),
            from: Some("app-2".into()),
            to: Some("app-1".into()),
        }]
    );
    let next = apply(&dropped, &Edit::Rebalance).unwrap();
    assert_eq!(
        next.pins,
        vec![Pin {
            service: "quote".into(),
            instance: "app-2".into(),
            held: false,
        }]
    );
    // The list is exactly the difference between the two boards.
    let mut expected = common::where_tasks_run(&dropped, false);
    for m in &preview.moves {
        let from = (m.service.clone(), m.from.clone().unwrap());
        let at = expected.iter().position(|t| *t == from).unwrap();
        expected[at].1 = m.to.clone().unwrap();
    }
    expected.sort();
    assert_eq!(common::where_tasks_run(&next, false), expected);
    // Once re-balanced, or where nothing is held, there is nothing to move.
    assert!(rebalance_preview(&mut Placer::default(), &next)
        .moves
        .is_empty());
    assert!(rebalance_preview(&mut Placer::default(), &example())
        .moves
        .is_empty());
}

/// Issue 21, defect 3: a drop on a group starts the task on an instance of
/// that group, not wherever the service's strategies would have put it.
#[test]
fn dropping_on_a_group_starts_the_task_in_that_group() {
    let plan = apply(
        &example(),
        &Edit::AddGroup {
            instance_type: "m5.large".into(),
            count: 1,
        },
    )
    .unwrap();
    let group = plan.cluster.instance_groups[1].name.clone();
    let mut expected = common::where_tasks_run(&plan, false);
    let next = apply(
        &plan,
        &Edit::DropOnGroup {
            service: "dashboard".into(),
            group: group.clone(),
        },
    )
    .unwrap();
    expected.push(("dashboard".into(), format!("{group}-1")));
    expected.sort();
    assert_eq!(common::where_tasks_run(&next, false), expected);
}

/// §2.2: memory and memoryReservation are non-zero when given. A
/// reservation of 0 is refused at its field, not read as "no reservation"
/// (issue 21: reserved memory jumped by 605 MiB).
#[test]
fn a_reservation_of_zero_is_an_error_at_its_field() {
    let plan = example();
    let mut form = service_form(&plan, "quote").unwrap();
    form.memory_reservation = Some(0);
    let err = apply(
        &plan,
        &Edit::SaveService {
            original: Some("quote".into()),
            form,
        },
    )
    .unwrap_err();
    assert_eq!(err.fields.len(), 1, "{:?}", err.fields);
    assert_eq!(err.fields[0].0, "memoryReservation");
    assert!(err.fields[0].1.contains("non-zero"), "{:?}", err.fields);
}

/// Issue 22: the JVM check's assumptions are shown, the user's to change
/// per container, kept with the plan, and refused out of range.
#[test]
fn jvm_assumptions_are_the_users_to_change_per_container_and_kept_with_the_plan() {
    use berth_core::model::JvmAssumptions;
    let plan = example();
    let card = |p: &Plan, family: &str| {
        board(p)
            .jvm
            .into_iter()
            .find(|j| j.task_definition == family)
            .unwrap()
    };
    let before = card(&plan, "quote");
    assert_eq!((before.threads, before.code_cache_mib), (200, 240.0));
    assert!(!before.code_cache_from_flag);
    let set = |threads, code_cache_mib| Edit::SetJvmAssumptions {
        family: "quote".into(),
        container: "quote".into(),
        assumptions: JvmAssumptions {
            threads,
            code_cache_mib,
        },
    };
    let next = apply(&plan, &set(50, 48)).unwrap();
    let quote = card(&next, "quote");
    assert_eq!((quote.threads, quote.code_cache_mib), (50, 48.0));
    // 672 heap + 128 metaspace + 50 stacks + 48 code cache + 10 direct +
    // 67.2 (a tenth of the heap) for GC and native.
    assert!((quote.required - 975.2).abs() < 1e-9, "{}", quote.required);
    assert!((before.required - quote.required - (150.0 + 192.0)).abs() < 1e-9);
    assert_eq!(card(&next, "audit").threads, 200, "only quote's container");

    // Saved and read back.
    let again = load_plan(&serde_json::to_string(&next).unwrap()).unwrap();
    assert_eq!(card(&again, "quote").threads, 50);
    // Back to the defaults: nothing kept.
    assert!(apply(&next, &set(200, 240))
        .unwrap()
        .jvm_assumptions
        .is_empty());

    // Out of range: refused at its field, the plan unchanged.
    let e = apply(&next, &set(0, 48)).unwrap_err();
    assert_eq!(e.fields[0].0, "threads", "{e:?}");
    let e = apply(&next, &set(50, 4096)).unwrap_err();
    assert_eq!(e.fields[0].0, "codeCacheMiB", "{e:?}");
    let mut bad = serde_json::to_value(&next).unwrap();
    bad["jvmAssumptions"]["quote/quote"]["threads"] = 0.into();
    let e = load_plan(&bad.to_string()).unwrap_err();
    assert_eq!(e.path, "$.jvmAssumptions[\"quote/quote\"].threads");
    assert!(e.message.contains("between 1 and"), "{}", e.message);
}

/// Issue 22: the picker answers "cheapest that fits": sorted by monthly
/// price, filtered by vCPU, memory, generation and architecture, each row
/// marked with whether it holds the largest task and the whole plan, as
/// placement (not the row's numbers alone) says.
#[test]
fn the_picker_sorts_by_price_filters_and_marks_what_fits() {
    let plan = example();
    let app = PickerTarget::Group("app".into());
    let by_price = PickerQuery {
        sort: SortBy::Price,
        limit: 40,
        ..PickerQuery::default()
    };
    let rows = picker_rows(&plan, &app, &by_price).rows;
    let prices: Vec<f64> = rows.iter().map(|r| r.price_per_month.unwrap()).collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");
    for r in &rows {
        let hourly = r.price_per_hour.unwrap();
        assert!((r.price_per_month.unwrap() - hourly * 730.0).abs() < 1e-9);
    }
    // The cheapest, a t4g.nano, holds any one task of the example (the
    // largest reserves 256 MiB of its 272) but two of them cannot hold the
    // plan's 975 MiB: the two marks differ, and only placement tells.
    let nano = &rows[0];
    assert_eq!(nano.name, "t4g.nano");
    assert!(nano.fits_largest_task && nano.fits_plan == Some(false));
    assert!(nano.burstable && nano.architecture == "arm64");
    // The example runs on 2 × t2.micro: a t2.micro fits the whole plan and
    // is the cheapest row that does, by placement of the plan.
    let cheapest_fit = rows.iter().find(|r| r.fits_plan == Some(true)).unwrap();
    let micro = rows.iter().find(|r| r.name == "t2.micro").unwrap();
    assert_eq!(micro.fits_plan, Some(true));
    assert!(cheapest_fit.price_per_month <= micro.price_per_month);
    let next = apply(
        &plan,
        &Edit::SetGroupType {
            group: "app".into(),
            instance_type: cheapest_fit.name.clone(),
        },
    )
    .unwrap();
    assert!(berth_core::placement::place(&next).unplaced.is_empty());
    // A task larger than a t2.micro registers fits no t2.micro.
    let mut big = serde_json::to_value(&plan).unwrap();
    big["taskDefinitions"][0]["containerDefinitions"][0]["memoryReservation"] = 1200.into();
    big["taskDefinitions"][0]["containerDefinitions"][0]["memory"] = 1400.into();
    let big = load_plan(&big.to_string()).unwrap();
    let micro = PickerQuery {
        text: "t2.micro".into(),
        limit: 1,
        ..PickerQuery::default()
    };
    let row = &picker_rows(&big, &app, &micro).rows[0];
    assert!(!row.fits_largest_task && row.fits_plan == Some(false));

    // Filters.
    let filtered = PickerQuery {
        min_vcpu: 4,
        min_memory_mib: 16 * 1024,
        min_generation: 6,
        architecture: Some("arm64".into()),
        sort: SortBy::Vcpu,
        descending: true,
        limit: 500,
        ..PickerQuery::default()
    };
    let picked = picker_rows(&plan, &app, &filtered);
    assert!(picked.total > 10 && picked.fits_plan_checked);
    assert!(picked.rows.iter().all(|r| r.vcpu >= 4
        && r.memory >= 16 * 1024
        && r.generation >= 6
        && r.architecture == "arm64"));
    let vcpus: Vec<u32> = picked.rows.iter().map(|r| r.vcpu).collect();
    assert!(vcpus.windows(2).all(|w| w[0] >= w[1]), "{vcpus:?}");
    let fits_only = PickerQuery {
        fits_only: true,
        ..by_price
    };
    assert!(picker_rows(&plan, &app, &fits_only)
        .rows
        .iter()
        .all(|r| r.fits_largest_task));
}

/// Issue 22: the pinned baseline is kept with the plan: through an edit
/// (undoable like any), a save and load, and a share link; clearing it
/// leaves none; it never nests.
#[test]
fn the_baseline_is_kept_with_the_plan_and_in_share_links() {
    let plan = example();
    let pinned = apply(&plan, &Edit::PinBaseline).unwrap();
    let later = apply(
        &pinned,
        &Edit::SetGroupType {
            group: "app".into(),
            instance_type: "t2.small".into(),
        },
    )
    .unwrap();
    let base = later.baseline.as_deref().expect("kept through an edit");
    assert_eq!(base.cluster.instance_groups[0].instance_type, "t2.micro");
    let read = load_plan(&serde_json::to_string(&later).unwrap()).unwrap();
    assert_eq!(read, later, "saved and read back whole");
    let shared =
        berth_core::input::share::decode(&berth_core::input::share::encode(&later)).unwrap();
    assert_eq!(shared.baseline, later.baseline, "carried in a share link");
    let diff = berth_core::app::compare::compare(base, &later);
    assert!(diff
        .changes
        .iter()
        .any(|c| c.field == "instanceType" && c.after == "t2.small"));
    // Pinning again takes the plan as it is, without its old baseline.
    let again = apply(&later, &Edit::PinBaseline).unwrap();
    let new_base = again.baseline.as_deref().unwrap();
    assert!(new_base.baseline.is_none());
    assert_eq!(
        new_base.cluster.instance_groups[0].instance_type,
        "t2.small"
    );
    assert!(apply(&again, &Edit::ClearBaseline)
        .unwrap()
        .baseline
        .is_none());
    // A baseline that does not read is named at its path.
    let mut bad = serde_json::to_value(&later).unwrap();
    bad["baseline"]["services"][0]["desiredCount"] = "two".into();
    let e = load_plan(&bad.to_string()).unwrap_err();
    assert_eq!(e.path, "$.baseline.services[0].desiredCount", "{e:?}");
}

/// The web app's first module draws with `board_groups` and takes drags
/// through `apply_drop` (issue 20); the app, once it takes over, replays
/// those drags through `apply` and draws with `board`. Every move and
/// removal on the example (two and three instances) lands the same way
/// through both, and is drawn the same.
#[test]
fn the_first_boards_drags_and_cards_are_the_apps() {
    use berth_core::app::edit::apply_drop;
    use berth_core::app::view::board_groups;
    use berth_core::place;
    for count in [2, 3] {
        let mut plan = example();
        plan.cluster.instance_groups[0].count = count;
        let b = board(&plan);
        assert_eq!(
            board_groups(&plan, &place(&plan)),
            (b.groups.clone(), b.totals.clone())
        );
        let ids: Vec<String> = b
            .groups
            .iter()
            .flat_map(|g| &g.instances)
            .map(|i| i.id.clone())
            .collect();
        let mut tried = 0;
        for from in &b.groups[0].instances {
            for chip in &from.tasks {
                let Some(service) = chip.service.clone() else {
                    continue;
                };
                let mut edits: Vec<Edit> = ids
                    .iter()
                    .map(|to| Edit::MoveTask {
                        service: service.clone(),
                        from: from.id.clone(),
                        to: to.clone(),
                    })
                    .collect();
                edits.push(Edit::RemoveTask {
                    service: service.clone(),
                    instance: from.id.clone(),
                });
                for edit in edits {
                    let first = apply_drop(&mut Placer::default(), &plan, &edit);
                    assert_eq!(first, apply(&plan, &edit), "{edit:?}");
                    if let Ok(next) = first {
                        let drawn = board(&next);
                        assert_eq!(
                            board_groups(&next, &place(&next)),
                            (drawn.groups, drawn.totals)
                        );
                    }
                    tried += 1;
                }
            }
        }
        assert!(tried >= 15, "{tried} drags tried");
    }
}

#[test]
fn the_first_module_refuses_any_edit_but_a_drag() {
    use berth_core::app::edit::apply_drop;
    let plan = example();
    let edit = Edit::AddGroup {
        instance_type: "t3.small".into(),
        count: 1,
    };
    let refused = apply_drop(&mut Placer::default(), &plan, &edit).unwrap_err();
    assert!(
        refused.message.contains("only a drag"),
        "{}",
        refused.message
    );
    assert!(apply(&plan, &edit).is_ok());
}
