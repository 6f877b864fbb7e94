//! The search, one trial at a time so that a browser can run it between
//! frames: types in order of price, each pruned without placing when it can
//! neither hold the largest task nor beat the candidates found so far, then
//! the fewest instances that fit, by bisection between a lower bound from
//! the tasks' reservations and the maximum.

use super::trial::{jvm_levels, on, Fitting, Trial, Verdict};
use super::{Candidate, CandidateGroup, Options, Recommendation, Rejected, Tried};
use crate::model::catalogue::{catalogue, InstanceType};
use crate::model::requirements::{requirements, Requirements};
use crate::model::Plan;
use crate::placement::{outgrows, Reason};

/// A search in progress; [`Search::step`] runs one trial.
pub struct Search {
    plan: Plan,
    options: Options,
    architecture: String,
    jvm_before: Vec<(String, u8)>,
    needs: Vec<Requirements>,
    reserved: Totals,
    /// The first group's ECS_RESERVED_MEMORY, which every candidate keeps.
    group_reserved: u32,
    /// The fewest and most instances a candidate may have: the group's
    /// minSize and maxSize (Auto Scaling refuses a desired capacity outside
    /// them, finding E1028) and the user's maximum.
    counts: (u32, u32),
    types: Vec<&'static InstanceType>,
    next: usize,
    current: Option<Bisection>,
    found: Recommendation,
}

/// CPU units and memory the plan's tasks reserve in all (daemons left out,
/// so that it stays a lower bound).
#[derive(Clone, Copy, Default)]
struct Totals {
    memory: u64,
    cpu: u64,
}

/// The count search for one type: `fails` is a count known not to fit
/// (with its reason), `fits` the smallest known to fit.
struct Bisection {
    t: &'static InstanceType,
    fails: (u32, String),
    fits: Option<(u32, Fitting)>,
    /// Max instances tried and found wanting: the type is rejected.
    tried_max: bool,
    /// The trial running, and its count.
    running: Option<(u32, Trial)>,
}

impl Search {
    /// A search over the catalogue for `plan` under `options`.
    pub fn new(plan: &Plan, options: &Options) -> Search {
        let architecture = options
            .architecture
            .clone()
            .unwrap_or_else(|| super::plan_architecture(plan).to_string());
        let mut types: Vec<&'static InstanceType> = catalogue()
            .all()
            .iter()
            .filter(|t| allowed(t, options, &architecture))
            .collect();
        types.sort_by(|a, b| {
            let price = |t: &InstanceType| t.price_per_hour.unwrap_or(f64::MAX);
            price(a).total_cmp(&price(b)).then(a.name.cmp(&b.name))
        });
        let mut plan = plan.clone();
        plan.baseline = None;
        let (reserved, needs) = reserved(&plan);
        let group = plan.cluster.instance_groups.first();
        let counts = (
            group.and_then(|g| g.min_size).unwrap_or(1).max(1),
            group
                .and_then(|g| g.max_size)
                .unwrap_or(u32::MAX)
                .min(options.max_instances),
        );
        Search {
            group_reserved: group.map_or(0, |g| g.reserved_memory),
            counts,
            jvm_before: jvm_levels(&plan),
            needs,
            reserved,
            options: options.clone(),
            architecture,
            types,
            next: 0,
            current: None,
            found: Recommendation::default(),
            plan,
        }
    }

