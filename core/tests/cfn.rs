//! CloudFormation: parameter resolution and CloudFormation's messages,
//! export, and import of templates, task definitions and plans.

use berth_core::cfn::export::{export, Format};
use berth_core::cfn::template::{write_template, Shape};
use berth_core::cfn::yaml::to_yaml;
use berth_core::cfn::{resolve, Source};
use berth_core::input::import::{import, ImportKind};
use serde_json::json;

mod common;
use common::example;

#[test]
fn values_win_over_bindings_which_win_over_defaults() {
    let plan = example();
    let (resolved, errors) = resolve(&plan);
    assert!(errors.is_empty(), "{errors:?}");
    let get = |n: &str| resolved.iter().find(|r| r.name == n).unwrap().clone();
    assert_eq!(
        (
            get("ApplicationImageId").value.unwrap(),
            get("ApplicationImageId").source
        ),
        ("ami-12341234".into(), Source::Value)
    );
    assert_eq!(
        (
            get("ApplicationDesiredCount").value.unwrap(),
            get("ApplicationDesiredCount").source
        ),
        ("2".into(), Source::Binding)
    );
    assert_eq!(
        (get("VpcName").value.unwrap(), get("VpcName").source),
        ("Development".into(), Source::Default)
    );
    assert_eq!(
        (
            get("DatabasePassword").value,
            get("DatabasePassword").source
        ),
        (None, Source::AtDeploy),
        "NoEcho without a value: given at deploy time, never made up"
    );
    let mut p = plan.clone();
    p.cloud_formation
        .as_mut()
        .unwrap()
        .values
        .insert("ApplicationDesiredCount".into(), "4".into());
    assert_eq!(
        resolve(&p).0[0].value.as_deref(),
        Some("4"),
        "the seed's config_application_desired_count: 4"
    );
}

#[test]
fn cloudformations_own_messages() {
    let mut plan = example();
    let cfn = plan.cloud_formation.as_mut().unwrap();
    cfn.values.shift_remove("DatabaseUser");
    let (_, errors) = resolve(&plan);
    assert_eq!(
        errors[0].message,
        "Parameters: [DatabaseUser] must have values"
    );
    assert_eq!(errors[0].path, "$.cloudFormation.values.DatabaseUser");
    assert!(export(&plan, Format::CfnParameters).is_err());

    let mut plan = example();
    plan.cluster.instance_groups[0].instance_type = "m5.large".into();
    let (_, errors) = resolve(&plan);
    assert_eq!(
        errors[0].message,
        "Parameter 'ApplicationInstanceType' must be one of AllowedValues"
    );
    assert_eq!(
        errors[0].path, "$.cluster.instanceGroups[app].instanceType",
        "the field that fixes it"
    );

    let mut plan = example();
    let cfn = plan.cloud_formation.as_mut().unwrap();
    cfn.values
        .insert("ApplicationDesiredCount".into(), "-1".into());
    assert_eq!(
        resolve(&plan).1[0].message,
        "Parameter 'ApplicationDesiredCount' must be a number not less than 0"
    );
    let cfn = plan.cloud_formation.as_mut().unwrap();
    cfn.values
        .insert("ApplicationDesiredCount".into(), "four".into());
    assert_eq!(
        resolve(&plan).1[0].message,
        "Parameter 'ApplicationDesiredCount' must be a number"
    );

    let mut plan = example();
    let cfn = plan.cloud_formation.as_mut().unwrap();
    cfn.parameters["DatabaseUser"].allowed_pattern = Some("[a-z]+".into());
    cfn.values
        .insert("DatabaseUser".into(), "Micro Trader".into());
    assert_eq!(
        resolve(&plan).1[0].message,
        "Malformed input-Parameter DatabaseUser must match pattern [a-z]+"
    );
    let cfn = plan.cloud_formation.as_mut().unwrap();
    cfn.parameters["DatabaseUser"].constraint_description = Some("lower-case letters only".into());
    assert_eq!(
        resolve(&plan).1[0].message,
        "Parameter 'DatabaseUser' failed to satisfy constraint: lower-case letters only"
    );

    let mut plan = example();
    let cfn = plan.cloud_formation.as_mut().unwrap();
    cfn.values.shift_remove("DatabaseUser");
    cfn.values.shift_remove("ApplicationImageId");
    cfn.values.insert("Nope".into(), "1".into());
    let msgs: Vec<String> = resolve(&plan).1.into_iter().map(|e| e.message).collect();
    assert_eq!(
        msgs,
        vec![
            "Parameters: [ApplicationImageId, DatabaseUser] must have values",
            "Parameters: [Nope] do not exist in the template"
        ]
    );
}

