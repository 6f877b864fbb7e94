//! A CloudFormation template as a plan: its parameters, then each resource
//! Berth models (Auto Scaling groups as instance groups, task definitions,
//! services), read through the intrinsics it can resolve.

mod group;
mod intrinsics;
mod service;
mod task_definition;

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use super::{empty_cluster, error, ImportError, ImportKind, Imported};
use crate::cfn::template::METADATA_KEY;
use crate::model::{CloudFormation, Parameter, Plan, BERTH_VERSION};
use group::import_group;
use intrinsics::Ctx;
use service::import_service;
use task_definition::import_task_definition;

/// Reads a template, with the `--param K=V` values given.
pub(super) fn template(
    t: &Map<String, Value>,
    given: &[(String, String)],
) -> Result<Imported, ImportError> {
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

pub(super) fn berth_meta<'a>(r: &'a Value, key: &str) -> Option<&'a Value> {
    r.get("Metadata")?.get(METADATA_KEY)?.get(key)
}
