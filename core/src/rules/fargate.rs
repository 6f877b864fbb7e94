//! Fargate is planned apart (issue 16): a service on Fargate (or an
//! external instance) is reported and never placed on the cluster's EC2
//! container instances; a service ECS would run on EC2 whose task definition
//! is Fargate-only is refused as ECS refuses it; a task definition that asks
//! for Fargate must have a task size Fargate offers (ECS Developer Guide,
//! "Troubleshoot Amazon ECS task definition invalid CPU or memory errors").

use super::Out;
use crate::model::{Plan, TaskDefinition};

pub(super) fn fargate_rules(plan: &Plan, out: &mut Out) {
    for (i, s) in plan.services.iter().enumerate() {
        let path = format!("$.services[{i}]");
        match s.launch_type() {
            Some(kind @ ("FARGATE" | "EXTERNAL")) => out.warn(
                "W2008",
                format!("{path}.launchType"),
                format!(
                    "service {} runs on {kind}, not on the cluster's EC2 container instances: \
                     Berth lists it apart and does not place it",
                    s.service_name
                ),
            ),
            _ => {
                if plan
                    .task_definition(&s.task_definition)
                    .is_some_and(TaskDefinition::fargate_only)
                {
                    out.error(
                        "E1026",
                        format!("{path}.taskDefinition"),
                        format!(
                            "Task definition does not support launch_type EC2. ({} requires \
                             FARGATE compatibility; give the service launchType FARGATE, or add \
                             EC2 to requiresCompatibilities)",
                            s.task_definition
                        ),
                    );
                }
            }
        }
    }
    for (i, td) in plan.task_definitions.iter().enumerate() {
        if !td.requires_compatibilities().contains(&"FARGATE") {
            continue;
        }
        let (cpu, memory) = (td.cpu.map(|c| c.0), td.memory.map(|m| m.0));
        if !matches!((cpu, memory), (Some(c), Some(m)) if fargate_size(c, m)) {
            out.error(
                "E1027",
                format!("$.taskDefinitions[{i}].cpu"),
                format!(
                    "Invalid 'cpu' setting for task. A task definition that requires FARGATE needs a \
                     task cpu and memory Fargate offers; {} has cpu {} and memory {}",
                    td.family,
                    cpu.map_or("none".into(), |c| c.to_string()),
                    memory.map_or("none".into(), |m| format!("{m} MiB")),
                ),
            );
        }
    }
}

/// The task sizes Fargate offers: CPU units and the memory (MiB) each takes.
fn fargate_size(cpu: u32, memory: u32) -> bool {
    let steps =
        |from: u32, to: u32, by: u32| (from..=to).contains(&memory) && memory.is_multiple_of(by);
    match cpu {
        256 => matches!(memory, 512 | 1024 | 2048),
        512 => steps(1024, 4096, 1024),
        1024 => steps(2048, 8192, 1024),
        2048 => steps(4096, 16384, 1024),
        4096 => steps(8192, 30720, 1024),
        8192 => steps(16384, 61440, 4096),
        16384 => steps(32768, 122880, 8192),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::fargate_size;

    /// The guide's table, at its edges.
    #[test]
    fn fargate_sizes_follow_the_guide() {
        assert!(fargate_size(256, 512) && fargate_size(256, 2048) && !fargate_size(256, 3072));
        assert!(fargate_size(512, 4096) && !fargate_size(512, 512));
        assert!(fargate_size(2048, 16384) && !fargate_size(2048, 4500));
        assert!(fargate_size(8192, 20480) && !fargate_size(8192, 17408));
        assert!(fargate_size(16384, 122880) && !fargate_size(16384, 131072));
        assert!(!fargate_size(128, 512));
    }
}