#[test]
fn the_round_trip_keeps_every_modelled_field() {
    let plan = example();
    let mut texts = Vec::new();
    for shape in [Shape::Stack, Shape::Services] {
        texts.push(serde_json::to_string_pretty(&write_template(&plan, shape)).unwrap());
        texts.push(to_yaml(&write_template(&plan, shape)));
    }
    for text in texts {
        let back = import(&text, &[]).unwrap();
        assert_eq!(back.kind, ImportKind::CloudFormationTemplate);
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
        let mut got = back.plan;
        // The example runs no standalone tasks and pins nothing; both are plan-only.
        assert_eq!(got.name, plan.name);
        assert_eq!(got.cluster.cluster_name, plan.cluster.cluster_name);
        assert_eq!(got.cluster.instance_groups, plan.cluster.instance_groups);
        assert_eq!(
            got.cluster.dynamic_host_port_range,
            plan.cluster.dynamic_host_port_range
        );
        assert_eq!(got.task_definitions, plan.task_definitions);
        assert_eq!(got.services, plan.services);
        let (want, have) = (
            plan.cloud_formation.clone().unwrap(),
            got.cloud_formation.take().unwrap(),
        );
        assert_eq!(have.parameters, want.parameters);
        assert_eq!(have.bindings, want.bindings);
        assert_eq!(have.stack_name, want.stack_name);
    }
}

#[test]
fn parameters_resolve_on_import_and_unresolvable_intrinsics_are_kept() {
    let yaml = r#"
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Tag: {Type: String, Default: "1.4"}
  Count: {Type: Number}
Resources:
  Web:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      ContainerDefinitions:
        - Name: web
          Image: !Sub "example/web:${Tag}"
          Memory: 256
          Environment:
            - Name: REGION
              Value: !Ref AWS::Region
            - Name: MODE
              Value: !If [IsProd, prod, dev]
            - Name: HOSTS
              Value: !Join [",", [a, b]]
  WebService:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref Web
      DesiredCount: !Ref Count
  Queue:
    Type: AWS::SQS::Queue
"#;
    let got = import(
        yaml,
        &[("Count".into(), "3".into()), ("Tag".into(), "2.0".into())],
    )
    .unwrap();
    let plan = &got.plan;
    assert_eq!(
        plan.task_definitions[0].container_definitions[0].image,
        "example/web:2.0"
    );
    assert_eq!(plan.services[0].desired_count, 3);
    assert_eq!(plan.services[0].task_definition, "web");
    let cfn = plan.cloud_formation.as_ref().unwrap();
    assert_eq!(
        cfn.bindings["Tag"],
        ["taskDefinitions[web].containerDefinitions[web].image:tag"]
    );
    assert_eq!(cfn.bindings["Count"], ["services[WebService].desiredCount"]);
    // AWS::Region reads its documented default and Fn::Join joins; the
    // Fn::If names a condition the template does not have, so it is kept.
    let env = &plan.task_definitions[0].container_definitions[0].environment;
    let value = |name: &str| env.iter().find(|e| e.name == name).map(|e| e.value.clone());
    assert_eq!(value("REGION"), Some("us-east-1".into()));
    assert_eq!(value("HOSTS"), Some("a,b".into()));
    let kept: Vec<&String> = cfn.unresolved.keys().collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        cfn.unresolved["$.Resources.Web.Properties.ContainerDefinitions[0].Environment[1].Value"],
        json!({"Fn::If": ["IsProd", "prod", "dev"]})
    );
    assert!(got
        .warnings
        .iter()
        .any(|w| w.contains("AWS::SQS::Queue is not modelled")));
    assert!(got
        .warnings
        .iter()
        .any(|w| w.contains("Environment[1].Value")));

    // Count has no Default: without a value CloudFormation refuses the
    // stack, and so does the import, with what a form needs to ask for it
    // (CloudFormation User Guide, "Parameters": a parameter without Default
    // must be given a value).
    let e = import(yaml, &[]).unwrap_err();
    assert_eq!(e.message, "Parameters: [Count] must have values");
    assert_eq!(e.path, "$.Parameters");
    let asked: Vec<(&str, &str)> = e
        .needs
        .iter()
        .map(|n| (n.name.as_str(), n.kind.as_str()))
        .collect();
    assert_eq!(asked, [("Count", "Number")]);
    // A value that breaks the parameter's Type is refused in CloudFormation's words.
    let e = import(yaml, &[("Count".into(), "three".into())]).unwrap_err();
    assert_eq!(e.message, "Parameter 'Count' must be a number");
    assert_eq!(e.path, "$.Parameters.Count");
    // An unknown --param is CloudFormation's error.
    assert_eq!(
        import(yaml, &[("Nope".into(), "1".into())])
            .unwrap_err()
            .message,
        "Parameters: [Nope] do not exist in the template"
    );
}

