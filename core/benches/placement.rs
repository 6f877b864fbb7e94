//! Placement and deployment at ECS's scale (issue 8): `cargo bench -p berth-core`.
//! Plans are generated here, deterministically, so every run measures the same work.

use berth_core::deploy::{deploy, Change, DeployOptions};
use berth_core::placement::place_uncached;
use berth_core::{load_plan, Plan};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde_json::json;

/// `tasks` tasks over `instances` m5.xlarge instances (4 vCPU, ~15.5 GiB),
/// in 50 services; `ports` adds static and dynamic host ports.
fn plan(instances: u32, tasks: u32, strategy: &str, ports: bool) -> Plan {
    let services = 50u32;
    let per = tasks / services;
    let mut tds = Vec::new();
    let mut svcs = Vec::new();
    for s in 0..services {
        let mapping = if ports {
            if s % 5 == 0 {
                json!([{"containerPort": 9000 + s, "hostPort": 9000 + s}])
            } else {
                json!([{"containerPort": 8080, "hostPort": 0}])
            }
        } else {
            json!([])
        };
        tds.push(
            json!({"family": format!("svc{s}"), "containerDefinitions": [
            {"name": "app", "cpu": 32, "memoryReservation": 256, "portMappings": mapping}]}),
        );
        let placement = match strategy {
            "binpack" => json!([{"type": "binpack", "field": "memory"}]),
            _ => {
                json!([{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "spread", "field": "instanceId"}])
            }
        };
        svcs.push(json!({"serviceName": format!("svc{s}"), "taskDefinition": format!("svc{s}"), "desiredCount": per,
            "placementStrategy": placement}));
    }
    let v = json!({"berthVersion": 1, "name": "bench", "cluster": {"instanceGroups": [
        {"name": "g", "instanceType": "m5.xlarge", "count": instances, "availabilityZones": ["a", "b", "c"]}]},
        "taskDefinitions": tds, "services": svcs});
    load_plan(&v.to_string()).expect("bench plan loads")
}

fn placement(c: &mut Criterion) {
    let mut group = c.benchmark_group("place");
    group.sample_size(10);
    for &(instances, tasks) in &[(50u32, 1_000u32), (500, 10_000), (5_000, 100_000)] {
        for (name, strategy, ports) in [
            ("binpack", "binpack", false),
            ("spread", "spread", false),
            ("ports", "spread", true),
        ] {
            let p = plan(instances, tasks, strategy, ports);
            group.throughput(Throughput::Elements(tasks as u64));
            group.bench_with_input(BenchmarkId::new(name, tasks), &p, |b, p| {
                b.iter(|| place_uncached(p))
            });
        }
    }
    group.finish();
}

fn deployment(c: &mut Criterion) {
    let mut group = c.benchmark_group("deploy");
    group.sample_size(10);
    let mut p = plan(500, 1_000, "spread", false);
    p.services.truncate(1);
    p.services[0].desired_count = 1_000;
    let opts = DeployOptions {
        change: Change {
            image: Some(":2".into()),
            ..Change::default()
        },
        ..DeployOptions::default()
    };
    group.bench_function("rolling 1000 tasks", |b| {
        b.iter(|| deploy(&p, "svc0", &opts).expect("deploys"))
    });
    group.finish();
}

fn catalogue(c: &mut Criterion) {
    c.bench_function("catalogue search", |b| {
        b.iter(|| berth_core::view::catalogue_rows("large", None, Some("arm64"), 30))
    });
}

criterion_group!(benches, placement, deployment, catalogue);
criterion_main!(benches);
