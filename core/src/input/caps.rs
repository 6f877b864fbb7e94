//! Caps on how big a plan may be, checked wherever a plan comes in (a file, a
//! link, an import, an edit, a scale) so that a stranger's file cannot make
//! the planner allocate or loop without bound. Each refusal names the field,
//! the number found and the cap.

use super::error::LoadError;
use crate::model::Plan;

/// ECS's quota of container instances per cluster (Amazon ECS service
/// quotas: "Container instances per cluster", 5,000, not adjustable).
pub const MAX_INSTANCES: u32 = 5_000;
/// ECS's quota of tasks per service, i.e. its desiredCount (Amazon ECS
/// service quotas: "Tasks per service", 5,000 by default; adjustable, but a
/// plan past it would need a quota increase first).
pub const MAX_DESIRED_COUNT: u32 = 5_000;
/// Berth's own cap on the tasks of one plan: the largest case it is measured
/// on (100,000 tasks on 5,000 instances, issue 8's benches).
pub const MAX_TASKS: u64 = 100_000;
/// Berth's caps on how many groups, task definitions and services a plan can
/// list; far beyond any cluster a person plans by hand.
pub const MAX_GROUPS: usize = 1_000;
/// See [`MAX_GROUPS`].
pub const MAX_TASK_DEFINITIONS: usize = 1_000;
/// See [`MAX_GROUPS`].
pub const MAX_SERVICES: usize = 1_000;

fn refuse(path: String, message: String) -> Result<(), LoadError> {
    Err(LoadError::new(path, message))
}

