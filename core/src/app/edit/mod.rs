//! Edits the planner board sends: [`apply`] returns the new plan or an error
//! in ECS's words, and the plan the user had is never half-changed
//! (crux-style: events in, a new model out; the shell only renders).
//!
//! Each kind of edit is one function: instance groups in `cluster`, tasks
//! dropped, moved or taken off the board in `drop`, the service form and
//! whole services in `service`, placing everything afresh in `rebalance`;
//! every edit keeps the tasks it does not touch where they run (`hold`).
//! Every edit ends with the caps check, so no edit can grow a plan past what
//! a loaded plan may be.

mod bound;
mod cluster;
mod drop;
mod hold;
mod rebalance;
mod service;

use serde::{Deserialize, Serialize};

use crate::model::catalogue::catalogue;
use crate::model::{InstanceGroup, Plan, Service};
use crate::placement::{Failure, Placement, Placer, Reason};

pub use crate::input::caps::MAX_INSTANCES;
pub use bound::moved_together;
pub use rebalance::{rebalance_preview, RebalancePreview, TaskMove};
pub use service::{service_form, ServiceForm};

/// One change a person makes on the board, the palette or a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Edit {
    /// A new instance group of `count` instances of a catalogue type.
    AddGroup {
        /// An EC2 instance type from the catalogue, e.g. `t3.small`.
        instance_type: String,
        /// How many container instances the group has.
        count: u32,
    },
    /// Another instance type for every instance of a group.
    SetGroupType {
        /// The group's name.
        group: String,
        /// The new EC2 instance type.
        instance_type: String,
    },
    /// Another number of instances in a group.
    SetGroupCount {
        /// The group's name.
        group: String,
        /// The new number of container instances.
        count: u32,
    },
    /// The group and its instances leave the cluster.
    RemoveGroup {
        /// The group's name.
        group: String,
    },
    /// One more task of the service on this group (desiredCount + 1 and a
    /// memberOf constraint on the group's instance type).
    DropOnGroup {
        /// The service whose task is dropped.
        service: String,
        /// The group it is dropped on.
        group: String,
    },
    /// One more task pinned to this instance.
    DropOnInstance {
        /// The service whose task is dropped.
        service: String,
        /// The container instance it is dropped on, e.g. `app-2`.
        instance: String,
    },
    /// One of the service's tasks from one instance to another.
    MoveTask {
        /// The service whose task moves.
        service: String,
        /// The instance it runs on now.
        from: String,
        /// The instance it is dropped on.
        to: String,
    },
    /// Off the board: one task fewer.
    RemoveTask {
        /// The service whose task is removed.
        service: String,
        /// The instance it ran on.
        instance: String,
    },
    /// The service form saved: a new service, or changes to `original`.
    SaveService {
        /// The service being edited; None for a new one.
        original: Option<String>,
        /// The form as the person filled it in.
        form: ServiceForm,
    },
    /// A copy of a service and its task definition, under a free name.
    DuplicateService {
        /// The service to copy.
        service: String,
    },
    /// The service goes, and its task definition when nothing else uses it.
    DeleteService {
        /// The service to delete.
        service: String,
    },
    /// One more value in a template parameter's AllowedValues (the fix for
    /// "must be one of AllowedValues" that widens the template).
    AllowParameterValue {
        /// The template parameter's name.
        name: String,
        /// The value to allow.
        value: String,
    },
    /// Every task placed afresh: the tasks held where they ran are let go
    /// (the user's own pins stay). See [`rebalance_preview`].
    Rebalance,
    /// The plan as it is now becomes the baseline the comparison holds the
    /// plan against, kept with it.
    PinBaseline,
    /// No baseline any more.
    ClearBaseline,
    /// A recommended cluster applied: one group of `count` × `instance_type`
    /// in place of the plan's groups (the first group's name, zones and
    /// attributes kept), every task placed afresh, as the recommendation
    /// placed them (issue 18).
    UseCluster {
        /// The EC2 instance type.
        instance_type: String,
        /// How many container instances.
        count: u32,
    },
    /// The plan on a recommended cluster becomes the baseline the
    /// comparison holds the plan against; the plan itself is unchanged.
    PinCluster {
        /// The EC2 instance type.
        instance_type: String,
        /// How many container instances.
        count: u32,
    },
    /// The JVM check's assumptions for one container (its threads and code
    /// cache); §7.5's defaults remove the entry.
    SetJvmAssumptions {
        /// The task definition's family.
        family: String,
        /// The container's name.
        container: String,
        /// What to assume.
        assumptions: crate::model::JvmAssumptions,
    },
    /// An explicit CloudFormation parameter value (None removes it, so the
    /// binding or Default applies again).
    SetParameterValue {
        /// The template parameter's name.
        name: String,
        /// Its value, or None for the binding or Default.
        value: Option<String>,
    },
}

