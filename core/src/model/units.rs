//! Task-level `cpu` and `memory` as ECS accepts them (§2.4 of ecs-semantics.md):
//! integers or strings, "1024" / "1 vCPU" for CPU and "2048" / "2 GB" for memory,
//! converted to CPU units and MiB at registration.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Parses a task-level CPU value into CPU units (1 vCPU = 1024 units).
pub fn parse_task_cpu(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let (number, scale) = if let Some(n) = lower
        .strip_suffix("vcpus")
        .or_else(|| lower.strip_suffix("vcpu"))
    {
        (n.trim(), 1024.0)
    } else {
        (lower.as_str(), 1.0)
    };
    to_units(number, scale).ok_or_else(|| {
        format!("\"{t}\" is not a CPU value: use CPU units (\"1024\") or vCPUs (\"1 vCPU\")")
    })
}

/// Parses a task-level memory value into MiB ("1 GB" is 1024 MiB, as in ECS).
pub fn parse_task_memory(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let suffixes: [(&str, f64); 6] = [
        ("gib", 1024.0),
        ("gb", 1024.0),
        ("mib", 1.0),
        ("mb", 1.0),
        ("g", 1024.0),
        ("m", 1.0),
    ];
    let (number, scale) = suffixes
        .iter()
        .find_map(|(s, k)| lower.strip_suffix(s).map(|n| (n.trim(), *k)))
        .unwrap_or((lower.as_str(), 1.0));
    to_units(number, scale).ok_or_else(|| {
        format!("\"{t}\" is not a memory value: use MiB (\"2048\") or GB (\"2 GB\")")
    })
}

fn to_units(number: &str, scale: f64) -> Option<u32> {
    let value: f64 = number.parse().ok()?;
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    let units = (value * scale).round();
    (units <= u32::MAX as f64).then_some(units as u32)
}

macro_rules! task_size {
    ($name:ident, $parse:ident, $what:literal) => {
        #[doc = concat!("Task-level ", $what, ", parsed; serialised as ECS does, as a string of the integer.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name(pub u32);

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0.to_string())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                match crate::model::scalar::scalar(d)? {
                    serde_json::Value::Number(n) => n
                        .as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .map($name)
                        .ok_or_else(|| {
                            serde::de::Error::custom(concat!(
                                "task ",
                                $what,
                                " must be a whole number below 2^32"
                            ))
                        }),
                    serde_json::Value::String(t) => $parse(&t).map($name).map_err(serde::de::Error::custom),
                    _ => Err(serde::de::Error::custom(concat!(
                        "expected the task ",
                        $what,
                        " as a number or a string"
                    ))),
                }
            }
        }
    };
}

task_size!(TaskCpu, parse_task_cpu, "cpu");
task_size!(TaskMemory, parse_task_memory, "memory");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_forms() {
        assert_eq!(parse_task_cpu("1024"), Ok(1024));
        assert_eq!(parse_task_cpu("1 vCPU"), Ok(1024));
        assert_eq!(parse_task_cpu("0.25 vcpu"), Ok(256));
        assert_eq!(parse_task_cpu("2 vCPUs"), Ok(2048));
        assert!(parse_task_cpu("lots").is_err());
        assert!(parse_task_cpu("-1").is_err());
    }

    #[test]
    fn memory_forms() {
        assert_eq!(parse_task_memory("2048"), Ok(2048));
        assert_eq!(parse_task_memory("2 GB"), Ok(2048));
        assert_eq!(parse_task_memory("0.5GB"), Ok(512));
        assert_eq!(parse_task_memory("512 MiB"), Ok(512));
        assert!(parse_task_memory("2 TB").is_err());
    }

    #[test]
    fn serde_round_trip_as_string() {
        let m: TaskMemory = serde_json::from_str("\"1 GB\"").unwrap();
        assert_eq!(m, TaskMemory(1024));
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"1024\"");
        let c: TaskCpu = serde_json::from_str("512").unwrap();
        assert_eq!(c.0, 512);
    }
}
