//! Import: a Berth plan, an ECS task definition (register-task-definition
//! input or describe-task-definition output), or a CloudFormation template in
//! JSON or YAML (short forms !Ref, !Sub, !GetAtt, !Join, !If … included).
//!
//! Import never changes a plan in place: it returns a new one or an error, so
//! whatever the user had stays as it was. Template fields set by `Ref` to a
//! parameter resolve to the value given (`--param K=V`) or the Default, and
//! become bindings; an intrinsic Berth cannot resolve is reported with its
//! path and kept in `cloudFormation.unresolved`, never silently dropped.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::cfn::template::METADATA_KEY;
use crate::input::{load_plan, LoadError, MAX_PLAN_BYTES};
use crate::model::{CloudFormation, Parameter};
use crate::model::{
    Cluster, ContainerDefinition, InstanceGroup, KeyValue, LoadBalancer, PlacementConstraint,
    PlacementStrategy, Plan, PortMapping, Service, TaskDefinition, BERTH_VERSION,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ImportKind {
    Plan,
    TaskDefinition,
    CloudFormationTemplate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Imported {
    pub kind: ImportKind,
    pub plan: Plan,
    /// Things the user should know: unresolved intrinsics, ignored resources.
    pub warnings: Vec<String>,
}

/// An import error: where (a JSON path or a line) and what.
pub type ImportError = LoadError;

fn error(path: impl Into<String>, message: impl Into<String>) -> ImportError {
    LoadError {
        path: path.into(),
        message: message.into(),
    }
}

/// Parses YAML into JSON, turning tags into CloudFormation's long forms
/// (`!Ref X` → `{"Ref": "X"}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`,
/// `!Sub …` → `{"Fn::Sub": …}`). Alias expansion is bounded by the parser.
pub fn yaml_to_json(text: &str) -> Result<Value, ImportError> {
    let v: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!("line {}, column {}", l.line(), l.column()))
            .unwrap_or_else(|| "$".into());
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        error(at, format!("not valid YAML: {msg}"))
    })?;
    convert(v, 0)
}

/// Nesting deeper than this is refused.
const MAX_DEPTH: usize = 128;