    /// (types done, types in all) for a progress bar.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.types.len())
    }

    /// Whether every type has been tried, rejected or skipped.
    pub fn is_done(&self) -> bool {
        self.next >= self.types.len()
    }

    /// What has been found so far; the answer once [`Search::is_done`].
    pub fn recommendation(&self) -> Recommendation {
        let mut r = self.found.clone();
        r.architecture = self.architecture.clone();
        r
    }

    /// Runs one trial (or prunes one type without a trial); false once done.
    pub fn step(&mut self) -> bool {
        if self.is_done() {
            return false;
        }
        match self.current.take() {
            Some(b) if b.running.is_some() => self.run(b),
            Some(b) => self.advance(b),
            None => self.start(self.types[self.next]),
        }
        !self.is_done()
    }

    /// The first look at a type: pruned, skipped, or its first trial at the
    /// lower bound.
    fn start(&mut self, t: &'static InstanceType) {
        if let Some(reason) = outgrows(t, self.group_reserved, &self.needs) {
            return self.reject(t, 1, reason.code().to_string());
        }
        let (min, max) = self.counts;
        let (bound, bound_reason) = self.lower_bound(t);
        if min > max {
            let reason =
                format!("the group's minSize {min} is over the most instances allowed, {max}");
            return self.reject(t, max, reason);
        }
        if bound > max {
            return self.reject(t, max, bound_reason);
        }
        let fails = if bound >= min {
            (bound - 1, bound_reason)
        } else {
            (min - 1, format!("fewer than the group's minSize {min}"))
        };
        let bound = fails.0 + 1;
        if self.cannot_beat(t, bound) {
            self.found.skipped += 1;
            return self.finish_type();
        }
        let b = Bisection {
            t,
            fails,
            fits: None,
            tried_max: false,
            running: None,
        };
        self.trial(b, bound);
    }

    /// The next trial of a type whose first trial did not fit.
    fn advance(&mut self, mut b: Bisection) {
        let max = self.counts.1;
        match &b.fits {
            None if b.tried_max || b.fails.0 >= max => {
                let (count, reason) = b.fails.clone();
                self.reject(b.t, count, reason)
            }
            None => {
                b.tried_max = true;
                self.trial(b, max)
            }
            Some((hi, _)) => {
                let mid = (b.fails.0 + hi) / 2;
                self.trial(b, mid)
            }
        }
    }

    fn trial(&mut self, mut b: Bisection, count: u32) {
        b.running = Some((count, Trial::new(on(&self.plan, b.t, count))));
        self.current = Some(b);
    }

    /// One step of the running trial; once it decides, the bisection's
    /// bounds move and the type is accepted when they meet.
    fn run(&mut self, mut b: Bisection) {
        let Some((count, mut trial)) = b.running.take() else {
            return;
        };
        match trial.step(&self.options, &self.jvm_before) {
            Verdict::Pending => {
                b.running = Some((count, trial));
                self.current = Some(b);
                return;
            }
            Verdict::Fits(f) => b.fits = Some((count, f)),
            Verdict::Fails(reason) => b.fails = (count, reason),
        }
        match &b.fits {
            Some((hi, _)) if *hi == b.fails.0 + 1 => self.accept(b),
            _ => self.current = Some(b),
        }
    }

    fn accept(&mut self, b: Bisection) {
        let Some((count, f)) = b.fits else { return };
        let price = b.t.monthly_price().unwrap_or(0.0);
        let zones = self
            .plan
            .cluster
            .instance_groups
            .first()
            .map(|g| g.availability_zones.clone())
            .unwrap_or_default();
        let one_fewer = (b.fails.0 > 0).then(|| Rejected {
            instance_type: b.t.name.clone(),
            count: b.fails.0,
            reason: b.fails.1.clone(),
        });
        self.found.tried.push(Tried {
            instance_type: b.t.name.clone(),
            monthly_price: price,
            fitting_count: Some(count),
            not_fitting: one_fewer.clone(),
        });
        let c = Candidate {
            groups: vec![CandidateGroup {
                instance_type: b.t.name.clone(),
                count,
                availability_zones: zones,
            }],
            monthly_cost: price * count as f64,
            memory_utilisation: f.memory_utilisation,
            cpu_utilisation: f.cpu_utilisation,
            deployments: f.deployments,
            one_fewer,
        };
        let list = &mut self.found.candidates;
        // Cheapest first; at the same cost, by type name.
        let key = |x: &Candidate| (x.monthly_cost, x.groups[0].instance_type.clone());
        let at = list.partition_point(|x| {
            let (a, b) = (key(x), key(&c));
            a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).is_le()
        });
        list.insert(at, c);
        list.truncate(self.options.candidates.max(1));
        self.finish_type();
    }

    fn reject(&mut self, t: &InstanceType, count: u32, reason: String) {
        let rejected = Rejected {
            instance_type: t.name.clone(),
            count,
            reason,
        };
        self.found.tried.push(Tried {
            instance_type: t.name.clone(),
            monthly_price: t.monthly_price().unwrap_or(0.0),
            fitting_count: None,
            not_fitting: Some(rejected.clone()),
        });
        self.found.rejected.push(rejected);
        self.finish_type();
    }

    fn finish_type(&mut self) {
        self.next += 1;
        // Types come cheapest first: once one instance costs more than the
        // last candidate kept, no later type can be kept either.
        while let Some(t) = self.types.get(self.next) {
            if !self.cannot_beat(t, 1) {
                break;
            }
            self.found.skipped += 1;
            self.next += 1;
        }
    }

    /// With the candidates full, `count` of `t` costs more than the last.
    fn cannot_beat(&self, t: &InstanceType, count: u32) -> bool {
        let list = &self.found.candidates;
        list.len() >= self.options.candidates.max(1)
            && list.last().is_some_and(|last| {
                t.monthly_price().unwrap_or(f64::MAX) * count as f64 > last.monthly_cost
            })
    }

    /// Fewer instances than this cannot register what the tasks reserve;
    /// with the resource that runs out first, in ECS's words.
    fn lower_bound(&self, t: &InstanceType) -> (u32, String) {
        let memory = catalogue()
            .registered_memory(t)
            .mib
            .saturating_sub(self.group_reserved)
            .max(1) as u64;
        let by_memory = self.reserved.memory.div_ceil(memory);
        let by_cpu = self.reserved.cpu.div_ceil(t.cpu_units().max(1) as u64);
        let bound = by_memory.max(by_cpu).clamp(1, u32::MAX as u64) as u32;
        let reason = if by_cpu > by_memory {
            Reason::Cpu
        } else {
            Reason::Memory
        };
        (bound, reason.code().to_string())
    }
}

fn allowed(t: &InstanceType, o: &Options, architecture: &str) -> bool {
    t.cpu_architecture() == architecture
        && (o.families.is_empty() || o.families.contains(&t.family))
        && t.generation >= o.min_generation
        && (o.burstable || !t.is_burstable())
        && t.monthly_price().is_some()
}

/// What the tasks placed by count (services' and run-tasks', not daemons')
/// reserve in all, and each one's needs. A daemon's tasks go only where its
/// constraints let them, which may be nowhere: only a trial can tell.
fn reserved(plan: &Plan) -> (Totals, Vec<Requirements>) {
    let mut totals = Totals::default();
    let mut needs = Vec::new();
    let mut add = |arn: &str, count: u32| {
        if let Some(td) = plan.task_definition(arn) {
            let r = requirements(td);
            totals.memory += r.memory as u64 * count as u64;
            totals.cpu += r.cpu as u64 * count as u64;
            if count > 0 {
                needs.push(r);
            }
        }
    };
    for s in plan.services.iter().filter(|s| plan.on_instances(s)) {
        if !s.is_daemon() {
            add(&s.task_definition, s.desired_count);
        }
    }
    for t in &plan.tasks {
        add(&t.task_definition, t.count);
    }
    (totals, needs)
}