#[test]
fn task_definitions_import_from_register_and_describe_json() {
    let register = r#"{"family":"api","networkMode":"awsvpc","cpu":"1 vCPU","memory":"2 GB","requiresCompatibilities":["EC2"],
        "containerDefinitions":[{"name":"api","image":"example/api:7","portMappings":[{"containerPort":80}],"logConfiguration":{"logDriver":"awslogs"}}]}"#;
    let got = import(register, &[]).unwrap();
    assert_eq!(got.kind, ImportKind::TaskDefinition);
    let td = &got.plan.task_definitions[0];
    assert_eq!((td.cpu.unwrap().0, td.memory.unwrap().0), (1024, 2048));
    assert!(
        td.extra.contains_key("requiresCompatibilities"),
        "unknown ECS fields are kept"
    );
    assert!(td.container_definitions[0]
        .extra
        .contains_key("logConfiguration"));
    assert_eq!(got.plan.services[0].desired_count, 1);
    let describe = format!(
        r#"{{"taskDefinition": {}}}"#,
        register.replace(
            "\"family\":\"api\"",
            "\"family\":\"api\",\"revision\":7,\"status\":\"ACTIVE\""
        )
    );
    let got = import(&describe, &[]).unwrap();
    assert_eq!(got.plan.task_definitions[0].revision, 7);
    assert_eq!(got.plan.services[0].task_definition, "api:7");
    let err = import(r#"{"taskDefinition": {"family": "x", "containerDefinitions": [{"name": "a", "memory": "lots"}]}}"#, &[]).unwrap_err();
    assert_eq!(err.path, "$.taskDefinition.containerDefinitions[0].memory");
}

