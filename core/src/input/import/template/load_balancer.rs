//! A service's `LoadBalancers` as the load balancer its tasks register
//! with: the container and port, the target group (or Classic Load
//! Balancer), and the deregistration delay, which is how long a stopping
//! task drains during a deployment (§5.8). The delay is read from the
//! target group's `deregistration_delay.timeout_seconds` attribute, or a
//! Classic Load Balancer's ConnectionDrainingPolicy, when the template
//! holds them; otherwise it is ELBv2's default, 300 s, and the import says so.

use serde_json::{json, Value};

use super::super::ImportError;
use super::intrinsics::{Ctx, Resolved};
use crate::model::LoadBalancer;

/// ELBv2's default deregistration delay (and a Classic Load Balancer's
/// default connection draining timeout), in seconds.
const DEFAULT_DELAY: u32 = 300;

/// The first of the service's `LoadBalancers`, none when it has none.
pub(super) fn read_load_balancer(
    ctx: &mut Ctx,
    props: &Value,
    path: &str,
) -> Result<Option<LoadBalancer>, ImportError> {
    let Some(list) = props.get("LoadBalancers").and_then(Value::as_array) else {
        return Ok(None);
    };
    let Some(first) = list.first() else {
        return Ok(None);
    };
    let lp = format!("{path}.LoadBalancers[0]");
    if list.len() > 1 {
        ctx.warnings.push(format!(
            "{path}.LoadBalancers: {} load balancers; Berth models the first, and drains by its delay",
            list.len()
        ));
    }
    let mut extra = crate::model::Extra::new();
    if let Some(name) = ctx.text(
        first.get("ContainerName"),
        &format!("{lp}.ContainerName"),
        None,
    ) {
        extra.insert("containerName".into(), json!(name));
    }
    if let Some(port) = ctx.number(
        first.get("ContainerPort"),
        &format!("{lp}.ContainerPort"),
        None,
    )? {
        extra.insert("containerPort".into(), json!(port));
    }
    let (key, field) = if first.get("TargetGroupArn").is_some() {
        ("targetGroupArn", "TargetGroupArn")
    } else {
        ("loadBalancerName", "LoadBalancerName")
    };
    let fp = format!("{lp}.{field}");
    let delay = match first.get(field).map(|v| ctx.resolve(v, &fp, None)) {
        Some(Resolved::Resource(id)) => {
            extra.insert(key.into(), json!(format!("{{{{Ref:{id}}}}}")));
            delay_of(ctx, &id)?
        }
        Some(Resolved::Text(t)) => {
            extra.insert(key.into(), json!(t));
            None
        }
        _ => None,
    };
    let deregistration_delay_seconds = match delay {
        Some(d) => d,
        None => {
            ctx.warnings.push(format!(
                "{fp}: the target group is not in the template; its deregistration delay is taken as ELBv2's default, {DEFAULT_DELAY} s"
            ));
            DEFAULT_DELAY
        }
    };
    Ok(Some(LoadBalancer {
        deregistration_delay_seconds,
        extra,
    }))
}

/// The deregistration delay the template gives resource `id`: a target
/// group's attribute (its default when the attribute is absent), or a
/// Classic Load Balancer's connection draining (0 when draining is off).
fn delay_of(ctx: &mut Ctx, id: &str) -> Result<Option<u32>, ImportError> {
    let Some(r) = ctx.resources.get(id) else {
        return Ok(None);
    };
    let path = format!("$.Resources.{id}.Properties");
    let props = r.get("Properties").cloned().unwrap_or(json!({}));
    let kind = r.get("Type").and_then(Value::as_str);
    if matches!(
        kind,
        Some(
            "AWS::ElasticLoadBalancingV2::TargetGroup" | "AWS::ElasticLoadBalancing::LoadBalancer"
        )
    ) {
        ctx.consulted.push(id.to_string());
    }
    match kind {
        Some("AWS::ElasticLoadBalancingV2::TargetGroup") => {
            let attributes = props
                .get("TargetGroupAttributes")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for (i, a) in attributes.iter().enumerate() {
                let ap = format!("{path}.TargetGroupAttributes[{i}]");
                if ctx
                    .text(a.get("Key"), &format!("{ap}.Key"), None)
                    .as_deref()
                    == Some("deregistration_delay.timeout_seconds")
                {
                    return ctx.number(a.get("Value"), &format!("{ap}.Value"), None);
                }
            }
            Ok(Some(DEFAULT_DELAY))
        }
        Some("AWS::ElasticLoadBalancing::LoadBalancer") => {
            let Some(policy) = props.get("ConnectionDrainingPolicy") else {
                return Ok(Some(0));
            };
            let pp = format!("{path}.ConnectionDrainingPolicy");
            let enabled = ctx.text(policy.get("Enabled"), &format!("{pp}.Enabled"), None);
            if enabled.as_deref() != Some("true") {
                return Ok(Some(0));
            }
            Ok(Some(
                ctx.number(policy.get("Timeout"), &format!("{pp}.Timeout"), None)?
                    .unwrap_or(DEFAULT_DELAY),
            ))
        }
        _ => Ok(None),
    }
}
