//! GPUs (ecs-semantics.md §10.4; ECS Developer Guide, "Amazon ECS task
//! definitions for GPU workloads",
//! https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-gpu.html):
//! how many GPUs an instance type registers, and how many a container
//! reserves with `resourceRequirements: [{"type": "GPU", "value": "N"}]`.
//!
//! The counts are AWS's, from the AWS Batch User Guide's table of GPU
//! instance types ("GPU jobs",
//! https://docs.aws.amazon.com/batch/latest/userguide/gpu-jobs.html, and
//! its source, awsdocs/aws-batch-user-guide `doc_source/gpu-jobs.md`),
//! for the types the catalogue has. A type of a GPU family (`g…`, `p…`)
//! not listed there has a count Berth does not know: it registers none
//! here, and `check` says so (W2010) when a task asks for GPUs.

use serde_json::Value;

use super::ContainerDefinition;

/// (instance type, GPUs), from the sources above.
const GPU_COUNTS: &[(&str, u32)] = &[
    ("g4dn.xlarge", 1),
    ("g4dn.2xlarge", 1),
    ("g4dn.4xlarge", 1),
    ("g4dn.8xlarge", 1),
    ("g4dn.12xlarge", 4),
    ("g4dn.16xlarge", 1),
    ("g5.xlarge", 1),
    ("g5.2xlarge", 1),
    ("g5.4xlarge", 1),
    ("g5.8xlarge", 1),
    ("g5.12xlarge", 4),
    ("g5.16xlarge", 1),
    ("g5.24xlarge", 4),
    ("g5.48xlarge", 8),
    ("g5g.xlarge", 1),
    ("g5g.2xlarge", 1),
    ("g5g.4xlarge", 1),
    ("g5g.8xlarge", 1),
    ("g5g.16xlarge", 2),
    ("g5g.metal", 2),
    ("g6.xlarge", 1),
    ("g6.2xlarge", 1),
    ("g6.4xlarge", 1),
    ("g6.8xlarge", 1),
    ("g6.12xlarge", 4),
    ("g6.16xlarge", 1),
    ("p3dn.24xlarge", 8),
];

/// What Berth knows of a type's GPUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpuCount {
    /// It has this many (none for a type outside the GPU families).
    Known(u32),
    /// A GPU family's type whose count is not in the sources above.
    Unknown,
}

impl GpuCount {
    /// The GPUs Berth registers for it: an unknown count registers none.
    pub fn registered(self) -> u32 {
        match self {
            GpuCount::Known(n) => n,
            GpuCount::Unknown => 0,
        }
    }
}

/// The GPUs of an instance type.
pub fn gpu_count(instance_type: &str) -> GpuCount {
    if let Some((_, n)) = GPU_COUNTS.iter().find(|(t, _)| *t == instance_type) {
        return GpuCount::Known(*n);
    }
    match instance_type.as_bytes().first() {
        Some(b'g' | b'p') => GpuCount::Unknown,
        _ => GpuCount::Known(0),
    }
}

/// The value of each of a container's `resourceRequirements` of type GPU,
/// as written (None where it has no text value).
pub fn gpu_requirements(c: &ContainerDefinition) -> impl Iterator<Item = Option<&str>> {
    c.extra
        .get("resourceRequirements")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| r.get("type").and_then(Value::as_str) == Some("GPU"))
        .map(|r| r.get("value").and_then(Value::as_str))
}

/// A GPU requirement's count, when it is a whole number.
pub fn gpu_value(value: Option<&str>) -> Option<u32> {
    value?.trim().parse().ok()
}

/// The GPUs a container reserves: the sum of its GPU requirements (a value
/// that is not a whole number counts as none; validation names it).
pub fn container_gpus(c: &ContainerDefinition) -> u32 {
    gpu_requirements(c)
        .filter_map(gpu_value)
        .fold(0u32, u32::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every listed type is in the catalogue, and the guide's examples
    /// (§10.4: g4dn.xlarge 1, g4dn.12xlarge 4) hold.
    #[test]
    fn counts_name_catalogue_types() {
        let cat = crate::model::catalogue::catalogue();
        for (t, _) in GPU_COUNTS {
            assert!(cat.get(t).is_some(), "{t} is not in the catalogue");
        }
        assert_eq!(gpu_count("g4dn.xlarge"), GpuCount::Known(1));
        assert_eq!(gpu_count("g4dn.12xlarge"), GpuCount::Known(4));
        assert_eq!(gpu_count("m5.large"), GpuCount::Known(0));
        assert_eq!(gpu_count("p5.48xlarge"), GpuCount::Unknown);
    }
}