#[test]
fn hostile_and_wrong_inputs_are_refused_clearly() {
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\nResources: [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
    let err = import(bomb, &[]).unwrap_err();
    assert!(err.message.contains("YAML"), "{err}");
    let big = format!(
        "{{\"berthVersion\": 1, \"pad\": \"{}\"}}",
        "x".repeat(6 * 1024 * 1024)
    );
    assert!(import(&big, &[]).unwrap_err().message.contains("limit"));
    assert!(import("[1, 2]", &[])
        .unwrap_err()
        .message
        .contains("object"));
    assert!(import("{\"hello\": 1}", &[])
        .unwrap_err()
        .message
        .contains("not a Berth plan"));
    assert!(import("{\"berthVersion\": 9, \"cluster\": {}}", &[])
        .unwrap_err()
        .message
        .contains("version 9"));
    assert!(import("a: [", &[])
        .unwrap_err()
        .message
        .contains("not valid YAML"));
    // 129 levels: the parsers' own limit (128) refuses it, at a position.
    // Berth's cap behind them is tested on a built value in input/import/yaml.rs.
    let deep = format!("{{\"a\": {}1{}}}", "[".repeat(129), "]".repeat(129));
    let e = import(&deep, &[]).unwrap_err();
    assert!(
        e.message.contains("recursion limit exceeded"),
        "{}",
        e.message
    );
    assert!(e.message.contains("line 1, column"), "{}", e.message);
    let deep_yaml = format!("a: {}1{}", "[".repeat(129), "]".repeat(129));
    let e = import(&deep_yaml, &[]).unwrap_err();
    assert!(
        e.message.contains("recursion limit exceeded"),
        "{}",
        e.message
    );
    let shallow = format!("a: {}1{}", "[".repeat(100), "]".repeat(100));
    assert!(import(&shallow, &[])
        .unwrap_err()
        .message
        .contains("not a Berth plan"));
}

/// Issue 23: a NoEcho parameter without a value is never written with a
/// made-up value, in any format; each says beside the output how to give it
/// at deploy time. With a value in the plan, it is written like any other.
#[test]
fn no_format_writes_a_value_for_a_noecho_parameter_it_does_not_have() {
    use berth_core::cfn::export::at_deploy_note;
    let plan = example();
    let resolved = resolve(&plan).0;
    let formats = [
        (
            Format::CfnParameters,
            "\"ParameterKey\": \"DatabasePassword\"",
        ),
        (Format::DeployOverrides, "DatabasePassword="),
        (Format::DeployOverridesInline, "DatabasePassword="),
        (Format::CodePipeline, "\"DatabasePassword\""),
        (Format::Ansible, "\nconfig_database_password:"),
    ];
    for (format, written) in formats {
        let text = export(&plan, format).unwrap();
        assert!(
            !text.contains(written),
            "{format:?} writes DatabasePassword:\n{text}"
        );
        assert!(
            !text.contains("NoEcho:"),
            "{format:?} writes a placeholder:\n{text}"
        );
        let note = at_deploy_note(&resolved, format).unwrap();
        assert!(
            note.starts_with("Not written: DatabasePassword (NoEcho"),
            "{note}"
        );
    }
    assert!(export(&plan, Format::Ansible)
        .unwrap()
        .contains("# config_database_password: given at deploy time (NoEcho)"));
    assert_eq!(at_deploy_note(&resolved, Format::TemplateYaml), None);

    let mut given = plan.clone();
    given
        .cloud_formation
        .as_mut()
        .unwrap()
        .values
        .insert("DatabasePassword".into(), "s3cret-from-vault".into());
    let (resolved, errors) = resolve(&given);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(at_deploy_note(&resolved, Format::CfnParameters), None);
    for (format, written) in formats {
        let text = export(&given, format).unwrap();
        assert!(
            text.contains(written),
            "{format:?} leaves out a value the plan has:\n{text}"
        );
    }
}

/// Issue 23: an export refused for AllowedValues offers the edits that fix
/// it, and each one does: widen AllowedValues (the exported template then
/// allows the type), or put the group back on an allowed type.
#[test]
fn an_allowed_values_error_offers_fixes_that_fix_it() {
    use berth_core::app::edit::{apply, Edit};
    use berth_core::app::fixes::fixes;
    let mut plan = example();
    plan.cluster.instance_groups[0].instance_type = "m5.large".into();
    let (resolved, errors) = resolve(&plan);
    let offered = fixes(&plan, &resolved, &errors);
    let labels: Vec<&str> = offered.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "allow m5.large in ApplicationInstanceType's AllowedValues",
            "use t2.micro for group app",
            "use t2.small for group app",
            "use t2.medium for group app",
        ]
    );
    for fix in &offered {
        let next = apply(&plan, &fix.edit()).unwrap();
        assert!(
            resolve(&next).1.is_empty(),
            "{} leaves {:?}",
            fix.label,
            resolve(&next).1
        );
        assert!(
            export(&next, Format::CfnParameters).is_ok(),
            "{}",
            fix.label
        );
    }
    let widened = apply(&plan, &offered[0].edit()).unwrap();
    let template = write_template(&widened, Shape::Stack);
    let allowed = &template["Parameters"]["ApplicationInstanceType"]["AllowedValues"];
    assert!(
        allowed.as_array().unwrap().contains(&json!("m5.large")),
        "{allowed}"
    );
    // Nothing to fix, nothing offered.
    let (resolved, errors) = resolve(&example());
    assert!(fixes(&example(), &resolved, &errors).is_empty());
    assert!(matches!(offered[1].edit(), Edit::SetGroupType { .. }));
}

/// Issue 16: intrinsic functions and conditions as CloudFormation evaluates
/// them (User Guide, "Intrinsic function reference" and "Condition
/// functions"; pseudo parameters with Berth's documented defaults). Each
/// form is checked against what the reference says it returns.
#[test]
fn intrinsics_and_conditions_evaluate_as_cloudformation_does() {
    let yaml = r#"
Parameters:
  Env: {Type: String, Default: prod}
  Hosts: {Type: CommaDelimitedList, Default: "a.example, b.example"}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Or [!Equals [x, y], !Condition IsProd]]
Mappings:
  Sizes:
    prod: {Memory: "512"}
    dev: {Memory: "256"}
