//! One placement workload, prepared once and placed on demand, with the same
//! entry points natively and in wasm, so that both sides time the same work.

use std::cell::RefCell;

use berth_core::placement::place;
use berth_core::synthetic::{cluster, Workload};
use berth_core::Plan;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::wasm_bindgen;

/// The cases both sides measure: (instances, tasks, workload).
pub const CASES: &[(u32, u32, &str)] = &[
    (500, 10_000, "binpack"),
    (500, 10_000, "spread"),
    (500, 10_000, "ports"),
    (5_000, 100_000, "binpack"),
    (5_000, 100_000, "spread"),
    (5_000, 100_000, "ports"),
    (5_000, 100_000, "scheduling"),
];

thread_local! {
    static PREPARED: RefCell<Option<Plan>> = const { RefCell::new(None) };
}

/// Makes the plan of one case; false for an unknown workload.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub fn prepare(instances: u32, tasks: u32, workload: &str) -> bool {
    let Some(w) = Workload::parse(workload) else {
        return false;
    };
    PREPARED.with_borrow_mut(|p| *p = Some(cluster(instances, tasks, w)));
    true
}

/// Places the prepared plan; returns the tasks placed.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub fn place_prepared() -> u32 {
    PREPARED.with_borrow(|p| {
        p.as_ref().map_or(0, |plan| {
            place(plan)
                .instances()
                .iter()
                .map(|i| i.tasks.len() as u32)
                .sum()
        })
    })
}
