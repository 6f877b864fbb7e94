//! The service form and whole services: save (a new service, or changes to
//! one), duplicate, delete. A saved form is checked by the same rules as a
//! loaded plan, and each error is shown beside the field it is about.

use serde::{Deserialize, Serialize};

use super::{keep_pins_within, refuse, service_mut, EditError};
use crate::model::{
    ContainerDefinition, KeyValue, NetworkMode, Plan, PortMapping, Service, TaskDefinition,
};
use crate::rules::{validate, Severity};

/// The fields of the service form, as a person fills them in.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceForm {
    /// The service's name, also its task definition's family when new.
    pub name: String,
    /// The container image, e.g. `nginx:1.27`.
    pub image: String,
    /// The container's CPU units (1,024 per vCPU).
    pub cpu: u32,
    /// The soft limit in MiB.
    pub memory_reservation: Option<u32>,
    /// The hard limit.
    pub memory: Option<u32>,
    /// The first port mapping's container port.
    pub container_port: Option<u16>,
    /// None or 0 for a dynamic port (bridge).
    pub host_port: Option<u16>,
    /// The task definition's network mode.
    pub network_mode: NetworkMode,
    /// The service's desiredCount.
    pub desired_count: u32,
    /// The container's JAVA_OPTS, empty for none.
    pub java_opts: String,
}

/// Saves the form: a new service and task definition, or changes to
/// `original` that keep what the form does not show.
pub(super) fn save(
    next: &mut Plan,
    plan: &Plan,
    original: Option<&str>,
    form: &ServiceForm,
) -> Result<(), EditError> {
    let name = checked_name(plan, original, form)?;
    let container = container_from(form, &name);
    match original.and_then(|o| plan.service(o)).cloned() {
        Some(old) => update(next, plan, &old, container, form, &name)?,
        None => add(next, container, form, &name),
    }
    findings_on_form(next, &name)
}

