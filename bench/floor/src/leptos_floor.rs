//! Leptos alone: a counter.
mod counter;

fn main() {
    leptos::mount::mount_to_body(counter::Counter)
}
