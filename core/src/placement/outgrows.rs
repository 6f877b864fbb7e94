//! Whether a task could ever fit one instance of a type, asked without
//! placing: the picker's "holds each task" mark and right-sizing's first
//! pruning both ask it of the whole catalogue, which placement would make
//! slow. A task that asks more CPU, memory or GPUs than one empty instance
//! registers is refused there for that resource (§2.3), whatever else runs.

use super::Reason;
use crate::model::catalogue::{catalogue, InstanceType};
use crate::model::gpus::gpu_count;
use crate::model::requirements::Requirements;

/// The first resource (memory, then CPU, then GPUs) one empty instance of
/// `t`, less `reserved` MiB, has too little of for some task of `needs`;
/// None when it holds each of them.
pub fn outgrows(t: &InstanceType, reserved: u32, needs: &[Requirements]) -> Option<Reason> {
    let memory = catalogue()
        .registered_memory(t)
        .mib
        .saturating_sub(reserved);
    let gpus = gpu_count(&t.name).registered();
    if needs.iter().any(|r| r.memory > memory) {
        Some(Reason::Memory)
    } else if needs.iter().any(|r| r.cpu > t.cpu_units()) {
        Some(Reason::Cpu)
    } else if needs.iter().any(|r| r.gpus > gpus) {
        Some(Reason::Gpu)
    } else {
        None
    }
}