/// The form's name, trimmed, once it is one ECS takes and no other service
/// or family has; and an image.
fn checked_name(
    plan: &Plan,
    original: Option<&str>,
    form: &ServiceForm,
) -> Result<String, EditError> {
    let name = form.name.trim().to_string();
    let mut fields = Vec::new();
    if name.is_empty() {
        fields.push(("name".to_string(), "a service needs a name".to_string()));
    } else if name
        .chars()
        .any(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        || name.len() > 255
    {
        fields.push((
            "name".into(),
            "use up to 255 letters, numbers, hyphens and underscores, as ECS does".into(),
        ));
    } else if Some(name.as_str()) != original
        && (plan.service(&name).is_some() || plan.task_definitions.iter().any(|t| t.family == name))
    {
        fields.push((
            "name".into(),
            format!("a service or task definition named {name} already exists"),
        ));
    }
    if form.image.trim().is_empty() {
        fields.push((
            "image".into(),
            "give the container image, e.g. nginx:1.27".into(),
        ));
    }
    // §2.2: memory and memoryReservation are non-zero integers when given; 0
    // is refused here rather than read as "none" (issue 21).
    for (field, value) in [
        ("memoryReservation", form.memory_reservation),
        ("memory", form.memory),
    ] {
        if value == Some(0) {
            fields.push((
                field.into(),
                format!("{field} must be a non-zero number of MiB; leave it empty for none"),
            ));
        }
    }
    form_errors(fields)?;
    Ok(name)
}

/// The container the form describes: in bridge mode an empty host port is
/// a dynamic one (0); elsewhere it is left out.
fn container_from(form: &ServiceForm, name: &str) -> ContainerDefinition {
    let mut container = ContainerDefinition {
        name: name.to_string(),
        image: form.image.trim().to_string(),
        cpu: form.cpu,
        memory: form.memory.filter(|&m| m > 0),
        memory_reservation: form.memory_reservation.filter(|&m| m > 0),
        essential: Some(true),
        port_mappings: Vec::new(),
        environment: Vec::new(),
        command: Vec::new(),
        entry_point: Vec::new(),
        extra: Default::default(),
    };
    if let Some(port) = form.container_port {
        container.port_mappings.push(PortMapping {
            container_port: port,
            host_port: match form.network_mode {
                NetworkMode::Bridge => Some(form.host_port.unwrap_or(0)),
                _ => form.host_port.filter(|&h| h > 0),
            },
            protocol: Default::default(),
            extra: Default::default(),
        });
    }
    if !form.java_opts.trim().is_empty() {
        container.environment.push(KeyValue {
            name: "JAVA_OPTS".into(),
            value: form.java_opts.trim().to_string(),
        });
    }
    container
}

/// Changes an existing service: its task definition's first container takes
/// the form's fields, the service and its pins take the new name.
fn update(
    next: &mut Plan,
    plan: &Plan,
    old: &Service,
    container: ContainerDefinition,
    form: &ServiceForm,
    name: &str,
) -> Result<(), EditError> {
    let td_index = next
        .task_definitions
        .iter()
        .position(|t| Some(t) == plan.task_definition(&old.task_definition))
        .ok_or_else(|| refuse("the service's task definition is missing"))?;
    let td = &mut next.task_definitions[td_index];
    let merged = merge_first_container(td.container_definitions.first(), container);
    if td.container_definitions.is_empty() {
        td.container_definitions.push(merged);
    } else {
        td.container_definitions[0] = merged;
    }
    td.network_mode = form.network_mode;
    if td.family == old.service_name && name != old.service_name {
        td.family = name.to_string();
    }
    let family = td.family.clone();
    let svc = service_mut(next, &old.service_name)?;
    svc.service_name = name.to_string();
    svc.desired_count = form.desired_count;
    if svc.task_definition.split(':').next() == Some(old.service_name.as_str()) && family == name {
        svc.task_definition = name.to_string();
    }
    for p in next
        .pins
        .iter_mut()
        .filter(|p| p.service == old.service_name)
    {
        p.service = name.to_string();
    }
    keep_pins_within(next, name, form.desired_count);
    Ok(())
}

/// The form's fields over the first container, keeping what the form does
/// not show: other ports, other environment variables, every other field.
fn merge_first_container(
    first: Option<&ContainerDefinition>,
    container: ContainerDefinition,
) -> ContainerDefinition {
    let mut merged = first.cloned().unwrap_or_else(|| container.clone());
    merged.name = container.name;
    merged.image = container.image;
    merged.cpu = container.cpu;
    merged.memory = container.memory;
    merged.memory_reservation = container.memory_reservation;
    match (
        merged.port_mappings.first_mut(),
        container.port_mappings.first(),
    ) {
        (Some(pm), Some(new)) => {
            pm.container_port = new.container_port;
            pm.host_port = new.host_port;
        }
        (None, Some(new)) => merged.port_mappings.push(new.clone()),
        (Some(_), None) => merged.port_mappings.clear(),
        (None, None) => {}
    }
    merged.environment.retain(|kv| kv.name != "JAVA_OPTS");
    merged.environment.extend(container.environment);
    merged
}

/// A new service and its own task definition, revision 1.
fn add(next: &mut Plan, container: ContainerDefinition, form: &ServiceForm, name: &str) {
    next.task_definitions.push(TaskDefinition {
        family: name.to_string(),
        revision: 1,
        network_mode: form.network_mode,
        cpu: None,
        memory: None,
        container_definitions: vec![container],
        placement_constraints: Vec::new(),
        extra: Default::default(),
    });
    next.services.push(Service {
        service_name: name.to_string(),
        task_definition: name.to_string(),
        desired_count: form.desired_count,
        deployment_configuration: Default::default(),
        placement_strategy: Vec::new(),
        placement_constraints: Vec::new(),
        load_balancer: None,
        scalable_target: None,
        extra: Default::default(),
    });
}

/// The caps and the register-time errors about the saved service, each on
/// the form field it is about.
fn findings_on_form(next: &Plan, name: &str) -> Result<(), EditError> {
    let s_index = next
        .services
        .iter()
        .position(|s| s.service_name == name)
        .expect("just saved");
    let t_index = next
        .task_definitions
        .iter()
        .position(|t| Some(t) == next.task_definition(&next.services[s_index].task_definition))
        .expect("just saved");
    if let Err(e) = crate::input::caps::check(next) {
        let field = form_field(&e.path, s_index, t_index).unwrap_or("name");
        return form_errors(vec![(field.to_string(), e.message)]);
    }
    let fields: Vec<(String, String)> = validate(next)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .filter_map(|f| {
            form_field(&f.path, s_index, t_index).map(|field| (field.to_string(), f.message))
        })
        .collect();
    form_errors(fields)
}

/// A copy of the service and its task definition as `NAME-copy` (or
/// `NAME-copy-2`, …), whichever is free.
pub(super) fn duplicate(plan: &Plan, next: &mut Plan, service: &str) -> Result<(), EditError> {
    let svc = plan
        .service(service)
        .ok_or_else(|| refuse(format!("no service named {service}")))?;
    let td = plan
        .task_definition(&svc.task_definition)
        .ok_or_else(|| refuse("the service's task definition is missing"))?;
    let mut name = format!("{service}-copy");
    let mut n = 2;
    while plan.service(&name).is_some() || plan.task_definitions.iter().any(|t| t.family == name) {
        name = format!("{service}-copy-{n}");
        n += 1;
    }
    let mut td2 = td.clone();
    td2.family = name.clone();
    td2.revision = 1;
    let mut s2 = svc.clone();
    s2.service_name = name.clone();
    s2.task_definition = name;
    next.task_definitions.push(td2);
    next.services.push(s2);
    Ok(())
}

/// The service and its pins go; its task definition too when no other
/// service or standalone task uses that family.
pub(super) fn delete(plan: &Plan, next: &mut Plan, service: &str) -> Result<(), EditError> {
    let svc = plan
        .service(service)
        .ok_or_else(|| refuse(format!("no service named {service}")))?
        .clone();
    next.services.retain(|s| s.service_name != service);
    next.pins.retain(|p| p.service != service);
    let family = plan
        .task_definition(&svc.task_definition)
        .map(|t| t.family.clone());
    if let Some(family) = family {
        let used = next.services.iter().any(|s| {
            next.task_definition(&s.task_definition)
                .is_some_and(|t| t.family == family)
        }) || next
            .tasks
            .iter()
            .any(|t| t.task_definition.split(':').next() == Some(family.as_str()));
        if !used {
            next.task_definitions.retain(|t| t.family != family);
        }
    }
    Ok(())
}

/// Refuses a service form when any field has an error.
fn form_errors(fields: Vec<(String, String)>) -> Result<(), EditError> {
    if fields.is_empty() {
        return Ok(());
    }
    Err(EditError {
        message: "the service has errors".into(),
        instance: None,
        reason: None,
        fields,
    })
}

/// Maps a validation path about this service or its task definition to a form field.
fn form_field(path: &str, service_index: usize, td_index: usize) -> Option<&'static str> {
    let s = format!("$.services[{service_index}]");
    let t = format!("$.taskDefinitions[{td_index}]");
    if let Some(rest) = path.strip_prefix(&s) {
        return Some(match rest {
            ".serviceName" => "name",
            ".desiredCount" => "desiredCount",
            _ => "name",
        });
    }
    let rest = path.strip_prefix(&t)?;
    Some(if rest.contains("hostPort") {
        "hostPort"
    } else if rest.contains("portMappings") {
        "containerPort"
    } else if rest.ends_with(".memoryReservation") {
        "memoryReservation"
    } else if rest.ends_with(".memory") {
        "memory"
    } else if rest.ends_with(".cpu") {
        "cpu"
    } else if rest.ends_with(".image") {
        "image"
    } else {
        "name"
    })
}

/// The form for an existing service (its task definition's first container).
pub fn service_form(plan: &Plan, service: &str) -> Option<ServiceForm> {
    let s = plan.service(service)?;
    let td = plan.task_definition(&s.task_definition)?;
    let c = td.container_definitions.first()?;
    let pm = c.port_mappings.first();
    Some(ServiceForm {
        name: s.service_name.clone(),
        image: c.image.clone(),
        cpu: c.cpu,
        memory_reservation: c.memory_reservation,
        memory: c.memory,
        container_port: pm.map(|p| p.container_port),
        host_port: pm.and_then(|p| p.host_port),
        network_mode: td.network_mode,
        desired_count: s.desired_count,
        java_opts: c.env("JAVA_OPTS").unwrap_or("").to_string(),
    })
}
