//! Strategy order by exhaustive search (§4.1 steps 3–4, §4.2): replaying a
//! placement task by task, in the order the tasks were started, each task
//! must sit on an instance that fitted it and that its strategies rank
//! first among every instance that fitted it then. Ties are any instance's;
//! `random` makes every instance that fits a first (and leaves nothing for
//! the strategies after it to decide).
//!
//! Every instance is tried for every task, so this runs on clusters of up to
//! [`MAX_INSTANCES`] instances.

use super::dynamic_range;
use super::facts::{requests, Facts, Need, Request};
use super::ledger::Used;
use crate::model::{Plan, Protocol, StrategyType};
use crate::placement::Placement;

/// The largest cluster whose order is checked.
pub(super) const MAX_INSTANCES: usize = 64;

/// A strategy's key for one instance; smaller is preferred. `None` for
/// `random`, which ranks every instance alike and ends the chain.
fn key(
    strategy: &crate::model::PlacementStrategy,
    k: usize,
    facts: &[Facts],
    used: &[Used],
    group: &str,
) -> Option<u64> {
    let field = strategy.field.as_deref().unwrap_or("");
    Some(match strategy.kind {
        StrategyType::Random => return None,
        // "the least available amount of the resource".
        StrategyType::Binpack if field.eq_ignore_ascii_case("cpu") => facts[k].cpu - used[k].cpu,
        StrategyType::Binpack => facts[k].memory - used[k].memory,
        // "placed evenly based on the specified value": the group's tasks on
        // every instance that shares this instance's value.
        StrategyType::Spread => {
            let mine = facts[k].value_of(field);
            facts
                .iter()
                .zip(used)
                .filter(|(f, _)| f.value_of(field) == mine)
                .map(|(_, u)| u.count(group))
                .sum()
        }
    })
}

/// The instance's keys under a request's strategies, up to a `random`.
fn keys(request: &Request, k: usize, facts: &[Facts], used: &[Used]) -> Vec<u64> {
    request
        .strategies
        .iter()
        .map_while(|s| key(s, k, facts, used, &request.group))
        .collect()
}

pub(super) fn check_order(
    plan: &Plan,
    placement: &Placement,
    facts: &[Facts],
    bad: &mut Vec<String>,
) {
    if facts.len() > MAX_INSTANCES {
        return;
    }
    let range = dynamic_range(plan);
    let mut order: Vec<(usize, &crate::placement::PlacedTask)> = placement
        .instances()
        .iter()
        .enumerate()
        .flat_map(|(k, inst)| inst.tasks.iter().map(move |t| (k, t)))
        .collect();
    order.sort_by_key(|(_, t)| t.id);
    let mut used: Vec<Used> = facts.iter().map(|_| Used::empty(plan)).collect();
    for (at, t) in order {
        let Some(td) = plan.task_definition(&t.task_definition_arn) else {
            return;
        };
        let need = Need::of(td);
        // Its task group's requests (check_task holds the group to the owner's).
        let asked: Vec<Request> = requests(plan, &t.owner, td)
            .into_iter()
            .filter(|r| *r.group == *t.group)
            .collect();
        // A daemon's task goes to each of its instances, not by strategy.
        if !t.pinned && !asked.is_empty() && !super::daemon::owned_by_daemon(plan, &t.owner) {
            let fits = |k: usize, r: &Request| {
                used[k].admits(&facts[k], r, true)
                    && used[k].shortfalls(&facts[k], &need, range).is_empty()
            };
            let first = |r: &Request| {
                let best = (0..facts.len())
                    .filter(|&k| fits(k, r))
                    .map(|k| keys(r, k, facts, &used))
                    .min();
                fits(at, r) && best == Some(keys(r, at, facts, &used))
            };
            if !asked.iter().any(first) {
                bad.push(format!(
                    "{}: task {} of {} is not where its placement strategies put it",
                    facts[at].id,
                    t.id,
                    t.owner.name()
                ));
            }
        }
        let held: Vec<(Protocol, u16)> = t
            .host_ports
            .iter()
            .map(|h| (h.protocol, h.host_port))
            .collect();
        used[at].add(&t.group, &need, &held);
    }
}
