//! Right-sizing (issue 18): the cheapest clusters, from the catalogue, on
//! which every task of the plan is placed and, with deployment headroom,
//! every service's rolling deployment completes at its own settings.
//!
//! A candidate is one group of one type (the plan's first group, with its
//! name, zones and attributes, on another type and count). `search` runs
//! the trials one at a time, `trial` decides one, `summary` says the answer
//! in words for a design review and as the CLI's table.

mod search;
mod summary;
mod trial;

use serde::Serialize;

use crate::model::Plan;

pub use search::Search;
pub use summary::{cheaper_types, deployments_in_words, summary, table};
pub use trial::{on, DeploymentCheck};

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
    /// x86_64 or arm64; None takes the plan's (see [`plan_architecture`]).
    pub architecture: Option<String>,
    /// Only these families (`t3`, `m6i`); all when empty.
    pub families: Vec<String>,
    /// Only this generation or newer (5 for `m5`).
    pub min_generation: u32,
    /// At most this many instances.
    pub max_instances: u32,
    /// What to leave room for.
    pub headroom: Headroom,
    /// Burstable (T) types allowed.
    pub burstable: bool,
    /// The most an instance's hard limits may add up to, as a multiple of
    /// its registered memory; None sets no limit (the plan's own design
    /// may overcommit, as the seed's does).
    pub overcommit: Option<f64>,
    /// How many candidates to return.
    pub candidates: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            architecture: None,
            families: Vec::new(),
            min_generation: 0,
            max_instances: 10,
            headroom: Headroom::Deploy,
            burstable: true,
            overcommit: None,
            candidates: 5,
        }
    }
}

/// One group of a candidate cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CandidateGroup {
    /// The EC2 instance type.
    pub instance_type: String,
    /// How many instances.
    pub count: u32,
    /// The zones its instances are spread over (the plan's first group's).
    pub availability_zones: Vec<String>,
}

/// One cluster that fits.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// Its groups.
    pub groups: Vec<CandidateGroup>,
    /// On-demand cost a month, USD (us-east-1 Linux, 730 hours).
    pub monthly_cost: f64,
    /// Memory the tasks reserve over memory registered, 0 to 1.
    pub memory_utilisation: f64,
    /// CPU units the tasks reserve over CPU units registered, 0 to 1.
    pub cpu_utilisation: f64,
    /// How each service's rolling deployment ends on it.
    pub deployments: Vec<DeploymentCheck>,
    /// Why one instance fewer does not fit, when the search tried it or
    /// the tasks' reservations alone rule it out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_fewer: Option<Rejected>,
}

impl Candidate {
    /// "2 × t3.small" (groups joined by " + ").
    pub fn describe(&self) -> String {
        self.groups
            .iter()
            .map(|g| format!("{} × {}", g.count, g.instance_type))
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// A cluster that does not fit, and the first reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rejected {
    /// The EC2 instance type.
    pub instance_type: String,
    /// How many instances were tried (the most, for a type rejected).
    pub count: u32,
    /// Why, in ECS's words where placement or the deployment says it.
    pub reason: String,
}

/// A type the search looked at, for the chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tried {
    /// The EC2 instance type.
    pub instance_type: String,
    /// One instance's on-demand cost a month.
    pub monthly_price: f64,
    /// The fewest instances that fit; None when none up to the maximum.
    pub fitting_count: Option<u32>,
    /// The most instances found not to fit, and why; None when one fits.
    pub not_fitting: Option<Rejected>,
}

/// The search's answer.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    /// The cheapest clusters that fit, cheapest first.
    pub candidates: Vec<Candidate>,
    /// Types that fit at no count up to the maximum, cheapest first.
    pub rejected: Vec<Rejected>,
    /// Types not tried: one instance, or the fewest their reservations
    /// allow, costs more than the last candidate kept.
    pub skipped: usize,
    /// The architecture searched.
    pub architecture: String,
    /// Every type tried, in the order tried (cheapest first).
    #[serde(skip)]
    pub tried: Vec<Tried>,
}

/// One point of the chart of cost against instance type.
#[derive(Debug, Clone, PartialEq)]
pub struct CostPoint {
    /// The EC2 instance type.
    pub instance_type: String,
    /// The fewest instances that fit, or the most tried when none did.
    pub count: u32,
    /// That many instances' on-demand cost a month.
    pub monthly_cost: f64,
    /// Whether `count` instances fit.
    pub fits: bool,
    /// Whether it is one of the candidates returned.
    pub candidate: bool,
}

impl Recommendation {
    /// The first `limit` types tried, cheapest per instance first, with the
    /// cost of the cluster that fits, or of the largest that did not.
    pub fn cost_points(&self, limit: usize) -> Vec<CostPoint> {
        self.tried
            .iter()
            .filter_map(|t| {
                let (count, fits) = match (t.fitting_count, &t.not_fitting) {
                    (Some(n), _) => (n, true),
                    (None, Some(r)) => (r.count, false),
                    (None, None) => return None,
                };
                Some(CostPoint {
                    instance_type: t.instance_type.clone(),
                    count,
                    monthly_cost: t.monthly_price * count as f64,
                    fits,
                    candidate: fits
                        && self.candidates.iter().any(|c| {
                            c.groups[0].instance_type == t.instance_type
                                && c.groups[0].count == count
                        }),
                })
            })
            .take(limit)
            .collect()
    }
}

/// The cheapest clusters for `plan` under `options`, all trials at once.
pub fn recommend(plan: &Plan, options: &Options) -> Recommendation {
    let mut search = Search::new(plan, options);
    while search.step() {}
    search.recommendation()
}

/// The architecture the plan's images need: `runtimePlatform.cpuArchitecture`
/// of a task definition when one says ARM64, else x86_64. Berth cannot see
/// which architecture an image was built for, so it assumes the common one.
pub fn plan_architecture(plan: &Plan) -> &'static str {
    let arm = plan.task_definitions.iter().any(|td| {
        td.extra
            .get("runtimePlatform")
            .and_then(|r| r.get("cpuArchitecture"))
            .and_then(|a| a.as_str())
            .is_some_and(|a| a.eq_ignore_ascii_case("ARM64"))
    });
    if arm {
        "arm64"
    } else {
        "x86_64"
    }
}
