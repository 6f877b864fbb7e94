//! Undo and redo as plain data: the plans before the current one and the
//! ones undone since. No signals, so it is tested natively; the store keeps
//! one in a signal.

/// Past and future states around the current one, the oldest forgotten
/// past `limit`.
#[derive(Debug, Clone, PartialEq)]
pub struct History<T> {
    past: Vec<T>,
    future: Vec<T>,
    limit: usize,
}

impl<T> History<T> {
    /// An empty history that remembers at most `limit` past states.
    pub fn new(limit: usize) -> Self {
        History {
            past: Vec::new(),
            future: Vec::new(),
            limit,
        }
    }

    /// `previous` was current until a new change: it can be undone back to,
    /// and whatever had been undone can no longer be redone.
    pub fn record(&mut self, previous: T) {
        self.past.push(previous);
        if self.past.len() > self.limit {
            self.past.remove(0);
        }
        self.future.clear();
    }

    /// The state before `current`, which becomes redoable; None when there is
    /// nothing to undo.
    pub fn undo(&mut self, current: T) -> Option<T> {
        let previous = self.past.pop()?;
        self.future.push(current);
        Some(previous)
    }

    /// The state last undone, `current` becoming undoable again.
    pub fn redo(&mut self, current: T) -> Option<T> {
        let next = self.future.pop()?;
        self.past.push(current);
        Some(next)
    }

    /// Whether undo has something to go back to.
    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    /// Whether redo has something to go forward to.
    pub fn can_redo(&self) -> bool {
        !self.future.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::History;

    #[test]
    fn undo_and_redo_walk_back_and_forth() {
        let mut h = History::new(10);
        let mut current = 1;
        for next in [2, 3] {
            h.record(current);
            current = next;
        }
        current = h.undo(current).unwrap();
        assert_eq!(current, 2);
        current = h.undo(current).unwrap();
        assert_eq!(current, 1);
        assert_eq!(h.undo(current), None, "nothing before the first");
        assert!(!h.can_undo() && h.can_redo());
        current = h.redo(current).unwrap();
        current = h.redo(current).unwrap();
        assert_eq!(current, 3);
        assert_eq!(h.redo(current), None, "nothing after the last");
    }

    #[test]
    fn a_new_change_after_undo_forgets_what_was_undone() {
        let mut h = History::new(10);
        h.record(1);
        let current = h.undo(2).unwrap();
        assert!(h.can_redo());
        h.record(current);
        assert!(!h.can_redo());
        assert_eq!(h.undo(5), Some(1));
    }

    #[test]
    fn the_oldest_state_goes_past_the_limit() {
        let mut h = History::new(3);
        for s in 0..5 {
            h.record(s);
        }
        let mut current = 5;
        let mut seen = Vec::new();
        while let Some(previous) = h.undo(current) {
            seen.push(previous);
            current = previous;
        }
        assert_eq!(seen, vec![4, 3, 2]);
    }
}