/// Why an edit was refused. The plan is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditError {
    /// What is wrong, in ECS's words where ECS would refuse.
    pub message: String,
    /// The instance the message is about, to show it there.
    pub instance: Option<String>,
    /// ECS's reason, when placement refused the edit.
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

/// §10.1: a daemon's tasks go on every instance that meets its
/// constraints, one each, where ECS puts them; none is dropped, moved or
/// taken off by hand.
fn refuse_daemon_moves(plan: &Plan, edit: &Edit) -> Result<(), EditError> {
    let service = match edit {
        Edit::DropOnGroup { service, .. }
        | Edit::DropOnInstance { service, .. }
        | Edit::MoveTask { service, .. }
        | Edit::RemoveTask { service, .. } => service,
        _ => return Ok(()),
    };
    if plan.service(service).is_some_and(|s| s.is_daemon()) {
        return Err(refuse(format!(
            "{service} is a DAEMON service: ECS runs one of its tasks on each instance that \
             meets its constraints and places them itself; change its constraints or the \
             instance groups instead"
        )));
    }
    Ok(())
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

/// Applies one edit; Err leaves the caller's plan as it was. Places afresh
/// whatever the edit needs placed; a shell that edits the plan it draws
/// passes its own [`Placer`] to [`apply_with`] instead.
pub fn apply(plan: &Plan, edit: &Edit) -> Result<Plan, EditError> {
    apply_with(&mut Placer::default(), plan, edit)
}

/// [`apply`], placing through the caller's `placer`, which then remembers the
/// edited plan's placement for the board to draw.
pub fn apply_with(placer: &mut Placer, plan: &Plan, edit: &Edit) -> Result<Plan, EditError> {
    refuse_daemon_moves(plan, edit)?;
    let mut next = plan.clone();
    let next_ref = &mut next;
    match edit {
        Edit::AddGroup {
            instance_type,
            count,
        } => cluster::add_group(plan, next_ref, instance_type, *count)?,
        Edit::SetGroupType {
            group,
            instance_type,
        } => cluster::set_group_type(next_ref, group, instance_type)?,
        Edit::SetGroupCount { group, count } => {
            cluster::set_group_count(plan, next_ref, group, *count)?
        }
        Edit::RemoveGroup { group } => cluster::remove_group(next_ref, group)?,
        Edit::DropOnGroup { .. }
        | Edit::DropOnInstance { .. }
        | Edit::MoveTask { .. }
        | Edit::RemoveTask { .. } => drop_edit(placer, plan, next_ref, edit)?,
        Edit::SetParameterValue { name, value } => {
            set_parameter_value(plan, next_ref, name, value.as_deref())?
        }
        Edit::SaveService { original, form } => {
            service::save(next_ref, plan, original.as_deref(), form)?
        }
        Edit::DuplicateService { service } => service::duplicate(plan, next_ref, service)?,
        Edit::DeleteService { service } => service::delete(plan, next_ref, service)?,
        Edit::Rebalance => rebalance::rebalance(next_ref),
        Edit::AllowParameterValue { name, value } => allow_value(next_ref, name, value)?,
        Edit::SetJvmAssumptions {
            family,
            container,
            assumptions,
        } => set_jvm_assumptions(next_ref, family, container, *assumptions)?,
        Edit::PinBaseline => {
            let mut pinned = plan.clone();
            pinned.baseline = None;
            next_ref.baseline = Some(Box::new(pinned));
        }
        Edit::ClearBaseline => next_ref.baseline = None,
        Edit::UseCluster {
            instance_type,
            count,
        } => cluster::use_cluster(plan, next_ref, instance_type, *count)?,
        Edit::PinCluster {
            instance_type,
            count,
        } => {
            let mut pinned = plan.clone();
            cluster::use_cluster(plan, &mut pinned, instance_type, *count)?;
            pinned.baseline = None;
            next_ref.baseline = Some(Box::new(pinned));
        }
    }
    // Drops, moves and removals hold what they do not touch themselves; a
    // re-balance is the one edit that places afresh (issue 21).
    let places_itself = matches!(
        edit,
        Edit::DropOnGroup { .. }
            | Edit::DropOnInstance { .. }
            | Edit::MoveTask { .. }
            | Edit::RemoveTask { .. }
            | Edit::Rebalance
            | Edit::AllowParameterValue { .. }
            | Edit::SetJvmAssumptions { .. }
            | Edit::PinBaseline
            | Edit::ClearBaseline
            | Edit::PinCluster { .. }
    );
    if !places_itself {
        // One parameter, many fields: what the edit set, they all take. A
        // drop, move or removal places only the task the user moved, so a
        // desiredCount it changes is left for export to report instead.
        bound::follow_bindings(plan, &mut next);
        // A recommended cluster is applied as it was checked: placed afresh.
        if !matches!(edit, Edit::UseCluster { .. }) {
            hold::keep_running(placer, plan, &mut next);
        }
    }
    // Services keep their colours through every edit (a renamed one too).
    let renamed = match edit {
        Edit::SaveService {
            original: Some(o),
            form,
        } => Some((o.as_str(), form.name.as_str())),
        _ => None,
    };
    finish(plan, next, renamed)
}

/// Only the edits a drag on the board makes (a service dropped on a group or
/// an instance, a task moved or taken off), as [`apply_with`] applies them;
/// any other edit is refused. The web app's first module, which draws the
/// board before the rest of the app arrives, takes drags through this alone,
/// so that it carries no other edit's code (issue 20).
pub fn apply_drop(placer: &mut Placer, plan: &Plan, edit: &Edit) -> Result<Plan, EditError> {
    refuse_daemon_moves(plan, edit)?;
    let mut next = plan.clone();
    drop_edit(placer, plan, &mut next, edit)?;
    finish(plan, next, None)
}

fn drop_edit(
    placer: &mut Placer,
    plan: &Plan,
    next: &mut Plan,
    edit: &Edit,
) -> Result<(), EditError> {
    match edit {
        Edit::DropOnGroup { service, group } => drop::on_group(placer, plan, next, service, group),
        Edit::DropOnInstance { service, instance } => {
            drop::on_instance(placer, plan, next, service, instance)
        }
        Edit::MoveTask { service, from, to } => {
            drop::move_task(placer, plan, next, service, from, to)
        }
        Edit::RemoveTask { service, instance } => {
            drop::remove_task(placer, plan, next, service, instance)
        }
        _ => Err(refuse("only a drag on the board can be applied here")),
    }
}

/// What every edit ends with: services keep their colours (a renamed one
/// too), and a plan grown past a cap is refused.
fn finish(plan: &Plan, mut next: Plan, renamed: Option<(&str, &str)>) -> Result<Plan, EditError> {
    crate::app::view::carry_colours(plan, &mut next, renamed);
    // room_for gives the friendlier message for instance counts first.
    crate::input::caps::check(&next).map_err(|e| refuse(e.message))?;
    Ok(next)
}

fn set_parameter_value(
    plan: &Plan,
    next: &mut Plan,
    name: &str,
    value: Option<&str>,
) -> Result<(), EditError> {
    if !crate::cfn::params::parameters(plan).contains_key(name) {
        return Err(refuse(format!(
            "Parameters: [{name}] do not exist in the template"
        )));
    }
    let cfn = next.cloud_formation.get_or_insert_with(Default::default);
    match value {
        Some(v) => {
            cfn.values.insert(name.to_string(), v.to_string());
        }
        None => {
            cfn.values.shift_remove(name);
        }
    }
    Ok(())
}

fn allow_value(next: &mut Plan, name: &str, value: &str) -> Result<(), EditError> {
    let p = next
        .cloud_formation
        .as_mut()
        .and_then(|c| c.parameters.get_mut(name))
        .ok_or_else(|| refuse(format!("Parameters: [{name}] do not exist in the template")))?;
    if !p.allowed_values.iter().any(|a| a == value) {
        p.allowed_values.push(value.to_string());
    }
    Ok(())
}

fn known_type(t: &str) -> Result<(), EditError> {
    catalogue()
        .get(t)
        .map(|_| ())
        .ok_or_else(|| refuse(format!("unknown instance type \"{t}\"")))
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

/// Never more pins than desired tasks: the service's pins past its
/// desiredCount go, the first ones stay.
fn keep_pins_within(plan: &mut Plan, service: &str, desired: u32) {
    let mut kept = 0;
    plan.pins.retain(|p| {
        if p.service != service {
            return true;
        }
        kept += 1;
        kept <= desired
    });
}

/// Keeps the user's JVM assumptions for a container of the plan, each value
/// in its range; the defaults are not kept.
fn set_jvm_assumptions(
    next: &mut Plan,
    family: &str,
    container: &str,
    assumptions: crate::model::JvmAssumptions,
) -> Result<(), EditError> {
    let known = next.task_definitions.iter().any(|td| {
        td.family == family && td.container_definitions.iter().any(|c| c.name == container)
    });
    if !known {
        return Err(refuse(format!(
            "no container {container} in task definition {family}"
        )));
    }
    assumptions.check().map_err(|(field, message)| EditError {
        message: format!("{field}: {message}"),
        instance: None,
        reason: None,
        fields: vec![(field.to_string(), message)],
    })?;
    let key = crate::model::JvmAssumptions::key(family, container);
    if assumptions == crate::model::JvmAssumptions::default() {
        next.jvm_assumptions.remove(&key);
    } else {
        next.jvm_assumptions.insert(key, assumptions);
    }
    Ok(())
}
