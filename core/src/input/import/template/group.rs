//! An Auto Scaling group (with its launch template or configuration) as an
//! instance group: type, count, zones, and the ECS agent's settings.

use serde_json::{json, Value};

use super::super::ImportError;
use super::intrinsics::berth_meta;
use super::intrinsics::{Ctx, Resolved};
use crate::model::InstanceGroup;
use indexmap::IndexMap;

pub(super) fn import_group(
    ctx: &mut Ctx,
    id: &str,
    r: &Value,
    props: &Value,
    path: &str,
) -> Result<Option<InstanceGroup>, ImportError> {
    let name = group_name(id, r);
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
    let Some((data, src_path)) = launch_data(ctx, props, path, &name) else {
        return Ok(None);
    };
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
    // Berth's whole stack names subnets, not zones: its metadata keeps them.
    let zones = match berth_meta(r, "availabilityZones").or(props.get("AvailabilityZones")) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|z| z.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    let attributes = instance_attributes(ctx, &data, &src_path);
    let meta_u32 = |k| berth_meta(r, k).and_then(Value::as_u64).map(|v| v as u32);
    // A Berth export writes its own sizes when the plan has none; only the
    // ones it recorded as the plan's are read back.
    let (min_size, max_size) = if berth_meta(r, "group").is_some() {
        (meta_u32("minSize"), meta_u32("maxSize"))
    } else {
        (
            ctx.number(props.get("MinSize"), &format!("{path}.MinSize"), None)?,
            ctx.number(props.get("MaxSize"), &format!("{path}.MaxSize"), None)?,
        )
    };
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
        min_size,
        max_size,
        attributes,
        extra: Default::default(),
    }))
}

/// The custom attributes the group's user data gives the agent
/// (`ECS_INSTANCE_ATTRIBUTES={"name":"value"}` in /etc/ecs/ecs.config), which
/// memberOf expressions read as `attribute:NAME`. The user data is read
/// inside its Fn::Base64, quietly: Berth looks only for that line.
fn instance_attributes(ctx: &mut Ctx, data: &Value, path: &str) -> IndexMap<String, String> {
    let user_data = match data.get("UserData") {
        Some(v) => v.get("Fn::Base64").unwrap_or(v).clone(),
        None => return IndexMap::new(),
    };
    let text = match ctx.quietly(&user_data, &format!("{path}.UserData")) {
        Resolved::Text(t) => t,
        _ => return IndexMap::new(),
    };
    let Some(line) = text
        .lines()
        .find_map(|l| l.split("ECS_INSTANCE_ATTRIBUTES=").nth(1))
    else {
        return IndexMap::new();
    };
    // `echo ECS_INSTANCE_ATTRIBUTES={\"k\":\"v\"} >> /etc/ecs/ecs.config`, or quoted.
    let json = line
        .split(" >>")
        .next()
        .unwrap_or(line)
        .trim()
        .replace("\\\"", "\"");
    let json = json.trim_matches(|c| c == '\'' || c == '"');
    serde_json::from_str::<IndexMap<String, Value>>(json)
        .map(|m| {
            m.into_iter()
                .filter_map(|(k, v)| crate::model::scalar::scalar_to_string(&v).map(|v| (k, v)))
                .collect()
        })
        .unwrap_or_default()
}

/// The group's name: the one a Berth export recorded, else the logical id
/// without its "AutoScalingGroup" suffix, in lower case.
fn group_name(id: &str, r: &Value) -> String {
    berth_meta(r, "group")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            let stem = id
                .strip_suffix("AutoScalingGroup")
                .filter(|s| !s.is_empty())
                .unwrap_or(id);
            stem.to_ascii_lowercase()
        })
}

/// The launch template's LaunchTemplateData, or the launch configuration's
/// properties, that the group names, with its JSON path: where the instance
/// type lives. None, with a warning, when Berth cannot follow it.
fn launch_data(ctx: &mut Ctx, props: &Value, path: &str, name: &str) -> Option<(Value, String)> {
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
        return None;
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
        return None;
    };
    if field.is_empty() {
        return Some((src, format!("$.Resources.{source}.Properties")));
    }
    Some((
        src.get(field).cloned().unwrap_or(json!({})),
        format!("$.Resources.{source}.Properties.{field}"),
    ))
}
