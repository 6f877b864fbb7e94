//! Edits the planner board sends: `apply(plan, edit)` returns the new plan or
//! an error in ECS's words, and the plan the user had is never half-changed
//! (crux-style: events in, a new model out; the shell only renders).

use serde::{Deserialize, Serialize};

use crate::model::catalogue::catalogue;
use crate::model::{
    ConstraintType, ContainerDefinition, InstanceGroup, KeyValue, NetworkMode, Pin,
    PlacementConstraint, Plan, PortMapping, Service, TaskDefinition,
};
use crate::placement::{place, Failure, Owner, Placement, Reason, TaskRequest};
use crate::rules::{validate, Severity};

pub use crate::input::caps::MAX_INSTANCES;

/// The fields of the service form, as a person fills them in.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceForm {
    pub name: String,
    pub image: String,
    pub cpu: u32,
    pub memory_reservation: Option<u32>,
    /// The hard limit.
    pub memory: Option<u32>,
    pub container_port: Option<u16>,
    /// None or 0 for a dynamic port (bridge).
    pub host_port: Option<u16>,
    pub network_mode: NetworkMode,
    pub desired_count: u32,
    pub java_opts: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Edit {
    AddGroup {
        instance_type: String,
        count: u32,
    },
    SetGroupType {
        group: String,
        instance_type: String,
    },
    SetGroupCount {
        group: String,
        count: u32,
    },
    RemoveGroup {
        group: String,
    },
    /// One more task of the service on this group (desiredCount + 1 and a
    /// memberOf constraint on the group's instance type).
    DropOnGroup {
        service: String,
        group: String,
    },
    /// One more task pinned to this instance.
    DropOnInstance {
        service: String,
        instance: String,
    },
    MoveTask {
        service: String,
        from: String,
        to: String,
    },
    /// Off the board: one task fewer.
    RemoveTask {
        service: String,
        instance: String,
    },
    SaveService {
        original: Option<String>,
        form: ServiceForm,
    },
    DuplicateService {
        service: String,
    },
    DeleteService {
        service: String,
    },
    /// An explicit CloudFormation parameter value (None removes it, so the
    /// binding or Default applies again).
    SetParameterValue {
        name: String,
        value: Option<String>,
    },
}

/// Why an edit was refused. The plan is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditError {
    pub message: String,
    /// The instance the message is about, to show it there.
    pub instance: Option<String>,
    pub reason: Option<Reason>,
    /// Form field → message, for the service form.
    pub fields: Vec<(String, String)>,
}

impl EditError {
    /// ECS's refusal, shown on `instance`.
    fn from_failure(f: Failure, instance: Option<String>) -> EditError {
        EditError {
            message: f.message,
            instance,
            reason: Some(f.reason),
            fields: Vec::new(),
        }
    }
}

fn refuse(message: impl Into<String>) -> EditError {
    EditError {
        message: message.into(),
        instance: None,
        reason: None,
        fields: Vec::new(),
    }
}

/// Re-placing the whole plan must not leave a task without a place that had
/// one before: a drop never evicts another service's task.
fn no_new_unplaced(was: &Placement, now: &Placement) -> Result<(), EditError> {
    let count = |p: &Placement| p.unplaced.iter().map(|u| u.count).sum::<u32>();
    if count(now) > count(was) {
        let u = now.unplaced.last().expect("more unplaced means an entry");
        return Err(EditError::from_failure(
            u.failure.clone(),
            u.failure.closest.clone(),
        ));
    }
    Ok(())
}

