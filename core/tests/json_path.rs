//! `json_path` finds the field at fault by scanning the text after serde_json
//! fails. This checks it against an independent oracle, serde_path_to_error
//! (which tracks the path while deserializing): every value of the example
//! plan, replaced in turn by each of a list of wrong values, in compact and
//! in pretty-printed JSON, must give the same path from both.

use berth_core::input::json_path;
use berth_core::Plan;
use serde_json::{json, Value};

const EXAMPLE: &str = include_str!("../../public/examples/microtrader.json");

/// Every JSON pointer in `v`, parents before children.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, c)| pointers(c, format!("{at}/{k}"), out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, c)| pointers(c, format!("{at}/{i}"), out)),
        _ => {}
    }
}

fn oracle(text: &str) -> Result<Plan, String> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            "$".into()
        } else {
            format!("$.{path}").replace(".[", "[")
        }
    })
}

#[test]
fn paths_agree_with_a_path_tracking_deserializer() {
    let example: Value = serde_json::from_str(EXAMPLE).unwrap();
    let mut all = Vec::new();
    pointers(&example, String::new(), &mut all);
    let wrong = [
        json!("x"),
        json!(-1),
        json!(1.5),
        json!(70000),
        json!(true),
        json!(null),
        json!({}),
        json!([]),
        json!([1]),
        json!([[1]]),
        json!({"a": 1}),
        json!(""),
        json!("2 TB"),
    ];
    let (mut compared, mut differ) = (0, Vec::new());
    for pointer in all.iter().skip(1) {
        for bad in &wrong {
            let mut plan = example.clone();
            *plan.pointer_mut(pointer).unwrap() = bad.clone();
            for text in [
                plan.to_string(),
                serde_json::to_string_pretty(&plan).unwrap(),
            ] {
                let (Err(want), Err(got)) = (oracle(&text), json_path::from_str::<Plan>(&text))
                else {
                    continue;
                };
                compared += 1;
                if got.path != want {
                    differ.push(format!(
                        "{pointer} = {bad}: {} vs {want} ({})",
                        got.path, got.message
                    ));
                }
            }
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {compared} differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
    assert!(compared > 500, "only {compared} wrong plans compared");
}
