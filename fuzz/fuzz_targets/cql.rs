//! ECS's cluster query language (memberOf expressions): parsing never panics
//! and a parsed expression evaluates against any attributes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(expr) = berth_core::placement::cql::parse(src) else {
        return;
    };
    let attrs = |name: &str| match name {
        "attribute:ecs.instance-type" => Some("t2.micro"),
        "attribute:ecs.availability-zone" => Some("us-east-1a"),
        "attribute:ecs.os-type" => Some("linux"),
        _ => None,
    };
    let _ = expr.eval(&attrs);
});
