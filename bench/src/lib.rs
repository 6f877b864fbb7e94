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

/// Right-sizing's cases (issue 18): the seed's example, and 50 services of
/// 40 tasks (`synthetic::cluster`, spread, on 100 m5.xlarge).
pub const RECOMMEND_CASES: &[&str] = &["microtrader", "2000 tasks"];

thread_local! {
    static RECOMMEND: RefCell<Option<Plan>> = const { RefCell::new(None) };
}

/// Makes the plan of one right-sizing case; false for an unknown one.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub fn prepare_recommend(case: &str) -> bool {
    let plan = match case {
        "microtrader" => {
            berth_core::load_plan(include_str!("../../public/examples/microtrader.json"))
                .expect("the example loads")
        }
        "2000 tasks" => cluster(100, 2_000, Workload::Spread),
        _ => return false,
    };
    RECOMMEND.with_borrow_mut(|p| *p = Some(plan));
    true
}

/// A whole recommendation over the catalogue for the prepared plan, with
/// deployment headroom; returns how many candidates it found.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub fn recommend_prepared() -> u32 {
    RECOMMEND.with_borrow(|p| {
        p.as_ref().map_or(0, |plan| {
            let o = berth_core::recommend::Options::default();
            berth_core::recommend::recommend(plan, &o).candidates.len() as u32
        })
    })
}
