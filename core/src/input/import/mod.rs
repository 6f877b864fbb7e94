//! Import: a Berth plan, an ECS task definition (register-task-definition
//! input or describe-task-definition output), or a CloudFormation template in
//! JSON or YAML (short forms !Ref, !Sub, !GetAtt, !Join, !If … included).
//!
//! Import never changes a plan in place: it returns a new one or an error, so
//! whatever the user had stays as it was. Template fields set by `Ref` to a
//! parameter resolve to the value given (`--param K=V`) or the Default, and
//! become bindings; an intrinsic Berth cannot resolve is reported with its
//! path and kept in `cloudFormation.unresolved`, never silently dropped.
//!
//! Files: `yaml` turns YAML (and its short-form tags) into JSON; `template/`
//! reads a CloudFormation template, one resource kind per file, through the
//! intrinsic functions it can resolve; here, the three kinds are told apart,
//! an ECS task definition is read, and an import becomes the plan on screen.

mod ansible;
mod source;
mod template;
mod yaml;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::input::{load_plan, LoadError, MAX_PLAN_BYTES};
use crate::model::{Cluster, Plan, Service, SourceTemplate, TaskDefinition, BERTH_VERSION};

pub use ansible::ansible_vars;
pub use template::MAX_SOURCE_BYTES;
pub use yaml::yaml_to_json;

/// What kind of document an import read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ImportKind {
    /// A Berth plan file.
    Plan,
    /// An ECS task definition (register or describe output).
    TaskDefinition,
    /// A CloudFormation template, JSON or YAML.
    CloudFormationTemplate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
/// What an import read: its kind, the plan, and what the user should know.
pub struct Imported {
    /// Which of the three kinds of file it was.
    pub kind: ImportKind,
    /// The plan it makes.
    pub plan: Plan,
    /// Things the user should know: unresolved intrinsics, ignored resources.
    pub warnings: Vec<String>,
}

/// What an import is given besides the file: template parameter values
/// (`--param`, `--ansible-vars`, the browser's form) and the pseudo
/// parameters a running stack would know.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ImportOptions {
    /// Parameter values; they win over a template's Defaults.
    pub parameters: IndexMap<String, String>,
    /// `AWS::Region`; us-east-1 when none.
    pub region: Option<String>,
    /// `AWS::StackName`; else what a Berth export recorded, else the file's
    /// name, else "stack".
    pub stack_name: Option<String>,
    /// The file's name: the stack's name when neither `stack_name` nor a
    /// Berth export's metadata gives one.
    pub file_name: Option<String>,
    /// A playbook's `config_<snake_case>` variables (snake name → value):
    /// each gives the parameter of that snake-case name a value, unless
    /// `parameters` gives one.
    pub playbook: IndexMap<String, String>,
}

/// An import error: where (a JSON path or a line) and what.
pub type ImportError = LoadError;

pub(super) fn error(path: impl Into<String>, message: impl Into<String>) -> ImportError {
    LoadError::new(path, message)
}

/// Reads any of the three kinds of file, with `--param K=V` values for
/// templates; a result past a size cap of [`crate::input::caps`] is refused.
pub fn import(text: &str, params: &[(String, String)]) -> Result<Imported, ImportError> {
    import_with(
        text,
        &ImportOptions {
            parameters: params.iter().cloned().collect(),
            ..ImportOptions::default()
        },
    )
}

/// [`import`] with every option: parameter values, region and stack name.
pub fn import_with(text: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
    let mut imported = read(text, options)?;
    if let Some(line) = source::expression_line(text) {
        imported.warnings.push(format!(
            "line {line}: {{{{ … }}}} looks like an unrendered Jinja2 expression; if this file \
             is a Jinja2 template, render it first"
        ));
    }
    crate::input::caps::check(&imported.plan)?;
    Ok(imported)
}

/// The plan a source template gives again, read with what its import was
/// given: the plan as it was imported, before any edit.
pub fn reimport(source: &SourceTemplate, stack_name: &str) -> Result<Plan, ImportError> {
    let Value::Object(t) = &source.template else {
        return Err(error(
            "$.cloudFormation.source.template",
            "not a template (a JSON object)",
        ));
    };
    let options = ImportOptions {
        parameters: source.given.clone(),
        region: source.region.clone(),
        stack_name: Some(stack_name.to_string()).filter(|s| !s.is_empty()),
        ..ImportOptions::default()
    };
    Ok(template::read_template(t, &options)?.plan)
}

