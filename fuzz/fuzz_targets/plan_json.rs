//! A Berth plan file from a stranger: reading it, validating it and writing
//! its report must never panic; a plan that reads must write back to JSON that
//! reads as the same plan.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(plan) = berth_core::load_plan(text) else {
        return;
    };
    let _ = berth_core::rules::validate(&plan);
    let again = serde_json::to_string(&plan).expect("a plan always serialises");
    let back = berth_core::load_plan(&again).expect("a plan Berth wrote reads back");
    assert_eq!(back, plan);
});
