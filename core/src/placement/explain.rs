//! Why a task cannot be placed, in ECS's words (§4.4): the reason code,
//! the event text, and the closest instance.

use super::ledger::ClusterState;
use super::reason::{Failure, Reason};
use super::request::TaskRequest;
use crate::model::requirements::Requirements;

impl ClusterState {
    /// Why no instance among `candidates` takes the task: the closest match is
    /// an instance that satisfies the constraints and fails the fewest
    /// resource checks; its first failing check is the reason.
    pub(super) fn explain(&self, req: &TaskRequest, candidates: &[usize]) -> Failure {
        if candidates.is_empty() {
            return Failure::new(&req.owner, Reason::NoInstances, None);
        }
        let mut best: Option<(usize, usize, Reason)> = None;
        let group = self.group_id(&req.group);
        for &idx in candidates {
            if !self.satisfies_constraints(idx, req, group) {
                continue;
            }
            let reason = match self.check_resources(idx, &req.requirements) {
                Err(r) => r,
                Ok(()) => continue,
            };
            let failing = self.failing_checks(idx, &req.requirements);
            if best.is_none_or(|(_, f, _)| failing < f) {
                best = Some((idx, failing, reason));
            }
        }
        match best {
            Some((idx, _, reason)) => {
                Failure::new(&req.owner, reason, Some(&self.instances[idx].instance.id))
            }
            None => Failure::new(&req.owner, Reason::Attribute, None),
        }
    }

    pub(super) fn failing_checks(&self, idx: usize, req: &Requirements) -> usize {
        let inst = &self.instances[idx];
        let ports = self
            .check_resources(
                idx,
                &Requirements {
                    cpu: 0,
                    memory: 0,
                    ..req.clone()
                },
            )
            .is_err();
        (req.cpu > inst.remaining_cpu) as usize
            + (req.memory > inst.remaining_memory) as usize
            + ports as usize
    }
}
