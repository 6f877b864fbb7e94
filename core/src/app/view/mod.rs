//! View models: what the board draws, computed here so that no rule of ECS
//! is re-implemented in the UI. Plain serialisable data; the shell formats
//! numbers and draws, nothing more.
//!
//! `instance` builds one instance card, `sections` every other part of the
//! board, `catalogue` the instance picker's rows.

mod catalogue;
mod colours;
mod instance;
mod sections;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::Plan;
use crate::placement::{place, Owner, Placement};
use crate::simulate::{Step, TaskStatus, Version};

pub use catalogue::{
    families, picker_rows, CatalogueRow, PickerQuery, PickerRows, PickerTarget, SortBy,
    PRICE_BASIS, WHOLE_PLAN_TASK_LIMIT,
};
pub(crate) use colours::carry_colours;
pub use colours::colours;
pub use instance::{InstanceView, MemorySegment, PortEntry, PortKind, TaskChip};
pub use sections::{
    GroupHeader, GroupView, JvmView, ServiceCard, TargetGroupView, Totals, UnplacedView,
    UsageByService,
};

/// Distinct service colours the stylesheet defines (`--svc-0` …).
pub const PALETTE_SIZE: usize = 8;

/// Where a task is in a deployment step, as the board marks it: its side
/// of the deployment and its status, the very pair the step's counts and
/// the deployment chart tally (so the three cannot disagree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Phase {
    /// Old (the revision replaced) or new (the revision deployed). A
    /// rollback keeps these labels: it starts old tasks and stops new ones.
    pub version: Version,
    /// Pending, running, healthy or draining.
    pub status: TaskStatus,
}

impl Phase {
    /// The phase's style, as the stylesheet's `phase-…` classes spell it:
    /// pending and draining tasks look alike on either side.
    pub fn as_str(self) -> &'static str {
        match (self.status, self.version) {
            (TaskStatus::Draining, _) => "draining",
            (TaskStatus::Pending, _) => "pending",
            (_, Version::New) => "new",
            _ => "old",
        }
    }

    /// The phase in words, as a chip shows it: "old draining", "new healthy".
    pub fn label(self) -> &'static str {
        use TaskStatus::*;
        match (self.version, self.status) {
            (Version::New, Pending) => "new pending",
            (Version::New, Running) => "new running",
            (Version::New, Healthy) => "new healthy",
            (Version::New, Draining) => "new draining",
            (_, Pending) => "old pending",
            (_, Running) => "old running",
            (_, Healthy) => "old healthy",
            (_, Draining) => "old draining",
        }
    }
}

/// Task id → its phase in a deployment step.
pub type Phases = BTreeMap<u32, Phase>;

/// The board: everything the UI draws for a plan (or a deployment step), computed by the core.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Board {
    /// The plan's name.
    pub plan_name: String,
    /// The ECS cluster's name.
    pub cluster_name: String,
    /// The totals bar.
    pub totals: Totals,
    /// The instance groups and their instances' cards.
    pub groups: Vec<GroupView>,
    /// The service cards of the palette.
    pub services: Vec<ServiceCard>,
    /// Tasks that could not be placed, with ECS's reasons.
    pub unplaced: Vec<UnplacedView>,
    /// The load-balancer target groups and their targets.
    pub targets: Vec<TargetGroupView>,
    /// The JVM check of every container that runs a JVM.
    pub jvm: Vec<JvmView>,
    /// Memory and CPU reserved per service.
    pub usage: Vec<UsageByService>,
}

fn colour_of(plan: &Plan, owner: &Owner) -> usize {
    match owner {
        // The kept colour; a plan not yet edited keeps none, and is
        // coloured by position, as `colours` would colour it.
        Owner::Service(s) => plan
            .service_colours
            .get(&**s)
            .copied()
            .filter(|c| *c < PALETTE_SIZE)
            .unwrap_or_else(|| {
                plan.services
                    .iter()
                    .position(|x| *x.service_name == **s)
                    .unwrap_or(0)
                    % PALETTE_SIZE
            }),
        Owner::Standalone(_) => PALETTE_SIZE,
    }
}

fn task_hard_limit(plan: &Plan, arn: &str) -> Option<u32> {
    let td = plan.task_definition(arn)?;
    match td.memory {
        Some(m) if m.0 > 0 => Some(m.0),
        _ => td.container_definitions.iter().map(|c| c.memory).sum(),
    }
}

/// The board for a plan (placing it once).
pub fn board(plan: &Plan) -> Board {
    board_with(plan, &place(plan))
}

/// The board at one step of a deployment, scaling or run-task: the step's
/// ledger drawn like a placement, each task marked with its phase.
pub fn board_at_step(plan: &Plan, step: &Step) -> Board {
    let phases: Phases = step
        .instances
        .iter()
        .flat_map(|i| &i.tasks)
        .filter(|t| t.version != Version::Other)
        .map(|t| {
            let phase = Phase {
                version: t.version,
                status: t.status,
            };
            (t.task_id, phase)
        })
        .collect();
    let placement = Placement {
        state: step.state.clone(),
        unplaced: Vec::new(),
    };
    board_phased(plan, &placement, &phases)
}

/// The board for a plan already placed (by the caller's [`crate::placement::Placer`]).
pub fn board_with(plan: &Plan, placement: &Placement) -> Board {
    board_phased(plan, placement, &Phases::new())
}

/// The instance groups' cards and the totals alone, for a plan already
/// placed: what the web app's first module draws before the rest of the app
/// arrives (issue 20), without the palette, the JVM check or the targets,
/// whose code it then does not carry. The same as [`board_with`]'s.
pub fn board_groups(plan: &Plan, placement: &Placement) -> (Vec<GroupView>, Totals) {
    let groups = sections::groups(plan, placement, &Phases::new());
    let totals = sections::totals(&groups, placement);
    (groups, totals)
}

fn board_phased(plan: &Plan, placement: &Placement, phases: &Phases) -> Board {
    let groups = sections::groups(plan, placement, phases);
    Board {
        plan_name: plan.name.clone(),
        cluster_name: plan.cluster.cluster_name.clone(),
        totals: sections::totals(&groups, placement),
        services: sections::service_cards(plan, placement),
        unplaced: sections::unplaced(plan, placement),
        targets: sections::targets(plan, placement, &groups),
        jvm: sections::jvm(plan),
        usage: sections::usage(plan, placement),
        groups,
    }
}
