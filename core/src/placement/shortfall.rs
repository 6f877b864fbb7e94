//! Numbers beside ECS's reason (issue 21): for a task refused for CPU or
//! memory, what it needs, the most any instance has free now, the most any
//! instance registers at all, and which change would make it fit; for host
//! ports and ENIs, how many instances have none left and what would help. ECS's own
//! event names only the closest instance; a user deciding what to change
//! needs to know whether any instance of the type could ever hold the task.

use super::reason::{Reason, Unplaced};
use super::request::Owner;
use super::MAX_RESERVED_PORTS;
use super::{InstanceState, Placement};
use crate::model::requirements::{requirements, Requirements};
use crate::model::{Plan, Protocol};

/// One resource as the sentence names it.
struct Resource {
    unit: &'static str,
    need: u32,
    /// (free now, registered, instance id, instance type) per instance.
    offers: Vec<(u32, u32, String, String)>,
}

/// The numbers for `unplaced`, in one sentence; none for constraints (the
/// event says all there is) or when the owner's task definition is unknown.
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
        Reason::Gpu => (
            "GPUs",
            need.gpus,
            |i| i.instance.gpus.saturating_sub(i.gpus_used),
            |i| i.instance.gpus,
        ),
        Reason::Ports | Reason::PortsUdp => {
            let protocol = if unplaced.failure.reason == Reason::Ports {
                Protocol::Tcp
            } else {
                Protocol::Udp
            };
            return Some(ports_sentence(&need, protocol, instances.collect()));
        }
        Reason::Eni => return Some(eni_sentence(instances.collect())),
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

/// A static host port runs one task per instance (§3.2): how many of the
/// instances have the port taken.
fn ports_sentence(
    need: &Requirements,
    protocol: Protocol,
    instances: Vec<&InstanceState>,
) -> String {
    let name = match protocol {
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
    };
    let ports: Vec<u16> = need.static_ports(protocol).collect();
    let taken = instances
        .iter()
        .filter(|i| ports.iter().any(|p| i.port_in_use(protocol, *p)))
        .count();
    let list = ports
        .iter()
        .map(|p| format!("{p}/{name}"))
        .collect::<Vec<_>>()
        .join(", ");
    if ports.is_empty() || taken == 0 {
        return format!(
            "Needs {} dynamic host ports; every instance has already reserved as many host ports as ECS allows ({MAX_RESERVED_PORTS}). Add an instance, or run fewer tasks.",
            need.dynamic_count(protocol)
        );
    }
    format!(
        "Needs host port {list}; it is in use on {taken} of {} instances, and a static host port runs one task per instance. Use a dynamic host port (hostPort 0) behind a load balancer, add an instance, or run fewer tasks.",
        instances.len()
    )
}

/// awsvpc tasks take an ENI each (§3.6): how many each instance can attach.
fn eni_sentence(instances: Vec<&InstanceState>) -> String {
    let most = instances
        .iter()
        .max_by_key(|i| i.instance.eni_capacity)
        .map(|i| (i.instance.eni_capacity, i.instance.instance_type.as_str()));
    let full = instances
        .iter()
        .filter(|i| i.enis_used >= i.instance.eni_capacity)
        .count();
    match most {
        Some((cap, itype)) => format!(
            "Needs an ENI of its own (awsvpc); {full} of {} instances have none left (at most {cap} awsvpc tasks on a {itype}). Choose an instance type with more ENIs, turn on awsvpcTrunking, add an instance, or run fewer tasks.",
            instances.len()
        ),
        None => "Needs an ENI of its own (awsvpc); the cluster has no instance. Add an instance group.".into(),
    }
}

fn sentence(r: &Resource) -> String {
    let Resource { unit, need, offers } = r;
    let unit = if *need == 1 && *unit == "GPUs" {
        "GPU"
    } else {
        unit
    };
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

    /// The seed's static port case: quote on host port 8000, three tasks on
    /// two instances; the third finds the port taken on both.
    #[test]
    fn a_static_port_taken_everywhere_says_on_how_many_and_what_helps() {
        let p = load_plan(
            r#"{"berthVersion":1,"cluster":{"instanceGroups":[{"name":"app","instanceType":"t2.micro","count":2}]},
              "taskDefinitions":[{"family":"quote","containerDefinitions":[{"name":"q","memoryReservation":100,
                "portMappings":[{"containerPort":8000,"hostPort":8000}]}]}],
              "services":[{"serviceName":"quote","taskDefinition":"quote","desiredCount":3}]}"#,
        )
        .unwrap();
        let placed = place(&p);
        assert_eq!(placed.unplaced[0].failure.reason, Reason::Ports);
        let text = shortfall(&p, &placed, &placed.unplaced[0]).unwrap();
        assert_eq!(
            text,
            "Needs host port 8000/tcp; it is in use on 2 of 2 instances, and a static host port runs one task per \
             instance. Use a dynamic host port (hostPort 0) behind a load balancer, add an instance, or run fewer tasks."
        );
    }

    /// awsvpc tasks on t2.micros until no ENI is left: the sentence counts
    /// the full instances and names what each can attach.
    #[test]
    fn no_eni_left_says_how_many_an_instance_attaches() {
        let p = load_plan(
            r#"{"berthVersion":1,"cluster":{"instanceGroups":[{"name":"app","instanceType":"t2.micro","count":2}]},
              "taskDefinitions":[{"family":"v","networkMode":"awsvpc","containerDefinitions":[{"name":"v","memoryReservation":10}]}],
              "services":[{"serviceName":"v","taskDefinition":"v","desiredCount":40}]}"#,
        )
        .unwrap();
        let placed = place(&p);
        assert_eq!(placed.unplaced[0].failure.reason, Reason::Eni);
        let per_instance = placed.instances()[0].tasks.len();
        let text = shortfall(&p, &placed, &placed.unplaced[0]).unwrap();
        assert_eq!(
            text,
            format!(
                "Needs an ENI of its own (awsvpc); 2 of 2 instances have none left (at most {per_instance} awsvpc tasks \
                 on a t2.micro). Choose an instance type with more ENIs, turn on awsvpcTrunking, add an instance, or \
                 run fewer tasks."
            )
        );
    }
}