fn convert(v: serde_yaml::Value, depth: usize) -> Result<Value, ImportError> {
    use serde_yaml::Value as Y;
    if depth > MAX_DEPTH {
        return Err(error(
            "$",
            format!("nested more than {MAX_DEPTH} levels deep"),
        ));
    }
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                json!(i)
            } else if let Some(u) = n.as_u64() {
                json!(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(seq) => Value::Array(
            seq.into_iter()
                .map(|x| convert(x, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => return Err(error("$", format!("unsupported mapping key {other:?}"))),
                };
                out.insert(key, convert(v, depth + 1)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => {
            let tag = t.tag.to_string();
            let name = tag.trim_start_matches('!');
            let inner = convert(t.value, depth + 1)?;
            let (key, arg) = match name {
                "Ref" => ("Ref".to_string(), inner),
                "GetAtt" => {
                    let arg = match inner {
                        Value::String(s) => match s.split_once('.') {
                            Some((a, b)) => json!([a, b]),
                            None => json!([s]),
                        },
                        other => other,
                    };
                    ("Fn::GetAtt".to_string(), arg)
                }
                "Condition" => ("Condition".to_string(), inner),
                other => (format!("Fn::{other}"), inner),
            };
            json!({ key: arg })
        }
    })
}

/// Reads any of the three kinds of file, with `--param K=V` values for
/// templates; a result past a size cap of [`crate::input::caps`] is refused.
pub fn import(text: &str, params: &[(String, String)]) -> Result<Imported, ImportError> {
    let imported = read(text, params)?;
    crate::input::caps::check(&imported.plan)?;
    Ok(imported)
}

fn read(text: &str, params: &[(String, String)]) -> Result<Imported, ImportError> {
    if text.len() > MAX_PLAN_BYTES {
        return Err(error(
            "$",
            format!(
                "input is {} bytes; the limit is {MAX_PLAN_BYTES}",
                text.len()
            ),
        ));
    }
    let trimmed = text.trim_start();
    let value = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        serde_json::from_str::<Value>(text).map_err(|e| {
            error(
                "$",
                format!(
                    "not valid JSON (line {}, column {}): {e}",
                    e.line(),
                    e.column()
                ),
            )
        })?
    } else {
        yaml_to_json(text)?
    };
    let obj = value
        .as_object()
        .ok_or_else(|| error("$", "expected an object at the top level"))?;
    if obj.contains_key("berthVersion") {
        if !params.is_empty() {
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
        return template(obj, params);
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

fn task_definition(v: Value, prefix: &str) -> Result<Imported, ImportError> {
    let td: TaskDefinition =
        crate::input::json_path::from_value(&v, prefix).map_err(|e| error(e.path, e.message))?;
    let service = Service {
        service_name: td.family.clone(),
        task_definition: format!("{}:{}", td.family, td.revision),
        desired_count: 1,
        deployment_configuration: Default::default(),
        placement_strategy: Vec::new(),
        placement_constraints: Vec::new(),
        load_balancer: None,
        extra: Default::default(),
    };
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
    };
    Ok(Imported {
        kind: ImportKind::TaskDefinition,
        plan,
        warnings: vec![
            "the task definition became a one-task service; add instance groups to place it".into(),
        ],
    })
}

fn empty_cluster(name: String) -> Cluster {
    Cluster {
        cluster_name: name,
        instance_groups: Vec::new(),
        dynamic_host_port_range: crate::model::default_dynamic_range(),
        reserved_ports: crate::model::default_reserved_ports(),
        reserved_ports_udp: Vec::new(),
        extra: Default::default(),
    }
}

/// What a template value resolved to.
enum Resolved {
    Text(String),
    /// A Ref to another resource of the template.
    Resource(String),
    Unresolved,
}

struct Ctx<'a> {
    /// Parameter → its value (given, else Default), None when it has neither.
    values: IndexMap<String, Option<String>>,
    resources: &'a Map<String, Value>,
    bindings: IndexMap<String, String>,
    unresolved: IndexMap<String, Value>,
    warnings: Vec<String>,
}

impl Ctx<'_> {
    fn resolve(&mut self, v: &Value, path: &str, binding: Option<String>) -> Resolved {
        if let Some(s) = crate::model::scalar::scalar_to_string(v) {
            return Resolved::Text(s);
        }
        if let Some(name) = v.get("Ref").and_then(Value::as_str) {
            if let Some(value) = self.values.get(name).cloned() {
                if let Some(b) = binding {
                    self.bindings.insert(name.to_string(), b);
                }
                return match value {
                    Some(v) => Resolved::Text(v),
                    None => self.keep(
                        v,
                        path,
                        &format!(
                            "parameter {name} has neither a value (--param {name}=…) nor a Default"
                        ),
                    ),
                };
            }
            if self.resources.contains_key(name) {
                return Resolved::Resource(name.to_string());
            }
            return self.keep(
                v,
                path,
                &format!("Ref {name} names neither a parameter nor a resource"),
            );
        }
        if let Some(sub) = v.get("Fn::Sub") {
            if let Some(text) = sub.as_str() {
                return self.substitute(text, v, path, binding);
            }
        }
        let name = v
            .as_object()
            .and_then(|m| m.keys().next().cloned())
            .unwrap_or_else(|| "value".into());
        self.keep(v, path, &format!("{name} cannot be resolved by Berth"))
    }

    /// `Fn::Sub` with `${Param}` references; "repo:${Tag}" on an image binds the tag.
    fn substitute(
        &mut self,
        text: &str,
        raw: &Value,
        path: &str,
        binding: Option<String>,
    ) -> Resolved {
        let mut out = String::new();
        let mut rest = text;
        let mut used = Vec::new();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let Some(end) = rest[start..].find('}') else {
                break;
            };
            let name = &rest[start + 2..start + end];
            match self.values.get(name).cloned() {
                Some(Some(v)) => {
                    out.push_str(&v);
                    used.push(name.to_string());
                }
                _ => {
                    return self.keep(
                        raw,
                        path,
                        &format!("Fn::Sub uses ${{{name}}}, which Berth cannot resolve"),
                    )
                }
            }
            rest = &rest[start + end + 1..];
        }
        out.push_str(rest);
        if let (Some(b), [name]) = (binding, used.as_slice()) {
            if text.ends_with(&format!(":${{{name}}}")) && b.ends_with(".image") {
                self.bindings.insert(name.clone(), format!("{b}:tag"));
            }
        }
        Resolved::Text(out)
    }

    fn keep(&mut self, v: &Value, path: &str, why: &str) -> Resolved {
        self.warnings
            .push(format!("{path}: {why}; kept in cloudFormation.unresolved"));
        self.unresolved.insert(path.to_string(), v.clone());
        Resolved::Unresolved
    }

    fn text(&mut self, v: Option<&Value>, path: &str, binding: Option<String>) -> Option<String> {
        match self.resolve(v?, path, binding) {
            Resolved::Text(s) => Some(s),
            Resolved::Resource(r) => Some(r),
            Resolved::Unresolved => None,
        }
    }

    fn number(
        &mut self,
        v: Option<&Value>,
        path: &str,
        binding: Option<String>,
    ) -> Result<Option<u32>, ImportError> {
        match self.text(v, path, binding) {
            None => Ok(None),
            Some(s) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| error(path, format!("\"{s}\" is not a whole number"))),
        }
    }
}

