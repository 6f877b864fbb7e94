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
}

impl Workload {
    /// Every workload, in the order the benchmark table lists them.
    pub const ALL: [Workload; 4] = [
        Workload::Binpack,
        Workload::Spread,
        Workload::Ports,
        Workload::Standalone,
    ];

    /// The workload's name, as `make bench` and the CLI write it.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Binpack => "binpack",
            Workload::Spread => "spread",
            Workload::Ports => "ports",
            Workload::Standalone => "standalone",
        }
    }

    /// The workload a name names.
    pub fn parse(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }
}

/// `tasks` tasks of 50 services on `instances` m5.xlarge instances (4 vCPU,
/// about 15.5 GiB) in three availability zones.
pub fn cluster(instances: u32, tasks: u32, workload: Workload) -> Plan {
    let services = 50u32;
    let per = tasks / services;
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
        svcs.push(
            json!({"serviceName": format!("svc{s}"), "taskDefinition": format!("svc{s}"),
            "desiredCount": per, "placementStrategy": strategy}),
        );
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