/// The first cap the plan breaks, if any.
pub fn check(plan: &Plan) -> Result<(), LoadError> {
    let groups = &plan.cluster.instance_groups;
    if groups.len() > MAX_GROUPS {
        return refuse(
            "$.cluster.instanceGroups".into(),
            format!(
                "{} instance groups; Berth plans at most {MAX_GROUPS}",
                groups.len()
            ),
        );
    }
    if plan.task_definitions.len() > MAX_TASK_DEFINITIONS {
        return refuse(
            "$.taskDefinitions".into(),
            format!(
                "{} task definitions; Berth plans at most {MAX_TASK_DEFINITIONS}",
                plan.task_definitions.len()
            ),
        );
    }
    if plan.services.len() > MAX_SERVICES {
        return refuse(
            "$.services".into(),
            format!(
                "{} services; Berth plans at most {MAX_SERVICES}",
                plan.services.len()
            ),
        );
    }
    let mut instances: u64 = 0;
    for (i, g) in groups.iter().enumerate() {
        instances += u64::from(g.count);
        if instances > u64::from(MAX_INSTANCES) {
            return refuse(
                format!("$.cluster.instanceGroups[{i}].count"),
                format!(
                    "the groups up to this one make {instances} container instances; a cluster can have at most {MAX_INSTANCES}"
                ),
            );
        }
    }
    let mut tasks: u64 = 0;
    for (i, s) in plan.services.iter().enumerate() {
        if s.desired_count > MAX_DESIRED_COUNT {
            return refuse(
                format!("$.services[{i}].desiredCount"),
                format!(
                    "desiredCount is {}; ECS allows at most {MAX_DESIRED_COUNT} tasks per service",
                    s.desired_count
                ),
            );
        }
        tasks += u64::from(s.desired_count);
        if tasks > MAX_TASKS {
            return refuse(
                format!("$.services[{i}].desiredCount"),
                format!(
                    "the services up to this one ask for {tasks} tasks; Berth plans at most {MAX_TASKS}"
                ),
            );
        }
    }
    // Standalone tasks count too: placing them is the same work per task.
    for (i, t) in plan.tasks.iter().enumerate() {
        tasks += u64::from(t.count);
        if tasks > MAX_TASKS {
            return refuse(
                format!("$.tasks[{i}].count"),
                format!(
                    "the services and standalone tasks up to this one ask for {tasks} tasks; Berth plans at most {MAX_TASKS}"
                ),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Plan {
        crate::load_plan(include_str!("../../../public/examples/microtrader.json")).unwrap()
    }

    #[test]
    fn the_example_is_within_every_cap() {
        assert_eq!(check(&example()), Ok(()));
    }

    #[test]
    fn one_instance_over_the_cluster_quota_is_refused_at_that_group() {
        let mut plan = example();
        let others: u32 = plan.cluster.instance_groups[1..]
            .iter()
            .map(|g| g.count)
            .sum();
        plan.cluster.instance_groups[0].count = MAX_INSTANCES - others;
        assert_eq!(check(&plan), Ok(()));
        let last = plan.cluster.instance_groups.len() - 1;
        plan.cluster.instance_groups[last].count += 1;
        let e = check(&plan).unwrap_err();
        assert_eq!(e.path, format!("$.cluster.instanceGroups[{last}].count"));
        assert!(
            e.message.contains("5001 container instances"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_file_asking_for_four_billion_instances_is_refused_when_read() {
        let mut v: serde_json::Value =
            serde_json::from_str(include_str!("../../../public/examples/microtrader.json"))
                .unwrap();
        v["cluster"]["instanceGroups"][0]["count"] = u32::MAX.into();
        let e = crate::load_plan(&v.to_string()).unwrap_err();
        assert_eq!(e.path, "$.cluster.instanceGroups[0].count");
        let e = crate::input::import::import(&v.to_string(), &[]).unwrap_err();
        assert_eq!(e.path, "$.cluster.instanceGroups[0].count");
    }

    #[test]
    fn desired_count_over_the_service_quota_names_the_service() {
        let mut plan = example();
        plan.services[0].desired_count = MAX_DESIRED_COUNT;
        assert_eq!(check(&plan), Ok(()));
        plan.services[0].desired_count = MAX_DESIRED_COUNT + 1;
        let e = check(&plan).unwrap_err();
        assert_eq!(e.path, "$.services[0].desiredCount");
        assert!(e.message.contains("5001"), "{}", e.message);
    }

    #[test]
    fn tasks_over_berths_cap_are_refused_at_the_service_that_crosses_it() {
        let mut plan = example();
        let template = plan.services[0].clone();
        plan.services.clear();
        for i in 0..21 {
            let mut s = template.clone();
            s.service_name = format!("s{i}");
            s.desired_count = MAX_DESIRED_COUNT;
            plan.services.push(s);
        }
        plan.services[20].desired_count = 0;
        assert_eq!(check(&plan), Ok(()));
        plan.services[20].desired_count = 1;
        let e = check(&plan).unwrap_err();
        assert_eq!(e.path, "$.services[20].desiredCount");
        assert!(e.message.contains("100001 tasks"), "{}", e.message);
    }

    #[test]
    fn standalone_tasks_count_toward_the_plans_tasks() {
        let mut plan = example();
        let services: u32 = plan.services.iter().map(|s| s.desired_count).sum();
        let family = plan.task_definitions[0].family.clone();
        let run = |count| crate::model::RunTask {
            task_definition: family.clone(),
            count,
            placement_strategy: Vec::new(),
            placement_constraints: Vec::new(),
            group: None,
            extra: Default::default(),
        };
        plan.tasks = vec![run(1), run(MAX_TASKS as u32 - services - 1)];
        assert_eq!(check(&plan), Ok(()));
        plan.tasks[1].count += 1;
        let e = check(&plan).unwrap_err();
        assert_eq!(e.path, "$.tasks[1].count");
        assert!(e.message.contains("100001 tasks"), "{}", e.message);
    }

    /// A file, an import and a share link all refuse it before anything is
    /// placed (issue 24: four billion standalone tasks hung `berth place`).
    #[test]
    fn four_billion_standalone_tasks_are_refused_however_they_come_in() {
        let mut v: serde_json::Value =
            serde_json::from_str(include_str!("../../../public/examples/microtrader.json"))
                .unwrap();
        let family = v["taskDefinitions"][0]["family"].clone();
        v["tasks"] = serde_json::json!([{"taskDefinition": family, "count": u32::MAX}]);
        let text = v.to_string();
        let e = crate::load_plan(&text).unwrap_err();
        assert_eq!(e.path, "$.tasks[0].count");
        let e = crate::input::import::import(&text, &[]).unwrap_err();
        assert_eq!(e.path, "$.tasks[0].count");
        // A link made by another Berth: the plan inside it, not checked on the way in.
        let unchecked: Plan = serde_json::from_str(&text).unwrap();
        let link = crate::input::share::encode(&unchecked);
        let e = crate::input::share::decode(&link).unwrap_err();
        assert_eq!(e.path, "$.tasks[0].count");
    }
}