fn template(t: &Map<String, Value>, given: &[(String, String)]) -> Result<Imported, ImportError> {
    let empty = Map::new();
    let resources = t
        .get("Resources")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut parameters: IndexMap<String, Parameter> = IndexMap::new();
    if let Some(ps) = t.get("Parameters").and_then(Value::as_object) {
        for (name, p) in ps {
            let parsed: Parameter =
                crate::input::json_path::from_value(p, &format!("$.Parameters.{name}"))
                    .map_err(|e| error(e.path, e.message))?;
            parameters.insert(name.clone(), parsed);
        }
    }
    let mut values_given = IndexMap::new();
    for (k, v) in given {
        if !parameters.contains_key(k) {
            return Err(error(
                format!("--param {k}"),
                format!("Parameters: [{k}] do not exist in the template"),
            ));
        }
        values_given.insert(k.clone(), v.clone());
    }
    let meta = t
        .get("Metadata")
        .and_then(|m| m.get(METADATA_KEY))
        .cloned()
        .unwrap_or(Value::Null);
    // A value given wins; then what a Berth export recorded; then the Default.
    let exported = |k: &str| {
        meta.get("values")
            .and_then(|v| v.get(k))
            .and_then(crate::model::scalar::scalar_to_string)
    };
    let mut ctx = Ctx {
        values: parameters
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
            .collect(),
        resources,
        bindings: IndexMap::new(),
        unresolved: IndexMap::new(),
        warnings: Vec::new(),
    };

    let mut cluster = empty_cluster(String::new());
    if let Some(range) = meta
        .get("dynamicHostPortRange")
        .and_then(|r| serde_json::from_value::<[u16; 2]>(r.clone()).ok())
    {
        cluster.dynamic_host_port_range = range;
    }
    let mut tds = Vec::new();
    let mut services = Vec::new();
    let mut family_of: IndexMap<String, String> = IndexMap::new();

    for (id, r) in resources {
        let kind = r.get("Type").and_then(Value::as_str).unwrap_or("");
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
                let td = import_task_definition(&mut ctx, id, r, &props, &path)?;
                family_of.insert(id.clone(), td.family.clone());
                tds.push(td);
            }
            "AWS::AutoScaling::AutoScalingGroup" => {
                if let Some(g) = import_group(&mut ctx, id, r, &props, &path)? {
                    cluster.instance_groups.push(g);
                }
            }
            "AWS::ECS::Service"
            | "AWS::EC2::LaunchTemplate"
            | "AWS::AutoScaling::LaunchConfiguration" => {}
            other => ctx.warnings.push(format!(
                "$.Resources.{id}: {other} is not modelled by Berth; ignored"
            )),
        }
    }
    for (id, r) in resources {
        if r.get("Type").and_then(Value::as_str) == Some("AWS::ECS::Service") {
            let props = r.get("Properties").cloned().unwrap_or(json!({}));
            services.push(import_service(
                &mut ctx,
                id,
                r,
                &props,
                &format!("$.Resources.{id}.Properties"),
                &family_of,
            )?);
        }
    }
    if cluster.cluster_name.is_empty() {
        cluster.cluster_name = "default".into();
    }
    // Bindings the template kept in its metadata (for fields it had no Ref for).
    if let Some(b) = meta.get("bindings").and_then(Value::as_object) {
        for (k, v) in b {
            if let (Some(v), true) = (v.as_str(), parameters.contains_key(k)) {
                ctx.bindings
                    .entry(k.clone())
                    .or_insert_with(|| v.to_string());
            }
        }
    }
    let cfn = CloudFormation {
        stack_name: meta
            .get("stackName")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        parameters,
        values: values_given,
        bindings: ctx.bindings,
        tags: IndexMap::new(),
        unresolved: ctx.unresolved,
    };
    let plan = Plan {
        berth_version: BERTH_VERSION,
        name: meta
            .get("plan")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| cfn.stack_name.clone()),
        cluster,
        task_definitions: tds,
        services,
        tasks: Vec::new(),
        pins: Vec::new(),
        cloud_formation: Some(cfn),
        extra: Default::default(),
    };
    Ok(Imported {
        kind: ImportKind::CloudFormationTemplate,
        plan,
        warnings: ctx.warnings,
    })
}

