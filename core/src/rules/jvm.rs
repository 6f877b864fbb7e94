//! The JVM memory check of §7: read a container's JVM flags and estimate what
//! the JVM may use against the container's hard limit.
//!
//! The estimate is §7.5's rule of thumb — a heuristic, not a measurement —
//! and says so wherever it is shown.

use serde::Serialize;

use crate::model::requirements::effective_hard_limit;
use crate::model::{ContainerDefinition, JvmAssumptions, TaskDefinition};

const MIB: f64 = 1024.0 * 1024.0;
/// §7.1: MaxHeapSize default, 96 MiB × 13/10 on 64-bit.
const DEFAULT_MAX_HEAP_MIB: f64 = 96.0 * 13.0 / 10.0;
/// §7.5 defaults; the threads and code cache are the plan's assumptions
/// ([`JvmAssumptions`]), which start from these.
pub use crate::model::jvm_assumptions::DEFAULT_THREADS;
const DEFAULT_METASPACE_MIB: f64 = 100.0;
/// Cloud Foundry's calculator default for direct memory (§7.4 [CF]).
const DEFAULT_DIRECT_MIB: f64 = 10.0;

/// The flags Berth reads, in MiB where they are sizes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JvmFlags {
    /// -Xmx: the maximum heap.
    pub xmx: Option<f64>,
    /// -Xms: the initial heap.
    pub xms: Option<f64>,
    /// -Xss: one thread's stack.
    pub xss: Option<f64>,
    /// -XX:MaxMetaspaceSize.
    pub max_metaspace_size: Option<f64>,
    /// -XX:MaxRAMPercentage (a percentage, not a size).
    pub max_ram_percentage: Option<f64>,
    /// -XX:ReservedCodeCacheSize.
    pub reserved_code_cache_size: Option<f64>,
    /// -XX:MaxDirectMemorySize.
    pub max_direct_memory_size: Option<f64>,
    /// Options the JVM refuses at start-up (e.g. a percentage over 100).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<String>,
}

/// Parses a JVM size: bytes, or with k/m/g/t suffix. Returns MiB.
pub fn parse_size(text: &str) -> Option<f64> {
    let t = text.trim();
    let (num, mult) = match t.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => {
            let m = match c.to_ascii_lowercase() {
                'k' => 1024.0,
                'm' => MIB,
                'g' => MIB * 1024.0,
                't' => MIB * 1024.0 * 1024.0,
                _ => return None,
            };
            (&t[..i], m)
        }
        _ => (t, 1.0),
    };
    let n: u64 = num.parse().ok()?;
    Some(n as f64 * mult / MIB)
}

/// Reads the flags from whitespace-separated options; later flags win, as in the JVM.
pub fn parse_flags<'a>(options: impl IntoIterator<Item = &'a str>) -> JvmFlags {
    let mut f = JvmFlags::default();
    for opt in options {
        let size_after = |prefix: &str| opt.strip_prefix(prefix).and_then(parse_size);
        if let Some(v) = size_after("-Xmx") {
            f.xmx = Some(v);
        } else if let Some(v) = size_after("-Xms") {
            f.xms = Some(v);
        } else if let Some(v) = size_after("-Xss") {
            f.xss = Some(v);
        } else if let Some(v) = size_after("-XX:MaxMetaspaceSize=") {
            f.max_metaspace_size = Some(v);
        } else if let Some(v) = size_after("-XX:ReservedCodeCacheSize=") {
            f.reserved_code_cache_size = Some(v);
        } else if let Some(v) = size_after("-XX:MaxDirectMemorySize=") {
            f.max_direct_memory_size = Some(v);
        } else if let Some(v) = opt
            .strip_prefix("-XX:MaxRAMPercentage=")
            .and_then(|v| v.parse::<f64>().ok())
        {
            // HotSpot checks the range at start-up and exits ("must be between
            // 0.0 and 100.0"); Rust's parser also takes "inf" and "NaN".
            if (0.0..=100.0).contains(&v) {
                f.max_ram_percentage = Some(v);
            } else {
                f.refused.push(opt.to_string());
            }
        }
    }
    f
}

/// Where a container's JVM options come from: JAVA_OPTS, JAVA_TOOL_OPTIONS,
/// then entryPoint and command. None when the container shows no sign of a JVM.
pub fn container_options(c: &ContainerDefinition) -> Option<Vec<String>> {
    let mut opts: Vec<String> = Vec::new();
    let mut seen_jvm = false;
    for var in ["JAVA_TOOL_OPTIONS", "JAVA_OPTS"] {
        if let Some(v) = c.env(var) {
            seen_jvm = true;
            opts.extend(v.split_whitespace().map(str::to_string));
        }
    }
    let args: Vec<&str> = c
        .entry_point
        .iter()
        .chain(&c.command)
        .flat_map(|a| a.split_whitespace())
        .collect();
    if args
        .iter()
        .any(|a| *a == "java" || a.ends_with("/java") || a.starts_with("-X"))
    {
        seen_jvm = true;
        opts.extend(args.iter().map(|s| s.to_string()));
    }
    seen_jvm.then_some(opts)
}

