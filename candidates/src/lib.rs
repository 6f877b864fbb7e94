//! berth-candidates: berth-core's placement index — which container
//! instances to try first, so that placing a task costs about
//! log(instances) instead of a look at every instance (issue 8).
//!
//! It is a crate of its own only so that it can be compiled for speed
//! (`opt-level = 3` in the workspace's release profile) while the rest of the
//! web bundle is compiled for size: placement is the app's hot loop, and at
//! `opt-level = "z"` it ran in wasm at up to twice native's time.
//!
//! The scheduler's answer is defined by `berth_core::placement`: among the
//! instances that fit, the least by the strategies' keys in turn, then by
//! plan order. This index only finds that same instance sooner. It keeps the
//! instances ordered by each strategy's key — remaining memory, remaining
//! CPU, a task group's count per instance, a task group's count per
//! attribute value — and walks them from the best key up, stopping at the
//! first instance that fits. A strategy chain it cannot walk (`random`,
//! unusual combinations) returns `None`, and the caller scans every instance.
//! `core/tests/properties.rs` checks on random plans that both ways agree.

use std::collections::HashMap;

mod sorted;

use sorted::SortedKeys;

/// An instance's position in the plan: the scheduler's last tie-break.
type Idx = u32;

/// (key, instance) as one integer that sorts the same way: one comparison
/// per step of a search instead of two, which wasm feels (issue 8).
type Keyed = u64;

fn keyed(key: u32, idx: usize) -> Keyed {
    (u64::from(key) << 32) | u64::from(idx as Idx)
}

/// The instances grouped by one attribute's value (`spread` by attribute).
#[derive(Debug, Clone)]
struct Partition {
    /// The value index of each instance.
    value_of: Vec<usize>,
    values: usize,
}

/// How a strategy orders instances, as far as the index can walk it.
#[derive(Debug, Clone, PartialEq)]
pub enum Walk {
    Memory,
    Cpu,
    /// Fewest tasks of the group on the instance.
    GroupCount,
    /// Fewest tasks of the group among instances with the same value of this
    /// attribute (`spread` by attribute).
    ByValue(String),
}

/// The instances by how many tasks of one group each runs: a bitset of
/// instances per count. Walking them in (count, plan order) is a scan of
/// words, and a task started or stopped flips two bits; a B-tree per group
/// cost more to build, keep and drop than the placement itself (issue 8).
#[derive(Debug, Clone, PartialEq)]
struct CountLevels {
    /// Words per level: one bit per instance.
    words: usize,
    levels: Vec<Vec<u64>>,
}

impl CountLevels {
    fn new(n: usize, count_of: impl Fn(usize) -> u32) -> CountLevels {
        let mut levels = CountLevels {
            words: n.div_ceil(64),
            levels: Vec::new(),
        };
        for i in 0..n {
            levels.insert(i, count_of(i));
        }
        levels
    }

    fn insert(&mut self, idx: usize, count: u32) {
        let count = count as usize;
        if self.levels.len() <= count {
            self.levels.resize(count + 1, vec![0; self.words]);
        }
        self.levels[count][idx / 64] |= 1 << (idx % 64);
    }

    fn remove(&mut self, idx: usize, count: u32) {
        if let Some(level) = self.levels.get_mut(count as usize) {
            level[idx / 64] &= !(1 << (idx % 64));
        }
    }

    /// (count, instance) in rising order.
    fn iter(&self) -> LevelsIter<'_> {
        LevelsIter {
            levels: &self.levels,
            level: 0,
            word: 0,
            bits: self
                .levels
                .first()
                .and_then(|l| l.first())
                .copied()
                .unwrap_or(0),
        }
    }
}

struct LevelsIter<'s> {
    levels: &'s [Vec<u64>],
    level: usize,
    word: usize,
    /// What is left of the current word.
    bits: u64,
}

