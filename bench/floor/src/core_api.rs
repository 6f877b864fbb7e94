//! Every entry of berth-core the web app calls, reachable from JavaScript:
//! what the first load carries for the planner, whatever draws it.
//!
//! Every argument comes from JavaScript or through `black_box`, so that the
//! optimiser can specialise nothing the app's own calls would keep: values
//! the app builds in Rust (edits, deployment options) are opaque, values it
//! reads as JSON are read as JSON here. `tests/in_step.rs` checks that every
//! function `src/` calls is called here.

use std::hint::black_box;

use berth_core::app::edit::{
    apply, apply_with, moved_together, rebalance_preview, service_form, Edit,
};
use berth_core::app::exchange::{ExportReply, ImportReply};
use berth_core::app::report::check_report_with;
use berth_core::app::view::{
    board, board_at_step, board_with, families, picker_rows, PickerQuery, PickerTarget,
};
use berth_core::placement::{desired_count, Placer};
use berth_core::simulate::{
    deploy, hint, limits, run_task, run_task_as_deployment, run_task_candidates, scale, timeline,
    Change, DeployOptions, Timing,
};
use berth_core::{load_plan, place, LoadError, Plan};
use wasm_bindgen::prelude::wasm_bindgen;

fn plan(text: &str) -> Result<Plan, String> {
    load_plan(text).map_err(|e| e.to_string())
}

/// The plan in a share link, as the app opens it.
#[wasm_bindgen]
pub fn open_link(fragment: &str) -> Result<String, String> {
    berth_core::input::share::decode(fragment)
        .map(|p| p.name)
        .map_err(|e| e.to_string())
}

/// The board of a plan, and the plan as the app saves it.
#[wasm_bindgen]
pub fn show(text: &str) -> Result<String, String> {
    let p = plan(text)?;
    // As the store draws it: through its Placer, and placed afresh when the
    // store is gone.
    let placed = Placer::default().place(&p);
    let b = board_with(&p, &placed);
    let fresh = board_with(&p, &place(&p)).groups.len() + board(&p).groups.len();
    // The review's findings, on the board's placement.
    let found = check_report_with(&p, &placed).findings.len();
    let saved = serde_json::to_string(&p).map_err(|e| e.to_string())?;
    Ok(format!(
        "{} {fresh} {found} {} {} {saved}",
        b.groups.len(),
        b.unplaced.len(),
        b.jvm.len()
    ))
}

/// An edit, as the store applies it, and the service form it opens.
#[wasm_bindgen]
pub fn edit(text: &str, service: &str, count: u32) -> Result<String, String> {
    let p = plan(text)?;
    let form = service_form(&p, service).is_some();
    let e = black_box(Edit::AddGroup {
        instance_type: service.to_string(),
        count,
    });
    let mut placer = Placer::default();
    let next = apply_with(&mut placer, &p, &e).map_err(|e| e.message)?;
    let again = apply(&next, &e).map(|n| n.services.len()).unwrap_or(0);
    let moves = rebalance_preview(&mut placer, &next).moves.len();
    let moved = moved_together(&p, &next).len();
    Ok(format!(
        "{form} {again} {moves} {moved} {}",
        board(&next).groups.len()
    ))
}

/// The picker's rows and families.
#[wasm_bindgen]
pub fn pick(
    plan: &str,
    query: &str,
    family: Option<String>,
    architecture: Option<String>,
    limit: usize,
) -> Result<usize, String> {
    let plan = berth_core::load_plan(plan).map_err(|e| e.to_string())?;
    let q = PickerQuery {
        text: query.to_string(),
        family,
        architecture,
        limit,
        ..PickerQuery::default()
    };
    Ok(picker_rows(&plan, &PickerTarget::NewGroup(1), &q).total + families().len())
}

/// The comparison with a baseline.
#[wasm_bindgen]
pub fn compare(baseline: &str, current: &str) -> Result<usize, String> {
    let (was, now) = (plan(baseline)?, plan(current)?);
    // As the review panel compares: on boards it already has.
    let (a, b) = (board(&was), board_with(&now, &place(&now)));
    Ok(
        berth_core::app::compare::compare_boards((&was, &a), (&now, &b))
            .rows
            .len(),
    )
}

/// A deployment, a scale or a RunTask, and the board at its last step.
#[wasm_bindgen]
pub fn simulate(text: &str, service: &str, what: u32, count: u32) -> Result<String, String> {
    let p = plan(text)?;
    let timing = black_box(Timing::default());
    let (steps, shown, tip) = match what {
        0 => {
            let options = black_box(DeployOptions {
                change: Change {
                    image: Some(service.into()),
                    ..Change::default()
                },
                ..DeployOptions::default()
            });
            let d = deploy(&p, service, &options).map_err(|e| e.to_string())?;
            let chart = timeline(&d).spans.len();
            let tip = hint(&d).map(|h| format!("{h} {chart}"));
            (d.steps.clone(), d.plan.clone(), tip)
        }
        1 => {
            let d = scale(&p, service, count, timing).map_err(|e| e.to_string())?;
            (d.steps.clone(), d.plan.clone(), hint(&d))
        }
        2 => {
            let r = run_task(&p, service, count, timing).map_err(|e| e.to_string())?;
            (r.steps, p.clone(), None)
        }
        _ => {
            let family = run_task_candidates(&p).pop().unwrap_or_default();
            let d =
                run_task_as_deployment(&p, &family, count, timing).map_err(|e| e.to_string())?;
            (d.steps.clone(), d.plan.clone(), hint(&d))
        }
    };
    let last = steps.last().map(|s| board_at_step(&shown, s).groups.len());
    let desired = p
        .service(service)
        .map_or(count, |s| desired_count(&p, &place(&p).state, s));
    Ok(format!(
        "{last:?} {tip:?} {:?}",
        limits(desired, black_box(50), black_box(200))
    ))
}

/// The walkthroughs' titles and step counts.
#[wasm_bindgen]
pub fn walkthroughs() -> usize {
    berth_core::app::walkthrough::walkthroughs()
        .iter()
        .map(|w| w.title.len() + w.steps.len())
        .sum()
}

/// The exchange module's replies, as the app reads them.
#[wasm_bindgen]
pub fn replies(export: &str, import: &str) -> String {
    let e = serde_json::from_str::<Result<ExportReply, LoadError>>(export);
    let i = serde_json::from_str::<Result<ImportReply, LoadError>>(import);
    format!("{} {}", e.is_ok(), i.is_ok())
}

/// Right-sizing as the app runs it (issue 18): the search a step at a time,
/// its answer in words and its chart's points.
#[wasm_bindgen]
pub fn right_size(plan: &str) -> Result<String, String> {
    use berth_core::recommend::{
        cheaper_types, deployments_in_words, plan_architecture, summary, Options, Search,
    };
    let p = berth_core::load_plan(plan).map_err(|e| e.to_string())?;
    let mut search = Search::new(&p, &Options::default());
    while search.step() {
        black_box(search.progress());
    }
    let r = search.recommendation();
    let cheaper = r.candidates.first().map(|best| {
        (
            cheaper_types(&r, best).len(),
            deployments_in_words(&p, best),
        )
    });
    Ok(format!(
        "{} {} {cheaper:?} {}",
        plan_architecture(&p),
        summary(&p, &r),
        r.cost_points(16).len()
    ))
}
