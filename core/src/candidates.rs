//! Which container instances to try first, so that placing a task costs
//! about log(instances) instead of a look at every instance (issue 8).
//!
//! The scheduler's answer is defined by [`crate::placement`]: among the
//! instances that fit, the least by the strategies' keys in turn, then by
//! plan order. This index only finds that same instance sooner. It keeps the
//! instances ordered by each strategy's key — remaining memory, remaining
//! CPU, a task group's count per instance, a task group's count per
//! attribute value — and walks them from the best key up, stopping at the
//! first instance that fits. A strategy chain it cannot walk (`random`,
//! unusual combinations) returns `None`, and the caller scans every instance.
//! `tests/properties.rs` checks on random plans that both ways agree.

use std::collections::{BTreeSet, HashMap};

use crate::model::{PlacementStrategy, StrategyType};

/// An instance's position in the plan: the scheduler's last tie-break.
type Idx = u32;

/// The instances grouped by one attribute's value (`spread` by attribute).
#[derive(Debug, Clone)]
struct Partition {
    /// The value index of each instance.
    value_of: Vec<usize>,
    values: usize,
}

/// How a strategy orders instances, as far as the index can walk it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Walk {
    Memory,
    Cpu,
    /// Fewest tasks of the group on the instance.
    GroupCount,
    /// Fewest tasks of the group among instances with the same value of this
    /// attribute (`spread` by attribute).
    ByValue(String),
}

/// A request's strategies as walks, worked out once per request; None when
/// one of them (`random`) cannot be walked.
pub(crate) fn walks(strategies: &[PlacementStrategy]) -> Option<Vec<Walk>> {
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

/// Instances in one walk's order: (key, instance), best first.
enum Ordered<'s> {
    From(std::collections::btree_set::Range<'s, (u32, Idx)>),
    All(std::collections::btree_set::Iter<'s, (u32, Idx)>),
}

impl Iterator for Ordered<'_> {
    type Item = (u64, usize);

    fn next(&mut self) -> Option<(u64, usize)> {
        let &(k, i) = match self {
            Ordered::From(r) => r.next()?,
            Ordered::All(r) => r.next()?,
        };
        Some((u64::from(k), i as usize))
    }
}

/// A task group, by its number in the ledger (see `ClusterState::group_id`).
pub(crate) type Group = usize;

#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    /// (remaining memory, instance) and (remaining CPU, instance), built the
    /// first time a binpack asks, so that spread-only plans do not keep them.
    by_memory: Option<BTreeSet<(u32, Idx)>>,
    by_cpu: Option<BTreeSet<(u32, Idx)>>,
    /// Per task group: (tasks of the group on the instance, instance), built
    /// the first time a request of that group asks for it.
    by_group_count: Vec<Option<BTreeSet<(u32, Idx)>>>,
    /// Per attribute (`spread` field): its partition of the instances. A
    /// plan spreads by one or two attributes, so a list is the fastest map.
    partitions: Vec<(String, Partition)>,
    /// Per task group, per partition (same order): the group's tasks per value.
    value_counts: Vec<Vec<Option<Vec<u64>>>>,
}

/// What the index reads from the ledger (`ClusterState`), as closures so that
/// it needs no access to the ledger's private fields.
#[derive(Clone, Copy)]
pub(crate) struct Ledger<'a> {
    /// How many instances.
    pub len: usize,
    /// (remaining memory, remaining CPU) of an instance.
    pub resources: &'a dyn Fn(usize) -> (u32, u32),
    /// Tasks of a group on an instance.
    pub count_of: &'a dyn Fn(usize, Group) -> u32,
    /// An instance's value of a `spread` field.
    pub value: &'a dyn Fn(usize, &str) -> Option<String>,
    /// Whether the request fits an instance (resources, then constraints).
    pub fits: &'a dyn Fn(usize) -> bool,
    /// The scheduler's own choice among fitting instances, for ties.
    pub choose: &'a dyn Fn(&[usize]) -> usize,
}

/// What the ledger tells the index about one instance.
pub(crate) struct Slot {
    pub remaining_memory: u32,
    pub remaining_cpu: u32,
    /// Tasks of the changing group on the instance.
    pub count: u32,
}

impl Index {
    fn partition(&self, field: &str) -> Option<usize> {
        self.partitions.iter().position(|(f, _)| f == field)
    }

