//! CloudFormation intrinsics evaluated on import (issue 16): the bytes
//! become a template whose container image, environment values, desired
//! count and Conditions are trees of `Ref`, `Fn::Sub` (both forms),
//! `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::If`, the
//! condition functions, `Fn::GetAtt`, `Fn::ImportValue`, `Fn::GetAZs` and
//! `AWS::NoValue`, naming each other (cycles included). Never a panic, never
//! a hang (libFuzzer's timeout), and bounded output: no resolved value past
//! 64 KiB, and a plan no larger than its cap.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

/// The fuzzer's bytes, read one choice at a time (zeros when they run out).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn next(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
        from[self.next() as usize % from.len()]
    }
}

const NAMES: &[&str] = &[
    "P",
    "L",
    "AWS::Region",
    "AWS::StackName",
    "AWS::AccountId",
    "AWS::NoValue",
    "Web",
    "Nope",
];
const CONDITIONS: &[&str] = &["A", "B", "C"];

/// A value: a scalar, or an intrinsic whose arguments are values.
fn value(b: &mut Bytes, depth: u32) -> Value {
    if depth > 12 {
        return json!("x");
    }
    let d = depth + 1;
    match b.next() % 16 {
        0 => json!(b.pick(&[
            "",
            "a,b,c",
            "8080",
            "${P}",
            "x-${AWS::Region}-${Nope}",
            "${!Literal}"
        ])),
        1 => json!(b.next()),
        2 => json!({"Ref": b.pick(NAMES)}),
        3 => {
            json!({"Fn::Sub": b.pick(&["${P}:${L}", "${X}${X}", "${Web.Arn}", "${AWS::StackName}", "${"])})
        }
        4 => json!({"Fn::Sub": ["${X}${X}-${P}", {"X": value(b, d)}]}),
        5 => json!({"Fn::Join": [b.pick(&["", ",", "-"]), list(b, d)]}),
        6 => json!({"Fn::Select": [value(b, d), list(b, d)]}),
        7 => json!({"Fn::FindInMap": [b.pick(&["M", "Nope"]), value(b, d), value(b, d)]}),
        8 => json!({"Fn::If": [b.pick(CONDITIONS), value(b, d), value(b, d)]}),
        9 => json!({"Fn::GetAtt": [b.pick(NAMES), "Arn"]}),
        10 => json!({"Fn::ImportValue": value(b, d)}),
        11 => json!({"Fn::GetAZs": value(b, d)}),
        12 => json!({"Fn::Split": [",", value(b, d)]}),
        13 => json!([value(b, d), value(b, d)]),
        14 => json!({"Fn::Base64": value(b, d)}),
        _ => json!({"Ref": "AWS::NoValue"}),
    }
}

fn list(b: &mut Bytes, depth: u32) -> Value {
    match b.next() % 4 {
        0 => json!({"Fn::Split": [",", value(b, depth)]}),
        1 => json!({"Fn::GetAZs": ""}),
        2 => json!({"Ref": "L"}),
        _ => json!([value(b, depth), value(b, depth), value(b, depth)]),
    }
}

/// A condition body naming values and the other conditions.
fn condition(b: &mut Bytes, depth: u32) -> Value {
    let d = depth + 1;
    if depth > 8 {
        return json!({"Fn::Equals": ["a", "a"]});
    }
    match b.next() % 5 {
        0 => json!({"Fn::Equals": [value(b, d), value(b, d)]}),
        1 => json!({"Fn::Not": [condition(b, d)]}),
        2 => json!({"Fn::And": [condition(b, d), condition(b, d)]}),
        3 => json!({"Fn::Or": [condition(b, d), {"Condition": b.pick(CONDITIONS)}]}),
        _ => json!({"Condition": b.pick(CONDITIONS)}),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let conditions: serde_json::Map<String, Value> = CONDITIONS
        .iter()
        .map(|c| (c.to_string(), condition(&mut b, 0)))
        .collect();
    let template = json!({
        "Parameters": {"P": {"Type": "String", "Default": "p"}, "L": {"Type": "CommaDelimitedList", "Default": "a,b"}},
        "Mappings": {"M": {"p": {"a": "1", "b": ["x"]}, "x": {"x": {"Fn::FindInMap": ["M", "x", "x"]}}}},
        "Conditions": conditions,
        "Resources": {
            "Web": {"Type": "AWS::ECS::TaskDefinition", "Condition": b.pick(CONDITIONS), "Properties": {
                "ContainerDefinitions": [{"Name": "web", "Image": value(&mut b, 0), "Memory": 128,
                    "Environment": [{"Name": "A", "Value": value(&mut b, 0)}, {"Name": "B", "Value": value(&mut b, 0)}]}]}},
            "Svc": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": {"Ref": "Web"}, "DesiredCount": value(&mut b, 0)}}
        }
    });
    let Ok(imported) = berth_core::input::import::import(&template.to_string(), &[]) else {
        return;
    };
    for td in &imported.plan.task_definitions {
        for c in &td.container_definitions {
            assert!(c.image.len() <= 64 * 1024);
            assert!(c.environment.iter().all(|e| e.value.len() <= 64 * 1024));
        }
    }
    let json = serde_json::to_string(&imported.plan).unwrap();
    assert!(json.len() <= 4 * berth_core::input::MAX_PLAN_BYTES);
});
