//! Comparing the plan with a pinned baseline, for a design review: what
//! changed in the plan (groups, services, task definitions and their
//! containers, cluster settings, standalone tasks), field by field in ECS's
//! own names; which tasks moved; the totals and cost; and tasks that no
//! longer fit (or fit again).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::app::view::{board, Board};
use crate::model::Plan;

/// One field that differs between the baseline and the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanChange {
    /// What it belongs to: "group app", "service quote", "task definition
    /// quote", "container quote/quote", "cluster", "run-task migrate".
    pub subject: String,
    /// The field, as ECS and the plan file name it; "(whole)" when the
    /// subject was added or removed.
    pub field: String,
    /// Its value in the baseline; "—" when it had none.
    pub before: String,
    /// Its value now; "—" when it has none.
    pub after: String,
}

/// A value as a review reads it: text unquoted, the rest as compact JSON.
fn shown(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Field-by-field differences of two serialised objects, leaving out
/// `skip` (compared on their own, or not the review's business).
fn diff_fields(subject: &str, a: &Value, b: &Value, skip: &[&str], out: &mut Vec<PlanChange>) {
    let empty = serde_json::Map::new();
    let (a, b) = (
        a.as_object().unwrap_or(&empty),
        b.as_object().unwrap_or(&empty),
    );
    let mut seen = Vec::new();
    for key in a.keys().chain(b.keys()) {
        if skip.contains(&key.as_str()) || seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let (x, y) = (a.get(key), b.get(key));
        if x != y {
            out.push(PlanChange {
                subject: subject.into(),
                field: key.clone(),
                before: shown(x),
                after: shown(y),
            });
        }
    }
}

/// Two lists of objects matched by `key` (a name): each added, removed or
/// changed one, field by field, under the subject `kind` makes of its name.
fn diff_named(
    kind: &dyn Fn(&str) -> String,
    key: &str,
    a: &Value,
    b: &Value,
    skip: &[&str],
    out: &mut Vec<PlanChange>,
) {
    let by_name = |v: &Value| -> Vec<(String, Value)> {
        v.as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|i| (shown(i.get(key)), i.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (xs, ys) = (by_name(a), by_name(b));
    for (name, x) in &xs {
        let subject = kind(name);
        match ys.iter().find(|(n, _)| n == name) {
            Some((_, y)) => diff_fields(&subject, x, y, skip, out),
            None => out.push(PlanChange {
                subject,
                field: "(whole)".into(),
                before: "present".into(),
                after: "removed".into(),
            }),
        }
    }
    for (name, _) in ys.iter().filter(|(n, _)| !xs.iter().any(|(m, _)| m == n)) {
        out.push(PlanChange {
            subject: kind(name),
            field: "(whole)".into(),
            before: "—".into(),
            after: "added".into(),
        });
    }
}

/// What changed in the plan since the baseline, in ECS's field names.
pub fn plan_changes(baseline: &Plan, current: &Plan) -> Vec<PlanChange> {
    // Through the plan's JSON text: the code that writes a plan file and
    // reads a JSON value is in the first load already; a serialiser into
    // values would add its own for every type of the model.
    let as_value = |p: &Plan| -> Value {
        serde_json::to_string(p)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    };
    let (a, b) = (as_value(baseline), as_value(current));
    let mut out = Vec::new();
    diff_named(
        &|n| format!("group {n}"),
        "name",
        &a["cluster"]["instanceGroups"],
        &b["cluster"]["instanceGroups"],
        &[],
        &mut out,
    );
    diff_fields(
        "cluster",
        &a["cluster"],
        &b["cluster"],
        &["instanceGroups"],
        &mut out,
    );
    diff_named(
        &|n| format!("service {n}"),
        "serviceName",
        &a["services"],
        &b["services"],
        &[],
        &mut out,
    );
    diff_named(
        &|n| format!("task definition {n}"),
        "family",
        &a["taskDefinitions"],
        &b["taskDefinitions"],
        &["containerDefinitions"],
        &mut out,
    );
    // Containers of the task definitions both plans have, by name.
    for x in a["taskDefinitions"].as_array().into_iter().flatten() {
        let family = shown(x.get("family"));
        let y = b["taskDefinitions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|y| shown(y.get("family")) == family);
        if let Some(y) = y {
            let (xs, ys) = (&x["containerDefinitions"], &y["containerDefinitions"]);
            let kind = |n: &str| format!("container {family}/{n}");
            diff_named(&kind, "name", xs, ys, &[], &mut out);
        }
    }
    diff_named(
        &|n| format!("run-task {n}"),
        "taskDefinition",
        &a["tasks"],
        &b["tasks"],
        &[],
        &mut out,
    );
    out
}

/// Tasks that run somewhere else now, per service or task definition:
/// "quote: app-2 ×1 → app-1 ×1" (instances it left, instances it came to).
pub fn placement_moves(baseline: &Board, current: &Board) -> Vec<String> {
    type On = BTreeMap<String, BTreeMap<String, i64>>;
    let tally = |b: &Board| -> On {
        let mut on: On = BTreeMap::new();
        for inst in b.groups.iter().flat_map(|g| &g.instances) {
            for chip in &inst.tasks {
                *on.entry(chip.label.clone())
                    .or_default()
                    .entry(inst.id.clone())
                    .or_default() += 1;
            }
        }
        on
    };
    let (was, now) = (tally(baseline), tally(current));
    let mut moves = Vec::new();
    for (task, before) in &was {
        let Some(after) = now.get(task) else {
            continue;
        };
        let side = |from: &BTreeMap<String, i64>, to: &BTreeMap<String, i64>| -> Vec<String> {
            from.iter()
                .filter_map(|(id, n)| {
                    let gone = n - to.get(id).copied().unwrap_or(0);
                    (gone > 0).then(|| format!("{id} ×{gone}"))
                })
                .collect()
        };
        let (left, came) = (side(before, after), side(after, before));
        if !left.is_empty() && !came.is_empty() {
            moves.push(format!("{task}: {} → {}", left.join(", "), came.join(", ")));
        }
    }
    moves
}

/// One row of the comparison table: a figure in the baseline and now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// What the figure is.
    pub label: String,
    /// Its value in the baseline plan.
    pub baseline: f64,
    /// Its value in the current plan.
    pub current: f64,
    /// How to print it: "count", "MiB", "units", "$".
    pub unit: &'static str,
}

impl Row {
    /// Current less baseline.
    pub fn delta(&self) -> f64 {
        self.current - self.baseline
    }
}

/// The current plan held against a pinned baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// The figures, row by row.
    pub rows: Vec<Row>,
    /// "2 × audit (RESOURCE:MEMORY)" for tasks unplaced now but not in the baseline.
    pub no_longer_fit: Vec<String>,
    /// "2 × audit (RESOURCE:MEMORY)" for tasks unplaced in the baseline that are placed now.
    pub fit_again: Vec<String>,
    /// What changed in the plan, field by field.
    pub changes: Vec<PlanChange>,
    /// Tasks that run on other instances now.
    pub moves: Vec<String>,
}

fn unplaced(b: &Board) -> Vec<(String, u32, String)> {
    let mut v: Vec<(String, u32, String)> = Vec::new();
    for u in &b.unplaced {
        match v.iter_mut().find(|x| x.0 == u.label) {
            Some(x) => x.1 += u.count,
            None => v.push((u.label.clone(), u.count, u.reason.clone())),
        }
    }
    v
}

/// Compares two plans: totals, cost and which tasks no longer fit or fit again.
pub fn compare(baseline: &Plan, current: &Plan) -> Comparison {
    compare_boards((baseline, &board(baseline)), (current, &board(current)))
}

/// [`compare`] on boards the caller already has: the shell keeps the
/// baseline's (it changes only when pinned again) and the plan's own.
pub fn compare_boards((baseline, a): (&Plan, &Board), (current, b): (&Plan, &Board)) -> Comparison {
    let row = |label: &str, x: f64, y: f64, unit| Row {
        label: label.into(),
        baseline: x,
        current: y,
        unit,
    };
    let rows = vec![
        row(
            "container instances",
            a.totals.instances as f64,
            b.totals.instances as f64,
            "count",
        ),
        row(
            "on-demand cost per month",
            a.totals.monthly_cost,
            b.totals.monthly_cost,
            "$",
        ),
        row(
            "registered memory",
            a.totals.memory_registered as f64,
            b.totals.memory_registered as f64,
            "MiB",
        ),
        row(
            "free memory",
            a.totals.memory_free as f64,
            b.totals.memory_free as f64,
            "MiB",
        ),
        row(
            "free CPU units",
            (a.totals.cpu_units - a.totals.cpu_reserved) as f64,
            (b.totals.cpu_units - b.totals.cpu_reserved) as f64,
            "units",
        ),
        row(
            "tasks without a place",
            a.totals.unplaced_tasks as f64,
            b.totals.unplaced_tasks as f64,
            "count",
        ),
    ];
    let (ua, ub) = (unplaced(a), unplaced(b));
    let count_in = |list: &[(String, u32, String)], name: &str| {
        list.iter().find(|x| x.0 == name).map_or(0, |x| x.1)
    };
    let no_longer_fit = ub
        .iter()
        .filter(|x| x.1 > count_in(&ua, &x.0))
        .map(|x| format!("{} × {} ({})", x.1 - count_in(&ua, &x.0), x.0, x.2))
        .collect();
    let fit_again = ua
        .iter()
        .filter(|x| x.1 > count_in(&ub, &x.0))
        .map(|x| format!("{} × {}", x.1 - count_in(&ub, &x.0), x.0))
        .collect();
    Comparison {
        rows,
        no_longer_fit,
        fit_again,
        changes: plan_changes(baseline, current),
        moves: placement_moves(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fewer_instances_cost_less_and_leave_tasks_out() {
        let base =
            crate::load_plan(include_str!("../../../public/examples/microtrader.json")).unwrap();
        let mut now = base.clone();
        now.cluster.instance_groups[0].count = 1;
        now.services[0].desired_count = 4;
        let c = compare(&base, &now);
        assert_eq!((c.rows[0].baseline, c.rows[0].current), (2.0, 1.0));
        assert!(c.rows[1].delta() < 0.0);
        // 4 × quote + audit fill 975 of 995 MiB: portfolio and dashboard are left out.
        assert_eq!(
            c.no_longer_fit,
            vec![
                "1 × portfolio (RESOURCE:MEMORY)",
                "1 × dashboard (RESOURCE:MEMORY)"
            ]
        );
        assert_eq!(
            compare(&now, &base).fit_again,
            vec!["1 × portfolio", "1 × dashboard"]
        );
    }

    /// Issue 22: the diff names what changed, as the reviewer put
    /// it: "t2.micro → t2.small, audit reservation 195 → 1200".
    #[test]
    fn the_diff_names_each_changed_field_and_the_moves() {
        let base =
            crate::load_plan(include_str!("../../../public/examples/microtrader.json")).unwrap();
        let mut now = base.clone();
        now.cluster.instance_groups[0].instance_type = "t2.small".into();
        let audit = now
            .task_definitions
            .iter_mut()
            .find(|t| t.family == "audit")
            .unwrap();
        audit.container_definitions[0].memory_reservation = Some(1200);
        now.services[0]
            .deployment_configuration
            .minimum_healthy_percent = 50;
        now.services.retain(|s| s.service_name != "dashboard");
        let c = compare(&base, &now);
        let find = |subject: &str, field: &str| {
            c.changes
                .iter()
                .find(|x| x.subject == subject && x.field == field)
                .map(|x| (x.before.as_str(), x.after.as_str()))
        };
        assert_eq!(
            find("group app", "instanceType"),
            Some(("t2.micro", "t2.small"))
        );
        assert_eq!(
            find("container audit/audit", "memoryReservation"),
            Some(("195", "1200"))
        );
        assert_eq!(
            find("service quote", "deploymentConfiguration")
                .map(|x| x.1.contains("\"minimumHealthyPercent\":50")),
            Some(true)
        );
        assert_eq!(
            find("service dashboard", "(whole)"),
            Some(("present", "removed"))
        );
        // Nothing else changed.
        assert_eq!(c.changes.len(), 4, "{:#?}", c.changes);
        assert!(compare(&base, &base).changes.is_empty());

        // A task the user moves is listed by where it left and where it went.
        let mut moved = base.clone();
        moved.pins.push(crate::model::Pin {
            service: "dashboard".into(),
            instance: "app-2".into(),
            held: false,
        });
        let c = compare(&base, &moved);
        assert_eq!(
            c.moves,
            vec!["dashboard: app-1 ×1 → app-2 ×1"],
            "{:?}",
            c.moves
        );
    }
}
