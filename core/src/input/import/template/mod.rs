//! A CloudFormation template as a plan: its parameters, then each resource
//! Berth models (Auto Scaling groups as instance groups, task definitions,
//! services), read through the intrinsics it can resolve.

mod functions;
mod group;
mod intrinsics;
mod load_balancer;
mod scalable_target;
mod service;
mod task_definition;

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use super::{empty_cluster, error, ImportError, ImportKind, ImportOptions, Imported};
use crate::cfn::params::constraint_error;
use crate::cfn::template::{Shape, DEPLOYMENT_RESOURCES, METADATA_KEY};
use crate::input::error::ParameterPrompt;
use crate::model::{
    CloudFormation, Cluster, Parameter, Plan, Service, SourceTemplate, TaskDefinition,
    BERTH_VERSION,
};
use group::import_group;
use intrinsics::Ctx;
use service::import_service;
use task_definition::import_task_definition;

/// Reads a template with the values and pseudo parameters `options` give.
/// A parameter with neither a value nor a Default stops it, as it stops
/// CloudFormation (issue 16, item 2).
pub(super) fn read_template(
    t: &Map<String, Value>,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let empty = Map::new();
    let resources = t
        .get("Resources")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let meta = t
        .get("Metadata")
        .and_then(|m| m.get(METADATA_KEY))
        .cloned()
        .unwrap_or(Value::Null);
    let parameters = plan_parameters(declared_parameters(t)?, &meta)?;
    let mut given = super::ansible::playbook_values(&options.playbook, parameters.keys());
    given.extend(options.parameters.clone());
    let values_given = checked_values(&parameters, &given)?;
    let values = parameter_values(&parameters, &values_given, &meta);
    demand_values(&parameters, &values, &meta)?;
    let stack_name = stack_name(options, &meta);
    let mut ctx = Ctx {
        template: t,
        stack_name: stack_name.clone().unwrap_or_else(|| "stack".into()),
        region: options
            .region
            .clone()
            .unwrap_or_else(|| intrinsics::DEFAULT_REGION.into()),
        depth: 0,
        fuel: intrinsics::FUEL,
        conditions: IndexMap::new(),
        values,
        resources,
        bindings: IndexMap::new(),
        unresolved: IndexMap::new(),
        warnings: Vec::new(),
        consulted: Vec::new(),
        written_by_berth: meta.get("shape").is_some(),
        literals: IndexMap::new(),
    };
    let read = read_resources(&mut ctx, resources, &meta)?;
    add_kept_bindings(&mut ctx, &meta, &parameters);
    let cfn = CloudFormation {
        stack_name: stack_name.unwrap_or_default(),
        parameters,
        values: values_given.clone(),
        bindings: ctx.bindings,
        tags: IndexMap::new(),
        unresolved: ctx.unresolved,
        source: source_template(t, &values_given, options, ctx.literals, &mut ctx.warnings),
    };
    let plan = Plan {
        berth_version: BERTH_VERSION,
        name: meta
            .get("plan")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| cfn.stack_name.clone()),
        cluster: read.cluster,
        task_definitions: read.task_definitions,
        services: read.services,
        tasks: Vec::new(),
        pins: Vec::new(),
        cloud_formation: Some(cfn),
        extra: Default::default(),
        service_colours: Default::default(),
        jvm_assumptions: Default::default(),
        baseline: None,
    };
    Ok(Imported {
        kind: ImportKind::CloudFormationTemplate,
        plan,
        warnings: placement_first(ctx.warnings),
    })
}

/// The largest template a plan keeps to write back (JSON bytes): the plan
/// must stay well inside what a plan file may be ([`crate::input::MAX_PLAN_BYTES`]).
pub const MAX_SOURCE_BYTES: usize = 1024 * 1024;

