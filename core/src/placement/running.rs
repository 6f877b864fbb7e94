//! Placing a plan from the tasks running now (`berth place --from-current`,
//! issue 21). As ECS does when a service changes: running tasks stay on
//! their instances (ECS never moves one to make room), an owner with more
//! running than it wants stops the surplus in §4.2 scale-in order, and only
//! the tasks still missing are started, by the same rules as [`place`].
//!
//! [`place`]: super::place

use super::daemon::place_daemon;
use super::scale_in::stop_order;
use super::{place_count, place_pinned, ClusterState, Owner, Placement, TaskRequest};
use crate::model::{PlacementStrategy, Plan};

/// One task running now: whose it is and its container instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Running {
    /// The service or standalone task definition it belongs to.
    pub owner: Owner,
    /// The container instance it runs on, e.g. `app-2`.
    pub instance: String,
}

/// A running task that does not stay, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotKept {
    /// The task.
    pub task: Running,
    /// Why: stopped by scale-in, or it cannot run there under the plan.
    pub why: String,
}

/// The placement from the running tasks, and what happened to them.
#[derive(Debug, Clone)]
pub struct FromRunning {
    /// Every task: those kept where they ran, then those started.
    pub placement: Placement,
    /// How many running tasks stay where they run.
    pub kept: u32,
    /// The running tasks that stop or cannot stay.
    pub not_kept: Vec<NotKept>,
}

/// One owner of tasks in the plan: its request, how many tasks it wants,
/// its strategies (for scale-in) and its pins.
struct Wanted<'a> {
    request: TaskRequest,
    /// What a running task must meet to stay: a service's request; for a
    /// standalone task, its task definition's alone. RunTask's own
    /// constraints applied when it started, and an entry listed twice
    /// cannot tell whose task is whose.
    keep: TaskRequest,
    count: u32,
    strategy: &'a [PlacementStrategy],
    pins: Vec<&'a str>,
    /// A daemon (§10.1): one task on each instance that meets its
    /// constraints, whatever `count` says.
    daemon: bool,
}

fn wanted(plan: &Plan) -> Vec<Wanted<'_>> {
    let services = plan
        .services
        .iter()
        .filter(|s| plan.on_instances(s))
        .filter_map(|svc| {
            let request = TaskRequest::for_service(plan, svc)?;
            Some(Wanted {
                keep: request.without_task_groups(),
                request,
                count: if svc.is_daemon() {
                    u32::MAX
                } else {
                    svc.desired_count
                },
                daemon: svc.is_daemon(),
                strategy: &svc.placement_strategy,
                pins: plan
                    .pins
                    .iter()
                    .filter(|p| p.service == svc.service_name)
                    .map(|p| p.instance.as_str())
                    .collect(),
            })
        });
    let standalone = plan.tasks.iter().filter_map(|run| {
        let td = plan
            .task_definition(&run.task_definition)
            .filter(|td| !td.fargate_only())?;
        let owner = Owner::Standalone(run.task_definition.as_str().into());
        Some(Wanted {
            keep: TaskRequest::new(owner.clone(), td, &[], &[])
                .in_group(run.group.as_deref())
                .without_task_groups(),
            request: TaskRequest::new(
                owner,
                td,
                &run.placement_constraints,
                &run.placement_strategy,
            )
            .in_group(run.group.as_deref()),
            count: run.count,
            strategy: &run.placement_strategy,
            pins: Vec::new(),
            daemon: false,
        })
    });
    services.chain(standalone).collect()
}