    /// Before an instance's resources or group counts change.
    pub fn remove(&mut self, idx: usize, before: &Slot, group: Group) {
        let i = idx as Idx;
        if let Some(set) = &mut self.by_memory {
            set.remove(&(before.remaining_memory, i));
        }
        if let Some(set) = &mut self.by_cpu {
            set.remove(&(before.remaining_cpu, i));
        }
        if let Some(Some(set)) = self.by_group_count.get_mut(group) {
            set.remove(&(before.count, i));
        }
    }

    /// After the change; `delta` is +1 for a task started, -1 for one stopped.
    pub fn insert(&mut self, idx: usize, after: &Slot, group: Group, delta: i64) {
        let i = idx as Idx;
        if let Some(set) = &mut self.by_memory {
            set.insert((after.remaining_memory, i));
        }
        if let Some(set) = &mut self.by_cpu {
            set.insert((after.remaining_cpu, i));
        }
        if let Some(Some(set)) = self.by_group_count.get_mut(group) {
            set.insert((after.count, i));
        }
        if let Some(fields) = self.value_counts.get_mut(group) {
            for (p, counts) in fields.iter_mut().enumerate() {
                if let Some(counts) = counts {
                    let value = self.partitions[p].1.value_of[idx];
                    counts[value] = counts[value].saturating_add_signed(delta);
                }
            }
        }
    }

    /// Builds what a request of `group` with `strategies` needs, once.
    fn prepare(&mut self, walks: &[Walk], group: Group, ledger: &Ledger) {
        let Ledger {
            len: n,
            resources,
            count_of,
            value,
            ..
        } = *ledger;
        for walk in walks {
            match walk {
                Walk::Memory if self.by_memory.is_none() => {
                    self.by_memory = Some((0..n).map(|i| (resources(i).0, i as Idx)).collect());
                }
                Walk::Cpu if self.by_cpu.is_none() => {
                    self.by_cpu = Some((0..n).map(|i| (resources(i).1, i as Idx)).collect());
                }
                Walk::GroupCount => {
                    if self.by_group_count.len() <= group {
                        self.by_group_count.resize(group + 1, None);
                    }
                    if self.by_group_count[group].is_none() {
                        let set = (0..n).map(|i| (count_of(i, group), i as Idx)).collect();
                        self.by_group_count[group] = Some(set);
                    }
                }
                Walk::ByValue(field) => {
                    if self.partition(field).is_none() {
                        let mut ids: HashMap<Option<String>, usize> = HashMap::new();
                        let value_of = (0..n)
                            .map(|i| {
                                let next = ids.len();
                                *ids.entry(value(i, field)).or_insert(next)
                            })
                            .collect();
                        self.partitions.push((
                            field.to_string(),
                            Partition {
                                value_of,
                                values: ids.len(),
                            },
                        ));
                    }
                    let p = self.partition(field).expect("just made");
                    if self.value_counts.len() <= group {
                        self.value_counts.resize(group + 1, Vec::new());
                    }
                    let fields = &mut self.value_counts[group];
                    if fields.len() <= p {
                        fields.resize(p + 1, None);
                    }
                    if fields[p].is_none() {
                        let partition = &self.partitions[p].1;
                        let mut counts = vec![0u64; partition.values];
                        for (i, &v) in partition.value_of.iter().enumerate() {
                            counts[v] += u64::from(count_of(i, group));
                        }
                        fields[p] = Some(counts);
                    }
                }
                _ => {}
            }
        }
    }

