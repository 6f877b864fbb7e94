//! Berth's web app: a thin Leptos shell around berth-core.
//!
//! The shell holds the plan in one signal (see `store`), sends edits to the
//! core and draws the core's view model. It computes nothing about ECS itself.

mod app;
mod board;
mod charts;
mod compare;
mod exchange;
mod panels;
mod persist;
mod stepper;
mod store;
mod walk;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
