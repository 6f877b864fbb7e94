//! Reading what users bring: a plan file, a share link, an ECS task
//! definition or a CloudFormation template, each into a [`Plan`] or one
//! [`LoadError`] naming the JSON path of the field at fault. Caps on size are
//! checked here, wherever a plan comes in, so that no later stage loops or
//! allocates without bound.
//!
//! [`Plan`]: crate::model::Plan

pub mod caps;
pub mod error;
pub mod import;
pub mod json_path;
pub mod load;
pub mod share;

pub use error::LoadError;
pub use load::{load_plan, MAX_PLAN_BYTES};