/// Places `plan` starting from `running`. Every running task is put back
/// where it runs before any task starts; then each owner's missing tasks
/// start in plan order, its unmet pins first.
pub fn place_from_running(plan: &Plan, running: &[Running]) -> FromRunning {
    let mut state = ClusterState::new(plan);
    let mut not_kept = Vec::new();
    let mut taken = vec![false; running.len()];
    let owners = wanted(plan);
    let kept: Vec<Vec<usize>> = owners
        .iter()
        .map(|w| keep_running(&mut state, w, running, &mut taken, &mut not_kept))
        .collect();
    for (k, r) in running.iter().enumerate() {
        if !taken[k] {
            not_kept.push(NotKept {
                task: r.clone(),
                why: "the plan does not run it".into(),
            });
        }
    }
    let mut unplaced = Vec::new();
    // Daemons start first on the instances that lack theirs (§10.1), and
    // those whose constraints read task:group last, as in `place`.
    for w in owners.iter().filter(|w| w.daemon) {
        place_daemon(&mut state, &mut unplaced, &w.request);
    }
    let (later, first): (Vec<_>, Vec<_>) = owners
        .iter()
        .zip(&kept)
        .filter(|(w, _)| !w.daemon)
        .partition(|(w, _)| w.request.reads_task_groups());
    for (w, on) in first.into_iter().chain(later) {
        start_missing(&mut state, &mut unplaced, w, on);
    }
    FromRunning {
        kept: kept.iter().map(|k| k.len() as u32).sum(),
        placement: Placement { state, unplaced },
        not_kept,
    }
}

/// Puts `w`'s running tasks back where they run (those not `taken` by an
/// earlier owner), and stops its surplus in §4.2 scale-in order. Returns
/// the instance index of each task kept.
fn keep_running(
    state: &mut ClusterState,
    w: &Wanted,
    running: &[Running],
    taken: &mut [bool],
    not_kept: &mut Vec<NotKept>,
) -> Vec<usize> {
    let mut mine: Vec<(usize, u32)> = Vec::new();
    for (k, r) in running.iter().enumerate() {
        if taken[k] || r.owner != w.request.owner {
            continue;
        }
        // A standalone task definition listed twice takes its count for
        // each entry; a service takes all, and scales in below.
        if matches!(r.owner, Owner::Standalone(_)) && mine.len() as u32 >= w.count {
            break;
        }
        taken[k] = true;
        let placed = state
            .index_of(&r.instance)
            .ok_or_else(|| "the plan has no such container instance".to_string());
        match placed.and_then(|idx| {
            state
                .place_on(idx, &w.keep, false)
                .map(|id| (idx, id))
                .map_err(|f| f.message)
        }) {
            Ok(task) => mine.push(task),
            Err(why) => not_kept.push(NotKept {
                task: r.clone(),
                why,
            }),
        }
    }
    let surplus = (mine.len() as u32).saturating_sub(w.count);
    if surplus > 0 {
        let mut on = vec![0; state.instances.len()];
        for (idx, _) in &mine {
            on[*idx] += 1;
        }
        let candidates = mine.iter().map(|&(idx, id)| (idx, id, true)).collect();
        for id in stop_order(state, w.strategy, candidates, on, |_| true, surplus) {
            if let Some((idx, _)) = state.stop(id) {
                mine.retain(|t| t.1 != id);
                not_kept.push(NotKept {
                    task: Running {
                        owner: w.request.owner.clone(),
                        instance: state.instances[idx].instance.id.clone(),
                    },
                    why: format!("desiredCount is {}: stopped in scale-in order", w.count),
                });
            }
        }
    }
    mine.iter().map(|t| t.0).collect()
}

/// Starts `w`'s tasks that are not running (`on`: where its kept tasks
/// run): first on its pins that no kept task meets, then by the scheduler.
fn start_missing(
    state: &mut ClusterState,
    unplaced: &mut Vec<super::Unplaced>,
    w: &Wanted,
    on: &[usize],
) {
    let mut missing = w.count.saturating_sub(on.len() as u32);
    let mut met: Vec<&str> = on
        .iter()
        .map(|&idx| state.instances[idx].instance.id.as_str())
        .collect();
    let unmet: Vec<String> = w
        .pins
        .iter()
        .filter(|p| match met.iter().position(|m| m == *p) {
            Some(i) => {
                met.remove(i);
                false
            }
            None => true,
        })
        .map(|p| p.to_string())
        .collect();
    for pin in unmet.iter().take(missing as usize) {
        missing -= 1;
        place_pinned(state, unplaced, &w.request, pin);
    }
    place_count(state, unplaced, &w.request, missing);
}
