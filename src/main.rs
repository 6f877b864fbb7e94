//! Berth's web app: a thin Leptos shell around berth-core.
//!
//! The shell holds the plan in one signal, asks the core for a view model
//! and draws it. It computes nothing about ECS itself.

mod app;
mod cards;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
