//! The plan and the facts it is read against: the plan file itself (ECS's own
//! JSON names), task sizes and their units, the EC2 instance catalogue, the
//! container instances a cluster's groups become, what one task needs of an
//! instance, and the plan's CloudFormation section.
//!
//! Everything here is data and its reading; no rule of placement,
//! simulation or validation. Every other stage depends on this one and this
//! one on none of them.

pub mod catalogue;
pub mod cloudformation;
pub mod cluster;
pub mod gpus;
pub mod jvm_assumptions;
pub mod plan;
pub mod requirements;
pub mod scalar;
pub mod units;

pub use cloudformation::{CloudFormation, Parameter, SourceTemplate};
pub use jvm_assumptions::JvmAssumptions;
pub use plan::*;
