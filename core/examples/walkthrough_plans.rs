//! Writes every distinct plan of Berth's walkthroughs into a directory, as
//! `ID-STEP.json`, for the tests outside Rust (tests/cfn lints the
//! templates exported from each): `cargo run -p berth-core --example
//! walkthrough_plans -- DIR`.

use berth_core::app::walkthrough::walkthroughs;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: walkthrough_plans DIR");
        std::process::exit(2);
    };
    let mut written = Vec::new();
    for w in walkthroughs() {
        for (i, step) in w.steps.iter().enumerate() {
            if written.contains(&step.plan) {
                continue;
            }
            let path = format!("{dir}/{}-{}.json", w.id, i + 1);
            let text = serde_json::to_string_pretty(&step.plan).expect("plans serialise");
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{path}: {e}"));
            written.push(step.plan.clone());
        }
    }
    println!("{}", written.len());
}