Resources:
  Db:
    Type: AWS::RDS::DBInstance
  Web:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      ContainerDefinitions:
        - Name: web
          Image: !Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/web:1"
          Memory: !FindInMap [Sizes, !Ref Env, Memory]
          MemoryReservation: !If [IsDev, 128, !Ref "AWS::NoValue"]
          Environment:
            - {Name: JAVA_OPTS, Value: !Join ["", ["-Xmx300m", " -Dhost=", !ImportValue "DevProxyHost"]]}
            - {Name: DB, Value: !GetAtt Db.Endpoint.Address}
            - {Name: SECOND, Value: !Select [1, !Ref Hosts]}
            - {Name: PART, Value: !Select [0, !Split ["-", "left-right"]]}
            - {Name: SUB2, Value: !Sub ["${Who}@${Db}:${Db.Port}", {Who: !If [Both, admin, guest]}]}
            - {Name: LITERAL, Value: !Sub "${!NotAVar}"}
  WebProd:
    Type: AWS::ECS::Service
    Condition: IsProd
    Properties: {TaskDefinition: !Ref Web, DesiredCount: 2}
  WebDev:
    Type: AWS::ECS::Service
    Condition: IsDev
    Properties: {TaskDefinition: !Ref Web, DesiredCount: 1}
"#;
    let got = import(yaml, &[]).unwrap();
    let plan = &got.plan;
    let c = &plan.task_definitions[0].container_definitions[0];
    assert_eq!(
        c.image,
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1"
    );
    assert_eq!(c.memory, Some(512), "Fn::FindInMap with a Ref key");
    assert_eq!(c.memory_reservation, None, "Fn::If choosing AWS::NoValue");
    let value = |name: &str| {
        c.environment
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.value.clone())
            .unwrap()
    };
    assert_eq!(
        value("JAVA_OPTS"),
        "-Xmx300m -Dhost={{ImportValue:DevProxyHost}}"
    );
    assert_eq!(value("DB"), "{{GetAtt:Db.Endpoint.Address}}");
    assert_eq!(value("SECOND"), "b.example");
    assert_eq!(value("PART"), "left");
    assert_eq!(value("SUB2"), "admin@{{Ref:Db}}:{{GetAtt:Db.Port}}");
    assert_eq!(value("LITERAL"), "${NotAVar}");
    // A resource whose Condition is false is not created.
    let services: Vec<&str> = plan.services.iter().map(|s| &*s.service_name).collect();
    assert_eq!(services, ["WebProd"]);
    assert!(got
        .warnings
        .iter()
        .any(|w| w == "$.Resources.WebDev: not created, its Condition IsDev is false"));
    assert!(plan.cloud_formation.as_ref().unwrap().unresolved.is_empty());

    // With Env=dev the other branch of every condition.
    let got = import(yaml, &[("Env".into(), "dev".into())]).unwrap();
    let c = &got.plan.task_definitions[0].container_definitions[0];
    assert_eq!((c.memory, c.memory_reservation), (Some(256), Some(128)));
    let services: Vec<&str> = got.plan.services.iter().map(|s| &*s.service_name).collect();
    assert_eq!(services, ["WebDev"]);
}

/// Conditions that name each other: a cycle is not evaluated (and the
/// import ends); a chain naming the next condition twice at each of 60
/// links is evaluated once per condition, not 2^60 times.
#[test]
fn conditions_that_cycle_or_fan_out_end() {
    let mut conditions = String::from("  C0: !Equals [a, a]\n");
    for i in 1..60 {
        conditions.push_str(&format!(
            "  C{i}: !And [!Condition C{}, !Condition C{}]\n",
            i - 1,
            i - 1
        ));
    }
    conditions.push_str("  Loop: !Not [!Condition Loop]\n");
    let yaml = format!(
        "Conditions:\n{conditions}Resources:\n  A:\n    Type: AWS::ECS::Cluster\n    Condition: C59\n    Properties: {{ClusterName: deep}}\n  B:\n    Type: AWS::ECS::Cluster\n    Condition: Loop\n"
    );
    let got = import(&yaml, &[]).unwrap();
    assert_eq!(
        got.plan.cluster.cluster_name, "B",
        "A is created (C59 holds), then B, read as created"
    );
    assert!(got.warnings.iter().any(
        |w| w == "$.Resources.B: Condition Loop cannot be evaluated by Berth; read as created"
    ));
}

/// Issue 16: the ECS console's task-definition JSON carries `null` for
/// absent fields; ECS reads null as absent, and so does the import.
#[test]
fn null_in_a_task_definition_means_absent() {
    let json = r#"{"family": "web", "networkMode": null, "placementConstraints": null,
        "containerDefinitions": [{"name": "web", "image": "nginx", "memory": 256,
          "memoryReservation": null, "portMappings": null, "environment": null,
          "command": null}]}"#;
    let got = import(json, &[]).unwrap();
    let c = &got.plan.task_definitions[0].container_definitions[0];
    assert_eq!((c.memory, c.memory_reservation), (Some(256), None));
    assert!(c.port_mappings.is_empty() && c.environment.is_empty());
}