fn berth_meta<'a>(r: &'a Value, key: &str) -> Option<&'a Value> {
    r.get("Metadata")?.get(METADATA_KEY)?.get(key)
}

fn import_group(
    ctx: &mut Ctx,
    id: &str,
    r: &Value,
    props: &Value,
    path: &str,
) -> Result<Option<InstanceGroup>, ImportError> {
    let name = berth_meta(r, "group")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            let stem = id
                .strip_suffix("AutoScalingGroup")
                .filter(|s| !s.is_empty())
                .unwrap_or(id);
            stem.to_ascii_lowercase()
        });
    let count_path = format!("cluster.instanceGroups[{name}].count");
    let type_path = format!("cluster.instanceGroups[{name}].instanceType");
    let count = match props.get("DesiredCapacity") {
        Some(v) => ctx.number(
            Some(v),
            &format!("{path}.DesiredCapacity"),
            Some(count_path),
        )?,
        None => ctx.number(props.get("MinSize"), &format!("{path}.MinSize"), None)?,
    };
    // The instance type lives in the launch template or configuration it names.
    let (source, field) = if let Some(lt) = props
        .get("LaunchTemplate")
        .and_then(|l| l.get("LaunchTemplateId"))
        .and_then(|v| v.get("Ref"))
        .and_then(Value::as_str)
    {
        (lt.to_string(), "LaunchTemplateData")
    } else if let Some(lc) = props
        .get("LaunchConfigurationName")
        .and_then(|v| v.get("Ref"))
        .and_then(Value::as_str)
    {
        (lc.to_string(), "")
    } else {
        ctx.warnings.push(format!(
            "{path}: no launch template or configuration Berth can follow; group {name} skipped"
        ));
        return Ok(None);
    };
    let Some(src) = ctx
        .resources
        .get(&source)
        .and_then(|r| r.get("Properties"))
        .cloned()
    else {
        ctx.warnings.push(format!(
            "{path}: {source} is not in the template; group {name} skipped"
        ));
        return Ok(None);
    };
    let data = if field.is_empty() {
        src
    } else {
        src.get(field).cloned().unwrap_or(json!({}))
    };
    let src_path = format!(
        "$.Resources.{source}.Properties{}",
        if field.is_empty() {
            String::new()
        } else {
            format!(".{field}")
        }
    );
    let Some(instance_type) = ctx.text(
        data.get("InstanceType"),
        &format!("{src_path}.InstanceType"),
        Some(type_path),
    ) else {
        ctx.warnings.push(format!(
            "{path}: group {name} has no instance type Berth can read; skipped"
        ));
        return Ok(None);
    };
    let zones = match props.get("AvailabilityZones") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|z| z.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    let meta_u32 = |k| berth_meta(r, k).and_then(Value::as_u64).map(|v| v as u32);
    Ok(Some(InstanceGroup {
        name,
        instance_type,
        count: count.unwrap_or(0),
        availability_zones: zones,
        reserved_memory: meta_u32("reservedMemory").unwrap_or(0),
        registered_memory: meta_u32("registeredMemory"),
        awsvpc_trunking: berth_meta(r, "awsvpcTrunking")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        extra: Default::default(),
    }))
}