    /// The instances in the order of one walk, best key first, from `from`
    /// (the request's own need, for binpack: an instance with less cannot fit).
    fn ordered(&self, walk: &Walk, group: Group, need: (u32, u32)) -> Ordered<'_> {
        let prepared = "prepare builds every order a walk reads";
        match walk {
            Walk::Memory => Ordered::From(
                self.by_memory
                    .as_ref()
                    .expect(prepared)
                    .range((need.1, 0)..),
            ),
            Walk::Cpu => Ordered::From(self.by_cpu.as_ref().expect(prepared).range((need.0, 0)..)),
            Walk::GroupCount => {
                Ordered::All(self.by_group_count[group].as_ref().expect(prepared).iter())
            }
            Walk::ByValue(_) => unreachable!("a value walk has levels, not an order"),
        }
    }

    /// The instance the strategies pick among those that `fits`, found by
    /// walking the index: Some(Some(idx)), Some(None) when none fits, or None
    /// when this chain is not one the index can walk.
    ///
    /// `choose` is the scheduler's own choice among a set of fitting
    /// instances; it settles ties on the first key by the rest of the chain.
    pub fn pick(
        &mut self,
        walks: Option<&[Walk]>,
        group: Group,
        need: (u32, u32),
        ledger: &Ledger,
    ) -> Option<Option<usize>> {
        let Ledger {
            len: n,
            fits,
            choose,
            ..
        } = *ledger;
        match walks? {
            [] => None,
            [Walk::ByValue(field), rest @ ..] => {
                if matches!(rest.first(), Some(Walk::ByValue(_))) {
                    return None;
                }
                self.prepare(walks?, group, ledger);
                let p = self.partition(field).expect("prepared");
                let partition = &self.partitions[p].1;
                let counts = self.value_counts[group][p].as_ref().expect("prepared");
                // Levels in rising order, without sorting a copy on every task
                // (an attribute has a handful of values).
                let mut below = None::<u64>;
                while let Some(level) = counts
                    .iter()
                    .copied()
                    .filter(|&c| below.is_none_or(|b| c > b))
                    .min()
                {
                    below = Some(level);
                    let in_level = |i: usize| counts[partition.value_of[i]] == level;
                    let found = match rest.first() {
                        // Within a level only plan order is left.
                        None => (0..n).find(|&i| in_level(i) && fits(i)),
                        Some(next) => first_with_ties(
                            self.ordered(next, group, need),
                            |i| in_level(i) && fits(i),
                            rest.len() > 1,
                            choose,
                        ),
                    };
                    if found.is_some() {
                        return Some(found);
                    }
                }
                Some(None)
            }
            [first, rest @ ..] => {
                self.prepare(walks?, group, ledger);
                Some(first_with_ties(
                    self.ordered(first, group, need),
                    fits,
                    !rest.is_empty(),
                    choose,
                ))
            }
        }
    }

    /// Whether every order kept here matches the instances as they are now
    /// (`resources` and `count_of` read the ledger); for tests.
    pub fn agrees_with(
        &self,
        resources: &[(u32, u32)],
        count_of: &dyn Fn(usize, Group) -> u32,
    ) -> bool {
        let by = |f: fn(&(u32, u32)) -> u32| -> BTreeSet<(u32, Idx)> {
            resources
                .iter()
                .enumerate()
                .map(|(i, r)| (f(r), i as Idx))
                .collect()
        };
        if self.by_memory.as_ref().is_some_and(|s| *s != by(|r| r.0))
            || self.by_cpu.as_ref().is_some_and(|s| *s != by(|r| r.1))
        {
            return false;
        }
        let groups_agree = self.by_group_count.iter().enumerate().all(|(group, set)| {
            set.as_ref().is_none_or(|set| {
                let want: BTreeSet<(u32, Idx)> = (0..resources.len())
                    .map(|i| (count_of(i, group), i as Idx))
                    .collect();
                *set == want
            })
        });
        let values_agree = self.value_counts.iter().enumerate().all(|(group, fields)| {
            fields.iter().enumerate().all(|(p, counts)| {
                counts.as_ref().is_none_or(|counts| {
                    let partition = &self.partitions[p].1;
                    let mut want = vec![0u64; partition.values];
                    for (i, &v) in partition.value_of.iter().enumerate() {
                        want[v] += u64::from(count_of(i, group));
                    }
                    *counts == want
                })
            })
        });
        groups_agree && values_agree
    }
}

/// The first instance in key order that passes `ok`. With `ties`, every
/// instance sharing its key that passes too is gathered and `choose` picks.
fn first_with_ties(
    mut ordered: impl Iterator<Item = (u64, usize)>,
    ok: impl Fn(usize) -> bool,
    ties: bool,
    choose: &dyn Fn(&[usize]) -> usize,
) -> Option<usize> {
    let (key, first) = ordered.by_ref().find(|&(_, i)| ok(i))?;
    if !ties {
        return Some(first);
    }
    let mut tied = vec![first];
    tied.extend(
        ordered
            .take_while(|&(k, _)| k == key)
            .filter(|&(_, i)| ok(i))
            .map(|(_, i)| i),
    );
    Some(if tied.len() == 1 {
        first
    } else {
        choose(&tied)
    })
}