/// Unmodelled resources are one line per type, after the warnings about
/// what Berth did read.
#[test]
fn unmodelled_resources_are_summed_per_type() {
    let yaml = "Resources:\n  A: {Type: AWS::IAM::Role}\n  B: {Type: AWS::IAM::Role}\n  Q: {Type: AWS::SQS::Queue}\n  S:\n    Type: AWS::ECS::Service\n    Properties: {TaskDefinition: !GetAtt X.Y}\n";
    let got = import(yaml, &[]).unwrap();
    let n = got.warnings.len();
    assert_eq!(
        got.warnings[n - 2..],
        [
            "$.Resources: AWS::IAM::Role is not modelled by Berth; 2 ignored: A, B".to_string(),
            "$.Resources: AWS::SQS::Queue is not modelled by Berth; 1 ignored: Q".to_string(),
        ]
    );
}

/// Issue 16: Fargate is planned apart. A Fargate service is reported
/// (W2008) and never placed on the cluster's instances; an EC2 service on a
/// Fargate-only task definition is refused in ECS's words (E1026); a
/// Fargate task size Fargate does not offer is ECS's "Invalid 'cpu'
/// setting for task." (E1027). The independent checker agrees.
#[test]
fn fargate_services_are_reported_apart_and_never_placed() {
    use berth_core::placement::place;
    use berth_core::rules::validate;
    let yaml = r#"
Resources:
  Group:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties: {MinSize: 1, MaxSize: 1, DesiredCapacity: 2, LaunchTemplate: {LaunchTemplateId: !Ref LT}}
  LT:
    Type: AWS::EC2::LaunchTemplate
    Properties: {LaunchTemplateData: {InstanceType: m5.large}}
  Api:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: "256"
      Memory: "512"
      ContainerDefinitions: [{Name: api, Image: api, Memory: 512}]
  Odd:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE, EC2]
      Cpu: "256"
      Memory: "4096"
      ContainerDefinitions: [{Name: odd, Image: odd, Memory: 256}]
  OnFargate:
    Type: AWS::ECS::Service
    Properties: {TaskDefinition: !Ref Api, LaunchType: FARGATE, DesiredCount: 3}
  OnEc2:
    Type: AWS::ECS::Service
    Properties: {TaskDefinition: !Ref Api, DesiredCount: 1}
  Both:
    Type: AWS::ECS::Service
    Properties: {TaskDefinition: !Ref Odd, DesiredCount: 1}
"#;
    let plan = import(yaml, &[]).unwrap().plan;
    let findings = validate(&plan);
    let codes: Vec<(&str, &str)> = findings.iter().map(|f| (f.code, f.path.as_str())).collect();
    assert!(
        codes.contains(&("W2008", "$.services[0].launchType")),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("E1026", "$.services[1].taskDefinition")),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("E1027", "$.taskDefinitions[1].cpu")),
        "{codes:?}"
    );
    assert!(
        !codes.iter().any(|c| c.1 == "$.taskDefinitions[0].cpu"),
        "256 / 512 is a Fargate size"
    );
    let e1026 = findings.iter().find(|f| f.code == "E1026").unwrap();
    assert!(e1026
        .message
        .starts_with("Task definition does not support launch_type EC2."));

    let placed = place(&plan);
    let owners: Vec<String> = placed
        .instances()
        .iter()
        .flat_map(|i| i.tasks.iter().map(|t| t.owner.name().to_string()))
        .collect();
    assert_eq!(
        owners,
        ["Both"],
        "only the service ECS would run on EC2 is placed"
    );
    assert!(placed.unplaced.is_empty());
    assert!(berth_core::checker::check_placement(&plan, &placed).is_empty());
}

