//! A CloudFormation template (JSON or YAML) imported as a plan: never a panic,
//! and what imports is a plan Berth can validate, export again in both
//! shapes, and import back; and, unedited, it writes the user's template
//! back unchanged.
#![no_main]
use berth_core::cfn::template::Shape;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(imported) = berth_core::input::import::import(text, &[]) else {
        return;
    };
    let _ = berth_core::rules::validate(&imported.plan);
    if let Ok(back) = berth_core::cfn::write_back::write_back(&imported.plan) {
        assert!(back.changes.is_empty(), "{:?}", back.changes);
        assert!(back.not_written.is_empty(), "{:?}", back.not_written);
    }
    for shape in [Shape::Stack, Shape::Services] {
        let template = berth_core::cfn::template::write_template(&imported.plan, shape);
        let _ = berth_core::cfn::yaml::to_yaml(&template);
        let _ = berth_core::input::import::import(&template.to_string(), &[]);
    }
});
