//! Berth's web app: a thin Leptos shell around berth-core.
//!
//! The shell holds the plan in one signal (see `store`, with its undo
//! `history`), sends edits to the core and draws the core's view model. It
//! computes nothing about ECS itself. `dnd` carries drags (mouse and
//! keyboard) to the store; `board/`, `panels`, `stepper/`, `walk`,
//! `compare` and `exchange` draw; `format` writes numbers; `persist`,
//! `crash`, `exchange_module` and `first_board` talk to the browser.

mod app;
mod board;
mod charts;
mod compare;
mod crash;
mod dnd;
mod exchange_module;
mod first_board;
mod format;
mod history;
mod panels;
mod persist;
mod stepper;
mod store;
mod walk;

fn main() {
    crash::install();
    // The first module drew the board until now; what was done on it comes along.
    let handed = first_board::take_over();
    leptos::mount::mount_to_body(move || leptos::view! { <app::App handed=handed /> });
    // Effects run after mounting; once a macrotask later they all have.
    leptos::prelude::set_timeout(crash::started, std::time::Duration::ZERO);
}
