//! DAEMON services (§10.1): what ECS refuses for one, in the words of its
//! InvalidParameterException (E1030), and what it does not use (W2011).
//! Sources: the ECS Developer Guide, "Service scheduler concepts", Daemon
//! (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html),
//! the CreateService API reference, and the errors users quote
//! (kayac/ecspresso #402, aws/aws-cdk #2209, aws/containers-roadmap #692).

use serde_json::Value;

use super::Out;
use crate::model::Plan;

const REFUSED: &str = "E1030";
const UNUSED: &str = "W2011";

pub(super) fn daemon_rules(plan: &Plan, out: &mut Out) {
    for (i, s) in plan.services.iter().enumerate() {
        let path = format!("$.services[{i}]");
        match s.extra.get("schedulingStrategy") {
            None => continue,
            Some(Value::String(v)) if v == "REPLICA" => continue,
            Some(Value::String(v)) if v == "DAEMON" => {}
            Some(other) => {
                out.error(
                    REFUSED,
                    format!("{path}.schedulingStrategy"),
                    format!("schedulingStrategy {other} must be REPLICA or DAEMON"),
                );
                continue;
            }
        }
        let mut refuse = |field: &str, message: &str| {
            out.error(REFUSED, format!("{path}.{field}"), message.to_string())
        };
        if !s.placement_strategy.is_empty() {
            refuse(
                "placementStrategy",
                "The daemon scheduling strategy does not support placement strategies. Remove \
                 the placement strategy and try again",
            );
        }
        if s.deployment_configuration.maximum_percent > 100 {
            refuse(
                "deploymentConfiguration.maximumPercent",
                "The daemon scheduling strategy does not support values above 100 for \
                 maximumPercent",
            );
        }
        if s.extra.contains_key("capacityProviderStrategy") {
            refuse(
                "capacityProviderStrategy",
                "Specifying a capacity provider strategy is not supported when you create a \
                 service using the DAEMON scheduling strategy.",
            );
        }
        if !plan.on_instances(s) {
            refuse(
                "schedulingStrategy",
                "Fargate tasks do not support the DAEMON scheduling strategy",
            );
        }
        if let Some(kind) = s.other_deployment_controller() {
            refuse(
                "deploymentController.type",
                &format!(
                    "the {kind} deployment controller does not support the DAEMON scheduling \
                     strategy"
                ),
            );
        }
        if s.scalable_target.is_some() {
            out.warn(
                UNUSED,
                format!("{path}.scalableTarget"),
                format!(
                    "{} is a DAEMON service: ECS sets its desiredCount to the instances that \
                     meet its constraints, so Service Auto Scaling has nothing to scale",
                    s.service_name
                ),
            );
        }
        if let Some(k) = plan
            .pins
            .iter()
            .position(|p| p.service == s.service_name && !p.held)
        {
            out.warn(
                UNUSED,
                format!("$.pins[{k}]"),
                format!(
                    "{} is a DAEMON service: ECS puts one of its tasks on each instance that \
                     meets its constraints, and its pins are not used",
                    s.service_name
                ),
            );
        }
    }
}