impl Iterator for LevelsIter<'_> {
    type Item = (u64, usize);

    fn next(&mut self) -> Option<(u64, usize)> {
        loop {
            if self.bits != 0 {
                let bit = self.bits.trailing_zeros() as usize;
                self.bits &= self.bits - 1;
                return Some((self.level as u64, self.word * 64 + bit));
            }
            let level = self.levels.get(self.level)?;
            self.word += 1;
            if self.word >= level.len() {
                self.level += 1;
                self.word = 0;
            }
            self.bits = self
                .levels
                .get(self.level)?
                .get(self.word)
                .copied()
                .unwrap_or(0);
        }
    }
}

/// Instances in one walk's order: (key, instance), best first.
enum Ordered<'s> {
    From(sorted::RangeFrom<'s>),
    Levels(LevelsIter<'s>),
}

impl Ordered<'_> {
    /// [`first_with_ties`] over this order: chosen here once, so that the
    /// walk's loop is compiled for each kind of order rather than asking
    /// which kind on every instance it passes (issue 8).
    fn first_with_ties(
        self,
        ok: impl Fn(usize) -> bool,
        ties: bool,
        choose: &dyn Fn(&[usize]) -> usize,
    ) -> Option<usize> {
        match self {
            Ordered::From(keys) => first_with_ties(
                keys.map(|k| (k >> 32, (k & u64::from(u32::MAX)) as usize)),
                ok,
                ties,
                choose,
            ),
            Ordered::Levels(levels) => first_with_ties(levels, ok, ties, choose),
        }
    }
}

/// A task group, by its number in the ledger (see `ClusterState::group_id`).
pub type Group = usize;

#[derive(Debug, Clone, Default)]
pub struct Index {
    /// (remaining memory, instance) and (remaining CPU, instance), built the
    /// first time a binpack asks, so that spread-only plans do not keep them.
    by_memory: Option<SortedKeys>,
    by_cpu: Option<SortedKeys>,
    /// Per task group: (tasks of the group on the instance, instance), built
    /// the first time a request of that group asks for it.
    by_group_count: Vec<Option<CountLevels>>,
    /// Per attribute (`spread` field): its partition of the instances. A
    /// plan spreads by one or two attributes, so a list is the fastest map.
    partitions: Vec<(String, Partition)>,
    /// Per task group, per partition (same order): the group's tasks per value.
    value_counts: Vec<Vec<Option<Vec<u64>>>>,
    /// The last request (its walks' id) and group prepared for, and the
    /// partition of its first walk: a run of tasks of one request skips the
    /// set-up, which otherwise compared attribute names on every task.
    prepared: Option<(u64, Group, Option<usize>)>,
}

