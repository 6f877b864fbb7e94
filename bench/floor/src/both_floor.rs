//! berth-core as the app calls it, and Leptos drawing a counter: the first
//! load of a Berth whose own views weighed nothing.
#[allow(dead_code)] // reached from JavaScript only
mod core_api;
mod counter;

fn main() {
    leptos::mount::mount_to_body(counter::Counter)
}
