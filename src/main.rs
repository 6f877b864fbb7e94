//! Berth's web app: a thin Leptos shell around berth-core.
//!
//! The shell holds the plan in one signal (see `store`), sends edits to the
//! core and draws the core's view model. It computes nothing about ECS itself.

mod app;
mod board;
mod charts;
mod compare;
mod crash;
mod exchange;
mod exchange_module;
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
