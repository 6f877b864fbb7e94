//! An ECS task definition (as `aws ecs describe-task-definition` prints it, or
//! bare) joining the example plan: never a panic, and the joined plan is
//! still within Berth's caps.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(imported) = berth_core::input::import::import(text, &[]) else {
        return;
    };
    let example =
        berth_core::load_plan(include_str!("../../public/examples/microtrader.json")).unwrap();
    if let Ok(joined) = berth_core::input::import::into_plan(&example, imported) {
        assert!(berth_core::input::caps::check(&joined).is_ok());
        let _ = berth_core::rules::validate(&joined);
    }
});
