//! berth-core: the pure planner behind Berth.
//!
//! Everything Berth shows is decided here: the plan model (ECS's own JSON
//! names), the EC2 instance catalogue, how a cluster's instance groups become
//! container instances, where ECS would place each task and why it would not,
//! the register-time validation rules and the JVM memory check. No UI, no IO:
//! the web app and the CLI are shells that call into this crate.

pub mod caps;
pub mod catalogue;
pub mod cfn;
pub mod checker;
pub mod cluster;
pub mod compare;
pub mod cql;
pub mod deploy;
pub mod edit;
pub mod exchange;
pub mod import;
pub mod json_path;
pub mod jvm;
pub mod load;
pub mod model;
pub mod placement;
pub mod report;
pub mod requirements;
pub mod share;
pub mod synthetic;
pub mod units;
pub mod validate;
pub mod view;
pub mod walkthrough;

pub use load::{load_plan, LoadError};
pub use model::Plan;
pub use placement::{place, Placement};