fn read(text: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
    if text.len() > MAX_PLAN_BYTES {
        return Err(error(
            "$",
            format!(
                "input is {} bytes; the limit is {MAX_PLAN_BYTES}",
                text.len()
            ),
        ));
    }
    source::refuse_jinja(text)?;
    let trimmed = text.trim_start();
    let value = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        source::parse_json(text)
    } else {
        yaml_to_json(text)
    }
    .map_err(|e| source::unparsed(text, e))?;
    let obj = value
        .as_object()
        .ok_or_else(|| error("$", "expected an object at the top level"))?;
    if obj.contains_key("berthVersion") {
        if !options.parameters.is_empty() {
            return Err(error(
                "--param",
                "parameters apply only to CloudFormation templates",
            ));
        }
        return Ok(Imported {
            kind: ImportKind::Plan,
            plan: load_plan(&value.to_string())?,
            warnings: Vec::new(),
        });
    }
    if obj.contains_key("Resources") || obj.contains_key("AWSTemplateFormatVersion") {
        return template::read_template(obj, options);
    }
    let (td_value, prefix) = match obj.get("taskDefinition") {
        Some(inner @ Value::Object(_)) => (inner.clone(), "$.taskDefinition"),
        _ => (value.clone(), "$"),
    };
    if td_value.get("containerDefinitions").is_some() {
        return task_definition(td_value, prefix);
    }
    Err(error("$", "not a Berth plan (berthVersion), an ECS task definition (containerDefinitions) or a CloudFormation template (Resources)"))
}

/// `v` without the keys whose value is `null`: ECS reads a null field as
/// absent (the console's JSON has them; issue 16).
fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

fn task_definition(v: Value, prefix: &str) -> Result<Imported, ImportError> {
    let v = without_nulls(v);
    let td: TaskDefinition =
        crate::input::json_path::from_value(&v, prefix).map_err(|e| error(e.path, e.message))?;
    let mut service = Service {
        service_name: td.family.clone(),
        task_definition: format!("{}:{}", td.family, td.revision),
        desired_count: 1,
        deployment_configuration: Default::default(),
        placement_strategy: Vec::new(),
        placement_constraints: Vec::new(),
        load_balancer: None,
        scalable_target: None,
        extra: Default::default(),
    };
    let mut warnings = vec![
        "the task definition became a one-task service; add instance groups to place it"
            .to_string(),
    ];
    // ECS runs a FARGATE-only task definition only as a Fargate task: the
    // service it becomes says so, and is planned apart from the instances.
    if td.fargate_only() {
        service
            .extra
            .insert("launchType".into(), Value::String("FARGATE".into()));
        warnings = vec![format!(
            "{prefix}.requiresCompatibilities: {} runs only on Fargate; it became a one-task FARGATE service, planned apart from the cluster's instances",
            td.family
        )];
    }
    let plan = Plan {
        berth_version: BERTH_VERSION,
        name: td.family.clone(),
        cluster: empty_cluster(String::new()),
        task_definitions: vec![td],
        services: vec![service],
        tasks: Vec::new(),
        pins: Vec::new(),
        cloud_formation: None,
        extra: Default::default(),
        service_colours: Default::default(),
        jvm_assumptions: Default::default(),
        baseline: None,
    };
    Ok(Imported {
        kind: ImportKind::TaskDefinition,
        plan,
        warnings,
    })
}

pub(super) fn empty_cluster(name: String) -> Cluster {
    Cluster {
        cluster_name: name,
        instance_groups: Vec::new(),
        dynamic_host_port_range: crate::model::default_dynamic_range(),
        reserved_ports: crate::model::default_reserved_ports(),
        reserved_ports_udp: Vec::new(),
        extra: Default::default(),
    }
}

/// What an import does to the plan on screen: a plan or a template replaces
/// it; a task definition joins it as a new one-task service (renamed if its
/// name is taken), so the user's cluster stays.
pub fn into_plan(current: &Plan, imported: Imported) -> Result<Plan, ImportError> {
    let next = match imported.kind {
        ImportKind::Plan | ImportKind::CloudFormationTemplate => imported.plan,
        ImportKind::TaskDefinition => {
            let mut next = current.clone();
            let service = imported.plan.services.first().cloned();
            for mut td in imported.plan.task_definitions {
                let family = td.family.clone();
                let mut name = family.clone();
                let mut n = 2;
                while next.service(&name).is_some()
                    || next.task_definitions.iter().any(|t| t.family == name)
                {
                    name = format!("{family}-{n}");
                    n += 1;
                }
                td.family = name.clone();
                if let Some(mut s) = service.clone() {
                    s.service_name = name.clone();
                    s.task_definition = format!("{name}:{}", td.revision);
                    next.services.push(s);
                }
                next.task_definitions.push(td);
            }
            next
        }
    };
    // A task definition joining a plan that is already at a cap.
    crate::input::caps::check(&next)?;
    Ok(next)
}
