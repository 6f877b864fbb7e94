//! Comparing the plan with a pinned baseline: instances, monthly cost, free
//! memory and CPU, and tasks that no longer fit (or fit again).

use serde::Serialize;

use crate::app::view::{board, Board};
use crate::model::Plan;

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
    let (a, b) = (board(baseline), board(current));
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
    let (ua, ub) = (unplaced(&a), unplaced(&b));
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
}
