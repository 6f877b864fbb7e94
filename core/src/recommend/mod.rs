//! Right-sizing (issue 18): the cheapest clusters, from the catalogue, on
//! which every task of the plan is placed and, with headroom, every
//! service's rolling deployment completes at its own settings.
//!
//! One group of one type per candidate for now: each type too small for
//! the largest task is rejected with ECS's reason from one instance;
//! the others get the fewest instances that fit, by bisection.
//!
//! WORK IN PROGRESS (branch wip/recommend): not wired to the CLI or the app.

use serde::Serialize;

use crate::model::catalogue::{catalogue, InstanceType};
use crate::model::{InstanceGroup, Plan};
use crate::placement::place;
use crate::simulate::{deploy, Change, DeployOptions};

/// What a candidate must leave room for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Headroom {
    /// Every task placed.
    None,
    /// Every task placed, and every service's rolling deployment completes
    /// at its own minimumHealthyPercent and maximumPercent.
    #[default]
    Deploy,
}

/// The search's filters.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// x86_64 or arm64.
    pub architecture: String,
    /// Only these families; all when empty.
    pub families: Vec<String>,
    /// At most this many instances.
    pub max_instances: u32,
    /// What to leave room for.
    pub headroom: Headroom,
    /// Burstable (T) types allowed.
    pub burstable: bool,
    /// How many candidates to return.
    pub candidates: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            architecture: "x86_64".into(),
            families: Vec::new(),
            max_instances: 10,
            headroom: Headroom::Deploy,
            burstable: true,
            candidates: 5,
        }
    }
}

/// One cluster that fits.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// The instance type.
    pub instance_type: String,
    /// How many instances.
    pub count: u32,
    /// On-demand cost a month, USD.
    pub monthly_cost: f64,
}

/// A type no cluster of which fits, and the first reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rejected {
    /// The instance type.
    pub instance_type: String,
    /// Why, in ECS's words where placement says it.
    pub reason: String,
}

/// The search's answer: candidates cheapest first, and the types rejected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// The cheapest clusters that fit.
    pub candidates: Vec<Candidate>,
    /// Types that fit at no count up to the maximum.
    pub rejected: Vec<Rejected>,
}

/// The plan on `count` instances of `t`, in one group that keeps the first
/// group's name, zones and reserved memory; placed afresh (pins dropped).
pub fn on(plan: &Plan, t: &InstanceType, count: u32) -> Plan {
    let mut next = plan.clone();
    let first = plan.cluster.instance_groups.first();
    next.cluster.instance_groups = vec![InstanceGroup {
        name: first.map_or("app".into(), |g| g.name.clone()),
        instance_type: t.name.clone(),
        count,
        availability_zones: first
            .map(|g| g.availability_zones.clone())
            .unwrap_or_default(),
        reserved_memory: first.map_or(0, |g| g.reserved_memory),
        registered_memory: None,
        awsvpc_trunking: first.is_some_and(|g| g.awsvpc_trunking),
        min_size: None,
        max_size: None,
        attributes: first.map(|g| g.attributes.clone()).unwrap_or_default(),
        extra: Default::default(),
    }];
    next.pins.clear();
    next.baseline = None;
    next
}

/// Whether `plan` fits: every task placed and, with headroom, every
/// service's deployment completed. Err says why not.
pub fn fits(plan: &Plan, headroom: Headroom) -> Result<(), String> {
    let placed = place(plan);
    if let Some(u) = placed.unplaced.first() {
        return Err(u.failure.reason.code().to_string());
    }
    if headroom == Headroom::Deploy {
        for s in plan.services.iter().filter(|s| plan.on_instances(s)) {
            let options = DeployOptions {
                change: Change {
                    image: Some(":next".into()),
                    ..Change::default()
                },
                ..DeployOptions::default()
            };
            match deploy(plan, &s.service_name, &options) {
                Ok(d) if d.outcome.is_completed() => {}
                Ok(d) => {
                    return Err(format!(
                        "deploying {} {}",
                        s.service_name,
                        d.outcome.describe()
                    ))
                }
                Err(e) => return Err(e.to_string()),
            }
        }
    }
    Ok(())
}

fn allowed(t: &InstanceType, o: &Options) -> bool {
    t.cpu_architecture() == o.architecture
        && (o.families.is_empty() || o.families.contains(&t.family))
        && (o.burstable || !t.is_burstable())
        && t.monthly_price().is_some()
}

/// The fewest instances of `t` (1 to `max`) on which the plan fits, found
/// by bisection; Err with the reason at `max` when none.
fn fewest(plan: &Plan, t: &InstanceType, o: &Options) -> Result<u32, String> {
    fits(&on(plan, t, 1), o.headroom)
        .map(|_| 1)
        .or_else(|first| {
            // A task no single instance holds fits on none.
            if place(&on(plan, t, 1))
                .unplaced
                .iter()
                .any(|u| u.failure.closest.is_none())
            {
                return Err(first);
            }
            fits(&on(plan, t, o.max_instances), o.headroom)?;
            let (mut lo, mut hi) = (1, o.max_instances);
            while hi - lo > 1 {
                let mid = (lo + hi) / 2;
                if fits(&on(plan, t, mid), o.headroom).is_ok() {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            Ok(hi)
        })
}

/// The cheapest clusters of one type for `plan`, and the types rejected.
pub fn recommend(plan: &Plan, o: &Options) -> Recommendation {
    let mut candidates = Vec::new();
    let mut rejected = Vec::new();
    for t in catalogue().all().iter().filter(|t| allowed(t, o)) {
        match fewest(plan, t, o) {
            Ok(count) => candidates.push(Candidate {
                instance_type: t.name.clone(),
                count,
                monthly_cost: t.monthly_price().unwrap_or(0.0) * count as f64,
            }),
            Err(reason) => rejected.push(Rejected {
                instance_type: t.name.clone(),
                reason,
            }),
        }
    }
    candidates.sort_by(|a, b| {
        a.monthly_cost
            .total_cmp(&b.monthly_cost)
            .then(a.instance_type.cmp(&b.instance_type))
    });
    candidates.truncate(o.candidates);
    Recommendation {
        candidates,
        rejected,
    }
}