/// The template kept in the plan to be written back with its changes, when
/// it is not too large to keep (which the import then says).
fn source_template(
    t: &Map<String, Value>,
    given: &IndexMap<String, String>,
    options: &ImportOptions,
    fields: IndexMap<String, String>,
    warnings: &mut Vec<String>,
) -> Option<Value> {
    let template = Value::Object(t.clone());
    let bytes = serde_json::to_string(&template).map_or(usize::MAX, |s| s.len());
    if bytes > MAX_SOURCE_BYTES {
        warnings.push(format!(
            "$: the template is {bytes} bytes as JSON, more than the {MAX_SOURCE_BYTES} a plan keeps: it cannot be written back with the plan's changes (Berth's own template can)"
        ));
        return None;
    }
    serde_json::to_value(SourceTemplate {
        template,
        given: given.clone(),
        region: options.region.clone(),
        fields,
    })
    .ok()
}

/// The fields whose value decides where tasks go (and whether they exist).
const PLACEMENT_FIELDS: &[&str] = &[
    ".DesiredCount",
    ".DesiredCapacity",
    ".MinSize",
    ".InstanceType",
    ".Memory",
    ".MemoryReservation",
    ".Cpu",
    ".PortMappings",
    ".NetworkMode",
    ".PlacementConstraints",
    ".PlacementStrategies",
    ".RequiresCompatibilities",
    ".LaunchType",
    ".TaskDefinition",
    "ResourceRequirements",
    ": not created",
    "read as created",
    " skipped",
];

/// The warnings, those that change placement first (issue 16, item 5: in a
/// hundred lines, the three that move tasks must not be missed); each
/// group keeps the template's order.
fn placement_first(warnings: Vec<String>) -> Vec<String> {
    let (first, rest): (Vec<String>, Vec<String>) = warnings
        .into_iter()
        .partition(|w| PLACEMENT_FIELDS.iter().any(|f| w.contains(f)));
    first.into_iter().chain(rest).collect()
}

/// Bindings a Berth export kept in its metadata, for fields it had no Ref
/// for: a path, or a list of them.
fn add_kept_bindings(ctx: &mut Ctx, meta: &Value, parameters: &IndexMap<String, Parameter>) {
    let Some(b) = meta.get("bindings").and_then(Value::as_object) else {
        return;
    };
    for (k, v) in b.iter().filter(|(k, _)| parameters.contains_key(*k)) {
        let kept: Vec<&str> = match v {
            Value::String(path) => vec![path.as_str()],
            Value::Array(paths) => paths.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for path in kept {
            ctx.bind(k, path.to_string());
        }
    }
}

/// `AWS::StackName`: as given, else what a Berth export recorded, else
/// from the file's name.
fn stack_name(options: &ImportOptions, meta: &Value) -> Option<String> {
    options
        .stack_name
        .clone()
        .or_else(|| {
            meta.get("stackName")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .or_else(|| options.file_name.as_deref().map(stack_name_of))
}

/// A stack name from a file name, as CloudFormation allows them (a letter,
/// then letters, digits and hyphens): `templates/stack.yml.j2` → `stack`.
fn stack_name_of(file: &str) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = base.split('.').next().unwrap_or(base);
    let name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let name = name.trim_matches('-');
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.to_string()
    } else {
        format!("stack-{name}").trim_end_matches('-').to_string()
    }
}

/// The plan's parameters from a template's: in Berth's own, without those
/// it added only to deploy (the cluster, VPC, AMI …) and with those it
/// left out as unused, in the plan's order.
fn plan_parameters(
    mut parameters: IndexMap<String, Parameter>,
    meta: &Value,
) -> Result<IndexMap<String, Parameter>, ImportError> {
    if let Some(names) = meta.get("deployParameters").and_then(Value::as_array) {
        for name in names.iter().filter_map(Value::as_str) {
            parameters.shift_remove(name);
        }
    }
    if let Some(unused) = meta.get("unusedParameters").and_then(Value::as_object) {
        for (name, p) in unused {
            let path = format!("$.Metadata.{METADATA_KEY}.unusedParameters.{name}");
            let parsed: Parameter = crate::input::json_path::from_value(p, &path)
                .map_err(|e| error(e.path, e.message))?;
            parameters.insert(name.clone(), parsed);
        }
    }
    if let Some(order) = meta.get("parameterOrder").and_then(Value::as_array) {
        let rank = |name: &str| {
            order
                .iter()
                .position(|o| o.as_str() == Some(name))
                .unwrap_or(order.len())
        };
        parameters.sort_by(|a, _, b, _| rank(a).cmp(&rank(b)));
    }
    Ok(parameters)
}

/// The template's Parameters section, each read as CloudFormation declares it.
fn declared_parameters(t: &Map<String, Value>) -> Result<IndexMap<String, Parameter>, ImportError> {
    let mut parameters = IndexMap::new();
    if let Some(ps) = t.get("Parameters").and_then(Value::as_object) {
        for (name, p) in ps {
            let parsed: Parameter =
                crate::input::json_path::from_value(p, &format!("$.Parameters.{name}"))
                    .map_err(|e| error(e.path, e.message))?;
            parameters.insert(name.clone(), parsed);
        }
    }
    Ok(parameters)
}

/// The values given, refused in CloudFormation's words when the template
/// declares no such parameter or a value breaks its constraints (Type,
/// AllowedValues, AllowedPattern, Min/MaxValue, Min/MaxLength).
fn checked_values(
    parameters: &IndexMap<String, Parameter>,
    given: &IndexMap<String, String>,
) -> Result<IndexMap<String, String>, ImportError> {
    let unknown: Vec<&str> = given
        .keys()
        .filter(|k| !parameters.contains_key(*k))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(error(
            format!("$.Parameters.{}", unknown[0]),
            format!(
                "Parameters: [{}] do not exist in the template",
                unknown.join(", ")
            ),
        ));
    }
    for (k, v) in given {
        if let Some(message) = constraint_error(k, &parameters[k], v) {
            return Err(error(format!("$.Parameters.{k}"), message));
        }
    }
    Ok(given.clone())
}