/// Issue 23, item 3: both shapes of the template give back the plan they
/// were written from, whatever they add to deploy it (network, load
/// balancing, roles, logs), without a word about what Berth itself added:
/// every walkthrough's plan, and the example with an awsvpc service, a
/// trunked group and a parameter named as one of Berth's resources.
#[test]
fn every_walkthrough_plan_round_trips_through_both_shapes() {
    let mut plans: Vec<berth_core::Plan> = berth_core::app::walkthrough::walkthroughs()
        .into_iter()
        .flat_map(|w| w.steps.into_iter().map(|s| s.plan))
        .collect();
    let mut variant = example();
    variant.task_definitions[2].network_mode = berth_core::model::NetworkMode::Awsvpc;
    variant.task_definitions[2].container_definitions[0].port_mappings[0].host_port = None;
    variant.cluster.instance_groups[0].awsvpc_trunking = true;
    let cfn = variant.cloud_formation.as_mut().unwrap();
    cfn.parameters.insert(
        "Vpc".into(),
        serde_json::from_value(json!({"Type": "String", "Default": "x"})).unwrap(),
    );
    cfn.bindings.insert(
        "Vpc".into(),
        vec!["taskDefinitions[audit].containerDefinitions[audit].image".into()],
    );
    plans.push(variant);
    for plan in plans {
        for shape in [Shape::Stack, Shape::Services] {
            let back = import(&write_template(&plan, shape).to_string(), &[]).unwrap();
            let context = format!("{} as {}", plan.name, shape.name());
            assert!(back.warnings.is_empty(), "{context}: {:?}", back.warnings);
            let got = back.plan;
            assert_eq!(
                got.cluster.cluster_name, plan.cluster.cluster_name,
                "{context}"
            );
            assert_eq!(
                got.cluster.instance_groups, plan.cluster.instance_groups,
                "{context}"
            );
            assert_eq!(got.task_definitions, plan.task_definitions, "{context}");
            assert_eq!(got.services, plan.services, "{context}");
            let (want, have) = (
                plan.cloud_formation.clone().unwrap_or_default(),
                got.cloud_formation.unwrap(),
            );
            let names = |c: &berth_core::model::CloudFormation| {
                c.parameters.keys().cloned().collect::<Vec<_>>()
            };
            assert_eq!(
                names(&have),
                names(&want),
                "{context}: the plan's parameters, in order"
            );
            assert_eq!(have.parameters, want.parameters, "{context}");
            assert_eq!(have.bindings, want.bindings, "{context}");
        }
    }
}

/// Issue 23, item 4: a plan imported from a template writes that template
/// back with only what the plan changed, each where it came from (a
/// literal, a parameter's Default, a declaration a fix widened); the rest
/// of the document as it was; a change it has no place for named.
#[test]
fn the_users_own_template_comes_back_with_only_the_changes() {
    use berth_core::app::edit::{apply, Edit};
    use berth_core::cfn::write_back::{write_back, NO_SOURCE};
    let yaml = r#"
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Tag: {Type: String, Default: "1.4"}
  InstanceType: {Type: String, Default: t3.small, AllowedValues: [t3.small, t3.medium]}
Conditions:
  Never: !Equals [a, b]
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {VisibilityTimeout: 60}
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        InstanceType: !Ref InstanceType
  Group:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: "1"
      MaxSize: "4"
      DesiredCapacity: "2"
      LaunchTemplate: {LaunchTemplateId: !Ref Template, Version: !GetAtt Template.LatestVersionNumber}
  Web:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      ContainerDefinitions:
        - Name: web
          Image: !Sub "example/web:${Tag}"
          Memory: 256
          PortMappings: [{ContainerPort: 80}]
  WebService:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref Web
      DesiredCount: 2
"#;
    let plan = import(yaml, &[]).unwrap().plan;
    let original = plan
        .cloud_formation
        .as_ref()
        .unwrap()
        .source
        .clone()
        .unwrap()["template"]
        .clone();
    // Unedited, it comes back as it was.
    let same = write_back(&plan).unwrap();
    assert_eq!(same.template, original);
    assert!(same.changes.is_empty() && same.not_written.is_empty());

    let group = plan.cluster.instance_groups[0].name.clone();
    let mut edited = apply(
        &plan,
        &Edit::SetGroupCount {
            group: group.clone(),
            count: 3,
        },
    )
    .unwrap();
    edited = apply(
        &edited,
        &Edit::AllowParameterValue {
            name: "InstanceType".into(),
            value: "m5.large".into(),
        },
    )
    .unwrap();
    edited = apply(
        &edited,
        &Edit::SetGroupType {
            group,
            instance_type: "m5.large".into(),
        },
    )
    .unwrap();
    edited.services[0].desired_count = 4;
    edited.task_definitions[0].container_definitions[0].image = "example/web:1.5".into();
    edited.services[0].placement_strategy =
        serde_json::from_value(json!([{"type": "random"}])).unwrap();
    let back = write_back(&edited).unwrap();
    let at: Vec<(&str, serde_json::Value)> = back
        .changes
        .iter()
        .map(|c| (c.at.as_str(), c.to.clone()))
        .collect();
    assert_eq!(
        at,
        vec![
            ("$.Resources.Group.Properties.DesiredCapacity", json!("3")),
            ("$.Resources.WebService.Properties.DesiredCount", json!(4)),
            (
                "$.Parameters.InstanceType.AllowedValues",
                json!(["t3.small", "t3.medium", "m5.large"])
            ),
            ("$.Parameters.InstanceType.Default", json!("m5.large")),
            ("$.Parameters.Tag.Default", json!("1.5")),
        ]
    );
    // Everything else is the document as imported.
    let mut expected = original.clone();
    expected["Resources"]["Group"]["Properties"]["DesiredCapacity"] = json!("3");
    expected["Resources"]["WebService"]["Properties"]["DesiredCount"] = json!(4);
    expected["Parameters"]["InstanceType"]["AllowedValues"] =
        json!(["t3.small", "t3.medium", "m5.large"]);
    expected["Parameters"]["InstanceType"]["Default"] = json!("m5.large");
    expected["Parameters"]["Tag"]["Default"] = json!("1.5");
    assert_eq!(back.template, expected);
    // The strategy has no place in this template: said, not dropped silently.
    let not_written: Vec<&str> = back.not_written.iter().map(|c| c.at.as_str()).collect();
    assert_eq!(
        not_written,
        [format!(
            "services[{}].placementStrategy",
            edited.services[0].service_name
        )]
    );
    // And a plan made otherwise has no template of the user's to write back.
    assert_eq!(write_back(&example()).unwrap_err(), NO_SOURCE);
}

