//! `AWS::ApplicationAutoScaling::ScalableTarget` resources on
//! `ecs:service:DesiredCount`, as the range each service's desiredCount is
//! kept in (Application Auto Scaling, RegisterScalableTarget). The target
//! names its service in `ResourceId`, `service/CLUSTER/SERVICE`, where the
//! service is usually `Fn::GetAtt [Service, Name]` (a placeholder here) or
//! its ServiceName.

use serde_json::{json, Value};

use super::super::ImportError;
use super::intrinsics::Ctx;
use crate::model::{ScalableTarget, Service};

/// Gives each service the scalable target that names it (noting the
/// targets it read in `ctx.consulted`; the rest are reported as unmodelled).
pub(super) fn attach_scalable_targets(
    ctx: &mut Ctx,
    services: &mut [Service],
    service_ids: &[String],
) -> Result<(), ImportError> {
    let targets: Vec<(String, Value)> = ctx
        .resources
        .iter()
        .filter(|(_, r)| {
            r.get("Type").and_then(Value::as_str)
                == Some("AWS::ApplicationAutoScaling::ScalableTarget")
        })
        .map(|(id, r)| (id.clone(), r.clone()))
        .collect();
    for (id, r) in targets {
        // A target whose Condition is false was said so with the others.
        if let Some(c) = r.get("Condition").and_then(Value::as_str) {
            if ctx.condition(c) == Some(false) {
                continue;
            }
        }
        let props = r.get("Properties").cloned().unwrap_or(json!({}));
        let path = format!("$.Resources.{id}.Properties");
        let dimension = ctx.text(
            props.get("ScalableDimension"),
            &format!("{path}.ScalableDimension"),
            None,
        );
        if dimension.as_deref() != Some("ecs:service:DesiredCount") {
            continue;
        }
        let Some(resource_id) =
            ctx.text(props.get("ResourceId"), &format!("{path}.ResourceId"), None)
        else {
            continue;
        };
        let named = resource_id.rsplit('/').next().unwrap_or("");
        let Some(i) = services.iter().zip(service_ids).position(|(s, sid)| {
            named == s.service_name || named == format!("{{{{GetAtt:{sid}.Name}}}}")
        }) else {
            continue;
        };
        let min = ctx.number(
            props.get("MinCapacity"),
            &format!("{path}.MinCapacity"),
            None,
        )?;
        let max = ctx.number(
            props.get("MaxCapacity"),
            &format!("{path}.MaxCapacity"),
            None,
        )?;
        if let (Some(min_capacity), Some(max_capacity)) = (min, max) {
            services[i].scalable_target = Some(ScalableTarget {
                min_capacity,
                max_capacity,
            });
            ctx.consulted.push(id);
        }
    }
    Ok(())
}
