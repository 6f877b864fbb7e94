//! The deployment chart's data, for a class: the service's tasks by version
//! and status at every moment (the very counts each step records, so the
//! chart, the step's counts and the board at that step cannot disagree),
//! the limits in tasks and in percent, the moments below minimum healthy or
//! with none healthy, and the events worth marking. The shell draws it and
//! computes nothing.

use serde::Serialize;

use super::{ActionKind, Counts, Deployment, Outcome};

/// The state of the deployment from one moment to the next.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    /// Seconds since the deployment began when this state starts.
    pub from: u32,
    /// When the next state starts (or the chart ends).
    pub to: u32,
    /// The step whose counts hold over the span.
    pub step: usize,
    /// Old tasks by status.
    pub old: Counts,
    /// New tasks by status.
    pub new: Counts,
}

impl Span {
    /// Healthy tasks, old and new: what minimumHealthyPercent counts (§5.1).
    pub fn healthy(&self) -> u32 {
        self.old.healthy + self.new.healthy
    }

    /// Pending and running tasks, old and new: what maximumPercent counts
    /// (§5.1); draining tasks no longer count.
    pub fn active(&self) -> u32 {
        self.old.pending + self.old.running + self.new.pending + self.new.running
    }

    /// Every task, draining ones too: the height of the stack.
    pub fn total(&self) -> u32 {
        self.active() + self.old.draining + self.new.draining
    }
}

/// What a mark on the chart stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MarkKind {
    /// A new task could not be placed ("unable to place a task").
    UnableToPlace,
    /// The deployment circuit breaker tripped (§5.6).
    CircuitBreaker,
    /// The rollback to the last completed revision began (§5.6).
    Rollback,
    /// The deployment stopped moving and would wait for ever.
    Stalled,
}

impl MarkKind {
    /// A few words for the chart.
    pub fn label(self) -> &'static str {
        match self {
            MarkKind::UnableToPlace => "unable to place",
            MarkKind::CircuitBreaker => "circuit breaker",
            MarkKind::Rollback => "rollback",
            MarkKind::Stalled => "stalled",
        }
    }
}

/// An event marked on the chart at the moment it happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mark {
    /// Seconds since the deployment began.
    pub t: u32,
    /// What happened.
    pub kind: MarkKind,
    /// The step it happened at.
    pub step: usize,
}

/// A simulated deployment as its chart draws it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    /// The service's desiredCount (for a daemon, its instances).
    pub desired: u32,
    /// The fewest healthy tasks allowed, and the percentage it comes from.
    pub min_healthy: u32,
    /// minimumHealthyPercent.
    pub min_percent: u32,
    /// The most pending and running tasks allowed, and its percentage.
    pub max_tasks: u32,
    /// maximumPercent.
    pub max_percent: u32,
    /// Where the chart's time axis ends: after the last step, a stretch
    /// that shows how things stay (a stall would last for ever).
    pub end: u32,
    /// The state after each step, in step order, covering 0 to `end`.
    pub spans: Vec<Span>,
    /// Events worth a mark, in time order.
    pub marks: Vec<Mark>,
    /// When a stalled deployment stopped moving.
    pub stalled_from: Option<u32>,
    /// The tallest the stack or the limits reach, for the value axis.
    pub peak: u32,
}

/// The chart's data for `deployment`.
pub fn timeline(deployment: &Deployment) -> Timeline {
    let steps = &deployment.steps;
    let last_t = steps.last().map_or(0, |s| s.t);
    // The tail: an eighth of the run, at least 10 s, so a run that never
    // left t = 0 (a stall at the first start) still has a width.
    let end = last_t + (last_t / 8).max(10);
    // One span per step; steps at the same moment make spans of no width,
    // which the chart does not draw but the cursor still reads.
    let spans: Vec<Span> = steps
        .iter()
        .enumerate()
        .map(|(i, step)| Span {
            from: step.t,
            to: steps.get(i + 1).map_or(end, |next| next.t),
            step: i,
            old: step.old,
            new: step.new,
        })
        .collect();
    let mut marks: Vec<Mark> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let kind = match step.kind {
            ActionKind::Blocked if step.action.starts_with("cannot place") => {
                MarkKind::UnableToPlace
            }
            ActionKind::CircuitBreakerTripped => MarkKind::CircuitBreaker,
            ActionKind::RollbackStarted => MarkKind::Rollback,
            _ => continue,
        };
        if !marks.iter().any(|m| m.t == step.t && m.kind == kind) {
            marks.push(Mark {
                t: step.t,
                kind,
                step: i,
            });
        }
    }
    let stalled_from = matches!(deployment.outcome, Outcome::Stalled { .. }).then_some(last_t);
    if let Some(t) = stalled_from {
        marks.push(Mark {
            t,
            kind: MarkKind::Stalled,
            step: steps.len().saturating_sub(1),
        });
    }
    let peak = spans
        .iter()
        .map(Span::total)
        .chain([deployment.max_tasks, deployment.desired_count, 1])
        .max()
        .unwrap_or(1);
    Timeline {
        desired: deployment.desired_count,
        min_healthy: deployment.min_healthy,
        min_percent: deployment.minimum_healthy_percent,
        max_tasks: deployment.max_tasks,
        max_percent: deployment.maximum_percent,
        end,
        spans,
        marks,
        stalled_from,
        peak,
    }
}
