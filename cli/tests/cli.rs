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
    let (code, out, _) = berth(&["check", "--json", &example()]);
    assert_eq!(code, 1, "the seed's JVM settings are an error");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "J3001"));
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
