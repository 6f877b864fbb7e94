//! JAVA_OPTS as a person types them, in a container with or without a hard
//! limit: the JVM estimate never panics and every figure it draws is a finite,
//! non-negative number of MiB.
#![no_main]
use libfuzzer_sys::fuzz_target;

use berth_core::model::TaskDefinition;

fuzz_target!(|input: (Option<u16>, &str)| {
    let (memory, opts) = input;
    let td: TaskDefinition = serde_json::from_value(serde_json::json!({
        "family": "jvm",
        "containerDefinitions": [{
            "name": "app",
            "memory": memory.map(|m| u32::from(m).max(6)),
            "memoryReservation": 6,
            "environment": [{"name": "JAVA_OPTS", "value": opts}]
        }]
    }))
    .expect("a well-formed task definition");
    let Some(e) = berth_core::rules::jvm::estimate(&td, 0, Some(3_800)) else {
        return;
    };
    for (name, v) in [
        ("heap", e.heap),
        ("metaspace", e.metaspace),
        ("thread stacks", e.thread_stacks),
        ("code cache", e.code_cache),
        ("direct", e.direct),
        ("overhead", e.overhead),
        ("required", e.required),
    ] {
        assert!(v.is_finite() && v >= 0.0, "{name} = {v} for {opts:?}");
    }
});