/// What the index reads from the ledger (`ClusterState`), as closures so that
/// it needs no access to the ledger's private fields.
#[derive(Clone, Copy)]
pub struct Ledger<'a> {
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
pub struct Slot {
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
        if let Some(set) = &mut self.by_memory {
            set.remove(keyed(before.remaining_memory, idx));
        }
        if let Some(set) = &mut self.by_cpu {
            set.remove(keyed(before.remaining_cpu, idx));
        }
        if let Some(Some(levels)) = self.by_group_count.get_mut(group) {
            levels.remove(idx, before.count);
        }
    }

    /// After the change; `delta` is +1 for a task started, -1 for one stopped.
    pub fn insert(&mut self, idx: usize, after: &Slot, group: Group, delta: i64) {
        if let Some(set) = &mut self.by_memory {
            set.insert(keyed(after.remaining_memory, idx));
        }
        if let Some(set) = &mut self.by_cpu {
            set.insert(keyed(after.remaining_cpu, idx));
        }
        if let Some(Some(levels)) = self.by_group_count.get_mut(group) {
            levels.insert(idx, after.count);
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
                    self.by_memory = Some((0..n).map(|i| keyed(resources(i).0, i)).collect());
                }
                Walk::Cpu if self.by_cpu.is_none() => {
                    self.by_cpu = Some((0..n).map(|i| keyed(resources(i).1, i)).collect());
                }
                Walk::GroupCount => {
                    if self.by_group_count.len() <= group {
                        self.by_group_count.resize(group + 1, None);
                    }
                    if self.by_group_count[group].is_none() {
                        self.by_group_count[group] =
                            Some(CountLevels::new(n, |i| count_of(i, group)));
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
                    .range_from(keyed(need.1, 0)),
            ),
            Walk::Cpu => Ordered::From(
                self.by_cpu
                    .as_ref()
                    .expect(prepared)
                    .range_from(keyed(need.0, 0)),
            ),
            Walk::GroupCount => {
                Ordered::Levels(self.by_group_count[group].as_ref().expect(prepared).iter())
            }
            Walk::ByValue(_) => unreachable!("a value walk has levels, not an order"),
        }
    }

    /// [`Self::prepare`] unless it last ran for this request and group;
    /// returns the partition of the first walk, if that is a value walk.
    fn ready(
        &mut self,
        request: u64,
        walks: &[Walk],
        group: Group,
        ledger: &Ledger,
    ) -> Option<usize> {
        if let Some((r, g, p)) = self.prepared {
            if r == request && g == group {
                return p;
            }
        }
        self.prepare(walks, group, ledger);
        let p = match walks.first() {
            Some(Walk::ByValue(field)) => self.partition(field),
            _ => None,
        };
        self.prepared = Some((request, group, p));
        p
    }

    /// The instance the strategies pick among those that `fits`, found by
    /// walking the index: Some(Some(idx)), Some(None) when none fits, or None
    /// when this chain is not one the index can walk.
    ///
    /// `request` identifies `walks`: the same number always comes with the
    /// same walks (`TaskRequest` numbers each request it makes).
    /// `choose` is the scheduler's own choice among a set of fitting
    /// instances; it settles ties on the first key by the rest of the chain.
    pub fn pick(
        &mut self,
        request: u64,
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
                let p = self
                    .ready(request, walks?, group, ledger)
                    .expect("prepared");
                debug_assert_eq!(Some(p), self.partition(field));
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
                        Some(next) => self.ordered(next, group, need).first_with_ties(
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
                self.ready(request, walks?, group, ledger);
                Some(self.ordered(first, group, need).first_with_ties(
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
        let by = |f: fn(&(u32, u32)) -> u32| -> Vec<Keyed> {
            let mut keys: Vec<Keyed> = resources
                .iter()
                .enumerate()
                .map(|(i, r)| keyed(f(r), i))
                .collect();
            keys.sort_unstable();
            keys
        };
        if self
            .by_memory
            .as_ref()
            .is_some_and(|s| !s.iter().eq(by(|r| r.0)))
            || self
                .by_cpu
                .as_ref()
                .is_some_and(|s| !s.iter().eq(by(|r| r.1)))
        {
            return false;
        }
        let groups_agree = self
            .by_group_count
            .iter()
            .enumerate()
            .all(|(group, levels)| {
                levels.as_ref().is_none_or(|levels| {
                    let mut want: Vec<(u64, usize)> = (0..resources.len())
                        .map(|i| (u64::from(count_of(i, group)), i))
                        .collect();
                    want.sort_unstable();
                    levels.iter().eq(want)
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
#[inline(never)]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_levels_walk_by_count_then_plan_order() {
        // 130 instances: three words per level, the last one partly used.
        let counts: Vec<u32> = (0..130).map(|i| [2, 0, 1][i % 3]).collect();
        let mut levels = CountLevels::new(counts.len(), |i| counts[i]);
        let mut want: Vec<(u64, usize)> = counts
            .iter()
            .enumerate()
            .map(|(i, &c)| (u64::from(c), i))
            .collect();
        want.sort_unstable();
        assert!(levels.iter().eq(want.iter().copied()));

        // Instance 127 (count 0) starts a task of the group: now 1.
        levels.remove(127, 0);
        levels.insert(127, 1);
        let moved: Vec<(u64, usize)> = levels.iter().filter(|&(_, i)| i == 127).collect();
        assert_eq!(moved, vec![(1, 127)]);
        assert_eq!(levels.iter().count(), 130);
        let keys: Vec<(u64, usize)> = levels.iter().collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "rising order");
    }

    #[test]
    fn no_instances_walk_nothing() {
        assert_eq!(CountLevels::new(0, |_| 0).iter().count(), 0);
    }
}
