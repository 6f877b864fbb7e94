//! The new revision a deployment's change makes: the service's task
//! definition with a new image, size or port, one revision higher.

use super::{err, Change, DeployError};
use crate::model::{ContainerDefinition, Plan, Service, TaskDefinition};

/// Builds the new revision a change makes (or finds the one it names).
pub fn new_revision(
    plan: &Plan,
    service: &Service,
    change: &Change,
) -> Result<TaskDefinition, DeployError> {
    if let Some(r) = &change.task_definition {
        return plan.task_definition(r).cloned().ok_or_else(|| {
            err(
                "taskDefinition",
                format!("no task definition \"{r}\" in the plan"),
            )
        });
    }
    let current = plan
        .task_definition(&service.task_definition)
        .ok_or_else(|| {
            err(
                "service",
                format!(
                    "service {} names unknown task definition {}",
                    service.service_name, service.task_definition
                ),
            )
        })?;
    let mut td = current.clone();
    td.revision = plan
        .task_definitions
        .iter()
        .filter(|t| t.family == td.family)
        .map(|t| t.revision)
        .max()
        .unwrap_or(0)
        + 1;
    let idx = container_index(&td, change)?;
    let c = td.container_definitions.get_mut(idx).ok_or_else(|| {
        err(
            "container",
            format!("task definition {} has no containers", td.family),
        )
    })?;
    apply(c, change)?;
    Ok(td)
}

/// The container a change is for: the one it names, else the first
/// essential one, else the first.
fn container_index(td: &TaskDefinition, change: &Change) -> Result<usize, DeployError> {
    Ok(match &change.container {
        Some(name) => td
            .container_definitions
            .iter()
            .position(|c| &c.name == name)
            .ok_or_else(|| {
                err(
                    "container",
                    format!("task definition {} has no container \"{name}\"", td.family),
                )
            })?,
        None => td
            .container_definitions
            .iter()
            .position(|c| c.is_essential())
            .unwrap_or(0),
    })
}

/// The change's image (or only its tag, for ":1.5"), sizes and host port.
fn apply(c: &mut ContainerDefinition, change: &Change) -> Result<(), DeployError> {
    if let Some(image) = &change.image {
        if image.trim().is_empty() {
            return Err(err("image", "the image must not be empty"));
        }
        // "--image :1.5" changes only the tag.
        c.image = match image.strip_prefix(':') {
            Some(tag) => format!("{}:{tag}", crate::cfn::bindings::split_image(&c.image).0),
            None => image.clone(),
        };
    }
    if let Some(cpu) = change.cpu {
        c.cpu = cpu;
    }
    if let Some(m) = change.memory {
        c.memory = Some(m);
    }
    if let Some(r) = change.memory_reservation {
        c.memory_reservation = Some(r);
    }
    if let Some(h) = change.host_port {
        let pm = c.port_mappings.first_mut().ok_or_else(|| {
            err(
                "hostPort",
                format!("container {} has no port mapping to change", c.name),
            )
        })?;
        pm.host_port = Some(h);
    }
    Ok(())
}