/// CloudFormation's "Parameters: [A, B] must have values" when parameters
/// have neither a value nor a Default, with what a form needs to ask for
/// them. A template Berth exported is read back as the plan it came from,
/// which may leave a value to deploy time (NoEcho) or to the export's own
/// "must have values": it is not asked for them.
fn demand_values(
    parameters: &IndexMap<String, Parameter>,
    values: &IndexMap<String, Option<String>>,
    meta: &Value,
) -> Result<(), ImportError> {
    if meta.is_object() {
        return Ok(());
    }
    let needs: Vec<ParameterPrompt> = parameters
        .iter()
        .filter(|(k, _)| values[*k].is_none())
        .map(|(k, p)| ParameterPrompt {
            name: k.clone(),
            kind: p.kind.clone(),
            description: p.description.clone(),
            allowed_values: p.allowed_values.clone(),
            no_echo: p.no_echo,
        })
        .collect();
    if needs.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = needs.iter().map(|n| n.name.as_str()).collect();
    let mut e = error(
        "$.Parameters",
        format!("Parameters: [{}] must have values", names.join(", ")),
    );
    e.needs = needs;
    Err(e)
}

/// Each parameter's value: a value given wins; then what a Berth export
/// recorded; then the Default; else none.
fn parameter_values(
    parameters: &IndexMap<String, Parameter>,
    values_given: &IndexMap<String, String>,
    meta: &Value,
) -> IndexMap<String, Option<String>> {
    let exported = |k: &str| {
        meta.get("values")
            .and_then(|v| v.get(k))
            .and_then(crate::model::scalar::scalar_to_string)
    };
    parameters
        .iter()
        .map(|(k, p)| {
            (
                k.clone(),
                values_given
                    .get(k)
                    .cloned()
                    .or_else(|| exported(k))
                    .or(p.default.clone()),
            )
        })
        .collect()
}

/// What the template's resources make of a plan.
struct Read {
    cluster: Cluster,
    task_definitions: Vec<TaskDefinition>,
    services: Vec<Service>,
}

/// The template's services that are created, with their logical ids.
fn read_services(
    ctx: &mut Ctx,
    resources: &Map<String, Value>,
    family_of: &IndexMap<String, String>,
) -> Result<(Vec<Service>, Vec<String>), ImportError> {
    let mut services = Vec::new();
    let mut ids = Vec::new();
    for (id, r) in resources {
        if r.get("Type").and_then(Value::as_str) == Some("AWS::ECS::Service") && ctx.exists(id, r) {
            let props = r.get("Properties").cloned().unwrap_or(json!({}));
            let path = format!("$.Resources.{id}.Properties");
            services.push(import_service(ctx, id, r, &props, &path, family_of)?);
            ids.push(id.clone());
        }
    }
    Ok((services, ids))
}

