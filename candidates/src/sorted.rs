//! A set of `u64` keys in rising order, kept as a list of short sorted
//! blocks: the index's order of instances by remaining memory or CPU.
//!
//! Placing a task moves one key (a remove and an insert) and looks up the
//! first key at or above the task's need. In a `BTreeSet` those three steps
//! chase pointers through five levels of small nodes and allocate or free a
//! node now and then; in wasm they took 40 % of a binpack placement (issue
//! 8). Here the look-up is a binary search over the blocks' last keys and
//! one in a block; the remove usually finds its key where the look-up
//! stopped and the insert its block where the remove was; each then shifts
//! at most `MAX` keys, with no allocation except when a block splits.

use std::sync::atomic::{AtomicU64, Ordering};

/// A block splits in two when it grows past this many keys.
const MAX: usize = 128;
/// Keys per block when the set is built from a list.
const FILL: usize = MAX / 2;

/// A place in the blocks, (block, position), remembered by a look-up that
/// only reads the keys. Atomic only so that the index can sit in the app's
/// shared state (which must be `Sync`); nothing reads it across threads, and
/// a stale place is checked before use.
#[derive(Debug, Default)]
struct Hint(AtomicU64);

impl Hint {
    fn get(&self) -> (usize, usize) {
        let both = self.0.load(Ordering::Relaxed);
        ((both >> 32) as usize, (both & u64::from(u32::MAX)) as usize)
    }

    fn set(&self, (block, at): (usize, usize)) {
        self.0
            .store(((block as u64) << 32) | at as u64, Ordering::Relaxed);
    }
}

impl Clone for Hint {
    fn clone(&self) -> Hint {
        let hint = Hint::default();
        hint.set(self.get());
        hint
    }
}

#[derive(Debug, Clone, Default)]
pub struct SortedKeys {
    /// Non-empty blocks; every key of a block is below every key of the next.
    blocks: Vec<Vec<u64>>,
    /// Each block's greatest key, to find a block by binary search without
    /// reading the blocks themselves.
    lasts: Vec<u64>,
    /// Where the last key a walk gave out sits, (block, position): placing
    /// a task removes the very key the walk stopped at, and this spares that
    /// removal its search.
    walked: Hint,
    /// Where the last look-up found its first key: a run of tasks of one
    /// request looks up the same need, and the place it found usually still
    /// holds, or is one further on after a key moved in below it.
    looked_up: Hint,
    /// The block of the last removal: the key a task leaves behind usually
    /// goes back into the same block.
    removed_from: usize,
}

impl FromIterator<u64> for SortedKeys {
    fn from_iter<I: IntoIterator<Item = u64>>(keys: I) -> SortedKeys {
        let mut keys: Vec<u64> = keys.into_iter().collect();
        keys.sort_unstable();
        keys.dedup();
        let blocks: Vec<Vec<u64>> = keys.chunks(FILL).map(<[u64]>::to_vec).collect();
        let lasts = blocks.iter().map(|b| b[b.len() - 1]).collect();
        SortedKeys {
            blocks,
            lasts,
            ..SortedKeys::default()
        }
    }
}

impl SortedKeys {
    /// The block a key at or above `key` would be in: the first whose last
    /// key is not below it (`blocks.len()` when every key is below).
    fn block_of(&self, key: u64) -> usize {
        self.lasts.partition_point(|&last| last < key)
    }

    /// Whether `key` belongs in block `b`: above the block before it, and
    /// not above this one's last key unless `b` is the last block.
    fn belongs_in(&self, b: usize, key: u64) -> bool {
        b < self.blocks.len()
            && (b == 0 || self.lasts[b - 1] < key)
            && (b + 1 == self.blocks.len() || key <= self.lasts[b])
    }

    /// Adds `key`; false if it was there already.
    pub fn insert(&mut self, key: u64) -> bool {
        if self.blocks.is_empty() {
            self.blocks.push(vec![key]);
            self.lasts.push(key);
            return true;
        }
        let b = if self.belongs_in(self.removed_from, key) {
            self.removed_from
        } else {
            // Past every last key, it goes at the end of the last block.
            self.block_of(key).min(self.blocks.len() - 1)
        };
        let block = &mut self.blocks[b];
        let Err(at) = block.binary_search(&key) else {
            return false;
        };
        block.insert(at, key);
        self.lasts[b] = block[block.len() - 1];
        if block.len() > MAX {
            let upper = block.split_off(block.len() / 2);
            self.lasts[b] = block[block.len() - 1];
            self.lasts.insert(b + 1, upper[upper.len() - 1]);
            self.blocks.insert(b + 1, upper);
        }
        true
    }