/// How the JVM's estimated footprint compares with the container's hard limit.
///
/// Calibrated on what is certain (issue 22): red only where the flags alone
/// decide it; what rests on the assumptions (threads, code cache) is a risk
/// to look at, amber, as the seed's own 672 + 128 MiB in 800 is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Within the limit with room to spare.
    Ok,
    /// A risk worth a look: the estimate over the limit, heap and metaspace
    /// filling it, heap over 75 % of it, or no hard limit at all.
    Amber,
    /// Certain trouble: a heap as large as the hard limit (killed once it
    /// fills), or a JVM that will not start.
    Red,
}

/// §7.5's breakdown for one container, all in MiB.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JvmEstimate {
    /// The container.
    pub container: String,
    /// The flags read from its command, entry point and JAVA_OPTS-like variables.
    pub flags: JvmFlags,
    /// The hard limit the JVM sees (§7.3), None when there is none.
    pub hard_limit: Option<u32>,
    /// The maximum heap: -Xmx, else the JVM's default share of the hard limit (§7.2).
    pub heap: f64,
    /// True when the heap came from -Xmx rather than the JVM's default rule.
    pub heap_from_xmx: bool,
    /// -XX:MaxMetaspaceSize, else §7.5's default.
    pub metaspace: f64,
    /// The threads' stacks: threads × -Xss.
    pub thread_stacks: f64,
    /// The threads assumed (the plan's assumption, else §7.5's default).
    pub threads: u32,
    /// -XX:ReservedCodeCacheSize, else the plan's assumption.
    pub code_cache: f64,
    /// Whether the code cache came from -XX:ReservedCodeCacheSize.
    pub code_cache_from_flag: bool,
    /// -XX:MaxDirectMemorySize, else Cloud Foundry's default.
    pub direct: f64,
    /// GC and other native memory: a tenth of the heap, at least 64 MiB.
    pub overhead: f64,
    /// The sum of the parts: what the JVM needs.
    pub required: f64,
    /// How the need compares with the hard limit.
    pub severity: Severity,
    /// Plain-language findings, each naming the heuristic it rests on.
    pub findings: Vec<String>,
}

/// §7.2: the default maximum heap for the RAM the JVM sees.
pub fn default_max_heap(ram_mib: f64, max_ram_percentage: f64) -> f64 {
    let min_ = ram_mib * 0.50;
    let max_ = ram_mib * max_ram_percentage / 100.0;
    if min_ < DEFAULT_MAX_HEAP_MIB {
        min_
    } else {
        max_.max(DEFAULT_MAX_HEAP_MIB)
    }
}

/// Estimates one container's JVM under §7.5's default assumptions;
/// `host_memory` is what the JVM sees when the container has no hard limit
/// (§7.3: it sizes from the host).
pub fn estimate(
    td: &TaskDefinition,
    container: usize,
    host_memory: Option<u32>,
) -> Option<JvmEstimate> {
    estimate_with(td, container, host_memory, JvmAssumptions::default())
}