fn import_task_definition(
    ctx: &mut Ctx,
    id: &str,
    r: &Value,
    props: &Value,
    path: &str,
) -> Result<TaskDefinition, ImportError> {
    let family = ctx
        .text(props.get("Family"), &format!("{path}.Family"), None)
        .unwrap_or_else(|| id.to_string());
    let network_mode = match ctx.text(
        props.get("NetworkMode"),
        &format!("{path}.NetworkMode"),
        None,
    ) {
        Some(m) => serde_json::from_value(json!(m)).map_err(|_| {
            error(
                format!("{path}.NetworkMode"),
                format!("unknown network mode \"{m}\""),
            )
        })?,
        None => Default::default(),
    };
    let size = |ctx: &mut Ctx, key: &str, cpu: bool| -> Result<Option<u32>, ImportError> {
        let p = format!("{path}.{key}");
        match ctx.text(props.get(key), &p, None) {
            None => Ok(None),
            Some(s) => if cpu {
                crate::model::units::parse_task_cpu(&s)
            } else {
                crate::model::units::parse_task_memory(&s)
            }
            .map(Some)
            .map_err(|e| error(p, e)),
        }
    };
    let cpu = size(ctx, "Cpu", true)?.map(crate::model::units::TaskCpu);
    let memory = size(ctx, "Memory", false)?.map(crate::model::units::TaskMemory);
    let mut containers = Vec::new();
    for (i, c) in props
        .get("ContainerDefinitions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let cp = format!("{path}.ContainerDefinitions[{i}]");
        let name = ctx
            .text(c.get("Name"), &format!("{cp}.Name"), None)
            .ok_or_else(|| error(format!("{cp}.Name"), "a container needs a Name"))?;
        let bind = |field: &str| {
            Some(format!(
                "taskDefinitions[{family}].containerDefinitions[{name}].{field}"
            ))
        };
        let image = ctx
            .text(c.get("Image"), &format!("{cp}.Image"), bind("image"))
            .unwrap_or_default();
        let mut ports = Vec::new();
        for (k, pm) in c
            .get("PortMappings")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let pp = format!("{cp}.PortMappings[{k}]");
            let container_port = ctx
                .number(
                    pm.get("ContainerPort"),
                    &format!("{pp}.ContainerPort"),
                    None,
                )?
                .unwrap_or(0);
            let host_port = ctx.number(pm.get("HostPort"), &format!("{pp}.HostPort"), None)?;
            let protocol = ctx
                .text(pm.get("Protocol"), &format!("{pp}.Protocol"), None)
                .unwrap_or_else(|| "tcp".into());
            ports.push(PortMapping {
                container_port: u16::try_from(container_port)
                    .map_err(|_| error(format!("{pp}.ContainerPort"), "port out of range"))?,
                host_port: host_port
                    .map(|h| {
                        u16::try_from(h)
                            .map_err(|_| error(format!("{pp}.HostPort"), "port out of range"))
                    })
                    .transpose()?,
                protocol: serde_json::from_value(json!(protocol.to_ascii_lowercase())).map_err(
                    |_| {
                        error(
                            format!("{pp}.Protocol"),
                            format!("unknown protocol \"{protocol}\""),
                        )
                    },
                )?,
                extra: Default::default(),
            });
        }
        let mut environment = Vec::new();
        for (k, kv) in c
            .get("Environment")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let ep = format!("{cp}.Environment[{k}]");
            if let Some(n) = ctx.text(kv.get("Name"), &format!("{ep}.Name"), None) {
                let value = ctx
                    .text(kv.get("Value"), &format!("{ep}.Value"), None)
                    .unwrap_or_default();
                environment.push(KeyValue { name: n, value });
            }
        }
        let strings = |ctx: &mut Ctx, key: &str| -> Vec<String> {
            c.get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
                .iter()
                .enumerate()
                .filter_map(|(k, v)| ctx.text(Some(v), &format!("{cp}.{key}[{k}]"), None))
                .collect()
        };
        let essential = match c.get("Essential") {
            Some(v) => ctx
                .text(Some(v), &format!("{cp}.Essential"), None)
                .map(|s| s == "true"),
            None => None,
        };
        containers.push(ContainerDefinition {
            image,
            cpu: ctx
                .number(c.get("Cpu"), &format!("{cp}.Cpu"), bind("cpu"))?
                .unwrap_or(0),
            memory: ctx.number(c.get("Memory"), &format!("{cp}.Memory"), bind("memory"))?,
            memory_reservation: ctx.number(
                c.get("MemoryReservation"),
                &format!("{cp}.MemoryReservation"),
                bind("memoryReservation"),
            )?,
            essential,
            port_mappings: ports,
            environment,
            command: strings(ctx, "Command"),
            entry_point: strings(ctx, "EntryPoint"),
            extra: Default::default(),
            name,
        });
    }
    Ok(TaskDefinition {
        revision: berth_meta(r, "revision")
            .and_then(Value::as_u64)
            .map_or(1, |v| v as u32),
        network_mode,
        cpu,
        memory,
        container_definitions: containers,
        placement_constraints: import_constraints(
            ctx,
            props.get("PlacementConstraints"),
            &format!("{path}.PlacementConstraints"),
        )?,
        extra: Default::default(),
        family,
    })
}

