//! What one task asks of the scheduler: its owner and task group, its
//! requirements, its constraints made ready to test, and its strategies
//! (§4.1, §4.2), with RunTask's and a service's defaults.

use std::sync::Arc;

use berth_candidates::Walk;
use serde::Serialize;

use super::cql;
use crate::model::requirements::{requirements, Requirements};
use crate::model::{
    ConstraintType, PlacementConstraint, PlacementStrategy, Plan, StrategyType, TaskDefinition,
};

/// Who a task belongs to: a service, or a standalone RunTask of a task definition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Owner {
    /// A service's task: the service's name.
    #[serde(rename = "service")]
    Service(Arc<str>),
    /// A standalone task (RunTask): its task definition (family:revision).
    #[serde(rename = "taskDefinition")]
    Standalone(Arc<str>),
}

impl Owner {
    /// The task group that `spread` and `distinctInstance` count within (§4.2):
    /// a service's tasks, or standalone tasks of the same family.
    pub fn group(&self) -> String {
        match self {
            Owner::Service(s) => format!("service:{s}"),
            Owner::Standalone(td) => format!("family:{}", td.split(':').next().unwrap_or(td)),
        }
    }

    /// The service's name, or the standalone task's task definition.
    pub fn name(&self) -> &str {
        match self {
            Owner::Service(s) | Owner::Standalone(s) => s,
        }
    }
}

/// A constraint made ready to test.
#[derive(Debug, Clone)]
pub(super) enum Constraint {
    DistinctInstance,
    MemberOf(Option<cql::Expr>),
}

pub(super) fn compile(constraints: &[PlacementConstraint]) -> Vec<Constraint> {
    constraints
        .iter()
        .map(|c| match c.kind {
            ConstraintType::DistinctInstance => Constraint::DistinctInstance,
            // An expression that does not parse matches nothing; validation names it.
            ConstraintType::MemberOf => {
                Constraint::MemberOf(c.expression.as_deref().and_then(|e| cql::parse(e).ok()))
            }
        })
        .collect()
}

/// A request's strategies as walks, worked out once per request; None when
/// one of them (`random`) cannot be walked.
pub(super) fn walks(strategies: &[PlacementStrategy]) -> Option<Vec<Walk>> {
    strategies
        .iter()
        .map(|s| {
            let field = s.field.as_deref().unwrap_or("");
            match s.kind {
                StrategyType::Binpack if field.eq_ignore_ascii_case("cpu") => Some(Walk::Cpu),
                StrategyType::Binpack => Some(Walk::Memory),
                StrategyType::Spread if matches!(field, "instanceId" | "host") => {
                    Some(Walk::GroupCount)
                }
                StrategyType::Spread => Some(Walk::ByValue(field.to_string())),
                StrategyType::Random => None,
            }
        })
        .collect()
}

/// Numbers requests for the index's set-up cache; never part of an answer.
pub(super) static NEXT_WALKS_ID: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(0);

/// Everything the scheduler needs to place one more task of an owner.
#[derive(Debug, Clone)]
pub struct TaskRequest {
    /// Whose task it is.
    pub owner: Owner,
    /// The task definition (family:revision) it runs.
    pub task_definition_arn: Arc<str>,
    /// What it reserves and the ports it needs.
    pub requirements: Requirements,
    pub(super) constraints: Vec<Constraint>,
    pub(super) strategies: Vec<PlacementStrategy>,
    /// The task group (§4.2) that spread and distinctInstance count within.
    pub(super) group: Arc<str>,
    /// `strategies` as the index walks them, worked out once.
    pub(super) walks: Option<Vec<Walk>>,
    /// A number no other request has (clones keep it, with the same walks):
    /// the index skips its set-up for a run of tasks of one request.
    pub(super) walks_id: u64,
}

impl TaskRequest {
    /// A request for a task definition: its own constraints plus the caller's,
    /// and the caller's strategies (an empty list means the default of §4.2).
    pub fn new(
        owner: Owner,
        td: &TaskDefinition,
        extra_constraints: &[PlacementConstraint],
        strategies: &[PlacementStrategy],
    ) -> TaskRequest {
        let mut all = td.placement_constraints.clone();
        all.extend_from_slice(extra_constraints);
        let strategies = if strategies.is_empty() {
            default_strategy(&owner)
        } else {
            strategies.to_vec()
        };
        TaskRequest {
            task_definition_arn: format!("{}:{}", td.family, td.revision).into(),
            requirements: requirements(td),
            constraints: compile(&all),
            walks: walks(&strategies),
            walks_id: NEXT_WALKS_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            strategies,
            group: owner.group().into(),
            owner,
        }
    }

    /// The request with RunTask's `group` in place of the default
    /// `family:NAME`, when it names one (§10.2).
    pub fn in_group(mut self, group: Option<&str>) -> TaskRequest {
        if let Some(g) = group {
            self.group = g.into();
        }
        self
    }

    /// Whether a constraint reads `task:group`: which instances it admits
    /// changes as tasks are placed, so its tasks start after the others'
    /// (the index asks afresh, on each walk, whether an instance fits).
    pub fn reads_task_groups(&self) -> bool {
        self.constraints
            .iter()
            .any(|c| matches!(c, Constraint::MemberOf(Some(e)) if e.reads_task_groups()))
    }

    /// The request without its `task:group` expressions: what a running
    /// task must still meet to stay, since ECS judges those only when it
    /// starts a task (§10.2).
    pub fn without_task_groups(&self) -> TaskRequest {
        let mut r = self.clone();
        r.constraints
            .retain(|c| !matches!(c, Constraint::MemberOf(Some(e)) if e.reads_task_groups()));
        r
    }

    /// True when the first strategy is `random`, which then decides alone.
    pub(super) fn random_first(&self) -> bool {
        self.strategies
            .first()
            .is_some_and(|s| s.kind == StrategyType::Random)
    }

    /// A service task, with the service's constraints and strategies.
    pub fn for_service(plan: &Plan, service: &crate::model::Service) -> Option<TaskRequest> {
        let td = plan.task_definition(&service.task_definition)?;
        Some(TaskRequest::of_service(service, td))
    }

    /// A task of `td` for `service` (a deployment's new revision, say). A
    /// daemon's task (§10.1) takes no strategy, and is one to an instance:
    /// in a deployment its replacement starts where the old one stopped.
    pub fn of_service(service: &crate::model::Service, td: &TaskDefinition) -> TaskRequest {
        let owner = Owner::Service(service.service_name.as_str().into());
        if service.is_daemon() {
            let mut constraints = service.placement_constraints.clone();
            constraints.push(PlacementConstraint {
                kind: ConstraintType::DistinctInstance,
                expression: None,
            });
            return TaskRequest::new(owner, td, &constraints, &[]);
        }
        TaskRequest::new(
            owner,
            td,
            &service.placement_constraints,
            &service.placement_strategy,
        )
    }
}

/// §4.2: services spread across AZs, then favour the instance with the fewest
/// tasks of the service; RunTask places at random.
pub fn default_strategy(owner: &Owner) -> Vec<PlacementStrategy> {
    match owner {
        Owner::Service(_) => vec![
            PlacementStrategy {
                kind: StrategyType::Spread,
                field: Some("attribute:ecs.availability-zone".into()),
            },
            PlacementStrategy {
                kind: StrategyType::Spread,
                field: Some("instanceId".into()),
            },
        ],
        Owner::Standalone(_) => vec![PlacementStrategy {
            kind: StrategyType::Random,
            field: None,
        }],
    }
}