/// Applies one edit; Err leaves the caller's plan as it was.
pub fn apply(plan: &Plan, edit: &Edit) -> Result<Plan, EditError> {
    let mut next = plan.clone();
    match edit {
        Edit::AddGroup {
            instance_type,
            count,
        } => {
            known_type(instance_type)?;
            room_for(plan, *count)?;
            let family = instance_type
                .split('.')
                .next()
                .unwrap_or("group")
                .to_string();
            let mut name = family.clone();
            let mut n = 2;
            while plan.cluster.instance_groups.iter().any(|g| g.name == name) {
                name = format!("{family}-{n}");
                n += 1;
            }
            let zones = plan
                .cluster
                .instance_groups
                .first()
                .map(|g| g.availability_zones.clone())
                .unwrap_or_default();
            next.cluster.instance_groups.push(InstanceGroup {
                name,
                instance_type: instance_type.clone(),
                count: *count,
                availability_zones: zones,
                reserved_memory: 0,
                registered_memory: None,
                awsvpc_trunking: false,
                extra: Default::default(),
            });
        }
        Edit::SetGroupType {
            group,
            instance_type,
        } => {
            known_type(instance_type)?;
            let g = group_mut(&mut next, group)?;
            g.instance_type = instance_type.clone();
            // A registered-memory override belonged to the old type.
            g.registered_memory = None;
        }
        Edit::SetGroupCount { group, count } => {
            let current = group_mut(&mut next, group)?.count;
            room_for(plan, count.saturating_sub(current))?;
            group_mut(&mut next, group)?.count = *count;
            let prefix = format!("{group}-");
            // Pins to instances that no longer exist go with them.
            next.pins.retain(|p| {
                p.instance
                    .strip_prefix(&prefix)
                    .and_then(|n| n.parse::<u32>().ok())
                    .is_none_or(|n| n <= *count)
            });
        }
        Edit::RemoveGroup { group } => {
            group_mut(&mut next, group)?;
            next.cluster.instance_groups.retain(|g| &g.name != group);
            let prefix = format!("{group}-");
            next.pins.retain(|p| !p.instance.starts_with(&prefix));
        }
        Edit::DropOnGroup { service, group } => {
            let itype = plan
                .cluster
                .instance_groups
                .iter()
                .find(|g| &g.name == group)
                .map(|g| g.instance_type.clone())
                .ok_or_else(|| refuse(format!("no instance group named {group}")))?;
            // Placed once: the constraint, the trial and the eviction check all read it.
            let placement = place(plan);
            let svc = service_mut(&mut next, service)?;
            svc.desired_count += 1;
            add_instance_type(svc, &itype, &placement);
            // As ECS would: the tasks already running stay; the new one must fit beside them.
            let request = next
                .service(service)
                .and_then(|s| TaskRequest::for_service(&next, s));
            let mut trial = placement.state.clone();
            if let Some(req) = request {
                trial.place_one(&req).map_err(|f| {
                    let closest = f.closest.clone();
                    EditError::from_failure(f, closest)
                })?;
            }
            no_new_unplaced(&placement, &place(&next))?;
        }
        Edit::DropOnInstance { service, instance } => {
            let placement = place(plan);
            placement
                .try_one_more(plan, service, instance)
                .map_err(|f| EditError::from_failure(f, Some(instance.clone())))?;
            service_mut(&mut next, service)?.desired_count += 1;
            next.pins.push(Pin {
                service: service.clone(),
                instance: instance.clone(),
            });
            no_new_unplaced(&placement, &place(&next))?;
        }
        Edit::MoveTask { service, from, to } => {
            if from == to {
                return Ok(next);
            }
            match next
                .pins
                .iter()
                .position(|p| &p.service == service && &p.instance == from)
            {
                Some(i) => next.pins[i].instance = to.clone(),
                None => next.pins.push(Pin {
                    service: service.clone(),
                    instance: to.clone(),
                }),
            }
            let after = place(&next);
            if let Some(u) = after.unplaced.iter().find(|u| {
                u.owner == Owner::Service(service.as_str().into())
                    && u.pinned_instance.as_deref() == Some(to)
            }) {
                return Err(EditError::from_failure(u.failure.clone(), Some(to.clone())));
            }
            no_new_unplaced(&place(plan), &after)?;
        }
        Edit::RemoveTask { service, instance } => {
            let svc = service_mut(&mut next, service)?;
            svc.desired_count = svc.desired_count.saturating_sub(1);
            if let Some(i) = next
                .pins
                .iter()
                .position(|p| &p.service == service && &p.instance == instance)
            {
                next.pins.remove(i);
            }
            let desired = next.service(service).map_or(0, |s| s.desired_count) as usize;
            // Never more pins than desired tasks.
            let mut kept = 0;
            next.pins.retain(|p| {
                if &p.service != service {
                    return true;
                }
                kept += 1;
                kept <= desired
            });
        }
        Edit::SetParameterValue { name, value } => {
            if !crate::cfn::template::parameters(plan).contains_key(name) {
                return Err(refuse(format!(
                    "Parameters: [{name}] do not exist in the template"
                )));
            }
            let cfn = next.cloud_formation.get_or_insert_with(Default::default);
            match value {
                Some(v) => {
                    cfn.values.insert(name.clone(), v.clone());
                }
                None => {
                    cfn.values.shift_remove(name);
                }
            }
        }
        Edit::SaveService { original, form } => {
            save_service(&mut next, plan, original.as_deref(), form)?
        }
        Edit::DuplicateService { service } => {
            let svc = plan
                .service(service)
                .ok_or_else(|| refuse(format!("no service named {service}")))?;
            let td = plan
                .task_definition(&svc.task_definition)
                .ok_or_else(|| refuse("the service's task definition is missing"))?;
            let mut name = format!("{service}-copy");
            let mut n = 2;
            while plan.service(&name).is_some()
                || plan.task_definitions.iter().any(|t| t.family == name)
            {
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
        }
        Edit::DeleteService { service } => {
            let svc = plan
                .service(service)
                .ok_or_else(|| refuse(format!("no service named {service}")))?
                .clone();
            next.services.retain(|s| &s.service_name != service);
            next.pins.retain(|p| &p.service != service);
            // Drop its task definition when nothing else uses that family.
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
        }
    }
    // Any edit that grows the plan past a cap is refused (room_for gives the
    // friendlier message for instance counts first).
    crate::input::caps::check(&next).map_err(|e| refuse(e.message))?;
    Ok(next)
}

fn known_type(t: &str) -> Result<(), EditError> {
    catalogue()
        .get(t)
        .map(|_| ())
        .ok_or_else(|| refuse(format!("unknown instance type \"{t}\"")))
}

fn room_for(plan: &Plan, more: u32) -> Result<(), EditError> {
    let now: u32 = plan.cluster.instance_groups.iter().map(|g| g.count).sum();
    if now.saturating_add(more) > MAX_INSTANCES {
        return Err(refuse(format!(
            "a cluster can have at most {MAX_INSTANCES} container instances; this would make {}",
            now + more
        )));
    }
    Ok(())
}

fn group_mut<'a>(plan: &'a mut Plan, name: &str) -> Result<&'a mut InstanceGroup, EditError> {
    plan.cluster
        .instance_groups
        .iter_mut()
        .find(|g| g.name == name)
        .ok_or_else(|| refuse(format!("no instance group named {name}")))
}