/// [`estimate`] under the user's `assumptions` for this container.
pub fn estimate_with(
    td: &TaskDefinition,
    container: usize,
    host_memory: Option<u32>,
    assumptions: JvmAssumptions,
) -> Option<JvmEstimate> {
    let c = td.container_definitions.get(container)?;
    let opts = container_options(c)?;
    let flags = parse_flags(opts.iter().map(String::as_str));
    let hard_limit = effective_hard_limit(td, container);
    let seen_ram = hard_limit.or(host_memory).map(f64::from);
    let (heap, heap_from_xmx) = match (flags.xmx, seen_ram) {
        (Some(x), _) => (x, true),
        (None, Some(ram)) => (
            default_max_heap(ram, flags.max_ram_percentage.unwrap_or(25.0)),
            false,
        ),
        (None, None) => (DEFAULT_MAX_HEAP_MIB, false),
    };
    let metaspace = flags.max_metaspace_size.unwrap_or(DEFAULT_METASPACE_MIB);
    let threads = assumptions.threads;
    let thread_stacks = threads as f64 * flags.xss.unwrap_or(1.0);
    let code_cache_from_flag = flags.reserved_code_cache_size.is_some();
    let code_cache = flags
        .reserved_code_cache_size
        .unwrap_or(assumptions.code_cache_mib as f64);
    let direct = flags.max_direct_memory_size.unwrap_or(DEFAULT_DIRECT_MIB);
    let overhead = (heap * 0.10).max(64.0);
    let required = heap + metaspace + thread_stacks + code_cache + direct + overhead;

    let mut findings = Vec::new();
    let mut severity = limit_findings(
        hard_limit,
        (heap, heap_from_xmx),
        metaspace,
        (required, threads, code_cache),
        &mut findings,
    );
    for opt in &flags.refused {
        severity = Severity::Red;
        findings.push(format!(
            "{opt}: the JVM refuses to start (MaxRAMPercentage must be between 0.0 and 100.0)"
        ));
    }
    if flags.max_direct_memory_size.is_none() {
        findings.push(format!(
            "-XX:MaxDirectMemorySize is not set: direct buffers may grow up to the heap size; {DEFAULT_DIRECT_MIB:.0} MiB is assumed"
        ));
    }
    Some(JvmEstimate {
        container: c.name.clone(),
        flags,
        hard_limit,
        heap,
        heap_from_xmx,
        metaspace,
        thread_stacks,
        threads,
        code_cache,
        code_cache_from_flag,
        direct,
        overhead,
        required,
        severity,
        findings,
    })
}

/// §7.5: the footprint, heap and metaspace against the hard limit (or its
/// absence); the severity they make and what to say of it.
fn limit_findings(
    hard_limit: Option<u32>,
    (heap, heap_from_xmx): (f64, bool),
    metaspace: f64,
    (required, threads, code_cache): (f64, u32, f64),
    findings: &mut Vec<String>,
) -> Severity {
    let mut severity = Severity::Ok;
    let mut at_least = |s: Severity| severity = severity.max(s);
    match hard_limit {
        Some(limit) => {
            let limit = limit as f64;
            if heap >= limit {
                at_least(Severity::Red);
                findings.push(format!(
                    "the heap alone ({heap:.0} MiB) fills the {limit:.0} MiB hard limit: once it fills, the container is killed (exit 137, \"OutOfMemoryError: Container killed due to memory usage\")"
                ));
            }
            if required > limit {
                at_least(Severity::Amber);
                findings.push(format!(
                    "the estimate, {required:.0} MiB, is over the {limit:.0} MiB hard limit: under load the container may be killed (exit 137). It assumes {threads} threads and a {code_cache:.0} MiB code cache; change them if yours differ"
                ));
            }
            if heap + metaspace >= limit && heap < limit {
                at_least(Severity::Amber);
                findings.push(format!(
                    "heap {heap:.0} MiB + metaspace {metaspace:.0} MiB alone fill the {limit:.0} MiB hard limit, leaving nothing for thread stacks, code cache and native memory"
                ));
            }
            if heap > 0.75 * limit {
                at_least(Severity::Amber);
                findings.push(format!(
                    "heap {heap:.0} MiB is over 75 % of the {limit:.0} MiB hard limit; common practice keeps it at or below 75 %"
                ));
            }
        }
        None => {
            at_least(Severity::Amber);
            findings.push(if heap_from_xmx {
                "no hard limit: the container can grow until the instance runs out of memory; set memory (a hard limit)".to_string()
            } else {
                "no hard limit: the JVM default heap derives from instance memory; set -Xmx or a hard limit".to_string()
            });
        }
    }
    severity
}

#[cfg(test)]
mod tests {
    use super::*;

