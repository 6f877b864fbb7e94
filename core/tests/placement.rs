//! Placement rules beyond the seed: constraints, strategies, protocols,
//! awsvpc, pins and the "one more task here?" question. Every placement is
//! also run through the independent checker.

mod common;

use berth_core::model::Protocol;
use berth_core::placement::{place, Reason};
use common::*;
use serde_json::json;

#[test]
fn member_of_keeps_tasks_on_matching_types_and_reports_attribute() {
    let groups = json!([group("small", "t2.micro", 2), group("big", "m5.large", 1)]);
    let mut svc = service("api", 3);
    svc["placementConstraints"] =
        json!([{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t2.*"}]);
    let td = task_def(
        "api",
        "bridge",
        vec![container("api", 0, 600, None, json!([]))],
    );
    let p = checked(&plan(groups, vec![td], vec![svc]));
    for inst in p.instances() {
        if inst.instance.instance_type == "m5.large" {
            assert!(inst.tasks.is_empty(), "constraint binds");
        }
    }
    // Two fit on the t2.micros; the third fails on memory there (the big one is not a match).
    assert_eq!(p.unplaced.len(), 1);
    assert_eq!(p.unplaced[0].failure.reason, Reason::Memory);
    assert!(p.unplaced[0]
        .failure
        .closest
        .as_deref()
        .unwrap()
        .starts_with("small-"));

    let mut none = service("api", 1);
    none["placementConstraints"] =
        json!([{"type": "memberOf", "expression": "attribute:ecs.cpu-architecture == arm64"}]);
    let td = task_def(
        "api",
        "bridge",
        vec![container("api", 0, 100, None, json!([]))],
    );
    let p = checked(&plan(
        json!([group("small", "t2.micro", 2)]),
        vec![td],
        vec![none],
    ));
    assert_eq!(p.unplaced[0].failure.reason, Reason::Attribute);
    assert_eq!(p.unplaced[0].failure.message, "service api was unable to place a task because no container instance met all of its requirements.");
}

/// Issue 17, item 3 (ecs-semantics.md §10.3, from the guide's "Cluster
/// query language", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-query-language.html):
/// "The matches and not_matches operators expect an argument that conforms
/// to the Java regular expression syntax." `.*large` (nothing, read as a
/// glob) keeps every task on the large types; the checker agrees.
#[test]
fn matches_reads_a_java_regular_expression() {
    let groups = json!([group("small", "t2.micro", 2), group("big", "m5.large", 2)]);
    let mut svc = service("api", 4);
    svc["placementConstraints"] =
        json!([{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ .*large"}]);
    let td = task_def(
        "api",
        "bridge",
        vec![container("api", 0, 100, None, json!([]))],
    );
    let p = checked(&plan(groups, vec![td], vec![svc]));
    assert!(p.unplaced.is_empty(), "{:?}", p.unplaced);
    for inst in p.instances() {
        let large = inst.instance.instance_type == "m5.large";
        assert_eq!(!inst.tasks.is_empty(), large, "{}", inst.instance.id);
    }
}

#[test]
fn distinct_instance_puts_one_task_per_instance() {
    let mut svc = service("api", 3);
    svc["placementConstraints"] = json!([{"type": "distinctInstance"}]);
    let td = task_def(
        "api",
        "bridge",
        vec![container("api", 0, 10, None, json!([]))],
    );
    let p = checked(&plan(
        json!([group("g", "m5.large", 2)]),
        vec![td],
        vec![svc],
    ));
    assert!(p.instances().iter().all(|i| i.tasks.len() == 1));
    assert_eq!(p.unplaced[0].count, 1);
}

#[test]
fn default_spread_balances_availability_zones_then_instances() {
    let td = task_def(
        "api",
        "bridge",
        vec![container("api", 0, 10, None, json!([]))],
    );
    let p = checked(&plan(
        json!([group("g", "m5.large", 4)]),
        vec![td],
        vec![service("api", 6)],
    ));
    let per: Vec<usize> = p.instances().iter().map(|i| i.tasks.len()).collect();
    assert_eq!(per.iter().sum::<usize>(), 6);
    assert!(
        per.iter().max().unwrap() - per.iter().min().unwrap() <= 1,
        "{per:?}"
    );
    let az_a: usize = p
        .instances()
        .iter()
        .filter(|i| i.instance.availability_zone == "us-east-1a")
        .map(|i| i.tasks.len())
        .sum();
    assert_eq!(az_a, 3);
}

#[test]
fn binpack_memory_fills_the_fullest_instance_first() {
    let mut svc = service("api", 3);
    svc["placementStrategy"] = json!([{"type": "binpack", "field": "memory"}]);
    let td = task_def(
        "api",
        "bridge",
        vec![container("api", 0, 1000, None, json!([]))],
    );
    let p = checked(&plan(
        json!([group("g", "m5.large", 3)]),
        vec![td],
        vec![svc],
    ));
    let per: Vec<usize> = p.instances().iter().map(|i| i.tasks.len()).collect();
    assert_eq!(per, vec![3, 0, 0]);
}

#[test]
fn random_is_reproducible() {
    let mut svc = service("api", 20);
    svc["placementStrategy"] = json!([{"type": "random"}]);
    let td = task_def(
        "api",
        "bridge",
        vec![container("api", 0, 10, None, json!([]))],
    );
    let pl = plan(json!([group("g", "m5.large", 5)]), vec![td], vec![svc]);
    let a: Vec<usize> = checked(&pl)
        .instances()
        .iter()
        .map(|i| i.tasks.len())
        .collect();
    let b: Vec<usize> = place(&pl)
        .instances()
        .iter()
        .map(|i| i.tasks.len())
        .collect();
    assert_eq!(a, b);
    assert!(
        a.iter().filter(|&&n| n > 0).count() >= 3,
        "spreads somewhat: {a:?}"
    );
}

#[test]
fn tcp_and_udp_ports_are_separate_resources() {
    let tds = vec![
        task_def(
            "dns-tcp",
            "bridge",
            vec![container(
                "d",
                0,
                10,
                None,
                json!([{"containerPort": 53, "hostPort": 53, "protocol": "tcp"}]),
            )],
        ),
        task_def(
            "dns-udp",
            "bridge",
            vec![container(
                "d",
                0,
                10,
                None,
                json!([{"containerPort": 53, "hostPort": 53, "protocol": "udp"}]),
            )],
        ),
    ];
    let p = checked(&plan(
        json!([group("g", "t2.micro", 1)]),
        tds.clone(),
        vec![service("dns-tcp", 1), service("dns-udp", 2)],
    ));
    assert_eq!(p.instances()[0].tasks.len(), 2);
    assert_eq!(p.unplaced[0].failure.reason, Reason::PortsUdp);
    assert!(p.instances()[0].port_in_use(Protocol::Udp, 53));
}

#[test]
fn agent_reserved_ports_refuse_static_mappings() {
    let td = task_def(
        "ssh",
        "bridge",
        vec![container(
            "s",
            0,
            10,
            None,
            json!([{"containerPort": 22, "hostPort": 22}]),
        )],
    );
    let p = checked(&plan(
        json!([group("g", "t2.micro", 1)]),
        vec![td],
        vec![service("ssh", 1)],
    ));
    assert_eq!(p.unplaced[0].failure.reason, Reason::Ports);
}

#[test]
fn awsvpc_tasks_use_enis_not_host_ports() {
    // c5.large: 3 ENIs → 2 awsvpc tasks, 10 with trunking (§3.6).
    let td = task_def(
        "api",
        "awsvpc",
        vec![container(
            "api",
            0,
            10,
            None,
            json!([{"containerPort": 8000}]),
        )],
    );
    let p = checked(&plan(
        json!([group("g", "c5.large", 1)]),
        vec![td.clone()],
        vec![service("api", 3)],
    ));
    assert_eq!(p.instances()[0].tasks.len(), 2);
    assert!(p.instances()[0]
        .tasks
        .iter()
        .all(|t| t.host_ports.is_empty()));
    assert_eq!(p.unplaced[0].failure.reason, Reason::Eni);
    let mut g = group("g", "c5.large", 1);
    g["awsvpcTrunking"] = json!(true);
    let p = checked(&plan(json!([g]), vec![td], vec![service("api", 10)]));
    assert!(p.unplaced.is_empty());
}

#[test]
fn the_dynamic_scan_skips_ports_in_use_and_wraps() {
    let mut pl = plan(
        json!([group("g", "m5.large", 1)]),
        vec![
            task_def(
                "fixed",
                "bridge",
                vec![container(
                    "f",
                    0,
                    10,
                    None,
                    json!([{"containerPort": 80, "hostPort": 40001}]),
                )],
            ),
            task_def(
                "dyn",
                "bridge",
                vec![container("d", 0, 10, None, json!([{"containerPort": 80}]))],
            ),
        ],
        vec![service("fixed", 1), service("dyn", 3)],
    );
    pl.cluster.dynamic_host_port_range = [40000, 40003];
    let p = checked(&pl);
    let mut dynamic: Vec<u16> = p.instances()[0]
        .tasks
        .iter()
        .flat_map(|t| &t.host_ports)
        .filter(|h| h.dynamic)
        .map(|h| h.host_port)
        .collect();
    dynamic.sort();
    assert_eq!(dynamic, vec![40000, 40002, 40003]);
    // The range is now full: one more fails on ports.
    pl.services[1].desired_count = 4;
    let p = checked(&pl);
    assert_eq!(p.unplaced[0].failure.reason, Reason::Ports);
}

#[test]
fn the_hundred_reserved_ports_limit() {
    // 5 default reserved ports + 95 static ports fill the limit of 100.
    let ports: Vec<serde_json::Value> = (1000..1096)
        .map(|p| json!({"containerPort": p, "hostPort": p}))
        .collect();
    let td = task_def(
        "many",
        "bridge",
        vec![container("m", 0, 10, None, json!(ports))],
    );
    let p = checked(&plan(
        json!([group("g", "m5.large", 1)]),
        vec![td],
        vec![service("many", 1)],
    ));
    assert_eq!(p.unplaced[0].failure.reason, Reason::PortLimit);
    assert!(p.unplaced[0]
        .failure
        .message
        .contains("100 host ports per container instance"));
}

#[test]
fn pins_place_on_their_instance_or_say_why() {
    let td = task_def(
        "api",
        "bridge",
        vec![container("api", 0, 600, None, json!([]))],
    );
    let mut pl = plan(
        json!([group("g", "t2.micro", 2)]),
        vec![td],
        vec![service("api", 2)],
    );
    pl.pins = vec![
        berth_core::model::Pin {
            service: "api".into(),
            instance: "g-2".into(),
            held: false,
        },
        berth_core::model::Pin {
            service: "api".into(),
            instance: "g-2".into(),
            held: false,
        },
    ];
    let p = checked(&pl);
    assert_eq!(p.instances()[1].tasks.len(), 1);
    assert!(p.instances()[1].tasks[0].pinned);
    assert_eq!(p.unplaced.len(), 1, "the second pin does not fit g-2");
    assert_eq!(p.unplaced[0].pinned_instance.as_deref(), Some("g-2"));
    assert_eq!(p.unplaced[0].failure.reason, Reason::Memory);
    assert!(
        p.instances()[0].tasks.is_empty(),
        "a pinned task is not moved elsewhere"
    );
}

#[test]
fn one_more_task_here_answers_with_ports_or_the_reason() {
    let td = task_def(
        "web",
        "bridge",
        vec![container(
            "web",
            0,
            400,
            None,
            json!([{"containerPort": 8000, "hostPort": 8000}]),
        )],
    );
    let pl = plan(
        json!([group("g", "t2.micro", 2)]),
        vec![td],
        vec![service("web", 1)],
    );
    let p = checked(&pl);
    let busy = p
        .instances()
        .iter()
        .find(|i| !i.tasks.is_empty())
        .unwrap()
        .instance
        .id
        .clone();
    let free = p
        .instances()
        .iter()
        .find(|i| i.tasks.is_empty())
        .unwrap()
        .instance
        .id
        .clone();
    let err = p.try_one_more(&pl, "web", &busy).unwrap_err();
    assert_eq!(err.reason, Reason::Ports);
    assert!(err.message.contains(&format!(
        "container-instance {busy} is already using a port"
    )));
    let ports = p.try_one_more(&pl, "web", &free).unwrap();
    assert_eq!(ports[0].host_port, 8000);
    assert!(p.try_one_more(&pl, "nope", &free).is_err());
}

#[test]
fn task_level_sizes_win_over_containers() {
    let mut td = task_def(
        "t",
        "bridge",
        vec![container("a", 100, 100, Some(200), json!([]))],
    );
    td["cpu"] = json!("0.5 vCPU");
    td["memory"] = json!("1 GB");
    let p = checked(&plan(
        json!([group("g", "m5.large", 1)]),
        vec![td],
        vec![service("t", 1)],
    ));
    let t = &p.instances()[0].tasks[0];
    assert_eq!((t.cpu, t.memory), (512, 1024));
}

#[test]
fn the_same_plan_places_the_same_byte_for_byte() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../public/examples/microtrader.json"
    ))
    .unwrap();
    let pl = berth_core::load_plan(&text).unwrap();
    let a =
        serde_json::to_string(&berth_core::app::report::place_report(&pl, &place(&pl))).unwrap();
    let b =
        serde_json::to_string(&berth_core::app::report::place_report(&pl, &place(&pl))).unwrap();
    assert_eq!(a, b);
}

#[test]
fn run_tasks_place_at_random_and_report_runtask_failures() {
    let td = task_def(
        "migrate",
        "bridge",
        vec![container("m", 0, 900, None, json!([]))],
    );
    let mut pl = plan(json!([group("g", "t2.micro", 1)]), vec![td], vec![]);
    pl.tasks = vec![berth_core::model::RunTask {
        task_definition: "migrate".into(),
        count: 2,
        placement_strategy: vec![],
        placement_constraints: vec![],
        group: None,
        extra: Default::default(),
    }];
    let p = checked(&pl);
    assert_eq!(p.instances()[0].tasks.len(), 1);
    assert_eq!(
        p.unplaced[0].failure.message,
        "RunTask of migrate failed: RESOURCE:MEMORY (container-instance g-1)"
    );
}

/// §4.2 `random` draws instances until one fits; on a cluster with room for
/// exactly one more task per instance the last draws miss again and again, and
/// the listed fallback must still find every free place.
#[test]
fn random_fills_a_cluster_to_the_last_free_place() {
    // An m5.large registers 2,048 CPU units: two tasks of 1,024 each.
    let td = task_def(
        "job",
        "bridge",
        vec![container("job", 1024, 10, None, json!([]))],
    );
    let mut svc = service("job", 20);
    svc["placementStrategy"] = json!([{"type": "random"}]);
    let full = checked(&plan(
        json!([group("g", "m5.large", 10)]),
        vec![td.clone()],
        vec![svc.clone()],
    ));
    assert!(full.unplaced.is_empty(), "{:?}", full.unplaced);
    assert!(full.instances().iter().all(|i| i.tasks.len() == 2));
    svc["desiredCount"] = json!(21);
    let over = checked(&plan(
        json!([group("g", "m5.large", 10)]),
        vec![td],
        vec![svc],
    ));
    assert_eq!(over.unplaced.len(), 1);
    assert_eq!(over.unplaced[0].count, 1);
    assert_eq!(over.unplaced[0].failure.reason, Reason::Cpu);

    // One instance of 200 matches: 32 draws all miss it 85 % of the time.
    let td = task_def(
        "job",
        "bridge",
        vec![container("job", 0, 10, None, json!([]))],
    );
    let mut svc = service("job", 5);
    svc["placementStrategy"] = json!([{"type": "random"}]);
    svc["placementConstraints"] =
        json!([{"type": "memberOf", "expression": "attribute:ecs.instance-type == m5.xlarge"}]);
    let one = checked(&plan(
        json!([
            group("small", "m5.large", 199),
            group("big", "m5.xlarge", 1)
        ]),
        vec![td],
        vec![svc],
    ));
    assert!(one.unplaced.is_empty(), "{:?}", one.unplaced);
    assert_eq!(one.instances()[199].tasks.len(), 5);
}

/// "Tasks are placed randomly": 1,000 tasks on 10 instances with room for all
/// of them land about 100 to an instance (a binomial's standard deviation
/// here is 9.5; the bounds are four of them), never all on the first.
#[test]
fn random_spreads_about_evenly_over_instances_with_room() {
    let td = task_def(
        "job",
        "bridge",
        vec![container("job", 0, 6, None, json!([]))],
    );
    let mut svc = service("job", 1000);
    svc["placementStrategy"] = json!([{"type": "random"}]);
    let p = checked(&plan(
        json!([group("g", "m5.large", 10)]),
        vec![td],
        vec![svc],
    ));
    let per: Vec<usize> = p.instances().iter().map(|i| i.tasks.len()).collect();
    assert_eq!(per.iter().sum::<usize>(), 1000);
    assert!(per.iter().all(|&n| (62..=138).contains(&n)), "{per:?}");
}

/// Issue 17, item 2 (ecs-semantics.md §10.2, the guide's "Task groups" and
/// "Cluster query language" examples,
/// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-groups.html):
/// "Tasks launched as part of a service use the service name as the task
/// group name" — affinity `task:group == service:db` keeps web's tasks
/// beside db's, even with web listed first (in ECS its tasks wait, PENDING,
/// until db's run); anti-affinity `not(task:group == service:db)` keeps them
/// off db's instance. The checker agrees, judging each task by the tasks
/// that started before it.
#[test]
fn task_groups_give_affinity_and_anti_affinity() {
    let td = |name: &str| {
        task_def(
            name,
            "bridge",
            vec![container(name, 0, 100, None, json!([]))],
        )
    };
    let with = |expression: &str| {
        let mut web = service("web", 3);
        web["placementConstraints"] = json!([{"type": "memberOf", "expression": expression}]);
        checked(&plan(
            json!([group("app", "m5.large", 4)]),
            vec![td("web"), td("db")],
            vec![web, service("db", 1)],
        ))
    };
    let instances_of = |p: &berth_core::placement::Placement, service: &str| -> Vec<String> {
        p.instances()
            .iter()
            .filter(|i| i.tasks.iter().any(|t| t.owner.name() == service))
            .map(|i| i.instance.id.clone())
            .collect()
    };
    let affinity = with("task:group == service:db");
    assert!(affinity.unplaced.is_empty(), "{:?}", affinity.unplaced);
    assert_eq!(
        instances_of(&affinity, "web"),
        instances_of(&affinity, "db")
    );

    let anti = with("not(task:group == service:db)");
    assert!(anti.unplaced.is_empty(), "{:?}", anti.unplaced);
    let db = instances_of(&anti, "db");
    assert_eq!(db.len(), 1);
    assert!(!instances_of(&anti, "web").contains(&db[0]));
    // `!=` reads as "no db task here" too.
    assert_eq!(
        instances_of(&with("task:group != service:db"), "web"),
        instances_of(&anti, "web")
    );

    // Affinity to a group nothing runs in places nothing, in ECS's words.
    let lonely = with("task:group == service:cache");
    assert_eq!(lonely.unplaced.len(), 1);
    assert_eq!(lonely.unplaced[0].count, 3);
    assert_eq!(lonely.unplaced[0].failure.reason, Reason::Attribute);
}

/// Issue 17, item 2: RunTask's `group` (ecs-semantics.md §10.2; RunTask API
/// reference, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html:
/// "The name of the task group to associate with the task. The default
/// value is the family name of the task definition (for example,
/// family:my-family-name)"). distinctInstance counts within each group, so
/// two groups of one family share instances; `task:group` reads the
/// group's name, so a service that follows the nightly batch waits for it
/// and lands beside it; the field is kept through a save.
#[test]
fn run_task_group_names_the_task_group() {
    let td = task_def(
        "report",
        "bridge",
        vec![container("report", 0, 100, None, json!([]))],
    );
    let reader = task_def(
        "reader",
        "bridge",
        vec![container("reader", 0, 100, None, json!([]))],
    );
    let mut follows = service("reader", 2);
    follows["placementConstraints"] =
        json!([{"type": "memberOf", "expression": "task:group == batch:nightly"}]);
    let mut v = serde_json::to_value(plan(
        json!([group("g", "t2.micro", 3)]),
        vec![td, reader],
        vec![follows],
    ))
    .unwrap();
    let distinct = json!([{"type": "distinctInstance"}]);
    v["tasks"] = json!([
        {"taskDefinition": "report", "count": 2, "group": "batch:nightly", "placementConstraints": distinct, "startedBy": "cron"},
        {"taskDefinition": "report", "count": 3, "placementConstraints": distinct}
    ]);
    let pl = berth_core::load_plan(&v.to_string()).unwrap();
    let p = checked(&pl);
    assert!(p.unplaced.is_empty(), "{:?}", p.unplaced);
    let on = |owner: &str| -> Vec<String> {
        let mut ids: Vec<String> = p
            .instances()
            .iter()
            .flat_map(|i| {
                i.tasks
                    .iter()
                    .filter(|t| t.owner.name() == owner)
                    .map(|_| i.instance.id.clone())
            })
            .collect();
        ids.sort();
        ids
    };
    // 2 + 3 report tasks on 3 instances: two groups, each distinct.
    assert_eq!(on("report").len(), 5);
    let nightly: Vec<String> = p
        .instances()
        .iter()
        .filter(|i| i.tasks.iter().any(|t| &*t.group == "batch:nightly"))
        .map(|i| i.instance.id.clone())
        .collect();
    assert_eq!(nightly.len(), 2);
    assert!(
        on("reader").iter().all(|i| nightly.contains(i)),
        "{:?} {nightly:?}",
        on("reader")
    );
    // Kept through a save: the group and what Berth does not model.
    let saved = serde_json::to_value(&pl).unwrap();
    assert_eq!(saved["tasks"][0]["group"], "batch:nightly");
    assert_eq!(saved["tasks"][0]["startedBy"], "cron");
    assert!(saved["tasks"][1].get("group").is_none());
}

/// Issue 17, item 4 (ecs-semantics.md §10.4; ECS Developer Guide, "Amazon
/// ECS task definitions for GPU workloads",
/// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-gpu.html):
/// "The number of GPUs reserved for all containers in a task cannot exceed
/// the number of available GPUs on the container instance the task is
/// launched on." A g4dn.12xlarge registers 4 GPUs: two tasks of two GPUs
/// (one container of 1 and one of 1) fill it, a third is RESOURCE:GPU; an
/// m5.large beside it takes none of them, and a task without GPUs still
/// lands on either.
#[test]
fn gpus_are_reserved_per_task_and_refused_as_resource_gpu() {
    let gpu = |name: &str| {
        let mut c = container(name, 0, 256, None, json!([]));
        c["resourceRequirements"] = json!([{"type": "GPU", "value": "1"}]);
        c
    };
    let train = task_def("train", "bridge", vec![gpu("a"), gpu("b")]);
    let web = task_def(
        "web",
        "bridge",
        vec![container("web", 0, 256, None, json!([]))],
    );
    let p = checked(&plan(
        json!([
            group("cpu", "m5.large", 1),
            group("gpu", "g4dn.12xlarge", 1)
        ]),
        vec![train, web],
        vec![service("train", 3), service("web", 2)],
    ));
    let on = |id: &str, owner: &str| {
        p.instances()
            .iter()
            .find(|i| i.instance.id == id)
            .unwrap()
            .tasks
            .iter()
            .filter(|t| t.owner.name() == owner)
            .count()
    };
    assert_eq!(on("gpu-1", "train"), 2);
    assert_eq!(on("cpu-1", "train"), 0);
    assert_eq!(on("cpu-1", "web") + on("gpu-1", "web"), 2);
    assert_eq!(p.unplaced.len(), 1);
    assert_eq!(p.unplaced[0].count, 1);
    assert_eq!(p.unplaced[0].failure.reason, Reason::Gpu);
    assert_eq!(p.unplaced[0].failure.reason.code(), "RESOURCE:GPU");
    let gpu_1 = p
        .instances()
        .iter()
        .find(|i| i.instance.id == "gpu-1")
        .unwrap();
    assert_eq!((gpu_1.instance.gpus, gpu_1.gpus_used), (4, 4));
}
