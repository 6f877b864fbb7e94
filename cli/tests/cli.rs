//! The `berth` binary as CI sees it: output shapes and exit codes.

use std::process::Command;

fn berth(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_berth"))
        .args(args)
        .output()
        .expect("berth runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn example() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../public/examples/microtrader.json"
    )
    .to_string()
}

fn temp(name: &str, content: &str) -> String {
    let dir = std::env::temp_dir().join(format!("berth-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.to_string_lossy().into()
}

#[test]
fn place_prints_the_documented_json() {
    let (code, out, _) = berth(&["place", &example()]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let inst = &v["instances"][0];
    for key in [
        "id",
        "instanceType",
        "availabilityZone",
        "registered",
        "remaining",
        "tasks",
    ] {
        assert!(inst.get(key).is_some(), "missing {key}");
    }
    assert_eq!(inst["registered"]["memory"], 995);
    let task = &inst["tasks"][0];
    assert!(task.get("service").is_some());
    let hp = &task["hostPorts"][0];
    for key in ["containerPort", "hostPort", "protocol"] {
        assert!(hp.get(key).is_some(), "missing {key}");
    }
    assert!(v["unplaced"].as_array().unwrap().is_empty());
    assert!(v["warnings"].is_array());
}

#[test]
fn unplaced_entries_carry_reason_and_message() {
    let plan = r#"{"berthVersion":1,"cluster":{"instanceGroups":[{"name":"app","instanceType":"t2.micro","count":1}]},
      "taskDefinitions":[{"family":"quote","containerDefinitions":[{"name":"q","memory":600}]}],
      "services":[{"serviceName":"quote","taskDefinition":"quote","desiredCount":3}]}"#;
    let f = temp("unplaced.json", plan);
    let (code, out, _) = berth(&["place", &f]);
    assert_eq!(code, 0, "place reports, it does not judge");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let u = &v["unplaced"][0];
    assert_eq!(u["service"], "quote");
    assert_eq!(u["count"], 2);
    assert_eq!(u["reason"], "RESOURCE:MEMORY");
    assert!(u["message"]
        .as_str()
        .unwrap()
        .contains("app-1 has insufficient memory available"));
    // 995 MiB registered, one 600 MiB task on it: 395 MiB is the most free.
    assert_eq!(
        u["detail"],
        "Needs 600 MiB of memory; the most free on any instance is 395 (app-1). \
         Add an instance, run fewer tasks, or reserve less."
    );
    let (code, text, _) = berth(&["check", &f]);
    assert_eq!(code, 1);
    assert!(
        text.contains("unplaced 2 × quote [RESOURCE:MEMORY]"),
        "{text}"
    );
}

#[test]
fn check_exit_codes() {
    let clean = r#"{"berthVersion":1,"cluster":{"instanceGroups":[{"name":"app","instanceType":"m5.large","count":1}]},
      "taskDefinitions":[{"family":"web","containerDefinitions":[{"name":"w","memory":256}]}],
      "services":[{"serviceName":"web","taskDefinition":"web","desiredCount":2}]}"#;
    let (code, out, _) = berth(&["check", &temp("clean.json", clean)]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 errors"));
    // Issue 22: the seed's JVM settings are a known risk (J3002, a
    // warning), not an error; a heap as large as its limit is an error.
    let (code, out, _) = berth(&["check", "--json", &example()]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"J3002") && !codes.contains(&"J3001"),
        "{codes:?}"
    );
    let full_heap = clean.replace(
        r#""memory":256"#,
        r#""memory":256,"environment":[{"name":"JAVA_OPTS","value":"-Xmx256m"}]"#,
    );
    assert_ne!(full_heap, clean);
    let (code, out, _) = berth(&["check", &temp("full-heap.json", &full_heap)]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("J3001"), "{out}");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let cases = [
        (
            vec!["place".to_string(), "/no/such/plan.json".to_string()],
            "cannot read",
        ),
        (
            vec![
                "place".to_string(),
                temp("broken.json", "{\"berthVersion\": 1,"),
            ],
            "not valid JSON",
        ),
        (
            vec![
                "check".to_string(),
                temp(
                    "wrongtype.json",
                    r#"{"berthVersion":1,"cluster":{"instanceGroups":[{"name":"a","instanceType":"t2.micro","count":"two"}]}}"#,
                ),
            ],
            "$.cluster.instanceGroups[0].count",
        ),
        (vec!["frobnicate".to_string()], "unknown command"),
        (
            vec!["check".to_string(), "--yaml".to_string(), example()],
            "unknown option",
        ),
        (vec![], "no command"),
    ];
    for (args, expect) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = berth(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}: nothing on stdout");
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("backtrace"),
            "{err}"
        );
        assert!(err.lines().next().unwrap().starts_with("berth: "));
    }
}

