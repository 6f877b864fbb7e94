//! Placement and deployment at ECS's scale (issue 8): `cargo bench -p berth-core`.
//! Plans come from `berth_core::synthetic`, so every run measures the same work.

use berth_core::placement::place;
use berth_core::simulate::{deploy, Change, DeployOptions};
use berth_core::synthetic::{cluster, Workload};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

fn placement(c: &mut Criterion) {
    let mut group = c.benchmark_group("place");
    group.sample_size(10);
    for &(instances, tasks) in &[(50u32, 1_000u32), (500, 10_000), (5_000, 100_000)] {
        for workload in Workload::ALL {
            let p = cluster(instances, tasks, workload);
            group.throughput(Throughput::Elements(tasks as u64));
            group.bench_with_input(BenchmarkId::new(workload.name(), tasks), &p, |b, p| {
                b.iter(|| place(p))
            });
        }
    }
    group.finish();
}

fn deployment(c: &mut Criterion) {
    let mut group = c.benchmark_group("deploy");
    group.sample_size(10);
    let mut p = cluster(500, 1_000, Workload::Spread);
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
        let plan = berth_core::load_plan(include_str!("../../public/examples/microtrader.json"))
            .expect("the example loads");
        let query = berth_core::app::view::PickerQuery {
            text: "large".into(),
            architecture: Some("arm64".into()),
            sort: berth_core::app::view::SortBy::Price,
            limit: 30,
            ..Default::default()
        };
        let target = berth_core::app::view::PickerTarget::Group("app".into());
        b.iter(|| berth_core::app::view::picker_rows(&plan, &target, &query))
    });
    // At the limit where the picker still places the whole plan for each of
    // its 30 rows (issue 22, WHOLE_PLAN_TASK_LIMIT): 500 tasks on 25 instances.
    let mut group = c.benchmark_group("picker");
    group.sample_size(10);
    let plan = cluster(
        25,
        berth_core::app::view::WHOLE_PLAN_TASK_LIMIT,
        Workload::Spread,
    );
    let query = berth_core::app::view::PickerQuery {
        sort: berth_core::app::view::SortBy::Price,
        limit: 30,
        ..Default::default()
    };
    let target =
        berth_core::app::view::PickerTarget::Group(plan.cluster.instance_groups[0].name.clone());
    group.bench_function("500 tasks, 30 rows", |b| {
        b.iter(|| berth_core::app::view::picker_rows(&plan, &target, &query))
    });
    group.finish();
}

/// Issue 18: a whole recommendation over the catalogue, with deployment
/// headroom (every service's rolling deployment simulated on each trial).
fn recommend(c: &mut Criterion) {
    use berth_core::recommend::{recommend, Options};
    let mut group = c.benchmark_group("recommend");
    group.sample_size(10);
    let example = berth_core::load_plan(include_str!("../../public/examples/microtrader.json"))
        .expect("the example loads");
    group.bench_function("microtrader", |b| {
        b.iter(|| recommend(&example, &Options::default()))
    });
    let large = cluster(100, 2_000, Workload::Spread);
    group.bench_function("50 services, 2000 tasks", |b| {
        b.iter(|| recommend(&large, &Options::default()))
    });
    group.finish();
}

criterion_group!(benches, placement, deployment, catalogue, recommend);
criterion_main!(benches);
