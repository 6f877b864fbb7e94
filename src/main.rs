//! Berth's web app: a thin Leptos shell around berth-core.
//!
//! The shell holds the plan in one signal (see `store`, with its undo
//! `history`), sends edits to the core and draws the core's view model. It
//! computes nothing about ECS itself. `dnd` carries drags (mouse and
//! keyboard) to the store; `board/`, `panels`, `stepper/`, `walk`,
//! `compare` and `exchange` draw; `format` writes numbers; `persist`,
//! `crash` and `exchange_module` talk to the browser.

mod app;
mod board;
mod charts;
mod compare;
mod crash;
mod dnd;
mod exchange_module;
mod format;
mod history;
mod panels;
mod persist;
mod stepper;
mod store;
mod walk;

fn main() {
    crash::install();
    leptos::mount::mount_to_body(app::App);
    // Effects run after mounting; once a macrotask later they all have.
    leptos::prelude::set_timeout(crash::started, std::time::Duration::ZERO);
}