    fn td(json: &str) -> TaskDefinition {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_percentage_the_jvm_refuses_is_reported_not_used() {
        for bad in ["1e300", "inf", "NaN", "-1", "100.5"] {
            let t = td(&format!(
                r#"{{"family": "j", "containerDefinitions": [{{"name": "j", "memory": 512,
                "environment": [{{"name": "JAVA_OPTS", "value": "-XX:MaxRAMPercentage={bad}"}}]}}]}}"#
            ));
            let e = estimate(&t, 0, None).unwrap();
            assert!(
                e.heap.is_finite() && e.heap == default_max_heap(512.0, 25.0),
                "{bad}: {}",
                e.heap
            );
            assert_eq!(e.severity, Severity::Red, "{bad}");
            assert!(
                e.findings.iter().any(|f| f.contains("refuses to start")),
                "{bad}"
            );
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("672m"), Some(672.0));
        assert_eq!(parse_size("1g"), Some(1024.0));
        assert_eq!(parse_size("512K"), Some(0.5));
        assert_eq!(parse_size("1048576"), Some(1.0));
        assert_eq!(parse_size("12x"), None);
        assert_eq!(parse_size(""), None);
    }

    #[test]
    fn default_heap_table() {
        // §7.2's table.
        assert_eq!(default_max_heap(128.0, 25.0), 64.0);
        assert!((default_max_heap(256.0, 25.0) - 124.8).abs() < 0.01);
        assert_eq!(default_max_heap(512.0, 25.0), 128.0);
        assert_eq!(default_max_heap(1024.0, 25.0), 256.0);
        assert_eq!(default_max_heap(4096.0, 25.0), 1024.0);
    }

    #[test]
    fn the_seed_danger_area_is_a_known_risk_amber() {
        let t = td(
            r#"{"family":"quote","containerDefinitions":[{"name":"quote","memory":800,"memoryReservation":195,
            "environment":[{"name":"JAVA_OPTS","value":"-Xmx672m -XX:MaxMetaspaceSize=128m"}]}]}"#,
        );
        let e = estimate(&t, 0, Some(995)).unwrap();
        // Issue 22: it rests on the assumptions (200 threads, 240 MiB code
        // cache), and the seed runs it: a risk to look at, not an error.
        assert_eq!(e.severity, Severity::Amber);
        assert_eq!(e.heap, 672.0);
        assert_eq!(e.metaspace, 128.0);
        assert_eq!(e.hard_limit, Some(800));
        assert!(e.required > 800.0);
        assert!(
            e.findings.iter().any(|f| f.contains("alone fill")),
            "{:?}",
            e.findings
        );
    }

    #[test]
    fn a_sized_jvm_is_ok_and_reservation_only_is_amber() {
        let ok = td(
            r#"{"family":"a","containerDefinitions":[{"name":"a","memory":1024,
            "environment":[{"name":"JAVA_OPTS","value":"-Xmx512m -XX:MaxMetaspaceSize=96m -Xss512k -XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=32m"}]}]}"#,
        );
        let e = estimate(&ok, 0, None).unwrap();
        assert_eq!(e.severity, Severity::Ok, "{e:?}");
        let soft = td(
            r#"{"family":"a","containerDefinitions":[{"name":"a","memoryReservation":512,"command":["java","-jar","app.jar"]}]}"#,
        );
        let e = estimate(&soft, 0, Some(7690)).unwrap();
        assert_eq!(e.severity, Severity::Amber);
        assert!(e.heap > 1900.0, "heap sized from the host: {}", e.heap);
        let no_jvm = td(
            r#"{"family":"n","containerDefinitions":[{"name":"n","memory":64,"command":["nginx"]}]}"#,
        );
        assert!(estimate(&no_jvm, 0, None).is_none());
    }

    #[test]
    fn heap_over_three_quarters_is_amber() {
        let t = td(
            r#"{"family":"a","containerDefinitions":[{"name":"a","memory":4096,
            "environment":[{"name":"JAVA_TOOL_OPTIONS","value":"-Xmx3200m -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m -Xss256k"}]}]}"#,
        );
        let e = estimate(&t, 0, None).unwrap();
        assert_eq!(e.severity, Severity::Amber, "{e:?}");
    }

    #[test]
    fn a_heap_as_large_as_the_limit_is_red_and_assumptions_move_the_estimate() {
        let t = td(
            r#"{"family":"a","containerDefinitions":[{"name":"a","memory":512,
            "environment":[{"name":"JAVA_OPTS","value":"-Xmx512m"}]}]}"#,
        );
        let e = estimate(&t, 0, None).unwrap();
        assert_eq!(e.severity, Severity::Red, "{e:?}");
        assert!(
            e.findings[0].contains("the heap alone (512 MiB)"),
            "{:?}",
            e.findings
        );

        // 400 MiB of heap in 800: 200 threads × 1 MiB and a 240 MiB code
        // cache put it over; 50 threads and 48 MiB do not.
        let t = td(
            r#"{"family":"a","containerDefinitions":[{"name":"a","memory":800,
            "environment":[{"name":"JAVA_OPTS","value":"-Xmx400m -XX:MaxMetaspaceSize=96m"}]}]}"#,
        );
        let assumed = |threads, code_cache_mib| {
            estimate_with(
                &t,
                0,
                None,
                JvmAssumptions {
                    threads,
                    code_cache_mib,
                },
            )
            .unwrap()
        };
        let defaults = assumed(200, 240);
        assert_eq!(defaults.severity, Severity::Amber);
        assert!(defaults.findings[0].contains("assumes 200 threads and a 240 MiB code cache"));
        let lean = assumed(50, 48);
        assert_eq!((lean.threads, lean.code_cache), (50, 48.0));
        // 400 + 96 + 50 + 48 + 10 + 64 = 668.
        assert_eq!(lean.required, 668.0);
        assert_eq!(lean.severity, Severity::Ok, "{lean:?}");
    }
}
