//! Plans of a chosen size, made the same way every time: the workloads of
//! the benchmarks (criterion natively, the same code in wasm in Chromium) so
//! that every figure of issue 8 measures the same work.

use crate::input::load::load_plan;
use crate::model::Plan;
use serde_json::json;

/// How the services ask to be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// binpack on memory.
    Binpack,
    /// spread over availability zones, then instances (ECS's default).
    Spread,
    /// spread, with a static host port on every fifth service and a dynamic
    /// one on the others.
    Ports,
    /// the same tasks as standalone tasks (RunTask), one entry per task
    /// definition, with RunTask's default `random` strategy (§4.2).
    Standalone,
    /// spread, with a DAEMON service (§10.1: one task on every instance,
    /// counted in the tasks) and a service of 1/48th of the tasks kept off a
    /// 50-task database's instances by `not(task:group == service:svc2)`
    /// (§10.2, issue 17).
    Scheduling,
}

impl Workload {
    /// Every workload, in the order the benchmark table lists them.
    pub const ALL: [Workload; 5] = [
        Workload::Binpack,
        Workload::Spread,
        Workload::Ports,
        Workload::Standalone,
        Workload::Scheduling,
    ];

    /// The workload's name, as `make bench` and the CLI write it.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Binpack => "binpack",
            Workload::Spread => "spread",
            Workload::Ports => "ports",
            Workload::Standalone => "standalone",
            Workload::Scheduling => "scheduling",
        }
    }

    /// The workload a name names.
    pub fn parse(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }
}

/// The scheduling workload's database service's tasks.
const DATABASE_TASKS: u32 = 50;

/// `tasks` tasks of 50 services on `instances` m5.xlarge instances (4 vCPU,
/// about 15.5 GiB) in three availability zones.
pub fn cluster(instances: u32, tasks: u32, workload: Workload) -> Plan {
    let services = 50u32;
    let per = tasks / services;
    // Scheduling: svc0 is the daemon, one task per instance; svc2 is a
    // database of DATABASE_TASKS that svc1 keeps away from (the guide's
    // anti-affinity example); the other 48 share what is left, so the plan
    // still has `tasks` tasks.
    let daemon = workload == Workload::Scheduling && tasks >= instances + DATABASE_TASKS;
    let rest = tasks.saturating_sub(instances + DATABASE_TASKS);
    let count = |s: u32| match (daemon, s) {
        (true, 0) => 1,
        (true, 2) => DATABASE_TASKS,
        (true, _) => {
            let k = if s == 1 { 0 } else { s - 2 };
            rest / (services - 2) + u32::from(k < rest % (services - 2))
        }
        (false, _) => per,
    };
    let mut tds = Vec::new();
    let mut svcs = Vec::new();
    let mut standalone = Vec::new();
    for s in 0..services {
        let mapping = match workload {
            Workload::Ports if s % 5 == 0 => {
                json!([{"containerPort": 9000 + s, "hostPort": 9000 + s}])
            }
            Workload::Ports => json!([{"containerPort": 8080, "hostPort": 0}]),
            _ => json!([]),
        };
        tds.push(
            json!({"family": format!("svc{s}"), "containerDefinitions": [
            {"name": "app", "cpu": 32, "memoryReservation": 256, "portMappings": mapping}]}),
        );
        let strategy = match workload {
            Workload::Binpack => json!([{"type": "binpack", "field": "memory"}]),
            _ => json!([{"type": "spread", "field": "attribute:ecs.availability-zone"},
                {"type": "spread", "field": "instanceId"}]),
        };
        if workload == Workload::Standalone {
            standalone.push(json!({"taskDefinition": format!("svc{s}"), "count": per}));
            continue;
        }
        let mut svc = json!({"serviceName": format!("svc{s}"), "taskDefinition": format!("svc{s}"),
            "desiredCount": count(s), "placementStrategy": strategy});
        if daemon && s == 0 {
            svc["schedulingStrategy"] = json!("DAEMON");
            svc["placementStrategy"] = json!([]);
        }
        if daemon && s == 1 {
            svc["placementConstraints"] =
                json!([{"type": "memberOf", "expression": "not(task:group == service:svc2)"}]);
        }
        svcs.push(svc);
    }
    let v = json!({"berthVersion": 1, "name": "bench", "cluster": {"instanceGroups": [
        {"name": "g", "instanceType": "m5.xlarge", "count": instances, "availabilityZones": ["a", "b", "c"]}]},
        "taskDefinitions": tds, "services": svcs, "tasks": standalone});
    load_plan(&v.to_string()).expect("a synthetic plan is within Berth's caps")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_workload_places_every_task() {
        for w in Workload::ALL {
            let plan = cluster(500, 10_000, w);
            let placed = crate::place(&plan);
            let tasks: usize = placed.instances().iter().map(|i| i.tasks.len()).sum();
            assert_eq!(tasks, 10_000, "{}", w.name());
            assert!(placed.unplaced.is_empty());
        }
    }
}