fn service_mut<'a>(plan: &'a mut Plan, name: &str) -> Result<&'a mut Service, EditError> {
    plan.services
        .iter_mut()
        .find(|s| s.service_name == name)
        .ok_or_else(|| refuse(format!("no service named {name}")))
}

const TYPE_LIST: &str = "attribute:ecs.instance-type in [";

/// Adds an instance type to the service's Berth-managed `in [...]`
/// constraint, creating it with the types the service already runs on.
fn add_instance_type(svc: &mut Service, itype: &str, placement: &Placement) {
    if let Some(c) = svc.placement_constraints.iter_mut().find(|c| {
        c.kind == ConstraintType::MemberOf
            && c.expression
                .as_deref()
                .is_some_and(|e| e.starts_with(TYPE_LIST))
    }) {
        let expr = c.expression.clone().unwrap_or_default();
        let inner = expr.trim_start_matches(TYPE_LIST).trim_end_matches(']');
        let mut types: Vec<String> = inner
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        if !types.iter().any(|t| t == itype) {
            types.push(itype.to_string());
        }
        c.expression = Some(format!("{TYPE_LIST}{}]", types.join(", ")));
        return;
    }
    let mut types: Vec<String> = Vec::new();
    for inst in placement.instances() {
        if inst
            .tasks
            .iter()
            .any(|t| t.owner == Owner::Service(svc.service_name.as_str().into()))
            && !types.contains(&inst.instance.instance_type)
        {
            types.push(inst.instance.instance_type.clone());
        }
    }
    if !types.iter().any(|t| t == itype) {
        types.push(itype.to_string());
    }
    svc.placement_constraints.push(PlacementConstraint {
        kind: ConstraintType::MemberOf,
        expression: Some(format!("{TYPE_LIST}{}]", types.join(", "))),
    });
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

fn save_service(
    next: &mut Plan,
    plan: &Plan,
    original: Option<&str>,
    form: &ServiceForm,
) -> Result<(), EditError> {
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
    form_errors(fields)?;
    let mut container = ContainerDefinition {
        name: name.clone(),
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
    let existing = original.and_then(|o| plan.service(o)).cloned();
    match existing {
        Some(old) => {
            let td_ref = old.task_definition.clone();
            let td_index = next
                .task_definitions
                .iter()
                .position(|t| Some(t) == plan.task_definition(&td_ref))
                .ok_or_else(|| refuse("the service's task definition is missing"))?;
            let td = &mut next.task_definitions[td_index];
            // Keep what the form does not show: other containers, extra ports, other variables.
            let mut merged = td
                .container_definitions
                .first()
                .cloned()
                .unwrap_or_else(|| container.clone());
            merged.name = container.name.clone();
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
            if td.container_definitions.is_empty() {
                td.container_definitions.push(merged);
            } else {
                td.container_definitions[0] = merged;
            }
            td.network_mode = form.network_mode;
            if td.family == old.service_name && name != old.service_name {
                td.family = name.clone();
            }
            let family = td.family.clone();
            let svc = service_mut(next, &old.service_name)?;
            svc.service_name = name.clone();
            svc.desired_count = form.desired_count;
            if svc.task_definition.split(':').next() == Some(old.service_name.as_str())
                && family == name
            {
                svc.task_definition = name.clone();
            }
            for p in next
                .pins
                .iter_mut()
                .filter(|p| p.service == old.service_name)
            {
                p.service = name.clone();
            }
            let desired = form.desired_count as usize;
            let mut kept = 0;
            next.pins.retain(|p| {
                if p.service != name {
                    return true;
                }
                kept += 1;
                kept <= desired
            });
        }
        None => {
            next.task_definitions.push(TaskDefinition {
                family: name.clone(),
                revision: 1,
                network_mode: form.network_mode,
                cpu: None,
                memory: None,
                container_definitions: vec![container],
                placement_constraints: Vec::new(),
                extra: Default::default(),
            });
            next.services.push(Service {
                service_name: name.clone(),
                task_definition: name.clone(),
                desired_count: form.desired_count,
                deployment_configuration: Default::default(),
                placement_strategy: Vec::new(),
                placement_constraints: Vec::new(),
                load_balancer: None,
                extra: Default::default(),
            });
        }
    }
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
    form_errors(fields)?;
    Ok(())
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