/// A template too large to keep in the plan is imported, and the import
/// says it cannot be written back (a plan file must stay loadable).
#[test]
fn a_template_too_large_to_keep_is_said() {
    let big = "x".repeat(berth_core::input::import::MAX_SOURCE_BYTES);
    let text = json!({"Description": big, "Resources": {"Web": {"Type": "AWS::ECS::TaskDefinition",
        "Properties": {"Family": "web", "ContainerDefinitions": [{"Name": "web", "Image": "nginx", "Memory": 128}]}}}})
    .to_string();
    let imported = import(&text, &[]).unwrap();
    assert!(imported.plan.cloud_formation.unwrap().source.is_none());
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.contains("cannot be written back")),
        "{:?}",
        imported.warnings
    );
}

/// §10.4: ECS registers an instance's GPUs only on the GPU-optimised AMI,
/// so a group of a GPU type boots that AMI; others keep theirs (x86_64,
/// arm64).
#[test]
fn a_gpu_group_boots_the_gpu_optimised_ami() {
    let mut plan =
        berth_core::load_plan(include_str!("../../public/examples/microtrader.json")).unwrap();
    plan.cloud_formation = None;
    let group = |name: &str, itype: &str| -> berth_core::model::InstanceGroup {
        serde_json::from_value(serde_json::json!({"name": name, "instanceType": itype, "count": 1}))
            .unwrap()
    };
    plan.cluster.instance_groups = vec![
        group("gpu", "g4dn.xlarge"),
        group("cpu", "m5.large"),
        group("arm", "c6g.large"),
    ];
    let t = write_template(&plan, Shape::Stack);
    let defaults: Vec<&str> = ["EcsAmiGpu", "EcsAmi", "EcsAmiArm64"]
        .iter()
        .map(|p| {
            t["Parameters"][p]["Default"]
                .as_str()
                .unwrap_or_else(|| panic!("{p}"))
        })
        .collect();
    assert_eq!(
        defaults[0],
        "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id"
    );
    assert!(defaults[1].ends_with("amazon-linux-2023/recommended/image_id"));
    assert!(defaults[2].ends_with("amazon-linux-2023/arm64/recommended/image_id"));
    let image =
        |lt: &str| t["Resources"][lt]["Properties"]["LaunchTemplateData"]["ImageId"].clone();
    let ids: Vec<String> = t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::EC2::LaunchTemplate")
        .map(|(id, _)| id.clone())
        .collect();
    let gpu_lt = ids
        .iter()
        .find(|id| id.starts_with("Gpu"))
        .unwrap_or_else(|| panic!("{ids:?}"));
    assert_eq!(image(gpu_lt), serde_json::json!({"Ref": "EcsAmiGpu"}));
}
