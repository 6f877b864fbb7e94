//! An Auto Scaling group (with its launch template or configuration) as an
//! instance group: type, count, zones, and the ECS agent's settings.

use serde_json::{json, Value};

use super::super::ImportError;
use super::berth_meta;
use super::intrinsics::Ctx;
use crate::model::InstanceGroup;

pub(super) fn import_group(
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