fn import_constraints(
    ctx: &mut Ctx,
    v: Option<&Value>,
    path: &str,
) -> Result<Vec<PlacementConstraint>, ImportError> {
    let mut out = Vec::new();
    for (i, c) in v
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let p = format!("{path}[{i}]");
        let kind = ctx
            .text(c.get("Type"), &format!("{p}.Type"), None)
            .unwrap_or_default();
        let expression = ctx.text(c.get("Expression"), &format!("{p}.Expression"), None);
        out.push(PlacementConstraint {
            kind: serde_json::from_value(json!(kind)).map_err(|_| {
                error(
                    format!("{p}.Type"),
                    format!("unknown constraint type \"{kind}\""),
                )
            })?,
            expression,
        });
    }
    Ok(out)
}

fn import_service(
    ctx: &mut Ctx,
    id: &str,
    r: &Value,
    props: &Value,
    path: &str,
    family_of: &IndexMap<String, String>,
) -> Result<Service, ImportError> {
    let name = ctx
        .text(
            props.get("ServiceName"),
            &format!("{path}.ServiceName"),
            None,
        )
        .unwrap_or_else(|| id.to_string());
    let td = match ctx.resolve(
        props.get("TaskDefinition").unwrap_or(&Value::Null),
        &format!("{path}.TaskDefinition"),
        None,
    ) {
        Resolved::Resource(r) => family_of.get(&r).cloned().unwrap_or(r),
        // An ARN or family:revision: keep what follows "task-definition/".
        Resolved::Text(t) => t
            .rsplit("task-definition/")
            .next()
            .unwrap_or(&t)
            .to_string(),
        Resolved::Unresolved => String::new(),
    };
    let td = berth_meta(r, "taskDefinition")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or(td);
    let desired = match props.get("DesiredCount") {
        Some(v) => ctx.number(
            Some(v),
            &format!("{path}.DesiredCount"),
            Some(format!("services[{name}].desiredCount")),
        )?,
        None => Some(1),
    };
    let dc = props
        .get("DeploymentConfiguration")
        .cloned()
        .unwrap_or(json!({}));
    let dp = format!("{path}.DeploymentConfiguration");
    let mut deployment = crate::model::DeploymentConfiguration::default();
    if let Some(v) = ctx.number(
        dc.get("MinimumHealthyPercent"),
        &format!("{dp}.MinimumHealthyPercent"),
        None,
    )? {
        deployment.minimum_healthy_percent = v;
    }
    if let Some(v) = ctx.number(
        dc.get("MaximumPercent"),
        &format!("{dp}.MaximumPercent"),
        None,
    )? {
        deployment.maximum_percent = v;
    }
    if let Some(cb) = dc.get("DeploymentCircuitBreaker") {
        let flag = |ctx: &mut Ctx, k: &str| {
            ctx.text(
                cb.get(k),
                &format!("{dp}.DeploymentCircuitBreaker.{k}"),
                None,
            )
            .is_some_and(|s| s == "true")
        };
        deployment.deployment_circuit_breaker = Some(crate::model::CircuitBreaker {
            enable: flag(ctx, "Enable"),
            rollback: flag(ctx, "Rollback"),
        });
    }
    let mut strategies = Vec::new();
    for (i, s) in props
        .get("PlacementStrategies")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let p = format!("{path}.PlacementStrategies[{i}]");
        let kind = ctx
            .text(s.get("Type"), &format!("{p}.Type"), None)
            .unwrap_or_default();
        strategies.push(PlacementStrategy {
            kind: serde_json::from_value(json!(kind.to_ascii_lowercase()))
                .map_err(|_| error(format!("{p}.Type"), format!("unknown strategy \"{kind}\"")))?,
            field: ctx.text(s.get("Field"), &format!("{p}.Field"), None),
        });
    }
    let load_balancer = berth_meta(r, "deregistrationDelaySeconds")
        .and_then(Value::as_u64)
        .map(|d| LoadBalancer {
            deregistration_delay_seconds: d as u32,
            extra: Default::default(),
        });
    Ok(Service {
        task_definition: td,
        desired_count: desired.unwrap_or(1),
        deployment_configuration: deployment,
        placement_strategy: strategies,
        placement_constraints: import_constraints(
            ctx,
            props.get("PlacementConstraints"),
            &format!("{path}.PlacementConstraints"),
        )?,
        load_balancer,
        extra: Default::default(),
        service_name: name,
    })
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
