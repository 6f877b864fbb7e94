//! Does a task fit on an instance (§4.1 steps 1–2): resources (CPU,
//! memory, host ports, ENIs) first, then constraints.

use std::collections::BTreeSet;

use berth_candidates::Group;

use super::cql::TaskGroups;
use super::ledger::lookup;
use super::ledger::{ClusterState, MAX_RESERVED_PORTS};
use super::reason::Reason;
use super::request::Constraint;
use super::request::TaskRequest;
use crate::model::requirements::Requirements;
use crate::model::Protocol;

impl ClusterState {
    /// §4.1 step 1: does the task fit this instance's resources and ports?
    pub fn check_resources(&self, idx: usize, req: &Requirements) -> Result<(), Reason> {
        let inst = &self.instances[idx];
        if req.cpu > inst.remaining_cpu {
            return Err(Reason::Cpu);
        }
        // §10.4: "The number of GPUs reserved for all containers in a task
        // cannot exceed the number of available GPUs on the container
        // instance"; the guide's step 1 checks "CPU, GPU, memory, and port".
        if req.gpus > inst.instance.gpus.saturating_sub(inst.gpus_used) {
            return Err(Reason::Gpu);
        }
        if req.memory > inst.remaining_memory {
            return Err(Reason::Memory);
        }
        let mut statics = 0;
        for (protocol, reason) in [
            (Protocol::Tcp, Reason::Ports),
            (Protocol::Udp, Reason::PortsUdp),
        ] {
            let mut seen = BTreeSet::new();
            for p in req.static_ports(protocol) {
                if inst.port_in_use(protocol, p) || !seen.insert(p) {
                    return Err(reason);
                }
                statics += 1;
            }
        }
        if inst.reserved_count + statics > MAX_RESERVED_PORTS {
            return Err(Reason::PortLimit);
        }
        for (protocol, reason) in [
            (Protocol::Tcp, Reason::Ports),
            (Protocol::Udp, Reason::PortsUdp),
        ] {
            let need = req.dynamic_count(protocol);
            if need > 0 {
                let free = self.free_dynamic_ports(idx, protocol);
                let own_statics_in_range = req
                    .static_ports(protocol)
                    .filter(|p| (self.dynamic_range.0..=self.dynamic_range.1).contains(p))
                    .count();
                if free < need + own_statics_in_range {
                    return Err(reason);
                }
            }
        }
        if req.eni && inst.enis_used >= inst.instance.eni_capacity {
            return Err(Reason::Eni);
        }
        Ok(())
    }

    pub(super) fn free_dynamic_ports(&self, idx: usize, protocol: Protocol) -> usize {
        let (lo, hi) = self.dynamic_range;
        let total = (hi - lo) as usize + 1;
        total - self.instances[idx].dynamic_used[protocol as usize]
    }

    /// §4.1 step 2: the binding constraints.
    pub(super) fn satisfies_constraints(
        &self,
        idx: usize,
        req: &TaskRequest,
        group: Option<Group>,
    ) -> bool {
        let inst = &self.instances[idx];
        req.constraints.iter().all(|c| match c {
            // Without a group (a daemon's instances, room aside) only
            // memberOf decides.
            Constraint::DistinctInstance => inst.count(group) == 0,
            Constraint::MemberOf(None) => false,
            Constraint::MemberOf(Some(e)) if e.reads_task_groups() => {
                e.eval_with(&lookup(&inst.instance), &OnInstance { state: self, idx })
            }
            Constraint::MemberOf(Some(e)) => e.eval(&lookup(&inst.instance)),
        })
    }

    /// Checks one instance for a request: resources, then constraints.
    pub fn check(&self, idx: usize, req: &TaskRequest) -> Result<(), Reason> {
        self.check_in_group(idx, req, self.group_id(&req.group))
    }

    pub(super) fn check_in_group(
        &self,
        idx: usize,
        req: &TaskRequest,
        group: Option<Group>,
    ) -> Result<(), Reason> {
        self.check_resources(idx, &req.requirements)?;
        if self.satisfies_constraints(idx, req, group) {
            Ok(())
        } else {
            Err(Reason::Attribute)
        }
    }
}

/// The task groups (§10.2) of the tasks on one instance now.
struct OnInstance<'a> {
    state: &'a ClusterState,
    idx: usize,
}

impl TaskGroups for OnInstance<'_> {
    fn any(&self, test: &mut dyn FnMut(&str) -> bool) -> bool {
        let inst = &self.state.instances[self.idx];
        self.state
            .group_ids
            .iter()
            .any(|(name, &g)| inst.count(Some(g)) > 0 && test(name))
    }

    fn has(&self, name: &str) -> bool {
        self.state.instances[self.idx].count(self.state.group_id(name)) > 0
    }
}