#[test]
fn deploy_prints_steps_and_exits_by_outcome() {
    let (code, out, err) = berth(&[
        "deploy",
        &example(),
        "--service",
        "quote",
        "--image",
        "dockerproductionaws/microtrader-quote:1.5",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in [
        "service",
        "desiredCount",
        "minHealthy",
        "maxTasks",
        "steps",
        "outcome",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["outcome"]["status"], "completed");
    let step = &v["steps"][1];
    for key in ["t", "action", "old", "new", "events"] {
        assert!(step.get(key).is_some(), "missing {key}");
    }
    let (code, text, _) = berth(&[
        "deploy",
        &example(),
        "--service",
        "quote",
        "--image",
        ":1.5",
        "--text",
    ]);
    assert_eq!(code, 0);
    assert!(
        text.contains("stop 2 old (begin draining)") && text.contains("outcome: completed"),
        "{text}"
    );

    // The seed's 200 % with a static host port on the same instances stalls: exit 1.
    let plan = r#"{"berthVersion":1,"cluster":{"instanceGroups":[{"name":"app","instanceType":"t2.micro","count":2,"availabilityZones":["a","b"]}]},
      "taskDefinitions":[{"family":"web","containerDefinitions":[{"name":"w","memoryReservation":195,"portMappings":[{"containerPort":8000,"hostPort":8000}]}]}],
      "services":[{"serviceName":"web","taskDefinition":"web","desiredCount":2}]}"#;
    let (code, text, _) = berth(&[
        "deploy",
        &temp("static.json", plan),
        "--service",
        "web",
        "--image",
        ":2",
        "--text",
    ]);
    assert_eq!(code, 1);
    assert!(
        text.contains("outcome: stalled") && text.contains("already using a port"),
        "{text}"
    );
    let (code, _, err) = berth(&["deploy", &example(), "--service", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("no service named \"nope\""), "{err}");
    let (code, _, err) = berth(&[
        "deploy",
        &example(),
        "--service",
        "quote",
        "--min-healthy",
        "lots",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--min-healthy must be a whole number"),
        "{err}"
    );
}

#[test]
fn run_task_and_scale() {
    let (code, out, _) = berth(&["run-task", &example(), "--task-definition", "migrate"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["instance"].as_str().unwrap().starts_with("app-"));
    let (code, out, _) = berth(&[
        "scale",
        &example(),
        "--service",
        "quote",
        "--desired",
        "40",
        "--text",
    ]);
    assert_eq!(code, 1, "40 × 195 MiB do not fit two t2.micros");
    assert!(out.contains("insufficient memory available"), "{out}");
    let (code, _, err) = berth(&["run-task", &example(), "--task-definition", "ghost"]);
    assert_eq!(code, 2);
    assert!(err.contains("ghost"));
}

#[test]
fn export_and_import() {
    let (code, out, _) = berth(&["export", &example(), "--format", "cfn-parameters"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["ParameterKey"], "ApplicationDesiredCount");
    let (code, yaml, _) = berth(&["export", &example(), "--format", "template"]);
    assert_eq!(code, 0);
    assert!(
        yaml.contains("Type: AWS::ECS::Service") && yaml.contains("!Ref ApplicationInstanceType")
    );
    let path = temp("template.yaml", &yaml);
    let (code, plan_json, err) = berth(&["import", &path]);
    assert_eq!(code, 0, "{err}");
    let plan: serde_json::Value = serde_json::from_str(&plan_json).unwrap();
    assert_eq!(plan["berthVersion"], 1);
    assert_eq!(plan["services"].as_array().unwrap().len(), 4);
    let (code, _, err) = berth(&["import", &path, "--param", "ApplicationDesiredCount"]);
    assert_eq!(code, 2);
    assert!(err.contains("KEY=VALUE"), "{err}");
    let (code, _, err) = berth(&["export", &example(), "--format", "pdf"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown format pdf"), "{err}");
    // Services into an existing cluster: no cluster of its own, and the
    // parameters it needs at deploy time said beside it.
    let (code, yaml, err) = berth(&[
        "export",
        &example(),
        "--format",
        "template",
        "--shape",
        "services",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!yaml.contains("AWS::ECS::Cluster") && yaml.contains("Cluster: !Ref ClusterName"));
    assert!(
        err.contains("To give at deploy time (no Default): VpcId, ListenerArn."),
        "{err}"
    );
    let (code, _, err) = berth(&[
        "export",
        &example(),
        "--format",
        "template",
        "--shape",
        "fleet",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown shape fleet"), "{err}");
    let missing = std::fs::read_to_string(example())
        .unwrap()
        .replace("\"DatabaseUser\": \"microtrader\"", "\"Unused\": \"x\"");
    let (code, out, err) = berth(&[
        "export",
        &temp("missing.json", &missing),
        "--format",
        "ansible",
    ]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("Parameters: [DatabaseUser] must have values"),
        "{err}"
    );
}

/// One m5.large (2 vCPU) and a web service of `desired` tasks with a hard
/// limit of 256 MiB, 128 CPU units and a dynamic host port.
fn web_plan(desired: u32) -> String {
    temp(
        &format!("web-{desired}.json"),
        &format!(
            r#"{{"berthVersion":1,"cluster":{{"instanceGroups":[{{"name":"app","instanceType":"m5.large","count":1}}]}},
              "taskDefinitions":[{{"family":"web","containerDefinitions":[{{"name":"w","cpu":128,"memory":256,
                "portMappings":[{{"containerPort":80,"hostPort":0}}]}}]}}],
              "services":[{{"serviceName":"web","taskDefinition":"web","desiredCount":{desired}}}]}}"#
        ),
    )
}

fn deploy_json(plan: &str, flags: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["deploy", plan, "--service", "web"];
    args.extend_from_slice(flags);
    let (code, out, err) = berth(&args);
    assert!(err.is_empty(), "{flags:?}: {err}");
    (code, serde_json::from_str(&out).unwrap())
}

fn kinds(d: &serde_json::Value) -> Vec<String> {
    d["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap().to_string())
        .collect()
}

/// §5.1: minimumHealthyPercent 50 of 4 lets ECS stop 2 old tasks first
/// (at least ceil(2) healthy), and maximumPercent 100 forbids starting any
/// before that (at most 4).
#[test]
fn deploy_percent_flags_set_the_limits() {
    let (code, d) = deploy_json(
        &web_plan(4),
        &["--min-healthy", "50", "--max-percent", "100"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        (d["minHealthy"].as_u64(), d["maxTasks"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(d["steps"][1]["kind"], "beginDraining", "{}", d["steps"][1]);
    assert!(d["steps"][1]["action"]
        .as_str()
        .unwrap()
        .contains("stop 2 old"));
}

/// --memory and --cpu make the new revision; its tasks reserve them.
#[test]
fn deploy_size_flags_make_the_new_revision() {
    let (code, d) = deploy_json(&web_plan(2), &["--memory", "512", "--cpu", "256"]);
    assert_eq!(code, 0);
    assert_eq!(d["newTaskDefinition"], "web:2");
    let last = d["steps"].as_array().unwrap().last().unwrap();
    let tasks: Vec<&serde_json::Value> = last["instances"][0]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["version"] == "new")
        .collect();
    assert_eq!(tasks.len(), 2);
    assert!(
        tasks.iter().all(|t| t["memory"] == 512 && t["cpu"] == 256),
        "{tasks:?}"
    );
}

/// §3.1: a static host port is held once per instance, so two new tasks
/// asking for 8080 cannot both run on the one instance: the deployment
/// stalls (exit 1) in ECS's words.
#[test]
fn deploy_host_port_flag_can_stall() {
    let (code, d) = deploy_json(&web_plan(2), &["--host-port", "8080"]);
    assert_eq!(code, 1);
    assert_eq!(d["outcome"]["status"], "stalled");
    assert!(
        d["outcome"]["event"]
            .as_str()
            .unwrap()
            .contains("already using a port"),
        "{}",
        d["outcome"]
    );
}

/// §5.8: a stopping task first drains for the deregistration delay, so 100 s
/// more of it stops the first old task 100 s later.
#[test]
fn deploy_deregistration_delay_lengthens_draining() {
    let stopped_at = |delay: &str| {
        let (code, d) = deploy_json(&web_plan(2), &["--deregistration-delay", delay]);
        assert_eq!(code, 0);
        let steps = d["steps"].as_array().unwrap().clone();
        let t = |kind: &str| {
            steps.iter().find(|s| s["kind"] == kind).unwrap()["t"]
                .as_u64()
                .unwrap()
        };
        t("stopped") - t("beginDraining")
    };
    assert_eq!(stopped_at("100") - stopped_at("0"), 100);
}

/// §5.6: new tasks that always fail their health checks. With the circuit
/// breaker and rollback the deployment rolls back; without rollback it fails;
/// without the breaker it never ends (stalled). Each exits 1.
#[test]
fn deploy_failure_flags_end_as_ecs_would() {
    let plan = web_plan(4);
    for (flags, status) in [
        (
            vec!["--circuit-breaker", "on", "--rollback", "on"],
            "rolledBack",
        ),
        (
            vec!["--circuit-breaker", "on", "--rollback", "off"],
            "failed",
        ),
        (vec!["--circuit-breaker", "off"], "stalled"),
    ] {
        let mut all = vec!["--fail-new", "all"];
        all.extend(flags.iter().copied());
        let (code, d) = deploy_json(&plan, &all);
        assert_eq!(code, 1, "{flags:?}");
        assert_eq!(d["outcome"]["status"], status, "{flags:?}");
    }
    // The failure threshold for 4 tasks: clamp(ceil(0.5 × 4), 3, 200) = 3
    // today, clamp(…, 10, 200) = 10 in the 2023 guide (--legacy-threshold).
    // The breaker trips once the failed tasks reach the threshold, after
    // the batch that reaches it, not before.
    let failures_before_trip = |legacy: bool| {
        let mut flags = vec!["--fail-new", "all", "--circuit-breaker", "on"];
        if legacy {
            flags.push("--legacy-threshold");
        }
        let (_, d) = deploy_json(&plan, &flags);
        let steps = d["steps"].as_array().unwrap();
        let trip = kinds(&d)
            .iter()
            .position(|k| k == "circuitBreakerTripped")
            .expect("the breaker trips");
        let batches: Vec<u64> = steps[..trip]
            .iter()
            .filter(|s| s["kind"] == "healthCheckFailed")
            .map(|s| {
                s["action"]
                    .as_str()
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect();
        let total: u64 = batches.iter().sum();
        (total - batches.last().unwrap(), total)
    };
    let (before, at) = failures_before_trip(false);
    assert!(
        before < 3 && at >= 3,
        "{before} then {at} failures for a threshold of 3"
    );
    let (before, at) = failures_before_trip(true);
    assert!(
        before < 10 && at >= 10,
        "{before} then {at} failures for a threshold of 10"
    );
}

/// A one-off task no instance has memory for: RunTask's failure, exit 1.
#[test]
fn run_task_that_fits_nowhere_exits_1() {
    let plan = temp(
        "big-task.json",
        r#"{"berthVersion":1,"cluster":{"instanceGroups":[{"name":"app","instanceType":"t2.micro","count":1}]},
          "taskDefinitions":[{"family":"etl","containerDefinitions":[{"name":"e","memory":4096}]}]}"#,
    );
    let (code, out, _) = berth(&["run-task", &plan, "--task-definition", "etl"]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["reason"], "RESOURCE:MEMORY");
    assert!(v["instance"].is_null());
}

/// A register-time error (a hard limit below the reservation, E1004) is
/// exit 1, whatever else is fine.
#[test]
fn check_with_an_error_exits_1() {
    let plan = temp(
        "e1004.json",
        r#"{"berthVersion":1,"cluster":{"instanceGroups":[{"name":"app","instanceType":"m5.large","count":1}]},
          "taskDefinitions":[{"family":"web","containerDefinitions":[{"name":"w","memory":128,"memoryReservation":256}]}],
          "services":[{"serviceName":"web","taskDefinition":"web","desiredCount":1}]}"#,
    );
    let (code, out, _) = berth(&["check", "--json", &plan]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "E1004"),
        "{out}"
    );
}

/// `import --param KEY=VALUE` sets a template parameter, as
/// `--parameter-overrides` would: the value lands in the field it feeds (in
/// the example, ApplicationDesiredCount is the Auto Scaling group's
/// DesiredCapacity, 2 in the plan).
#[test]
fn import_param_sets_a_template_parameter() {
    let (_, yaml, _) = berth(&["export", &example(), "--format", "template"]);
    let path = temp("template-param.yaml", &yaml);
    let desired = |params: &[&str]| {
        let mut args = vec!["import", path.as_str()];
        args.extend_from_slice(params);
        let (code, out, err) = berth(&args);
        assert_eq!(code, 0, "{err}");
        let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
        plan["cluster"]["instanceGroups"][0]["count"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(desired(&["--param", "ApplicationDesiredCount=7"]), 7);
    assert_eq!(desired(&[]), 2);
}

/// Where each task runs in a place report: (owner, instance), sorted.
fn where_tasks_run(report: &serde_json::Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report["instances"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| {
            i["tasks"].as_array().unwrap().iter().map(|t| {
                let owner = t.get("service").or(t.get("taskDefinition")).unwrap();
                (
                    owner.as_str().unwrap().to_string(),
                    i["id"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    v.sort();
    v
}

/// Issue 21: `--from-current` places a changed plan from the tasks running
/// now. A new, larger group draws tasks when the plan is placed afresh;
/// from the running tasks, nothing moves to it, and a lowered desiredCount
/// stops one task in scale-in order instead of re-placing the service.
#[test]
fn place_from_current_keeps_running_tasks_and_stops_only_the_surplus() {
    let (_, placed, _) = berth(&["place", &example()]);
    let placed_path = temp("placed.json", &placed);
    let before = where_tasks_run(&serde_json::from_str(&placed).unwrap());

    let mut plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example()).unwrap()).unwrap();
    plan["cluster"]["instanceGroups"]
        .as_array_mut()
        .unwrap()
        .insert(
            0,
            serde_json::json!({"name": "big", "instanceType": "m5.large", "count": 1}),
        );
    let changed = temp("changed.json", &plan.to_string());
    let (code, fresh, _) = berth(&["place", &changed]);
    assert_eq!(code, 0);
    let fresh = where_tasks_run(&serde_json::from_str(&fresh).unwrap());
    assert!(
        fresh.iter().any(|(_, i)| i == "big-1"),
        "afresh, big-1 runs tasks: {fresh:?}"
    );

    let (code, out, err) = berth(&["place", &changed, "--from-current", &placed_path]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(where_tasks_run(&report), before);
    assert_eq!(report["fromCurrent"]["kept"], before.len());
    assert_eq!(report["fromCurrent"]["notKept"], serde_json::json!([]));

    // quote runs one task in each of two AZs; at desiredCount 1 one stops,
    // and every other task stays.
    plan["services"][0]["desiredCount"] = 1.into();
    assert_eq!(plan["services"][0]["serviceName"], "quote");
    let fewer = temp("fewer.json", &plan.to_string());
    let (_, out, _) = berth(&["place", &fewer, "--from-current", &placed_path]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let stopped = &report["fromCurrent"]["notKept"];
    assert_eq!(stopped.as_array().unwrap().len(), 1, "{stopped}");
    assert_eq!(stopped[0]["service"], "quote");
    let instance = stopped[0]["instance"].as_str().unwrap().to_string();
    let mut expected = before.clone();
    let at = expected
        .iter()
        .position(|t| *t == ("quote".to_string(), instance.clone()))
        .unwrap();
    expected.remove(at);
    assert_eq!(where_tasks_run(&report), expected);
    assert!(stopped[0]["why"].as_str().unwrap().contains("scale-in"));

    // A report that is not one names what is wrong, and where.
    let bad = temp(
        "bad.json",
        r#"{"instances": [{"id": "app-1", "tasks": [{"cpu": 1}]}]}"#,
    );
    let (code, _, err) = berth(&["place", &fewer, "--from-current", &bad]);
    assert_eq!(code, 2);
    assert!(
        err.contains("$.instances[0].tasks[0]: names neither a service nor a taskDefinition"),
        "{err}"
    );
}

/// Issue 16, item 2: the seed's stack leaves nine parameters without a
/// Default. Without values the import stops as CloudFormation does (exit 2,
/// "must have values"), saying how to give them; a group_vars file in the
/// playbook's shape gives them, with the stack's name.
#[test]
fn import_asks_for_required_parameters_and_reads_ansible_vars() {
    let stack = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/templates/jmenga__microtrader-deploy__templates__stack.yml.j2"
    );
    let (code, out, err) = berth(&["import", stack]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("Parameters: [DatabasePassword, DatabaseUsername, DatabaseName, ApplicationKeyName, ApplicationImageId, ApplicationDnsName, MicrotraderDashboardHttpPort, MicrotraderAuditHttpPort, MicrotraderQuoteHttpPort] must have values"),
        "{err}"
    );
    assert!(
        err.contains("--param NAME=VALUE, or --ansible-vars FILE"),
        "{err}"
    );
    assert!(
        err.contains(
            "\n  MicrotraderQuoteHttpPort (Number): Container port for Microtrader Quote Service"
        ),
        "{err}"
    );

    let vars = temp(
        "development.yml",
        "Stack.Name: microtrader-development\n\
         Stack.Inputs.MicrotraderQuoteHttpPort: 8000\n\
         Stack.Inputs.MicrotraderAuditHttpPort: 8001\n\
         Stack.Inputs.MicrotraderDashboardHttpPort: 8002\n\
         Stack.Inputs.DatabaseName: audit\n\
         Stack.Inputs.DatabaseUsername: audit\n\
         Stack.Inputs.DatabasePassword: AQICAHj7\n\
         Stack.Inputs.ApplicationDnsName: dev-microtrader\n\
         Stack.Inputs.ApplicationImageId: ami-17ad6d6f\n\
         Stack.Inputs.ApplicationKeyName: docker-production-aws\n",
    );
    let (code, out, err) = berth(&[
        "import",
        stack,
        "--ansible-vars",
        &vars,
        "--region",
        "us-west-2",
    ]);
    assert_eq!(code, 0, "{err}");
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        plan["cloudFormation"]["stackName"],
        "microtrader-development"
    );
    assert_eq!(plan["services"].as_array().unwrap().len(), 4);
    // AWS::Region feeds the containers' AWS_DEFAULT_REGION.
    assert!(
        out.contains("\"name\": \"AWS_DEFAULT_REGION\",\n              \"value\": \"us-west-2\""),
        "{out}"
    );
    // --param wins over the file, and --stack-name over Stack.Name.
    let (code, out, err) = berth(&[
        "import",
        stack,
        "--ansible-vars",
        &vars,
        "--param",
        "MicrotraderQuoteHttpPort=9000",
        "--stack-name",
        "trial",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"containerPort\": 9000"), "{out}");
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plan["cloudFormation"]["stackName"], "trial");
    let (code, _, err) = berth(&[
        "import",
        stack,
        "--ansible-vars",
        &vars,
        "--param",
        "MicrotraderQuoteHttpPort=http",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("Parameter 'MicrotraderQuoteHttpPort' must be a number"),
        "{err}"
    );
}

/// The on-demand price an hour of `instance_type`, read from the CSV the
/// catalogue is built from.
fn csv_price(instance_type: &str) -> f64 {
    let csv = include_str!("../../core/data/ec2-instance-types.csv");
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "ondemand_linux_usd_per_hour_us_east_1")
        .unwrap();
    csv.lines()
        .find(|l| l.split(',').next() == Some(instance_type))
        .and_then(|l| l.split(',').nth(col))
        .and_then(|p| p.parse().ok())
        .expect("a priced type")
}

#[test]
fn recommend_prints_the_issues_json_cheapest_first() {
    let (code, out, err) = berth(&["recommend", &example()]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let candidates = v["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 5);
    let mut last = 0.0;
    for c in candidates {
        let g = &c["groups"][0];
        let (t, n) = (
            g["instanceType"].as_str().unwrap(),
            g["count"].as_u64().unwrap(),
        );
        let cost = c["monthlyCost"].as_f64().unwrap();
        assert!(
            (cost - csv_price(t) * 730.0 * n as f64).abs() < 1e-6,
            "{t} × {n}"
        );
        assert!(cost >= last);
        last = cost;
        assert_eq!(
            g["availabilityZones"],
            serde_json::json!(["us-east-1a", "us-east-1b"])
        );
        for key in ["memoryUtilisation", "cpuUtilisation"] {
            let u = c[key].as_f64().unwrap();
            assert!(u > 0.0 && u <= 1.0, "{key} {u}");
        }
        let services: Vec<&str> = c["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                assert_eq!(d["outcome"], "completed");
                d["service"].as_str().unwrap()
            })
            .collect();
        assert_eq!(services, ["quote", "audit", "portfolio", "dashboard"]);
    }
    assert!(v["rejected"].is_array());
}

#[test]
fn recommend_text_names_the_cluster_and_why_fewer_fail() {
    let (code, out, _) = berth(&["recommend", &example(), "--text", "--headroom", "none"]);
    assert_eq!(code, 0);
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("1 × t2.micro, $8.47/month"), "{last}");
    assert!(out.contains("cluster") && out.contains("$/month"), "{out}");
}

#[test]
fn recommend_with_nothing_that_fits_exits_1() {
    let (code, out, _) = berth(&[
        "recommend",
        &example(),
        "--families",
        "t1",
        "--max-instances",
        "1",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["candidates"], serde_json::json!([]));
    let rejected = v["rejected"].as_array().unwrap();
    assert!(rejected
        .iter()
        .all(|r| r["instanceType"].as_str().unwrap().starts_with("t1.")));
    assert!(!rejected.is_empty());
}

#[test]
fn recommend_names_a_bad_option() {
    for (args, says) in [
        (vec!["--arch", "sparc"], "--arch takes x86_64 or arm64"),
        (vec!["--families", "q9"], "no family \"q9\""),
        (
            vec!["--headroom", "lots"],
            "--headroom takes none or deploy",
        ),
        (vec!["--overcommit", "0.5"], "--overcommit takes a ratio"),
        (
            vec!["--max-instances", "0"],
            "--max-instances must be from 1",
        ),
    ] {
        let mut a = vec!["recommend", "PLACEHOLDER"];
        a.extend(args);
        let plan = example();
        a[1] = &plan;
        let (code, _, err) = berth(&a);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(says), "{err}");
    }
}
