//! Berth's first module (issue 20): what the page loads first. It draws the
//! board of the plan the user opens and takes a drag, and nothing else, so
//! the board is on screen long before the rest of the app (Leptos, the
//! panels, the stepper, the charts, the catalogue's rows), which `first.js`
//! fetches from the start, starts once the board is painted and hands the
//! drags made meanwhile to.
//!
//! It opens the plan as the app does (`src/app.rs`): a share link that
//! reads, else the plan saved in this browser, else the example. A plan it
//! cannot read is drawn no differently from the app's: the app, once here,
//! says why and keeps it aside. It places the plan and draws berth-core's
//! view model of the groups and totals (`render`); a drag goes through
//! berth-core's `apply_drop`, which carries no other edit's code.
//!
//! This module owns the plan on the first board until the app takes over;
//! the app then replays the edits handed over (see `src/first_board.rs`).

#[path = "../../src/format.rs"]
mod format;
mod render;

use std::cell::RefCell;

use berth_core::app::edit::{apply_drop, Edit};
use berth_core::app::view::board_groups;
use berth_core::input::share;
use berth_core::placement::Placer;
use berth_core::{load_plan, Plan};
use wasm_bindgen::prelude::*;

/// The example plan, as the app ships it.
const EXAMPLE_PLAN: &str = include_str!("../../public/examples/microtrader.json");

#[wasm_bindgen(module = "/src/first.js")]
extern "C" {
    /// Fetches and starts the rest of the app once this frame is painted.
    #[wasm_bindgen(js_name = loadAppAfterPaint)]
    fn load_app_after_paint();

    /// The share link's fragment (after `#plan=`), if the address has one.
    #[wasm_bindgen(js_name = linkFragment)]
    fn link_fragment() -> Option<String>;

    /// The plan autosaved in this browser, as text, if there is one.
    #[wasm_bindgen(js_name = savedPlan)]
    fn saved_plan() -> Option<String>;

    /// Puts the page's HTML in place of the last.
    fn show(html: &str);

    /// Calls `on_move(service, from, to)` when a task chip is dropped on an instance.
    fn listen(on_move: &Closure<dyn Fn(String, String, String)>);

    /// Keeps an applied edit (as the app reads an `Edit`) for the app to replay.
    #[wasm_bindgen(js_name = handOver)]
    fn hand_over(edit_json: &str);
}

/// The plan on the first board, and what it last said.
struct FirstBoard {
    plan: Plan,
    placer: Placer,
    /// Why the last drag was refused, on which instance.
    refusal: Option<(String, String)>,
}

thread_local! {
    static BOARD: RefCell<Option<FirstBoard>> = const { RefCell::new(None) };
}

#[wasm_bindgen(start)]
pub fn start() {
    // First, so that the app comes even if this board cannot be drawn.
    load_app_after_paint();
    let Some(plan) = open(link_fragment(), saved_plan()) else {
        return;
    };
    let mut board = FirstBoard {
        plan,
        placer: Placer::default(),
        refusal: None,
    };
    draw(&mut board);
    BOARD.with_borrow_mut(|b| *b = Some(board));
    let on_move = Closure::<dyn Fn(String, String, String)>::new(move_task);
    listen(&on_move);
    on_move.forget();
}

/// The plan the app will open: a link that reads wins over the saved plan,
/// which wins over the example.
fn open(fragment: Option<String>, saved: Option<String>) -> Option<Plan> {
    fragment
        .and_then(|f| share::decode(&f).ok())
        .or_else(|| saved.and_then(|text| load_plan(&text).ok()))
        .or_else(|| load_plan(EXAMPLE_PLAN).ok())
}

fn move_task(service: String, from: String, to: String) {
    if from == to {
        return;
    }
    BOARD.with_borrow_mut(|board| {
        let Some(board) = board else {
            return;
        };
        let edit = Edit::MoveTask {
            service,
            from,
            to: to.clone(),
        };
        match apply_drop(&mut board.placer, &board.plan, &edit) {
            Ok(next) => {
                board.plan = next;
                board.refusal = None;
                hand_over(&serde_json::to_string(&edit).unwrap_or_default());
            }
            // As the app shows a refusal: on the instance it is about.
            Err(e) => board.refusal = Some((e.instance.unwrap_or(to), e.message)),
        }
        draw(board);
    });
}

fn draw(board: &mut FirstBoard) {
    let placement = board.placer.place(&board.plan);
    let (groups, totals) = board_groups(&board.plan, &placement);
    let refusal = board
        .refusal
        .as_ref()
        .map(|(id, message)| (id.as_str(), message.as_str()));
    show(&render::page(
        &board.plan.name,
        &board.plan.cluster.cluster_name,
        &totals,
        &groups,
        refusal,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Plan {
        load_plan(EXAMPLE_PLAN).unwrap()
    }

    fn named(name: &str) -> Plan {
        let mut plan = example();
        plan.name = name.into();
        plan
    }

    #[test]
    fn a_link_that_reads_wins_then_the_saved_plan_then_the_example() {
        let saved = serde_json::to_string(&named("saved")).unwrap();
        let link = share::encode(&named("linked"));
        let opened = |f: Option<&str>, s: Option<&str>| {
            open(f.map(str::to_string), s.map(str::to_string)).map(|p| p.name)
        };
        assert_eq!(opened(Some(&link), Some(&saved)).as_deref(), Some("linked"));
        assert_eq!(
            opened(Some("v1.damaged"), Some(&saved)).as_deref(),
            Some("saved")
        );
        assert_eq!(opened(None, Some(&saved)).as_deref(), Some("saved"));
        assert_eq!(
            opened(None, Some("{not a plan")),
            Some(example().name),
            "an unreadable saved plan is the app's to report; the board shows what the app will"
        );
        assert_eq!(opened(None, None), Some(example().name));
    }
}
