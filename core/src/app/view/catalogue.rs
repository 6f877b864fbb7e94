//! The instance-type picker: the catalogue's types filtered and sorted as
//! the instance-price sites do, each marked with whether it fits the plan's
//! largest task and the whole plan, which only placement can say.

use serde::Serialize;

use crate::app::edit::{apply_with, Edit};
use crate::model::catalogue::catalogue;
use crate::model::Plan;
use crate::placement::{outgrows, Placer};

/// Where the catalogue's prices come from, as the picker states it.
pub const PRICE_BASIS: &str =
    "On-demand Linux prices in us-east-1 (N. Virginia), per month of 730 hours";

/// Above this many tasks, "fits the whole plan" is not worked out for every
/// row shown: each is a placement of the whole plan, and 30 of them at 500
/// tasks measured 54 ms natively (criterion `picker`, with a CI run beside
/// it; 2,000 tasks took 150 ms), about the most a keystroke may take.
pub const WHOLE_PLAN_TASK_LIMIT: u32 = 500;

/// One row of the instance-type picker.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogueRow {
    /// The instance type's name.
    pub name: String,
    /// Its family (`m5` for `m5.large`).
    pub family: String,
    /// Its generation (5 for `m5`).
    pub generation: u32,
    /// x86_64 or arm64.
    pub architecture: String,
    /// A burstable type (T family): its CPU runs on credits.
    pub burstable: bool,
    /// vCPUs.
    pub vcpu: u32,
    /// Memory (MiB).
    pub memory: u32,
    /// Memory (MiB) it registers with ECS, before the group's reserved memory.
    pub registered_memory: u32,
    /// Whether that registered memory is estimated rather than observed.
    pub estimated: bool,
    /// Network interfaces it can attach (awsvpc tasks take one each).
    pub max_enis: u32,
    /// On-demand price per hour in USD (see [`PRICE_BASIS`]), if known.
    pub price_per_hour: Option<f64>,
    /// The same for a month of 730 hours.
    pub price_per_month: Option<f64>,
    /// One instance of it can hold each of the plan's tasks (CPU, memory,
    /// GPUs); true for a plan with no tasks.
    pub fits_largest_task: bool,
    /// With this type (for the chosen group, or as the group added) every
    /// task of the plan is placed. None where it was not worked out.
    pub fits_plan: Option<bool>,
}

/// What the picker's columns sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SortBy {
    /// The type's name, as the catalogue lists it.
    #[default]
    Name,
    /// Monthly on-demand price; types without a price last.
    Price,
    /// vCPUs.
    Vcpu,
    /// Nominal memory.
    Memory,
    /// Memory registered with ECS.
    RegisteredMemory,
    /// Network interfaces.
    Enis,
}

/// The picker's filters and order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PickerQuery {
    /// Part of the type's name.
    pub text: String,
    /// One family only.
    pub family: Option<String>,
    /// x86_64 or arm64 only.
    pub architecture: Option<String>,
    /// At least this many vCPUs.
    pub min_vcpu: u32,
    /// At least this much nominal memory (MiB).
    pub min_memory_mib: u32,
    /// This generation or newer.
    pub min_generation: u32,
    /// Only types one instance of which holds each of the plan's tasks.
    pub fits_only: bool,
    /// The column sorted by, and which way.
    pub sort: SortBy,
    /// Largest (or dearest) first.
    pub descending: bool,
    /// At most this many rows.
    pub limit: usize,
}

/// What the picker changes: a group's type, or a group it adds.
#[derive(Debug, Clone, PartialEq)]
pub enum PickerTarget {
    /// The type of this group.
    Group(String),
    /// A new group of this many instances.
    NewGroup(u32),
}

/// The picker's rows and how many types matched in all.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PickerRows {
    /// The rows shown.
    pub rows: Vec<CatalogueRow>,
    /// How many types matched the filters.
    pub total: usize,
    /// Whether "fits the whole plan" was worked out for the rows shown.
    pub fits_plan_checked: bool,
}

