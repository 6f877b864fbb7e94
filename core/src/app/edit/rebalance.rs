//! "Re-balance" (issue 21): place every task afresh, as ECS would start the
//! services on the cluster as it is, instead of keeping each where it ran.
//! Drops hold the tasks they would otherwise move (held pins, Berth's own);
//! re-balancing lets go of those, and keeps the pins the user made by
//! dropping a task on an instance. The shell shows [`rebalance_preview`]'s
//! list of moves before the user applies it.

use serde::Serialize;

use super::hold::where_services_run;
use crate::model::Plan;
use crate::placement::{place, Placer};

/// One task a re-balance would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskMove {
    /// The task's service.
    pub service: String,
    /// The instance it runs on now; none when it is waiting to be placed.
    pub from: Option<String>,
    /// The instance it would run on; none when it could not be placed.
    pub to: Option<String>,
}

/// What applying a re-balance would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RebalancePreview {
    /// Every task that would run elsewhere, start, or stop being placed, in
    /// the plan's service order.
    pub moves: Vec<TaskMove>,
    /// How many tasks are held where they ran (and would be let go).
    pub held: usize,
}

/// The plan re-balanced: Berth's held pins gone, the user's own kept.
pub(super) fn rebalance(next: &mut Plan) {
    next.pins.retain(|p| !p.held);
}

/// What a re-balance of `plan` would change, task by task. `placer` holds
/// the placement on screen; the re-balanced plan is placed apart, so the
/// placer's memo still holds the board's.
pub fn rebalance_preview(placer: &mut Placer, plan: &Plan) -> RebalancePreview {
    let now = where_services_run(&placer.place(plan));
    let mut next = plan.clone();
    rebalance(&mut next);
    let then = where_services_run(&place(&next));
    let none = Vec::new();
    let mut moves = Vec::new();
    for service in &plan.services {
        let name = &*service.service_name;
        let (left, joined) = difference(
            now.get(name).unwrap_or(&none),
            then.get(name).unwrap_or(&none),
        );
        let n = left.len().max(joined.len());
        moves.extend((0..n).map(|k| TaskMove {
            service: name.to_string(),
            from: left.get(k).cloned(),
            to: joined.get(k).cloned(),
        }));
    }
    RebalancePreview {
        moves,
        held: plan.pins.iter().filter(|p| p.held).count(),
    }
}

/// The instances in `a` and not in `b`, and in `b` and not in `a`, counted
/// as multisets (a service runs several tasks on one instance). Both sorted.
fn difference(a: &[String], b: &[String]) -> (Vec<String>, Vec<String>) {
    let (mut i, mut j) = (0, 0);
    let (mut only_a, mut only_b) = (Vec::new(), Vec::new());
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => {
                only_a.push(x.clone());
                i += 1;
            }
            (Some(_), Some(y)) => {
                only_b.push(y.clone());
                j += 1;
            }
            (Some(x), None) => {
                only_a.push(x.clone());
                i += 1;
            }
            (None, Some(y)) => {
                only_b.push(y.clone());
                j += 1;
            }
            (None, None) => unreachable!("the loop runs while either has more"),
        }
    }
    (only_a, only_b)
}

#[cfg(test)]
mod tests {
    use super::difference;

    #[test]
    fn difference_counts_tasks_on_one_instance_as_a_multiset() {
        let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            difference(&v(&["a", "a", "b"]), &v(&["a", "b", "b", "c"])),
            (v(&["a"]), v(&["b", "c"]))
        );
        assert_eq!(difference(&v(&[]), &v(&["a"])), (v(&[]), v(&["a"])));
    }
}
