//! berth-core as the app calls it, with no view layer.
#[allow(dead_code)] // reached from JavaScript only
mod core_api;

fn main() {}
