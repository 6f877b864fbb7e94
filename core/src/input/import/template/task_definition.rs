//! An `AWS::ECS::TaskDefinition` resource as a task definition: sizes,
//! network mode, containers with their ports and environment, constraints.

use serde_json::{json, Value};

use super::super::{error, ImportError};
use super::intrinsics::berth_meta;
use super::intrinsics::Ctx;
use crate::model::{
    ContainerDefinition, KeyValue, PlacementConstraint, PortMapping, TaskDefinition,
};

pub(super) fn import_task_definition(
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
    let definitions = list(props, "ContainerDefinitions");
    for (i, c) in definitions.iter().enumerate() {
        let cp = format!("{path}.ContainerDefinitions[{i}]");
        containers.push(container_definition(ctx, &family, c, &cp)?);
    }
    say_not_kept(ctx, props, &definitions, path);
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
        extra: compatibilities(ctx, props, path),
        family,
    })
}

/// The task definition properties Berth reads; [`CONTAINER_KEYS`] for a container's.
const TASK_KEYS: &[&str] = &[
    "Family",
    "NetworkMode",
    "Cpu",
    "Memory",
    "ContainerDefinitions",
    "PlacementConstraints",
    "RequiresCompatibilities",
];

/// The container properties Berth reads.
const CONTAINER_KEYS: &[&str] = &[
    "Name",
    "Image",
    "PortMappings",
    "Environment",
    "Essential",
    "Cpu",
    "Memory",
    "MemoryReservation",
    "Command",
    "EntryPoint",
    "ResourceRequirements",
];