/// The plan with `name` for the picker's target, every task placed.
fn fits_plan(plan: &Plan, target: &PickerTarget, name: &str) -> bool {
    let edit = match target {
        PickerTarget::Group(group) => Edit::SetGroupType {
            group: group.clone(),
            instance_type: name.to_string(),
        },
        PickerTarget::NewGroup(count) => Edit::AddGroup {
            instance_type: name.to_string(),
            count: (*count).max(1),
        },
    };
    // The edit places the plan it makes; its placer hands that placement
    // back rather than placing it again.
    let mut placer = Placer::default();
    apply_with(&mut placer, plan, &edit).is_ok_and(|next| placer.place(&next).unplaced.is_empty())
}

fn sort_key(r: &CatalogueRow, by: SortBy) -> f64 {
    match by {
        SortBy::Name => 0.0,
        SortBy::Price => r.price_per_month.unwrap_or(f64::INFINITY),
        SortBy::Vcpu => r.vcpu as f64,
        SortBy::Memory => r.memory as f64,
        SortBy::RegisteredMemory => r.registered_memory as f64,
        SortBy::Enis => r.max_enis as f64,
    }
}

/// `rows` in order of `by`, equal keys in the catalogue's order. Each row
/// goes in after the rows whose key is not larger (a binary search): the
/// library's sort would add kilobytes to the first load for 1,364 rows.
fn sorted(rows: Vec<CatalogueRow>, by: SortBy) -> Vec<CatalogueRow> {
    let mut out: Vec<CatalogueRow> = Vec::with_capacity(rows.len());
    for row in rows {
        let key = sort_key(&row, by);
        let at = out.partition_point(|r| sort_key(r, by) <= key);
        out.insert(at, row);
    }
    out
}

/// The picker's rows for `plan`: the catalogue filtered by `q`, sorted,
/// at most `q.limit` of them, each marked with what fits.
pub fn picker_rows(plan: &Plan, target: &PickerTarget, q: &PickerQuery) -> PickerRows {
    let cat = catalogue();
    let needs = plan.task_needs();
    let reserved = match target {
        PickerTarget::Group(g) => plan
            .cluster
            .instance_groups
            .iter()
            .find(|x| &x.name == g)
            .map_or(0, |x| x.reserved_memory),
        PickerTarget::NewGroup(_) => 0,
    };
    let mut rows: Vec<CatalogueRow> = cat
        .search(&q.text, q.family.as_deref(), q.architecture.as_deref())
        .filter(|t| {
            t.vcpu >= q.min_vcpu
                && t.memory_mib >= q.min_memory_mib
                && t.generation >= q.min_generation
        })
        .map(|t| {
            let reg = cat.registered_memory(t);
            CatalogueRow {
                name: t.name.clone(),
                family: t.family.clone(),
                generation: t.generation,
                architecture: t.cpu_architecture().to_string(),
                burstable: t.is_burstable(),
                vcpu: t.vcpu,
                memory: t.memory_mib,
                registered_memory: reg.mib,
                estimated: reg.estimated,
                max_enis: t.max_enis,
                price_per_hour: t.price_per_hour,
                price_per_month: t.monthly_price(),
                fits_largest_task: outgrows(t, reserved, &needs).is_none(),
                fits_plan: None,
            }
        })
        .filter(|r| !q.fits_only || r.fits_largest_task)
        .collect();
    if q.sort != SortBy::Name {
        rows = sorted(rows, q.sort);
    }
    if q.descending {
        rows.reverse();
    }
    let total = rows.len();
    rows.truncate(q.limit);
    let task_count: u32 = plan.services.iter().map(|s| s.desired_count).sum::<u32>()
        + plan.tasks.iter().map(|t| t.count).sum::<u32>();
    let fits_plan_checked = task_count <= WHOLE_PLAN_TASK_LIMIT;
    if fits_plan_checked {
        for r in &mut rows {
            // A type that cannot hold one of the tasks cannot hold them all.
            r.fits_plan = Some(r.fits_largest_task && fits_plan(plan, target, &r.name));
        }
    }
    PickerRows {
        rows,
        total,
        fits_plan_checked,
    }
}

/// Every family in the catalogue, for the picker's filter.
pub fn families() -> Vec<String> {
    let mut f: Vec<String> = catalogue().all().iter().map(|t| t.family.clone()).collect();
    f.sort();
    f.dedup();
    f
}