    /// Takes `key` out; false if it was not there.
    pub fn remove(&mut self, key: u64) -> bool {
        let (b, at) = match self.walked.get() {
            (b, at) if self.blocks.get(b).and_then(|k| k.get(at)) == Some(&key) => (b, at),
            _ => {
                let b = self.block_of(key);
                let Some(block) = self.blocks.get(b) else {
                    return false;
                };
                let Ok(at) = block.binary_search(&key) else {
                    return false;
                };
                (b, at)
            }
        };
        self.removed_from = b;
        let block = &mut self.blocks[b];
        block.remove(at);
        if block.is_empty() {
            self.blocks.remove(b);
            self.lasts.remove(b);
        } else {
            self.lasts[b] = block[block.len() - 1];
        }
        true
    }

    /// Whether (block `b`, position `at`) holds the first key at or above
    /// `from`.
    fn first_from_is_at(&self, b: usize, at: usize, from: u64) -> bool {
        let Some(&key) = self.blocks.get(b).and_then(|block| block.get(at)) else {
            return false;
        };
        let before = match (at, b) {
            (0, 0) => None,
            (0, _) => Some(self.lasts[b - 1]),
            _ => Some(self.blocks[b][at - 1]),
        };
        from <= key && before.is_none_or(|k| k < from)
    }

    /// The keys at or above `from`, rising.
    pub fn range_from(&self, from: u64) -> RangeFrom<'_> {
        let (b, at) = self.looked_up.get();
        let (block, at) = if self.first_from_is_at(b, at, from) {
            (b, at)
        } else if self.first_from_is_at(b, at + 1, from) {
            (b, at + 1)
        } else {
            let block = self.block_of(from);
            let at = self
                .blocks
                .get(block)
                .map_or(0, |b| b.partition_point(|&k| k < from));
            (block, at)
        };
        self.looked_up.set((block, at));
        RangeFrom {
            keys: self,
            block,
            at,
        }
    }

    pub fn iter(&self) -> RangeFrom<'_> {
        self.range_from(0)
    }
}

pub struct RangeFrom<'s> {
    keys: &'s SortedKeys,
    block: usize,
    at: usize,
}

impl Iterator for RangeFrom<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        loop {
            let block = self.keys.blocks.get(self.block)?;
            if let Some(&key) = block.get(self.at) {
                self.keys.walked.set((self.block, self.at));
                self.at += 1;
                return Some(key);
            }
            self.block += 1;
            self.at = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u64),
        Remove(u64),
        /// What a placement does: look up the first key from here, take it
        /// out and put back a lower one (the walk's hints at work).
        Place {
            from: u64,
            less: u64,
        },
    }

    fn op() -> impl Strategy<Value = Op> {
        // Few distinct keys, so that removes find keys and inserts collide.
        prop_oneof![
            (0u64..600).prop_map(Op::Insert),
            (0u64..600).prop_map(Op::Remove),
            (0u64..600, 0u64..100).prop_map(|(from, less)| Op::Place { from, less }),
        ]
    }

    proptest! {
        /// Any run of inserts and removes leaves the same keys, in the same
        /// order, as a `BTreeSet` given the same run, with the same answers.
        #[test]
        fn behaves_as_a_btree_set(
            start in proptest::collection::vec(0u64..600, 0..400),
            ops in proptest::collection::vec(op(), 0..1500),
            from in 0u64..700,
        ) {
            let mut keys: SortedKeys = start.iter().copied().collect();
            let mut want: BTreeSet<u64> = start.into_iter().collect();
            for op in ops {
                match op {
                    Op::Insert(k) => prop_assert_eq!(keys.insert(k), want.insert(k)),
                    Op::Remove(k) => prop_assert_eq!(keys.remove(k), want.remove(&k)),
                    Op::Place { from, less } => {
                        let found = keys.range_from(from).next();
                        prop_assert_eq!(found, want.range(from..).next().copied());
                        if let Some(k) = found {
                            prop_assert!(keys.remove(k) && want.remove(&k));
                            let lower = k.saturating_sub(less);
                            prop_assert_eq!(keys.insert(lower), want.insert(lower));
                        }
                    }
                }
            }
            prop_assert!(keys.iter().eq(want.iter().copied()));
            prop_assert!(keys.range_from(from).eq(want.range(from..).copied()));
            prop_assert!(keys.blocks.iter().all(|b| !b.is_empty() && b.len() <= MAX));
        }
    }

    #[test]
    fn a_block_splits_past_its_limit_and_goes_when_empty() {
        let mut keys: SortedKeys = (0..FILL as u64).collect();
        assert_eq!(keys.blocks.len(), 1);
        for k in FILL as u64..=MAX as u64 {
            keys.insert(k);
        }
        assert_eq!(keys.blocks.len(), 2, "{} keys", MAX + 1);
        assert!(keys.iter().eq(0..=MAX as u64));
        for k in 0..=MAX as u64 / 2 {
            keys.remove(k);
        }
        assert_eq!(keys.blocks.len(), 1);
        assert_eq!(keys.range_from(0).next(), Some(MAX as u64 / 2 + 1));
    }
}