/// One warning naming the properties Berth does not keep (roles, volumes,
/// log configuration …): an export will not write them, and the user must
/// not learn that later. (GPUs are kept; `check` says Berth does not place
/// by them, W2010.)
fn say_not_kept(ctx: &mut Ctx, props: &Value, containers: &[Value], path: &str) {
    let unknown = |v: &Value, known: &[&str]| -> Vec<String> {
        v.as_object()
            .map(|m| {
                m.keys()
                    .filter(|k| !known.contains(&k.as_str()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    let deployment_only = |k: &String| {
        ctx.written_by_berth && crate::cfn::template::DEPLOYMENT_PROPERTIES.contains(&k.as_str())
    };
    let mut task = unknown(props, TASK_KEYS);
    task.retain(|k| !deployment_only(k));
    let mut in_containers: Vec<String> = Vec::new();
    for c in containers {
        for k in unknown(c, CONTAINER_KEYS)
            .into_iter()
            .filter(|k| !deployment_only(k))
        {
            if !in_containers.contains(&k) {
                in_containers.push(k);
            }
        }
    }
    let mut parts = Vec::new();
    if !task.is_empty() {
        parts.push(task.join(", "));
    }
    if !in_containers.is_empty() {
        parts.push(format!("in its containers {}", in_containers.join(", ")));
    }
    if !parts.is_empty() {
        ctx.warnings.push(format!(
            "{path}: not modelled by Berth, so not kept (an export will not write them): {}",
            parts.join("; ")
        ));
    }
}

/// `RequiresCompatibilities`, kept where the task definition JSON has it
/// (`requiresCompatibilities`): what tells a Fargate-only one apart.
fn compatibilities(ctx: &mut Ctx, props: &Value, path: &str) -> crate::model::Extra {
    let mut extra = crate::model::Extra::new();
    if let Some(list) = props
        .get("RequiresCompatibilities")
        .and_then(Value::as_array)
    {
        let kinds: Vec<Value> = list
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                ctx.text(
                    Some(v),
                    &format!("{path}.RequiresCompatibilities[{i}]"),
                    None,
                )
            })
            .map(Value::String)
            .collect();
        // [EC2] is what an absent list means: kept out, so a round trip
        // through Berth's own template changes nothing.
        if kinds != [Value::String("EC2".into())] {
            extra.insert("requiresCompatibilities".into(), Value::Array(kinds));
        }
    }
    extra
}

pub(super) fn import_constraints(
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

/// One entry of ContainerDefinitions; the fields a parameter can set are
/// bound to it (`taskDefinitions[F].containerDefinitions[C].image` …).
fn container_definition(
    ctx: &mut Ctx,
    family: &str,
    c: &Value,
    cp: &str,
) -> Result<ContainerDefinition, ImportError> {
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
    for (k, pm) in list(c, "PortMappings").iter().enumerate() {
        ports.push(port_mapping(ctx, pm, &format!("{cp}.PortMappings[{k}]"))?);
    }
    let mut environment = Vec::new();
    for (k, kv) in list(c, "Environment").iter().enumerate() {
        let ep = format!("{cp}.Environment[{k}]");
        if let Some(n) = ctx.text(kv.get("Name"), &format!("{ep}.Name"), None) {
            let value = ctx
                .text(kv.get("Value"), &format!("{ep}.Value"), None)
                .unwrap_or_default();
            environment.push(KeyValue { name: n, value });
        }
    }
    let essential = match c.get("Essential") {
        Some(v) => ctx
            .text(Some(v), &format!("{cp}.Essential"), None)
            .map(|s| s == "true"),
        None => None,
    };
    // Read in this order, so that warnings and unresolved values keep it.
    let cpu = ctx
        .number(c.get("Cpu"), &format!("{cp}.Cpu"), bind("cpu"))?
        .unwrap_or(0);
    let memory = ctx.number(c.get("Memory"), &format!("{cp}.Memory"), bind("memory"))?;
    let memory_reservation = ctx.number(
        c.get("MemoryReservation"),
        &format!("{cp}.MemoryReservation"),
        bind("memoryReservation"),
    )?;
    let mut strings = |key: &str| -> Vec<String> {
        list(c, key)
            .iter()
            .enumerate()
            .filter_map(|(k, v)| ctx.text(Some(v), &format!("{cp}.{key}[{k}]"), None))
            .collect()
    };
    let command = strings("Command");
    let entry_point = strings("EntryPoint");
    let extra = resource_requirements(ctx, c, cp);
    Ok(ContainerDefinition {
        image,
        cpu,
        memory,
        memory_reservation,
        essential,
        port_mappings: ports,
        environment,
        command,
        entry_point,
        extra,
        name,
    })
}

/// A container's ResourceRequirements (GPUs), kept in ECS's names so that
/// `check` can say Berth does not place by them (W2010).
fn resource_requirements(ctx: &mut Ctx, c: &Value, cp: &str) -> crate::model::Extra {
    let mut extra = crate::model::Extra::new();
    let requirements: Vec<Value> = list(c, "ResourceRequirements")
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let rp = format!("{cp}.ResourceRequirements[{k}]");
            json!({
                "type": ctx.text(r.get("Type"), &format!("{rp}.Type"), None),
                "value": ctx.text(r.get("Value"), &format!("{rp}.Value"), None),
            })
        })
        .collect();
    if !requirements.is_empty() {
        extra.insert("resourceRequirements".into(), Value::Array(requirements));
    }
    extra
}

/// A list field of a resource's properties, empty when absent.
fn list(v: &Value, key: &str) -> Vec<Value> {
    v.get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// One PortMappings entry: ports within 0–65535, a protocol ECS knows.
fn port_mapping(ctx: &mut Ctx, pm: &Value, pp: &str) -> Result<PortMapping, ImportError> {
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
    Ok(PortMapping {
        container_port: u16::try_from(container_port)
            .map_err(|_| error(format!("{pp}.ContainerPort"), "port out of range"))?,
        host_port: host_port
            .map(|h| {
                u16::try_from(h).map_err(|_| error(format!("{pp}.HostPort"), "port out of range"))
            })
            .transpose()?,
        protocol: serde_json::from_value(json!(protocol.to_ascii_lowercase())).map_err(|_| {
            error(
                format!("{pp}.Protocol"),
                format!("unknown protocol \"{protocol}\""),
            )
        })?,
        extra: Default::default(),
    })
}
