//! Numbers beside ECS's reason (issue 21): for a task refused for CPU or
//! memory, what it needs, the most any instance has free now, the most any
//! instance registers at all, and which change would make it fit. ECS's own
//! event names only the closest instance; a user deciding what to change
//! needs to know whether any instance of the type could ever hold the task.

use super::reason::{Reason, Unplaced};
use super::request::Owner;
use super::{InstanceState, Placement};
use crate::model::requirements::requirements;
use crate::model::Plan;

/// One resource as the sentence names it.
struct Resource {
    unit: &'static str,
    need: u32,
    /// (free now, registered, instance id, instance type) per instance.
    offers: Vec<(u32, u32, String, String)>,
}

/// The numbers for `unplaced`, in one sentence; none for reasons other than
/// CPU and memory, or when the owner's task definition is unknown.
pub fn shortfall(plan: &Plan, placement: &Placement, unplaced: &Unplaced) -> Option<String> {
    let td = match &unplaced.owner {
        Owner::Service(s) => plan.task_definition(&plan.service(s)?.task_definition)?,
        Owner::Standalone(t) => plan.task_definition(t)?,
    };
    let need = requirements(td);
    let instances = placement.instances().iter().filter(|i| {
        unplaced
            .pinned_instance
            .as_deref()
            .is_none_or(|p| p == i.instance.id)
    });
    type Amount = fn(&InstanceState) -> u32;
    let (unit, need, free, registered): (_, _, Amount, Amount) = match unplaced.failure.reason {
        Reason::Memory => (
            "MiB of memory",
            need.memory,
            |i| i.remaining_memory,
            |i| i.instance.registered_memory,
        ),
        Reason::Cpu => (
            "CPU units",
            need.cpu,
            |i| i.remaining_cpu,
            |i| i.instance.registered_cpu,
        ),
        _ => return None,
    };
    let offers = instances
        .map(|i| {
            let c = &i.instance;
            (
                free(i),
                registered(i),
                c.id.clone(),
                c.instance_type.clone(),
            )
        })
        .collect();
    let resource = Resource { unit, need, offers };
    Some(sentence(&resource))
}

fn sentence(r: &Resource) -> String {
    let Resource { unit, need, offers } = r;
    let largest = offers.iter().max_by_key(|o| o.1);
    let freest = offers.iter().max_by_key(|o| o.0);
    match (largest, freest) {
        (Some((_, registered, _, itype)), _) if registered < need => {
            let types: std::collections::BTreeSet<&str> = offers.iter().map(|o| o.3.as_str()).collect();
            let which = if types.len() == 1 {
                format!("any {itype} registers is {registered}: no {itype} can ever run it")
            } else {
                format!("any instance registers is {registered} ({itype}): no instance of these types can ever run it")
            };
            format!(
                "Needs {need} {unit}; the most {which}. Choose a larger instance type, or reserve less."
            )
        }
        (_, Some((free, _, id, _))) => format!(
            "Needs {need} {unit}; the most free on any instance is {free} ({id}). Add an instance, run fewer tasks, or reserve less."
        ),
        _ => format!("Needs {need} {unit}; the cluster has no instance. Add an instance group."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::load_plan;
    use crate::placement::place;

    fn plan(reservation: u32, desired: u32) -> Plan {
        load_plan(&format!(
            r#"{{"berthVersion":1,"cluster":{{"instanceGroups":[{{"name":"app","instanceType":"t2.micro","count":2}}]}},
              "taskDefinitions":[{{"family":"big","containerDefinitions":[{{"name":"b","memoryReservation":{reservation}}}]}}],
              "services":[{{"serviceName":"big","taskDefinition":"big","desiredCount":{desired}}}]}}"#
        ))
        .unwrap()
    }

    /// The issue's own case: 1000 MiB on t2.micros, which register 995 MiB
    /// (the catalogue's observed figure): no t2.micro can ever run it.
    #[test]
    fn a_task_larger_than_any_instance_says_so() {
        let p = plan(1000, 1);
        let placed = place(&p);
        let text = shortfall(&p, &placed, &placed.unplaced[0]).unwrap();
        assert_eq!(
            text,
            "Needs 1000 MiB of memory; the most any t2.micro registers is 995: no t2.micro can ever run it. \
             Choose a larger instance type, or reserve less."
        );
    }

    /// Two instances of 995 MiB and 600 MiB tasks: one each, the third finds
    /// at most 395 MiB free.
    #[test]
    fn a_full_cluster_names_the_most_free() {
        let p = plan(600, 3);
        let placed = place(&p);
        let text = shortfall(&p, &placed, &placed.unplaced[0]).unwrap();
        assert!(
            text.starts_with("Needs 600 MiB of memory; the most free on any instance is 395 (app-"),
            "{text}"
        );
        assert!(
            text.ends_with("Add an instance, run fewer tasks, or reserve less."),
            "{text}"
        );
    }
}