/// One warning per resource type Berth does not model, after the warnings
/// that change the plan (a template's IAM roles and security groups are
/// dozens of lines else).
fn say_unmodelled(ctx: &mut Ctx, unmodelled: IndexMap<String, Vec<String>>) {
    for (kind, ids) in unmodelled {
        ctx.warnings.push(format!(
            "$.Resources: {kind} is not modelled by Berth; {} ignored: {}",
            ids.len(),
            ids.join(", ")
        ));
    }
}

/// The resources Berth models, in the template's order; services last,
/// since they name task definitions by logical id.
fn read_resources(
    ctx: &mut Ctx,
    resources: &Map<String, Value>,
    meta: &Value,
) -> Result<Read, ImportError> {
    let mut cluster = empty_cluster(String::new());
    if let Some(range) = meta
        .get("dynamicHostPortRange")
        .and_then(|r| serde_json::from_value::<[u16; 2]>(r.clone()).ok())
    {
        cluster.dynamic_host_port_range = range;
    }
    let mut task_definitions = Vec::new();
    let mut family_of: IndexMap<String, String> = IndexMap::new();
    let mut unmodelled: IndexMap<String, Vec<String>> = IndexMap::new();
    for (id, r) in resources {
        let kind = r.get("Type").and_then(Value::as_str).unwrap_or("");
        // Services are read below, once their task definitions are known.
        if kind == "AWS::ECS::Service" || !ctx.exists(id, r) {
            continue;
        }
        let props = r.get("Properties").cloned().unwrap_or(json!({}));
        let path = format!("$.Resources.{id}.Properties");
        match kind {
            "AWS::ECS::Cluster" => {
                cluster.cluster_name = ctx
                    .text(
                        props.get("ClusterName"),
                        &format!("{path}.ClusterName"),
                        None,
                    )
                    .unwrap_or_else(|| id.clone());
            }
            "AWS::ECS::TaskDefinition" => {
                let td = import_task_definition(ctx, id, r, &props, &path)?;
                family_of.insert(id.clone(), td.family.clone());
                task_definitions.push(td);
            }
            "AWS::AutoScaling::AutoScalingGroup" => {
                if let Some(g) = import_group(ctx, id, r, &props, &path)? {
                    cluster.instance_groups.push(g);
                }
            }
            "AWS::EC2::LaunchTemplate" | "AWS::AutoScaling::LaunchConfiguration" => {}
            other => unmodelled
                .entry(other.to_string())
                .or_default()
                .push(id.clone()),
        }
    }
    let (mut services, service_ids) = read_services(ctx, resources, &family_of)?;
    scalable_target::attach_scalable_targets(ctx, &mut services, &service_ids)?;
    for ids in unmodelled.values_mut() {
        ids.retain(|id| !ctx.consulted.contains(id));
    }
    if ctx.written_by_berth {
        unmodelled.retain(|kind, _| !DEPLOYMENT_RESOURCES.contains(&kind.as_str()));
    }
    unmodelled.retain(|_, ids| !ids.is_empty());
    say_unmodelled(ctx, unmodelled);
    if meta.get("shape").and_then(Value::as_str) == Some(Shape::Services.name()) {
        existing_cluster(&mut cluster, meta)?;
    }
    if cluster.cluster_name.is_empty() {
        cluster.cluster_name = "default".into();
    }
    Ok(Read {
        cluster,
        task_definitions,
        services,
    })
}

/// The cluster a services template deploys into, which it does not create:
/// its name and instance groups as Berth's metadata kept them.
fn existing_cluster(cluster: &mut Cluster, meta: &Value) -> Result<(), ImportError> {
    if let Some(name) = meta.get("clusterName").and_then(Value::as_str) {
        cluster.cluster_name = name.to_string();
    }
    if let Some(groups) = meta.get("instanceGroups") {
        let path = format!("$.Metadata.{METADATA_KEY}.instanceGroups");
        cluster.instance_groups = crate::input::json_path::from_value(groups, &path)
            .map_err(|e| error(e.path, e.message))?;
    }
    Ok(())
}
